"""WIB period arithmetic and the server-side SVG charts."""

from datetime import date, datetime

from app.core import periods
from app.core.svgchart import bar_chart, hbar_chart, line_chart


def test_wib_day_starts_at_17_utc_the_evening_before():
    assert periods.wib_midnight_utc(date(2026, 3, 1)) == datetime(2026, 2, 28, 17, 0)
    assert periods.day_range(date(2025, 12, 31), date(2025, 12, 31)) == (
        datetime(2025, 12, 30, 17, 0),
        datetime(2025, 12, 31, 17, 0),
    )
    assert periods.today_wib(datetime(2025, 12, 31, 16, 59, 59)) == date(2025, 12, 31)
    assert periods.today_wib(datetime(2025, 12, 31, 17, 0)) == date(2026, 1, 1)


def test_months_quarters_and_weeks():
    assert periods.month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert periods.add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert periods.add_months(date(2025, 11, 5), 3) == date(2026, 2, 1)
    assert (periods.quarter_start(date(2026, 12, 31)), periods.quarter_end(date(2026, 12, 31))) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert periods.week_start(date(2026, 1, 1)) == date(2025, 12, 29)


def test_charts_carry_their_values_and_escape_labels():
    bars = bar_chart([(date(2026, 1, 1), 3), (date(2026, 1, 2), 0)], "Trend")
    assert bars.count("data-value=") == 2 and 'data-label="01/01"' in bars
    line = line_chart([("a", 1), ("b", 5)], "Growth <x>", money=True)
    assert "Growth &lt;x&gt;" in line and "<polyline" in line and "Rp 5" in line
    distribution = hbar_chart([("Kota <Bandung>", 2)], "Areas")
    assert "Kota &lt;Bandung&gt;" in distribution and 'data-value="2"' in distribution
    assert line_chart([], "Empty").startswith("<svg") and hbar_chart([], "Empty").startswith("<svg")
