"""P1: the shipment list of the largest tenant (demo, 200k shipments), server-side p50/p95.

    python -m bench.list_pages [--runs 200] [--warmup 20] [--term wati [--term ...]] [--status in_transit]

Each case runs through the real Flask app (timed around the WSGI call, SQL statements counted),
next to the same page served by a bare FAB ModelView on the same table and indexes
(bench.app, offset pages + exact COUNT) and to the raw SQL of the product's page query.

The list's filters, rows and pager are cached per process under the tenant's data version
(app/tenancy/freshness.py): each product case is measured "after a write" (the version moved before
every request, so the page is computed: the figure the target applies to) and cached.
"""

import argparse
import time
from urllib.parse import urlencode

from sqlalchemy.dialects import postgresql

from bench import db as bench_db
from bench.app import FAB_ROUTE, create_bench_app
from bench.harness import Stats, a_write, instrument, logged_in_client, measure, table, time_sql

FAB_PAGE_ARG = "page_ShipmentFabBenchView"
USER = "admin@demo.test"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--page", type=int, default=500)
    parser.add_argument(
        "--term",
        action="append",
        help="a 'contains' search (repeat for several: a name, a phone, an address, an item); default wati",
    )
    parser.add_argument("--status", default="delivered")
    parser.add_argument("--skip-fab", action="store_true")
    return parser.parse_args(argv)


def cases(args, cursor: str) -> list[dict]:
    """name, product URL, FAB URL and the product ListQuery arguments of each case."""
    fab = f"{FAB_ROUTE}/list/"
    return [
        {"name": "page 1", "url": "/shipments/", "fab": fab, "args": {}},
        {
            "name": f"page {args.page}",
            "url": f"/shipments/?after={cursor}",
            "fab": f"{fab}?{FAB_PAGE_ARG}={args.page - 1}",
            "args": {"after": cursor},
        },
        {
            "name": f"status = {args.status}",
            "url": f"/shipments/?status={args.status}",
            "fab": f"{fab}?_flt_3_status={args.status}",
            "args": {"status": args.status},
        },
        *(
            {
                "name": f"contains '{term}'",
                "url": f"/shipments/?{urlencode({'q': term})}",
                "fab": f"{fab}?{urlencode({'_flt_2_sender_name': term})}",
                "args": {"q": term},
            }
            for term in args.term or ["wati"]
        ),
    ]


def demo_ids(app) -> tuple[int, int]:
    import sqlalchemy as sa

    from app.extensions import db
    from app.security.models import TenantUser

    with app.app_context():
        user = db.session.execute(sa.select(TenantUser).where(TenantUser.email == USER)).scalar_one()
        return user.tenant_id, user.id


def cursor_of_page(app, tenant_id: int, user_id: int, page: int) -> str:
    """Walk the list like a user clicking "next": the cursor that opens page `page`."""
    from app.logistics.shipments.listing import ListQuery, fetch_page
    from app.tenancy.context import tenant_scope

    token = ""
    with app.app_context(), tenant_scope(tenant_id, user_id):
        for _ in range(page - 1):
            token = fetch_page(ListQuery(after=token)).next_cursor
    return token


def raw_sql(app, tenant_id: int, query_args: dict) -> str:
    """The product's page statement with the tenant condition the scoping hook adds, as literal SQL."""
    from app.extensions import db
    from app.logistics.shipments.listing import ListQuery, page_statement
    from app.logistics.shipments.models import Shipment

    with app.app_context():
        stmt, _cursor = page_statement(ListQuery(**query_args))
        stmt = stmt.where(Shipment.tenant_id == tenant_id)
        sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        db.session.remove()
    return sql


def main(argv=None) -> None:
    args = parse_args(argv)
    app = create_bench_app()
    timed = instrument(app)
    client = logged_in_client(app, USER)
    tenant_id, user_id = demo_ids(app)
    began = time.monotonic()
    cursor = cursor_of_page(app, tenant_id, user_id, args.page)
    print(f"cursor of page {args.page} found in {time.monotonic() - began:.1f} s (walking the pages)")
    rows, write = [], a_write(app, "demo")
    with bench_db.connect() as conn:
        for case in cases(args, cursor):
            product = measure(
                client, timed, case["name"], case["url"], runs=args.runs, warmup=args.warmup, before=write
            )
            cached = measure(client, timed, case["name"], case["url"], runs=args.runs, warmup=args.warmup)
            fab = (
                Stats("fab", [float("nan")])
                if args.skip_fab
                else measure(client, timed, case["name"], case["fab"], runs=args.runs, warmup=args.warmup)
            )
            raw = time_sql(conn, raw_sql(app, tenant_id, case["args"]), runs=args.runs, warmup=args.warmup)
            rows.append(
                [case["name"], f"{product.p50:.1f}", f"{product.p95:.1f}", f"{product.cpu_p50:.1f}",
                 f"{product.queries:.0f}", f"{cached.p50:.1f}", f"{cached.p95:.1f}",
                 f"{fab.p50:.1f}", f"{fab.p95:.1f}", f"{fab.queries:.0f}", f"{raw.p50:.2f}", f"{raw.p95:.2f}"]
            )  # fmt: skip
            print(" | ".join(rows[-1]), flush=True)
    headers = ["case", "SiLogistik after a write p50 ms", "p95 ms", "CPU p50 ms", "SQL/req", "cached p50 ms", "p95 ms",
               "bare FAB p50 ms", "p95 ms", "SQL/req", "raw SQL p50 ms", "p95 ms"]  # fmt: skip
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"\nP1, {args.runs} runs per case after {args.warmup} warm-up, {stamp}")
    print(table(rows, headers))


if __name__ == "__main__":
    main()
