"""Tagihan & Piutang: debts owed by customers or employees, partial payments, status by due date, reminders."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.core.formatting import rupiah
from app.core.validation import FieldError
from app.extensions import db
from app.logistics.finance.fields import FormInput, checked, clean_text, one_of, parse_amount, parse_date
from app.logistics.finance.models import (
    BELUM_LUNAS,
    CUSTOMER,
    DEBTOR_KINDS,
    EMPLOYEE,
    JATUH_TEMPO,
    LUNAS,
    METHODS,
    FinanceSettings,
    Receivable,
    ReceivablePayment,
    ReceivableReminder,
)

# --- receivables (Tagihan & Piutang) ------------------------------------------------------------
RECEIVABLE_STATUS_LABELS = {LUNAS: _l("Paid off"), BELUM_LUNAS: _l("Not paid off"), JATUH_TEMPO: _l("Overdue")}
DEBTOR_LABELS = {CUSTOMER: _l("Customer"), EMPLOYEE: _l("Employee")}
AGE_BUCKETS = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("> 90", 91, None))


@dataclass
class ReceivableInput(FormInput):
    debtor_kind: str = ""
    debtor_name: str = ""
    debtor_phone: str = ""
    debtor_email: str = ""
    amount: str = ""
    issued_on: str = ""
    due_on: str = ""
    note: str = ""


def _phone(value) -> str:
    text = re.sub(r"[\s\-().]", "", str(value or ""))
    if text and not re.fullmatch(r"\+?\d{8,15}", text):
        raise FieldError("debtor_phone", _l("Enter a phone number of 8 to 15 digits."))
    return text


def _email(value) -> str:
    text = str(value or "").strip()
    if text and (len(text) > 150 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text)):
        raise FieldError("debtor_email", _l("Enter a valid e-mail address."))
    return text


def create_receivable(tenant, actor, data: ReceivableInput) -> Receivable:
    checks = (
        (
            "debtor_kind",
            lambda: one_of(data.debtor_kind, DEBTOR_KINDS, "debtor_kind", _l("Choose customer or employee.")),
        ),
        ("debtor_name", lambda: clean_text(data.debtor_name, "debtor_name", 150, required=True)),
        ("debtor_phone", lambda: _phone(data.debtor_phone)),
        ("debtor_email", lambda: _email(data.debtor_email)),
        ("amount", lambda: parse_amount(data.amount)),
        ("issued_on", lambda: parse_date(data.issued_on, "issued_on")),
        ("due_on", lambda: parse_date(data.due_on, "due_on")),
        ("note", lambda: clean_text(data.note, "note", 255)),
    )
    values = checked(checks)
    if values["due_on"] < values["issued_on"]:
        raise FieldError("due_on", _l("The due date cannot be before the date of the debt."))
    receivable = Receivable(tenant_id=tenant.id, created_by_id=actor.id if actor else None, **values)
    db.session.add(receivable)
    db.session.flush()
    return receivable


def paid_amount(receivable: Receivable) -> int:
    return int(sum((Decimal(p.amount) for p in receivable.payments), Decimal(0)))


def remaining(receivable: Receivable) -> int:
    return int(receivable.amount) - paid_amount(receivable)


def receivable_status(receivable: Receivable, today: date) -> str:
    """Lunas when paid in full; Jatuh Tempo when not and the due date (WIB) has passed; else Belum Lunas."""
    if remaining(receivable) <= 0:
        return LUNAS
    return JATUH_TEMPO if receivable.due_on < today else BELUM_LUNAS


def add_receivable_payment(tenant, actor, receivable: Receivable, *, amount, paid_on, method) -> ReceivablePayment:
    values = checked(
        (
            ("amount", lambda: parse_amount(amount)),
            ("paid_on", lambda: parse_date(paid_on, "paid_on")),
            ("method", lambda: one_of(method, METHODS, "method", _l("Choose cash, bank transfer or QRIS."))),
        )
    )
    # Row lock: two payments at once cannot both fit in what remains.
    db.session.execute(sa.select(Receivable.id).where(Receivable.id == receivable.id).with_for_update())
    db.session.refresh(receivable, ["payments"])
    left = remaining(receivable)
    if values["amount"] > left:
        raise FieldError("amount", _l("At most %(amount)s remains to be paid.", amount=rupiah(left)))
    payment = ReceivablePayment(
        tenant_id=tenant.id, receivable_id=receivable.id, created_by_id=actor.id if actor else None, **values
    )
    db.session.add(payment)
    db.session.flush()
    db.session.refresh(receivable, ["payments"])
    return payment


@dataclass(frozen=True)
class ReceivableRow:
    receivable: Receivable
    paid: int
    left: int
    status: str
    age_days: int  # days since the due date (0 when not yet due)

    @property
    def bucket(self) -> str:
        return age_bucket(self.age_days)


def age_bucket(days: int) -> str:
    for label, low, high in AGE_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return AGE_BUCKETS[0][0]


def receivable_rows(tenant_id: int, today: date, *, status: str = "") -> list[ReceivableRow]:
    """Receivables, oldest due date first, with what is paid, what is left and the derived status."""
    stmt = (
        sa.select(Receivable)
        .where(Receivable.tenant_id == tenant_id)
        .options(sa.orm.selectinload(Receivable.payments))
        .order_by(Receivable.due_on, Receivable.id)
    )
    rows = []
    for receivable in db.session.execute(stmt).scalars():
        paid = paid_amount(receivable)
        state = receivable_status(receivable, today)
        if status and state != status:
            continue
        age = max((today - receivable.due_on).days, 0) if state != LUNAS else 0
        rows.append(ReceivableRow(receivable, paid, int(receivable.amount) - paid, state, age))
    return rows


def owed_rows(tenant_id: int, today: date) -> list[ReceivableRow]:
    """What is still owed (Belum Lunas and Jatuh Tempo), oldest due date first."""
    return [row for row in receivable_rows(tenant_id, today) if row.status != LUNAS]


def aging(rows: list[ReceivableRow]) -> dict[str, int]:
    """What is still owed per age bucket (0-30, 31-60, 61-90, > 90 days past due)."""
    totals = {label: Decimal(0) for label, _low, _high in AGE_BUCKETS}
    for row in rows:
        if row.status != LUNAS:
            totals[row.bucket] += Decimal(row.left)
    return {label: int(value) for label, value in totals.items()}


def reminder_text(receivable: Receivable, company: str) -> str:
    return _(
        "Hello %(name)s, this is a reminder from %(company)s: %(amount)s is due on %(due)s. Thank you.",
        name=receivable.debtor_name,
        company=company,
        amount=rupiah(remaining(receivable)),
        due=receivable.due_on.strftime("%d/%m/%Y"),
    )


def whatsapp_link(receivable: Receivable, company: str) -> str | None:
    """https://wa.me/62…?text=… with the reminder prefilled; None without a phone number."""
    from urllib.parse import quote

    digits = re.sub(r"\D", "", receivable.debtor_phone or "")
    if not digits:
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif not digits.startswith("62"):
        digits = "62" + digits
    return f"https://wa.me/{digits}?text={quote(reminder_text(receivable, company))}"


def finance_settings(tenant_id: int, *, create: bool = False) -> FinanceSettings:
    """The tenant's finance settings; without a row, the defaults (stored only when `create`: a page
    that only reads writes nothing)."""
    stmt = sa.select(FinanceSettings).where(FinanceSettings.tenant_id == tenant_id)
    found = db.session.execute(stmt).scalar_one_or_none()
    if found is None:
        found = FinanceSettings(tenant_id=tenant_id, reminders_on=False, remind_days_before=3)
        if create:
            db.session.add(found)
            db.session.flush()
    return found


def save_reminder_settings(tenant, actor, *, reminders_on: bool, days_before) -> FinanceSettings:
    text = str(days_before or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= 30:
        raise FieldError("remind_days_before", _l("Enter a number of days from 1 to 30."))
    settings = finance_settings(tenant.id, create=True)
    settings.reminders_on = bool(reminders_on)
    settings.remind_days_before = int(text)
    db.session.flush()
    return settings


def due_reminders(today: date) -> list:
    """(receivable, kind) for every unpaid receivable with an e-mail, in tenants with reminders on, due in
    exactly `remind_days_before` days ("before") or today ("due"), not reminded of that kind yet."""
    from datetime import timedelta

    found = []
    settings_rows = db.session.execute(
        sa.select(FinanceSettings).where(FinanceSettings.reminders_on.is_(True))
    ).scalars()
    for settings in settings_rows:
        ahead = today + timedelta(days=settings.remind_days_before)
        stmt = (
            sa.select(Receivable)
            .where(
                Receivable.tenant_id == settings.tenant_id,
                Receivable.debtor_email != "",
                Receivable.due_on.in_([today, ahead]),
            )
            .options(sa.orm.selectinload(Receivable.payments))
        )
        for receivable in db.session.execute(stmt).scalars():
            if remaining(receivable) > 0:
                found.append((receivable, "due" if receivable.due_on == today else "before"))
    return found


def send_due_reminders(today: date) -> int:
    """E-mail each due reminder once (a ReceivableReminder row per receivable and kind, unique: a doubled
    tick or a rerun sends nothing twice); returns how many went out."""
    from app.logistics.settings.services import get_settings
    from app.notifications.services import Mail, deliver_mails

    sent = 0
    for receivable, kind in due_reminders(today):
        try:
            with db.session.begin_nested():
                db.session.add(
                    ReceivableReminder(tenant_id=receivable.tenant_id, receivable_id=receivable.id, kind=kind)
                )
        except IntegrityError:
            continue
        company = get_settings(receivable.tenant_id).company_name or receivable.tenant.name
        mail = Mail(
            to=receivable.debtor_email,
            subject=_("Payment reminder from %(company)s", company=company),
            text=reminder_text(receivable, company),
        )
        deliver_mails([mail], tenant_id=receivable.tenant_id, user_id=None)
        sent += 1
    db.session.flush()
    return sent
