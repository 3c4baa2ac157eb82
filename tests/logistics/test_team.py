"""Menu "Pegawai" and "Pengguna" (spec §5, §9): a new tenant adds its own couriers and marketing people,
within its plan's account quota; deactivated accounts leave the pickers and cannot sign in; accounts
named on shipments are deactivated, not deleted; the last Super Admin stays."""

import pytest
import sqlalchemy as sa

from app.core.validation import FieldError
from app.logistics.team import services
from app.logistics.team.models import EmployeeProfile
from app.security.models import TenantUser
from app.tenancy.context import tenant_scope
from tests.conftest import login, tenant_host
from tests.support.factories import PASSWORD, owner_of


def _employee(role="Kurir", **changes) -> dict:
    form = {
        "role": role,
        "name": f"Budi {role}",
        "phone": "0812 3456 7890",
        "email": f"{role.lower()}-{id(changes)}@team.example",
        "plate_number": "B 1234 XYZ",
        "address": "Jl. Merdeka 1",
        "active": "1",
        "password": PASSWORD,
    }
    return {**form, **changes}


def _user(email):
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with all_tenants():
        return db.session.execute(sa.select(TenantUser).where(TenantUser.email == email)).scalar_one_or_none()


def _signs_in(app, tenant, email) -> bool:
    client = login(app, email, host=tenant_host(tenant.slug))
    return client.get("/shipments/").status_code == 200


@pytest.fixture()
def new_tenant(app, db, create_tenant):
    """A newly registered Free tenant (3 accounts; today is its plan's first day) and its signed-in Super Admin."""
    tenant = create_tenant(plan="free")
    db.session.commit()
    return tenant, login(app, tenant.email, host=tenant_host(tenant.slug))


def test_free_plan_third_account_is_accepted_and_fourth_refused_on_the_first_day(new_tenant, db):
    tenant, owner = new_tenant
    assert tenant.user_quota == 3
    assert owner.post("/employees/new", data=_employee("Kurir", email="k1@team.example")).status_code == 302
    assert owner.post("/employees/new", data=_employee("Marketing", email="m1@team.example")).status_code == 302
    refused = owner.post("/employees/new", data=_employee("Kurir", email="k2@team.example"))
    assert refused.status_code == 422
    assert "3" in refused.get_data(as_text=True) and 'id="error-quota"' in refused.get_data(as_text=True)
    assert _user("k2@team.example") is None
    kurir = _user("k1@team.example")
    assert services.role_of(kurir) == "Kurir" and kurir.phone == "+6281234567890"
    with tenant_scope(tenant.id, None):
        profile = db.session.execute(sa.select(EmployeeProfile).where(EmployeeProfile.user_id == kurir.id)).scalar_one()
    assert profile.plate_number == "B 1234 XYZ" and profile.tenant_id == tenant.id


def test_bad_input_gets_field_messages_and_writes_nothing(new_tenant):
    _tenant, owner = new_tenant
    page = owner.post("/employees/new", data=_employee(phone="12345", email="not-an-email", plate_number="", name=""))
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    for field in ("phone", "email", "plate_number", "name"):
        assert f'id="error-{field}"' in text
    assert _user("not-an-email") is None


def test_deactivated_courier_leaves_the_picker_and_cannot_sign_in(app, new_tenant):
    tenant, owner = new_tenant
    owner.post("/employees/new", data=_employee("Kurir", name="Kurir Cepat", email="cepat@team.example"))
    kurir = _user("cepat@team.example")
    option = f'<option value="{kurir.id}" >Kurir Cepat</option>'
    assert option in owner.get("/shipments/new").get_data(as_text=True)
    assert _signs_in(app, tenant, "cepat@team.example")

    assert owner.post(f"/employees/{kurir.id}/active", data={"active": "0"}).status_code == 302
    assert option not in owner.get("/shipments/new").get_data(as_text=True)
    assert not _signs_in(app, tenant, "cepat@team.example")


def test_account_named_on_a_shipment_is_not_deleted_but_an_unused_one_is(new_tenant, db, create_shipment):
    tenant, owner = new_tenant
    owner.post("/employees/new", data=_employee("Kurir", email="busy@team.example"))
    owner.post("/employees/new", data=_employee("Marketing", email="idle@team.example"))
    busy, idle = _user("busy@team.example"), _user("idle@team.example")
    create_shipment(tenant, courier_id=busy.id)
    db.session.commit()

    refused = owner.post(f"/employees/{busy.id}/delete", follow_redirects=True)
    assert _user("busy@team.example") is not None
    assert "deactivate" in refused.get_data(as_text=True).lower() or "nonaktif" in refused.get_data(as_text=True)
    assert owner.post(f"/employees/{idle.id}/delete").status_code == 302
    assert _user("idle@team.example") is None


def test_only_a_super_admin_adds_admins(app, new_tenant, create_user, db):
    tenant, owner = new_tenant
    admin = create_user(tenant, "Admin")
    db.session.commit()
    as_admin = login(app, admin.email, host=tenant_host(tenant.slug))
    refused = as_admin.post("/employees/new", data=_employee("Admin", email="a2@team.example"))
    assert refused.status_code == 422 and 'id="error-role"' in refused.get_data(as_text=True)
    assert _user("a2@team.example") is None
    assert owner.post("/employees/new", data=_employee("Admin", email="a2@team.example")).status_code == 302


def test_viewer_reads_employees_without_buttons_and_not_the_users_page(app, new_tenant, create_user, db):
    tenant, owner = new_tenant
    viewer = create_user(tenant, "Viewer")
    owner_page = owner.get("/employees/").get_data(as_text=True)
    assert 'id="btn-add-kurir"' in owner_page
    db.session.commit()
    as_viewer = login(app, viewer.email, host=tenant_host(tenant.slug))
    page = as_viewer.get("/employees/")
    assert page.status_code == 200 and 'id="btn-add-kurir"' not in page.get_data(as_text=True)
    assert as_viewer.get("/team/users/").status_code == 403


def test_the_last_active_super_admin_is_neither_demoted_nor_deactivated(new_tenant, create_user):
    tenant, _client = new_tenant
    owner = owner_of(tenant)
    admin = create_user(tenant, "Admin")
    second = create_user(tenant, "Super Admin", active=False)
    with tenant_scope(tenant.id, owner.id):
        with pytest.raises(FieldError, match="last active Super Admin"):
            services.change_role(tenant, owner, owner, "Admin")
        with pytest.raises(FieldError, match="last active Super Admin"):
            services.set_user_active(tenant, admin, owner, False)
        services.set_user_active(tenant, owner, second, True)
        services.change_role(tenant, second, owner, "Admin")  # another active Super Admin remains
        assert services.role_of(owner) == "Admin"


def test_super_admin_changes_roles_on_the_users_page(app, new_tenant, create_user, db):
    tenant, owner = new_tenant
    viewer = create_user(tenant, "Viewer")
    db.session.commit()
    page = owner.get("/team/users/").get_data(as_text=True)
    assert viewer.email in page
    assert owner.post(f"/team/users/{viewer.id}/role", data={"role": "Kurir"}).status_code == 302
    assert services.role_of(_user(viewer.email)) == "Kurir"
    owner_id = owner_of(tenant).id
    owner.post(f"/team/users/{owner_id}/role", data={"role": "Viewer"})
    assert services.role_of(_user(tenant.email)) == "Super Admin"
    assert owner.post(f"/team/users/{viewer.id}/role", data={"role": "Vendor Admin"}).status_code == 302
    assert services.role_of(_user(viewer.email)) == "Kurir"


def test_the_profile_page_speaks_indonesian(new_tenant):
    _tenant, owner = new_tenant
    owner.get("/lang/id")
    text = owner.get("/users/userinfo/").get_data(as_text=True)
    for raw in ("True", "None", "[Super Admin]", "Login Count", "First Name", "Active"):
        assert raw not in text
    assert "Aktif" in text and "Jumlah masuk" in text and "Super Admin" in text


def test_a_courier_lands_on_its_cards_and_sets_a_status_with_one_tap(app, new_tenant, create_user, create_shipment, db):
    tenant, owner = new_tenant
    kurir, other = create_user(tenant, "Kurir"), create_user(tenant, "Kurir")
    mine = create_shipment(tenant, courier_id=kurir.id, receiver_phone="0812-1111-2222")
    theirs = create_shipment(tenant, courier_id=other.id)
    db.session.commit()
    phone = login(app, kurir.email, host=tenant_host(tenant.slug))

    home = phone.get("/").get_data(as_text=True)
    assert f'id="shipment-{mine.id}"' in home and f'id="shipment-{theirs.id}"' not in home
    assert 'href="https://wa.me/6281211112222"' in home and 'href="tel:+6281211112222"' in home

    done = phone.post(f"/courier/{mine.id}/status", data={"set_delivered": "1", "note": "Diterima Pak RT"})
    assert done.status_code == 302
    db.session.expire_all()
    with tenant_scope(tenant.id, None):
        assert db.session.get(type(mine), mine.id).status == "delivered"
        assert db.session.get(type(mine), mine.id).events[0].note == "Diterima Pak RT"
    assert phone.post(f"/courier/{theirs.id}/status", data={"set_delivered": "1"}).status_code == 404
    assert owner.get("/courier/").status_code == 403


def test_the_activity_log_reads_as_indonesian_sentences_in_wib(app, new_tenant, create_user, create_shipment, db):
    tenant, owner = new_tenant
    owner.post("/employees/new", data=_employee("Kurir", name="Budi Santoso", email="budi@team.example"))
    budi = _user("budi@team.example")
    shipment = create_shipment(tenant, courier_id=budi.id)
    db.session.commit()
    phone = login(app, "budi@team.example", host=tenant_host(tenant.slug))
    phone.post(f"/courier/{shipment.id}/status", data={"set_delivered": "1"})

    owner.get("/lang/id")
    page = owner.get("/activity/list/").get_data(as_text=True)
    assert f"Budi Santoso mengubah status {shipment.tracking_number} menjadi Terkirim" in page
    assert "Pemilik Uji menambah pegawai Budi Santoso" in page
    assert f'href="/shipments/{shipment.id}"' in page
    assert "WIB" in page
    lines = page.split('id="activity-table"')[1]  # the filters' option values are codes, their labels are not
    for raw in ("employee_added", "ShipmentStatusEvent", ">create<", ">update<"):
        assert raw not in lines
