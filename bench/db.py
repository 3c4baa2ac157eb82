"""The benchmark database: where it lives, creating/dropping it, migrating and seeding it."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DB", "silog_bench")


def server_url(database: str = "postgres") -> str:
    return f"{SERVER}/{database}"


def database_url(database: str = DATABASE) -> str:
    """The URL the app takes in DATABASE_URL (config turns it into postgresql+psycopg://)."""
    return server_url(database)


def connect(database: str = DATABASE, **kwargs) -> psycopg.Connection:
    return psycopg.connect(server_url(database), **kwargs)


def exists(database: str = DATABASE) -> bool:
    with connect("postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is not None


def create(database: str = DATABASE) -> None:
    with connect("postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')


def drop(database: str = DATABASE) -> None:
    with connect("postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def app_env(database: str = DATABASE, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(database),
        FLASK_APP="run.py",
        # Several heads may exist while parallel work is not re-chained; "heads" also works with one.
        ALEMBIC_TARGET=env.get("ALEMBIC_TARGET", "heads"),
        PERIODIC_IN_PROCESS="0",
        AUTH_RATE_LIMITED="0",
        RATELIMIT_ENABLED="0",
        REDIS_URL="",
    )
    env.update(extra)
    return env


def flask(*args: str, database: str = DATABASE) -> None:
    """Run a flask CLI command of the app against the benchmark database."""
    command = [sys.executable, "-m", "flask", *args]
    result = subprocess.run(command, cwd=ROOT, env=app_env(database), capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"flask {' '.join(args)} failed")
