"""One invitation flow for every account: vendor staff and a client's first Super Admin alike."""

import re
import time
import uuid
from unittest import mock

from tests.conftest import client_on, login
from tests.signup.conftest import mails_to, run_jobs
from tests.support.staff import ADMIN, user_state

PASSWORD = "Pemilik#Baru2026x"


def _link(app, email) -> str:
    deadline = time.time() + 20
    while time.time() < deadline:
        run_jobs(app)
        if messages := mails_to(app, email):
            return re.search(r"https?://\S+/invitation/\S+", messages[-1].get_body(("plain",)).get_content()).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no invitation to {email}")


def test_a_client_created_by_hand_gets_a_link_on_its_own_subdomain(app, client_as):
    tag = uuid.uuid4().hex[:8]
    email = f"owner-{tag}@koperasi-{tag}.example"
    form = {"name": f"Koperasi Undangan {tag}", "client_type": "koperasi", "email": email, "plan": "pro"}
    assert client_as(ADMIN).post("/billing/clients/new", data=form).status_code == 302
    link = _link(app, email)
    host, path = re.match(r"(https?://[^/]+)(/.*)", link).groups()
    assert host == f"http://koperasi-undangan-{tag}.localhost"
    assert "temporary password" not in mails_to(app, email)[-1].get_body(("plain",)).get_content()
    page = client_on(app, host).post(path, data={"password": PASSWORD, "conf_password": PASSWORD})
    assert page.status_code == 302
    owner = login(app, email, PASSWORD, host=host)
    assert owner.get("/").status_code == 200 and user_state(app, email)["roles"] == ["Super Admin"]
    assert client_on(app, host).get(path).status_code == 400  # used once


def test_a_link_is_refused_when_expired_or_for_an_inactive_account(app, client_as):
    from app.extensions import db
    from app.security.invitations import INVITATION_DAYS, invitation_token, invited_user
    from app.security.models import TenantUser

    with app.app_context():
        user = db.session.query(TenantUser).filter_by(email="viewer@vendor.test").one()
        token = invitation_token(user)
        assert invited_user(token) is user
        later = time.time() + INVITATION_DAYS * 86400 + 60
        with mock.patch("itsdangerous.timed.time.time", return_value=later):
            assert invited_user(token) is None
        user.active = False
        assert invited_user(token) is None
        db.session.rollback()
