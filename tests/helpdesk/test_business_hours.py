"""Hand-worked SLA cases. Calendar: Mon-Fri 08:00-17:00 WIB (UTC+7).

Reference dates (2025): Fri 10 Jan, Sat 11 Jan, Mon 13 Jan; Fri 24 Jan, Mon 27 Jan
(Isra Mi'raj, a public holiday), Tue 28 Jan.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.helpdesk.business_hours import (
    BusinessCalendar,
    SlaClock,
    add_business_seconds,
    business_seconds_between,
    elapsed_business_seconds,
    is_business_time,
    next_business_moment,
    sla_clock,
)

WIB = ZoneInfo("Asia/Jakarta")
UTC = UTC
H = 3600
CAL = BusinessCalendar()
ISRA_MIRAJ = date(2025, 1, 27)
CAL_HOLIDAY = BusinessCalendar(holidays=frozenset({ISRA_MIRAJ}))


def wib(day, hour=0, minute=0, month=1, year=2025):
    """Aware UTC datetime for a WIB wall-clock time (January 2025 by default)."""
    return datetime(year, month, day, hour, minute, tzinfo=WIB).astimezone(UTC)


def assert_utc(value):
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0)


# --- calendar ------------------------------------------------------------


def test_default_calendar():
    assert CAL.workdays == frozenset({0, 1, 2, 3, 4})
    assert (CAL.open_time, CAL.close_time) == (time(8), time(17))
    assert CAL.holidays == frozenset()
    assert CAL.timezone == "Asia/Jakarta"
    hash(CAL_HOLIDAY)  # frozen and hashable (usable as a cache key)


def test_calendar_validation():
    with pytest.raises(ValueError):
        BusinessCalendar(open_time=time(17), close_time=time(8))
    with pytest.raises(ValueError):
        BusinessCalendar(workdays=frozenset())
    with pytest.raises(ValueError):
        BusinessCalendar(workdays=frozenset({7}))
    with pytest.raises((ValueError, KeyError)):  # ZoneInfoNotFoundError is a KeyError
        BusinessCalendar(timezone="Mars/Olympus_Mons")


def test_is_business_time_and_next_moment():
    assert is_business_time(CAL, wib(10, 8))  # opening is inclusive
    assert not is_business_time(CAL, wib(10, 17))  # closing is exclusive
    assert not is_business_time(CAL, wib(11, 10))  # Saturday
    assert not is_business_time(CAL_HOLIDAY, wib(27, 10))  # holiday
    assert next_business_moment(CAL, wib(13, 9, 30)) == wib(13, 9, 30)
    assert next_business_moment(CAL, wib(10, 17)) == wib(13, 8)
    assert next_business_moment(CAL_HOLIDAY, wib(24, 18)) == wib(28, 8)


# --- business_seconds_between ---------------------------------------------


def test_seconds_within_one_day():
    assert business_seconds_between(CAL, wib(13, 9, 15), wib(13, 9, 45)) == 1800


def test_seconds_overnight():
    # Mon 20:00 -> Tue 09:00: only Tue 08:00-09:00 counts
    assert business_seconds_between(CAL, wib(13, 20), wib(14, 9)) == 1 * H


def test_seconds_over_weekend():
    # Fri 16:00 -> Mon 11:00 = 1h Friday + 3h Monday
    assert business_seconds_between(CAL, wib(10, 16), wib(13, 11)) == 4 * H


def test_seconds_skip_holiday():
    # Fri 24 16:00 -> Tue 28 11:00: Monday 27 is Isra Mi'raj
    assert business_seconds_between(CAL_HOLIDAY, wib(24, 16), wib(28, 11)) == 4 * H
    assert business_seconds_between(CAL, wib(24, 16), wib(28, 11)) == 13 * H


def test_seconds_empty_or_reversed_span():
    assert business_seconds_between(CAL, wib(13, 10), wib(13, 10)) == 0
    assert business_seconds_between(CAL, wib(13, 11), wib(13, 10)) == 0
    assert business_seconds_between(CAL, wib(11, 0), wib(13, 8)) == 0  # whole weekend


def test_seconds_accept_any_timezone():
    start = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)  # = Fri 16:00 WIB
    end = datetime(2025, 1, 13, 11, 0, tzinfo=WIB)
    assert business_seconds_between(CAL, start, end) == 4 * H


def test_naive_datetimes_rejected():
    with pytest.raises(ValueError):
        business_seconds_between(CAL, datetime(2025, 1, 10, 9), wib(13, 11))
    with pytest.raises(ValueError):
        add_business_seconds(CAL, datetime(2025, 1, 10, 9), 60)


def test_one_year_span():
    # 2025 has 261 weekdays (starts on a Wednesday, 52 weeks + 1 day)
    start = wib(1, 0, month=1, year=2025)
    end = wib(1, 0, month=1, year=2026)
    assert business_seconds_between(CAL, start, end) == 261 * 9 * H
    holidays = BusinessCalendar(
        holidays=frozenset({date(2025, 1, 1), date(2025, 1, 27), date(2025, 12, 25), date(2025, 6, 1)})
    )  # 1 Jun 2025 is a Sunday: no effect
    assert business_seconds_between(holidays, start, end) == 258 * 9 * H
    due = add_business_seconds(CAL, start, 261 * 9 * H)
    assert due == wib(31, 17, month=12, year=2025)


# --- add_business_seconds --------------------------------------------------


def test_friday_afternoon_four_hours_due_monday_11():
    due = add_business_seconds(CAL, wib(10, 16), 4 * H)
    assert due == wib(13, 11)
    assert_utc(due)
    assert due == datetime(2025, 1, 13, 4, 0, tzinfo=UTC)


def test_opened_saturday_clock_starts_monday_0800():
    assert add_business_seconds(CAL, wib(11, 10), 4 * H) == wib(13, 12)
    assert add_business_seconds(CAL, wib(11, 10), 1) == wib(13, 8) + timedelta(seconds=1)


def test_add_skips_holiday():
    assert add_business_seconds(CAL_HOLIDAY, wib(24, 16), 4 * H) == wib(28, 11)
    assert add_business_seconds(CAL, wib(24, 16), 4 * H) == wib(27, 11)


def test_add_lands_on_closing_time_not_next_opening():
    assert add_business_seconds(CAL, wib(10, 16), 1 * H) == wib(10, 17)


def test_add_before_opening_and_multi_day():
    # Mon 06:00 + 20h = Mon 9h + Tue 9h + Wed 2h -> Wed 10:00
    assert add_business_seconds(CAL, wib(13, 6), 20 * H) == wib(15, 10)


def test_add_zero_and_negative():
    assert add_business_seconds(CAL, wib(11, 10), 0) == wib(11, 10)
    with pytest.raises(ValueError):
        add_business_seconds(CAL, wib(13, 10), -1)


def test_add_and_between_are_inverse():
    start = wib(10, 16, 17)
    for seconds in (1, 59, 3600, 9 * H, 40 * H + 123):
        due = add_business_seconds(CAL_HOLIDAY, start, seconds)
        assert business_seconds_between(CAL_HOLIDAY, start, due) == seconds


def test_custom_calendar_hours_and_weekdays():
    # Mon-Sat 09:00-12:00 in WIT (UTC+9): Sat 11:00 WIT + 2h -> Sat 12:00 (1h), Mon 10:00 (1h)
    wit = ZoneInfo("Asia/Jayapura")
    cal = BusinessCalendar(
        workdays=frozenset(range(6)), open_time=time(9), close_time=time(12), timezone="Asia/Jayapura"
    )
    start = datetime(2025, 1, 11, 11, 0, tzinfo=wit)
    assert add_business_seconds(cal, start, 2 * H) == datetime(2025, 1, 13, 10, 0, tzinfo=wit)


# --- pauses --------------------------------------------------------------


def test_pause_friday_1630_to_monday_0900():
    pauses = [(wib(10, 16, 30), wib(13, 9))]
    # business time Fri 16:00 -> Mon 10:00 is 3h; paused business time is
    # Fri 16:30-17:00 + Mon 08:00-09:00 = 1h30
    assert elapsed_business_seconds(CAL, wib(10, 16), wib(13, 10), pauses) == 5400


def test_pause_only_in_non_business_time_changes_nothing():
    pauses = [(wib(11, 9), wib(12, 20))]  # Saturday -> Sunday
    assert elapsed_business_seconds(CAL, wib(10, 16), wib(13, 10), pauses) == 3 * H


def test_overlapping_pauses_are_not_subtracted_twice():
    pauses = [(wib(13, 9), wib(13, 10)), (wib(13, 9, 30), wib(13, 11)), (wib(13, 10), wib(13, 10, 30))]
    # merged pause 09:00-11:00 out of 08:00-12:00
    assert elapsed_business_seconds(CAL, wib(13, 8), wib(13, 12), pauses) == 2 * H


def test_pause_outside_the_clock_span_is_clipped():
    pauses = [(wib(10, 9), wib(13, 9)), (wib(13, 11, 30), wib(14, 12))]
    # span Mon 08:00 -> Mon 12:00; paused 08:00-09:00 and 11:30-12:00
    assert elapsed_business_seconds(CAL, wib(13, 8), wib(13, 12), pauses) == 2 * H + 1800


def test_open_pause_runs_until_now():
    pauses = [(wib(13, 10), None)]
    assert elapsed_business_seconds(CAL, wib(13, 8), wib(13, 15), pauses) == 2 * H
    assert elapsed_business_seconds(CAL, wib(13, 8), wib(20, 15), pauses) == 2 * H


def test_pause_ending_before_start_rejected():
    with pytest.raises(ValueError):
        elapsed_business_seconds(CAL, wib(13, 8), wib(13, 15), [(wib(13, 10), wib(13, 9))])


# --- sla_clock -------------------------------------------------------------


def test_sla_running_with_pause():
    clock = sla_clock(CAL, wib(10, 16), 4 * H, wib(13, 10), [(wib(10, 16, 30), wib(13, 9))])
    assert isinstance(clock, SlaClock)
    assert clock.target_seconds == 4 * H
    assert clock.elapsed_seconds == 5400
    assert clock.remaining_seconds == 4 * H - 5400
    assert not clock.breached and not clock.paused and not clock.stopped
    # 30 min counted on Friday, resumes Mon 09:00, 3h30 left -> Mon 12:30
    assert clock.due_at == wib(13, 12, 30)
    assert_utc(clock.due_at)


def test_sla_without_pauses_matches_add_business_seconds():
    clock = sla_clock(CAL, wib(10, 16), 4 * H, wib(10, 16, 30))
    assert clock.due_at == wib(13, 11)
    assert clock.elapsed_seconds == 1800


def test_sla_breached_has_negative_remaining():
    clock = sla_clock(CAL, wib(13, 8), 2 * H, wib(13, 11), [])
    assert clock.elapsed_seconds == 3 * H
    assert clock.remaining_seconds == -H
    assert clock.breached
    assert clock.due_at == wib(13, 10)


def test_sla_open_pause_due_as_if_resumed_now():
    clock = sla_clock(CAL, wib(13, 8), 4 * H, wib(13, 15), [(wib(13, 10), None)])
    assert clock.paused
    assert clock.elapsed_seconds == 2 * H
    assert clock.remaining_seconds == 2 * H
    assert clock.due_at == wib(13, 17)
    # still paused on Tuesday: due moves along with "now"
    later = sla_clock(CAL, wib(13, 8), 4 * H, wib(14, 10), [(wib(13, 10), None)])
    assert later.elapsed_seconds == 2 * H and later.due_at == wib(14, 12)


def test_sla_stopped_clock_ignores_time_after_stop():
    clock = sla_clock(CAL, wib(13, 8), 4 * H, wib(15, 10), [], stopped_at=wib(13, 10))
    assert clock.stopped and not clock.paused
    assert clock.elapsed_seconds == 2 * H
    assert clock.remaining_seconds == 2 * H
    assert not clock.breached
    assert clock.due_at == wib(13, 12)


def test_sla_stopped_late_is_breached():
    clock = sla_clock(CAL, wib(13, 8), 4 * H, wib(20, 10), [], stopped_at=wib(14, 9))
    assert clock.elapsed_seconds == 10 * H
    assert clock.breached and clock.remaining_seconds == -6 * H


def test_sla_stopped_exactly_at_due_is_on_time():
    clock = sla_clock(CAL, wib(13, 8), 4 * H, wib(20, 10), [], stopped_at=wib(13, 12))
    assert clock.remaining_seconds == 0 and not clock.breached


def test_sla_stopped_while_paused_closes_the_pause():
    clock = sla_clock(CAL, wib(13, 8), 4 * H, wib(20, 10), [(wib(13, 10), None)], stopped_at=wib(13, 11))
    assert clock.elapsed_seconds == 2 * H
    assert clock.stopped and not clock.paused


def test_sla_ticket_opened_on_holiday_weekend():
    # opened Sat 25 Jan, Monday is a holiday: clock starts Tue 28 Jan 08:00
    clock = sla_clock(CAL_HOLIDAY, wib(25, 14), 8 * H, wib(27, 12))
    assert clock.elapsed_seconds == 0
    assert clock.due_at == wib(28, 16)


def test_pauses_after_now_or_stop_are_ignored():
    pauses = [(wib(13, 13), None), (wib(13, 14), wib(13, 15))]
    assert elapsed_business_seconds(CAL, wib(13, 8), wib(13, 12), pauses) == 4 * H
    clock = sla_clock(CAL, wib(13, 8), 4 * H, wib(13, 16), pauses, stopped_at=wib(13, 11))
    assert clock.elapsed_seconds == 3 * H and clock.due_at == wib(13, 12)
