"""Reports: figures per courier, type and marketing for a day, week or month; the courier performance
(each courier's shipments by status, fees and what was collected); every row and status figure links to
the list showing exactly its shipments; the Excel export equals the table the page shows."""

import html as htmllib
import re

import pytest

from app.core.formatting import jakarta_today
from app.logistics.documents.exports import KG, RUPIAH
from tests.conftest import login
from tests.support.jobs import exported_sheet


def _table(html):
    rows = re.findall(
        r'<tr class="report-row">\s*<td>(?:<a href="([^"]+)" class="report-link">)?([^<]+)(?:</a>)?</td>\s*'
        r'<td class="[^"]*report-count">(\d+)</td>',
        html,
    )
    return [(htmllib.unescape(link) or None, label.strip(), int(count)) for link, label, count in rows]


def _cells(html) -> list[list[tuple[str, str | None]]]:
    """Every row of the report table (body and total) as (text, link) per cell, as the page shows it."""
    table = html[html.index('id="report-table"') : html.index("</table>")]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table[table.index("<tbody>") :], re.S):
        cells = []
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S):
            link = re.search(r'href="([^"]+)"', cell)
            text = htmllib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            cells.append((text, htmllib.unescape(link.group(1)) if link else None))
        rows.append(cells)
    return rows


def _exported(client, form):
    return exported_sheet(client, client.post("/reports/export", data=form))


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
    sheet = _exported(client, {"period": "month", "group": "type", "date": ""})
    values = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[1]) for row in values] == [(label, count) for _l, label, count in rows] + [("Total", 4)]
    assert all(isinstance(kg, (int, float)) and isinstance(rp, int) for _label, _count, kg, rp, *_ in values)
    assert values[-1][2] == pytest.approx(sum(row[2] for row in values[:-1]))


@pytest.fixture()
def couriers_at_work(db, create_tenant, create_user, create_shipment):
    """Kurir Andi: delivered, failed, in transit (picked up) and one not yet moving; Kurir Budi: delivered;
    one shipment without a courier. Andi's delivered one is marked paid."""
    from app.logistics.finance.services import mark_paid
    from app.logistics.shipments.services import update_status
    from app.tenancy.context import tenant_scope
    from app.tenancy.models import utcnow
    from tests.support.factories import owner_of

    tenant = create_tenant(plan="business")
    andi = create_user(tenant, role="Kurir", first_name="Andi", last_name="Kurniawan")
    budi = create_user(tenant, role="Kurir", first_name="Budi", last_name="Santoso")
    owner = owner_of(tenant)
    statuses = (("delivered", andi), ("failed", andi), ("picked_up", andi), (None, andi), ("delivered", budi))
    paid = None
    with tenant_scope(tenant.id, owner.id):
        for status, kurir in statuses:
            shipment = create_shipment(tenant, courier_id=kurir.id)
            if status:
                update_status(owner, [shipment], status, utcnow())
            paid = paid or shipment
        create_shipment(tenant)
        mark_paid(tenant, owner, [paid.id], paid_on=jakarta_today().isoformat(), method="tunai")
    return tenant.email, andi, budi, int(paid.total_cost)


def _number(text: str):
    return int(re.sub(r"[^0-9]", "", text))


def test_courier_performance_counts_each_couriers_shipments_by_status(app, couriers_at_work):
    owner, andi, budi, paid = couriers_at_work
    client = login(app, owner)
    page = client.get("/reports/couriers").get_data(as_text=True)
    assert 'id="report-group"' not in page  # one row per courier: nothing to group by
    headers = re.findall(r"<th[^>]*>([^<]+)</th>", page[page.index("<thead>") : page.index("</thead>")])
    assert headers == ["Courier", "Shipments", "Delivered", "Failed", "In transit", "Total weight", "Fees", "Collected"]
    rows = {cells[0][0]: cells for cells in _cells(page)}
    figures = {label: [_number(text) for text, _link in cells[1:5]] for label, cells in rows.items()}
    assert figures[andi.get_full_name()] == [4, 1, 1, 1]
    assert figures[budi.get_full_name()] == [1, 1, 0, 0]
    assert figures["Not assigned"] == [1, 0, 0, 0]
    assert figures["Total"] == [6, 2, 1, 1]
    assert _number(rows[andi.get_full_name()][7][0]) == paid and _number(rows["Total"][7][0]) == paid
    for text, link in rows[andi.get_full_name()][2:5]:  # each status figure links to exactly its shipments
        assert len(_listed(client, link)) == int(text), link
    assert rows["Not assigned"][2][1] is None


def test_courier_performance_export_equals_the_screen(app, couriers_at_work):
    from app.core.formatting import kilograms, rupiah

    owner, _andi, _budi, _paid = couriers_at_work
    client = login(app, owner)
    page = client.get("/reports/couriers").get_data(as_text=True)
    shown = [[text for text, _link in cells] for cells in _cells(page)]
    sheet = _exported(client, {"view": "couriers", "period": "month", "date": ""})
    header, *rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert header == ("Courier", "Shipments", "Delivered", "Failed", "In transit", "Total weight", "Fees", "Collected")
    as_shown = [
        [label, *(str(count) for count in counts), kilograms(weight), rupiah(fees), rupiah(collected)]
        for label, *counts, weight, fees, collected in rows
    ]
    assert as_shown == shown
    assert all(isinstance(value, (int, float)) for row in rows for value in row[1:])
    formats = [cell.number_format for cell in next(sheet.iter_rows(min_row=3, max_row=3))]
    assert formats[1:] == ["#,##0"] * 4 + [KG, RUPIAH, RUPIAH]


def test_a_kurir_sees_its_own_performance_without_the_payments(app, couriers_at_work):
    _owner, andi, _budi, _paid = couriers_at_work
    client = login(app, andi.email)
    page = client.get("/reports/couriers?period=week").get_data(as_text=True)
    assert "Collected" not in page
    assert [cells[0][0] for cells in _cells(page)] == [andi.get_full_name(), "Total"]
    sheet = _exported(client, {"view": "couriers", "period": "week", "date": ""})
    assert list(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[0][-1] == "Fees"
