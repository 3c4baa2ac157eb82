"""Business-hours arithmetic for helpdesk SLA clocks.

Pure functions: no Flask, no database. Every datetime passed in must be
timezone-aware (any zone; it is normalised to UTC) and every datetime returned
is timezone-aware UTC. The business calendar itself (working weekdays, opening
hours, holidays) is expressed in local wall-clock time, WIB (Asia/Jakarta) by
default.

Counting model
--------------
* Time counts only inside a business window: a working weekday that is not a
  holiday, between ``open_time`` and ``close_time`` local time.
* Pauses (the ticket is waiting on the client) are subtracted; overlapping
  pauses are merged first so nothing is subtracted twice, and only the part of
  a pause that falls inside business windows is removed. An open pause
  (end ``None``) runs until ``now``.
* Durations are whole seconds, truncated towards zero.
* ``add_business_seconds`` returns the *earliest* moment at which the requested
  amount of business time has elapsed, so 1 hour from Friday 16:00 is Friday
  17:00 (closing time), not Monday 08:00.

Work is done per business day (never per minute), so spans of months or years
cost a few hundred loop iterations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_TIMEZONE",
    "BusinessCalendar",
    "Pause",
    "SlaClock",
    "add_business_seconds",
    "business_seconds_between",
    "elapsed_business_seconds",
    "is_business_time",
    "next_business_moment",
    "sla_clock",
]

DEFAULT_TIMEZONE = "Asia/Jakarta"

UTC = UTC
_ONE_SECOND = timedelta(seconds=1)
_ONE_DAY = timedelta(days=1)

#: A pause interval: (start, end); end ``None`` means the pause is still open.
Pause = tuple[datetime, datetime | None]


@dataclass(frozen=True)
class BusinessCalendar:
    """When the helpdesk is staffed.

    ``workdays`` uses ``date.weekday()`` numbering (Monday=0 .. Sunday=6).
    ``holidays`` are local (WIB) calendar dates, e.g. Indonesian public
    holidays maintained by the admin. ``timezone`` is an IANA zone key.
    """

    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    open_time: time = time(8, 0)
    close_time: time = time(17, 0)
    holidays: frozenset[date] = field(default_factory=frozenset)
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        # Accept any iterable for convenience but store frozensets so the
        # calendar stays hashable and immutable.
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if not self.workdays:
            raise ValueError("a business calendar needs at least one working weekday")
        if not all(isinstance(d, int) and 0 <= d <= 6 for d in self.workdays):
            raise ValueError("workdays must be weekday numbers 0 (Monday) .. 6 (Sunday)")
        if self.open_time.tzinfo is not None or self.close_time.tzinfo is not None:
            raise ValueError("open_time/close_time are local wall-clock times; do not set tzinfo")
        if not self.open_time < self.close_time:
            raise ValueError("open_time must be earlier than close_time")
        if any(isinstance(d, datetime) or not isinstance(d, date) for d in self.holidays):
            raise ValueError("holidays must be datetime.date values")
        ZoneInfo(self.timezone)  # fail early on an unknown zone key

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The business window of a local date as UTC datetimes, or None."""
        if not self.is_business_day(day):
            return None
        zone = self.zone
        opens = datetime.combine(day, self.open_time, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, self.close_time, tzinfo=zone).astimezone(UTC)
        return opens, closes

    def windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Endless iterator of business windows (UTC) that end after ``moment``,
        the first one clipped so it starts no earlier than ``moment``."""
        moment = _utc(moment, "moment")
        day = moment.astimezone(self.zone).date()
        while True:
            win = self.window(day)
            if win is not None:
                opens, closes = win
                if closes > moment:
                    yield max(opens, moment), closes
            day += _ONE_DAY


@dataclass(frozen=True)
class SlaClock:
    """State of one SLA clock (first response or resolution) at ``now``.

    ``due_at`` is the moment the target is (or was) reached, taking the
    recorded pauses into account. While a pause is still open the real due
    moment keeps moving; ``due_at`` is then computed as if the ticket resumed
    at ``now`` (the earliest it can become). ``breached`` means the business
    time used exceeds the target (stopping exactly at ``due_at`` is on time).
    """

    target_seconds: int
    elapsed_seconds: int
    remaining_seconds: int
    breached: bool
    due_at: datetime
    paused: bool = False
    stopped: bool = False


# ---------------------------------------------------------------------------
# helpers


def _utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


def _merge_pauses(pauses: Iterable[Pause] | None, lower: datetime, upper: datetime) -> list[tuple[datetime, datetime]]:
    """Clip pauses to [lower, upper], close open ones at ``upper``, merge overlaps."""
    clipped: list[tuple[datetime, datetime]] = []
    for item in pauses or ():
        p_start, p_end = item
        p_start = _utc(p_start, "pause start")
        if p_end is None:
            p_end = max(upper, p_start)  # open pause: runs until `upper`
        else:
            p_end = _utc(p_end, "pause end")
            if p_end < p_start:
                raise ValueError("a pause cannot end before it starts")
        p_start, p_end = max(p_start, lower), min(p_end, upper)
        if p_end > p_start:
            clipped.append((p_start, p_end))
    clipped.sort()
    merged: list[tuple[datetime, datetime]] = []
    for p_start, p_end in clipped:
        if merged and p_start <= merged[-1][1]:
            if p_end > merged[-1][1]:
                merged[-1] = (merged[-1][0], p_end)
        else:
            merged.append((p_start, p_end))
    return merged


def _active_intervals(
    calendar: BusinessCalendar,
    start: datetime,
    pauses: Sequence[tuple[datetime, datetime]],
) -> Iterator[tuple[datetime, datetime]]:
    """Endless iterator of counting intervals: business windows from ``start``
    minus the (sorted, merged) pauses."""
    idx = 0
    for w_start, w_end in calendar.windows_from(start):
        # drop pauses that end before this window
        while idx < len(pauses) and pauses[idx][1] <= w_start:
            idx += 1
        cursor = w_start
        j = idx
        while j < len(pauses) and pauses[j][0] < w_end:
            p_start, p_end = pauses[j]
            if p_start > cursor:
                yield cursor, p_start
            cursor = max(cursor, p_end)
            if cursor >= w_end:
                break
            j += 1
        if cursor < w_end:
            yield cursor, w_end


def _count(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: Sequence[tuple[datetime, datetime]],
) -> int:
    if end <= start:
        return 0
    total = timedelta(0)
    for a, b in _active_intervals(calendar, start, pauses):
        if a >= end:
            break
        total += min(b, end) - a
        if b >= end:
            break
    return total // _ONE_SECOND


def _advance(
    calendar: BusinessCalendar,
    start: datetime,
    seconds: int,
    pauses: Sequence[tuple[datetime, datetime]],
) -> datetime:
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    if seconds == 0:
        return start
    left = timedelta(seconds=seconds)
    for a, b in _active_intervals(calendar, start, pauses):
        span = b - a
        if span >= left:
            return a + left
        left -= span
    raise AssertionError("unreachable: business windows are endless")  # pragma: no cover


# ---------------------------------------------------------------------------
# public API


def is_business_time(calendar: BusinessCalendar, moment: datetime) -> bool:
    """True if ``moment`` lies inside a business window (open inclusive, close exclusive)."""
    moment = _utc(moment, "moment")
    win = calendar.window(moment.astimezone(calendar.zone).date())
    return win is not None and win[0] <= moment < win[1]


def next_business_moment(calendar: BusinessCalendar, moment: datetime) -> datetime:
    """``moment`` itself during business hours, otherwise the next opening (UTC).

    This is when an SLA clock effectively starts: a ticket opened on Saturday
    starts counting on Monday at opening time.
    """
    moment = _utc(moment, "moment")
    return next(calendar.windows_from(moment))[0]


def business_seconds_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Whole business seconds in [start, end); 0 when end <= start."""
    return _count(calendar, _utc(start, "start"), _utc(end, "end"), ())


def add_business_seconds(calendar: BusinessCalendar, start: datetime, seconds: int) -> datetime:
    """Earliest moment (UTC) at which ``seconds`` business seconds have passed since ``start``.

    ``seconds == 0`` returns ``start`` unchanged (normalised to UTC).
    """
    return _advance(calendar, _utc(start, "start"), int(seconds), ())


def elapsed_business_seconds(
    calendar: BusinessCalendar,
    start: datetime,
    now: datetime,
    pauses: Iterable[Pause] | None = None,
) -> int:
    """Business seconds in [start, now) minus business time spent in pauses.

    Pauses may overlap each other, extend outside [start, now) or cover
    nights/weekends; only the paused *business* time is subtracted. A pause
    with end ``None`` is open and runs until ``now``.
    """
    start, now = _utc(start, "start"), _utc(now, "now")
    if now <= start:
        return 0
    merged = _merge_pauses(pauses, start, now)
    return _count(calendar, start, now, merged)


def sla_clock(
    calendar: BusinessCalendar,
    started_at: datetime,
    target_seconds: int,
    now: datetime,
    pauses: Iterable[Pause] | None = None,
    stopped_at: datetime | None = None,
) -> SlaClock:
    """Evaluate an SLA clock at ``now``.

    ``stopped_at`` is when the response/resolution happened; the clock counts
    nothing after it (pauses still open at that moment end there too).
    """
    started_at, now = _utc(started_at, "started_at"), _utc(now, "now")
    target = int(target_seconds)
    if target < 0:
        raise ValueError("target_seconds must not be negative")
    pauses = list(pauses or ())
    stopped = stopped_at is not None
    end = min(now, _utc(stopped_at, "stopped_at")) if stopped else now
    end = max(end, started_at)

    merged = _merge_pauses(pauses, started_at, end)
    elapsed = _count(calendar, started_at, end, merged)
    due_at = _advance(calendar, started_at, target, merged)

    paused = (not stopped) and any(
        _utc(p_start, "pause start") <= now and (p_end is None or _utc(p_end, "pause end") > now)
        for p_start, p_end in pauses
    )
    remaining = target - elapsed
    return SlaClock(
        target_seconds=target,
        elapsed_seconds=elapsed,
        remaining_seconds=remaining,
        breached=remaining < 0,
        due_at=due_at,
        paused=paused,
        stopped=stopped,
    )
