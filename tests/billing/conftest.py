import uuid

import pytest

from tests.billing.gateways.fakes import FakeMidtrans, FakeXendit
from tests.signup.conftest import start_signup


@pytest.fixture()
def vendor_scope(app):
    """An app context acting as vendor staff across all tenants; rolled back afterwards."""
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        yield db.session
        db.session.rollback()


@pytest.fixture()
def unique():
    return lambda prefix="t": f"{prefix}-{uuid.uuid4().hex[:8]}"


MIDTRANS_KEY = "SB-Mid-server-TEST"
XENDIT_SECRET = "xnd_development_TEST"
XENDIT_TOKEN = "cb-token-TEST-123"


@pytest.fixture()
def signup(app):
    return lambda prefix="pt": start_signup(app, prefix)


@pytest.fixture()
def use_settings(app, monkeypatch):
    """use_settings({"PAYMENT_GATEWAY": "xendit", ...}): the app's settings for this test only."""

    def apply(settings):
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)

    return apply


@pytest.fixture()
def midtrans(use_settings):
    with FakeMidtrans(server_key=MIDTRANS_KEY) as fake:
        hosts = dict.fromkeys(("MIDTRANS_SNAP_BASE_URL", "MIDTRANS_API_BASE_URL"), fake.base_url)
        use_settings({"PAYMENT_GATEWAY": "midtrans", "MIDTRANS_SERVER_KEY": MIDTRANS_KEY, **hosts})
        yield fake


@pytest.fixture()
def xendit(use_settings):
    with FakeXendit(secret_key=XENDIT_SECRET) as fake:
        keys = {"XENDIT_SECRET_KEY": XENDIT_SECRET, "XENDIT_CALLBACK_TOKEN": XENDIT_TOKEN}
        use_settings({"PAYMENT_GATEWAY": "xendit", "XENDIT_API_BASE_URL": fake.base_url, **keys})
        yield fake
