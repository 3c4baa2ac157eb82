"""Invoice business rules, checked against hand-worked numbers.

Error tests compare exception types only: messages are lazily translated.
"""

from dataclasses import FrozenInstanceError
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.billing.invoice_rules import (
    DEFAULT_PATTERN,
    DEFAULT_TAX_RULE,
    NO_RESET_PERIOD,
    NO_TAX,
    STATUS_LABELS,
    TaxRule,
    compute_totals,
    counter_period,
    format_invoice_number,
    invoice_status,
    outstanding_amount,
    roman_month,
    validate_pattern,
    validate_payment,
)
from app.core.validation import FieldError

D = Decimal


# ----------------------------------------------------------------- roman months


@pytest.mark.parametrize(
    "month, roman",
    [
        (1, "I"),
        (2, "II"),
        (3, "III"),
        (4, "IV"),
        (5, "V"),
        (6, "VI"),
        (7, "VII"),
        (8, "VIII"),
        (9, "IX"),
        (10, "X"),
        (11, "XI"),
        (12, "XII"),
    ],
)
def test_roman_month(month, roman):
    assert roman_month(month) == roman


@pytest.mark.parametrize("bad", [0, 13, -1, "1", True, 1.0])
def test_roman_month_rejects(bad):
    with pytest.raises(ValueError):
        roman_month(bad)


# -------------------------------------------------------------------- numbering


def test_default_pattern_december():
    assert format_invoice_number(DEFAULT_PATTERN, date(2026, 12, 31), 7) == "INV/2026/XII/0007"


def test_default_pattern_january_and_datetime():
    assert format_invoice_number(DEFAULT_PATTERN, datetime(2027, 1, 1, 8, 30), 1) == "INV/2027/I/0001"


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("{YY}{MM}-{seq:05}", "2603-00042"),
        ("INV-{YYYY}{MM}-{seq}", "INV-202603-42"),
        ("{seq:01}", "42"),
        ("TAG/{MM-roman}/{YYYY}/{seq:03}", "TAG/III/2026/042"),
        ("No. {seq:06} ({YY})", "No. 000042 (26)"),
    ],
)
def test_pattern_tokens(pattern, expected):
    assert format_invoice_number(pattern, date(2026, 3, 9), 42) == expected


def test_sequence_wider_than_padding_is_not_truncated():
    assert format_invoice_number(DEFAULT_PATTERN, date(2026, 5, 1), 12345) == "INV/2026/V/12345"


def test_two_digit_year_pads():
    assert format_invoice_number("{YY}-{seq}", date(2005, 1, 1), 1) == "05-1"


@pytest.mark.parametrize(
    "bad",
    [
        "INV/{YYYY}/{MM}",  # no sequence token
        "INV/{YYYY}/{DD}/{seq}",  # unknown token
        "INV/{yyyy}/{seq}",  # tokens are case-sensitive
        "INV/{seq:4}",  # padding must be written 0N
        "INV/{seq:00}",  # zero width
        "INV/{seq:013}",  # wider than 12 digits
        "INV/{seq}/{seq:04}",  # two sequence tokens
        "INV/{YYYY/{seq}",  # unmatched brace
        "INV/{seq}}",  # stray closing brace
        "",
        "   ",
        None,
    ],
)
def test_validate_pattern_rejects(bad):
    with pytest.raises(ValueError):
        validate_pattern(bad)


def test_validate_pattern_error_is_invoice_rule_error():
    with pytest.raises(FieldError):
        validate_pattern("INV/{YYYY}")


def test_validate_pattern_returns_valid_pattern():
    assert validate_pattern(DEFAULT_PATTERN) == DEFAULT_PATTERN


def test_validate_pattern_message_names_the_token():
    with pytest.raises(ValueError) as info:
        validate_pattern("INV/{DD}/{seq}")
    assert "{DD}" in str(info.value)  # the token itself is never translated


@pytest.mark.parametrize("seq", [0, -1, True, 1.0, "1"])
def test_format_rejects_bad_sequence(seq):
    with pytest.raises(ValueError):
        format_invoice_number(DEFAULT_PATTERN, date(2026, 1, 1), seq)


def test_format_rejects_bad_pattern():
    with pytest.raises(ValueError):
        format_invoice_number("INV/{DD}", date(2026, 1, 1), 1)


def test_counter_period_is_the_year():
    assert counter_period(DEFAULT_PATTERN, date(2026, 12, 31)) == "2026"
    assert counter_period(DEFAULT_PATTERN, date(2027, 1, 1)) == "2027"
    assert counter_period("{YY}-{seq}", datetime(2026, 6, 1, 23, 0)) == "2026"


def test_counter_period_without_year_token_never_resets():
    # Resetting yearly would repeat INV-0001 every year.
    assert counter_period("INV-{MM}-{seq:04}", date(2026, 1, 1)) == NO_RESET_PERIOD
    assert counter_period("INV-{seq}", date(2027, 1, 1)) == NO_RESET_PERIOD


def test_counter_period_validates_pattern():
    with pytest.raises(ValueError):
        counter_period("INV/{YYYY}", date(2026, 1, 1))


# -------------------------------------------------------------------------- tax


def test_default_tax_rule():
    assert TaxRule(D("0.12"), 11, 12) == DEFAULT_TAX_RULE
    assert DEFAULT_TAX_RULE.describe() == "PPN 12% × DPP 11/12"


def test_tax_rule_describe_variants():
    assert TaxRule(D("0.11"), 1, 1).describe() == "PPN 11%"
    assert TaxRule(D("0.125")).describe() == "PPN 12,5% × DPP 11/12"
    assert NO_TAX.describe() == "PPN 0%"


def test_tax_rule_accepts_string_rate_and_is_frozen():
    rule = TaxRule(rate="0.11")
    assert rule.rate == D("0.11")
    with pytest.raises(FrozenInstanceError):
        rule.rate = D("0.5")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate": D("-0.01")},
        {"rate": D("1.5")},
        {"rate": 0.12},  # floats are rejected: binary rounding
        {"rate": "twelve"},
        {"rate": D("NaN")},
        {"base_denominator": 0},
        {"base_numerator": 13},  # DPP larger than the price
        {"base_numerator": -1},
        {"base_numerator": 11.0},
    ],
)
def test_tax_rule_rejects(kwargs):
    with pytest.raises(ValueError):
        TaxRule(**kwargs)


# ----------------------------------------------------------------------- totals


def test_totals_one_million():
    # DPP = 1,000,000 × 11/12 = 916,666.67 -> 916,667
    # PPN = 916,667 × 12% = 110,000.04 -> 110,000
    t = compute_totals([("Langganan Paket Pro", 1, 1_000_000)], 0, DEFAULT_TAX_RULE)
    assert t.subtotal == D(1_000_000)
    assert t.discount == D(0)
    assert t.net == D(1_000_000)
    assert t.tax_base == D(916_667)
    assert t.tax == D(110_000)
    assert t.total == D(1_110_000)
    assert t.tax_rule is DEFAULT_TAX_RULE


def test_totals_several_lines_with_discount():
    # lines: 3 × 333,333 = 999,999 and 2 × 50,000 = 100,000 -> subtotal 1,099,999
    # discount 199,999 -> net 900,000; DPP = 825,000 exactly; PPN = 99,000
    t = compute_totals(
        [("Modul Resi", 3, 333_333), ("Biaya tambahan", 2, D("50000"))],
        discount=199_999,
    )
    assert [line.amount for line in t.lines] == [D(999_999), D(100_000)]
    assert t.subtotal == D(1_099_999)
    assert t.net == D(900_000)
    assert t.tax_base == D(825_000)
    assert t.tax == D(99_000)
    assert t.total == D(999_000)


def test_totals_fractional_dpp_and_ppn_rounding():
    # net 250,000: DPP = 229,166.666... -> 229,167; PPN = 27,500.04 -> 27,500
    t = compute_totals([("Paket Basic", 1, 250_000)])
    assert (t.tax_base, t.tax, t.total) == (D(229_167), D(27_500), D(277_500))


def test_dpp_rounds_half_up_not_half_even():
    # net 18: DPP = 18 × 11/12 = 16.5 -> 17 (banker's rounding would give 16)
    # PPN = 17 × 12% = 2.04 -> 2; total = 18 + 2 = 20
    t = compute_totals([("Materai", 1, 18)])
    assert (t.tax_base, t.tax, t.total) == (D(17), D(2), D(20))


def test_ppn_rounds_half_up_not_half_even():
    # plain 11% on the full price: 150 × 11% = 16.5 -> 17 (half-even would give 16)
    t = compute_totals([("x", 1, 150)], 0, TaxRule(D("0.11"), 1, 1))
    assert (t.tax_base, t.tax, t.total) == (D(150), D(17), D(167))


def test_ppn_rounds_down_below_half():
    # 149 × 11% = 16.39 -> 16
    t = compute_totals([("x", 1, 149)], 0, TaxRule(D("0.11"), 1, 1))
    assert t.tax == D(16)


def test_totals_without_tax():
    t = compute_totals([("x", 4, 125_000)], 100_000, NO_TAX)
    assert (t.subtotal, t.net, t.tax, t.total) == (D(500_000), D(400_000), D(0), D(400_000))


def test_discount_equal_to_subtotal_gives_zero_total():
    t = compute_totals([("Promo", 1, 500_000)], discount=500_000)
    assert (t.net, t.tax_base, t.tax, t.total) == (D(0), D(0), D(0), D(0))


def test_free_line_allowed():
    t = compute_totals([("Bonus modul", 1, 0), ("Paket", 1, 12)])
    # DPP 11, PPN 1.32 -> 1
    assert (t.subtotal, t.tax_base, t.tax, t.total) == (D(12), D(11), D(1), D(13))


def test_large_amounts_stay_exact():
    # 1,000 × 999,999,999 = 999,999,999,000; DPP = 916,666,665,750; PPN = 109,999,999,890
    t = compute_totals([("Enterprise", 1000, 999_999_999)])
    assert t.tax_base == D(916_666_665_750)
    assert t.tax == D(109_999_999_890)
    assert t.total == D(1_109_999_998_890)


def test_lines_may_be_objects_and_descriptions_are_trimmed():
    row = SimpleNamespace(description="  Modul Tracking ", quantity=2, unit_price=D("75000.00"))
    t = compute_totals([row])
    assert t.lines[0].description == "Modul Tracking"
    assert t.lines[0].amount == D(150_000)
    assert t.lines[0].unit_price == D(75_000)


def test_lines_accept_generator_and_integral_decimal_quantity():
    t = compute_totals(("x", D("3"), 10) for _ in range(2))
    assert t.subtotal == D(60)


def test_totals_are_frozen():
    t = compute_totals([("x", 1, 1)])
    with pytest.raises(FrozenInstanceError):
        t.total = D(0)


@pytest.mark.parametrize(
    "lines",
    [
        [],  # no lines
        [("x", 0, 1000)],  # zero quantity
        [("x", -1, 1000)],  # negative quantity
        [("x", 1.5, 1000)],  # fractional quantity
        [("x", D("1.5"), 1000)],
        [("x", True, 1000)],
        [("x", 1, -1)],  # negative price
        [("x", 1, D("999.50"))],  # cents
        [("x", 1, 1000.0)],  # float price
        [("x", 1, "1000")],
        [("", 1, 1000)],  # empty description
        [("   ", 1, 1000)],
        [(None, 1, 1000)],
        [("x", 1)],  # wrong shape
        ["abc"],
        [42],
    ],
)
def test_compute_totals_rejects_bad_lines(lines):
    with pytest.raises(ValueError):
        compute_totals(lines)


@pytest.mark.parametrize("discount", [-1, 1_000_001, D("10.5"), 1.0, None])
def test_compute_totals_rejects_bad_discount(discount):
    with pytest.raises(ValueError):
        compute_totals([("x", 1, 1_000_000)], discount)


def test_compute_totals_rejects_non_rule():
    with pytest.raises(ValueError):
        compute_totals([("x", 1, 1)], 0, D("0.12"))


# ----------------------------------------------------------------------- status


DUE = date(2026, 3, 31)


@pytest.mark.parametrize(
    "total, paid, today, status",
    [
        (1_110_000, 0, date(2026, 3, 1), "unpaid"),
        (1_110_000, 0, DUE, "unpaid"),  # due date itself is on time
        (1_110_000, 0, date(2026, 4, 1), "overdue"),
        (1_110_000, 1_000_000, date(2026, 4, 1), "overdue"),  # partly paid, late
        (1_110_000, 1_000_000, date(2026, 3, 1), "partial"),  # partly paid, on time: shown as such
        (1_110_000, 1_110_000, date(2026, 4, 1), "paid"),
        (1_110_000, 1_110_000, date(2026, 3, 1), "paid"),
        (1_110_000, 1_200_000, date(2026, 4, 1), "paid"),  # overpaid elsewhere
        (0, 0, date(2026, 4, 1), "paid"),  # nothing to pay
        (D("1110000.00"), D("1110000"), date(2026, 4, 1), "paid"),
    ],
)
def test_invoice_status(total, paid, today, status):
    assert invoice_status(total, paid, DUE, today) == status


@pytest.mark.parametrize(("paid", "today"), [(0, date(2026, 3, 1)), (0, date(2026, 4, 1)), (1_110_000, DUE)])
def test_a_cancelled_invoice_is_cancelled_whatever_its_dates_and_payments(paid, today):
    assert invoice_status(1_110_000, paid, DUE, today, cancelled=True) == "cancelled"


def test_invoice_status_accepts_datetimes():
    assert invoice_status(100, 0, datetime(2026, 3, 31, 23, 59), datetime(2026, 3, 31, 0, 1)) == "unpaid"
    assert invoice_status(100, 0, datetime(2026, 3, 31, 0, 0), datetime(2026, 4, 1, 0, 0)) == "overdue"


def test_invoice_status_rejects_bad_values():
    with pytest.raises(ValueError):
        invoice_status(100.0, 0, DUE, DUE)
    with pytest.raises(ValueError):
        invoice_status(100, 0, "2026-03-31", DUE)


def test_status_labels_cover_every_status():
    assert set(STATUS_LABELS) == {"paid", "partial", "overdue", "unpaid", "cancelled"}
    assert str(STATUS_LABELS["overdue"]) == "Overdue"  # untranslated outside a request


# --------------------------------------------------------------------- payments


def test_validate_payment_accepts_partial_and_exact():
    assert validate_payment(1_110_000, 0, 500_000) == D(500_000)
    assert validate_payment(1_110_000, 500_000, 610_000) == D(610_000)
    assert validate_payment(D("1110000.00"), 0, D("1110000")) == D(1_110_000)


@pytest.mark.parametrize(
    "total, already_paid, amount",
    [
        (1_110_000, 0, 0),  # zero
        (1_110_000, 0, -1),  # negative
        (1_110_000, 0, 1_110_001),  # overpayment
        (1_110_000, 500_000, 610_001),  # overpayment of the balance
        (1_110_000, 1_110_000, 1),  # already fully paid
        (1_110_000, 0, D("100.50")),  # cents
        (1_110_000, 0, 100.0),  # float
        (1_110_000, 0, "100"),
    ],
)
def test_validate_payment_rejects(total, already_paid, amount):
    with pytest.raises(ValueError):
        validate_payment(total, already_paid, amount)


def test_validate_payment_error_type():
    with pytest.raises(FieldError):
        validate_payment(100, 0, 101)


def test_outstanding_amount():
    assert outstanding_amount(1_110_000, 110_000) == D(1_000_000)
    assert outstanding_amount(100, 150) == D(0)
