"""Jobs in tests: start one as a user, run what is queued in this process, wait for a run as its page shows it,
run the job a page started and open its output file."""

import io
import re
import time

import openpyxl

from app.core import storage


def run_jobs(app, wait=0.0):
    """Runs every job queued in Redis here, to the end (RQ's SimpleWorker in burst mode); without Redis the
    jobs run on threads of their own, given `wait` seconds."""
    queues = app.extensions.get("rq_queues")
    if queues:
        from rq import SimpleWorker

        with app.app_context():
            SimpleWorker(list(queues.values()), connection=app.extensions["redis"]).work(burst=True)
    elif wait:
        time.sleep(wait)


def start_job(app, email, func, **kwargs) -> str:
    """Enqueues `func` for the user with this e-mail, in its tenant's scope, and commits: the run's id."""
    from app.extensions import db
    from app.jobs.queue import enqueue
    from app.security.models import TenantUser
    from app.tenancy.context import tenant_scope

    with app.app_context():
        user = db.session.query(TenantUser).filter_by(email=email).one()
        with tenant_scope(user.tenant_id, user.id):
            run_id = enqueue(func, tenant_id=user.tenant_id, user_id=user.id, **kwargs).id
            db.session.commit()
    return run_id


def wait_for_job(client, run_id, seconds=30) -> dict:
    """What the job's status page (/jobs/<id>, the one a browser polls) answers once the run is done or failed;
    jobs queued in Redis are run here meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(f"/jobs/{run_id}").json
        if status["state"] in ("done", "failed"):
            return status
        run_jobs(client.application, wait=0.05)
    raise AssertionError(f"job {run_id} did not finish in {seconds} s")


def run_here(run_id):
    """Runs the job through its runner (app/jobs/queue.py execute()) in this process: its run, read again."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.jobs.models import JobRun
    from app.jobs.queue import execute
    from app.tenancy.context import all_tenants

    execute(run_id)
    db.session.expire_all()
    with all_tenants():
        return db.session.execute(sa.select(JobRun).where(JobRun.id == run_id)).scalar_one()


def finished_run(response):
    """The job whose progress page `response` redirects to (/labels/job/<id>), executed; it must be done."""
    assert response.status_code == 302
    run = run_here(re.search(r"/labels/job/([0-9a-f-]+)", response.headers["Location"]).group(1))
    assert run.state == "done", run.message
    return run


def result_sheet(run):
    """The first sheet of the run's Excel file."""
    return openpyxl.load_workbook(io.BytesIO(storage.read(run.result_path))).active


def exported_sheet(client, response):
    """`response`: an export request's redirect to its progress page. The job run, its file downloaded as
    the user gets it, its first sheet."""
    run = finished_run(response)
    download = client.get(f"/jobs/{run.id}/download")
    assert download.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(download.data)).active
