"""Finance rules (spec §8): the cash book, paid shipments, expense requests and their approval.

Services take the tenant and the acting user explicitly, flush and never commit. Money is whole
Rupiah: parsed to Decimal, refused unless whole and positive, stored as an integer. Balances and
totals are sums over the entries, never stored.
"""

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.audit.services import record_event
from app.core import storage, uploads
from app.core.formatting import jakarta_today, rupiah, to_jakarta
from app.core.ids import db_integer_id
from app.core.names import ADMIN, SUPER_ADMIN, VIEWER
from app.core.periods import wib_midnight_utc
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.finance.fields import (
    DatedFilter,
    FormInput,
    checked,
    clean_text,
    one_of,
    parse_amount,
    parse_date,
)
from app.logistics.finance.models import (
    APPROVED,
    BUILTIN_CATEGORIES,
    EXPENSE,
    INCOME,
    KINDS,
    METHODS,
    PENDING,
    REJECTED,
    ExpenseRequest,
    FinanceCategory,
    FinanceEntry,
)
from app.logistics.shipments.models import Shipment
from app.tenancy.models import utcnow

MAX_PROOF_BYTES = 5 * 1024 * 1024
PROOF_KINDS = ("png", "jpeg", "webp", "pdf")
PAGE_SIZE = 50  # rows per page of the finance lists: a screen or two, as the shipment list
INVOICE_LINES = 300
SHIPMENT_CATEGORY = "pengiriman"
SEES_ALL_REQUESTS = frozenset({SUPER_ADMIN, ADMIN, VIEWER})

KIND_LABELS = {INCOME: _l("Income"), EXPENSE: _l("Expense")}
METHOD_LABELS = {"tunai": _l("Cash"), "transfer": _l("Bank transfer"), "qris": _l("QRIS")}
CATEGORY_LABELS = {
    "pengiriman": _l("Shipping"),
    "operasional": _l("Operations"),
    "bahan_bakar": _l("Fuel"),
    "gaji_kurir": _l("Courier wages"),
    "perawatan": _l("Maintenance"),
    "sewa": _l("Rent"),
    "lainnya": _l("Other"),
}
STATE_LABELS = {PENDING: _l("Waiting for approval"), APPROVED: _l("Approved"), REJECTED: _l("Rejected")}


def category_label(code: str) -> str:
    return str(CATEGORY_LABELS[code]) if code in CATEGORY_LABELS else code


# --- categories -----------------------------------------------------------------------------
def custom_categories(tenant_id: int) -> list[FinanceCategory]:
    return list(
        db.session.execute(
            sa.select(FinanceCategory).where(FinanceCategory.tenant_id == tenant_id).order_by(FinanceCategory.name)
        ).scalars()
    )


def category_choices(tenant_id: int) -> list[tuple[str, str]]:
    """(value, label): the built-in categories, then the tenant's own."""
    builtin = [(code, category_label(code)) for code in BUILTIN_CATEGORIES]
    return builtin + [(c.name, c.name) for c in custom_categories(tenant_id)]


def add_category(tenant, actor, name: str) -> FinanceCategory:
    name = clean_text(name, "name", 60, required=True)
    # Neither a built-in category (its code, "bahan bakar", or its label) nor one the tenant has, in any case.
    taken = {code.lower() for code, _label in category_choices(tenant.id)}
    taken |= {code.replace("_", " ") for code in BUILTIN_CATEGORIES}
    taken |= {category_label(code).lower() for code in BUILTIN_CATEGORIES}
    if name.lower() in taken:
        raise FieldError("name", _l("This category exists already."))
    category = FinanceCategory(tenant_id=tenant.id, name=name)
    db.session.add(category)
    db.session.flush()
    return category


def _check_category(tenant_id: int, value) -> str:
    code = str(value or "").strip()
    if code not in {c for c, _label in category_choices(tenant_id)}:
        raise FieldError("category", _l("Choose a category from the list."))
    return code


# --- proofs -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Proof:
    content: bytes

    def store(self, tenant_id: int, folder: str) -> tuple[str, str]:
        """Check the content (photo or PDF, at most 5 MB) and store it; (key, mime)."""
        if len(self.content) > MAX_PROOF_BYTES:
            raise FieldError("proof", _l("The proof may be at most 5 MB."))
        found = uploads.check(
            self.content,
            PROOF_KINDS,
            field="proof",
            message=_l("The proof must be a photo (PNG, JPEG, WebP) or a PDF."),
        )
        key = storage.put(
            f"finance/{tenant_id}/{folder}/{uuid.uuid4().hex}.{found.extension}", self.content, found.mime
        )
        return key, found.mime


def read_proof(content: bytes | None) -> Proof | None:
    return Proof(content) if content else None


# --- cash book ---------------------------------------------------------------------------------
@dataclass
class EntryInput(FormInput):
    kind: str = ""
    entry_date: str = ""
    amount: str = ""
    method: str = ""
    category: str = ""
    description: str = ""


@dataclass(frozen=True)
class CleanEntry:
    kind: str
    entry_date: date
    amount: int
    method: str
    category: str
    description: str


def _clean(tenant_id: int, data: EntryInput) -> CleanEntry:
    checks = (
        ("kind", lambda: one_of(data.kind, KINDS, "kind", _l("Choose income or expense."))),
        ("entry_date", lambda: parse_date(data.entry_date, "entry_date")),
        ("amount", lambda: parse_amount(data.amount)),
        ("method", lambda: one_of(data.method, METHODS, "method", _l("Choose cash, bank transfer or QRIS."))),
        ("category", lambda: _check_category(tenant_id, data.category)),
        ("description", lambda: clean_text(data.description, "description", 255)),
    )
    return CleanEntry(**checked(checks))


def record_entry(tenant, actor, data: EntryInput, proof: Proof | None = None) -> FinanceEntry:
    clean = _clean(tenant.id, data)
    entry = FinanceEntry(tenant_id=tenant.id, created_by_id=actor.id if actor else None, **clean.__dict__)
    if proof is not None:
        entry.proof_key, entry.proof_mime = proof.store(tenant.id, "entries")
    db.session.add(entry)
    db.session.flush()
    return entry


def update_entry(tenant, actor, entry: FinanceEntry, data: EntryInput, proof: Proof | None = None) -> FinanceEntry:
    """An edit (the activity log keeps the old values). A shipment payment or an approved request is
    changed where it came from, not here."""
    if entry.shipment_id or entry.expense_request_id:
        raise FieldError(
            "amount", _l("This entry was made by a shipment payment or an approved request: change it there.")
        )
    clean = _clean(tenant.id, data)
    previous_proof = entry.proof_key
    for name, value in clean.__dict__.items():
        setattr(entry, name, value)
    if proof is not None:
        entry.proof_key, entry.proof_mime = proof.store(tenant.id, "entries")
    db.session.flush()
    if proof is not None and previous_proof:
        storage.delete(previous_proof)
    return entry


@dataclass
class EntryFilter(DatedFilter):
    kind: str = ""
    method: str = ""
    category: str = ""

    @classmethod
    def own_values(cls, args) -> dict:
        return {
            "kind": args.get("kind", "") if args.get("kind") in KINDS else "",
            "method": args.get("method", "") if args.get("method") in METHODS else "",
            "category": str(args.get("category") or "")[:60],
        }

    def own_args(self) -> dict:
        return {"kind": self.kind, "method": self.method, "category": self.category}

    def conditions(self, tenant_id: int) -> list:
        where = [FinanceEntry.tenant_id == tenant_id]
        if self.date_from:
            where.append(FinanceEntry.entry_date >= self.date_from)
        if self.date_to:
            where.append(FinanceEntry.entry_date <= self.date_to)
        if self.kind:
            where.append(FinanceEntry.kind == self.kind)
        if self.method:
            where.append(FinanceEntry.method == self.method)
        if self.category:
            where.append(FinanceEntry.category == self.category)
        return where


@dataclass(frozen=True)
class Totals:
    income: int = 0
    expense: int = 0
    count: int = 0

    @property
    def net(self) -> int:
        return self.income - self.expense

    @classmethod
    def of(cls, entries) -> "Totals":
        """The totals of exactly these rows (Decimal sums: no float ever sees a Rupiah)."""
        income = sum((Decimal(e.amount) for e in entries if e.kind == INCOME), Decimal(0))
        expense = sum((Decimal(e.amount) for e in entries if e.kind == EXPENSE), Decimal(0))
        return cls(int(income), int(expense), len(entries))


def _sums(where) -> Totals:
    income = sa.func.coalesce(sa.func.sum(sa.case((FinanceEntry.kind == INCOME, FinanceEntry.amount), else_=0)), 0)
    expense = sa.func.coalesce(sa.func.sum(sa.case((FinanceEntry.kind == EXPENSE, FinanceEntry.amount), else_=0)), 0)
    row = db.session.execute(sa.select(income, expense, sa.func.count()).where(*where)).one()
    return Totals(int(row[0]), int(row[1]), int(row[2]))


def list_entries(tenant_id: int, query: EntryFilter) -> list[FinanceEntry]:
    stmt = (
        sa.select(FinanceEntry)
        .where(*query.conditions(tenant_id))
        .options(sa.orm.joinedload(FinanceEntry.created_by), sa.orm.joinedload(FinanceEntry.shipment))
        .order_by(FinanceEntry.entry_date.desc(), FinanceEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((query.page - 1) * PAGE_SIZE)
    )
    return list(db.session.execute(stmt).unique().scalars())


def filter_totals(tenant_id: int, query: EntryFilter) -> Totals:
    """Totals of every entry the filter matches (all pages)."""
    return _sums(query.conditions(tenant_id))


def balance(tenant_id: int, until: date | None = None) -> int:
    """Cash balance: income minus expense over every entry (up to `until`)."""
    where = [FinanceEntry.tenant_id == tenant_id]
    if until is not None:
        where.append(FinanceEntry.entry_date <= until)
    return _sums(where).net


# --- paid shipments ----------------------------------------------------------------------------
@dataclass
class PaymentFilter(DatedFilter):
    sender: str = ""
    customer_id: int | None = None  # a customer of the book: the shipments linked to it
    courier_id: int | None = None
    state: str = ""  # "", "paid", "unpaid"

    @classmethod
    def own_values(cls, args) -> dict:
        courier = str(args.get("courier") or "")
        return {
            "sender": str(args.get("sender") or "").strip()[:150],
            "customer_id": db_integer_id(args.get("customer")),
            "courier_id": int(courier) if courier.isdigit() and int(courier) < 2**31 else None,
            "state": args.get("state", "") if args.get("state") in ("paid", "unpaid") else "",
        }

    def own_args(self) -> dict:
        return {
            "sender": self.sender,
            "customer": self.customer_id or "",
            "courier": self.courier_id or "",
            "state": self.state,
        }


def payment_statement(tenant_id: int, query: PaymentFilter):
    """Issued shipments the filter matches, each with its payment entry (None: unpaid)."""
    from datetime import timedelta

    stmt = (
        sa.select(Shipment, FinanceEntry)
        .outerjoin(FinanceEntry, FinanceEntry.shipment_id == Shipment.id)
        .where(Shipment.tenant_id == tenant_id, Shipment.tracking_number.is_not(None))
        .options(sa.orm.joinedload(Shipment.courier))
    )
    if query.date_from:
        stmt = stmt.where(Shipment.issued_at >= wib_midnight_utc(query.date_from))
    if query.date_to:
        stmt = stmt.where(Shipment.issued_at < wib_midnight_utc(query.date_to + timedelta(days=1)))
    if query.sender:
        pattern = f"%{query.sender.lower()}%"
        stmt = stmt.where(
            sa.or_(sa.func.lower(Shipment.sender_name).like(pattern), Shipment.sender_phone.like(pattern))
        )
    if query.customer_id:
        stmt = stmt.where(Shipment.customer_id == query.customer_id)
    if query.courier_id:
        stmt = stmt.where(Shipment.courier_id == query.courier_id)
    # On the join's own column: PostgreSQL turns "no payment" into an anti-join walking the newest shipments
    # (a few ms); on the entry's id it joined every shipment of the tenant first (seconds at 200k).
    if query.state == "paid":
        stmt = stmt.where(FinanceEntry.shipment_id.is_not(None))
    elif query.state == "unpaid":
        stmt = stmt.where(FinanceEntry.shipment_id.is_(None))
    return stmt


def payment_rows(tenant_id: int, query: PaymentFilter) -> list[tuple[Shipment, FinanceEntry | None]]:
    """One page of the filter's issued shipments, newest first, each with its payment entry (None: unpaid)."""
    stmt = (
        payment_statement(tenant_id, query)
        .order_by(Shipment.issued_at.desc(), Shipment.id.desc())
        .limit(PAGE_SIZE)
        .offset((query.page - 1) * PAGE_SIZE)
    )
    return [(row[0], row[1]) for row in db.session.execute(stmt).unique().all()]


def unpaid_to_invoice(tenant_id: int, query: PaymentFilter) -> list[Shipment]:
    """A customer's unpaid shipments in the filter's period, oldest first, for one invoice. The filter must
    name the customer (its name or phone); at most INVOICE_LINES of them."""
    if not query.sender:
        raise FieldError("sender", _l("Enter the customer's name or phone to invoice its unpaid shipments."))
    stmt = (
        payment_statement(tenant_id, replace(query, state="unpaid"))
        .order_by(Shipment.issued_at, Shipment.id)
        .limit(INVOICE_LINES + 1)
    )
    shipments = [row[0] for row in db.session.execute(stmt).unique().all()]
    if not shipments:
        raise FieldError("sender", _l("This customer has no unpaid shipments in the period."))
    if len(shipments) > INVOICE_LINES:
        raise FieldError("date_to", _l("More than %(count)s shipments: choose a shorter period.", count=INVOICE_LINES))
    return shipments


def payment_of(shipment_id: int) -> FinanceEntry | None:
    return db.session.execute(
        sa.select(FinanceEntry).where(FinanceEntry.shipment_id == shipment_id)
    ).scalar_one_or_none()


def mark_paid(tenant, actor, shipment_ids, *, paid_on, method) -> int:
    """One income entry ("pengiriman", the shipment's total) for each issued, still unpaid shipment;
    returns how many were marked now. A shipment paid meanwhile (another tab, another user) is left
    as it is: the unique shipment_id refuses a second entry, inside a savepoint."""
    day = parse_date(paid_on, "paid_on")
    method = one_of(method, METHODS, "method", _l("Choose cash, bank transfer or QRIS."))
    ids = sorted({int(i) for i in shipment_ids if str(i).isdigit() and int(i) < 2**31})
    if not ids:
        raise FieldError("shipments", _l("Choose at least one shipment."))
    shipments = db.session.execute(
        sa.select(Shipment).where(
            Shipment.tenant_id == tenant.id, Shipment.id.in_(ids), Shipment.tracking_number.is_not(None)
        )
    ).scalars()
    marked = 0
    for shipment in shipments:
        if shipment.total_cost <= 0 or payment_of(shipment.id) is not None:
            continue
        entry = FinanceEntry(
            tenant_id=tenant.id,
            kind=INCOME,
            entry_date=day,
            amount=int(shipment.total_cost),
            method=method,
            category=SHIPMENT_CATEGORY,
            description=shipment.tracking_number,  # the list words it ("Payment for shipment ...") per language
            shipment_id=shipment.id,
            created_by_id=actor.id if actor else None,
        )
        try:
            with db.session.begin_nested():
                db.session.add(entry)
        except IntegrityError:
            continue  # paid by a concurrent request in the meantime
        marked += 1
    db.session.flush()
    return marked


def unmark_paid(tenant, actor, shipment: Shipment) -> bool:
    """Un-mark a payment: its income entry is deleted (the cash book holds money received, and this was
    not), and the activity log says who did it, when, and the amount. False when it was not paid."""
    entry = payment_of(shipment.id)
    if entry is None:
        return False
    record_event(
        db.session,
        "finance.payment_unmarked",
        tenant_id=tenant.id,
        actor_id=actor.id if actor else None,
        summary=f"{shipment.tracking_number}: {rupiah(entry.amount)} ({entry.entry_date.isoformat()})",
        entity=shipment,
        details={"amount": int(entry.amount), "entry_id": entry.id, "method": entry.method},
    )
    db.session.delete(entry)
    db.session.flush()
    return True


# --- expense requests ---------------------------------------------------------------------------
def sees_all_requests(user) -> bool:
    return bool({role.name for role in getattr(user, "roles", [])} & SEES_ALL_REQUESTS)


def request_narrowing(user):
    """Row rule: a Kurir (anyone without a full finance role) sees only its own requests."""
    return None if sees_all_requests(user) else ExpenseRequest.requester_id == user.id


def submit_request(tenant, actor, data: EntryInput, proof: Proof | None = None) -> ExpenseRequest:
    data.kind = EXPENSE
    clean = _clean(tenant.id, data)
    if not clean.description:
        raise FieldError("description", _l("Say what the expense was for."))
    request = ExpenseRequest(
        tenant_id=tenant.id,
        requester_id=actor.id,
        expense_date=clean.entry_date,
        amount=clean.amount,
        method=clean.method,
        category=clean.category,
        description=clean.description,
        status=PENDING,
    )
    if proof is not None:
        request.proof_key, request.proof_mime = proof.store(tenant.id, "requests")
    db.session.add(request)
    db.session.flush()
    return request


def list_requests(user, *, status: str = "", limit: int = PAGE_SIZE) -> list[ExpenseRequest]:
    stmt = sa.select(ExpenseRequest).where(ExpenseRequest.tenant_id == user.tenant_id)
    narrowing = request_narrowing(user)
    if narrowing is not None:
        stmt = stmt.where(narrowing)
    if status in (PENDING, APPROVED, REJECTED):
        stmt = stmt.where(ExpenseRequest.status == status)
    stmt = stmt.options(sa.orm.joinedload(ExpenseRequest.requester)).order_by(ExpenseRequest.id.desc()).limit(limit)
    return list(db.session.execute(stmt).unique().scalars())


def _decide(tenant, actor, request_id: int, status: str, reason: str | None = None) -> bool:
    """Move a pending request to `status`; False when it was decided already (by anyone)."""
    result = db.session.execute(
        sa.update(ExpenseRequest)
        .where(
            ExpenseRequest.id == request_id,
            ExpenseRequest.tenant_id == tenant.id,
            ExpenseRequest.status == PENDING,
        )
        .values(status=status, decided_by_id=actor.id, decided_at=utcnow(), reject_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def approve_request(tenant, actor, request: ExpenseRequest) -> FinanceEntry:
    """The request becomes one cash-book expense, exactly once: the conditional update lets one of two
    concurrent approvals through (the other waits for the row and finds it decided)."""
    if not _decide(tenant, actor, request.id, APPROVED):
        raise FieldError("status", _l("This request was decided already."))
    db.session.refresh(request)
    entry = FinanceEntry(
        tenant_id=tenant.id,
        kind=EXPENSE,
        entry_date=request.expense_date,
        amount=request.amount,
        method=request.method,
        category=request.category,
        description=request.description,
        proof_key=request.proof_key,
        proof_mime=request.proof_mime,
        expense_request_id=request.id,
        created_by_id=actor.id,
    )
    db.session.add(entry)
    record_event(
        db.session,
        "finance.request_approved",
        tenant_id=tenant.id,
        actor_id=actor.id,
        summary=f"{category_label(request.category)} {rupiah(request.amount)}",
        entity=request,
    )
    db.session.flush()
    return entry


def reject_request(tenant, actor, request: ExpenseRequest, reason: str) -> None:
    reason = clean_text(reason, "reason", 255, required=True)
    if not _decide(tenant, actor, request.id, REJECTED, reason):
        raise FieldError("status", _l("This request was decided already."))
    db.session.refresh(request)
    from app.notifications.services import notify_users

    notify_users(
        [request.requester],
        title=_("Expense request rejected: %(amount)s", amount=rupiah(request.amount)),
        body=reason,
        link=f"/finance/requests/{request.id}",
    )
    db.session.flush()


def wib_today() -> date:
    return jakarta_today()


def wib_date_of(moment: datetime | None) -> date | None:
    return to_jakarta(moment).date() if moment else None
