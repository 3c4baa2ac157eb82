"""The tenant dashboard: cards equal the lists they open, WIB day/month/year boundaries, role and
tenant scoping, quick actions and the live JSON."""

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa

from tests.dashboards.conftest import listed_ids, signed_in

DEMO_ROLES = ("owner", "admin", "viewer", "kurir", "marketing")

# Each test rolled back (its requests included): the users and shipments it adds are gone afterwards.
pytestmark = pytest.mark.usefixtures("db")


def board_for(app, email: str, now: datetime, trend: str = "7d"):
    from app.extensions import db
    from app.logistics.dashboard import services
    from app.security.models import TenantUser
    from app.tenancy.context import tenant_scope

    with app.app_context():
        user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one()
        with tenant_scope(user.tenant_id, user.id):
            board = services.dashboard(user, user.tenant_id, now, trend)
            counts = {card.key: card.value for card in board.cards}
            list_counts = {card.key: list_count(user, card.args) for card in board.cards if card.args}
        return board, counts, list_counts


def list_count(user, args: dict) -> int:
    """What the shipment list would count for these query-string arguments (its own statement)."""
    from app.extensions import db
    from app.logistics.shipments.listing import ListQuery, filtered

    stmt = filtered(ListQuery.from_args(args), user)
    return db.session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()


@pytest.mark.parametrize("local", DEMO_ROLES)
def test_each_card_equals_the_rows_its_list_shows(app, local):
    email = f"{local}@demo.test"
    client = signed_in(app, email)
    data = client.get("/dashboard/data").json
    assert set(data["cards"]) >= {"today", "in_transit", "month"}
    for key, link in data["links"].items():
        if link is None:
            continue
        assert len(listed_ids(client, link)) == data["cards"][key], key


def test_home_page_is_the_dashboard_with_cards_charts_and_quick_actions(client_as):
    page = client_as("owner@demo.test").get("/").get_data(as_text=True)
    assert "PT Demo Kirim Cepat" in page
    for marker in (
        'id="card-today"',
        'id="card-in_transit"',
        'id="card-couriers"',
        'id="card-month"',
        'id="chart-trend"',
        'id="chart-area"',
        'id="chart-status"',
        'id="chart-weight"',
        'id="new-shipment"',
        'id="track-form"',
        'id="print-label"',
        "<svg",
    ):
        assert marker in page, marker


def test_kurir_has_no_new_shipment_button_nor_couriers_card(client_as):
    page = client_as("kurir@demo.test").get("/dashboard/").get_data(as_text=True)  # "/" is its phone page
    assert 'id="new-shipment"' not in page and 'id="card-couriers"' not in page
    assert 'id="personal-scope"' in page


def test_month_end_and_wib_midnight(app, new_user, add_shipments):
    """23:59:59 WIB on 31 Jan is January; 17:00 UTC that day is already 1 Feb in WIB."""
    email, courier = new_user("Kurir")
    add_shipments(
        "demo",
        [
            dict(courier_id=courier, created_at=datetime(2026, 1, 31, 16, 59, 59)),  # 31 Jan 23:59:59 WIB
            dict(courier_id=courier, created_at=datetime(2026, 1, 31, 17, 0, 0)),  # 1 Feb 00:00 WIB
            dict(courier_id=courier, created_at=datetime(2026, 2, 1, 16, 59, 0), status="in_transit"),  # 1 Feb 23:59
            dict(courier_id=courier, created_at=datetime(2026, 2, 1, 17, 0, 0)),  # 2 Feb WIB: tomorrow
            dict(courier_id=courier, created_at=datetime(2026, 1, 15), tracking_number=None),  # a draft: never counted
        ],
    )
    now = datetime(2026, 2, 1, 5, 0)  # 1 Feb 12:00 WIB
    board, counts, list_counts = board_for(app, email, now)
    assert board.today == date(2026, 2, 1)
    assert counts == {"today": 2, "in_transit": 1, "month": 3}
    assert list_counts == counts
    assert board.trend_series[-2:] == [(date(2026, 1, 31), 1), (date(2026, 2, 1), 2)]
    monthly, _, _ = board_for(app, email, now, "12m")
    assert monthly.trend_series[-2:] == [(date(2026, 1, 1), 1), (date(2026, 2, 1), 3)]
    assert dict(monthly.by_status) == {"Ready for pickup": 2, "In transit": 1}


def test_year_change(app, new_user, add_shipments):
    email, courier = new_user("Kurir")
    add_shipments(
        "demo",
        [
            dict(courier_id=courier, created_at=datetime(2025, 12, 31, 16, 59, 59)),  # 31 Dec 2025 23:59:59 WIB
            dict(courier_id=courier, created_at=datetime(2025, 12, 31, 17, 0, 0)),  # 1 Jan 2026 00:00 WIB
        ],
    )
    board, counts, list_counts = board_for(app, email, datetime(2025, 12, 31, 17, 30), "12m")
    assert board.today == date(2026, 1, 1)
    assert counts["today"] == 1 and counts["month"] == 1 and list_counts == counts
    assert board.trend_series[-2:] == [(date(2025, 12, 1), 1), (date(2026, 1, 1), 1)]
    before, counts_before, _ = board_for(app, email, datetime(2025, 12, 31, 16, 30), "12m")
    assert before.today == date(2025, 12, 31) and counts_before["today"] == 1 and counts_before["month"] == 1


def test_kurir_and_marketing_see_only_their_own_shipments(app, new_user, add_shipments):
    kurir, kurir_id = new_user("Kurir")
    other_kurir, other_id = new_user("Kurir")
    marketing, marketing_id = new_user("Marketing")
    now = datetime(2026, 3, 10, 3, 0)
    at = datetime(2026, 3, 10, 1, 0)
    add_shipments(
        "demo",
        [
            dict(courier_id=kurir_id, created_at=at),
            dict(courier_id=other_id, marketing_id=marketing_id, created_at=at),
            dict(courier_id=other_id, marketing_id=marketing_id, created_at=at, status="out_for_delivery"),
        ],
    )
    _, mine, _ = board_for(app, kurir, now)
    _, theirs, _ = board_for(app, other_kurir, now)
    _, marketed, marketed_list = board_for(app, marketing, now)
    _, owner_counts, _ = board_for(app, "owner@demo.test", now)
    assert mine["today"] == 1 and theirs["today"] == 2 and marketed["today"] == 2
    assert marketed["in_transit"] == 1 and marketed_list == {k: v for k, v in marketed.items() if k != "couriers"}
    assert owner_counts["today"] >= 3
    assert "couriers" not in mine and "couriers" in marketed


def test_other_tenants_shipments_never_count(app, add_shipments):
    now = datetime(2026, 4, 20, 3, 0)
    trend_before = board_for(app, "owner@contoh.test", now, "12m")[0].trend_series
    _, before, _ = board_for(app, "owner@contoh.test", now)
    _, demo_before, _ = board_for(app, "owner@demo.test", now)
    add_shipments("demo", [dict(created_at=datetime(2026, 4, 20, 1, 0)) for _ in range(3)])
    _, after, _ = board_for(app, "owner@contoh.test", now)
    _, demo_after, _ = board_for(app, "owner@demo.test", now)
    assert after == before
    assert board_for(app, "owner@contoh.test", now, "12m")[0].trend_series == trend_before
    assert demo_after["today"] == demo_before["today"] + 3


def test_new_shipment_and_status_change_show_up_live(app, new_user, add_shipments):
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.tenancy.context import all_tenants

    email, courier = new_user("Kurir")
    client = signed_in(app, email)
    assert client.get("/dashboard/data").json["cards"]["today"] == 0
    [shipment_id] = add_shipments("demo", [dict(courier_id=courier, created_at=datetime.utcnow())])
    data = client.get("/dashboard/data").json
    assert data["cards"]["today"] == 1 and data["cards"]["in_transit"] == 0
    with app.app_context(), all_tenants():
        db.session.get(Shipment, shipment_id).status = "arrived"
        db.session.commit()
    assert client.get("/dashboard/data").json["cards"]["in_transit"] == 1


def test_weight_brackets_and_areas(app, new_user, add_shipments):
    email, courier = new_user("Kurir")
    at = datetime(2026, 5, 5, 1, 0)
    add_shipments(
        "demo",
        [
            dict(courier_id=courier, created_at=at, total_weight=Decimal(w), receiver_city=city)
            for w, city in (("0.5", "32.73"), ("1", "32.73"), ("4.99", "31.71"), ("30", "31.71"), ("12", "35.78"))
        ],
    )
    board, _, _ = board_for(app, email, datetime(2026, 5, 5, 3, 0))
    assert [n for _, n in board.by_weight] == [1, 2, 0, 1, 1]
    assert sum(n for _, n in board.by_area) == 5 and board.by_area[0][1] == 2


def test_track_box_opens_the_shipment_or_says_not_found(app, new_user, add_shipments):
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.tenancy.context import all_tenants

    email, courier = new_user("Kurir")
    mine, not_mine = add_shipments("demo", [dict(courier_id=courier), dict()])
    [elsewhere] = add_shipments("contoh", [dict()])
    with app.app_context(), all_tenants():
        numbers = {pk: db.session.get(Shipment, pk).tracking_number for pk in (mine, not_mine, elsewhere)}
    owner = signed_in(app, "owner@demo.test")
    response = owner.get(f"/dashboard/track?resi={numbers[mine].lower()}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/shipments/{mine}")
    label = owner.get(f"/dashboard/track?resi={numbers[mine]}&action=label")
    assert label.headers["Location"].endswith(f"/shipments/{mine}/resi.pdf")
    missing = owner.get(f"/dashboard/track?resi={numbers[elsewhere]}", follow_redirects=True)
    assert "No shipment with tracking number" in missing.get_data(as_text=True)
    kurir = signed_in(app, email)
    assert kurir.get(f"/dashboard/track?resi={numbers[not_mine]}").headers["Location"].endswith("/")


def test_json_endpoint_and_access(client_as, anon):
    data = client_as("viewer@demo.test").get("/dashboard/data?trend=12m").json
    assert data["trend"] == "12m" and data["charts"]["trend"].startswith("<svg")
    assert client_as("admin@vendor.test").get("/dashboard/data").status_code in (302, 403)
    assert anon("http://demo.localhost").get("/dashboard/data").status_code == 302


def test_card_links_carry_the_exact_filters(client_as):
    links = client_as("owner@demo.test").get("/dashboard/data").json["links"]
    today = parse_qs(urlparse(links["today"]).query)
    assert today["created_from"] == today["created_to"]
    assert parse_qs(urlparse(links["in_transit"]).query)["group"] == ["in_transit"]
    assert links["couriers"] is None


def test_the_list_shows_and_keeps_the_card_filter(client_as):
    client = client_as("owner@demo.test")
    links = client.get("/dashboard/data").json["links"]
    page = client.get(links["month"]).get_data(as_text=True)
    assert 'id="card-filter"' in page and 'name="created_from"' in page and 'id="card-filter-clear"' in page
    assert 'id="card-filter"' not in client.get("/shipments/").get_data(as_text=True)


@pytest.mark.parametrize("now", [datetime(2026, 6, 30, 17, 0), datetime(2026, 12, 31, 16, 59, 59)])
def test_generated_shipments_agree_with_a_brute_force_count(app, new_user, add_shipments, now):
    """200 shipments spread over 14 months around a frozen `now`: every card and trend bucket equals
    a count done in Python on WIB dates, and the list's own count."""
    import random
    from datetime import timedelta

    from app.core.formatting import to_jakarta
    from app.core.periods import today_wib

    email, courier = new_user("Kurir")
    rng = random.Random(now.isoformat())
    statuses = ("ready_pickup", "picked_up", "in_transit", "arrived", "out_for_delivery", "delivered")
    rows = [
        dict(
            courier_id=courier,
            created_at=now - timedelta(seconds=rng.randint(-3 * 86400, 420 * 86400)),
            status=rng.choice(statuses),
            tracking_number=None if rng.random() < 0.1 else f"GEN{rng.getrandbits(48):X}",
        )
        for _ in range(200)
    ]
    add_shipments("demo", rows)
    issued = [(to_jakarta(row["created_at"]).date(), row["status"]) for row in rows if row["tracking_number"]]
    today = today_wib(now)
    board, counts, list_counts = board_for(app, email, now)
    assert counts["today"] == sum(day == today for day, _ in issued)
    assert counts["month"] == sum((day.year, day.month) == (today.year, today.month) for day, _ in issued)
    in_transit = {"picked_up", "in_transit", "arrived", "out_for_delivery"}
    assert counts["in_transit"] == sum(status in in_transit for _, status in issued)
    assert list_counts == counts
    for day, number in board.trend_series:
        assert number == sum(d == day for d, _ in issued), day
    monthly, _, _ = board_for(app, email, now, "12m")
    for month, number in monthly.trend_series:
        assert number == sum((d.year, d.month) == (month.year, month.month) for d, _ in issued), month


@pytest.mark.parametrize("local", ("owner", "kurir"))
def test_each_status_bar_opens_exactly_its_shipments(app, local):
    import re

    client = signed_in(app, f"{local}@demo.test")
    chart = client.get("/dashboard/data").json["charts"]["status"]
    bars = re.findall(r'<a href="([^"]+)" class="chart-link">.*?data-value="(\d+)"', chart)
    assert bars, chart
    for link, value in bars:
        assert len(listed_ids(client, link.replace("&amp;", "&"))) == int(value), link
