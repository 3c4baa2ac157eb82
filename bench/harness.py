"""Shared benchmark machinery: server-side timing around the WSGI call, SQL counting, percentiles,
logged-in clients, gunicorn and wrk helpers."""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass

from bench import db as bench_db

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "DemoPass#2026")
TENANT_HOST = "demo.localhost"


@dataclass
class Stats:
    name: str
    samples_ms: list
    queries: float = 0.0
    cpu_ms: list | None = None

    @property
    def cpu_p50(self) -> float:
        return percentile(self.cpu_ms or [], 50)

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples_ms)


def percentile(samples: list, pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class TimedWsgi:
    """Wraps app.wsgi_app: the time from the call until the body is fully produced, and the SQL
    statements run meanwhile (counted by an engine listener installed by count_queries)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.last_ms = 0.0
        self.last_cpu_ms = 0.0
        self.last_queries = 0
        self.queries = 0

    def __call__(self, environ, start_response):
        self.queries = 0
        began, began_cpu = time.perf_counter(), time.thread_time()
        body = self.wsgi_app(environ, start_response)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.last_ms = (time.perf_counter() - began) * 1000
        self.last_cpu_ms = (time.thread_time() - began_cpu) * 1000
        self.last_queries = self.queries
        return chunks


def instrument(app) -> TimedWsgi:
    from sqlalchemy import event

    from app.extensions import db

    timed = TimedWsgi(app.wsgi_app)
    app.wsgi_app = timed
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args, **_kwargs):
        timed.queries += 1

    return timed


def logged_in_client(app, email: str, host: str = TENANT_HOST):
    client = app.test_client()
    response = client.post("/login/", data={"username": email, "password": DEMO_PASSWORD}, base_url=f"http://{host}")
    if response.status_code != 302:
        raise SystemExit(f"login failed for {email}: HTTP {response.status_code}")
    return client


def measure(
    client, timed: TimedWsgi, name: str, url: str, *, runs: int, warmup: int, host=TENANT_HOST, before=None
) -> Stats:
    """`before`, when given, runs (untimed) before each request."""
    samples, cpu, queries = [], [], []
    for index in range(warmup + runs):
        if before is not None:
            before()
        response = client.get(url, base_url=f"http://{host}")
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered HTTP {response.status_code}")
        if index >= warmup:
            samples.append(timed.last_ms)
            cpu.append(timed.last_cpu_ms)
            queries.append(timed.last_queries)
    return Stats(name, samples, statistics.fmean(queries), cpu)


def a_write(app, slug: str):
    """What any committed change to the tenant's shipments or users does to what is cached under its data
    version (dashboard figures, the list's and detail's HTML): moves the version, from a connection of its
    own, as another process would."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.tenancy.freshness import bump

    with app.app_context():
        engine = db.engine
        tenant_id = db.session.execute(sa.text("SELECT id FROM tenant WHERE slug = :s"), {"s": slug}).scalar_one()
        db.session.remove()

    def move() -> None:
        with engine.begin() as connection:
            bump({tenant_id}, connection)

    return move


def time_sql(conn, sql: str, *, runs: int, warmup: int) -> Stats:
    samples = []
    for index in range(warmup + runs):
        began = time.perf_counter()
        conn.execute(sql).fetchall()
        if index >= warmup:
            samples.append((time.perf_counter() - began) * 1000)
    return Stats("raw SQL", samples, 1)


# --- servers -------------------------------------------------------------------------------
def require_tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is not installed: {hint}")
    return path


def wrk(port: int, script: str, *, connections: int, seconds: int, headers: dict) -> str:
    """wrk -t2 on loopback with this Lua script and these headers (the tenant Host among them): its report."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as handle:
        handle.write(script)
        handle.flush()
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", handle.name]
        for name, value in {"Host": TENANT_HOST, **headers}.items():
            command += ["-H", f"{name}: {value}"]
        return subprocess.run(
            [*command, f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True
        ).stdout


def start_gunicorn(
    port: int, *, workers: int = 2, threads: int = 1, database: str = bench_db.DATABASE, root=bench_db.ROOT
):
    """gunicorn serving the checkout at `root` (this one by default) with this virtualenv."""
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    env = bench_db.app_env(database, BENCH_DB=database, FAB_UPDATE_PERMS="0")
    # As bin/web: its gunicorn.conf.py and no --worker-class (gunicorn runs its sync worker with one
    # thread, gthread with more).
    command = [
        gunicorn, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--threads", str(threads), "--log-level", "warning", "bench.app:create_bench_app()",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=root, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return process
        except Exception:  # noqa: BLE001 - not up yet
            if process.poll() is not None:
                raise SystemExit("gunicorn exited during start-up") from None
            time.sleep(0.5)
    stop(process)
    raise SystemExit("gunicorn did not answer within 60 s")


def gunicorn_label(workers: int, threads: int) -> str:
    """How start_gunicorn runs it (gunicorn picks its sync worker for one thread, gthread for more)."""
    return f"gunicorn {'sync' if threads == 1 else 'gthread'} {workers}x{threads}"


def stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def table(rows: list[list], headers: list[str]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
