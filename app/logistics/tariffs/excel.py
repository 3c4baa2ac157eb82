"""Tariff import and export as .xlsx: every row is validated, nothing is imported if any row is bad.

A workbook is hostile input: it must be an .xlsx by its content (app/core/uploads.py), at most 5 MB
packed and 100 MB unpacked. Each XML part is first read by expat keeping nothing (`_scan_part`): no DTD
(so no entity bomb or external entity), at most 20,000 rows and 2 M elements, stopping at the cap, so a
small file of millions of rows costs little. Then openpyxl reads it in read-only mode (with defusedxml
installed, it refuses entities itself). Anything that cannot be read is the form's message, never a
500. Imports of more than JOB_ROWS rows are validated in the request and written by a job (progress
on /jobs/<id>).
"""

import logging
import zipfile
from io import BytesIO
from xml.parsers import expat

from flask_babel import gettext as _

from app.core import uploads
from app.core.validation import FieldError
from app.logistics.tariffs.cities import city_label
from app.logistics.tariffs.services import TariffInput, clean_tariff

log = logging.getLogger(__name__)
HEADERS = ("origin_code", "origin", "destination_code", "destination", "price_per_kg", "est_days")
MAX_IMPORT_MB = 5
MAX_IMPORT_BYTES = MAX_IMPORT_MB * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # every part of the zip together, as its directory declares
MAX_ROWS = 20_000
JOB_ROWS = 500  # larger imports are written by a job
MAX_PROBLEMS_SHOWN = 50
MAX_ELEMENTS = 2_000_000  # per XML part; 20,000 full rows with shared strings need ~0.5 M


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


def _not_a_workbook() -> FieldError:
    return FieldError("file", _("The file must be an Excel .xlsx workbook."))


class _PartRefused(Exception):
    pass


def _scan_part(part, too_many: FieldError) -> None:
    """Read one XML part with expat, keeping nothing: refuse a DTD (Excel never writes one; with it go
    entity bombs and external entities), more than MAX_ROWS rows or MAX_ELEMENTS elements. openpyxl
    reads a sheet without a <dimension> to its end before the first row, so this bounds its work too."""
    parser = expat.ParserCreate()
    count = {"rows": 0, "elements": 0}

    def start(name, _attrs):
        count["elements"] += 1
        if name == "row" or name.endswith(":row"):
            count["rows"] += 1
            if count["rows"] > MAX_ROWS + 1:
                raise too_many
        if count["elements"] > MAX_ELEMENTS:
            raise _PartRefused("too many elements")

    def doctype(*_args):
        raise _PartRefused("DTD")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    while chunk := part.read(64 * 1024):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _rows(data: bytes) -> list[tuple]:
    """The first sheet's rows (header included, first len(HEADERS) columns), read safely and capped."""
    if len(data) > MAX_IMPORT_BYTES:
        raise FieldError("file", _("The file is too large (at most %(mb)s MB).", mb=MAX_IMPORT_MB))
    uploads.check(data, {"xlsx"}, field="file", message=_("The file must be an Excel .xlsx workbook."))
    too_many = FieldError("file", _("Too many rows (at most %(max)s).", max=MAX_ROWS))
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise _not_a_workbook()
            for info in archive.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        _scan_part(part, too_many)
        from openpyxl import load_workbook

        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            if (sheet.max_row or 0) > MAX_ROWS + 1:  # the sheet's own <dimension>, when it has one
                raise too_many
            rows = []
            for row in sheet.iter_rows(max_col=len(HEADERS), values_only=True):
                if len(rows) > MAX_ROWS:  # the header plus MAX_ROWS rows, whatever <dimension> said
                    raise too_many
                rows.append(row)
        finally:
            workbook.close()
    except FieldError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the parser on this file means it is unreadable
        # DTDs and entities (defusedxml), truncated or malformed XML, missing parts, bad zip members...
        log.info("unreadable tariff workbook: %r", exc)
        raise FieldError("file", _("The file is not a readable Excel workbook.")) from None
    return rows


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
        raise FieldError("file", _("Row 1: the header must be %(headers)s.", headers=", ".join(HEADERS)))
    body = [row for row in rows[1:] if any(cell not in (None, "") for cell in row)]
    if len(body) > MAX_ROWS:
        raise FieldError("file", _("Too many rows (at most %(max)s).", max=MAX_ROWS))
    problems, parsed, seen = {}, [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell not in (None, "") for cell in row):
            continue
        cells = list(row) + [None] * (len(HEADERS) - len(row))
        try:
            item = clean_tariff(_city_value(cells[0], cells[1]), _city_value(cells[2], cells[3]), cells[4], cells[5])
        except FieldError as exc:
            problems[f"row-{number}"] = _(
                "Row %(row)s: %(field)s: %(problem)s", row=number, field=exc.field, problem=exc.message
            )
            continue
        key = (item.origin, item.destination)
        if key in seen:
            problems[f"row-{number}"] = _("Row %(row)s: the same route as row %(other)s.", row=number, other=seen[key])
            continue
        seen[key] = number
        parsed.append(item)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        more = len(problems) - MAX_PROBLEMS_SHOWN
        problems = dict(list(problems.items())[:MAX_PROBLEMS_SHOWN])
        problems["more"] = _("… and %(count)s more problems.", count=more)
    if problems:
        raise FieldError(errors=problems)
    if not parsed:
        raise FieldError("file", _("The file has no tariff rows."))
    return parsed
