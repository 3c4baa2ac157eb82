"""Weight and cost rules, worked by hand. No app or database needed."""

from decimal import Decimal as D

import pytest
from flask import Flask
from flask_babel import Babel

from app.core.validation import FieldError
from app.logistics.shipments.calculator import (
    ItemInput,
    Quote,
    WeightRounding,
    apply_rounding,
    calculate,
    discount_amount,
    no_tariff,
    shipping_cost,
    volumetric_weight,
    weigh,
)


def item(name="Buku", weight="1", quantity=1, length="10", width="10", height="10"):
    return ItemInput(name, weight, quantity, length, width, height)


def error_of(call, *args, **kwargs) -> FieldError:
    with pytest.raises(FieldError) as info:
        call(*args, **kwargs)
    return info.value


# --- weights -----------------------------------------------------------------------------


def test_volumetric_weight_30x20x10_over_6000_is_one_kg():
    assert volumetric_weight(D(30), D(20), D(10), 6000) == D("1.00")


def test_volumetric_weight_uses_the_tenant_divisor():
    # 30 x 20 x 10 = 6000 cm3; / 5000 = 1.2 kg; / 4000 = 1.5 kg
    assert volumetric_weight(D(30), D(20), D(10), 5000) == D("1.20")
    assert volumetric_weight(D(30), D(20), D(10), 4000) == D("1.50")


def test_volumetric_weight_rounds_to_hundredths_half_up():
    # 10 x 10 x 10 / 6000 = 0.16666.. -> 0.17 ; 15 x 10 x 2 / 6000 = 0.05 exactly
    assert volumetric_weight(D(10), D(10), D(10), 6000) == D("0.17")
    assert volumetric_weight(D(15), D(10), D(2), 6000) == D("0.05")


def test_actual_weight_wins_when_heavier_and_multiplies_by_quantity():
    summary = weigh([item(weight="2.5", quantity=2, length=10, width=10, height=10)])
    line = summary.lines[0]
    assert line.volumetric_weight == D("0.17")
    assert line.line_total == D("5.00")
    assert summary.total_weight == D("5.00")


def test_volumetric_weight_wins_when_heavier():
    # 40 x 30 x 20 / 6000 = 4.00 kg > 1 kg actual; x 3 = 12.00
    summary = weigh([item(weight=1, quantity=3, length=40, width=30, height=20)])
    assert summary.lines[0].volumetric_weight == D("4.00")
    assert summary.lines[0].line_total == D("12.00")


def test_grand_total_is_the_sum_of_item_totals():
    summary = weigh(
        [
            item(weight="2.5", quantity=2, length=10, width=10, height=10),  # 5.00
            item(weight=1, quantity=3, length=40, width=30, height=20),  # 12.00
            {"name": "Map", "weight": "0.4", "quantity": "1", "length": "30", "width": "20", "height": "10"},  # 1.00
        ]
    )
    assert [line.line_total for line in summary.lines] == [D("5.00"), D("12.00"), D("1.00")]
    assert summary.total_weight == D("18.00")
    assert summary.chargeable_weight == D("18.00")


def test_decimal_strings_and_floats_are_handled_without_float_error():
    # 0.1 + 0.2 in float is 0.30000000000000004; here it stays exact
    summary = weigh([item(weight=0.1, length=1, width=1, height=1), item(weight="0.2", length=1, width=1, height=1)])
    assert summary.total_weight == D("0.30")
    assert all(isinstance(line.line_total, D) for line in summary.lines)


# --- rounding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "total, expected",
    [("2.25", "2"), ("2.35", "3"), ("2.30", "2"), ("2.31", "3"), ("3.00", "3"), ("0.20", "1")],
)
def test_tolerance_rounding(total, expected):
    # Up only when the fraction exceeds 0.3 kg; a parcel is never charged 0 kg.
    assert apply_rounding(D(total), WeightRounding("tolerance", D("0.3"))) == D(expected)


@pytest.mark.parametrize("total, expected", [("2.01", "3"), ("2.00", "2"), ("0.10", "1")])
def test_ceil_rounding(total, expected):
    assert apply_rounding(D(total), WeightRounding("ceil")) == D(expected)


def test_exact_rounding_is_the_default_and_keeps_hundredths():
    assert WeightRounding().mode == "exact"
    assert apply_rounding(D("2.35"), WeightRounding()) == D("2.35")


def test_minimum_chargeable_weight_applies_after_rounding():
    assert apply_rounding(D("0.50"), WeightRounding("exact", minimum=D("1"))) == D("1.00")
    assert apply_rounding(D("1.20"), WeightRounding("ceil", minimum=D("5"))) == D("5.00")
    assert apply_rounding(D("7.20"), WeightRounding("ceil", minimum=D("5"))) == D("8.00")


def test_rounding_applies_to_the_grand_total_not_per_item():
    # two items of 1.20 kg: total 2.40 -> ceil 3 (per-item ceil would give 4)
    items = [item(weight="1.2", length=1, width=1, height=1)] * 2
    assert weigh(items, rounding=WeightRounding("ceil")).chargeable_weight == D("3.00")


# --- cost --------------------------------------------------------------------------------


def test_full_quote_with_percent_discount():
    # 30x20x10/6000 = 1.00 kg vs 0.5 kg actual, qty 3 -> 3.00 kg; 3 x Rp 5.000 = Rp 15.000;
    # 10% = Rp 1.500 -> Rp 13.500
    quote = calculate(
        [item(weight="0.5", quantity=3, length=30, width=20, height=10)], 6000, WeightRounding(), 5000, "percent", 10
    )
    assert isinstance(quote, Quote)
    assert quote.total_weight == D("3.00")
    assert quote.chargeable_weight == D("3.00")
    assert quote.shipping_cost == D("15000")
    assert quote.discount_amount == D("1500")
    assert quote.total_cost == D("13500")


def test_amount_discount_larger_than_cost_is_refused():
    with pytest.raises(FieldError) as info:
        calculate([item(weight=3)], price_per_kg=5000, discount_type="amount", discount_value=20000)
    assert info.value.field == "discount_value" and "15.000" in str(info.value.message)
    whole = calculate([item(weight=3)], price_per_kg=5000, discount_type="amount", discount_value=15000)
    assert whole.total_cost == D("0")  # the whole cost may be given away on purpose


def test_a_drafts_amount_discount_larger_than_cost_gives_zero_total():
    quote = calculate(
        [item(weight=3)], price_per_kg=5000, discount_type="amount", discount_value=20000, refuse_excess_discount=False
    )
    assert quote.shipping_cost == D("15000")
    assert quote.discount_amount == D("15000")
    assert quote.total_cost == D("0")


def test_no_discount_by_default():
    quote = calculate([item(weight=2)], price_per_kg=7000)
    assert (quote.discount_type, quote.discount_amount, quote.total_cost) == ("none", D("0"), D("14000"))


def test_shipping_cost_rounds_to_whole_rupiah_half_up():
    # 2.35 kg x Rp 7.250 = 17037.5 -> 17038
    assert shipping_cost(7250, D("2.35")) == D("17038")


def test_percent_discount_rounds_half_up():
    # 12.5% of 17038 = 2129.75 -> 2130 ; 100% -> whole cost
    assert discount_amount(D("17038"), "percent", D("12.5")) == D("2130")
    assert discount_amount(D("17038"), "percent", D("100")) == D("17038")


def test_tolerance_rounding_flows_into_cost():
    # 2.25 kg with tolerance 0.3 -> 2 kg x Rp 10.000 = Rp 20.000
    quote = calculate(
        [item(weight="2.25", length=1, width=1, height=1)], 6000, WeightRounding("tolerance", D("0.3")), 10000
    )
    assert quote.chargeable_weight == D("2.00")
    assert quote.shipping_cost == D("20000")


def test_huge_but_allowed_values_do_not_overflow_decimal_precision():
    big = item(weight=100000, quantity=10000, length=10000, width=10000, height=10000)
    with pytest.raises(FieldError) as info:
        calculate([big], divisor=1, price_per_kg=10_000_000)
    assert info.value.field == "items"  # total weight cap, not a decimal.InvalidOperation


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"weight": 0}, "items-0-weight"),
        ({"weight": "-1"}, "items-0-weight"),
        ({"weight": "abc"}, "items-0-weight"),
        ({"weight": None}, "items-0-weight"),
        ({"weight": "NaN"}, "items-0-weight"),
        ({"weight": "100001"}, "items-0-weight"),
        ({"quantity": 0}, "items-0-quantity"),
        ({"quantity": "1.5"}, "items-0-quantity"),
        ({"quantity": 10001}, "items-0-quantity"),
        ({"length": 0}, "items-0-length"),
        ({"width": "-5"}, "items-0-width"),
        ({"height": 10001}, "items-0-height"),
        ({"name": "  "}, "items-0-name"),
        ({"name": "x" * 256}, "items-0-name"),
    ],
)
def test_bad_item_values_name_the_field(kwargs, field):
    assert error_of(calculate, [item(**kwargs)], price_per_kg=1000).field == field


def test_error_field_carries_the_item_index():
    assert error_of(weigh, [item(), item(), item(quantity=0)]).field == "items-2-quantity"


@pytest.mark.parametrize("divisor", [0, -6000, "abc", "6000.5", 1_000_001])
def test_bad_divisor(divisor):
    assert error_of(weigh, [item()], divisor).field == "divisor"


def test_items_count_limits():
    assert error_of(weigh, []).field == "items"
    assert error_of(weigh, [item()] * 101).field == "items"
    assert len(weigh([item()] * 100).lines) == 100


@pytest.mark.parametrize(
    "discount_type, value, field",
    [
        ("percent", 101, "discount_value"),
        ("percent", -1, "discount_value"),
        ("amount", -500, "discount_value"),
        ("amount", "x", "discount_value"),
        ("coupon", 5, "discount_type"),
    ],
)
def test_bad_discount(discount_type, value, field):
    assert (
        error_of(calculate, [item()], price_per_kg=1000, discount_type=discount_type, discount_value=value).field
        == field
    )


@pytest.mark.parametrize("price", [-1, "12.5", 10_000_001, None])
def test_bad_price_per_kg(price):
    assert error_of(calculate, [item()], price_per_kg=price).field == "price_per_kg"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"mode": "floor"}, "rounding_mode"),
        ({"mode": "tolerance", "tolerance": "1"}, "rounding_tolerance"),
        ({"tolerance": "-0.1"}, "rounding_tolerance"),
        ({"minimum": "-1"}, "minimum_weight"),
    ],
)
def test_bad_rounding_settings(kwargs, field):
    assert error_of(WeightRounding, **kwargs).field == field


def test_no_tariff_is_a_field_error():
    error = no_tariff()
    assert isinstance(error, FieldError)
    assert error.field == "tariff"


def test_messages_are_lazy_and_translatable_in_an_app():
    error = error_of(weigh, [item(weight=0)])
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        assert str(error.message) == "Weight must be greater than zero."
        assert error.field == "items-0-weight"
