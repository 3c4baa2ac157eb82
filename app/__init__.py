"""The composition root: create_app() and a few named init steps."""

import importlib
import logging

from flask import Flask
from flask_appbuilder import AppBuilder
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from app import models  # noqa: F401  (every model on the metadata before any view is built)
from app.core.views import DatabaseIdConverter
from app.extensions import db, migrate
from config import BASE_DIR


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    app.config.from_object("config")
    if overrides:
        app.config.update(overrides)
    logging.basicConfig(level=logging.INFO)
    _init_catalogues(app)
    _init_proxy(app)
    _init_data(app)
    _init_queues(app)
    with app.app_context():
        _init_appbuilder(app)
    _init_web(app)
    _init_cli(app)
    _init_periodic(app)
    return app


# Modules that declare jobs; imported so that workers and schedulers know every job by name.
JOB_MODULES = (
    "app.jobs.tasks",
    "app.billing.jobs",
    "app.helpdesk.jobs",
    "app.notifications.jobs",
    "app.billing.lifecycle",
    "app.billing.payment_jobs",
    "app.signup.jobs",
    "app.logistics.finance.jobs",
)


def _init_periodic(app: Flask) -> None:
    """Without Redis, periodic jobs tick in this process (the embedded default); tests run them by hand."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    if app.config["REDIS_URL"] or app.config.get("TESTING") or not app.config["PERIODIC_IN_PROCESS"]:
        return
    from app.jobs.schedule import start_in_process_ticker

    start_in_process_ticker(app)


def _init_catalogues(app: Flask) -> None:
    """A deploy ships only .po files: compile the .mo catalogues this process lacks (app/core/catalogues.py)."""
    from app.core.catalogues import compile_missing

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = compile_missing(app.config["BABEL_TRANSLATION_DIRECTORIES"])


def _init_proxy(app: Flask) -> None:
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_data(app: Flask) -> None:
    from app.audit.services import install as install_audit
    from app.core.sqlite_foreign_keys import install as install_sqlite_foreign_keys
    from app.tenancy.freshness import install as install_freshness
    from app.tenancy.scoping import install as install_scoping

    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # In-process jobs and web threads share the file: wait for another writer's commit instead of
        # failing after SQLite's default 5 s ("database is locked").
        options["connect_args"] = {**options.get("connect_args", {}), "timeout": 30}
    else:
        # PostgreSQL's JIT compiles a query whose estimated cost is high, which costs 40-60 ms on every call of
        # a statement that runs in a few ms (the vendor home's client counts): short requests never repay it.
        options["connect_args"] = {**options.get("connect_args", {}), "options": "-c jit=off"}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True, compare_type=True)
    install_scoping()
    install_audit()
    install_freshness()
    install_sqlite_foreign_keys()
    from app.core import storage

    storage.init_app(app)


def _init_queues(app: Flask) -> None:
    from app.jobs.queue import install as install_job_hand_over

    install_job_hand_over()  # runs reach their queue or thread after the commit that recorded them
    url = app.config["REDIS_URL"]
    if not url:
        return
    from redis import Redis
    from rq import Queue

    from app.jobs.queue import QUEUES

    connection = Redis.from_url(url)
    prefix = app.config["RQ_QUEUE_PREFIX"]
    app.extensions["redis"] = connection
    app.extensions["rq_queues"] = {name: Queue(prefix + name, connection=connection) for name in QUEUES}


def _init_appbuilder(app: Flask) -> None:
    from app import menu
    from app.security.manager import SecurityManager

    # Passed as a class, not FAB_SECURITY_MANAGER_CLASS: FAB logs a failed import of that path and
    # quietly runs its own manager, without the tenant scoping and the one access check.
    appbuilder = AppBuilder(
        indexview=menu.INDEX_VIEW, base_template="base.html", update_perms=False, security_manager_class=SecurityManager
    )
    appbuilder.init_app(app, db.session)
    menu.register_all(appbuilder)


def _init_web(app: Flask) -> None:
    from app.core import csrf, errors, formatting, headers, health, locales, templating
    from app.tenancy import request as tenant_request

    headers.init_app(app)  # first: its nonce exists before any other hook may answer
    csrf.init_app(app)
    locales.init_app(app)
    tenant_request.init_app(app)
    templating.init_app(app)
    app.context_processor(lambda: {"appbuilder": app.appbuilder, "current_locale": lambda: str(get_locale() or "id")})
    formatting.register_template_filters(app)
    errors.init_app(app)
    app.register_blueprint(health.blueprint)


def _init_cli(app: Flask) -> None:
    from app import cli

    cli.init_app(app)
