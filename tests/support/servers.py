"""Finding the machine's PostgreSQL and Redis, making a throwaway database, and a local S3 server (moto)."""

import os
import uuid
from contextlib import contextmanager

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


# S3: moto's standalone server, a real S3 HTTP API on a local port (any credentials are accepted).
S3_TEST_CREDENTIALS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "us-east-1"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_http(url: str, process, seconds: float = 60) -> None:
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer on {url}")


@contextmanager
def moto_s3_server():
    """Start moto's S3 server in a subprocess; yields its endpoint URL, stops it after."""
    import subprocess
    import sys

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for_http(endpoint + "/moto-api/", process)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_shared_s3: dict = {}


def shared_s3_endpoint() -> str:
    """One moto S3 server for the whole test session, started on first use and stopped at exit."""
    if "endpoint" not in _shared_s3:
        import atexit

        server = moto_s3_server()
        _shared_s3["endpoint"] = server.__enter__()
        atexit.register(server.__exit__, None, None, None)
    return _shared_s3["endpoint"]


def new_s3_bucket(endpoint: str) -> str:
    """A new empty bucket on `endpoint`; returns its name."""
    import boto3

    name = f"silog-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_TEST_CREDENTIALS["S3_REGION"],
        aws_access_key_id=S3_TEST_CREDENTIALS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_TEST_CREDENTIALS["S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    return name


def s3_app_config(endpoint: str, bucket: str | None = None, prefix: str = "") -> dict:
    """App settings for FILE_STORAGE=s3 on a moto server (a new bucket unless one is given)."""
    return {
        "FILE_STORAGE": "s3",
        "S3_BUCKET": bucket or new_s3_bucket(endpoint),
        "S3_ENDPOINT_URL": endpoint,
        "S3_PREFIX": prefix,
        **S3_TEST_CREDENTIALS,
    }
