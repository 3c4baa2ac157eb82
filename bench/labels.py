"""Bulk label printing (P4): N thermal labels of generated shipments rendered in-process into one PDF,
through the same code the print job runs, against the 12 s target for 1,000.

    python -m bench.labels --labels 1000 [--template standard] [--size thermal] [--runs 3]

No database: the shipments are generated in memory (random Indonesian names, addresses, phones, real
cities, 1-3 items), the company profile with a logo too. Prints wall and CPU seconds (the CPU time is
what the machine's other load does not inflate) and the 1-minute load average at the end.
"""

import argparse
import base64
import os
import random
import sys
import time
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from bench.harness import percentile, table

TARGET_SECONDS = 12.0
NAMES = ("Andi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gilang", "Hana", "Indra", "Joko")
FAMILY = ("Pratama", "Saputra", "Wijaya", "Lestari", "Hidayat", "Nugroho", "Kusuma")
GOODS = ("Buku", "Sepatu", "Baju", "Tas", "Kopi", "Sparepart", "Kosmetik", "Mainan")


def shipments(count: int, seed: int = 7) -> list:
    from app.logistics.shipments.models import Shipment, ShipmentItem
    from app.logistics.tariffs.cities import all_cities
    from app.tenancy.models import utcnow

    rng = random.Random(seed)
    cities = [city.code for city in all_cities()]
    rows = []
    for number in range(1, count + 1):
        items = [
            ShipmentItem(name=rng.choice(GOODS), quantity=rng.randrange(1, 4), weight=Decimal("1.20"))
            for _ in range(rng.randrange(1, 4))
        ]
        rows.append(
            Shipment(
                tracking_number=f"BENCH{number:07d}",
                sender_name=f"{rng.choice(NAMES)} {rng.choice(FAMILY)}",
                sender_phone="08" + "".join(str(rng.randrange(10)) for _ in range(10)),
                sender_address=f"Jl. Merdeka No. {rng.randrange(1, 300)}, RT 0{rng.randrange(1, 9)}",
                sender_city=rng.choice(cities),
                receiver_name=f"{rng.choice(NAMES)} {rng.choice(FAMILY)}",
                receiver_phone="08" + "".join(str(rng.randrange(10)) for _ in range(10)),
                receiver_address=f"Jl. Sudirman No. {rng.randrange(1, 300)}, Kel. Sukamaju",
                receiver_city=rng.choice(cities),
                shipment_type=rng.choice(("pickup", "dropoff")),
                total_weight=Decimal(rng.randrange(50, 3000)) / 100,
                chargeable_weight=Decimal(rng.randrange(1, 30)),
                created_at=utcnow(),
                issued_at=utcnow(),
                items=items,
            )
        )
    return rows


def logo_src() -> str:
    """A 300 x 120 PNG logo as the print job gets it (a data URI)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 120), "white")
    ImageDraw.Draw(image).ellipse((20, 20, 100, 100), fill="orange")
    out = BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--template", default="standard")
    parser.add_argument("--size", default="thermal")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the last PDF here")
    args = parser.parse_args()

    from app import create_app
    from app.logistics.documents import labels
    from app.logistics.tracking.services import Company

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": "", "BABEL_DEFAULT_LOCALE": "id"})
    company = Company(
        name="PT Kilat Bench",
        logo_src=logo_src(),
        address="Jl. Gatot Subroto 1, Jakarta",
        phone="021-555-0100",
        website=None,
    )
    choice = labels.choose(None, args.template, args.size)
    with app.test_request_context(base_url="https://demo.localhost"):
        rows = shipments(args.labels)
        seconds, cpu, pdf = [], [], b""
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            built = [labels.label_of(row, "https://demo.localhost") for row in rows]
            pdf = labels.render_labels(company, built, choice)
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    if args.out:
        args.out.write_bytes(pdf)
    p50 = percentile(seconds, 50)
    print(
        table(
            [
                [
                    args.labels,
                    args.template,
                    args.size,
                    args.runs,
                    f"{p50:.2f}",
                    f"{max(seconds):.2f}",
                    f"{percentile(cpu, 50):.2f}",
                    TARGET_SECONDS,
                    f"{len(pdf) / 1e6:.1f}",
                    f"{os.getloadavg()[0]:.2f}",
                ]
            ],
            ["labels", "design", "size", "runs", "p50 s", "max s", "cpu p50 s", "target s", "PDF MB", "load 1m"],
        )
    )
    sys.exit(0 if p50 <= TARGET_SECONDS * args.labels / 1000 else 1)


if __name__ == "__main__":
    main()
