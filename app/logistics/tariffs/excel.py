"""Tariff import and export as .xlsx: every row is validated, nothing is imported if any row is bad."""

import zipfile
from io import BytesIO

from flask_babel import gettext as _

from app.logistics.shipments.calculator import ShipmentInputError
from app.logistics.tariffs.cities import city_label
from app.logistics.tariffs.services import TariffInput, clean_tariff, find_tariff, save_tariff

HEADERS = ("origin_code", "origin", "destination_code", "destination", "price_per_kg", "est_days")
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
XLSX_MAGIC = b"PK\x03\x04"


class ImportRejected(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__(problems)
        self.problems = problems


def export_tariffs(tariffs) -> bytes:
    from openpyxl import Workbook  # imported when used: less memory in every web process

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("tariffs")
    sheet.append(HEADERS)
    for tariff in tariffs:
        sheet.append(
            [
                tariff.origin,
                city_label(tariff.origin),
                tariff.destination,
                city_label(tariff.destination),
                tariff.price_per_kg,
                tariff.est_days,
            ]
        )
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rows(data: bytes):
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejected([_("The file is too large (at most 2 MB).")])
    if not data.startswith(XLSX_MAGIC):
        raise ImportRejected([_("The file must be an Excel .xlsx workbook.")])
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportRejected([_("The file must be an Excel .xlsx workbook.")]) from None
    sheet = workbook.worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def _city_value(code, name):
    """A row may give the code, or only the city name as exported ("Kota Bandung, Jawa Barat")."""
    if code not in (None, ""):
        return str(code).strip()
    if name:
        from app.logistics.tariffs.cities import all_cities

        wanted = str(name).strip().casefold()
        for city in all_cities():
            if wanted in (city.label.casefold(), city.name.casefold()):
                return city.code
    return name


def parse_rows(data: bytes) -> list[TariffInput]:
    rows = _rows(data)
    if not rows or [str(c or "").strip().lower() for c in rows[0][: len(HEADERS)]] != list(HEADERS):
        raise ImportRejected([_("Row 1: the header must be %(headers)s.", headers=", ".join(HEADERS))])
    body = [row for row in rows[1:] if any(cell not in (None, "") for cell in row)]
    if len(body) > MAX_ROWS:
        raise ImportRejected([_("Too many rows (at most %(max)s).", max=MAX_ROWS)])
    problems, parsed, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell not in (None, "") for cell in row):
            continue
        cells = list(row) + [None] * (len(HEADERS) - len(row))
        try:
            item = clean_tariff(_city_value(cells[0], cells[1]), _city_value(cells[2], cells[3]), cells[4], cells[5])
        except ShipmentInputError as exc:
            problems.append(_("Row %(row)s: %(field)s: %(problem)s", row=number, field=exc.field, problem=exc.message))
            continue
        key = (item.origin, item.destination)
        if key in seen:
            problems.append(_("Row %(row)s: the same route as row %(other)s.", row=number, other=seen[key]))
            continue
        seen[key] = number
        parsed.append(item)
    if problems:
        raise ImportRejected(problems)
    if not parsed:
        raise ImportRejected([_("The file has no tariff rows.")])
    return parsed


def import_tariffs(data: bytes) -> tuple[int, int]:
    """Create new routes and update the price/days of existing ones. Returns (created, updated)."""
    created = updated = 0
    for item in parse_rows(data):
        existing = find_tariff(item.origin, item.destination)
        save_tariff(item, existing)
        created, updated = (created, updated + 1) if existing else (created + 1, updated)
    return created, updated
