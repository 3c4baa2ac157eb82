"""The vendor home: cards equal the lists they open, WIB month/quarter/year periods, role scoping
of every figure, the growth chart and the activity feed."""

import re
import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.dashboards.conftest import signed_in

VENDOR_STAFF = ("admin", "support", "finance", "viewer")
COUNT = re.compile(r"Record Count</?[^:]*:\s*(\d+)|Record Count: (\d+)")


def record_count(html: str) -> int:
    match = COUNT.search(html)
    assert match, "the list shows no record count"
    return int(match.group(1) or match.group(2))


def home_for(app, now: datetime, can_read=lambda resource: True, metric="clients", period="month"):
    from app.billing.home import services
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        board = services.home(now, can_read, metric, period)
        return board, {card.key: card for card in board.cards}


@pytest.fixture()
def payments(app):
    """payments([(paid_at, amount), ...]): one invoice of a demo tenant paid in those instalments; tax-free
    unless `tax` is given, so that the amounts paid are the revenue net of PPN too."""
    from app.billing.invoice_rules import TaxRule
    from app.billing.invoices import InvoiceDraft, add_payment, create_invoice
    from app.extensions import db
    from app.tenancy.context import all_tenants
    from app.tenancy.services import tenant_by_slug

    def make(rows, price=None, tax=TaxRule(rate=Decimal(0))):
        with app.app_context(), all_tenants():
            tenant = tenant_by_slug("contoh")
            total = price or sum(Decimal(amount) for _, amount in rows)
            draft = InvoiceDraft(
                tenant.id,
                [("Dashboard test", 1, total)],
                due_date=date(2010, 6, 1),
                issue_date=date(2010, 1, 1),
                tax_rule=tax,
            )
            invoice = create_invoice(draft, today=date(2010, 1, 1), actor_id=None)
            for paid_at, amount in rows:
                add_payment(
                    invoice.id,
                    method="transfer",
                    paid_at=paid_at,
                    amount=Decimal(amount),
                    reference="dash",
                    today=date.today(),
                    actor_id=None,
                )
            db.session.commit()
            return invoice.id

    return make


@pytest.fixture()
def clients_joined(app):
    from app.extensions import db
    from app.tenancy.context import all_tenants
    from app.tenancy.models import Tenant

    def make(days):
        with app.app_context(), all_tenants():
            for day in days:
                suffix = uuid.uuid4().hex[:8]
                db.session.add(
                    Tenant(
                        name=f"Dash Client {suffix}",
                        slug=f"dash-{suffix}",
                        joined_on=day,
                        created_at=datetime.combine(day, datetime.min.time()),
                        status="inactive",
                    )
                )
            db.session.commit()

    return make


@pytest.mark.parametrize("local", VENDOR_STAFF)
def test_each_card_equals_the_list_it_opens(app, local):
    client = signed_in(app, f"{local}@vendor.test")
    data = client.get("/vendor/home/data").json
    assert data["details"], local
    for key, card in data["details"].items():
        page = client.get(card["link"])
        assert page.status_code == 200, key
        html = page.get_data(as_text=True)
        if key.startswith("revenue"):
            shown = re.search(r'id="revenue-total">([^<]+)<', html).group(1)
            assert shown == card["value"], key
        else:
            assert record_count(html) == card["value"], key


def test_every_figure_follows_the_role(client_as):
    keys = {
        local: set(client_as(f"{local}@vendor.test").get("/vendor/home/data").json["cards"]) for local in VENDOR_STAFF
    }
    everything = {"active_clients", "new_clients", "revenue_month", "revenue_quarter", "open_tickets"}
    assert keys["admin"] == keys["viewer"] == everything
    assert keys["support"] == {"active_clients", "new_clients", "open_tickets"}
    assert keys["finance"] == {"active_clients", "new_clients", "revenue_month", "revenue_quarter"}
    support = client_as("support@vendor.test").get("/vendor/home/data?metric=revenue").json
    assert support["metric"] == "clients"


def test_home_page_for_every_vendor_role(client_as):
    for local in VENDOR_STAFF:
        page = client_as(f"{local}@vendor.test").get("/").get_data(as_text=True)
        assert 'id="dashboard-cards"' in page and 'id="recent-activity"' in page, local
        assert 'id="chart-growth"' in page and "<svg" in page, local


def test_tenant_users_cannot_open_the_vendor_home(client_as):
    assert client_as("owner@demo.test").get("/vendor/home/data").status_code in (302, 403)
    assert client_as("owner@demo.test").get("/billing/revenue/").status_code in (302, 403)


def test_revenue_month_and_quarter_at_wib_boundaries(app, payments, client_as):
    payments([(date(2011, 6, 30), 100), (date(2011, 7, 1), 250), (date(2011, 4, 1), 50), (date(2011, 3, 31), 7)])
    # 30 Jun 2011 17:30 UTC is already 1 Jul in WIB: July, Q3.
    _, cards = home_for(app, datetime(2011, 6, 30, 17, 30))
    month, quarter = cards["revenue_month"], cards["revenue_quarter"]
    assert (month.value, month.previous, month.change) == (Decimal(250), Decimal(100), 150.0)
    assert (quarter.value, quarter.previous, quarter.change) == (Decimal(250), Decimal(150), 66.7)
    assert month.args == {"paid_from": "2011-07-01", "paid_to": "2011-07-31"}
    # Half an hour earlier it is still 30 June WIB: June, Q2.
    _, cards = home_for(app, datetime(2011, 6, 30, 16, 30))
    assert cards["revenue_month"].value == Decimal(100) and cards["revenue_month"].previous == Decimal(0)
    assert cards["revenue_month"].change is None
    assert cards["revenue_quarter"].value == Decimal(150) and cards["revenue_quarter"].previous == Decimal(7)
    page = client_as("finance@vendor.test").get("/billing/revenue/?paid_from=2011-07-01&paid_to=2011-07-31")
    assert 'id="revenue-total">Rp 250<' in page.get_data(as_text=True)


def test_revenue_is_net_of_ppn_with_the_gross_beside_it(app, payments, client_as):
    from app.billing.invoice_rules import DEFAULT_TAX_RULE

    # Rp 1.000.000 + PPN 12% of 11/12 = Rp 1.110.000; half of it paid is Rp 500.000 of the vendor's revenue.
    payments([(date(2017, 5, 3), 555_000)], price=Decimal(1_000_000), tax=DEFAULT_TAX_RULE)
    _, cards = home_for(app, datetime(2017, 5, 20, 5, 0))
    assert cards["revenue_month"].value == Decimal(500_000) and cards["revenue_month"].gross == Decimal(555_000)
    finance = client_as("finance@vendor.test")
    home = finance.get("/vendor/home/data").json
    assert set(home["details"]) >= {"revenue_month"}
    page = finance.get("/billing/revenue/?paid_from=2017-05-01&paid_to=2017-05-31").get_data(as_text=True)
    assert 'id="revenue-total">Rp 500.000<' in page and 'id="revenue-gross">Rp 555.000<' in page


def test_quarter_across_the_year_change(app, payments):
    payments([(date(2012, 12, 31), 40), (date(2013, 1, 1), 60)])
    _, cards = home_for(app, datetime(2012, 12, 31, 17, 0))  # 1 Jan 2013 00:00 WIB
    assert cards["revenue_quarter"].value == Decimal(60) and cards["revenue_quarter"].previous == Decimal(40)
    assert cards["revenue_month"].value == Decimal(60) and cards["revenue_month"].previous == Decimal(40)


def test_new_clients_in_the_last_30_days(app, clients_joined, client_as):
    clients_joined([date(2014, 5, 1), date(2014, 5, 2), date(2014, 5, 31), date(2014, 6, 1)])
    _, cards = home_for(app, datetime(2014, 5, 31, 5, 0))
    card = cards["new_clients"]
    assert card.value == 2 and card.args == {"joined_from": "2014-05-02", "joined_to": "2014-05-31"}
    html = client_as("admin@vendor.test").get("/billing/clients/?joined_from=2014-05-02&joined_to=2014-05-31")
    assert record_count(html.get_data(as_text=True)) == 2


def test_growth_series_per_period(app, clients_joined, payments):
    clients_joined([date(2015, 1, 10), date(2015, 2, 3), date(2015, 2, 20)])
    payments([(date(2015, 2, 1), 10), (date(2015, 2, 28), 5), (date(2015, 3, 1), 1)])
    board, _ = home_for(app, datetime(2015, 3, 1, 5, 0), metric="clients", period="month")
    (jan, in_jan), (feb, by_feb), (mar, by_mar) = board.series[-3:]  # cumulative: earlier tests add clients too
    assert (jan, feb, mar) == (date(2015, 1, 1), date(2015, 2, 1), date(2015, 3, 1))
    assert by_feb - in_jan == 2 and by_mar == by_feb and in_jan >= 1
    board, _ = home_for(app, datetime(2015, 3, 1, 5, 0), metric="revenue", period="month")
    assert board.series[-2:] == [(date(2015, 2, 1), Decimal(15)), (date(2015, 3, 1), Decimal(1))]
    board, _ = home_for(app, datetime(2015, 3, 1, 5, 0), metric="revenue", period="week")
    assert len(board.series) == 12 and board.series[-1] == (date(2015, 2, 23), Decimal(6))
    board, _ = home_for(app, datetime(2015, 3, 1, 5, 0), metric="clients", period="year")
    assert [start.year for start, _ in board.series] == [2011, 2012, 2013, 2014, 2015]


def test_open_tickets_card_matches_the_open_filter(app, client_as):
    from app.extensions import db
    from app.helpdesk import queries
    from app.helpdesk.models import OPEN_STATUSES, Ticket
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        expected = db.session.execute(
            sa.select(sa.func.count()).select_from(Ticket).where(Ticket.status.in_(OPEN_STATUSES))
        ).scalar_one()
        assert queries.count(queries.TicketFilters(status=queries.OPEN)) == expected
    assert client_as("support@vendor.test").get("/vendor/home/data").json["cards"]["open_tickets"] == expected


def test_activity_feed_lists_payments_clients_and_links(app, payments, client_as):
    invoice_id = payments([(date(2016, 1, 1), 1234)])
    feed = client_as("admin@vendor.test").get("/vendor/home/data").json["feed"]
    assert feed and all(entry["at"].endswith("WIB") and entry["link"] for entry in feed)
    assert any(entry["link"].endswith(f"/billing/invoices/{invoice_id}") for entry in feed)
    support_feed = client_as("support@vendor.test").get("/vendor/home/data").json["feed"]
    assert not any(entry["kind"] == "payment" for entry in support_feed)


def test_feed_says_what_a_part_payment_leaves_outstanding(app, payments, client_as):
    invoice_id = payments([(date(2016, 2, 1), 100_000)], price=Decimal(331_890))
    feed = client_as("admin@vendor.test").get("/vendor/home/data").json["feed"]
    entry = next(entry for entry in feed if entry["link"].endswith(f"/billing/invoices/{invoice_id}"))
    assert "Rp 100.000" in entry["text"] and "Rp 231.890" in entry["text"]


def test_feed_notifications_are_broadcasts_whose_links_open(app, client_as):
    from app.extensions import db
    from app.notifications import services as notifications
    from app.tenancy.services import tenant_by_slug

    with app.app_context():
        demo = tenant_by_slug("demo").id
        broadcast = notifications.compose(
            title="Maintenance tonight",
            body=".",
            type_="pengumuman",
            target="chosen",
            client_type=None,
            tenant_ids=[demo],
            created_by=None,
        )
        notifications.fan_out(broadcast.id)
        system = notifications.notify_tenant(demo, title="Reminder only the client sees", body=".")
        db.session.commit()
        broadcast_id, system_id = broadcast.id, system.id
    admin = client_as("admin@vendor.test")
    feed = [entry for entry in admin.get("/vendor/home/data").json["feed"] if entry["kind"] == "notification"]
    assert any(entry["link"].endswith(f"/{broadcast_id}") for entry in feed)
    assert not any(entry["link"].endswith(f"/{system_id}") for entry in feed)
    for entry in feed:
        assert admin.get(entry["link"]).status_code == 200, entry


def test_bad_query_strings_fall_back_to_defaults(client_as):
    admin = client_as("admin@vendor.test")
    data = admin.get("/vendor/home/data?metric=x&period=decade").json
    assert (data["metric"], data["period"]) == ("clients", "month")
    assert admin.get("/billing/revenue/?paid_from=31-02-2026&paid_to=x&page=-4").status_code == 200
    assert admin.get("/billing/clients/?joined_from=nope").status_code == 200
    assert admin.get("/vendor/tickets/?status=open&page=abc").status_code == 200
    assert client_as("owner@demo.test").get("/dashboard/data?trend=bogus").json["trend"] == "7d"
    assert client_as("owner@demo.test").get("/shipments/?created_from=2026-13-01&group=x").status_code == 200


def test_feed_shows_new_tickets_to_those_who_work_them(db, create_tenant, create_ticket, client_as):
    ticket = create_ticket(create_tenant(), title="Resi tidak bisa dicetak")
    feed = client_as("support@vendor.test").get("/vendor/home/data").json["feed"]
    assert any(e["link"].endswith(f"/vendor/tickets/{ticket.id}") and ticket.number in e["text"] for e in feed)
    finance_feed = client_as("finance@vendor.test").get("/vendor/home/data").json["feed"]
    assert not any(e["link"].endswith(f"/vendor/tickets/{ticket.id}") for e in finance_feed)
