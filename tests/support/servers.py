"""Finding the machine's PostgreSQL and Redis, and making a throwaway database."""

import os

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def _reachable_postgres(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except Exception:
        return False


def postgres_server_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if url == "sqlite":
        return None
    url = url or DEFAULT_POSTGRES
    if url.startswith("sqlite"):
        return None
    return url if _reachable_postgres(url) else None


def redis_url() -> str | None:
    url = os.environ.get("TEST_REDIS_URL")
    if url == "none":
        return None
    url = url or DEFAULT_REDIS
    try:
        from redis import Redis

        Redis.from_url(url, socket_connect_timeout=2).ping()
        return url
    except Exception:
        return None


def _admin(server: str):
    import psycopg

    return psycopg.connect(server, autocommit=True)


def create_database(server: str, name: str) -> None:
    with _admin(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(server: str, name: str) -> None:
    with _admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def with_database(server: str, name: str) -> str:
    return server.rsplit("/", 1)[0] + "/" + name


def sqlalchemy_url(url: str) -> str:
    from config import database_url

    return database_url(url)
