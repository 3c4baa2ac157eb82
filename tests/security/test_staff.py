"""The Vendor Admin's staff screen: vendor staff only, search, pages, invitations, deactivation, deletion rules."""

import re
import time

import pytest
import sqlalchemy as sa

from app.core.validation import FieldError
from tests.conftest import DEMO_PASSWORD, client_on, login
from tests.signup.conftest import latest_mail_match, mails_to, run_jobs
from tests.support.staff import ADMIN, add_staff, role_id, user_state

NEW_PASSWORD = "Baru#Sandi2026x"


def _signed_in(app, email, password=DEMO_PASSWORD) -> bool:
    client = client_on(app, "http://localhost")
    client.post("/login/", data={"username": email, "password": password})
    return client.get("/vendor/home/").status_code == 200


def _invitation_link(app, email) -> str:
    return latest_mail_match(app, email, r"https?://\S+/invitation/\S+", timeout=20).group(0)


def test_list_shows_vendor_staff_with_their_columns_and_never_tenant_users(client_as):
    # one page with everyone: other tests add staff, and the list shows the newest first
    page = client_as(ADMIN).get("/vendor/staff/list/?psize_VendorStaffView=1000").get_data(as_text=True)
    assert "support@vendor.test" in page and "Vendor Support" in page and "Support Vendor" in page
    assert "@demo.test" not in page and "@contoh.test" not in page
    assert "Created" in page and "Active" in page


def test_search_by_name_or_email_and_pages(client_as):
    admin = client_as(ADMIN)
    by_email = admin.get("/vendor/staff/list/?_flt_0_email=finance@").get_data(as_text=True)
    assert "finance@vendor.test" in by_email and "support@vendor.test" not in by_email
    by_name = admin.get("/vendor/staff/list/?_flt_0_email=Viewer Vendor").get_data(as_text=True)
    assert "viewer@vendor.test" in by_name and "finance@vendor.test" not in by_name
    assert "owner@demo.test" not in admin.get("/vendor/staff/list/?_flt_0_email=owner").get_data(as_text=True)
    first = admin.get("/vendor/staff/list/?psize_VendorStaffView=2&_oc_VendorStaffView=email&_od_VendorStaffView=asc")
    second = admin.get(
        "/vendor/staff/list/?psize_VendorStaffView=2&page_VendorStaffView=1&_oc_VendorStaffView=email&_od_VendorStaffView=asc"
    )
    emails = [set(re.findall(r"[\w.+-]+@vendor\.test", _table(r))) for r in (first, second)]
    assert len(emails[0]) == 2 and len(emails[1]) == 2 and not emails[0] & emails[1]


def _table(response) -> str:
    return response.get_data(as_text=True).split("<table", 1)[1].split("</table>", 1)[0]


def test_tenant_users_cannot_be_reached_through_the_staff_screen(app, client_as):
    admin = client_as(ADMIN)
    owner = user_state(app, "owner@demo.test")
    for method, path in (
        ("GET", f"/vendor/staff/show/{owner['id']}"),
        ("GET", f"/vendor/staff/edit/{owner['id']}"),
        ("POST", f"/vendor/staff/edit/{owner['id']}"),
        ("POST", f"/vendor/staff/delete/{owner['id']}"),
        ("GET", f"/vendor/staff/{owner['id']}/password"),
        ("POST", f"/vendor/staff/{owner['id']}/password"),
        ("POST", f"/vendor/staff/{owner['id']}/invite"),
    ):
        assert admin.open(path, method=method, data={"first_name": "X", "active": ""}).status_code == 404, path
    assert user_state(app, "owner@demo.test") == owner


def test_create_with_invitation_then_choose_the_password_once(app, client_as):
    admin = client_as(ADMIN)
    response, email = add_staff(admin, app, "Vendor Support", invite=True)
    assert response.status_code == 302
    state = user_state(app, email)
    assert state["tenant_id"] is None and state["roles"] == ["Vendor Support"] and state["username"] == email
    assert not _signed_in(app, email)  # no password until the invitation is used
    link = _invitation_link(app, email)
    assert link.startswith("http://localhost/invitation/")
    path = link.removeprefix("http://localhost")
    visitor = client_on(app, "http://localhost")
    assert email in visitor.get(path).get_data(as_text=True)
    weak = visitor.post(path, data={"password": "short", "conf_password": "short"})
    assert weak.status_code == 200 and not _signed_in(app, email, "short")
    done = visitor.post(path, data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert done.status_code == 302 and "/login/" in done.headers["Location"]
    assert _signed_in(app, email, NEW_PASSWORD)
    again = visitor.get(path)
    assert again.status_code == 400 and "invalid" in again.get_data(as_text=True)
    assert client_on(app, "http://localhost").get("/invitation/forged-token").status_code == 400


def test_create_with_a_password_signs_in_at_once(app, client_as):
    response, email = add_staff(client_as(ADMIN), app, "Vendor Finance")
    assert response.status_code == 302 and user_state(app, email)["roles"] == ["Vendor Finance"]
    assert _signed_in(app, email)


@pytest.mark.parametrize(
    "extra",
    [
        {},  # neither a password nor an invitation
        {"send_invitation": "y", "password": DEMO_PASSWORD, "conf_password": DEMO_PASSWORD},  # both
        {"password": DEMO_PASSWORD, "conf_password": "Other#Pass2026"},  # not confirmed
    ],
)
def test_bad_password_choices_are_refused_on_the_form(app, client_as, extra):
    email = f"bad-{time.time_ns()}@vendor.test"
    data = {"first_name": "A", "last_name": "B", "email": email, "roles": [str(role_id(app, "Vendor Viewer"))], **extra}
    response = client_as(ADMIN).post("/vendor/staff/add", data=data)
    assert response.status_code == 200 and user_state(app, email) is None


def test_tenant_roles_and_taken_emails_are_refused(app, client_as):
    admin = client_as(ADMIN)
    email = f"tenantrole-{time.time_ns()}@vendor.test"
    data = {
        "first_name": "A",
        "last_name": "B",
        "email": email,
        "password": DEMO_PASSWORD,
        "conf_password": DEMO_PASSWORD,
    }
    admin.post("/vendor/staff/add", data={**data, "roles": [str(role_id(app, "Super Admin"))]})
    assert user_state(app, email) is None
    admin.post(
        "/vendor/staff/add", data={**data, "email": "owner@demo.test", "roles": [str(role_id(app, "Vendor Viewer"))]}
    )
    assert user_state(app, "owner@demo.test")["tenant_id"] is not None


def _edit(admin, app, who, **changes):
    state = user_state(app, who)
    data = {
        "first_name": "Staf",
        "last_name": "Edit",
        "email": who,
        "roles": [str(role_id(app, name)) for name in state["roles"]],
        "active": "y",
        **changes,
    }
    if data["active"] is None:
        del data["active"]
    return admin.post(f"/vendor/staff/edit/{state['id']}", data=data, follow_redirects=True)


def test_deactivation_blocks_web_and_api_sign_in_until_reactivated(app, client_as):
    admin = client_as(ADMIN)
    _response, email = add_staff(admin, app, "Vendor Viewer")
    member = login(app, email)
    _edit(admin, app, email, active=None)
    assert user_state(app, email)["active"] is False
    assert member.get("/vendor/home/").status_code == 302  # the open session ends
    assert not _signed_in(app, email)
    api = client_on(app, "http://localhost").post(
        "/api/v1/security/login", json={"username": email, "password": DEMO_PASSWORD, "provider": "db"}
    )
    assert api.status_code == 401
    _edit(admin, app, email)
    assert _signed_in(app, email)


def test_show_page_buttons_deactivate_and_activate(app, client_as):
    admin = client_as(ADMIN)
    _response, email = add_staff(admin, app, "Vendor Support")
    pk = user_state(app, email)["id"]
    assert 'id="deactivate"' in admin.get(f"/vendor/staff/show/{pk}").get_data(as_text=True)
    page = admin.post(f"/vendor/staff/{pk}/active", data={"active": "0"}, follow_redirects=True).get_data(as_text=True)
    assert "can no longer sign in" in page and 'id="activate"' in page
    assert user_state(app, email)["active"] is False and not _signed_in(app, email)
    page = admin.post(f"/vendor/staff/{pk}/invite", follow_redirects=True).get_data(as_text=True)
    run_jobs(app)
    assert "This account is inactive" in page and mails_to(app, email) == []
    admin.post(f"/vendor/staff/{pk}/active", data={"active": "1"})
    assert _signed_in(app, email)
    me = user_state(app, ADMIN)["id"]
    page = admin.post(f"/vendor/staff/{me}/active", data={"active": "0"}, follow_redirects=True).get_data(as_text=True)
    assert "You cannot deactivate your own account." in page and user_state(app, ADMIN)["active"] is True


def test_edit_changes_role_and_email_and_keeps_sign_in_by_email(app, client_as):
    admin = client_as(ADMIN)
    _response, email = add_staff(admin, app, "Vendor Viewer")
    state = user_state(app, email)
    new_email = email.replace("staff-", "moved-")
    _edit(admin, app, email, email=new_email.upper(), roles=[str(role_id(app, "Vendor Finance"))])
    moved = user_state(app, new_email)
    assert moved["id"] == state["id"] and moved["roles"] == ["Vendor Finance"] and moved["username"] == new_email
    assert _signed_in(app, new_email)


def test_own_account_cannot_be_deactivated_or_deleted(app, client_as):
    admin = client_as(ADMIN)
    me = user_state(app, ADMIN)
    page = _edit(admin, app, ADMIN, active=None).get_data(as_text=True)
    assert "You cannot deactivate your own account." in page and user_state(app, ADMIN)["active"] is True
    page = admin.post(f"/vendor/staff/delete/{me['id']}", follow_redirects=True).get_data(as_text=True)
    assert "You cannot delete your own account." in page and user_state(app, ADMIN) is not None


@pytest.fixture()
def sole_admin(db_session):
    """admin@vendor.test as the only active vendor staff member (rolled back afterwards)."""
    from app.security.models import TenantUser

    staff_members = db_session.execute(sa.select(TenantUser).where(TenantUser.tenant_id.is_(None))).scalars().all()
    admin = next(user for user in staff_members if user.email == ADMIN)
    for other in staff_members:
        other.active = other is admin
    db_session.flush()
    return admin, next(user for user in staff_members if user.email == "support@vendor.test")


def test_the_last_active_vendor_admin_can_be_neither_deleted_nor_demoted(db_session, sole_admin):
    from flask_appbuilder.security.sqla.models import Role

    from app.security import staff

    admin, support = sole_admin
    with pytest.raises(FieldError, match="last active Vendor Admin"):
        staff.check_deletion(admin, actor_id=support.id)
    staff.check_deletion(support, actor_id=admin.id)  # anyone else may go
    admin.roles = [db_session.execute(sa.select(Role).where(Role.name == "Vendor Viewer")).scalar_one()]
    with pytest.raises(FieldError, match="last active Vendor Admin"):
        staff.prepare_update(admin, actor_id=support.id)


def test_delete_removes_a_staff_member_who_created_others(app, client_as):
    admin = client_as(ADMIN)
    _response, email = add_staff(admin, app, "Vendor Admin")
    _response, created = add_staff(login(app, email), app, "Vendor Viewer")
    assert user_state(app, created) is not None
    response = admin.post(f"/vendor/staff/delete/{user_state(app, email)['id']}", follow_redirects=True)
    assert "Staff member deleted." in response.get_data(as_text=True)
    assert user_state(app, email) is None and user_state(app, created) is not None


def test_reset_password_and_send_a_link(app, client_as):
    admin = client_as(ADMIN)
    _response, email = add_staff(admin, app, "Vendor Viewer")
    pk = user_state(app, email)["id"]
    assert admin.get(f"/vendor/staff/{pk}/password").status_code == 200
    assert admin.post(f"/vendor/staff/{pk}/password", data={"password": "x", "conf_password": "x"}).status_code == 200
    response = admin.post(
        f"/vendor/staff/{pk}/password", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}
    )
    assert response.status_code == 302 and _signed_in(app, email, NEW_PASSWORD) and not _signed_in(app, email)
    assert admin.post(f"/vendor/staff/{pk}/invite").status_code == 302
    assert _invitation_link(app, email).startswith("http://localhost/invitation/")


@pytest.mark.parametrize("email", ["support@vendor.test", "finance@vendor.test", "viewer@vendor.test"])
def test_other_vendor_roles_get_403_and_no_menu(client_as, email):
    client = client_as(email)
    for path in ("/vendor/staff/list/", "/vendor/staff/add", "/vendor/roles/", "/vendor/roles/add"):
        assert client.get(path).status_code == 403, path
    page = client.get("/vendor/home/").get_data(as_text=True)
    assert "/vendor/staff/list/" not in page and "/vendor/roles/" not in page


def test_admin_menu_has_staff_and_roles_but_not_fab_raw_role_screens(client_as):
    page = client_as(ADMIN).get("/vendor/home/").get_data(as_text=True)
    assert "/vendor/staff/list/" in page and "/vendor/roles/" in page and "/users/list/" in page
    assert "/roles/list/" not in page and "/permissions/list/" not in page and "/viewmenus/list/" not in page
