"""Release, seed and worker commands."""

import os

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from app.core.transaction import transaction


@click.command("sync-roles")
@with_appcontext
def sync_roles_command():
    """Create permissions for every view and write the role catalogue (idempotent)."""
    from app import menu
    from app.security.sync import sync_roles

    appbuilder = current_app.appbuilder
    with transaction():
        appbuilder.add_permissions(update_perms=True)
        changed = sync_roles(appbuilder, menu.menu_resources)
        appbuilder.security_cleanup()
    for role, count in changed.items():
        click.echo(f"{role}: {count} permission changes")


@click.command("app-release")
@with_appcontext
def app_release_command():
    """What a deploy runs once: migrate, then sync roles and permissions."""
    # ALEMBIC_TARGET=heads only while parallel work has not been re-chained into one history yet.
    upgrade(revision=os.environ.get("ALEMBIC_TARGET", "head"))
    click.get_current_context().invoke(sync_roles_command)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Demo vendor staff, tenants `demo` and `contoh` and their users (idempotent)."""
    from app.seed import seed_demo

    with transaction():
        lines = seed_demo(current_app.config["DEMO_PASSWORD"])
    for line in lines:
        click.echo(line)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker_command(burst):
    """Run an RQ worker on every queue (periodic jobs come from `flask scheduler`)."""
    from rq import Worker

    queues = list(current_app.extensions.get("rq_queues", {}).values())
    if not queues:
        raise click.ClickException("REDIS_URL is not set: jobs run in-process, no worker needed.")
    # No RQ scheduler process (it serves enqueue_in/enqueue_at, which nothing uses): one process less per dyno.
    Worker(queues, connection=current_app.extensions["redis"]).work(with_scheduler=False, burst=burst)


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Enqueue the periodic jobs at their cron times (RQ's CronScheduler). Run exactly one."""
    import time

    from redis.exceptions import ConnectionError as RedisConnectionError

    from app.jobs.schedule import cron_scheduler

    if not current_app.extensions.get("rq_queues"):
        raise click.ClickException("REDIS_URL is not set: periodic jobs tick in the web process, no scheduler needed.")
    app = current_app._get_current_object()
    while True:  # on the main thread: CronScheduler installs its signal handlers here
        try:
            cron_scheduler(app, app.extensions["redis"]).start()
            return
        except RedisConnectionError:
            click.echo("scheduler: Redis unreachable, retrying in 5 s", err=True)
            time.sleep(5)


@click.command("run-periodic")
@click.argument("name", required=False)
@with_appcontext
def run_periodic_command(name):
    """Run a periodic job now; without NAME, list them. Without Redis it runs here, to the end."""
    from app.jobs.schedule import registered, run_periodic

    if not name:
        for item in registered().values():
            click.echo(f"{item.cron:15} {item.name}")
        return
    if name not in registered():
        raise click.ClickException(f"unknown periodic job {name}; run without a name to list them")
    if current_app.extensions.get("rq_queues"):
        with transaction():  # RQ gets it after the commit
            run = run_periodic(name)
        click.echo(f"queued {name} as job {run.id}")
        return
    from app.jobs.queue import execute, without_hand_over

    with without_hand_over(), transaction():
        run = run_periodic(name)
    run_id = run.id
    try:
        execute(run_id)
    except Exception as exc:
        raise click.ClickException(f"{name} failed: {exc}") from exc
    click.echo(f"ran {name} as job {run_id}")


def init_app(app) -> None:
    for command in (
        sync_roles_command,
        app_release_command,
        seed_demo_command,
        worker_command,
        scheduler_command,
        run_periodic_command,
    ):
        app.cli.add_command(command)
