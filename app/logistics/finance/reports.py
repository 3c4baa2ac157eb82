"""Laporan Keuangan: income and expense per day or month, balances and the receivables' ages."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.validation import FieldError
from app.extensions import db
from app.logistics.finance.models import (
    INCOME,
    FinanceEntry,
)
from app.logistics.finance.services import balance

GROUPS = ("day", "month")


# --- reports (Laporan Keuangan) ----------------------------------------------------------------
@dataclass(frozen=True)
class PeriodRow:
    period: date  # the day, or the first day of the month
    income: int
    expense: int

    @property
    def net(self) -> int:
        return self.income - self.expense


@dataclass(frozen=True)
class Report:
    date_from: date
    date_to: date
    group: str  # "day" or "month"
    opening: int
    rows: list

    @property
    def income(self) -> int:
        return int(sum((Decimal(r.income) for r in self.rows), Decimal(0)))

    @property
    def expense(self) -> int:
        return int(sum((Decimal(r.expense) for r in self.rows), Decimal(0)))

    @property
    def closing(self) -> int:
        return self.opening + self.income - self.expense


def check_period(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise FieldError("date_to", _l("The end date cannot be before the start date."))
    if (date_to - date_from).days > 3660:
        raise FieldError("date_to", _l("Choose at most ten years."))


def cash_report(tenant_id: int, date_from: date, date_to: date, group: str = "day") -> Report:
    """Income and expense per day or per month between two WIB dates (both included), with the balance
    before the first day (opening) and after the last (closing = opening + the rows' net)."""
    from datetime import timedelta

    check_period(date_from, date_to)
    group = group if group in GROUPS else "day"
    stmt = (
        sa.select(FinanceEntry.entry_date, FinanceEntry.kind, sa.func.sum(FinanceEntry.amount))
        .where(
            FinanceEntry.tenant_id == tenant_id,
            FinanceEntry.entry_date >= date_from,
            FinanceEntry.entry_date <= date_to,
        )
        .group_by(FinanceEntry.entry_date, FinanceEntry.kind)
    )
    sums: dict[date, list[Decimal]] = {}
    for day, kind, amount in db.session.execute(stmt):
        key = day.replace(day=1) if group == "month" else day
        pair = sums.setdefault(key, [Decimal(0), Decimal(0)])
        pair[0 if kind == INCOME else 1] += Decimal(amount)
    rows = [PeriodRow(key, int(pair[0]), int(pair[1])) for key, pair in sorted(sums.items())]
    return Report(date_from, date_to, group, balance(tenant_id, until=date_from - timedelta(days=1)), rows)
