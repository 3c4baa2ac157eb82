"""Pure business rules for invoices: numbering, tax (PPN), totals and payment status.

No app, no database: services call these with plain values, and so do tests, jobs and
CLI commands.  Money is whole Rupiah held as ``Decimal``; inputs may be ``int`` or an
integral ``Decimal`` (what a ``Numeric`` column returns).  Rounding is ROUND_HALF_UP to
whole Rupiah.

Errors are ``FieldError`` (app/core/validation.py) carrying a lazily translated English
message, so a view can show ``str(exc)`` on the form in the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l

from app.core.validation import FieldError

__all__ = [
    "DEFAULT_PATTERN",
    "DEFAULT_CREDIT_NOTE_PATTERN",
    "SUPPORTED_TOKENS",
    "roman_month",
    "validate_pattern",
    "format_invoice_number",
    "counter_period",
    "TaxRule",
    "DEFAULT_TAX_RULE",
    "NO_TAX",
    "InvoiceLine",
    "InvoiceTotals",
    "compute_totals",
    "STATUS_PAID",
    "STATUS_OVERDUE",
    "STATUS_UNPAID",
    "STATUS_PARTIAL",
    "STATUS_CANCELLED",
    "STATUS_LABELS",
    "invoice_status",
    "outstanding_amount",
    "validate_payment",
]


# --------------------------------------------------------------------------- helpers

_ONE = Decimal(1)


def _round_rupiah(value: Decimal) -> Decimal:
    return value.quantize(_ONE, rounding=ROUND_HALF_UP)


def _whole_rupiah(value: Any, what: Any) -> Decimal:
    """Coerce ``value`` (int or integral Decimal) to a ``Decimal`` of whole Rupiah."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise FieldError("amount", _l("%(what)s must be a whole number of Rupiah.", what=what))
    amount = Decimal(value)
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise FieldError("amount", _l("%(what)s must be a whole number of Rupiah.", what=what))
    return amount.quantize(_ONE)


def _grouped(amount: Decimal) -> str:
    """1234567 -> "1.234.567" (Indonesian thousands separator)."""
    return f"{int(amount):,}".replace(",", ".")


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise FieldError("date", _l("A date is required."))


# ------------------------------------------------------------------------- numbering

_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

DEFAULT_PATTERN = "INV/{YYYY}/{MM-roman}/{seq:04}"
#: Credit notes have their own gap-free sequence, numbered with the same rules.
DEFAULT_CREDIT_NOTE_PATTERN = "CN/{YYYY}/{MM-roman}/{seq:04}"
SUPPORTED_TOKENS = ("{YYYY}", "{YY}", "{MM}", "{MM-roman}", "{seq}", "{seq:0N}")
_MAX_SEQ_WIDTH = 12
_TOKEN_RE = re.compile(r"\{([^{}]*)\}")
_SEQ_RE = re.compile(r"seq(?::0(\d{1,2}))?")
_YEAR_TOKENS = frozenset({"YYYY", "YY"})
#: Counter key for patterns without a year token: one counter that never resets,
#: so numbers stay unique across years.
NO_RESET_PERIOD = "all"


def roman_month(m: int) -> str:
    """Month number 1..12 as a Roman numeral "I".."XII"."""
    if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
        raise FieldError("date", _l("Month must be a number from 1 to 12."))
    return _ROMAN_MONTHS[m - 1]


def _parse_pattern(pattern: str) -> tuple[tuple[str, Any], ...]:
    """Split ``pattern`` into ("lit", text) / ("tok", name) / ("seq", width) parts."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise FieldError("number_pattern", _l("The invoice number pattern must not be empty."))
    return _parse_pattern_cached(pattern)


@lru_cache(maxsize=64)
def _parse_pattern_cached(pattern: str) -> tuple[tuple[str, Any], ...]:
    parts: list[tuple[str, Any]] = []
    seq_count = 0
    pos = 0
    for match in _TOKEN_RE.finditer(pattern):
        literal = pattern[pos : match.start()]
        if "{" in literal or "}" in literal:
            raise FieldError("number_pattern", _l("The invoice number pattern has an unmatched brace."))
        if literal:
            parts.append(("lit", literal))
        name = match.group(1)
        seq = _SEQ_RE.fullmatch(name)
        if seq:
            width = int(seq.group(1)) if seq.group(1) else 0
            if seq.group(1) and not 1 <= width <= _MAX_SEQ_WIDTH:
                raise FieldError(
                    "number_pattern",
                    _l(
                        "The sequence padding in %(token)s must be 1 to %(max)s digits.",
                        token=match.group(0),
                        max=_MAX_SEQ_WIDTH,
                    ),
                )
            parts.append(("seq", width))
            seq_count += 1
        elif name in ("YYYY", "YY", "MM", "MM-roman"):
            parts.append(("tok", name))
        else:
            raise FieldError(
                "number_pattern",
                _l(
                    "Unknown token %(token)s in the invoice number pattern. Supported tokens: %(tokens)s.",
                    token=match.group(0),
                    tokens=", ".join(SUPPORTED_TOKENS),
                ),
            )
        pos = match.end()
    tail = pattern[pos:]
    if "{" in tail or "}" in tail:
        raise FieldError("number_pattern", _l("The invoice number pattern has an unmatched brace."))
    if tail:
        parts.append(("lit", tail))
    if seq_count == 0:
        raise FieldError("number_pattern", _l("The invoice number pattern must contain a {seq} or {seq:0N} token."))
    if seq_count > 1:
        raise FieldError("number_pattern", _l("The invoice number pattern must contain only one sequence token."))
    return tuple(parts)


def validate_pattern(pattern: str) -> str:
    """Check an invoice number pattern; return it unchanged or raise ``FieldError``.

    Supported tokens: ``{YYYY}`` (2026), ``{YY}`` (26), ``{MM}`` (03),
    ``{MM-roman}`` (III), ``{seq}`` (7) and ``{seq:0N}`` (zero-padded to N digits).
    Exactly one sequence token is required.
    """
    _parse_pattern(pattern)
    return pattern


def format_invoice_number(pattern: str, issue_date: date | datetime, seq: int) -> str:
    """Render an invoice number, e.g. ``INV/2026/XII/0007``.

    ``seq`` is the counter value (>= 1); a sequence longer than its padding is printed
    in full, never truncated.
    """
    parts = _parse_pattern(pattern)
    day = _as_date(issue_date)
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise FieldError("sequence", _l("The invoice sequence must be a whole number of 1 or more."))
    values = {
        "YYYY": f"{day.year:04d}",
        "YY": f"{day.year % 100:02d}",
        "MM": f"{day.month:02d}",
        "MM-roman": roman_month(day.month),
    }
    out = []
    for kind, value in parts:
        if kind == "lit":
            out.append(value)
        elif kind == "tok":
            out.append(values[value])
        else:
            out.append(str(seq).zfill(value))
    return "".join(out)


def counter_period(pattern: str, issue_date: date | datetime) -> str:
    """The key under which the DB counter runs; a new key means the sequence restarts at 1.

    Numbers reset yearly, so the key is the issue year (``"2026"``).  A pattern with no
    year token (``{YYYY}``/``{YY}``) would repeat numbers after a reset, so its counter
    never resets: the key is ``NO_RESET_PERIOD``.
    """
    parts = _parse_pattern(pattern)
    day = _as_date(issue_date)
    if any(kind == "tok" and value in _YEAR_TOKENS for kind, value in parts):
        return f"{day.year:04d}"
    return NO_RESET_PERIOD


# ------------------------------------------------------------------------------- tax


def _percent_text(rate: Decimal) -> str:
    text = format((rate * 100).normalize(), "f")
    return text.replace(".", ",")  # Indonesian decimal comma: 12,5%


@dataclass(frozen=True)
class TaxRule:
    """PPN (VAT) on a taxable base (DPP) that is a fraction of the net amount.

    Default: PPN 12% on DPP = 11/12 of the price, the rule in force since 2025
    (effectively 11%).  ``TaxRule(rate=Decimal("0.11"), base_numerator=1,
    base_denominator=1)`` is the plain 11% of earlier years; ``NO_TAX`` is 0%.
    """

    rate: Decimal = Decimal("0.12")
    base_numerator: int = 11
    base_denominator: int = 12

    def __post_init__(self) -> None:
        rate = self.rate
        if isinstance(rate, bool) or not isinstance(rate, (Decimal, int, str)):
            raise FieldError("tax_rate", _l("The tax rate must be a decimal number such as 0.12."))
        try:
            rate = Decimal(rate)
        except ArithmeticError:
            raise FieldError("tax_rate", _l("The tax rate must be a decimal number such as 0.12.")) from None
        if not rate.is_finite() or not Decimal(0) <= rate <= _ONE:
            raise FieldError("tax_rate", _l("The tax rate must be between 0 and 1 (e.g. 0.12)."))
        object.__setattr__(self, "rate", rate)
        num, den = self.base_numerator, self.base_denominator
        if (
            isinstance(num, bool)
            or isinstance(den, bool)
            or not isinstance(num, int)
            or not isinstance(den, int)
            or den <= 0
            or not 0 <= num <= den
        ):
            raise FieldError("tax_rate", _l("The taxable base must be a fraction from 0/1 to 1/1, such as 11/12."))

    def tax_base(self, net: Decimal) -> Decimal:
        """DPP: ``net × numerator / denominator`` rounded to whole Rupiah."""
        with localcontext() as ctx:
            ctx.prec = 50
            return _round_rupiah(net * self.base_numerator / Decimal(self.base_denominator))

    def tax_on(self, base: Decimal) -> Decimal:
        """PPN: ``base × rate`` rounded to whole Rupiah."""
        with localcontext() as ctx:
            ctx.prec = 50
            return _round_rupiah(base * self.rate)

    def describe(self) -> str:
        """Display text, e.g. ``"PPN 12% × DPP 11/12"`` (``"PPN 11%"`` on the full price)."""
        text = f"PPN {_percent_text(self.rate)}%"
        if self.base_numerator != self.base_denominator:
            text += f" × DPP {self.base_numerator}/{self.base_denominator}"
        return text


DEFAULT_TAX_RULE = TaxRule()
NO_TAX = TaxRule(rate=Decimal(0), base_numerator=1, base_denominator=1)


# ---------------------------------------------------------------------------- totals


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal  # quantity × unit_price


@dataclass(frozen=True)
class InvoiceTotals:
    lines: tuple[InvoiceLine, ...]
    subtotal: Decimal  # sum of line amounts
    discount: Decimal
    net: Decimal  # subtotal − discount
    tax_base: Decimal  # DPP
    tax: Decimal  # PPN
    total: Decimal  # net + tax: what the client pays
    tax_rule: TaxRule = field(default=DEFAULT_TAX_RULE)


def _line_fields(item: Any, number: int) -> tuple[Any, Any, Any]:
    if all(hasattr(item, a) for a in ("description", "quantity", "unit_price")):
        return item.description, item.quantity, item.unit_price
    if isinstance(item, (str, bytes)):
        raise FieldError("lines", _l("Line %(n)s is not a valid invoice line.", n=number))
    try:
        description, quantity, unit_price = item
    except (TypeError, ValueError):
        raise FieldError("lines", _l("Line %(n)s is not a valid invoice line.", n=number)) from None
    return description, quantity, unit_price


def _make_line(item: Any, number: int) -> InvoiceLine:
    description, quantity, unit_price = _line_fields(item, number)
    if not isinstance(description, str) or not description.strip():
        raise FieldError("lines", _l("Line %(n)s: a description is required.", n=number))
    if isinstance(quantity, Decimal) and quantity.is_finite() and quantity == int(quantity):
        quantity = int(quantity)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise FieldError("lines", _l("Line %(n)s: quantity must be a whole number greater than zero.", n=number))
    try:
        price = _whole_rupiah(unit_price, _l("Unit price"))
    except FieldError:
        raise FieldError("lines", _l("Line %(n)s: unit price must be a whole number of Rupiah.", n=number)) from None
    if price < 0:
        raise FieldError("lines", _l("Line %(n)s: unit price must not be negative.", n=number))
    return InvoiceLine(description.strip(), quantity, price, price * quantity)


def compute_totals(
    lines: Iterable[Any],
    discount: int | Decimal = 0,
    tax_rule: TaxRule = DEFAULT_TAX_RULE,
) -> InvoiceTotals:
    """Compute an invoice's summary.

    ``lines``: ``(description, quantity, unit_price)`` tuples, or objects with those
    attributes (e.g. model rows); quantity a whole number > 0, unit price whole Rupiah
    >= 0.  ``discount``: an amount from 0 to the subtotal.

    subtotal = Σ qty × price; net = subtotal − discount;
    DPP = round(net × 11/12); PPN = round(DPP × 12%); total = net + PPN.
    """
    if not isinstance(tax_rule, TaxRule):
        raise FieldError("tax_rate", _l("A tax rule is required."))
    built = tuple(_make_line(item, n) for n, item in enumerate(lines, start=1))
    if not built:
        raise FieldError("lines", _l("An invoice needs at least one line."))
    subtotal = sum((line.amount for line in built), Decimal(0))
    disc = _whole_rupiah(discount, _l("Discount"))
    if disc < 0:
        raise FieldError("discount", _l("The discount must not be negative."))
    if disc > subtotal:
        raise FieldError("discount", _l("The discount must not exceed the subtotal."))
    net = subtotal - disc
    base = tax_rule.tax_base(net)
    tax = tax_rule.tax_on(base)
    return InvoiceTotals(
        lines=built,
        subtotal=subtotal,
        discount=disc,
        net=net,
        tax_base=base,
        tax=tax,
        total=net + tax,
        tax_rule=tax_rule,
    )


# ---------------------------------------------------------------------------- status

STATUS_PAID = "paid"
STATUS_OVERDUE = "overdue"
STATUS_UNPAID = "unpaid"
STATUS_CANCELLED = "cancelled"
STATUS_PARTIAL = "partial"
#: Display labels (translated: Dibayar / Jatuh Tempo / Belum Dibayar / Dibatalkan).
STATUS_LABELS = {
    STATUS_UNPAID: _l("Unpaid"),
    STATUS_PARTIAL: _l("Partially paid"),
    STATUS_PAID: _l("Paid"),
    STATUS_OVERDUE: _l("Overdue"),
    STATUS_CANCELLED: _l("Cancelled"),
}


def invoice_status(
    total: int | Decimal,
    paid_amount: int | Decimal,
    due_date: date | datetime,
    today: date | datetime,
    cancelled: bool = False,
) -> str:
    """``"cancelled"`` when a credit note cancelled the invoice; else ``"paid"`` when
    paid_amount >= total; else ``"overdue"`` after the due date (``today > due_date``, also when
    part was paid: the debt is late); else ``"partial"`` when something was paid; else
    ``"unpaid"``.  The caller passes ``today`` in Asia/Jakarta; the due date itself is still
    payable on time.
    """
    total_ = _whole_rupiah(total, _l("Total"))
    paid = _whole_rupiah(paid_amount, _l("Paid amount"))
    if cancelled:
        return STATUS_CANCELLED
    if paid >= total_:
        return STATUS_PAID
    if _as_date(today) > _as_date(due_date):
        return STATUS_OVERDUE
    if paid > 0:
        return STATUS_PARTIAL
    return STATUS_UNPAID


def outstanding_amount(total: int | Decimal, already_paid: int | Decimal) -> Decimal:
    """What is still owed (never negative)."""
    remaining = _whole_rupiah(total, _l("Total")) - _whole_rupiah(already_paid, _l("Paid amount"))
    return max(remaining, Decimal(0))


def validate_payment(total: int | Decimal, already_paid: int | Decimal, amount: int | Decimal) -> Decimal:
    """Check a payment against an invoice; return the amount as ``Decimal``.

    Raises ``FieldError`` when the amount is not a positive whole number of
    Rupiah, or exceeds what is still owed (``total − already_paid``).
    """
    value = _whole_rupiah(amount, _l("Payment amount"))
    if value <= 0:
        raise FieldError("amount", _l("The payment amount must be greater than zero."))
    remaining = outstanding_amount(total, already_paid)
    if remaining == 0:
        raise FieldError("amount", _l("This invoice is already fully paid."))
    if value > remaining:
        raise FieldError(
            "amount",
            _l(
                "The payment amount exceeds the outstanding balance of Rp %(remaining)s.",
                remaining=_grouped(remaining),
            ),
        )
    return value
