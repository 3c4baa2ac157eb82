from datetime import date, datetime
from decimal import Decimal

from app.core.formatting import dimensions, jakarta_today, kilograms, rupiah, wib_date, wib_datetime


def test_rupiah_groups_thousands_with_dots():
    assert rupiah(1250000) == "Rp 1.250.000"
    assert rupiah(Decimal("999.5")) == "Rp 1.000"
    assert rupiah(0) == "Rp 0"
    assert rupiah(-15000) == "-Rp 15.000"
    assert rupiah(None) == "-"


def test_kilograms_use_a_decimal_comma():
    assert kilograms(Decimal("2.5")) == "2,50 kg"
    assert kilograms(1234.567) == "1.234,57 kg"


def test_dates_are_shown_in_wib():
    # 17:30 UTC is already the next day in Jakarta (UTC+7)
    moment = datetime(2026, 12, 31, 17, 30)
    assert wib_datetime(moment) == "01/01/2027 00:30 WIB"
    assert wib_date(moment) == "01/01/2027"
    assert wib_date(date(2026, 8, 17)) == "17/08/2026"
    assert jakarta_today(datetime(2026, 1, 1, 16, 59).astimezone()) is not None


def test_dimensions_show_sizes_as_typed_with_a_decimal_comma():
    assert dimensions(Decimal("30.00"), Decimal("20.50"), Decimal("10")) == "30 × 20,5 × 10"
