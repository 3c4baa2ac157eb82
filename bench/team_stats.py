"""The employee screen with its statistics for the largest tenant (demo, 200k shipments), server-side p50/p95.

    python -m bench.team_stats [--runs 200] [--warmup 20]

Each case runs through the real Flask app (bench.app on the benchmark database), timed around the WSGI call
(bench.harness: the body fully produced, SQL statements counted), signed in as the demo Super Admin. The
statistics are one grouped statement over the period's index range (app/logistics/team/statistics.py), not
cached: every request computes them. Beside each page, the same grouped statement run alone (raw SQL on
the benchmark database) and the app's own CPU time, the figures a loaded machine inflates least.
Target: p95 <= 100 ms.
"""

import argparse
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from bench import db as bench_db
from bench.app import create_bench_app
from bench.harness import instrument, logged_in_client, measure, table, time_sql

USER = "owner@demo.test"
TARGET_MS = 100


def cases() -> list[tuple[str, str]]:
    from app.core.formatting import jakarta_today

    today = jakarta_today()
    year_ago = (today - timedelta(days=364)).isoformat()
    return [
        ("employee list", "/employees/"),
        ("statistics, today", "/employees/statistics?period=today"),
        ("statistics, 7 days", "/employees/statistics?period=7d"),
        ("statistics, this month", "/employees/statistics?period=month"),
        ("statistics, 12 months (chosen dates)", f"/employees/statistics?period=custom&from={year_ago}&to={today}"),
    ]


def raw_sql(app, url: str) -> str | None:
    """The statistics' grouped statement for the case's period, with the tenant condition the scoping hook
    adds, as literal SQL (None for the plain list)."""
    from urllib.parse import parse_qsl, urlsplit

    from app.core.formatting import jakarta_today
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.logistics.team import statistics
    from app.security.models import TenantUser

    if "statistics" not in url:
        return None
    with app.app_context():
        owner = db.session.execute(sa.select(TenantUser).where(TenantUser.email == USER)).scalar_one()
        period = statistics.parse_period(dict(parse_qsl(urlsplit(url).query)), jakarta_today())
        stmt = statistics.grouped_statement(owner, period).where(Shipment.tenant_id == owner.tenant_id)
        sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        db.session.remove()
    return sql


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    app = create_bench_app()
    timed = instrument(app)
    client = logged_in_client(app, USER)
    rows = []
    with bench_db.connect() as conn:
        for name, url in cases():
            stats = measure(client, timed, name, url, runs=args.runs, warmup=args.warmup)
            sql = raw_sql(app, url)
            raw = time_sql(conn, sql, runs=args.runs, warmup=args.warmup) if sql else None
            verdict = "ok" if stats.p95 <= TARGET_MS else "OVER"
            rows.append(
                [name, url, f"{stats.p50:.1f}", f"{stats.p95:.1f}", f"{stats.cpu_p50:.1f}", f"{stats.queries:.0f}",
                 f"{raw.p50:.1f}" if raw else "-", f"{raw.p95:.1f}" if raw else "-", verdict]
            )  # fmt: skip
            print(" | ".join(rows[-1]), flush=True)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"\nemployee statistics, {args.runs} runs per case after {args.warmup} warm-up, {stamp}")
    print(f"target p95 <= {TARGET_MS} ms")
    headers = ["case", "URL", "p50 ms", "p95 ms", "app CPU p50 ms", "SQL/req", "grouped SQL p50 ms", "p95 ms", "target"]
    print(table(rows, headers))


if __name__ == "__main__":
    main()
