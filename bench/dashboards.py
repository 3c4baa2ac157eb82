"""P3: the two dashboards on the benchmark data set, server-side p50/p95 per page and JSON endpoint.

    python -m bench.generate --shipments 1000000 --clients 10000 --invoices 120000 --tickets 50000
    python -m bench.dashboards [--runs 100] [--warmup 10]

Each case runs through the real Flask app (bench.app on the benchmark database), timed around
the WSGI call (bench.harness: the body fully produced, SQL statements counted). Target: p95 <= 150 ms.
Tenant cases sign in to "demo", the largest tenant (200k shipments over two years); the Kurir
case exercises the per-courier narrowing. Vendor cases sign in on the vendor host.
The tenant figures are cached per process under the tenant's data version (app/tenancy/freshness.py):
each tenant case is measured "after a write" (the version moved before every request, as any change
to the tenant's shipments or users moves it: the figures are computed) and "cached".
"""

import argparse
import time

from bench.app import create_bench_app
from bench.harness import a_write, instrument, logged_in_client, measure, table

TENANT_HOST = "demo.localhost"
VENDOR_HOST = "localhost"
TARGET_MS = 150

CASES = (
    # (user, host, name, url)
    ("admin@demo.test", TENANT_HOST, "tenant dashboard page (7 days)", "/"),
    ("admin@demo.test", TENANT_HOST, "tenant dashboard page (monthly)", "/?trend=12m"),
    ("admin@demo.test", TENANT_HOST, "tenant JSON (7 days)", "/dashboard/data?trend=7d"),
    ("admin@demo.test", TENANT_HOST, "tenant JSON (monthly)", "/dashboard/data?trend=12m"),
    ("kurir@demo.test", TENANT_HOST, "Kurir dashboard page", "/"),
    ("kurir@demo.test", TENANT_HOST, "Kurir JSON (monthly)", "/dashboard/data?trend=12m"),
    ("admin@vendor.test", VENDOR_HOST, "vendor home page (clients, month)", "/"),
    ("admin@vendor.test", VENDOR_HOST, "vendor home page (revenue, year)", "/?metric=revenue&period=year"),
    ("admin@vendor.test", VENDOR_HOST, "vendor JSON (clients, week)", "/vendor/home/data?metric=clients&period=week"),
    ("admin@vendor.test", VENDOR_HOST, "vendor JSON (revenue, month)", "/vendor/home/data?metric=revenue&period=month"),
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    return parser.parse_args(argv)


def data_set(app) -> str:
    import sqlalchemy as sa

    from app.extensions import db

    with app.app_context():
        counts = {
            table_name: db.session.execute(sa.text(f"SELECT count(*) FROM {table_name}")).scalar_one()
            for table_name in ("shipment", "tenant", "billing_invoice", "billing_payment", "helpdesk_ticket")
        }
        db.session.remove()
    return ", ".join(f"{name} {count:,}" for name, count in counts.items())


def main(argv=None) -> None:
    args = parse_args(argv)
    app = create_bench_app()
    timed = instrument(app)
    print(f"data: {data_set(app)}", flush=True)
    clients, rows = {}, []
    variants = {TENANT_HOST: ((" after a write", a_write(app, "demo")), (", cached", None)), VENDOR_HOST: (("", None),)}
    for user, host, name, url in CASES:
        if user not in clients:
            clients[user] = logged_in_client(app, user, host=host)
        for suffix, before in variants[host]:
            stats = measure(
                clients[user], timed, name, url, runs=args.runs, warmup=args.warmup, host=host, before=before
            )
            verdict = "ok" if stats.p95 <= TARGET_MS else "OVER"
            rows.append([name + suffix, url, f"{stats.p50:.1f}", f"{stats.p95:.1f}", f"{stats.queries:.0f}", verdict])
            print(" | ".join(rows[-1]), flush=True)
    print(
        f"\nP3, {args.runs} runs per case after {args.warmup} warm-up, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, target p95 <= {TARGET_MS} ms"
    )
    print(table(rows, ["case", "URL", "p50 ms", "p95 ms", "SQL/req", "target"]))


if __name__ == "__main__":
    main()
