"""The status form's date-time: the current minute (what the form offers) means "now"."""

from datetime import datetime

from app.logistics.shipments.status_views import parse_local_datetime


def test_current_minute_means_now_so_a_fresh_update_sorts_after_creation():
    now = datetime(2026, 5, 1, 7, 30, 42, 123456)
    assert parse_local_datetime("2026-05-01T14:30", now=now) == now
    assert parse_local_datetime("2026-05-01T14:29", now=now) == datetime(2026, 5, 1, 7, 29)
    assert parse_local_datetime("", now=now) == now
