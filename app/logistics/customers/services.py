"""The customer book (issue 23, spec §9 Marketing "pelanggan yang dibawahi"): the senders a company serves.

Every function takes the tenant and the acting user, checks the rule, flushes and never commits; refused
input is a FieldError. Rules:
- a customer has a name, a valid Indonesian phone (in a tenant's book once), an address and a city from
  the shipments' city list; its marketing person is an active Marketing user of the tenant, or nobody;
- a Marketing user sees its own customers only (and, by the shipments' row rule, their shipments);
- a customer is deleted only when no shipment names it, else deactivated (it leaves the pickers);
- a shipment's new sender can join the book; a sender whose phone is in the book is linked to that entry.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.ids import db_integer_id
from app.core.names import MARKETING
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.customers.models import Customer
from app.logistics.shipments.inputs import active_staff
from app.logistics.shipments.models import Shipment
from app.logistics.tariffs.cities import get_city
from app.logistics.team.services import display_phone, normalized_phone, role_of
from app.security.models import TenantUser
from app.tenancy.models import Tenant

MAX_NAME = 150
MAX_ADDRESS = 1000
PAGE_SIZE = 50
LOOKUP_SIZE = 20
CUSTOMER_FIELDS = ("name", "phone", "address", "city")
ACTIVE_STATES = {"active": True, "inactive": False}


@dataclass
class CustomerInput:
    name: str = ""
    phone: str = ""
    address: str = ""
    city: str = ""
    marketing_id: object = None
    active: bool = True

    @classmethod
    def from_form(cls, form) -> "CustomerInput":
        return cls(
            name=" ".join((form.get("name") or "").split()),
            phone=(form.get("phone") or "").strip(),
            address=(form.get("address") or "").strip(),
            city=(form.get("city") or "").strip(),
            marketing_id=form.get("marketing_id") or None,
            active=form.get("active") in ("1", "on", "y", "true"),
        )

    @classmethod
    def of_sender(cls, shipment: Shipment) -> "CustomerInput":
        return cls(
            name=shipment.sender_name,
            phone=shipment.sender_phone,
            address=shipment.sender_address,
            city=shipment.sender_city,
            marketing_id=shipment.marketing_id,
        )


# --- who sees which customers --------------------------------------------------------------
def narrowing(user):
    """The row rule of the book: a Marketing user sees the customers it looks after; others all. None = all."""
    return Customer.marketing_id == user.id if role_of(user) == MARKETING else None


def _visible(stmt, user):
    rule = narrowing(user)
    return stmt if rule is None else stmt.where(rule)


# --- validation ----------------------------------------------------------------------------
def _check(tenant_id: int, data: CustomerInput, customer: Customer | None) -> None:
    errors = {}
    for name, limit in (("name", MAX_NAME), ("address", MAX_ADDRESS)):
        value = getattr(data, name)
        if not value:
            errors[name] = _l("This field is required.")
        elif len(value) > limit:
            errors[name] = _l("At most %(max)s characters.", max=limit)
    phone = normalized_phone(data.phone)
    if phone is None:
        errors["phone"] = _l("Enter a valid Indonesian phone number, e.g. 0812 3456 7890.")
    elif _phone_taken(tenant_id, phone, customer):
        errors["phone"] = _l("A customer with this phone number is already in the book.")
    else:
        data.phone = phone
    city = get_city(data.city)
    if city is None:
        errors["city"] = _l("Choose a city from the list.")
    else:
        data.city = city.code
    message = _check_marketing(tenant_id, data, customer)
    if message:
        errors["marketing_id"] = message
    if errors:
        raise FieldError(errors=errors)


def _check_marketing(tenant_id: int, data: CustomerInput, customer: Customer | None):
    """An active Marketing user of the tenant, or nobody; a customer keeps the one it has (even deactivated)."""
    if data.marketing_id in (None, ""):
        data.marketing_id = None
        return None
    user_id = db_integer_id(data.marketing_id)
    kept = customer is not None and user_id is not None and user_id == customer.marketing_id
    if not kept and user_id not in {pk for pk, _name in active_staff(tenant_id, MARKETING)}:
        return _l("Choose an active person from the list.")
    data.marketing_id = user_id
    return None


def _phone_taken(tenant_id: int, phone: str, customer: Customer | None) -> bool:
    stmt = sa.select(Customer.id).where(Customer.tenant_id == tenant_id, Customer.phone == phone)
    if customer is not None:
        stmt = stmt.where(Customer.id != customer.id)
    with db.session.no_autoflush:
        return db.session.execute(stmt).first() is not None


def _apply(customer: Customer, data: CustomerInput) -> None:
    customer.name, customer.phone, customer.address, customer.city = data.name, data.phone, data.address, data.city
    customer.marketing_id, customer.active = data.marketing_id, data.active


# --- writing -------------------------------------------------------------------------------
def create_customer(tenant: Tenant, actor: TenantUser, data: CustomerInput) -> Customer:
    _check(tenant.id, data, None)
    customer = Customer(tenant_id=tenant.id)
    _apply(customer, data)
    db.session.add(customer)
    db.session.flush()
    return customer


def update_customer(tenant: Tenant, actor: TenantUser, customer: Customer, data: CustomerInput) -> None:
    _check(tenant.id, data, customer)
    _apply(customer, data)
    db.session.flush()


def set_active(tenant: Tenant, actor: TenantUser, customer: Customer, active: bool) -> None:
    """Inactive: leaves the pickers; its shipments keep their link."""
    customer.active = active
    db.session.flush()


def references(customer: Customer) -> int:
    """How many shipments name the customer."""
    stmt = sa.select(sa.func.count(Shipment.id)).where(Shipment.customer_id == customer.id)
    return db.session.execute(stmt).scalar_one()


def delete_customer(tenant: Tenant, actor: TenantUser, customer: Customer) -> None:
    if references(customer):
        raise FieldError(
            "delete",
            _l(
                "%(name)s is named on shipments and cannot be deleted: deactivate it instead (its shipments stay).",
                name=customer.name,
            ),
        )
    db.session.delete(customer)
    db.session.flush()


def add_sender_of(tenant: Tenant, actor: TenantUser, shipment: Shipment) -> Customer:
    """The shipment's sender into the book (its marketing person as the customer's), the shipment linked to
    it; a sender whose phone is in the book already is linked to that entry. Refused sender fields are
    named as the shipment form's."""
    phone = normalized_phone(shipment.sender_phone or "")
    customer = _by_phone(tenant.id, phone) if phone else None
    if customer is None:
        try:
            customer = create_customer(tenant, actor, CustomerInput.of_sender(shipment))
        except FieldError as exc:
            raise FieldError(errors={_sender_field(name): message for name, message in exc.errors.items()}) from None
    shipment.customer_id = customer.id
    db.session.flush()
    return customer


def _sender_field(name: str) -> str:
    return f"sender_{name}" if name in CUSTOMER_FIELDS else name


def _by_phone(tenant_id: int, phone: str) -> Customer | None:
    stmt = sa.select(Customer).where(Customer.tenant_id == tenant_id, Customer.phone == phone)
    return db.session.execute(stmt).scalar_one_or_none()


# --- reading -------------------------------------------------------------------------------
@dataclass
class CustomerQuery:
    q: str = ""
    marketing: int | None = None
    city: str = ""
    state: str = ""  # "", "active", "inactive"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "CustomerQuery":
        city = get_city(args.get("city") or "")
        page = db_integer_id(args.get("page")) or 1
        return cls(
            q=(args.get("q") or "").strip()[:100],
            marketing=db_integer_id(args.get("marketing")),
            city=city.code if city else "",
            state=args.get("state") if args.get("state") in ACTIVE_STATES else "",
            page=min(page, 100_000),
        )

    def args(self, **changes) -> dict:
        values = {"q": self.q, "marketing": self.marketing, "city": self.city, "state": self.state, "page": self.page}
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None) and (key, value) != ("page", 1)}


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _search(term: str):
    conditions = [column.ilike(_like(term), escape="\\") for column in (Customer.name, Customer.address)]
    digits = re.sub(r"\D", "", term)
    if len(digits) >= 3:  # phones are stored +62…: 0812… is looked for as 812…
        conditions.append(Customer.phone.like(_like(digits[1:] if digits.startswith("0") else digits), escape="\\"))
    return sa.or_(*conditions)


def filtered(query: CustomerQuery, user):
    """The book as `user` may see it, filtered, by name."""
    stmt = _visible(sa.select(Customer), user)
    if query.q:
        stmt = stmt.where(_search(query.q))
    if query.marketing:
        stmt = stmt.where(Customer.marketing_id == query.marketing)
    if query.city:
        stmt = stmt.where(Customer.city == query.city)
    if query.state:
        stmt = stmt.where(Customer.active.is_(ACTIVE_STATES[query.state]))
    return stmt.order_by(Customer.name, Customer.id)


def customer_page(query: CustomerQuery, user) -> tuple[list[Customer], bool]:
    """One page of the list and whether another follows."""
    stmt = filtered(query, user).options(sa.orm.joinedload(Customer.marketing))
    rows = list(db.session.execute(stmt.limit(PAGE_SIZE + 1).offset((query.page - 1) * PAGE_SIZE)).scalars())
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def shipment_counts(customer_ids: list[int]) -> dict[int, int]:
    if not customer_ids:
        return {}
    stmt = (
        sa.select(Shipment.customer_id, sa.func.count(Shipment.id))
        .where(Shipment.customer_id.in_(customer_ids), Shipment.tracking_number.is_not(None))
        .group_by(Shipment.customer_id)
    )
    return dict(db.session.execute(stmt).all())


def cities_in_book(tenant_id: int) -> list[str]:
    """The city codes the tenant's customers are in (the list's city filter)."""
    stmt = sa.select(Customer.city).where(Customer.tenant_id == tenant_id).distinct()
    return list(db.session.execute(stmt).scalars())


def lookup(term: str, user) -> list[Customer]:
    """Active customers matching `term`, for the pickers (new shipment, receivables, filters)."""
    stmt = _visible(sa.select(Customer).where(Customer.active.is_(True)), user)
    if term:
        stmt = stmt.where(_search(term.strip()[:100]))
    return list(db.session.execute(stmt.order_by(Customer.name, Customer.id).limit(LOOKUP_SIZE)).scalars())


def picked(customer: Customer) -> dict:
    """What a picker offers for a customer: its label and the sender fields it fills."""
    phone = display_phone(customer.phone)
    return {
        "id": customer.id,
        "text": f"{customer.name} · {phone}",
        "name": customer.name,
        "phone": phone,
        "address": customer.address,
        "city": customer.city,
        "city_label": customer.city_label,
        "marketing_id": customer.marketing_id,
    }


def visible_customer(user, pk) -> Customer | None:
    """A customer `user` may see, by an id as typed (form, query string), else None."""
    customer_id = db_integer_id(pk)
    if customer_id is None:
        return None
    stmt = _visible(sa.select(Customer).where(Customer.id == customer_id), user)
    return db.session.execute(stmt).scalar_one_or_none()
