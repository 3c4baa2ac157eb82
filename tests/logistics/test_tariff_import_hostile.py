"""Tariff workbooks are hostile input: a DTD, an entity bomb, truncated XML, a small file with millions
of rows or something that is not a workbook each get the form's message, write nothing and never 500;
a large valid workbook is imported by a job whose progress the import page follows to 100."""

import re
import zipfile
from io import BytesIO

import openpyxl.xml
import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from tests.support.jobs import wait_for_job

HEADER = ["origin_code", "origin", "destination_code", "destination", "price_per_kg", "est_days"]
SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook(rows) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def with_part(valid: bytes, name: str, content: bytes) -> bytes:
    """The same workbook with one part replaced (written as a genuine zip)."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(valid)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def sheet_xml(rows_xml: str, prolog: str = "") -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {NS}>'
    return f"{head}<sheetData>{rows_xml}</sheetData></worksheet>".encode()


HEADER_ROW = (
    '<row r="1">'
    + "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>' for col, name in zip("ABCDEF", HEADER, strict=True)
    )
    + "</row>"
)
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def many_rows(count: int, dimension: str | None) -> bytes:
    """A sheet of `count` (a multiple of 100,000) empty rows, deflated: ~100 kB for millions of rows."""
    out = BytesIO()
    base = workbook([])
    with zipfile.ZipFile(BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open(SHEET, "w") as part:
            dim = f'<dimension ref="{dimension}"/>' if dimension else ""
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>'.encode())
            part.write(HEADER_ROW.encode())
            for _ in range(count // 100_000):
                part.write(b"<row/>" * 100_000)  # r is optional: each row follows the one before
            part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def hostile_workbooks():
    valid = workbook([["31.71", None, "62.71", None, 5000, 2]])
    with zipfile.ZipFile(BytesIO(valid)) as archive:
        sheet = archive.read(SHEET)
    docx_like = BytesIO()
    with zipfile.ZipFile(docx_like, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return {
        "dtd": with_part(valid, SHEET, sheet_xml(HEADER_ROW, prolog="<!DOCTYPE worksheet [<!ELEMENT worksheet ANY>]>")),
        "billion laughs": with_part(
            valid,
            SHEET,
            sheet_xml(HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>', LAUGHS),
        ),
        "external entity": with_part(
            valid,
            SHEET,
            sheet_xml(
                HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>',
                '<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
            ),
        ),
        "truncated sheet": with_part(valid, SHEET, sheet[: len(sheet) // 2]),
        "truncated workbook part": with_part(valid, "xl/workbook.xml", b"<?xml version='1.0'?><workbook"),
        "truncated zip": valid[: len(valid) // 2],
        "3,000,000 rows, dimension says so": many_rows(3_000_000, "A1:F3000001"),
        "3,000,000 rows, no dimension": many_rows(3_000_000, None),
        "html named .xlsx": b"<html><body><script>alert(1)</script></body></html>",
        "a zip that is not a workbook": docx_like.getvalue(),
        "empty": b"",
        "too large": b"PK\x03\x04" + bytes(6 * 1024 * 1024),
    }


HOSTILE = hostile_workbooks()
UNREADABLE, NOT_XLSX, TOO_MANY = "not a readable Excel workbook", "must be an Excel .xlsx workbook", "Too many rows"
EXPECTED = {
    "dtd": UNREADABLE,
    "billion laughs": UNREADABLE,
    "external entity": UNREADABLE,
    "truncated sheet": UNREADABLE,
    "truncated workbook part": UNREADABLE,
    "truncated zip": NOT_XLSX,
    "3,000,000 rows, dimension says so": TOO_MANY,
    "3,000,000 rows, no dimension": TOO_MANY,
    "html named .xlsx": NOT_XLSX,
    "a zip that is not a workbook": NOT_XLSX,
    "empty": NOT_XLSX,
    "too large": "too large (at most 5 MB)",
}


def _tariffs(app, slug):
    from app.extensions import db
    from app.logistics.tariffs.models import Tariff
    from app.tenancy.context import all_tenants
    from app.tenancy.services import tenant_by_slug

    with app.app_context(), all_tenants():
        tenant = tenant_by_slug(slug)
        return {
            (t.origin, t.destination): (t.price_per_kg, t.est_days)
            for t in db.session.execute(sa.select(Tariff).where(Tariff.tenant_id == tenant.id)).scalars()
        }


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_workbook_gets_a_message_and_writes_nothing(client_as, app, name):
    client = client_as("admin@demo.test")
    before = _tariffs(app, "demo")
    response = client.post(
        "/tariffs/import", data={"file": (BytesIO(HOSTILE[name]), "tarif.xlsx")}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    problems = re.findall(r'<li class="import-problem">([^<]*)</li>', response.get_data(as_text=True))
    assert len(problems) == 1 and EXPECTED[name] in problems[0], problems
    assert _tariffs(app, "demo") == before


def _cities(count):
    from app.logistics.tariffs.cities import all_cities

    with_codes = [city.code for city in all_cities()]
    return with_codes[:count]


def test_large_workbook_is_imported_by_a_job_with_progress(client_as, app):
    codes = _cities(30)
    rows = [[o, None, d, None, 1000 + i, 3] for i, (o, d) in enumerate((o, d) for o in codes for d in codes)][:700]
    client = client_as("owner@contoh.test")
    response = client.post(
        "/tariffs/import", data={"file": (BytesIO(workbook(rows)), "tarif.xlsx")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302 and "job=" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="tariff-import-bar"' in page
    run_id = response.headers["Location"].split("job=")[1]
    state = wait_for_job(client, run_id, seconds=60)
    assert state["state"] == "done" and state["progress"] == 100
    tariffs = _tariffs(app, "contoh")
    assert all(tariffs[(o, d)] == (price, 3) for o, _, d, _, price, _ in rows)
