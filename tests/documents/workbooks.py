"""Excel exports as the user receives them: the job a request started, run, and its file downloaded."""

import io
import re

import openpyxl
import sqlalchemy as sa

from app.jobs.models import JobRun
from app.jobs.queue import execute
from app.tenancy.context import all_tenants


def exported_sheet(client, response):
    """`response`: the export request's redirect to its progress page. Runs the job; its sheet, downloaded."""
    from app.extensions import db

    assert response.status_code == 302
    run_id = re.search(r"/labels/job/([0-9a-f-]+)", response.headers["Location"]).group(1)
    execute(run_id)
    db.session.expire_all()
    with all_tenants():
        run = db.session.execute(sa.select(JobRun).where(JobRun.id == run_id)).scalar_one()
    assert run.state == "done", run.message
    download = client.get(f"/jobs/{run_id}/download")
    assert download.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(download.data)).active
