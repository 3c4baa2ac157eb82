"""P-finance: the financial report and the paid-shipments list of the largest tenant (demo, 200k
shipments over two years) with a year of finance data, server-side p50/p95.

    python -m bench.generate --shipments 1000000 --tenants 100      # the shipments, once
    python -m bench.finance [--runs 200] [--warmup 20] [--days 365] [--skip-generate]

First tops the demo tenant's finance up to `--days` days of data, in proportion to its shipments
(set-based INSERT ... SELECT, idempotent: a re-run adds only what is missing):
- every issued shipment of the period but one in six is paid: one income entry "pengiriman" each,
  linked to the shipment, dated a few days after its issue (~83k entries for a year);
- each day without entries of its own gets the counter's cash and QRIS takings, fuel and running
  costs; each Monday a vehicle service; each month wages, rent and utilities;
- five expense requests a day from the couriers: older ones approved (each with its cash-book
  expense) or, one in ten, rejected; the last three days' still waiting;
- three debts a week (customers' monthly bills, couriers' advances), most paid off, some in part.

Then measures each page through the real Flask app (bench.app on the benchmark database, timed around
the WSGI call by bench.harness, SQL statements counted), signed in as the demo tenant's Super Admin.
Targets: the monthly report p95 <= 150 ms, the paid-shipments list p95 <= 50 ms. Nothing on these
pages is cached: every request computes its figures.
"""

import argparse
import os
import time
from datetime import date, timedelta

from bench import db as bench_db
from bench.app import create_bench_app
from bench.harness import instrument, logged_in_client, measure, percentile, table

USER = "owner@demo.test"
BILL_NOTE = "Tagihan ongkir bulanan"
TARGETS = {"report": 150, "payments": 50}

PAID_SHIPMENTS = """
    INSERT INTO finance_entry (tenant_id, kind, entry_date, amount, method, category, description, shipment_id,
                               created_by_id, created_at)
    SELECT s.tenant_id, 'income', LEAST((s.issued_at + interval '7 hours')::date + s.id %% 4, %(last)s),
           s.total_cost, (ARRAY['tunai', 'transfer', 'qris'])[1 + s.id %% 3], 'pengiriman', s.tracking_number, s.id,
           %(actor)s, s.issued_at + (s.id %% 4) * interval '1 day'
    FROM shipment s
    WHERE s.tenant_id = %(tenant)s AND s.tracking_number IS NOT NULL AND s.total_cost > 0 AND s.id %% 6 <> 0
      AND s.issued_at >= %(since)s
    ON CONFLICT (shipment_id) DO NOTHING
"""
# kind, method, category, description, base amount, spread, every ('day', 'monday' or a day of the month)
DAILY_BOOK = """
    INSERT INTO finance_entry (tenant_id, kind, entry_date, amount, method, category, description, created_by_id,
                               created_at)
    SELECT %(tenant)s, k.kind, d::date, k.amount + (extract(doy FROM d)::int * 7919 + k.amount) %% (k.spread + 1),
           k.method, k.category, k.description, %(actor)s, d + interval '3 hours'
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
    CROSS JOIN (VALUES
        ('income', 'tunai', 'pengiriman', 'Ongkir tunai di loket', 350000, 400000, 'day'),
        ('income', 'qris', 'pengiriman', 'Ongkir QRIS di loket', 150000, 200000, 'day'),
        ('expense', 'tunai', 'bahan_bakar', 'BBM armada', 250000, 150000, 'day'),
        ('expense', 'tunai', 'operasional', 'Operasional gudang', 60000, 90000, 'day'),
        ('expense', 'transfer', 'perawatan', 'Servis kendaraan', 400000, 600000, 'monday'),
        ('expense', 'transfer', 'gaji_kurir', 'Gaji kurir', 28000000, 2000000, '25'),
        ('expense', 'transfer', 'sewa', 'Sewa gudang', 7500000, 0, '1'),
        ('expense', 'transfer', 'operasional', 'Listrik, air dan internet', 1800000, 400000, '5')
    ) AS k(kind, method, category, description, amount, spread, every)
    WHERE (k.every = 'day' OR (k.every = 'monday' AND extract(isodow FROM d) = 1)
           OR k.every = extract(day FROM d)::int::text)
      AND NOT EXISTS (SELECT 1 FROM finance_entry e
                      WHERE e.tenant_id = %(tenant)s AND e.entry_date = d::date
                        AND e.shipment_id IS NULL AND e.expense_request_id IS NULL)
"""
REQUESTS = """
    INSERT INTO expense_request (tenant_id, requester_id, expense_date, amount, method, category, description, status,
                                 decided_by_id, decided_at, reject_reason, created_at)
    SELECT %(tenant)s, (%(couriers)s::int[])[1 + (n + extract(doy FROM d)::int) %% cardinality(%(couriers)s::int[])],
           d::date, 20000 + ((n * 7919 + extract(doy FROM d)::int * 104729) %% 180) * 1000, 'tunai',
           (ARRAY['bahan_bakar', 'perawatan', 'operasional'])[1 + n %% 3],
           (ARRAY['BBM motor antar', 'Tambal ban dan oli', 'Parkir dan tol'])[1 + n %% 3],
           v.status, CASE WHEN v.status <> 'pending' THEN %(actor)s END,
           CASE WHEN v.status <> 'pending' THEN d + interval '1 day' END,
           CASE WHEN v.status = 'rejected' THEN 'Struk tidak terbaca' END, d + interval '10 hours'
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
    CROSS JOIN generate_series(1, 5) AS n
    CROSS JOIN LATERAL (SELECT CASE WHEN d::date > %(last)s::date - 3 THEN 'pending'
                                    WHEN (n + extract(doy FROM d)::int) %% 10 = 0 THEN 'rejected'
                                    ELSE 'approved' END AS status) AS v
    WHERE NOT EXISTS (SELECT 1 FROM expense_request r WHERE r.tenant_id = %(tenant)s AND r.expense_date = d::date)
"""
APPROVED = """
    INSERT INTO finance_entry (tenant_id, kind, entry_date, amount, method, category, description, expense_request_id,
                               created_by_id, created_at)
    SELECT r.tenant_id, 'expense', r.expense_date, r.amount, r.method, r.category, r.description, r.id,
           r.decided_by_id, r.decided_at
    FROM expense_request r WHERE r.tenant_id = %(tenant)s AND r.status = 'approved'
    ON CONFLICT (expense_request_id) DO NOTHING
"""
DEBTS = """
    INSERT INTO receivable (tenant_id, debtor_kind, debtor_name, debtor_phone, debtor_email, amount, issued_on, due_on,
                            note, created_by_id, created_at)
    SELECT %(tenant)s, CASE WHEN n %% 8 = 0 THEN 'employee' ELSE 'customer' END,
           CASE WHEN n %% 8 = 0 THEN 'Kasbon kurir ' || (n %% 12 + 1)
                ELSE (ARRAY['Toko', 'CV', 'PT', 'UD'])[1 + n %% 4] || ' Pelanggan ' || (n %% 40 + 1) END,
           '0812' || lpad((n * 7907 %% 10000000)::text, 7, '0'), '', 500000 + (n * 7919 %% 145) * 100000,
           %(first)s::date + n * %(days)s / %(count)s, %(first)s::date + n * %(days)s / %(count)s + 30,
           %(note)s, %(actor)s, now()
    FROM generate_series(%(have)s + 1, %(count)s) AS n
"""
DEBT_PAYMENTS = """
    INSERT INTO receivable_payment (tenant_id, receivable_id, paid_on, amount, method, created_by_id, created_at)
    SELECT r.tenant_id, r.id, r.due_on - 3, CASE WHEN r.id %% 10 < 7 THEN r.amount ELSE r.amount / 2 END, 'transfer',
           r.created_by_id, now()
    FROM receivable r
    WHERE r.tenant_id = %(tenant)s AND r.note = %(note)s AND r.id %% 10 < 9 AND r.due_on - 3 <= %(last)s
      AND NOT EXISTS (SELECT 1 FROM receivable_payment p WHERE p.receivable_id = r.id)
"""
VACUUMED = ("finance_entry", "expense_request", "receivable", "receivable_payment")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--days", type=int, default=365, help="how many days of finance data, up to today (WIB)")
    parser.add_argument("--skip-generate", action="store_true")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def wib_today() -> date:
    from app.core.formatting import jakarta_today

    return jakarta_today()


def demo_people(conn) -> dict:
    """The demo tenant's id, its Super Admin (who books and approves) and its couriers (who ask)."""
    from bench.generate import tenant_staff  # imports the app's config: only after create_bench_app set it up

    tenant = conn.execute("SELECT id FROM tenant WHERE slug = 'demo'").fetchone()[0]
    staff = tenant_staff(conn, tenant)
    return {"tenant": tenant, "actor": staff["actor"], "couriers": staff["couriers"]}


def generate(days: int, last: date) -> None:
    """Top the demo tenant's finance up to `days` days ending `last` (idempotent)."""
    first = last - timedelta(days=days - 1)
    with bench_db.connect() as conn:
        people = demo_people(conn)
        since = conn.execute("SELECT (%s::date - interval '7 hours')", (first,)).fetchone()[0]
        have = conn.execute(
            "SELECT count(*) FROM receivable WHERE tenant_id = %s AND note = %s", (people["tenant"], BILL_NOTE)
        ).fetchone()[0]
        args = {
            **people,
            "first": first,
            "last": last,
            "since": since,
            "days": days,
            "count": days * 3 // 7,
            "have": have,
            "note": BILL_NOTE,
        }
        for name, statement in (
            ("paid shipments", PAID_SHIPMENTS),
            ("daily cash book", DAILY_BOOK),
            ("expense requests", REQUESTS),
            ("approved requests' expenses", APPROVED),
            ("debts", DEBTS),
            ("debt payments", DEBT_PAYMENTS),
        ):
            added = conn.execute(statement, args).rowcount
            log(f"{name}: +{added:,}")
        conn.commit()
    with bench_db.connect(autocommit=True) as conn:
        for table_name in VACUUMED:
            conn.execute(f"VACUUM (ANALYZE) {table_name}")


def data_set(tenant_id: int) -> str:
    with bench_db.connect() as conn:
        counts = {
            name: conn.execute(f"SELECT count(*) FROM {name} WHERE tenant_id = %s", (tenant_id,)).fetchone()[0]
            for name in ("shipment", *VACUUMED)
        }
    return ", ".join(f"{name} {count:,}" for name, count in counts.items())


def cases(today: date) -> list[tuple[str, str, str]]:
    """(target key, name, URL)."""
    year = f"date_from={(today - timedelta(days=364)).replace(day=1)}&date_to={today}"
    month = (today - timedelta(days=29)).isoformat()
    return [
        ("report", "report per month, 12 months", f"/finance/report/?{year}&group=month"),
        ("report", "report per day, 30 days (the page's default)", "/finance/report/"),
        ("report", "report per day, 12 months", f"/finance/report/?{year}&group=day"),
        ("payments", "paid shipments, page 1", "/finance/payments/"),
        ("payments", "paid shipments, unpaid only", "/finance/payments/?state=unpaid"),
        ("payments", "paid shipments, paid only", "/finance/payments/?state=paid"),
        ("payments", "paid shipments, last 30 days, page 5", f"/finance/payments/?date_from={month}&page=5"),
        ("", "cash book, page 1 (balance, filter totals)", "/finance/entries/"),
        ("", "receivables (all, age buckets)", "/finance/receivables/"),
    ]  # fmt: skip


def main(argv=None) -> None:
    args = parse_args(argv)
    app = create_bench_app()
    with app.app_context():
        today = wib_today()
    if not args.skip_generate:
        generate(args.days, today)
    with bench_db.connect() as conn:
        tenant_id = demo_people(conn)["tenant"]
    print(f"data (demo tenant): {data_set(tenant_id)}", flush=True)
    timed = instrument(app)
    client = logged_in_client(app, USER)
    rows = []
    for target, name, url in cases(today):
        stats = measure(client, timed, name, url, runs=args.runs, warmup=args.warmup)
        bound = TARGETS.get(target)
        verdict = "" if bound is None else ("ok" if stats.p95 <= bound else "OVER")
        rows.append([name, f"{stats.p50:.1f}", f"{stats.p95:.1f}", f"{stats.cpu_p50:.1f}",
                     f"{percentile(stats.cpu_ms, 95):.1f}", f"{stats.queries:.0f}", f"<= {bound}" if bound else "",
                     verdict])  # fmt: skip
        print(" | ".join(rows[-1]), flush=True)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"\nP-finance, {args.runs} runs per case after {args.warmup} warm-up, {stamp}, load average {load}")
    print(table(rows, ["case", "p50 ms", "p95 ms", "CPU p50 ms", "CPU p95 ms", "SQL/req", "target p95 ms", ""]))


if __name__ == "__main__":
    main()
