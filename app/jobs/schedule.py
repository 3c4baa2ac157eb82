"""Periodic jobs: declared once with a cron expression, run by whichever runner the setup has.

- With Redis: `flask worker` starts RQ's CronScheduler beside the worker; it enqueues
  `run_periodic(name)` on the job's queue at each cron time.
- Without Redis (the embedded default): a daemon thread in the web process checks every minute.
- By hand or from an external cron: `flask run-periodic NAME`.

Periodic jobs act for the vendor (all tenants, said explicitly by their NULL tenant) and must be
idempotent: a missed or doubled tick must not matter.
"""

import logging
import threading
import time
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
        func = job(queue)(func)
        _periodic[func.job_name] = Periodic(func.job_name, func, cron)
        return func

    return register


def registered() -> dict[str, Periodic]:
    return dict(_periodic)


def run_periodic(name: str):
    """Start one periodic job now (as the vendor: no tenant, no user)."""
    return enqueue(_periodic[name].func, tenant_id=None, user_id=None)


def due(now: datetime, last_tick: datetime) -> list[str]:
    """Names whose cron time fell in (last_tick, now]."""
    return [p.name for p in _periodic.values() if croniter(p.cron, last_tick).get_next(datetime) <= now]


def start_cron_scheduler(app, connection) -> threading.Thread:
    """RQ's CronScheduler in a thread of the worker process."""
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=connection)
    queues = app.extensions["rq_queues"]
    for item in _periodic.values():
        scheduler.register(run_periodic, queue_name=queues[_spec_queue(item)].name, args=(item.name,), cron=item.cron)
    thread = threading.Thread(target=_with_context(app, scheduler.start), daemon=True, name="cron")
    thread.start()
    return thread


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
                        run_periodic(name)
                    except Exception:  # one failing schedule must not stop the others
                        log.exception("periodic job %s could not start", name)
            last = now

    thread = threading.Thread(target=tick_forever, daemon=True, name="periodic")
    thread.start()
    return thread


def _spec_queue(item: Periodic) -> str:
    from app.jobs.queue import _spec

    return _spec(item.name).queue


def _with_context(app, func):
    def run():
        with app.app_context():
            func()

    return run
