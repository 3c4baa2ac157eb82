"""Release, seed and worker commands."""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from app.extensions import db


@click.command("sync-roles")
@with_appcontext
def sync_roles_command():
    """Create permissions for every view and write the role catalogue (idempotent)."""
    from app import menu
    from app.security.sync import sync_roles

    appbuilder = current_app.appbuilder
    appbuilder.add_permissions(update_perms=True)
    changed = sync_roles(appbuilder, menu.menu_resources)
    appbuilder.security_cleanup()
    db.session.commit()
    for role, count in changed.items():
        click.echo(f"{role}: {count} permission changes")


@click.command("app-release")
@with_appcontext
def app_release_command():
    """What a deploy runs once: migrate, then sync roles and permissions."""
    upgrade()
    click.get_current_context().invoke(sync_roles_command)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Demo vendor staff, tenants `demo` and `contoh` and their users (idempotent)."""
    from app.seed import seed_demo

    for line in seed_demo(current_app.config["DEMO_PASSWORD"]):
        click.echo(line)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker_command(burst):
    """Run an RQ worker (with scheduler) on every queue."""
    from rq import Worker

    queues = list(current_app.extensions.get("rq_queues", {}).values())
    if not queues:
        raise click.ClickException("REDIS_URL is not set: jobs run in-process, no worker needed.")
    Worker(queues, connection=current_app.extensions["redis"]).work(with_scheduler=True, burst=burst)


def init_app(app) -> None:
    for command in (sync_roles_command, app_release_command, seed_demo_command, worker_command):
        app.cli.add_command(command)
