"""Clients the vendor can tell apart: no second client of the same name, the slug beside the name in pickers."""

from datetime import timedelta

import sqlalchemy as sa

from app.audit.services import record_event
from app.core.formatting import jakarta_today
from app.tenancy.models import Tenant
from tests.support.staff import in_indonesian

ADMIN = "admin@vendor.test"


def _form(name, email):
    return {"name": name, "client_type": "umkm", "email": email, "plan": "free", "contact_name": "Bu Sari"}


def test_a_second_client_of_the_same_name_is_refused_with_a_field_message(db, create_tenant, client_as):
    existing = create_tenant(name="Toko Bangunan Sumber Rejeki")
    answer = client_as(ADMIN).post("/billing/clients/new", data=_form("  toko bangunan  sumber REJEKI ", "a@b.test"))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "has-error" in page
    assert "already exists" in page or "sudah ada" in page
    same = sa.select(sa.func.count()).where(sa.func.lower(Tenant.name).like("%sumber rejeki%"))
    assert db.session.execute(same).scalar_one() == 1 and existing.id


def test_pickers_show_the_slug_beside_the_name(db, create_tenant, client_as):
    first = create_tenant(name="Koperasi Maju")
    second = create_tenant(name="Koperasi Maju ")  # created elsewhere (e.g. self-service) before the rule
    staff = client_as(ADMIN)
    for path in ("/billing/invoices/new", "/vendor/notifications/new"):
        page = staff.get(path).get_data(as_text=True)
        assert f"Koperasi Maju ({first.slug})" in page and f"({second.slug})" in page, path


def _listed(staff, query):
    return staff.get(f"/billing/clients/?{query}").get_data(as_text=True)


def test_overdue_is_derived_from_a_late_invoice_and_listed_under_jatuh_tempo(
    db, create_tenant, create_invoice, client_as
):
    late = create_tenant(name="Koperasi Telat Bayar")
    create_invoice(late, today=jakarta_today() - timedelta(days=17))  # issued 17 days ago, due 3 days ago, unpaid
    on_time = create_tenant(name="Koperasi Tepat Waktu")
    create_invoice(on_time, due_in_days=5)
    staff = client_as(ADMIN)
    overdue = _listed(staff, "status=overdue&q=Koperasi+Te")
    assert "Koperasi Telat Bayar" in overdue and "Koperasi Tepat Waktu" not in overdue
    active = _listed(staff, "status=active&q=Koperasi+Te")
    assert "Koperasi Tepat Waktu" in active and "Koperasi Telat Bayar" not in active
    detail = staff.get(f"/billing/clients/{late.id}").get_data(as_text=True)
    assert 'id="overdue-reasons"' in detail and "INV/" in detail.split('id="overdue-reasons"')[1][:300]


def test_filter_clients_with_something_due_within_n_days(db, create_tenant, create_invoice, client_as):
    soon = create_tenant(name="UMKM Jatuh Tempo Lima Hari")
    create_invoice(soon, due_in_days=5)
    staff = client_as(ADMIN)
    assert "UMKM Jatuh Tempo Lima Hari" in _listed(staff, "due_within=7&q=UMKM+Jatuh")
    assert "UMKM Jatuh Tempo Lima Hari" not in _listed(staff, "due_within=3&q=UMKM+Jatuh")
    assert staff.get("/billing/clients/?due_within=%C2%B2&status=bogus").status_code == 200


def _waived(db, tenant):
    db.session.refresh(tenant)  # the request wrote through a session of its own
    return tenant.overdue_waived_until


def test_staff_clear_a_derived_jatuh_tempo_until_a_date_with_a_reason_kept_in_the_history(
    db, create_tenant, create_invoice, client_as
):
    late = create_tenant(name="Koperasi Janji Bayar")
    create_invoice(late, today=jakarta_today() - timedelta(days=17))
    staff = client_as(ADMIN)
    until = jakarta_today() + timedelta(days=7)
    refused = staff.post(f"/billing/clients/{late.id}/clear-overdue", data={"until": until.isoformat(), "reason": ""})
    assert refused.status_code == 302 and _waived(db, late) is None
    too_far = (jakarta_today() + timedelta(days=120)).isoformat()
    staff.post(f"/billing/clients/{late.id}/clear-overdue", data={"until": too_far, "reason": "janji"})
    assert _waived(db, late) is None
    answer = staff.post(
        f"/billing/clients/{late.id}/clear-overdue",
        data={"until": until.isoformat(), "reason": "Janji bayar Jumat"},
    )
    assert answer.status_code == 302 and _waived(db, late) == until
    assert "Koperasi Janji Bayar" in _listed(staff, "status=active&q=Koperasi+Janji")
    assert "Koperasi Janji Bayar" not in _listed(staff, "status=overdue&q=Koperasi+Janji")
    detail = staff.get(f"/billing/clients/{late.id}").get_data(as_text=True)
    assert 'id="overdue-reasons"' not in detail and 'id="overdue-waived"' in detail
    history = detail.split('id="history"')[1] if 'id="history"' in detail else detail
    assert f"{until:%d/%m/%Y}: Janji bayar Jumat" in history and "Overdue cleared" not in history


def test_a_lapsed_waiver_shows_jatuh_tempo_again(db, create_tenant, create_invoice, client_as):
    late = create_tenant(name="Koperasi Janji Lewat")
    create_invoice(late, today=jakarta_today() - timedelta(days=17))
    late.overdue_waived_until = jakarta_today() - timedelta(days=1)
    db.session.flush()
    assert "Koperasi Janji Lewat" in _listed(client_as(ADMIN), "status=overdue&q=Koperasi+Janji+Lewat")


def test_status_changes_read_in_words_in_the_history(app, db, create_tenant):
    tenant = create_tenant(name="Koperasi Riwayat Status")
    staff = in_indonesian(app, ADMIN)
    staff.post(f"/billing/clients/{tenant.id}/status", data={"status": "inactive", "reason": "Tutup sementara"})
    record_event(db.session, "finance.request_approved", tenant_id=tenant.id, actor_id=None, summary="Servis")
    db.session.flush()
    detail = staff.get(f"/billing/clients/{tenant.id}").get_data(as_text=True)
    assert "Aktif → Nonaktif: Tutup sementara" in detail and "active -&gt; inactive" not in detail
    assert "finance.request_approved" not in detail  # the client's work inside the product is not its history
