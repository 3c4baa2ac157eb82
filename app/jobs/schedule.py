"""Periodic jobs: declared once with a cron expression, run by whichever runner the setup has.

- With Redis: `flask scheduler` (a process of its own, exactly one: Procfile `scheduler`, or beside
  gunicorn in bin/web with SINGLE_DYNO=1) runs RQ's CronScheduler on its main thread; at each cron
  time it enqueues `start_periodic(name)`, which records the run and hands it to a worker.
- Without Redis (the embedded default): a daemon thread in the web process checks every minute.
- By hand or from an external cron: `flask run-periodic NAME` (runs it to the end without Redis).
- PERIODIC_INTERVAL_SECONDS (tests and deploy smokes only) runs every periodic job every N seconds.

Periodic jobs act for the vendor (all tenants, said explicitly by their NULL tenant) and must be
idempotent: a missed or doubled tick must not matter.
"""

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from croniter import croniter

from app.jobs.queue import enqueue, job

log = logging.getLogger(__name__)
_periodic: dict[str, "Periodic"] = {}


@dataclass(frozen=True)
class Periodic:
    name: str
    func: object
    cron: str


def periodic(cron: str, queue: str = "default"):
    """`@periodic("*/15 * * * *") def check_sla_breaches(ctx): ...` — also a normal @job."""
    if not croniter.is_valid(cron):
        raise ValueError(f"invalid cron expression {cron!r}")

    def register(func):
        func = job(queue, retry=True)(func)  # periodic jobs are idempotent: an abandoned run starts again
        _periodic[func.job_name] = Periodic(func.job_name, func, cron)
        return func

    return register


def registered() -> dict[str, Periodic]:
    return dict(_periodic)


def run_periodic(name: str):
    """Enqueue one periodic job now (as the vendor: no tenant, no user); the caller commits."""
    return enqueue(_periodic[name].func, tenant_id=None, user_id=None)


def start_periodic(name: str) -> str:
    """What RQ's CronScheduler enqueues: record the run and hand it over (a job boundary: commits)."""
    from app.core.transaction import transaction

    with transaction():
        run = run_periodic(name)
    return run.id


def due(now: datetime, last_tick: datetime) -> list[str]:
    """Names whose cron time fell in (last_tick, now]."""
    return [p.name for p in _periodic.values() if croniter(p.cron, last_tick).get_next(datetime) <= now]


def cron_scheduler(app, connection):
    """RQ's CronScheduler with every periodic job; its start() must run on the main thread (signals)."""
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=connection, name=f"silogistik:{uuid.uuid4().hex[:8]}")
    queues = app.extensions["rq_queues"]
    every = app.config.get("PERIODIC_INTERVAL_SECONDS")
    for item in _periodic.values():
        timing = {"interval": int(every)} if every else {"cron": item.cron}
        scheduler.register(
            start_periodic, queue_name=queues[_spec_queue(item)].name, args=(item.name,), name=item.name, **timing
        )
    scheduler.register(sweep_jobs, queue_name=queues["default"].name, interval=int(every or SWEEP_SECONDS))
    return scheduler


def start_in_process_ticker(app) -> threading.Thread:
    """The embedded default's stand-in for a cron: check once a minute, in a daemon thread."""

    def tick_forever():
        last = datetime.now(UTC)
        while True:
            time.sleep(60)
            now = datetime.now(UTC)
            with app.app_context():
                for name in due(now, last):
                    try:
                        start_periodic(name)
                    except Exception:  # one failing schedule must not stop the others
                        log.exception("periodic job %s could not start", name)
                try:
                    sweep_jobs()
                except Exception:
                    log.exception("the job sweep failed")
            last = now

    thread = threading.Thread(target=tick_forever, daemon=True, name="periodic")
    thread.start()
    return thread


def _spec_queue(item: Periodic) -> str:
    from app.jobs.queue import _spec

    return _spec(item.name).queue


SWEEP_SECONDS = 60


def sweep_jobs() -> None:
    """Every minute, as a plain RQ job or in the ticker (no run row of its own): end runs abandoned by a
    killed worker, hand over runs Redis did not take (app/jobs/queue.py)."""
    from app.jobs.queue import sweep

    sweep()
