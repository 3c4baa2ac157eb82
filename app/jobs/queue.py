"""One way to declare and enqueue a job.

With REDIS_URL the job goes to RQ (named queues) and a worker runs it; without, the same
function runs on a background thread of this process, so a request never waits either way.
Every job runs in an app context, inside the tenant scope and acting user it was given.
"""

import importlib
import logging
import threading
import traceback
import uuid
from dataclasses import dataclass

from flask import current_app
from werkzeug.utils import secure_filename

from app.core import storage
from app.extensions import db
from app.jobs.models import JobRun
from app.tenancy.context import Scope, reset_scope, set_scope
from app.tenancy.models import utcnow
from app.tenancy.scoping import SKIP_OPTION

log = logging.getLogger(__name__)
QUEUES = ("default", "mail", "documents")
_registry: dict[str, "JobSpec"] = {}


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: object
    queue: str


class JobContext:
    """What a running job may use: its run record, and a way to report progress."""

    def __init__(self, run: JobRun):
        self.run = run

    @property
    def tenant_id(self) -> int | None:
        return self.run.tenant_id

    @property
    def user_id(self) -> int | None:
        return self.run.user_id

    def progress(self, percent: int, message: str | None = None) -> None:
        self.run.progress = max(0, min(100, int(percent)))
        if message is not None:
            self.run.message = message[:255]
        db.session.commit()

    def set_result(self, key: str, download_name: str) -> None:
        """Name an already stored file (a storage key, not a path) as the run's download."""
        self.run.result_path = storage.check_key(key)
        self.run.result_name = download_name

    def store_result(self, filename: str, content, content_type: str) -> str:
        """Store the run's output file (bytes or a binary file object) and offer it as its download."""
        key = storage.put(f"jobs/{self.run.id}/{secure_filename(filename) or 'result'}", content, content_type)
        self.set_result(key, filename)
        return key


def job(queue: str = "default"):
    """Declare a job: `@job("mail") def send_email(ctx, **kwargs)`."""

    def register(func):
        name = f"{func.__module__}.{func.__name__}"
        _registry[name] = JobSpec(name, func, queue)
        func.job_name = name
        return func

    return register


def _spec(name: str) -> JobSpec:
    if name not in _registry:
        module_name = name.rsplit(".", 1)[0]
        importlib.import_module(module_name)
    return _registry[name]


def enqueue(func, *, tenant_id: int | None, user_id: int | None, **kwargs) -> JobRun:
    """Record the run, then hand it to RQ or a thread once the caller's transaction commits."""
    spec = _spec(func.job_name)
    run = JobRun(id=str(uuid.uuid4()), tenant_id=tenant_id, user_id=user_id, name=spec.name)
    db.session.add(run)
    db.session.commit()
    app = current_app._get_current_object()
    redis_queue = app.extensions.get("rq_queues", {}).get(spec.queue)
    if redis_queue is not None:
        redis_queue.enqueue(execute, run.id, kwargs, job_id=run.id, job_timeout=3600)
    else:
        threading.Thread(target=_run_in_app, args=(app, run.id, kwargs), daemon=True).start()
    return run


def _run_in_app(app, run_id: str, kwargs: dict) -> None:
    with app.app_context():
        execute(run_id, kwargs)


def execute(run_id: str, kwargs: dict) -> None:
    """Run one job. Safe to call twice: a finished run is not repeated.

    Needs an app context: `flask worker` (RQ) and the in-process thread both provide one.
    """
    run = db.session.get(JobRun, run_id, execution_options={SKIP_OPTION: True})
    if run is None or run.state == "done":
        return None
    token = set_scope(Scope(tenant_id=run.tenant_id, all_tenants=run.tenant_id is None, user_id=run.user_id))
    try:
        run.state, run.progress = "running", 0
        db.session.commit()
        _spec(run.name).func(JobContext(run), **kwargs)
        run.state, run.progress, run.finished_at = "done", 100, utcnow()
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.error("job %s failed: %s", run_id, traceback.format_exc())
        run = db.session.get(JobRun, run_id, execution_options={SKIP_OPTION: True})
        run.state, run.message, run.finished_at = "failed", str(exc)[:255], utcnow()
        db.session.commit()
        raise
    finally:
        reset_scope(token)
        db.session.remove()
    return None
