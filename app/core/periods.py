"""WIB (Asia/Jakarta, UTC+7, no daylight saving) calendar periods as naive-UTC ranges.

Stored datetimes are naive UTC; a WIB day starts at 17:00 UTC the evening before. Ranges are
half-open [start, end). Both dashboards and the lists they link to use these, so a card and
its list cut the calendar identically.
"""

from datetime import UTC, date, datetime, time, timedelta

from app.core.formatting import JAKARTA, jakarta_today


def wib_midnight_utc(day: date) -> datetime:
    """The naive-UTC instant at which the WIB `day` begins."""
    return datetime.combine(day, time(), JAKARTA).astimezone(UTC).replace(tzinfo=None)


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """Naive-UTC [start, end) covering the WIB days first..last inclusive."""
    return wib_midnight_utc(first), wib_midnight_utc(last + timedelta(days=1))


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after day's month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(day, 1) - timedelta(days=1)


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_end(day: date) -> date:
    return add_months(quarter_start(day), 3) - timedelta(days=1)


def week_start(day: date) -> date:
    """Monday of day's week."""
    return day - timedelta(days=day.weekday())


def today_wib(now: datetime | None = None) -> date:
    return jakarta_today(now.replace(tzinfo=UTC) if now is not None and now.tzinfo is None else now)
