"""One way to declare and enqueue a job.

With REDIS_URL the job goes to RQ (named queues) and a worker runs it; without, the same
function runs on a background thread of this process, so a request never waits either way.
Every job runs in an app context, inside the tenant scope and acting user it was given.

The JobRun row is the outbox. `enqueue()` only adds it to the caller's session; the run is handed
to RQ (or a thread) after that transaction commits, and never when it rolls back. A run that could
not be handed over (Redis down) stays "queued" and `sweep()` hands it over later. A running job
beats a heartbeat on its row; a run whose heartbeat stopped (its worker or work-horse was killed) or
whose RQ job failed outside our code is abandoned: `recover()` restarts it when its job is declared
`retry=True` (idempotent), else marks it failed and lets the job release what it held (`on_abandon`).

`execute()` is a job's transaction boundary (issue 22): it commits the claim, then the job's work with
the run's end state, or rolls the work back and commits the failure. Jobs themselves never commit;
`JobContext.progress()` is the one documented exception (see there).
"""

import importlib
import json
import logging
import threading
import traceback
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event
from werkzeug.utils import secure_filename

from app.core import storage
from app.core.transaction import transaction
from app.extensions import db
from app.jobs.models import JobRun
from app.tenancy.context import Scope, all_tenants, reset_scope, set_scope
from app.tenancy.models import utcnow
from app.tenancy.scoping import SKIP_OPTION

log = logging.getLogger(__name__)
QUEUES = ("default", "mail", "documents")
MAX_ATTEMPTS = 3  # a retryable run abandoned this often is failed instead
_PENDING = "jobs_to_hand_over"  # session.info key: runs added in this transaction
_HOLD = "jobs_run_by_caller"  # session.info key: commit them, but the caller runs them (without_hand_over)
_registry: dict[str, "JobSpec"] = {}


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: object
    queue: str
    retry: bool = False
    on_abandon: object = None


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
        """Commits, so the page that started the job sees it move: the one documented commit inside a job
        besides `execute()`'s (the job's writes so far are committed with it, so a job calls it between
        whole steps). The row cannot be written through a second connection instead: the job's own
        transaction may hold its lock (set_result, a retry's state)."""
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


def job(queue: str = "default", *, retry: bool = False, on_abandon=None):
    """Declare a job: `@job("mail") def send_email(ctx, **kwargs)`.

    retry=True: the job is idempotent, a run abandoned by a killed worker is started again.
    on_abandon(**kwargs): otherwise called (in the recovering transaction) to release what the run held.
    """

    def register(func):
        name = f"{func.__module__}.{func.__name__}"
        _registry[name] = JobSpec(name, func, queue, retry, on_abandon)
        func.job_name = name
        return func

    return register


def _spec(name: str) -> JobSpec:
    if name not in _registry:
        module_name = name.rsplit(".", 1)[0]
        importlib.import_module(module_name)
    return _registry[name]


def enqueue(func, *, tenant_id: int | None, user_id: int | None, **kwargs) -> JobRun:
    """Record the run in the caller's transaction; it is handed to RQ or a thread once that commits."""
    spec = _spec(func.job_name)
    run = JobRun(
        id=str(uuid.uuid4()),
        tenant_id=tenant_id,
        user_id=user_id,
        name=spec.name,
        state="queued",
        progress=0,
        attempts=0,
        kwargs=json.dumps(kwargs),
    )
    db.session.add(run)
    db.session.info.setdefault(_PENDING, []).append((run.id, spec.queue, kwargs))
    return run


# --- handing over after commit ------------------------------------------------------------
@contextmanager
def without_hand_over():
    """Runs enqueued inside are committed but not handed over: the caller executes them (`flask run-periodic`)."""
    session = db.session()
    session.info[_HOLD] = True
    try:
        yield
    finally:
        session.info.pop(_HOLD, None)


def _after_commit(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if session.info.get(_HOLD):
        return
    if pending and has_app_context():
        app = current_app._get_current_object()
        for run_id, queue, kwargs in pending:
            hand_over(app, run_id, queue, kwargs)


def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without commit: nothing to hand over
        session.info.pop(_PENDING, None)


def install() -> None:
    """Hand runs over after the commit of the session that enqueued them (app/__init__.py)."""
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_transaction_end", _after_transaction_end)


def hand_over(app, run_id: str, queue: str, kwargs: dict) -> bool:
    """Give a committed run to RQ or a thread. False (and the run stays queued for sweep()) when Redis fails."""
    redis_queue = app.extensions.get("rq_queues", {}).get(queue)
    if redis_queue is None:
        threading.Thread(target=_run_in_app, args=(app, run_id, kwargs), daemon=True).start()
        return True
    try:
        redis_queue.enqueue(execute, run_id, kwargs, job_id=run_id, job_timeout=3600)
    except Exception:  # noqa: BLE001 (Redis down: the row is the outbox, sweep() retries)
        log.warning("job %s kept queued: the queue is unreachable (%s)", run_id, traceback.format_exc(limit=1))
        return False
    return True


def _run_in_app(app, run_id: str, kwargs: dict) -> None:
    with app.app_context():
        execute(run_id, kwargs)


# --- running -------------------------------------------------------------------------------
def heartbeat_seconds() -> float:
    return float(current_app.config.get("JOB_HEARTBEAT_SECONDS", 15))


def _beat(engine, run_id: str, every: float, stop: threading.Event) -> None:
    table = JobRun.__table__
    while not stop.wait(every):
        try:
            with engine.begin() as conn:
                conn.execute(
                    table.update().where(table.c.id == run_id, table.c.state == "running").values(heartbeat_at=utcnow())
                )
        except Exception:  # noqa: BLE001 (a missed beat is retried; a dead database ends the job anyway)
            log.warning("job %s: heartbeat not written", run_id)


def execute(run_id: str, kwargs: dict | None = None) -> None:
    """Run one job. Safe to call twice: only a queued run is started, by whoever claims it first.

    Needs an app context: `flask worker` (RQ) and the in-process thread both provide one.
    """
    claimed = db.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run_id, JobRun.state == "queued")
        .values(state="running", progress=0, heartbeat_at=utcnow(), attempts=JobRun.attempts + 1)
        .execution_options(synchronize_session=False, **{SKIP_OPTION: True})
    ).rowcount
    db.session.commit()
    if not claimed:
        db.session.remove()
        return None
    run = db.session.get(JobRun, run_id, execution_options={SKIP_OPTION: True})
    if kwargs is None:
        kwargs = json.loads(run.kwargs or "{}")
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(db.engine, run_id, heartbeat_seconds(), stop), daemon=True)
    beat.start()
    token = set_scope(Scope(tenant_id=run.tenant_id, all_tenants=run.tenant_id is None, user_id=run.user_id))
    try:
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
        stop.set()
        reset_scope(token)
        db.session.remove()
    return None


# --- abandoned runs and the outbox ------------------------------------------------------------
_RQ_GONE = ("failed", "stopped", "canceled")


def _rq_statuses(app, run_ids: list[str]) -> dict[str, str | None]:
    """RQ's status of each run's job (None: RQ does not know it). Empty without Redis or when it is down."""
    connection = app.extensions.get("redis")
    if connection is None or not run_ids:
        return {}
    from rq.job import Job

    try:
        jobs = Job.fetch_many(run_ids, connection=connection)
        found = zip(run_ids, jobs, strict=True)
        return {run_id: (job.get_status(refresh=False) if job is not None else None) for run_id, job in found}
    except Exception:  # noqa: BLE001
        log.warning("RQ unreachable: abandoned and waiting runs are checked later")
        return {}


def _abandoned(app, runs: list[JobRun]) -> list[JobRun]:
    """Running runs whose heartbeat stopped, or whose RQ job ended without our code finishing the run."""
    stale = utcnow() - timedelta(seconds=4 * heartbeat_seconds())
    statuses = _rq_statuses(app, [r.id for r in runs])
    found = []
    for run in runs:
        beat = run.heartbeat_at or run.created_at
        status = statuses.get(run.id, "unknown")
        if beat < stale or status in _RQ_GONE:
            found.append(run)
    return found


def _give_up_or_retry(run: JobRun) -> None:
    spec = _spec(run.name)
    kwargs = json.loads(run.kwargs or "{}")
    if spec.retry and (run.attempts or 0) < MAX_ATTEMPTS:
        run.state, run.progress, run.heartbeat_at = "queued", 0, None
        run.message = _("Restarted: the worker running this job stopped.")[:255]
        db.session.info.setdefault(_PENDING, []).append((run.id, spec.queue, kwargs))
        return
    run.state, run.finished_at = "failed", utcnow()
    run.message = _("The job stopped unexpectedly (its worker ended) and was not repeated. Please start it again.")[
        :255
    ]
    if spec.on_abandon is not None:
        spec.on_abandon(run, **kwargs)


def recover(run_ids: list[str] | None = None) -> int:
    """End abandoned runs visibly (all running ones, or those of `run_ids`); commits. Returns how many."""
    app = current_app._get_current_object()
    with all_tenants(), transaction():
        query = sa.select(JobRun).where(JobRun.state == "running")
        if run_ids is not None:
            query = query.where(JobRun.id.in_(run_ids))
        runs = db.session.execute(query.with_for_update(skip_locked=True)).scalars().all()
        abandoned = _abandoned(app, list(runs))
        for run in abandoned:
            log.warning("job %s (%s) was abandoned by its worker", run.id, run.name)
            _give_up_or_retry(run)
    return len(abandoned)


def hand_over_waiting() -> int:
    """Hand over committed runs still queued but unknown to the queue (Redis was down, or the process died)."""
    app = current_app._get_current_object()
    waited = utcnow() - timedelta(seconds=2 * heartbeat_seconds())
    with all_tenants(), transaction():  # ends the read before Redis is asked
        runs = db.session.execute(
            sa.select(JobRun.id, JobRun.name, JobRun.kwargs).where(JobRun.state == "queued", JobRun.created_at < waited)
        ).all()
    statuses = _rq_statuses(app, [r.id for r in runs])
    if app.extensions.get("redis") is not None and not statuses and runs:
        return 0  # Redis still down
    handed = 0
    for run_id, name, kwargs in runs:
        if statuses.get(run_id) in (None, *_RQ_GONE):
            handed += hand_over(app, run_id, _spec(name).queue, json.loads(kwargs or "{}"))
    return handed


def sweep() -> tuple[int, int]:
    """Both checks, as the periodic job and `flask scheduler` run them."""
    return recover(), hand_over_waiting()
