"""P2: creating shipments with 5 items through the JSON API, 16 concurrent clients, against gunicorn.

    python -m bench.create_shipments [--clients 16] [--duration 30] [--workers 2 --threads 1]

Logs admin@demo.test in for a JWT (/api/v1/security/login), then wrk on loopback POSTs
/api/v1/shipments/ over 16 connections as fast as answers come back (reconnecting when the server
closes the connection, as gunicorn's sync worker does after each answer), each body with its own
sender and receiver. wrk is the load generator of P7 and of the bare FAB list that the issue's
reference numbers come from; written in C, it leaves the two cores to the server (the threaded
Python client it replaces used ~0.7 ms of CPU per create, about 5% of the machine at 150/s).
Every create is a full issue: validation, tariff lookup, the server's weight/cost calculation, the
tracking number from the tenant's counter (a row lock), 5 items, the first status, the activity log.
Reports creates/s (2xx answers) and wrk's latency p50/p95/p99, and checks in the database that the
run's shipments got unique, gap-free numbers, one per 2xx answer (and per create still in flight when
wrk stopped). Afterwards they (and their activity-log lines) are deleted and the tables vacuumed, so
the other benchmarks keep measuring the generated data (--keep keeps them).
"""

import argparse
import http.client
import json
import re
import time

from bench import db as bench_db
from bench.harness import DEMO_PASSWORD, TENANT_HOST, gunicorn_label, require_tool, start_gunicorn, stop, table, wrk

USER = "admin@demo.test"
SENDER_PREFIX = "Pengirim Bench"
ITEMS = [
    {"name": "Kemeja batik", "weight": "0.45", "quantity": 3, "length": 30, "width": 25, "height": 4},
    {"name": "Sepatu", "weight": "1.2", "quantity": 1, "length": 35, "width": 22, "height": 14},
    {"name": "Buku", "weight": "0.8", "quantity": 2, "length": 24, "width": 17, "height": 3},
    {"name": "Kopi bubuk", "weight": "0.25", "quantity": 4, "length": 12, "width": 8, "height": 20},
    {"name": "Aksesoris HP", "weight": "0.1", "quantity": 5, "length": 10, "width": 10, "height": 5},
]
# wrk's done() prints this line; the rest of its output is its usual report.
RESULT = re.compile(r"P2RESULT requests=(\d+) non2xx=(\d+) socket_errors=(\d+) seconds=([\d.]+) "
                    r"p50=(\d+) p95=(\d+) p99=(\d+)")  # fmt: skip


def payload(index) -> bytes:
    """A shipment with 5 items; `index` makes the sender and receiver (wrk's script passes "%d")."""
    return json.dumps(
        {
            "sender_name": f"{SENDER_PREFIX} {index}",
            "sender_phone": "0812 3456 7890",
            "sender_address": "Jl. Sudirman No. 1",
            "sender_city": "31.71",
            "receiver_name": f"Penerima Bench {index}",
            "receiver_phone": "0813 1111 2222",
            "receiver_address": "Jl. Asia Afrika No. 8",
            "receiver_city": "32.73",
            "shipment_type": "pickup",
            "discount_type": "percent",
            "discount_value": "5",
            "items": ITEMS,
        }
    ).encode()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the created shipments")
    return parser.parse_args(argv)


def jwt(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": USER, "password": DEMO_PASSWORD, "provider": "db", "refresh": False})
    headers = {"Content-Type": "application/json", "Host": TENANT_HOST}
    connection.request("POST", "/api/v1/security/login", body, headers)
    response = connection.getresponse()
    data = json.loads(response.read() or b"{}")
    if response.status != 200 or "access_token" not in data:
        raise SystemExit(f"API login failed: HTTP {response.status} {data}")
    return data["access_token"]


def lua_script(phase: str) -> str:
    """Each wrk thread numbers its bodies from its own range (phase and thread), so names never repeat."""
    body = payload("%d").decode().replace('"', '\\"')
    first = {"warmup": 1, "measure": 2}[phase] * 100_000_000
    return f"""local threads = {{}}
setup = function(thread)
  thread:set("base", {first} + #threads * 1000000)
  table.insert(threads, thread)
end
local counter = 0
request = function()
  counter = counter + 1
  local n = base + counter
  return wrk.format("POST", "/api/v1/shipments/", nil, string.format("{body}", n, n))
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("P2RESULT requests=%d non2xx=%d socket_errors=%d seconds=%.3f p50=%d p95=%d p99=%d\\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def run_wrk(port: int, token: str, phase: str, seconds: int, clients: int) -> str:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return wrk(port, lua_script(phase), connections=clients, seconds=seconds, headers=headers)


def created_since(since: float) -> list[tuple[int, str]]:
    """(id, tracking number) of the shipments this run made, oldest number first."""
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(since - 1))
    with bench_db.connect(autocommit=True) as conn:
        return conn.execute(
            "SELECT id, tracking_number FROM shipment WHERE tenant_id = (SELECT id FROM tenant WHERE slug = 'demo')"
            " AND created_at >= %s AND sender_name LIKE %s ORDER BY tracking_number",
            (started, SENDER_PREFIX + " %"),
        ).fetchall()


def numbering_check(numbers: list[str]) -> str:
    """Issued numbers must be unique and contiguous (same prefix, sequence without holes)."""
    if len(set(numbers)) != len(numbers):
        return "DUPLICATES"
    digits = sorted(int(number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")[-9:]) for number in numbers)
    holes = (digits[-1] - digits[0] + 1) - len(digits) if digits else 0
    return "unique, no gaps" if holes == 0 else f"unique, {holes} gaps"


def remove_created(ids: list[int], since: float) -> None:
    """Delete the run's shipments (items and history follow) and their activity-log lines, then vacuum."""
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(since))
    with bench_db.connect(autocommit=True) as conn:
        conn.execute("DELETE FROM shipment WHERE id = ANY(%s)", (ids,))
        conn.execute(
            "DELETE FROM activity_log WHERE created_at >= %s AND entity_type IN ('Shipment', 'ShipmentStatusEvent')"
            " AND tenant_id = (SELECT id FROM tenant WHERE slug = 'demo')",
            (started,),
        )
        conn.execute("VACUUM (ANALYZE) shipment, shipment_item, shipment_status_event, activity_log")


def main(argv=None) -> None:
    args = parse_args(argv)
    require_tool("wrk", "apt-get install -y wrk")
    began, outputs = time.time(), {}
    server = start_gunicorn(args.port, workers=args.workers, threads=args.threads)
    try:
        token = jwt(args.port)
        outputs["warmup"] = run_wrk(args.port, token, "warmup", args.warmup, args.clients)
        outputs["measure"] = run_wrk(args.port, token, "measure", args.duration, args.clients)
    finally:
        stop(server)
        created = created_since(began)
        if not args.keep:
            remove_created([pk for pk, _number in created], began)
    runs = {phase: RESULT.search(output) for phase, output in outputs.items()}
    if not all(runs.values()):
        raise SystemExit(f"wrk printed no result:\n{outputs}")
    answered = {phase: int(run[1]) - int(run[2]) for phase, run in runs.items()}
    _requests, non2xx, socket_errors, seconds, *latencies = runs["measure"].groups()
    numbers = [number for _pk, number in created]
    check = numbering_check(numbers)
    # A create still in flight when wrk stops is saved but not counted: at most one per connection and phase.
    if not 0 <= len(numbers) - sum(answered.values()) <= len(answered) * args.clients:
        check += f"; {len(numbers)} saved for {sum(answered.values())} answers 2xx"
    print(outputs["measure"])
    print(f"P2 {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: wrk -t2 -c{args.clients}, {args.duration} s "
          f"(after {args.warmup} s warm-up), {gunicorn_label(args.workers, args.threads)}")  # fmt: skip
    print(table(
        [[f"{answered['measure'] / float(seconds):.0f}", *(f"{int(us) / 1000:.0f}" for us in latencies),
          int(non2xx) + int(socket_errors), check]],
        ["creates/s", "p50 ms", "p95 ms", "p99 ms", "errors", "tracking numbers"],
    ))  # fmt: skip


if __name__ == "__main__":
    main()
