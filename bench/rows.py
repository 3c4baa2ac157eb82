"""Row factories for the generator: realistic Indonesian shipments, items and status histories.

Rows are tuples in the column order of SHIPMENT_COLUMNS / ITEM_COLUMNS / EVENT_COLUMNS, fed to COPY.
Weights are computed in hundredths of a kilogram with integers (same rule as the calculator:
volumetric = L x W x H / divisor, line = max(volumetric, actual) x quantity).
"""

import random
from datetime import datetime, timedelta

from app.logistics.shipments.models import item_names_text
from app.logistics.shipments.numbering import format_tracking_number
from app.logistics.tariffs.cities import all_cities

SHIPMENT_COLUMNS = (
    "id", "tenant_id", "tracking_number", "sender_name", "sender_phone", "sender_address", "sender_city",
    "receiver_name", "receiver_phone", "receiver_address", "receiver_city", "shipment_type", "status",
    "courier_id", "marketing_id", "total_weight", "chargeable_weight", "price_per_kg", "shipping_cost",
    "discount_type", "discount_value", "discount_amount", "total_cost", "created_at", "issued_at",
    "updated_at", "created_by_id", "item_names",
)  # fmt: skip
ITEM_COLUMNS = (
    "id", "tenant_id", "shipment_id", "position", "name", "weight", "quantity", "length", "width", "height",
    "volumetric_weight", "line_total",
)  # fmt: skip
EVENT_COLUMNS = ("id", "tenant_id", "shipment_id", "status", "occurred_at", "note", "user_id", "created_at")

FIRST_NAMES = (
    "Agus", "Ahmad", "Andi", "Anisa", "Ayu", "Bambang", "Budi", "Cahya", "Citra", "Dedi", "Dewi", "Dian",
    "Dimas", "Eka", "Eko", "Endang", "Fajar", "Fitri", "Gilang", "Hadi", "Hana", "Hendra", "Indah", "Indra",
    "Irfan", "Joko", "Kartika", "Kurnia", "Lestari", "Lina", "Made", "Maya", "Mulyadi", "Nanda", "Nur",
    "Nurul", "Oka", "Putri", "Putu", "Rahmat", "Ratna", "Rina", "Rizky", "Sari", "Siti", "Slamet", "Sri",
    "Suharto", "Sulastri", "Taufik", "Tri", "Wahyu", "Wayan", "Wulan", "Yanti", "Yogi", "Yudi", "Yusuf",
)  # fmt: skip
LAST_NAMES = (
    "Pratama", "Saputra", "Wijaya", "Lestari", "Hidayat", "Nugroho", "Kusuma", "Siregar", "Halim", "Setiawan",
    "Kurniawati", "Susanti", "Rahayu", "Wibowo", "Santoso", "Gunawan", "Hasibuan", "Nasution", "Simanjuntak",
    "Sitompul", "Purnomo", "Suryadi", "Hartono", "Syahputra", "Permana", "Ramadhan", "Firmansyah", "Utami",
    "Handayani", "Maharani", "Anggraini", "Puspitasari", "Setiawati", "Sembiring", "Tarigan", "Manurung",
    "Pangaribuan", "Situmorang", "Lubis", "Harahap", "Daulay", "Tanjung", "Sinaga", "Wahyudi", "Prasetyo",
)  # fmt: skip
GOODS = (
    "Pakaian", "Buku", "Sepatu", "Elektronik", "Makanan ringan", "Dokumen", "Kosmetik", "Suku cadang",
    "Tas", "Mainan anak", "Perlengkapan dapur", "Obat herbal", "Kopi bubuk", "Batik", "Aksesoris HP",
    "Alat tulis", "Helm", "Sparepart motor", "Kerajinan rotan", "Keripik",
)  # fmt: skip
STREETS = (
    "Jl. Sudirman", "Jl. Diponegoro", "Jl. Gatot Subroto", "Jl. Ahmad Yani", "Jl. Pahlawan", "Jl. Merdeka",
    "Jl. Gajah Mada", "Jl. Hayam Wuruk", "Jl. Imam Bonjol", "Jl. Veteran", "Jl. Pemuda", "Jl. Kartini",
)  # fmt: skip
# Kemendagri codes of busy cities: half of all routes touch one of them.
HUB_CITIES = ("31.71", "31.72", "31.73", "31.74", "31.75", "32.73", "35.78", "33.74", "34.71", "12.71",
              "73.71", "51.71", "16.71", "32.75", "36.71", "64.72")  # fmt: skip
PROGRESS = ("picked_up", "in_transit", "arrived", "out_for_delivery", "delivered")
ENDINGS = ("failed", "returned", "cancelled")
INITIAL = {"pickup": "ready_pickup", "dropoff": "ready_dispatch"}


def hundredths(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


class ShipmentFactory:
    """Deterministic per tenant: the same seed gives the same rows."""

    def __init__(self, tenant_id: int, seed, divisor: int = 6000):
        self.rng = random.Random(f"{seed}-{tenant_id}")
        self.tenant_id = tenant_id
        self.divisor = divisor
        self.cities = [city.code for city in all_cities()]

    def _city(self) -> str:
        rng = self.rng
        return rng.choice(HUB_CITIES) if rng.random() < 0.5 else rng.choice(self.cities)

    def _person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _phone(self) -> str:
        return "08" + str(self.rng.randrange(10**8, 10**10))

    def _address(self) -> str:
        rng = self.rng
        rt, rw = rng.randrange(1, 15), rng.randrange(1, 10)
        return f"{rng.choice(STREETS)} No. {rng.randrange(1, 250)}, RT {rt:02d}/RW {rw:02d}"

    def items(self, shipment_id: int, first_id: int) -> tuple[list[tuple], int]:
        """1-5 items (about 3); returns the rows and the shipment's total weight in hundredths of a kg."""
        rng, rows, total = self.rng, [], 0
        for position in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))):
            weight = rng.randrange(10, 2500)  # 0.10 .. 25.00 kg
            quantity = rng.choice((1, 1, 1, 2, 2, 3, 5))
            length, width, height = rng.randrange(5, 80), rng.randrange(5, 60), rng.randrange(2, 50)
            volumetric = round(length * width * height * 100 / self.divisor)
            line = max(volumetric, weight) * quantity
            total += line
            rows.append(
                (first_id + position, self.tenant_id, shipment_id, position, rng.choice(GOODS), hundredths(weight),
                 quantity, length, width, height, hundredths(volumetric), hundredths(line))
            )  # fmt: skip
        return rows, total

    def events(self, shipment_id: int, first_id: int, kind: str, created_at: datetime, now: datetime, actor):
        """Initial status, then forward steps (some skipped); older shipments are finished: ~3 entries."""
        rng = self.rng
        age_days = (now - created_at).days
        if age_days > 10:
            middle = sorted(rng.sample(range(len(PROGRESS) - 1), rng.choice((0, 1, 1, 1, 2, 2))))
            final = rng.choice(ENDINGS) if rng.random() < 0.06 else PROGRESS[-1]
            statuses = [INITIAL[kind], *(PROGRESS[i] for i in middle), final]
        else:
            statuses = [INITIAL[kind], *PROGRESS[: rng.randrange(0, min(len(PROGRESS), 1 + age_days // 2) + 1)]]
        rows, moment = [], created_at
        for offset, status in enumerate(statuses):
            if offset:
                moment = min(moment + timedelta(minutes=rng.randrange(60, 60 * 30)), now)
            rows.append((first_id + offset, self.tenant_id, shipment_id, status, moment, None, actor, moment))
        return rows, statuses[-1]

    def shipment(
        self, shipment_id: int, settings, sequence: int, created_at: datetime, staff: dict, item_rows, items_total
    ):
        rng = self.rng
        kind = "pickup" if rng.random() < 0.6 else "dropoff"
        price = rng.randrange(8, 45) * 1000
        chargeable = -(-items_total // 100)  # whole kg, rounded up
        cost = chargeable * price
        discount = cost // 10 if rng.random() < 0.1 else 0
        courier = rng.choice(staff["couriers"]) if staff["couriers"] and rng.random() < 0.8 else None
        marketing = rng.choice(staff["marketing"]) if staff["marketing"] and rng.random() < 0.6 else None
        return kind, [
            shipment_id, self.tenant_id,
            format_tracking_number(settings["prefix"], settings["padding"], sequence),
            self._person(), self._phone(), self._address(), self._city(),
            self._person(), self._phone(), self._address(), self._city(),
            kind, None, courier, marketing, hundredths(items_total), f"{chargeable}.00", price, cost,
            "amount" if discount else "none", f"{discount}.00", discount, cost - discount,
            created_at, created_at, created_at, staff["actor"], item_names_text(item[ITEM_NAME] for item in item_rows),
        ]  # fmt: skip


STATUS_INDEX = SHIPMENT_COLUMNS.index("status")
ITEM_NAME = ITEM_COLUMNS.index("name")
