"""Logout and password changes end every session and API token of the user; changing one's own password
asks for the current one."""

import pytest
import sqlalchemy as sa

from tests.conftest import DEMO_PASSWORD, client_on, login, tenant_host
from tests.support.users import own_user

NEW_PASSWORD = "Ganti#Sandi2026xy"
HOST = tenant_host("demo")


@pytest.fixture()
def member(app):
    """A fresh Viewer of tenant demo (the shared demo accounts stay signed in for other tests)."""
    with own_user(app, "demo", "Viewer", "sesi") as email:
        yield email


def _signed_in(client) -> bool:
    return client.get("/dashboard/").status_code == 200


def _token(app, email, password=DEMO_PASSWORD, refresh=False):
    body = {"username": email, "password": password, "provider": "db", "refresh": refresh}
    response = client_on(app, HOST).post("/api/v1/security/login", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def _api_status(app, token) -> int:
    return client_on(app, HOST).get("/api/v1/shipments/", headers={"Authorization": f"Bearer {token}"}).status_code


def _copy_of(app, client):
    """A second browser holding the same session cookie."""
    cookie = client.get_cookie("session", domain="demo.localhost")
    other = client_on(app, HOST)
    other.set_cookie("session", cookie.value, domain="demo.localhost")
    return other


def test_a_session_cookie_copied_before_logout_is_signed_out_with_it(app, member):
    browser = login(app, member)
    copy = _copy_of(app, browser)
    assert _signed_in(copy)
    browser.post("/logout/")
    response = copy.get("/dashboard/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    again = login(app, member)  # signing in again works, with a new session
    assert _signed_in(again)


def test_a_logout_link_opened_with_get_signs_nobody_out(app, member):
    browser = login(app, member)
    assert browser.get("/logout/").status_code == 405
    assert _signed_in(browser)


def test_an_api_token_stops_working_after_logout(app, member):
    tokens = _token(app, member, refresh=True)
    assert _api_status(app, tokens["access_token"]) == 200
    login(app, member).post("/logout/")
    assert _api_status(app, tokens["access_token"]) == 401
    refresh = client_on(app, HOST).post(
        "/api/v1/security/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    assert refresh.status_code == 401
    assert _api_status(app, _token(app, member)["access_token"]) == 200


def _change_password(client, current, new=NEW_PASSWORD):
    return client.post(
        "/resetmypassword/form", data={"current_password": current, "password": new, "conf_password": new}
    )


def test_changing_my_password_ends_my_other_sessions_and_tokens(app, member):
    token = _token(app, member)["access_token"]
    other_browser = login(app, member)
    browser = login(app, member)
    response = _change_password(browser, DEMO_PASSWORD)
    assert response.status_code == 302
    assert _signed_in(browser)  # the browser that changed it stays signed in
    assert not _signed_in(other_browser)
    assert _api_status(app, token) == 401
    assert _api_status(app, _token(app, member, NEW_PASSWORD)["access_token"]) == 200


@pytest.mark.parametrize("current", ["", "Salah#Sandi2026xy"])
def test_changing_my_password_needs_the_current_one(app, member, current):
    browser = login(app, member)
    response = _change_password(browser, current)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ("The current password is not correct." if current else "This field is required.") in page
    assert _signed_in(browser)
    client_on(app, HOST).post("/login/", data={"username": member, "password": NEW_PASSWORD})
    assert _token(app, member)["access_token"]  # the old password still signs in
    fails = client_on(app, HOST).post(
        "/api/v1/security/login", json={"username": member, "password": NEW_PASSWORD, "provider": "db"}
    )
    assert fails.status_code == 401


def test_an_admin_resetting_a_password_ends_that_users_sessions(app, member, client_as):
    from app.extensions import db
    from app.security.models import TenantUser

    with app.app_context():
        user_id = db.session.execute(sa.select(TenantUser.id).where(TenantUser.email == member)).scalar_one()
    browser = login(app, member)
    token = _token(app, member)["access_token"]
    admin = client_as("admin@vendor.test")
    response = admin.post(
        f"/resetpassword/form?pk={user_id}", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert not _signed_in(browser)
    assert _api_status(app, token) == 401
    assert _signed_in(login(app, member, NEW_PASSWORD))


def test_an_admin_resetting_their_own_password_stays_signed_in_there(app):
    from tests.support.staff import ADMIN, add_staff, user_state

    admin = login(app, ADMIN)
    _response, email = add_staff(admin, app, "Vendor Admin")
    browser, other = login(app, email), login(app, email)
    user_id = user_state(app, email)["id"]
    response = browser.post(
        f"/resetpassword/form?pk={user_id}", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert browser.get("/vendor/home/").status_code == 200
    assert other.get("/vendor/home/").status_code == 302
