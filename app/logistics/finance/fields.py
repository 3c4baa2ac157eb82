"""Finance's field cleaners: what a form or a query string gives, checked and converted, or a FieldError
naming the field. Money is whole Rupiah: parsed to Decimal, refused unless whole and positive."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from app.core.validation import FieldError

MAX_AMOUNT = Decimal(10**13)
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def parse_amount(value, field_name: str = "amount") -> int:
    """Whole Rupiah > 0 from "150000", "150.000" or "150,000" (thousands separators); else FieldError."""
    text = str(value or "").strip().replace(" ", "").removeprefix("Rp").removeprefix("rp")
    if _GROUPED.match(text):
        text = text.replace(".", "").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FieldError(field_name, _l("Enter an amount in whole Rupiah, e.g. 150000.")) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise FieldError(field_name, _l("Enter an amount in whole Rupiah, e.g. 150000."))
    if amount <= 0 or amount > MAX_AMOUNT:
        raise FieldError(field_name, _l("The amount must be between 1 and 10,000,000,000,000."))
    return int(amount)


def parse_date(value, field_name: str, *, required: bool = True) -> date | None:
    text = str(value or "").strip()
    if not text:
        if required:
            raise FieldError(field_name, _l("Enter a date."))
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise FieldError(field_name, _l("Enter a date as YYYY-MM-DD.")) from None
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise FieldError(field_name, _l("Enter a date between 2000 and 2100."))
    return day


def clean_text(value, field_name: str, maximum: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise FieldError(field_name, _l("This field is required."))
    if len(text) > maximum:
        raise FieldError(field_name, _l("At most %(max)s characters.", max=maximum))
    return text


def one_of(value, allowed, field_name, message) -> str:
    value = str(value or "").strip()
    if value not in allowed:
        raise FieldError(field_name, message)
    return value


def checked(checks) -> dict:
    """Run every (name, check) pair: the values by name, or one FieldError carrying every refused field
    (a form shows all its mistakes at once, not one per try)."""
    values, errors = {}, {}
    for name, check in checks:
        try:
            values[name] = check()
        except FieldError as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldError(errors=errors)
    return values


class FormInput:
    """A dataclass of the text a form gave, one attribute per field (kept as typed, to show it again)."""

    @classmethod
    def from_mapping(cls, data):
        return cls(**{name: str(data.get(name) or "") for name in cls.__dataclass_fields__})


def page_number(value) -> int:
    text = str(value or "1")
    return int(text) if text.isdigit() and 0 < int(text) < 100_000 else 1


@dataclass
class DatedFilter:
    """A list's filter from the query string: a date range, the page, and what the list filters itself
    (`own_values` / `own_args`). A bad date is reported next to its field and not applied."""

    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args):
        found = cls(page=page_number(args.get("page")), **cls.own_values(args))
        for name in ("date_from", "date_to"):
            try:
                setattr(found, name, parse_date(args.get(name), name, required=False))
            except FieldError as exc:
                found.errors.update(exc.messages())
        return found

    @classmethod
    def own_values(cls, args) -> dict:
        return {}

    def own_args(self) -> dict:
        return {}

    def args(self, **changes) -> dict:
        """The filter as query arguments (empty ones left out), e.g. for the pager's links."""
        values = {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            **self.own_args(),
            "page": self.page,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None)}
