"""P2: creating shipments with 5 items through the JSON API, 16 concurrent clients, against gunicorn.

    python -m bench.create_shipments [--clients 16] [--duration 30] [--workers 2 --threads 1]

Each client logs in for a JWT (/api/v1/security/login as admin@demo.test), then POSTs
/api/v1/shipments/ as fast as answers come back (reconnecting when the server closes the connection,
as gunicorn's sync worker does after each answer). Every create is a
full issue: validation, tariff lookup, the server's weight/cost calculation, the tracking
number from the tenant's counter (a row lock), 5 items, the first status, the activity log.
Reports creates/s and the client-side latency p50/p95, and checks the numbers it got back are
unique and gap-free. Afterwards the shipments it made (and their activity-log lines) are deleted and
the tables vacuumed, so the other benchmarks keep measuring the generated data (--keep keeps them).
"""

import argparse
import http.client
import json
import threading
import time

from bench import db as bench_db
from bench.harness import DEMO_PASSWORD, TENANT_HOST, gunicorn_label, percentile, start_gunicorn, stop, table

USER = "admin@demo.test"
ITEMS = [
    {"name": "Kemeja batik", "weight": "0.45", "quantity": 3, "length": 30, "width": 25, "height": 4},
    {"name": "Sepatu", "weight": "1.2", "quantity": 1, "length": 35, "width": 22, "height": 14},
    {"name": "Buku", "weight": "0.8", "quantity": 2, "length": 24, "width": 17, "height": 3},
    {"name": "Kopi bubuk", "weight": "0.25", "quantity": 4, "length": 12, "width": 8, "height": 20},
    {"name": "Aksesoris HP", "weight": "0.1", "quantity": 5, "length": 10, "width": 10, "height": 5},
]


def payload(index: int) -> bytes:
    return json.dumps(
        {
            "sender_name": f"Pengirim Bench {index}",
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
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=3)
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


class Client(threading.Thread):
    def __init__(self, number: int, port: int, token: str, start_at: float, measure_from: float, stop_at: float):
        super().__init__(daemon=True)
        self.number, self.port, self.token = number, port, token
        self.start_at, self.measure_from, self.stop_at = start_at, measure_from, stop_at
        self.latencies, self.numbers, self.ids, self.errors = [], [], [], []

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}", "Host": TENANT_HOST}
        index = 0
        while time.monotonic() < self.start_at:
            time.sleep(0.001)
        while (began := time.monotonic()) < self.stop_at:
            index += 1
            connection.request("POST", "/api/v1/shipments/", payload(self.number * 1_000_000 + index), headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = (time.monotonic() - began) * 1000
            if response.status != 201:
                self.errors.append(f"HTTP {response.status}: {body[:200]!r}")
                continue
            created = json.loads(body)
            self.numbers.append(created["tracking_number"])
            self.ids.append(created["id"])
            if began >= self.measure_from:
                self.latencies.append(elapsed)


def run(port: int, token: str, args) -> list[Client]:
    start_at = time.monotonic() + 0.5
    measure_from = start_at + args.warmup
    stop_at = measure_from + args.duration
    clients = [Client(n, port, token, start_at, measure_from, stop_at) for n in range(args.clients)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return clients


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
    began, clients = time.time(), []
    server = start_gunicorn(args.port, workers=args.workers, threads=args.threads)
    try:
        token = jwt(args.port)
        clients = run(args.port, token, args)
    finally:
        stop(server)
        if not args.keep:
            remove_created([pk for client in clients for pk in client.ids], began)
    latencies = [ms for client in clients for ms in client.latencies]
    numbers = [number for client in clients for number in client.numbers]
    errors = [error for client in clients for error in client.errors]
    rate = len(latencies) / args.duration
    print(f"P2 {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {args.clients} clients, {args.duration:.0f} s "
          f"(after {args.warmup:.0f} s warm-up), {gunicorn_label(args.workers, args.threads)}")  # fmt: skip
    print(table(
        [[f"{rate:.0f}", f"{percentile(latencies, 50):.0f}", f"{percentile(latencies, 95):.0f}",
          f"{percentile(latencies, 99):.0f}", len(errors), numbering_check(numbers)]],
        ["creates/s", "p50 ms", "p95 ms", "p99 ms", "errors", "tracking numbers"],
    ))  # fmt: skip
    for error in errors[:5]:
        print("error:", error)


if __name__ == "__main__":
    main()
