"""Employee statistics (spec §5): every number on the statistics tab links to the shipment list filtered to
exactly the rows it counts, for each period (today, 7 days, this month, chosen dates, in WIB)."""

import html
import re
from datetime import timedelta

import pytest

from app.core.formatting import jakarta_today
from app.tenancy.context import tenant_scope
from app.tenancy.models import utcnow
from tests.conftest import login, tenant_host

LINK = re.compile(r'<a href="([^"]+)" class="stat-link">([^<]+)</a>')


def _rows_listed(client, href: str) -> int:
    page = client.get(href)
    assert page.status_code == 200
    return page.get_data(as_text=True).count('id="shipment-row-')


def _figures(client, url: str) -> dict[str, list[tuple[str, str]]]:
    """Per table row id ("courier-12"): its (link, text) figures, in column order."""
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    text = page.get_data(as_text=True)
    rows = re.findall(r'<tr id="((?:courier|marketing)-\d+)"[^>]*>(.*?)</tr>', text, re.S)
    return {row_id: [(html.unescape(href), value) for href, value in LINK.findall(cells)] for row_id, cells in rows}


@pytest.fixture()
def team(app, db, create_tenant, create_user, create_shipment):
    """Two couriers (one no longer active), a marketing person, shipments of today in every status group, one
    of last week, one of 40 days ago, one nobody is assigned to."""
    tenant = create_tenant(plan="business")
    budi, eko = create_user(tenant, "Kurir", first_name="Budi"), create_user(tenant, "Kurir", first_name="Eko")
    sari = create_user(tenant, "Marketing", first_name="Sari")
    people = {"courier_id": budi.id, "marketing_id": sari.id}
    made = [create_shipment(tenant, **people) for _ in range(4)]
    made += [create_shipment(tenant, **people), create_shipment(tenant, **people)]
    made += [create_shipment(tenant, courier_id=eko.id), create_shipment(tenant)]
    with tenant_scope(tenant.id, None):
        for shipment, status in zip(made[:4], ("delivered", "failed", "in_transit", "out_for_delivery"), strict=True):
            shipment.status = status
        made[4].created_at = utcnow() - timedelta(days=3)
        made[5].created_at = utcnow() - timedelta(days=40)
        made[6].status = "delivered"
        eko.active = False
        db.session.commit()
    return tenant, budi, eko, sari


PERIODS = ["period=today", "period=7d", "period=month", "period=custom&from={first}&to={last}"]


@pytest.mark.parametrize("period", PERIODS)
def test_every_figure_equals_the_count_of_the_list_it_links_to(app, team, period):
    tenant, budi, eko, sari = team
    today = jakarta_today()
    query = period.format(first=(today - timedelta(days=60)).isoformat(), last=today.isoformat())
    client = login(app, tenant.email, host=tenant_host(tenant.slug))
    figures = _figures(client, f"/employees/statistics?{query}")
    assert set(figures) == {f"courier-{budi.id}", f"courier-{eko.id}", f"marketing-{sari.id}"}
    for row_id, row in figures.items():
        counts = row if row_id.startswith("courier") else row[:1]  # weight and fees: the same rows as the count
        for href, value in counts:
            assert href.startswith("/shipments/?")
            assert _rows_listed(client, href) == int(value), (row_id, href)
        if row_id.startswith("marketing"):
            assert {href for href, _value in row} == {row[0][0]}


def test_today_counts_each_status_group_and_the_inactive_courier(app, team):
    tenant, budi, eko, sari = team
    client = login(app, tenant.email, host=tenant_host(tenant.slug))
    figures = _figures(client, "/employees/statistics?period=today")
    assert [value for _href, value in figures[f"courier-{budi.id}"]] == ["4", "1", "1", "2"]
    assert [value for _href, value in figures[f"courier-{eko.id}"]] == ["1", "1", "0", "0"]
    assert figures[f"marketing-{sari.id}"][0][1] == "4" and "Rp" in figures[f"marketing-{sari.id}"][2][1]
    custom = _figures(client, f"/employees/statistics?period=custom&from=2020-01-01&to={jakarta_today()}")
    assert custom[f"courier-{budi.id}"][0][1] == "6"


def test_bad_dates_get_a_field_message(app, team):
    tenant, *_people = team
    client = login(app, tenant.email, host=tenant_host(tenant.slug))
    page = client.get("/employees/statistics?period=custom&from=2026-02-30&to=2026-03-01")
    assert page.status_code == 422 and 'id="error-from"' in page.get_data(as_text=True)
    backwards = client.get("/employees/statistics?period=custom&from=2026-03-02&to=2026-03-01")
    assert backwards.status_code == 422 and 'id="error-to"' in backwards.get_data(as_text=True)


def test_the_list_says_which_marketing_person_it_is_narrowed_to(app, team):
    """The statistics link to the list filtered by marketing person, which has no control of its own: the
    filter is named (and kept by the search form) instead of narrowing the list unseen."""
    tenant, budi, eko, sari = team
    client = login(app, tenant.email, host=tenant_host(tenant.slug))
    page = client.get(f"/shipments/?marketing={sari.id}").get_data(as_text=True)
    assert 'id="card-filter"' in page and "Sari" in page.split('id="card-filter"')[1].split("</span>")[0]
    assert f'name="marketing" value="{sari.id}"' in page
    inactive = client.get(f"/shipments/?courier={eko.id}").get_data(as_text=True)
    assert f'<option value="{eko.id}" selected>Eko' in inactive
