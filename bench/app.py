"""The benchmark's own app factory: the product app on the benchmark database, plus a bare FAB
ModelView over the same shipment table (for comparison only; never in the product menu).

    gunicorn 'bench.app:create_bench_app()'
"""

import os

from bench import db as bench_db

FAB_ROUTE = "/bench/fab-shipments"


def configure_environment(database: str = bench_db.DATABASE) -> None:
    """Before `config` is imported: the benchmark database, no rate limit, no in-process ticker."""
    for key, value in bench_db.app_env(database).items():
        if key in {"DATABASE_URL", "PERIODIC_IN_PROCESS", "AUTH_RATE_LIMITED", "RATELIMIT_ENABLED", "REDIS_URL"}:
            os.environ[key] = value


def create_bench_app(database: str | None = None, **overrides):
    configure_environment(database or os.environ.get("BENCH_DB", bench_db.DATABASE))
    from app import create_app

    app = create_app({"WTF_CSRF_ENABLED": False, "BABEL_DEFAULT_LOCALE": "id", **overrides})
    with app.app_context():
        app.appbuilder.add_view_no_menu(fab_shipment_view())
    if os.environ.get("BENCH_TIMING_LOG"):
        _log_server_time(app)
    return app


def _log_server_time(app) -> None:
    """Debug aid: each request's server-side wall and CPU time on stderr."""
    import sys

    from bench.harness import instrument

    timed = instrument(app)
    inner = timed.__call__

    def logged(environ, start_response):
        body = inner(environ, start_response)
        print(f"server {environ['PATH_INFO']} {timed.last_ms:.1f} ms cpu {timed.last_cpu_ms:.1f} ms "
              f"sql {timed.last_queries}", file=sys.stderr, flush=True)  # fmt: skip
        return body

    app.wsgi_app = logged


def fab_shipment_view():
    """FAB's stock list (offset pages, exact COUNT, its own filters) on the same table and indexes."""
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from app.core.views import TenantModelView
    from app.logistics.shipments.models import Shipment

    class ShipmentFabBenchView(TenantModelView):
        route_base = FAB_ROUTE
        datamodel = SQLAInterface(Shipment)
        class_permission_name = "Shipment"
        module_code = "shipments"
        include_route_methods = {"list"}
        list_columns = [
            "tracking_number",
            "sender_name",
            "receiver_name",
            "sender_city",
            "receiver_city",
            "total_weight",
            "status",
            "created_at",
        ]
        search_columns = ["tracking_number", "sender_name", "receiver_name", "status"]
        base_order = ("created_at", "desc")
        page_size = 25

    return ShipmentFabBenchView
