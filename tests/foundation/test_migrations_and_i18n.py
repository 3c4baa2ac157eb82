"""Migrations own the schema; the Indonesian catalogue is complete."""

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.pofile import read_po

from app.extensions import db
from tests.support import servers

ROOT = Path(__file__).resolve().parents[2]
# PostgreSQL-only indexes a model cannot express (expression/operator-class GIN); created by migrations.
PG_ONLY_INDEXES = frozenset({"ix_shipment_search_trgm"})  # 0007_search_indexes: trigram list search


def _is_pg_only_index(difference) -> bool:
    return difference[0] == "remove_index" and difference[1].name in PG_ONLY_INDEXES


def _upgrade_from_empty(url: str, revision: str = "head") -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": url, "FLASK_APP": "run.py", "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    env["APP_ENV"] = "development"  # the development SECRET_KEY (config.py)
    return subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade", revision], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _differences(url: str) -> list:
    from sqlalchemy import create_engine

    from config import database_url

    engine = create_engine(database_url(url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    engine.dispose()
    return [difference for difference in diff if not _is_pg_only_index(difference)]


def test_upgrade_from_empty_sqlite_matches_the_models(tmp_path, app):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = _upgrade_from_empty(url)
    assert result.returncode == 0, result.stderr
    assert _differences(url) == []


def test_upgrading_sqlite_repairs_what_unenforced_foreign_keys_left_behind(tmp_path, app):
    """Before foreign keys were enforced on SQLite, a deleted shipment's items and history stayed; the
    upgrade removes them (ON DELETE CASCADE) and empties references to deleted users (SET NULL)."""
    import sqlite3

    path = tmp_path / "previous.db"
    assert _upgrade_from_empty(f"sqlite:///{path}", "0010_tenant_data_version").returncode == 0
    with sqlite3.connect(path) as connection:  # foreign keys off, as the app's connections were
        connection.execute(
            "INSERT INTO tenant (slug, name, client_type, status, joined_on, created_at, subscription_state)"
            " VALUES ('t', 'T', 'company', 'active', '2026-01-01', '2026-01-01', 'active')"
        )
        tenant_id = connection.execute("SELECT id FROM tenant").fetchone()[0]
        connection.execute(
            "INSERT INTO shipment_item (tenant_id, shipment_id, position, name, weight, quantity, length, width,"
            " height, volumetric_weight, line_total) VALUES (?, 777, 0, 'sisa', 1, 1, 1, 1, 1, 0, 1)",
            (tenant_id,),
        )
        connection.execute(
            "INSERT INTO helpdesk_ticket (tenant_id, number, title, category, priority, status, description,"
            " created_by_id, created_at, updated_at) VALUES (?, 'T-1', 'x', 'bug', 'rendah', 'open', 'x', 888,"
            " '2026-01-01', '2026-01-01')",
            (tenant_id,),
        )
    result = _upgrade_from_empty(f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("SELECT count(*) FROM shipment_item").fetchone()[0] == 0
        assert connection.execute("SELECT created_by_id FROM helpdesk_ticket").fetchall() == [(None,)]


def test_upgrade_from_empty_postgresql_matches_the_models(app):
    server = servers.postgres_server_url()
    if server is None:
        pytest.skip("no PostgreSQL on this machine")
    name = f"silog_mig_{uuid.uuid4().hex[:8]}"
    servers.create_database(server, name)
    try:
        url = servers.with_database(server, name)
        result = _upgrade_from_empty(url)
        assert result.returncode == 0, result.stderr
        assert _differences(url) == []
    finally:
        servers.drop_database(server, name)


def test_indonesian_catalogue_has_no_untranslated_message():
    with open(ROOT / "translations" / "id" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_indonesian_is_the_default_language():
    import config

    assert config.BABEL_DEFAULT_LOCALE == "id"


def test_page_in_indonesian_has_indonesian_menu(app):
    from tests.conftest import login

    client = login(app, "owner@demo.test")
    client.get("/lang/id")
    page = client.get("/").get_data(as_text=True)
    assert "Pengaturan" in page and "Keluar" in page
    assert ">Settings<" not in page


def test_the_language_chosen_stays_with_the_session_and_the_default_needs_no_cookie(app, api_client):
    from tests.conftest import login

    client = login(app, "owner@demo.test")
    client.get("/lang/en")
    assert ">Logout<" in client.get("/").get_data(as_text=True)
    assert ">Keluar<" in client.get("/?_l_=id").get_data(as_text=True)
    assert ">Logout<" in client.get("/").get_data(as_text=True)

    api = api_client("admin@demo.test")
    answer = api.get("/api/v1/shipments/?q=(page_size:1)&_l_=xx")
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
