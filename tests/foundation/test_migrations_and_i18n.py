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


def _upgrade_from_empty(url: str) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": url, "FLASK_APP": "run.py", "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True
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
