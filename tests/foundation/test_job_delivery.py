"""Jobs reach their queue only with the commit that recorded them, survive Redis being down, and never
stay "running" after their worker was killed."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.jobs.models import JobRun
from app.jobs.queue import enqueue, execute, hand_over_waiting
from app.tenancy.context import all_tenants
from tests.conftest import app_config, login
from tests.foundation.test_jobs import count_to
from tests.support.jobs import run_jobs

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


class RecordingQueue:
    """Stands in for an RQ queue: what was handed over, and when."""

    def __init__(self):
        self.handed = []

    def enqueue(self, func, run_id, kwargs, **_options):
        self.handed.append((run_id, kwargs))


def _run(app, run_id):
    with app.app_context(), all_tenants():
        return db.session.get(JobRun, run_id)


def test_a_job_reaches_the_queue_only_when_its_transaction_commits(app, monkeypatch):
    queue = RecordingQueue()
    monkeypatch.setitem(app.extensions, "rq_queues", {"default": queue})
    with app.app_context(), all_tenants():
        dropped = enqueue(count_to, tenant_id=None, user_id=None, n=2).id
        assert queue.handed == []  # not before the commit
        db.session.rollback()
        kept = enqueue(count_to, tenant_id=None, user_id=None, n=2).id
        assert queue.handed == []
        db.session.commit()
    assert _run(app, dropped) is None and [run_id for run_id, _ in queue.handed] == [kept]
    with app.app_context():
        execute(*queue.handed[0])
    assert _run(app, kept).state == "done" and _run(app, kept).message == "2/2"


def test_filing_a_ticket_with_redis_down_keeps_the_mail_and_sends_it_later(app, database_url, test_files):
    from app import create_app
    from app.helpdesk.models import Ticket

    down = create_app(app_config(database_url, "redis://127.0.0.1:9/0", test_files))  # nothing listens on port 9
    owner = login(down, "owner@demo.test")
    title = f"Redis down {time.monotonic_ns()}"
    response = owner.post(
        "/bantuan/tickets/new",
        data={"title": title, "category": "bug", "priority": "sedang", "description": "Tidak bisa cetak resi"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context(), all_tenants():
        assert db.session.execute(sa.select(Ticket).where(Ticket.title == title)).scalar_one()
        waiting = (
            db.session.execute(
                sa.select(JobRun).where(JobRun.name == "app.jobs.tasks.send_email", JobRun.kwargs.contains(title))
            )
            .scalars()
            .all()
        )
        assert waiting and {run.state for run in waiting} == {"queued"}
        run_ids = [run.id for run in waiting]
        # Redis is back (the session's app: the machine's Redis, or in-process threads without it).
        for run in waiting:
            run.created_at -= timedelta(hours=1)  # long enough ago for the sweep
        db.session.commit()
        assert hand_over_waiting() >= len(run_ids)
    run_jobs(app)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and {_run(app, r).state for r in run_ids} != {"done"}:
        time.sleep(0.1)
    assert {_run(app, r).state for r in run_ids} == {"done"}
    mails = [p.read_text(errors="replace") for p in Path(app.config["MAIL_CAPTURE_DIR"]).glob("*")]
    assert any(title in mail for mail in mails)


def _env(app, database_url, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST"))}
    env.update(
        FLASK_APP="run.py",
        DATABASE_URL=database_url,
        REDIS_URL=app.config["REDIS_URL"],
        RQ_QUEUE_PREFIX=app.config["RQ_QUEUE_PREFIX"],
        FILE_STORAGE_DIR=app.config["FILE_STORAGE_DIR"],
        MAIL_CAPTURE_DIR=app.config["MAIL_CAPTURE_DIR"],
        PERIODIC_IN_PROCESS="0",
    )
    env.update(extra)
    return env


def test_run_periodic_without_redis_runs_the_job_before_it_exits(app, database_url):
    name = "app.helpdesk.jobs.check_sla_breaches"
    result = subprocess.run(
        [FLASK, "run-periodic", name],
        cwd=ROOT,
        env=_env(app, database_url, REDIS_URL=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with app.app_context(), all_tenants():
        latest = db.session.execute(
            sa.select(JobRun).where(JobRun.name == name).order_by(JobRun.created_at.desc()).limit(1)
        ).scalar_one()
        assert latest.state == "done", result.stdout


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.slow
def test_a_job_whose_work_horse_was_killed_fails_visibly_and_frees_the_invoice(app, client_as, database_url):
    """The invoice e-mail hangs on an SMTP server that never answers; its work-horse is SIGKILLed."""
    from app.billing.models import Invoice

    if not app.extensions.get("rq_queues"):
        pytest.skip("needs Redis: without it jobs run on threads of the web process")
    silent_smtp = socket.socket()
    silent_smtp.bind(("127.0.0.1", 0))
    silent_smtp.listen(5)
    env = _env(
        app,
        database_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(silent_smtp.getsockname()[1]),
        JOB_HEARTBEAT_SECONDS="1",
    )
    with app.app_context(), all_tenants():
        invoice = db.session.execute(sa.select(Invoice).where(Invoice.credit_note == None).limit(1)).scalar_one()  # noqa: E711
        invoice.email_state, pk = None, invoice.id
        db.session.commit()
    client = client_as("admin@vendor.test")
    assert client.post(f"/billing/invoices/{pk}/send").status_code == 302
    with app.app_context(), all_tenants():
        run_id = db.session.get(Invoice, pk).email_job_id
    worker = subprocess.Popen([FLASK, "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _run(app, run_id).state != "running":
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            time.sleep(0.2)
        assert _run(app, run_id).state == "running"
        horses = _children(worker.pid)
        assert horses, "the worker runs the job in a forked work-horse"
        for horse in horses:
            os.kill(horse, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = client.get(f"/jobs/{run_id}").json  # the page that polls the job
            if status["state"] != "running":
                break
            time.sleep(0.5)
        assert status["state"] == "failed" and "stopped unexpectedly" in status["message"]
        email = client.get(f"/billing/invoices/{pk}/email-state").json
        assert email["state"] == "failed" and "stopped unexpectedly" in email["error"]
        # Released: the invoice can be sent again right away.
        client.post(f"/billing/invoices/{pk}/send")
        with app.app_context(), all_tenants():
            assert db.session.get(Invoice, pk).email_job_id not in (None, run_id)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        silent_smtp.close()
        _work_off_quietly(app)


def _work_off_quietly(app):
    """Leave no job of this test in the queues for later tests' burst workers (the SMTP server is gone)."""
    queues = app.extensions.get("rq_queues") or {}
    for queue in queues.values():
        queue.empty()


def test_an_abandoned_idempotent_job_is_restarted_and_another_is_failed(app, monkeypatch):
    """Runs whose heartbeat stopped long ago (their process died): a periodic job (idempotent) runs again,
    a mail is not repeated but ends failed with a message."""
    from app.jobs.queue import recover
    from app.jobs.schedule import run_periodic
    from app.jobs.tasks import send_email

    queue = RecordingQueue()
    monkeypatch.setitem(app.extensions, "rq_queues", {"default": queue, "mail": queue})
    monkeypatch.setitem(app.extensions, "redis", None)
    with app.app_context(), all_tenants():
        periodic_id = run_periodic("app.helpdesk.jobs.check_sla_breaches").id
        mail_id = enqueue(send_email, tenant_id=None, user_id=None, to="x@demo.test", subject="s", text="t").id
        db.session.commit()
        queue.handed.clear()
        long_ago = db.session.get(JobRun, periodic_id).created_at - timedelta(hours=1)
        for run_id in (periodic_id, mail_id):
            db.session.get(JobRun, run_id).state = "running"
            db.session.get(JobRun, run_id).heartbeat_at = long_ago
        db.session.commit()
        assert recover([periodic_id, mail_id]) == 2
    assert [run_id for run_id, _ in queue.handed] == [periodic_id]
    assert _run(app, periodic_id).state == "queued" and "Restarted" in _run(app, periodic_id).message
    assert _run(app, mail_id).state == "failed" and "stopped unexpectedly" in _run(app, mail_id).message
    with app.app_context():
        execute(*queue.handed[0])
    assert _run(app, periodic_id).state == "done"
