"""A job a page started, run to its end in the test (no worker), and its output file."""

import io
import re

import openpyxl
import sqlalchemy as sa

from app.core import storage
from app.jobs.models import JobRun
from app.jobs.queue import execute
from app.tenancy.context import all_tenants


def finished_run(response) -> JobRun:
    """The job whose progress page `response` redirects to (/labels/job/<id>), executed; it must be done."""
    from app.extensions import db

    assert response.status_code == 302
    run_id = re.search(r"/labels/job/([0-9a-f-]+)", response.headers["Location"]).group(1)
    execute(run_id)
    db.session.expire_all()
    with all_tenants():
        run = db.session.execute(sa.select(JobRun).where(JobRun.id == run_id)).scalar_one()
    assert run.state == "done", run.message
    return run


def result_sheet(run: JobRun):
    """The first sheet of the run's Excel file."""
    return openpyxl.load_workbook(io.BytesIO(storage.read(run.result_path))).active


def exported_sheet(client, response):
    """`response`: an export request's redirect to its progress page. The job run, its file downloaded as
    the user gets it, its first sheet."""
    run = finished_run(response)
    download = client.get(f"/jobs/{run.id}/download")
    assert download.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(download.data)).active
