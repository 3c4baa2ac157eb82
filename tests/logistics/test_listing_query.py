"""The shipment list query (listing.py): search, filters, tabs and keyset pages; SQLite and PostgreSQL."""

import uuid
from datetime import datetime, timedelta

from app.logistics.shipments.listing import ListQuery, decode_cursor, fetch_page


def _token() -> str:
    return "Zq" + uuid.uuid4().hex[:8]


def _add(tenant, user, count, *, token, when=None, **fields):
    """`count` issued shipments whose sender name carries `token`, one minute apart (or all at `when`)."""
    from app.extensions import db
    from app.logistics.shipments.models import Shipment

    base = datetime(2026, 1, 1, 12, 0)
    rows = []
    for index in range(count):
        values = {
            "tenant_id": tenant.id,
            "tracking_number": f"T{token[2:]}{index:04d}",
            "sender_name": f"Pengirim {token} {index}",
            "sender_phone": "081234567890",
            "sender_address": "Jl. Uji",
            "sender_city": "31.71",
            "receiver_name": f"Penerima {index}",
            "receiver_phone": "081298765432",
            "receiver_address": "Jl. Coba",
            "receiver_city": "32.73",
            "shipment_type": "pickup",
            "status": "ready_pickup",
            "created_at": when or base + timedelta(minutes=index),
            "created_by_id": user.id,
        }
        values.update(fields)
        rows.append(Shipment(**values))
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _names(page):
    return [row.sender_name for row in page.rows]


def test_search_is_contains_case_insensitive_over_names_numbers_and_phones(acting):
    token = _token()
    with acting("admin@demo.test") as (tenant, user):
        _add(tenant, user, 2, token=token)
        _add(tenant, user, 1, token="Other" + token, receiver_name=f"Tujuan {token.upper()}", receiver_phone="0899111")
        assert len(fetch_page(ListQuery(q=token.lower())).rows) == 3  # sender x2 + receiver (upper-cased)
        assert len(fetch_page(ListQuery(q=f"t{token[2:].upper()}0001")).rows) == 1  # tracking number
        assert len(fetch_page(ListQuery(q=f"{token[3:]} 1")).rows) == 1  # middle of a name
        assert fetch_page(ListQuery(q=token + "missing")).rows == []


def test_search_treats_percent_and_underscore_literally(acting):
    token = _token()
    with acting("admin@demo.test") as (tenant, user):
        _add(tenant, user, 1, token=token, receiver_name=f"Diskon 50% {token}")
        _add(tenant, user, 1, token=token + "x", receiver_name=f"Diskon 50X {token}")
        assert [r.receiver_name for r in fetch_page(ListQuery(q=f"50% {token}")).rows] == [f"Diskon 50% {token}"]
        assert fetch_page(ListQuery(q=f"50_ {token}")).rows == []


def test_filters_status_type_courier_and_tabs(acting):
    token = _token()
    with acting("admin@demo.test") as (tenant, user):
        _add(tenant, user, 2, token=token, status="delivered", shipment_type="dropoff", courier_id=user.id)
        _add(tenant, user, 3, token=token + "b", status="in_transit")
        _add(tenant, user, 1, token=token + "d", tracking_number=None)  # a draft
        assert len(fetch_page(ListQuery(q=token, status="delivered")).rows) == 2
        assert len(fetch_page(ListQuery(q=token, status="in_transit")).rows) == 3
        assert len(fetch_page(ListQuery(q=token, shipment_type="dropoff")).rows) == 2
        assert len(fetch_page(ListQuery(q=token, courier=user.id)).rows) == 2
        assert len(fetch_page(ListQuery(q=token)).rows) == 5  # the active tab hides the draft
        assert _names(fetch_page(ListQuery(q=token, tab="archive"))) == [f"Pengirim {token}d 0"]


def test_keyset_pages_walk_forward_and_back_without_gaps_or_repeats(acting):
    token = _token()
    with acting("admin@demo.test") as (tenant, user):
        rows = _add(tenant, user, 60, token=token)
        newest_first = [row.sender_name for row in reversed(rows)]
        first = fetch_page(ListQuery(q=token))
        second = fetch_page(ListQuery(q=token, after=first.next_cursor))
        third = fetch_page(ListQuery(q=token, after=second.next_cursor))
        assert _names(first) + _names(second) + _names(third) == newest_first
        assert first.prev_cursor is None and third.next_cursor is None
        assert len(third.rows) == 10
        back = fetch_page(ListQuery(q=token, before=second.prev_cursor))
        assert _names(back) == _names(first)


def test_keyset_pages_break_ties_on_equal_dates_and_sort_ascending(acting):
    token = _token()
    moment = datetime(2026, 2, 2, 8, 0)
    with acting("admin@demo.test") as (tenant, user):
        rows = _add(tenant, user, 30, token=token, when=moment)
        first = fetch_page(ListQuery(q=token, desc=False))
        second = fetch_page(ListQuery(q=token, desc=False, after=first.next_cursor))
        assert [r.id for r in first.rows + second.rows] == sorted(row.id for row in rows)
        by_weight = fetch_page(ListQuery(q=token, sort="weight", per_page=50))
        assert len({row.id for row in by_weight.rows}) == 30


def test_tampered_cursor_is_ignored_not_an_error():
    assert decode_cursor("not-a-cursor", datetime.fromisoformat) is None
    assert ListQuery.from_args({"after": "%%%", "per_page": "7", "sort": "nope"}).per_page == 25


def test_other_tenants_rows_never_match(acting):
    token = _token()
    with acting("admin@contoh.test") as (tenant, user):
        _add(tenant, user, 2, token=token)
        from app.extensions import db

        db.session.commit()
    with acting("admin@demo.test"):
        assert fetch_page(ListQuery(q=token)).rows == []
