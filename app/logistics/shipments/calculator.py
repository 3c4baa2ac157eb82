"""Shipment weight and cost calculator: pure business rules, Decimal only, no app or database.

Rules (spec "Manajemen Pengiriman", "Pengali Berat Volume"):

* Per item: volumetric weight = L x W x H (cm) / divisor, rounded to 0.01 kg (ROUND_HALF_UP),
  so the item table shows exactly the number used. Item total = max(volumetric, actual) x quantity,
  rounded to 0.01 kg. Total weight = sum of item totals (so the table adds up).
* Chargeable weight = the tenant's :class:`WeightRounding` applied to the *total* weight (not per
  item), then raised to the rounding's minimum chargeable weight.
  "exact": 0.01 kg half-up; "ceil": up to the next whole kg; "tolerance": up to the next whole kg
  only when the fractional part is strictly greater than the tolerance, otherwise down.
  A whole-kg mode never rounds a non-empty shipment down to 0 kg (it charges at least 1 kg).
* Shipping cost = price per kg x chargeable weight, rounded to whole Rupiah half-up.
  Discount is an amount (Rupiah, rounded to whole Rupiah) or a percent 0-100 of the shipping cost
  (rounded half-up). An amount larger than the shipping cost is refused (a shipment to be issued must
  have a price); a draft's (``refuse_excess_discount=False``) is capped, so the total is never < 0.

Bad input raises :class:`FieldError` carrying a stable field key (WTForms names, e.g.
"items-0-weight") and a lazily translated message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any

from flask_babel import lazy_gettext as _l

from app.core.formatting import rupiah
from app.core.validation import FieldError

DEFAULT_DIVISOR = 6000
MAX_DIVISOR = 1_000_000
MAX_ITEMS = 100
MAX_QUANTITY = 10_000
MAX_WEIGHT_KG = Decimal("100000")
MAX_DIMENSION_CM = Decimal("10000")
MAX_ITEM_NAME_LENGTH = 255
MAX_TOTAL_WEIGHT_KG = Decimal("1000000000")
MAX_PRICE_PER_KG = 10_000_000
MAX_DISCOUNT_AMOUNT = Decimal("10000000000000")

ROUNDING_EXACT = "exact"
ROUNDING_CEIL = "ceil"
ROUNDING_TOLERANCE = "tolerance"
ROUNDING_MODES = (ROUNDING_EXACT, ROUNDING_CEIL, ROUNDING_TOLERANCE)

DISCOUNT_NONE = "none"
DISCOUNT_AMOUNT = "amount"
DISCOUNT_PERCENT = "percent"
DISCOUNT_TYPES = (DISCOUNT_NONE, DISCOUNT_AMOUNT, DISCOUNT_PERCENT)

CENT = Decimal("0.01")
ONE = Decimal("1")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

# Enough digits that no capped input can overflow a quantize (default precision is 28).
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)


def no_tariff(field: str = "tariff") -> FieldError:
    """No tariff (price per kg) exists for an origin/destination pair. Raised by the caller."""
    return FieldError(field, _l("No tariff is set for this origin and destination."))


def to_decimal(value: Any, field: str) -> Decimal:
    """Parse a form/API value (Decimal, int, str; a float via its repr) into a finite Decimal."""
    if value is None or value == "" or isinstance(value, bool):
        raise FieldError(field, _l("This field is required."))
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise FieldError(field, _l("Enter a valid number.")) from None
    if not number.is_finite():
        raise FieldError(field, _l("Enter a valid number."))
    return number


def to_int(value: Any, field: str) -> int:
    """Parse a whole number; "2", 2 and Decimal("2.0") are fine, 2.5 is not."""
    number = to_decimal(value, field)
    if number != number.to_integral_value():
        raise FieldError(field, _l("Enter a whole number."))
    return int(number)


def _positive(value: Any, field: str, maximum: Decimal, message: Any) -> Decimal:
    number = to_decimal(value, field)
    if number <= 0:
        raise FieldError(field, message)
    if number > maximum:
        raise FieldError(field, _l("The value is too large (maximum %(max)s).", max=maximum))
    return number


@dataclass(frozen=True)
class WeightRounding:
    """A tenant's weight rounding settings; values are validated and converted on creation."""

    mode: str = ROUNDING_EXACT
    tolerance: Decimal = Decimal("0.30")
    minimum: Decimal = ZERO

    def __post_init__(self) -> None:
        if self.mode not in ROUNDING_MODES:
            raise FieldError("rounding_mode", _l("Choose a valid rounding mode."))
        tolerance = to_decimal(self.tolerance, "rounding_tolerance")
        if not ZERO <= tolerance < ONE:
            raise FieldError("rounding_tolerance", _l("Tolerance must be at least 0 and less than 1 kg."))
        minimum = to_decimal(self.minimum, "minimum_weight")
        if minimum < 0 or minimum > MAX_WEIGHT_KG:
            raise FieldError(
                "minimum_weight", _l("Minimum weight must be between 0 and %(max)s kg.", max=MAX_WEIGHT_KG)
            )
        object.__setattr__(self, "tolerance", tolerance)
        object.__setattr__(self, "minimum", minimum)


@dataclass(frozen=True)
class ItemInput:
    """One item row as typed: actual weight per unit (kg), quantity, dimensions per unit (cm)."""

    name: str
    weight: Any
    quantity: Any
    length: Any
    width: Any
    height: Any


@dataclass(frozen=True)
class QuoteLine:
    name: str
    weight: Decimal
    quantity: int
    length: Decimal
    width: Decimal
    height: Decimal
    volumetric_weight: Decimal  # per unit, 0.01 kg
    line_total: Decimal  # max(volumetric, actual) x quantity, 0.01 kg


@dataclass(frozen=True)
class WeightSummary:
    lines: tuple[QuoteLine, ...]
    total_weight: Decimal
    chargeable_weight: Decimal


@dataclass(frozen=True)
class Quote:
    lines: tuple[QuoteLine, ...]
    total_weight: Decimal
    chargeable_weight: Decimal
    price_per_kg: int
    shipping_cost: Decimal
    discount_type: str
    discount_value: Decimal
    discount_amount: Decimal
    total_cost: Decimal


def validate_divisor(divisor: Any, field: str = "divisor") -> int:
    value = to_int(divisor, field)
    if value <= 0:
        raise FieldError(field, _l("The volume divisor must be greater than zero."))
    if value > MAX_DIVISOR:
        raise FieldError(field, _l("The value is too large (maximum %(max)s).", max=MAX_DIVISOR))
    return value


def volumetric_weight(length: Decimal, width: Decimal, height: Decimal, divisor: int) -> Decimal:
    """L x W x H / divisor, in kg, rounded to 0.01 kg half-up."""
    with localcontext(_CONTEXT):
        return (length * width * height / Decimal(divisor)).quantize(CENT, ROUND_HALF_UP)


def line_total(volumetric: Decimal, actual: Decimal, quantity: int) -> Decimal:
    with localcontext(_CONTEXT):
        return (max(volumetric, actual) * quantity).quantize(CENT, ROUND_HALF_UP)


def _item_value(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _item_name(item: Any, prefix: str) -> str:
    name = str(_item_value(item, "name") or "").strip()
    if not name:
        raise FieldError(f"{prefix}name", _l("Item name is required."))
    if len(name) > MAX_ITEM_NAME_LENGTH:
        raise FieldError(
            f"{prefix}name", _l("Item name is too long (maximum %(max)s characters).", max=MAX_ITEM_NAME_LENGTH)
        )
    return name


def _item_quantity(item: Any, prefix: str) -> int:
    quantity = to_int(_item_value(item, "quantity"), f"{prefix}quantity")
    if quantity < 1:
        raise FieldError(f"{prefix}quantity", _l("Quantity must be at least 1."))
    if quantity > MAX_QUANTITY:
        raise FieldError(f"{prefix}quantity", _l("The value is too large (maximum %(max)s).", max=MAX_QUANTITY))
    return quantity


def _dimension(item: Any, prefix: str, key: str) -> Decimal:
    return _positive(
        _item_value(item, key), f"{prefix}{key}", MAX_DIMENSION_CM, _l("Dimensions must be greater than zero.")
    )


def build_line(item: Any, index: int, divisor: int) -> QuoteLine:
    """Validate one item (an :class:`ItemInput` or a mapping with the same keys) and weigh it."""
    prefix = f"items-{index}-"
    name = _item_name(item, prefix)
    weight = _positive(
        _item_value(item, "weight"), f"{prefix}weight", MAX_WEIGHT_KG, _l("Weight must be greater than zero.")
    )
    quantity = _item_quantity(item, prefix)
    length, width, height = (_dimension(item, prefix, key) for key in ("length", "width", "height"))
    volumetric = volumetric_weight(length, width, height, divisor)
    return QuoteLine(
        name, weight, quantity, length, width, height, volumetric, line_total(volumetric, weight, quantity)
    )


def apply_rounding(total: Decimal, rounding: WeightRounding) -> Decimal:
    """Chargeable weight from the total weight: rounding mode, then the minimum."""
    if rounding.mode == ROUNDING_EXACT:
        rounded = total.quantize(CENT, ROUND_HALF_UP)
    elif rounding.mode == ROUNDING_CEIL:
        rounded = total.to_integral_value(ROUND_CEILING)
    else:
        whole = total.to_integral_value(ROUND_FLOOR)
        rounded = whole + 1 if total - whole > rounding.tolerance else whole
    if rounding.mode != ROUNDING_EXACT and total > 0:
        rounded = max(rounded, ONE)
    return max(rounded, rounding.minimum).quantize(CENT, ROUND_HALF_UP)


def weigh(
    items: Sequence[Any], divisor: Any = DEFAULT_DIVISOR, rounding: WeightRounding | None = None
) -> WeightSummary:
    """Validate and weigh the items; no prices. Used for the live item table and by :func:`calculate`."""
    divisor = validate_divisor(divisor)
    rounding = rounding or WeightRounding()
    if not items:
        raise FieldError("items", _l("Add at least one item."))
    if len(items) > MAX_ITEMS:
        raise FieldError("items", _l("Too many items (maximum %(max)s).", max=MAX_ITEMS))
    lines = tuple(build_line(item, index, divisor) for index, item in enumerate(items))
    total = sum((line.line_total for line in lines), ZERO)
    if total > MAX_TOTAL_WEIGHT_KG:
        raise FieldError("items", _l("The total weight is too large."))
    return WeightSummary(lines, total, apply_rounding(total, rounding))


def validate_price_per_kg(price_per_kg: Any, field: str = "price_per_kg") -> int:
    price = to_int(price_per_kg, field)
    if price < 0:
        raise FieldError(field, _l("The price per kg cannot be negative."))
    if price > MAX_PRICE_PER_KG:
        raise FieldError(field, _l("The value is too large (maximum %(max)s).", max=MAX_PRICE_PER_KG))
    return price


def shipping_cost(price_per_kg: int, chargeable_weight: Decimal) -> Decimal:
    """Price per kg x chargeable weight, in whole Rupiah (half-up)."""
    with localcontext(_CONTEXT):
        return (Decimal(price_per_kg) * chargeable_weight).quantize(ONE, ROUND_HALF_UP)


def validate_discount(discount_type: str | None, discount_value: Any) -> tuple[str, Decimal]:
    """Normalise the discount: ("none", 0), ("amount", Rupiah) or ("percent", 0-100)."""
    kind = discount_type or DISCOUNT_NONE
    if kind not in DISCOUNT_TYPES:
        raise FieldError("discount_type", _l("Choose a valid discount type."))
    if kind == DISCOUNT_NONE:
        return kind, ZERO
    value = ZERO if discount_value in (None, "") else to_decimal(discount_value, "discount_value")
    if value < 0:
        raise FieldError("discount_value", _l("The discount cannot be negative."))
    if kind == DISCOUNT_PERCENT and value > HUNDRED:
        raise FieldError("discount_value", _l("A percentage discount cannot be more than 100."))
    if kind == DISCOUNT_AMOUNT and value > MAX_DISCOUNT_AMOUNT:
        raise FieldError("discount_value", _l("The value is too large (maximum %(max)s).", max=MAX_DISCOUNT_AMOUNT))
    return kind, value


def discount_amount(cost: Decimal, discount_type: str, discount_value: Decimal) -> Decimal:
    """The discount actually applied, in whole Rupiah, never more than the cost."""
    with localcontext(_CONTEXT):
        if discount_type == DISCOUNT_PERCENT:
            wanted = cost * discount_value / HUNDRED
        elif discount_type == DISCOUNT_AMOUNT:
            wanted = discount_value
        else:
            wanted = ZERO
        return min(wanted.quantize(ONE, ROUND_HALF_UP), cost)


def calculate(
    items: Sequence[Any],
    divisor: Any = DEFAULT_DIVISOR,
    rounding: WeightRounding | None = None,
    price_per_kg: Any = 0,
    discount_type: str | None = DISCOUNT_NONE,
    discount_value: Any = ZERO,
    *,
    refuse_excess_discount: bool = True,
) -> Quote:
    """Validate everything and return the full :class:`Quote` (weights, cost, discount, total)."""
    summary = weigh(items, divisor, rounding)
    price = validate_price_per_kg(price_per_kg)
    kind, value = validate_discount(discount_type, discount_value)
    cost = shipping_cost(price, summary.chargeable_weight)
    if refuse_excess_discount and kind == DISCOUNT_AMOUNT and value.quantize(ONE, ROUND_HALF_UP) > cost:
        raise FieldError(
            "discount_value",
            _l(
                "The discount (%(discount)s) is more than the shipping cost (%(cost)s).",
                discount=rupiah(value),
                cost=rupiah(cost),
            ),
        )
    discount = discount_amount(cost, kind, value)
    return Quote(
        lines=summary.lines,
        total_weight=summary.total_weight,
        chargeable_weight=summary.chargeable_weight,
        price_per_kg=price,
        shipping_cost=cost,
        discount_type=kind,
        discount_value=value,
        discount_amount=discount,
        total_cost=cost - discount,
    )
