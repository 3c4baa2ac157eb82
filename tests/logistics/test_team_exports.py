"""The activity log's filters (person, action, object type, WIB dates) and its Excel export, and the
employee list's Excel export: jobs with a progress page, Indonesian headers, WIB times."""

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import openpyxl
import pytest
import sqlalchemy as sa

from app.core import storage
from app.core.formatting import jakarta_today
from app.jobs.models import JobRun
from app.jobs.queue import execute
from app.security.models import TenantUser
from app.tenancy.context import all_tenants
from tests.conftest import login, tenant_host
from tests.support.factories import PASSWORD


def _employee(role, name, email, **extra) -> dict:
    return {"role": role, "name": name, "phone": "0812 3456 7890", "email": email, "active": "1",
            "password": PASSWORD, "plate_number": "B 1234 XYZ", "address": "Jl. Merdeka 1", **extra}  # fmt: skip


def _export(app, client, url: str, data: dict) -> list[tuple]:
    """POST the export, follow it to its progress page, run the job (as the product's default language,
    Indonesian, writes it), download the workbook: its rows."""
    from flask_babel import force_locale

    from app.extensions import db

    response = client.post(url, data=data)
    assert response.status_code == 302
    progress = response.headers["Location"]
    run_id = re.search(r"/jobs/([0-9a-f-]+)/progress", progress).group(1)
    page = client.get(progress)
    assert page.status_code == 200 and 'id="label-job-bar"' in page.get_data(as_text=True)
    with app.test_request_context(), force_locale("id"):
        execute(run_id)
    db.session.expire_all()
    with all_tenants():
        run = db.session.execute(sa.select(JobRun).where(JobRun.id == run_id)).scalar_one()
    assert run.state == "done", run.message
    assert client.get(f"/jobs/{run_id}/download").status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(storage.read(run.result_path))).active.iter_rows(values_only=True))


@pytest.fixture()
def logged(app, db, create_tenant, create_shipment):
    """A new tenant whose Super Admin added a courier, who then delivered a shipment."""
    tenant = create_tenant(plan="business")
    owner = login(app, tenant.email, host=tenant_host(tenant.slug))
    email = f"budi@{tenant.slug}.example"
    assert owner.post("/employees/new", data=_employee("Kurir", "Budi Santoso", email)).status_code == 302
    with all_tenants():
        budi = db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one()
    shipment = create_shipment(tenant, courier_id=budi.id)
    db.session.commit()
    phone = login(app, budi.email, host=tenant_host(tenant.slug))
    assert phone.post(f"/courier/{shipment.id}/status", data={"set_delivered": "1"}).status_code == 302
    owner.get("/lang/id")
    # plain values: running a job ends the session its rows came from
    number = shipment.tracking_number
    return SimpleNamespace(slug=tenant.slug, owner=owner, budi_id=budi.id, budi_email=budi.email, number=number)


def _lines(client, query: str) -> str:
    page = client.get(f"/activity/list/?{query}")
    assert page.status_code == 200, page.status_code
    return page.get_data(as_text=True)


def test_the_activity_log_filters_by_person_action_object_and_date(logged):
    owner = logged.owner
    status_line = f"Budi Santoso mengubah status {logged.number} menjadi Terkirim"
    added_line = "Pemilik Uji menambah pegawai Budi Santoso"
    everything = _lines(owner, "")
    assert status_line in everything and added_line in everything
    by_budi = _lines(owner, f"actor={logged.budi_id}")
    assert status_line in by_budi and added_line not in by_budi
    added = _lines(owner, "action=employee_added")
    assert added_line in added and status_line not in added
    statuses = _lines(owner, "entity_type=ShipmentStatusEvent")
    assert status_line in statuses and added_line not in statuses
    today = jakarta_today()
    assert status_line in _lines(owner, f"date_from={today}&date_to={today}")
    tomorrow = _lines(owner, f"date_from={today + timedelta(days=1)}")
    assert status_line not in tomorrow and 'id="activity-empty"' in tomorrow
    for raw in ("employee_added", "ShipmentStatusEvent<", ">create<"):
        assert raw not in everything.split('id="activity-table"')[1]


def test_a_bad_date_gets_a_field_message(logged):
    page = logged.owner.get("/activity/list/?date_from=2026-13-01")
    assert page.status_code == 422 and 'id="error-date_from"' in page.get_data(as_text=True)


def test_the_activity_export_holds_the_filtered_lines_in_wib_with_indonesian_headers(app, logged):
    rows = _export(app, logged.owner, "/activity/export", {"actor": str(logged.budi_id)})
    header, lines = rows[0], rows[1:]
    assert header[:3] == ("Waktu (WIB)", "Oleh", "Aktivitas")
    assert f"Budi Santoso mengubah status {logged.number} menjadi Terkirim" in [line[2] for line in lines]
    assert "Budi Santoso masuk" in [line[2] for line in lines]  # his sign-in; nobody else's lines
    assert {line[1] for line in lines} == {"Budi Santoso"} and lines[0][0].date() == jakarta_today()


def test_the_vendor_activity_log_filters_and_exports_with_the_same_code(app, db, client_as):
    admin = client_as("admin@vendor.test")
    page = admin.get("/vendor/activity/list/?action=create")
    assert page.status_code == 200 and 'id="filter-actor"' in page.get_data(as_text=True)
    rows = _export(app, admin, "/vendor/activity/export", {"action": "create"})
    assert rows[0][:3] == ("Waktu (WIB)", "Perusahaan", "Oleh")


def test_the_employee_export_lists_a_tabs_employees(app, logged):
    owner = logged.owner
    owner.post("/employees/new", data=_employee("Marketing", "Sari Dewi", f"sari@{logged.slug}.example"))
    rows = _export(app, owner, "/employees/export", {"role": "Kurir"})
    assert rows[0] == ("Nama", "Peran", "Telepon", "Email", "Plat nomor", "Alamat", "Status", "Terakhir masuk")
    budi = ("Budi Santoso", "Kurir", "0812-3456-7890", logged.budi_email, "B 1234 XYZ")
    assert [row[:5] for row in rows[1:]] == [budi]
    everyone = _export(app, owner, "/employees/export", {"role": ""})
    assert {row[0] for row in everyone[1:]} == {"Budi Santoso", "Sari Dewi"}
