"""Clients (= tenants) as the vendor manages them: create by hand, profile, subscription, modules."""

import re
import secrets
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.billing.catalogue import module_by_code, plan_by_code
from app.billing.models import Invoice, Plan, Subscription
from app.core.formatting import wib_date
from app.core.periods import wib_midnight_utc
from app.core.validation import FieldError
from app.extensions import db
from app.security.catalogue import SUPER_ADMIN
from app.security.models import TenantUser
from app.tenancy import models as tenancy_models
from app.tenancy import services as tenancy
from app.tenancy.models import CLIENT_TYPES, TENANT_STATUSES, Tenant

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CLIENT_TYPE_LABELS = tenancy_models.CLIENT_TYPE_LABELS
STATUS_LABELS = tenancy_models.TENANT_STATUS_LABELS


@dataclass
class ClientProfile:
    name: str
    client_type: str
    email: str
    contact_name: str = ""
    phone: str = ""
    address: str = ""
    npwp: str = ""

    @classmethod
    def from_form(cls, form) -> "ClientProfile":
        return cls(**{f.name: (form.get(f.name) or "").strip() for f in fields(cls)})

    @classmethod
    def of(cls, tenant: Tenant) -> "ClientProfile":
        return cls(**{f.name: getattr(tenant, f.name) or "" for f in fields(cls)})


def validate_profile(profile: ClientProfile) -> None:
    if not profile.name or len(profile.name) > 150:
        raise FieldError("name", _l("A company name of at most 150 characters is required."))
    if profile.client_type not in CLIENT_TYPES:
        raise FieldError("client_type", _l("Choose a client type."))
    if not EMAIL_RE.match(profile.email) or len(profile.email) > 320:
        raise FieldError("email", _l("Enter a valid e-mail address."))
    if profile.phone and not re.fullmatch(r"[0-9+()\- ]{5,30}", profile.phone):
        raise FieldError("phone", _l("Enter a valid phone number."))
    if profile.npwp and not re.fullmatch(r"[0-9.\-]{15,32}", profile.npwp):
        raise FieldError("npwp", _l("NPWP must be 15 or 16 digits (dots and dashes allowed)."))
    if len(profile.contact_name) > 150:
        raise FieldError("contact_name", _l("The contact name is too long."))


# --- the status the vendor sees: "Jatuh Tempo" derived, a manual override kept --------------------------
# The stored Tenant.status is what staff set by hand (with a reason, in the client's history) or the
# lifecycle job set. An "active" client is shown and filtered as overdue ("Jatuh Tempo") as soon as one of
# its invoices is unpaid past its due date, or its paid period ended: nobody has to remember to flag it.
# Setting "overdue" by hand stays possible (e.g. a promise to pay broken before the due date), and so is
# clearing a derived one until a date (a promise to pay by then): `clear_overdue`.
MAX_DUE_WITHIN_DAYS = 366
MAX_WAIVER_DAYS = 90


def _open_invoices():
    return sa.and_(Invoice.tenant_id == Tenant.id, Invoice.paid_amount < Invoice.total, ~Invoice.credit_note.has())


def _derived_overdue(today: date):
    late_invoice = sa.exists().where(_open_invoices(), Invoice.due_date < today)
    period = sa.orm.aliased(Subscription)  # lists join the client's subscription themselves
    lapsed = sa.exists().where(period.tenant_id == Tenant.id, period.period_end < today)
    waived = sa.and_(Tenant.overdue_waived_until.is_not(None), Tenant.overdue_waived_until >= today)
    return sa.and_(Tenant.status == "active", ~waived, sa.or_(late_invoice, lapsed))


def client_status_condition(status: str, today: date):
    """SQL for the status a client is shown with (the same rule as `client_status`), for lists and counts."""
    overdue = _derived_overdue(today)
    if status == "overdue":
        return sa.or_(Tenant.status == "overdue", overdue)
    if status == "active":
        return sa.and_(Tenant.status == "active", ~overdue)
    return Tenant.status == status


def client_status_column(today: date):
    return sa.case((client_status_condition("overdue", today), "overdue"), else_=Tenant.status).label("shown_status")


def due_within_condition(days: int, today: date):
    """Clients with something falling due in the next `days` days: an open invoice or the period's end."""
    last = today + timedelta(days=days)
    invoice = sa.exists().where(_open_invoices(), Invoice.due_date >= today, Invoice.due_date <= last)
    subscription = sa.orm.aliased(Subscription)
    period = sa.exists().where(
        subscription.tenant_id == Tenant.id, subscription.period_end >= today, subscription.period_end <= last
    )
    return sa.or_(invoice, period)


def overdue_reasons(tenant: Tenant, today: date) -> list[str]:
    """Why a client is shown as overdue: the late invoices, a lapsed period, or the status set by hand."""
    if overdue_waived(tenant, today) and tenant.status == "active":
        return []
    reasons = []
    late = db.session.execute(
        sa.select(Invoice.number, Invoice.due_date)
        .where(Invoice.tenant_id == tenant.id, Invoice.paid_amount < Invoice.total, ~Invoice.credit_note.has())
        .where(Invoice.due_date < today)
        .order_by(Invoice.due_date)
    ).all()
    for number, due in late:
        reasons.append(str(_l("Invoice %(number)s unpaid since %(due)s", number=number, due=wib_date(due))))
    subscription = subscription_of(tenant)
    if subscription is not None and subscription.period_end < today:
        reasons.append(str(_l("Paid period ended on %(day)s", day=wib_date(subscription.period_end))))
    if tenant.status == "overdue":
        reasons.append(str(_l("Set by hand (see the history)")))
    return reasons if tenant.status in ("active", "overdue") else []


def client_event(tenant: Tenant, action: str, *, actor_id: int | None, summary: str, details: dict | None = None):
    """An entry of the client's history (app/billing/history.py), in the activity log."""
    record_event(
        db.session, action, tenant_id=tenant.id, actor_id=actor_id, summary=summary, entity=tenant, details=details
    )


def checked_reason(raw: str, limit: int = 200) -> str:
    """A change made by hand carries its reason into the client's history."""
    reason = " ".join((raw or "").split())
    if not reason or len(reason) > limit:
        raise FieldError("reason", _l("Give a reason (at most %(n)s characters).", n=limit))
    return reason


def overdue_waived(tenant: Tenant, today: date) -> bool:
    return tenant.overdue_waived_until is not None and tenant.overdue_waived_until >= today


def clear_overdue(tenant: Tenant, until: date | None, reason: str, *, today: date, actor_id: int | None) -> None:
    """Staff clear a derived "Jatuh Tempo" by hand until `until` (included): the client reads "Aktif" till
    then, and overdue again afterwards if the invoices are still unpaid. The reason goes to the history."""
    if until is None or not today <= until <= today + timedelta(days=MAX_WAIVER_DAYS):
        raise FieldError("until", _l("Choose a date from today up to %(n)s days ahead.", n=MAX_WAIVER_DAYS))
    reason = checked_reason(reason)
    if tenant.status != "active":
        raise FieldError("until", _l("Only an active client's Jatuh Tempo can be cleared; change the status instead."))
    tenant.overdue_waived_until = until
    client_event(
        tenant,
        "overdue_cleared",
        actor_id=actor_id,
        summary=f"Overdue cleared until {until.isoformat()}: {reason}",
        details={"until": until.isoformat(), "reason": reason},
    )


def name_taken(name: str) -> bool:
    """Two clients of one name cannot be told apart in lists and pickers: names are unique, ignoring case
    and surrounding spaces."""
    key = " ".join(name.split()).lower()
    return (
        db.session.execute(sa.select(Tenant.id).where(sa.func.lower(sa.func.trim(Tenant.name)) == key)).first()
        is not None
    )


def _slug_for(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50].strip("-") or "client"
    slug, n = base, 1
    while slug in tenancy.RESERVED_SLUGS or tenancy.tenant_by_slug(slug) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def subscription_of(tenant: Tenant) -> Subscription | None:
    return db.session.execute(sa.select(Subscription).where(Subscription.tenant_id == tenant.id)).scalar_one_or_none()


def _ends_at(day: date) -> datetime:
    """The naive-UTC end of the WIB `day` (the period's last day, included)."""
    return wib_midnight_utc(day + timedelta(days=1))


def first_period_end(start: date, plan: Plan) -> date:
    """The last day (included) of a period of `plan` starting on `start`: exactly the plan's days."""
    return start + timedelta(days=plan.period_days - 1)


def apply_subscription(tenant: Tenant, subscription: Subscription) -> None:
    plan = subscription.plan
    tenancy.set_subscription(
        tenant,
        state="expired" if subscription.status == "inactive" else "active",
        ends_at=_ends_at(subscription.period_end),
        shipment_quota=plan.shipment_quota,
        user_quota=plan.user_quota,
        status=subscription.status,
        period_days=plan.period_days,
    )


def subscribe(tenant: Tenant, plan: Plan, start: date) -> Subscription:
    """Start (or restart) the client on `plan` from `start`; switches on the plan's active modules."""
    subscription = subscription_of(tenant) or Subscription(tenant_id=tenant.id)
    subscription.plan = plan
    subscription.status = "active"
    subscription.started_on = start
    subscription.period_end = first_period_end(start, plan)
    db.session.add(subscription)
    db.session.flush()
    apply_subscription(tenant, subscription)
    tenancy.set_modules(tenant, set(tenancy.enabled_modules(tenant.id)) | {m.code for m in plan.modules if m.active})
    return subscription


def create_client(profile: ClientProfile, *, plan_code: str, today: date, actor_id: int | None):
    """A tenant, its subscription and a first Super Admin; returns (tenant, user, temporary password)."""
    validate_profile(profile)
    if name_taken(profile.name):
        raise FieldError("name", _l("A client with this name already exists; add e.g. the town to tell them apart."))
    plan = plan_by_code(plan_code)
    if plan is None:
        raise FieldError("plan", _l("Choose a plan."))
    password = secrets.token_urlsafe(12) + "#A1"
    owner = Owner(email=profile.email, full_name=profile.contact_name or profile.name, password=password)
    tenant, user = open_client(
        profile, plan=plan, slug=_slug_for(profile.name), owner=owner, today=today, actor_id=actor_id
    )
    return tenant, user, password


@dataclass(frozen=True)
class Owner:
    """The client's first Super Admin: a plain password, or a hash made elsewhere (self-service signup)."""

    email: str
    full_name: str
    password: str = ""
    password_hash: str = ""


def open_client(
    profile: ClientProfile,
    *,
    plan: Plan,
    slug: str,
    owner: Owner,
    today: date,
    actor_id: int | None,
    awaiting_payment: bool = False,
):
    """The one way a client comes to exist (vendor's form and self-service signup): tenant, subscription
    on `plan` with its modules, first Super Admin. `awaiting_payment` keeps it read-only until paid."""
    email = profile.email.lower()
    if db.session.execute(sa.select(TenantUser.id).where(TenantUser.email == owner.email.lower())).first():
        raise FieldError("email", _l("A user with this e-mail already exists."))
    if slug in tenancy.RESERVED_SLUGS or tenancy.tenant_by_slug(slug) is not None:
        raise FieldError("slug", _l("This address is already taken."))
    tenant = Tenant(slug=slug, joined_on=today, **{**profile.__dict__, "email": email})
    db.session.add(tenant)
    db.session.flush()
    subscription = subscribe(tenant, plan, today)
    if awaiting_payment:
        subscription.status = "inactive"
        apply_subscription(tenant, subscription)
    user = _add_super_admin(tenant, owner)
    client_event(
        tenant,
        "client_created",
        actor_id=actor_id,
        summary=f"Client {tenant.name} created on {plan.name}",
        details={"plan": plan.name},
    )
    return tenant, user


def _add_super_admin(tenant: Tenant, owner: Owner) -> TenantUser:
    sm = current_app.appbuilder.sm
    email = owner.email.lower()
    first, _, last = owner.full_name.partition(" ")
    user = sm.add_user(
        email,
        first[:64],
        (last or tenant.name)[:64],
        email,
        sm.find_role(SUPER_ADMIN),
        password=owner.password,
        hashed_password=owner.password_hash,
        commit=False,
    )
    if not user:
        raise FieldError("email", _l("The first user could not be created."))
    user.tenant_id = tenant.id
    db.session.flush()
    return user


def update_profile(tenant: Tenant, profile: ClientProfile, *, actor_id: int | None) -> dict:
    validate_profile(profile)
    changes = {}
    for f in fields(ClientProfile):
        new = getattr(profile, f.name) or None
        if (getattr(tenant, f.name) or None) != new:
            changes[f.name] = [getattr(tenant, f.name), new]
            setattr(tenant, f.name, new)
    if changes:
        client_event(
            tenant,
            "client_updated",
            actor_id=actor_id,
            summary=f"Profile changed: {', '.join(changes)}",
            details=changes,
        )
    db.session.flush()
    return changes


def change_status(tenant: Tenant, status: str, reason: str, *, actor_id: int | None) -> None:
    if status not in TENANT_STATUSES:
        raise FieldError("status", _l("Choose a status."))
    reason = checked_reason(reason)
    subscription = subscription_of(tenant)
    if subscription is None:
        raise FieldError("status", _l("This client has no subscription yet."))
    old = subscription.status
    subscription.status = status
    apply_subscription(tenant, subscription)
    client_event(
        tenant,
        "subscription_status",
        actor_id=actor_id,
        summary=f"Status {old} -> {status}: {reason}",
        details={"from": old, "to": status, "reason": reason},
    )


def set_client_module(tenant: Tenant, code: str, on: bool, *, actor_id: int | None) -> None:
    """Switch one module on or off for a client; takes effect on the client's next request."""
    module = module_by_code(code)
    if module is None:
        raise FieldError("module", _l("Unknown module."))
    enabled = set(tenancy.enabled_modules(tenant.id))
    if on and not module.active:
        raise FieldError("module", _l("%(name)s is deactivated and cannot be switched on.", name=module.name))
    if (code in enabled) == on:
        return
    tenancy.set_modules(tenant, enabled | {code} if on else enabled - {code})
    client_event(
        tenant,
        "module_enabled" if on else "module_disabled",
        actor_id=actor_id,
        summary=f"{module.name} {'on' if on else 'off'}",
        details={"module": code},
    )
