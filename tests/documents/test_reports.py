"""Reports: figures per courier, type and marketing for a day, week or month; every row links to the
list showing exactly its shipments; the Excel export equals the table."""

import html as htmllib
import io
import re

import openpyxl
import pytest

from app.core import storage
from tests.conftest import login
from tests.support.jobs import run_here


def _table(html):
    rows = re.findall(
        r'<tr class="report-row">\s*<td>(?:<a href="([^"]+)" class="report-link">)?([^<]+)(?:</a>)?</td>\s*'
        r'<td class="text-right report-count">(\d+)</td>',
        html,
    )
    return [(htmllib.unescape(link) or None, label.strip(), int(count)) for link, label, count in rows]


def _listed(client, link):
    page = client.get(link + "&per_page=100").get_data(as_text=True)
    return re.findall(r'class="col-tracking"[^>]*>([^<]+)<', page)


@pytest.fixture()
def tenant_with_shipments(db, create_tenant, create_user, create_shipment):
    tenant = create_tenant()
    kurir = create_user(tenant, role="Kurir")
    marketing = create_user(tenant, role="Marketing")
    create_shipment(tenant, courier_id=kurir.id, marketing_id=marketing.id, shipment_type="pickup")
    create_shipment(tenant, courier_id=kurir.id, shipment_type="dropoff")
    create_shipment(tenant, marketing_id=marketing.id, shipment_type="pickup")
    create_shipment(tenant, shipment_type="pickup")
    create_shipment(tenant, draft=True)  # drafts are no shipments yet
    return tenant.email, kurir.email


@pytest.mark.parametrize("group", ["courier", "type", "marketing"])
@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_every_row_links_to_exactly_its_shipments(app, tenant_with_shipments, group, period):
    owner, _kurir = tenant_with_shipments
    client = login(app, owner)
    page = client.get(f"/reports/?period={period}&group={group}").get_data(as_text=True)
    rows = _table(page)
    assert sum(count for _link, _label, count in rows) == 4
    assert re.search(r'id="report-total-count">4<', page)
    for link, label, count in rows:
        if link is None:  # "not assigned": the list has no filter for it
            assert label == "Not assigned"
            continue
        assert len(_listed(client, link)) == count, (label, link)
    if group == "type":
        assert sorted((label, count) for _link, label, count in rows) == [("Drop-off", 1), ("Pickup", 3)]


def test_kurir_sees_only_its_shipments(app, tenant_with_shipments):
    _owner, kurir = tenant_with_shipments
    rows = _table(login(app, kurir).get("/reports/?group=type").get_data(as_text=True))
    assert sorted((label, count) for _link, label, count in rows) == [("Drop-off", 1), ("Pickup", 1)]


def test_bad_period_is_a_field_message(app, tenant_with_shipments):
    owner, _kurir = tenant_with_shipments
    response = login(app, owner).get("/reports/?period=year&date=2026-13-40&group=x")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert all(f'id="error-{field}"' in page for field in ("period", "date", "group"))


def test_report_export_equals_the_table(app, tenant_with_shipments):

    owner, _kurir = tenant_with_shipments
    client = login(app, owner)
    rows = _table(client.get("/reports/?period=month&group=type").get_data(as_text=True))
    response = client.post("/reports/export", data={"period": "month", "group": "type", "date": ""})
    run_id = re.search(r"/labels/job/([0-9a-f-]+)", response.headers["Location"]).group(1)
    run = run_here(run_id)
    assert run.state == "done", run.message
    sheet = openpyxl.load_workbook(io.BytesIO(storage.read(run.result_path))).active
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(label, count) for label, count, _kg, _rp in values] == [(label, count) for _l, label, count in rows] + [
        ("Total", 4)
    ]
    assert all(isinstance(kg, (int, float)) and isinstance(rp, int) for _label, _count, kg, rp in values)
    assert values[-1][2] == pytest.approx(sum(row[2] for row in values[:-1]))
