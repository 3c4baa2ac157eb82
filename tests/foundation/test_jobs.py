"""Jobs: through a real RQ worker when Redis is there, on a thread without it; progress for the owner only."""

import time

import pytest
from rq import SimpleWorker

from app.extensions import db
from app.jobs.models import JobRun
from app.jobs.queue import job
from app.tenancy.context import all_tenants
from tests.support.jobs import start_job, wait_for_job


@job("default")
def count_to(ctx, n: int) -> None:
    for i in range(1, n + 1):
        ctx.progress(i * 100 // n, f"{i}/{n}")
    ctx.store_result("count.txt", f"counted to {n}".encode(), "text/plain")


def _start(app, email, n=3):
    return start_job(app, email, count_to, n=n)


def test_job_runs_through_rq_worker(app, client_as):
    queues = app.extensions.get("rq_queues")
    if not queues:
        pytest.skip("no Redis on this machine")
    run_id = _start(app, "owner@demo.test")
    client = client_as("owner@demo.test")
    assert client.get(f"/jobs/{run_id}").json["state"] == "queued"
    with app.app_context():
        SimpleWorker([queues["default"]], connection=app.extensions["redis"]).work(burst=True)
    status = client.get(f"/jobs/{run_id}").json
    assert status == {"id": run_id, "state": "done", "progress": 100, "message": "3/3", "download": True}
    download = client.get(f"/jobs/{run_id}/download")
    assert download.status_code == 200 and download.data == b"counted to 3"


def test_job_runs_in_process_without_redis(app, client_as, monkeypatch):
    monkeypatch.setitem(app.extensions, "rq_queues", {})
    run_id = _start(app, "admin@demo.test", n=4)
    status = wait_for_job(client_as("admin@demo.test"), run_id)
    assert status["state"] == "done" and status["message"] == "4/4"


def test_progress_and_output_are_only_for_the_owner(app, client_as, monkeypatch):
    monkeypatch.setitem(app.extensions, "rq_queues", {})
    run_id = _start(app, "owner@demo.test")
    wait_for_job(client_as("owner@demo.test"), run_id)
    for other in ("admin@demo.test", "owner@contoh.test", "admin@vendor.test"):
        assert client_as(other).get(f"/jobs/{run_id}").status_code == 404
        assert client_as(other).get(f"/jobs/{run_id}/download").status_code == 404


def test_running_a_finished_job_again_changes_nothing(app, monkeypatch, client_as):
    from app.jobs.queue import execute

    monkeypatch.setitem(app.extensions, "rq_queues", {})
    run_id = _start(app, "owner@demo.test")
    wait_for_job(client_as("owner@demo.test"), run_id)
    with app.app_context(), all_tenants():
        before = db.session.get(JobRun, run_id).finished_at
        execute(run_id, {"n": 3})
        db.session.expire_all()
        assert db.session.get(JobRun, run_id).finished_at == before


def test_periodic_jobs_are_due_by_their_cron_and_run_on_demand(app, monkeypatch):
    from datetime import UTC, datetime

    from app.jobs.schedule import due, registered, run_periodic

    assert "app.helpdesk.jobs.check_sla_breaches" in registered()
    every_ten = datetime(2026, 11, 22, 10, 9, 59, tzinfo=UTC)
    assert "app.helpdesk.jobs.check_sla_breaches" in due(datetime(2026, 11, 22, 10, 10, tzinfo=UTC), every_ten)
    assert "app.helpdesk.jobs.check_sla_breaches" not in due(
        datetime(2026, 11, 22, 10, 5, tzinfo=UTC), every_ten.replace(minute=1)
    )

    monkeypatch.setitem(app.extensions, "rq_queues", {})
    with app.app_context():
        run_id = run_periodic("app.helpdesk.jobs.check_sla_breaches").id
        db.session.commit()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with app.app_context(), all_tenants():
            state = db.session.get(JobRun, run_id).state
        if state in ("done", "failed"):
            break
        time.sleep(0.05)
    assert state == "done"
