"""The deploy as a PaaS runs it: the repository's files only (no compiled catalogues, no instance/), the
Procfile's lines started with `bash -c` on PostgreSQL + Redis + a local S3 server (moto) and a throwaway
database, then what a user and the vendor would notice: the pages are in Indonesian, periodic jobs run,
and a file uploaded through the web process is read by a job in the worker through S3.

Two shapes: every Procfile process on its own (release, web, worker, scheduler), and one dyno
(SINGLE_DYNO=1: bin/web starts worker and scheduler beside gunicorn).
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import throwaway_database
from tests.support import servers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def procfile(root: Path) -> dict[str, str]:
    lines = (root / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def _export(target: Path) -> Path:
    """What a git push deploys: tracked and new unignored files, as they are in this checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dyno:
    """Processes started as a PaaS does, each in its own process group, always stopped."""

    def __init__(self, root: Path, env: dict, logs: Path):
        self.root, self.env, self.logs = root, env, logs
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=self.root,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, process))
        return process

    def run(self, name: str, command: str) -> None:
        process = self.start(name, command)
        assert process.wait(timeout=180) == 0, self.log(name)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def all_logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)}" for name, _process in self.processes)

    def stop(self) -> None:
        for _name, process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            with contextlib.suppress(ProcessLookupError):  # children (gunicorn workers, work-horses) left over
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def deployed_source(tmp_path_factory):
    if servers.postgres_server_url() is None or servers.redis_url() is None:
        pytest.skip("the deploy smoke needs PostgreSQL and Redis")
    return _export(tmp_path_factory.mktemp("slug"))


@pytest.fixture(scope="module")
def release_database(deployed_source, tmp_path_factory):
    with throwaway_database(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def object_storage():
    with servers.moto_s3_server() as endpoint:
        yield servers.s3_app_config(endpoint, prefix="deploy/")


@pytest.fixture(scope="module", params=["procfile", "single-dyno"])
def deploy(request, deployed_source, release_database, object_storage, tmp_path_factory):
    work = tmp_path_factory.mktemp(request.param)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST", "TEST_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
        DATABASE_URL=release_database,
        REDIS_URL=servers.redis_url(),
        RQ_QUEUE_PREFIX=f"smoke-{uuid.uuid4().hex[:8]}-",
        PORT=str(port),
        BASE_DOMAIN="localhost",
        FILE_STORAGE_DIR=str(work / "files"),
        MAIL_CAPTURE_DIR=str(work / "mail"),
        PERIODIC_INTERVAL_SECONDS="3",  # instead of each job's cron: the smoke waits seconds, not minutes
        JOB_HEARTBEAT_SECONDS="2",
        **object_storage,
    )
    dyno = Dyno(deployed_source, env, work)
    procs = procfile(deployed_source)
    started = time.time()
    try:
        dyno.run("release", procs["release"])
        dyno.run("seed", "flask seed-demo")  # a one-off command, as `heroku run` would (idempotent)
        if request.param == "procfile":
            for name in ("web", "worker", "scheduler"):
                dyno.start(name, procs[name])
        else:
            env["SINGLE_DYNO"] = "1"
            dyno.start("web", procs["web"])
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the web process did not answer:\n" + dyno.log("web"))
        yield {"base": base, "database": release_database, "since": started, "dyno": dyno}
    finally:
        dyno.stop()


def test_the_deployed_login_page_is_in_indonesian(deploy):
    request = urllib.request.Request(deploy["base"] + "/login/", headers={"Host": "localhost"})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    assert "Masuk" in page, page[:3000]


def test_the_deployed_scheduler_runs_periodic_jobs(deploy):
    engine = sa.create_engine(servers.sqlalchemy_url(deploy["database"]))
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(deploy["since"]))
    done = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not done:
            with engine.connect() as conn:
                done = conn.execute(
                    sa.text(
                        "SELECT name FROM job_run WHERE state = 'done' AND tenant_id IS NULL AND created_at >= :since"
                    ),
                    {"since": since},
                ).all()
            time.sleep(1)
    finally:
        engine.dispose()
    assert done, "no periodic job ran:\n" + deploy["dyno"].all_logs()


def _signed_in(base: str, host: str, email: str) -> requests.Session:
    session = requests.Session()
    session.headers["Host"] = host
    page = session.get(base + "/login/", timeout=10).text
    session.post(
        base + "/login/",
        data={"csrf_token": _csrf(page), "username": email, "password": "DemoPass#2026"},
        timeout=10,
    )
    return session


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_a_workbook_uploaded_through_the_web_is_imported_by_the_worker_through_s3(deploy, object_storage):
    from tests.logistics.test_tariff_import_hostile import _cities, workbook

    codes = _cities(30)
    rows = [[o, None, d, None, 2000 + i, 2] for i, (o, d) in enumerate((o, d) for o in codes for d in codes)][:600]
    owner = _signed_in(deploy["base"], "demo.localhost", "owner@demo.test")
    form = owner.get(deploy["base"] + "/tariffs/import", timeout=10)
    assert form.status_code == 200, form.text[:2000]
    answer = owner.post(
        deploy["base"] + "/tariffs/import",
        data={"csrf_token": _csrf(form.text)},
        files={"file": ("tarif.xlsx", workbook(rows))},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302 and "job=" in answer.headers["Location"], answer.text[:2000]
    run_id = answer.headers["Location"].split("job=")[1]
    deadline, state = time.monotonic() + 60, {}
    while time.monotonic() < deadline and state.get("state") not in ("done", "failed"):
        state = owner.get(f"{deploy['base']}/jobs/{run_id}", timeout=10).json()
        time.sleep(0.5)
    assert state.get("state") == "done", f"{state}\n" + deploy["dyno"].all_logs()
    engine = sa.create_engine(servers.sqlalchemy_url(deploy["database"]))
    try:
        with engine.connect() as conn:
            imported = conn.execute(
                sa.text(
                    "SELECT origin, destination, price_per_kg FROM tariff JOIN tenant ON tenant.id = tariff.tenant_id"
                    " WHERE tenant.slug = 'demo'"
                )
            ).all()
    finally:
        engine.dispose()
    assert {(o, d, price) for o, d, price in imported} >= {(o, d, price) for o, _, d, _, price, _ in rows}
    assert not (Path(deploy["dyno"].env["FILE_STORAGE_DIR"]) / "imports").exists()  # the workbook went to S3
