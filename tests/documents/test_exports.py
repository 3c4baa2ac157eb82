"""The shipment list's Excel export: reopened with openpyxl, it equals the list it came from (same
filter, same row rules), with Indonesian headers, Rupiah and kg as numbers, dates in WIB."""

import io
import re

import openpyxl

from app.core import storage
from app.core.formatting import to_jakarta
from app.logistics.documents.exports import KG, RUPIAH, WIB
from tests.conftest import login
from tests.support.jobs import run_here


def _export(app, client, list_args):

    response = client.post("/labels/export", data={"list_args": list_args})
    assert response.status_code == 302
    run_id = re.search(r"/labels/job/([0-9a-f-]+)", response.headers["Location"]).group(1)
    run = run_here(run_id)
    assert run.state == "done", run.message
    assert client.get(f"/jobs/{run_id}/download").status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(storage.read(run.result_path))).active
    return list(sheet.iter_rows(values_only=True)), list(sheet.iter_rows(min_row=2, max_row=2))


def _listed(client, list_args):
    html = client.get(f"/shipments/?per_page=100&{list_args}").get_data(as_text=True)
    return re.findall(r'class="col-tracking"[^>]*>([^<]+)<', html)


def test_export_equals_the_filtered_list(app, db, create_tenant, create_user, create_shipment):
    tenant = create_tenant()
    kurir = create_user(tenant, role="Kurir")
    rows = [
        create_shipment(
            tenant, shipment_type="pickup", courier_id=kurir.id, discount_type="percent", discount_value="10"
        ),
        create_shipment(tenant, shipment_type="dropoff"),
        create_shipment(tenant, shipment_type="pickup", receiver_name="Rina Marlina"),
    ]
    expected = {
        row.tracking_number: (
            to_jakarta(row.created_at).replace(tzinfo=None, microsecond=0),
            row.receiver_name,
            float(row.total_weight),
            float(row.chargeable_weight),
            int(row.total_cost),
            int(row.discount_amount),
        )
        for row in rows
    }
    email, kurir_email, kurir_number = tenant.email, kurir.email, rows[0].tracking_number
    client = login(app, email)
    table, first_cells = _export(app, client, "tab=active&type=pickup")
    header, data = table[0], table[1:]
    assert header[:5] == ("Tracking number", "Date (WIB)", "Status", "Type", "Sender")
    listed = _listed(client, "tab=active&type=pickup")
    assert [row[0] for row in data] == listed and len(listed) == 2
    column = {name: index for index, name in enumerate(header)}
    for row in data:
        created, receiver, actual, chargeable, total, discount = expected[row[0]]
        assert row[column["Date (WIB)"]].replace(microsecond=0, second=0) == created.replace(second=0)
        assert row[column["Receiver"]] == receiver
        assert (row[column["Actual weight"]], row[column["Chargeable weight"]]) == (actual, chargeable)
        assert (row[column["Total cost"]], row[column["Discount"]]) == (total, discount)
        assert row[column["Items"]] == "Buku x2; Sepatu x1"
    formats = {header[index]: cell.number_format for index, cell in enumerate(first_cells[0])}
    assert formats["Total cost"] == RUPIAH and formats["Actual weight"] == KG and formats["Date (WIB)"] == WIB

    # a Kurir's export is its own list
    kurir_client = login(app, kurir_email)
    table, _cells = _export(app, kurir_client, "tab=active")
    assert [row[0] for row in table[1:]] == _listed(kurir_client, "tab=active") == [kurir_number]
