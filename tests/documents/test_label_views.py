"""Printing labels as a user: preview, one PDF, bulk printing through a job (row rules apply), and the
tenant's default design and size."""

import re

from app.core import storage
from app.logistics.settings.services import get_settings
from tests.conftest import login
from tests.documents.scan import scan_pages
from tests.support.jobs import run_here


def _codes(pdf: bytes) -> list[list[str]]:
    return [sorted(text for kind, text in page if kind == "CODE-128") for page in scan_pages(pdf)]


def test_preview_shows_the_pdf_inline_and_every_print_may_choose(app, db, create_tenant, create_shipment):
    tenant = create_tenant()
    shipment = create_shipment(tenant)
    client = login(app, tenant.email)
    html = client.get(f"/labels/{shipment.id}?template=compact&size=a4_4").get_data(as_text=True)
    assert f'src="/labels/{shipment.id}/pdf?template=compact&amp;size=a4_4"' in html
    response = client.get(f"/labels/{shipment.id}/pdf?template=detailed&size=thermal")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert _codes(response.data) == [[shipment.tracking_number]]


def test_unknown_design_or_size_is_a_field_message(app, db, create_tenant, create_shipment):
    tenant = create_tenant()
    shipment = create_shipment(tenant)
    client = login(app, tenant.email)
    response = client.get(f"/labels/{shipment.id}?template=fancy&size=a3")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-template"' in html and 'id="error-size"' in html
    assert client.get(f"/labels/{shipment.id}/pdf?size=a3").status_code == 422


def test_tenant_default_design_and_size_are_used_and_validated(app, db, create_tenant, create_shipment):
    tenant = create_tenant()
    rows = [create_shipment(tenant) for _ in range(3)]
    client = login(app, tenant.email)
    assert client.post("/settings/labels/", data={"label_template": "compact", "label_size": "a4_2"}).status_code == 302
    settings = get_settings(tenant.id)
    assert (settings.label_template, settings.label_size) == ("compact", "a4_2")
    pdf = client.get(f"/labels/{rows[0].id}/pdf").data
    assert len(_codes(pdf)) == 1
    client.post("/settings/labels/", data={"label_template": "nope", "label_size": "a4_4"})
    db.session.expire_all()
    assert get_settings(tenant.id).label_size == "a4_2"  # nothing written


def _bulk(client, **form):
    response = client.post("/labels/bulk", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/labels/job/([0-9a-f-]+)", response.headers["Location"])
    return match.group(1) if match else None


def _run_pdf(run_id) -> bytes:
    run = run_here(run_id)
    assert run.state == "done", run.message
    return storage.read(run.result_path)


def test_bulk_prints_selected_shipments_four_per_a4_page(app, db, create_tenant, create_shipment):
    tenant = create_tenant()
    rows = [create_shipment(tenant) for _ in range(6)]
    numbers = sorted(row.tracking_number for row in rows)
    client = login(app, tenant.email)
    run_id = _bulk(client, ids=[row.id for row in rows], template="standard", size="a4_4")
    page = client.get(f"/labels/job/{run_id}")
    assert page.status_code == 200 and 'id="label-job-bar"' in page.get_data(as_text=True)
    pages = _codes(_run_pdf(run_id))
    assert [len(codes) for codes in pages] == [4, 2]
    assert sorted(sum(pages, [])) == numbers
    assert client.get(f"/jobs/{run_id}/download").status_code == 200


def test_kurir_bulk_prints_only_its_own_shipments(app, db, create_tenant, create_user, create_shipment):
    tenant = create_tenant()
    kurir = create_user(tenant, role="Kurir")
    mine = [create_shipment(tenant, courier_id=kurir.id) for _ in range(2)]
    theirs = create_shipment(tenant)
    numbers, theirs_id, owner_email = sorted(row.tracking_number for row in mine), theirs.id, tenant.email
    client = login(app, kurir.email)
    run_id = _bulk(client, ids=[row.id for row in [*mine, theirs]], size="a4_2")
    assert sorted(sum(_codes(_run_pdf(run_id)), [])) == numbers
    # "all matching this filter" is the Kurir's list too
    run_id = _bulk(client, all="1", list_args="tab=active", size="a4_2")
    assert sorted(sum(_codes(_run_pdf(run_id)), [])) == numbers
    # someone else's shipment alone: nothing to print, a message, no job
    assert _bulk(client, ids=[theirs_id]) is None
    assert client.get(f"/labels/{theirs_id}/pdf").status_code == 404
    # the owner cannot open the Kurir's print job
    assert login(app, owner_email).get(f"/jobs/{run_id}/download").status_code == 404
