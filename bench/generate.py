"""Benchmark data at scale, loaded with COPY into its own PostgreSQL database.

    python -m bench.generate --shipments 1000000 --tenants 100 [--largest 200000]
        [--clients 10000 --invoices 120000 --tickets 50000] [--reset]

Creates the database (BENCH_DB, default silog_bench) if needed, migrates it (`flask app-release`)
and seeds the demo (`flask seed-demo`, so demo logins work), then tops each table up to the
requested size: re-running is cheap and idempotent; --reset starts from an empty database.
The demo tenant ("demo", admin@demo.test) is the largest one; tracking numbers come from each
tenant's counter, which is advanced past the generated numbers.
"""

import argparse
import time
from datetime import datetime, timedelta

from bench import db
from bench.rows import EVENT_COLUMNS, ITEM_COLUMNS, SHIPMENT_COLUMNS, STATUS_INDEX, ShipmentFactory
from bench.vendor import assign_plans, ensure_clients, top_up_invoices, top_up_tickets

LOADED_TABLES = ("shipment", "shipment_item", "shipment_status_event")
CHUNK = 20_000
SEED = "silogistik-bench"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shipments", type=int, default=1_000_000)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--largest", type=int, default=200_000, help="shipments of the demo tenant")
    parser.add_argument("--clients", type=int, default=0, help="vendor clients (tenants) in total")
    parser.add_argument("--invoices", type=int, default=0)
    parser.add_argument("--tickets", type=int, default=0)
    parser.add_argument("--database", default=db.DATABASE)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database first")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def prepare_database(args) -> None:
    if args.reset:
        log(f"dropping {args.database}")
        db.drop(args.database)
    if not db.exists(args.database):
        log(f"creating {args.database}")
        db.create(args.database)
    log("migrating (flask app-release) and seeding the demo (flask seed-demo)")
    db.flask("app-release", database=args.database)
    db.flask("seed-demo", database=args.database)


# --- targets ------------------------------------------------------------------------------
def shipment_targets(tenant_ids: list[int], total: int, largest: int) -> dict[int, int]:
    """The first tenant gets `largest`; the others share the rest with a mild, deterministic skew."""
    first, others = tenant_ids[0], tenant_ids[1:]
    targets = {first: min(largest, total)}
    rest = total - targets[first]
    weights = [1 / (index + 4) ** 0.5 for index in range(len(others))]
    scale = rest / sum(weights) if others else 0
    for tenant_id, weight in zip(others, weights, strict=True):
        targets[tenant_id] = int(weight * scale)
    if others:
        targets[others[0]] += rest - sum(targets[t] for t in others)
    return targets


def existing_counts(conn) -> dict[int, int]:
    return dict(conn.execute("SELECT tenant_id, count(*) FROM shipment GROUP BY tenant_id").fetchall())


# --- secondary indexes: dropped for the load, rebuilt after (remembered in the database) ----
def drop_secondary_indexes(conn) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS bench_pending_index (name text PRIMARY KEY, ddl text NOT NULL)")
    rows = conn.execute(
        """SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
           WHERE t.relname = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
        (list(LOADED_TABLES),),
    ).fetchall()
    for name, ddl in rows:
        conn.execute("INSERT INTO bench_pending_index VALUES (%s, %s) ON CONFLICT DO NOTHING", (name, ddl))
        conn.execute(f'DROP INDEX "{name}"')
    conn.commit()


def rebuild_indexes(conn) -> None:
    if conn.execute("SELECT to_regclass('bench_pending_index')").fetchone()[0] is None:
        return
    conn.execute("SET maintenance_work_mem = '512MB'")
    for name, ddl in conn.execute("SELECT name, ddl FROM bench_pending_index ORDER BY name").fetchall():
        log(f"  index {name}")
        conn.execute(ddl)
        conn.execute("DELETE FROM bench_pending_index WHERE name = %s", (name,))
        conn.commit()
    conn.execute("DROP TABLE bench_pending_index")
    conn.commit()


# --- loading ------------------------------------------------------------------------------
def next_ids(conn) -> dict[str, int]:
    return {
        table: conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0] for table in LOADED_TABLES
    }


def tenant_settings(conn, tenant_id: int) -> dict:
    prefix, padding, sequence, divisor = conn.execute(
        "SELECT tracking_prefix, tracking_padding, next_sequence, volume_divisor FROM tenant_settings"
        " WHERE tenant_id = %s",
        (tenant_id,),
    ).fetchone()
    return {"prefix": prefix, "padding": padding, "sequence": sequence, "divisor": divisor}


def tenant_staff(conn, tenant_id: int) -> dict:
    def with_role(role):
        return [
            row[0]
            for row in conn.execute(
                """SELECT u.id FROM ab_user u JOIN ab_user_role ur ON ur.user_id = u.id
                   JOIN ab_role r ON r.id = ur.role_id WHERE u.tenant_id = %s AND r.name = %s ORDER BY u.id""",
                (tenant_id, role),
            )
        ]

    admins = with_role("Super Admin")
    return {"couriers": with_role("Kurir"), "marketing": with_role("Marketing"), "actor": admins[0] if admins else None}


def load_tenant(conn, tenant_id: int, count: int, ids: dict, now: datetime) -> None:
    """`count` more shipments for one tenant, in chunks of one transaction each (COPY x 3)."""
    settings = tenant_settings(conn, tenant_id)
    staff = tenant_staff(conn, tenant_id)
    factory = ShipmentFactory(tenant_id, f"{SEED}-{settings['sequence']}", settings["divisor"])
    start = now - timedelta(days=730)
    step = (now - start) / max(count, 1)
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        shipments, items, events = [], [], []
        for offset in range(size):
            index = done + offset
            created_at = (start + step * index).replace(microsecond=0)
            shipment_id = ids["shipment"]
            ids["shipment"] += 1
            item_rows, total = factory.items(shipment_id, ids["shipment_item"])
            ids["shipment_item"] += len(item_rows)
            sequence = settings["sequence"]
            kind, row = factory.shipment(shipment_id, settings, sequence, created_at, staff, item_rows, total)
            settings["sequence"] += 1
            event_rows, status = factory.events(
                shipment_id, ids["shipment_status_event"], kind, created_at, now, staff["actor"]
            )
            ids["shipment_status_event"] += len(event_rows)
            row[STATUS_INDEX] = status
            shipments.append(row)
            items.extend(item_rows)
            events.extend(event_rows)
        copy_rows(conn, "shipment", SHIPMENT_COLUMNS, shipments)
        copy_rows(conn, "shipment_item", ITEM_COLUMNS, items)
        copy_rows(conn, "shipment_status_event", EVENT_COLUMNS, events)
        conn.execute(
            "UPDATE tenant_settings SET next_sequence = %s WHERE tenant_id = %s", (settings["sequence"], tenant_id)
        )
        conn.commit()
        done += size


def copy_rows(conn, table: str, columns: tuple, rows: list) -> None:
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def sync_sequences(conn) -> None:
    for table in LOADED_TABLES:
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    conn.commit()


def load_shipments(conn, tenant_ids: list[int], args) -> None:
    targets = shipment_targets(tenant_ids, args.shipments, args.largest)
    have = existing_counts(conn)
    missing = {tenant_id: targets[tenant_id] - have.get(tenant_id, 0) for tenant_id in tenant_ids}
    missing = {tenant_id: n for tenant_id, n in missing.items() if n > 0}
    total = sum(missing.values())
    if not total:
        log("shipments: already at the requested size")
        return
    log(f"shipments: {total:,} to load into {len(missing)} tenants")
    if total > 50_000:
        drop_secondary_indexes(conn)
    conn.execute("SET synchronous_commit = off")
    ids, now = next_ids(conn), datetime.utcnow().replace(microsecond=0)
    for position, (tenant_id, count) in enumerate(sorted(missing.items())):
        load_tenant(conn, tenant_id, count, ids, now)
        if position % 10 == 0 or count > 50_000:
            log(f"  tenant {tenant_id}: +{count:,} (shipment ids up to {ids['shipment'] - 1:,})")
    sync_sequences(conn)


def main(argv=None) -> None:
    args = parse_args(argv)
    began = time.monotonic()
    prepare_database(args)
    with db.connect(args.database) as conn:
        rebuild_indexes(conn)  # left over by an interrupted run
        tenant_ids = ensure_clients(conn, max(args.tenants, args.clients), log)
        assign_plans(conn, tenant_ids, tenant_ids[: args.tenants])
        load_shipments(conn, tenant_ids[: args.tenants], args)
        top_up_invoices(conn, args.invoices, tenant_ids, log)
        top_up_tickets(conn, args.tickets, tenant_ids, log)
        log("rebuilding indexes")
        rebuild_indexes(conn)
    log("vacuum analyze (statistics, and the visibility map that index-only scans need)")
    with db.connect(args.database, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    log(f"done in {time.monotonic() - began:.0f} s: DATABASE_URL={db.database_url(args.database)}")


if __name__ == "__main__":
    main()
