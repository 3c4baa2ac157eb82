"""Clients the vendor can tell apart: no second client of the same name, the slug beside the name in pickers."""

import sqlalchemy as sa

from app.tenancy.models import Tenant

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
