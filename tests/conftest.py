"""Test set-up: a fresh database (PostgreSQL when reachable, else SQLite) migrated and seeded once
per session, Redis when reachable, and helpers to act as any demo user on any host.

TEST_DATABASE_URL / TEST_REDIS_URL choose the servers; when unset, PostgreSQL at
127.0.0.1:5432/test and Redis at 127.0.0.1:6379 are used if they answer. TEST_FILE_STORAGE=s3 keeps
stored files in S3 (a moto server the session starts) instead of the local folder.
"""

import os
import uuid
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient

# Before config.py is imported (here and in every command or server a test starts): without SECRET_KEY or
# APP_ENV=development the app refuses to start.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + uuid.uuid4().hex)

from tests.support import servers  # noqa: E402

DEMO_PASSWORD = "DemoPass#2026"
VENDOR_HOST = "http://localhost"


def tenant_host(slug: str) -> str:
    return f"http://{slug}.localhost"


@contextmanager
def throwaway_database(tmp_path_factory):
    """A new empty database on the test server (PostgreSQL when reachable, else a SQLite file), dropped after."""
    server = servers.postgres_server_url()
    if server is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    name = f"silog_test_{uuid.uuid4().hex[:10]}"
    servers.create_database(server, name)
    try:
        yield servers.with_database(server, name)
    finally:
        servers.drop_database(server, name)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with throwaway_database(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url():
    return servers.redis_url()


def app_config(database_url: str, redis_url: str | None, files, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": servers.sqlalchemy_url(database_url),
        "REDIS_URL": redis_url or "",
        "RQ_QUEUE_PREFIX": f"test-{uuid.uuid4().hex[:8]}-",
        "WTF_CSRF_ENABLED": False,
        "AUTH_RATE_LIMITED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": "",
        "MAIL_CAPTURE_DIR": str(files / "mail"),
        "FILE_STORAGE_DIR": str(files / "store"),
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "BASE_DOMAIN": "localhost",
        # Assertions read English msgids; Indonesian rendering has its own tests.
        "BABEL_DEFAULT_LOCALE": "en",
    }
    if os.environ.get("TEST_FILE_STORAGE") == "s3":  # the whole session's files in S3 (a local moto server)
        config.update(servers.s3_app_config(servers.shared_s3_endpoint()))
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def test_files(tmp_path_factory):
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="session")
def app(database_url, redis_url, test_files):
    yield seeded_app(database_url, redis_url, test_files)


def seeded_app(database_url: str, redis_url: str | None, files, **overrides):
    """An application on `database_url`, migrated (`flask app-release`) and seeded (`flask seed-demo`)."""
    from app import create_app

    application = create_app(app_config(database_url, redis_url, files, **overrides))
    with application.app_context():
        runner = application.test_cli_runner()
        result = runner.invoke(args=["app-release"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    return application


@pytest.fixture()
def db_session(app):
    from app.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()


def _host_for(email: str) -> str:
    domain = email.split("@", 1)[1]
    slug = domain.split(".", 1)[0]
    return VENDOR_HOST if slug == "vendor" else tenant_host(slug)


class HostClient(FlaskClient):
    """A test client bound to one host (cookies included), e.g. http://demo.localhost."""

    host = VENDOR_HOST

    def open(self, *args, **kwargs):
        if not kwargs.get("base_url") and not (args and not isinstance(args[0], str)):
            kwargs["base_url"] = self.host
        from tests.support import rollback

        if rollback.in_progress(self.application):  # the test holds an app context: Flask would reuse its g
            with self.application.app_context():
                return super().open(*args, **kwargs)
        return super().open(*args, **kwargs)


def client_on(app, host: str) -> HostClient:
    app.test_client_class = HostClient
    client = app.test_client()
    client.host = host
    return client


def login(app, email: str, password: str = DEMO_PASSWORD, host: str | None = None):
    client = client_on(app, host or _host_for(email))
    response = client.post("/login/", data={"username": email, "password": password})
    assert response.status_code == 302, f"login failed for {email}"
    return client


@pytest.fixture(scope="session")
def client_as(app):
    """client_as("owner@demo.test") -> a test client signed in on that user's host (cached)."""
    cache = {}

    def make(email: str):
        if email not in cache:
            cache[email] = login(app, email)
        return cache[email]

    return make


@pytest.fixture()
def anon(app):
    def make(host: str = VENDOR_HOST):
        return client_on(app, host)

    return make


@pytest.fixture(scope="session")
def api_token(app):
    cache = {}

    def make(email: str) -> str:
        if email not in cache:
            client = client_on(app, _host_for(email))
            response = client.post(
                "/api/v1/security/login",
                json={"username": email, "password": DEMO_PASSWORD, "provider": "db"},
            )
            assert response.status_code == 200, response.get_data(as_text=True)
            cache[email] = response.json["access_token"]
        return cache[email]

    return make


@pytest.fixture(scope="session")
def api_client(app, api_token):
    """api_client("admin@demo.test") -> a client whose requests carry that user's JWT."""

    def make(email: str):
        client = client_on(app, _host_for(email))
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token(email)}"
        return client

    return make


@pytest.fixture()
def tenant(app):
    """tenant("demo") -> the Tenant row."""
    from app.tenancy.services import tenant_by_slug

    def get(slug: str):
        with app.app_context():
            return tenant_by_slug(slug)

    return get


# --- a database rolled back after each test, and factories (tests/support/) ----------------------------
@pytest.fixture()
def db(app):
    """`app.extensions.db` inside an app context, every session joined to one transaction rolled back after
    the test (commits included): what the test creates is gone for the next one (tests/support/rollback.py)."""
    from tests.support.rollback import rolled_back_database

    with rolled_back_database(app) as database:
        yield database


@pytest.fixture()
def create_tenant(db):
    """create_tenant(slug=None, plan="free", name=None, modules=None, days_left=None) -> Tenant."""
    from tests.support import factories

    return factories.create_tenant


@pytest.fixture()
def create_user(db):
    """create_user(tenant=None, role=None, email=None, password=..., active=True) -> TenantUser."""
    from tests.support import factories

    return factories.create_user


@pytest.fixture()
def create_tariff(db):
    from tests.support import factories

    return factories.create_tariff


@pytest.fixture()
def create_shipment(db):
    """create_shipment(tenant, user=None, items=None, draft=False, **fields) -> an issued Shipment."""
    from tests.support import factories

    return factories.create_shipment


@pytest.fixture()
def create_invoice(db):
    from tests.support import factories

    return factories.create_invoice


@pytest.fixture()
def create_ticket(db):
    from tests.support import factories

    return factories.create_ticket


os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", "0")
