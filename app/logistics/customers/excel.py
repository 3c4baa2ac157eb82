"""Excel export of the customer list: every customer a list filter matches (the user's row rule included),
Indonesian headers, numbers as numbers, times in WIB. openpyxl's write-only mode streams the rows."""

from io import BytesIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.formatting import to_jakarta
from app.extensions import db
from app.logistics.customers import services
from app.logistics.customers.models import Customer
from app.logistics.documents.exports import WIB, Column
from app.logistics.team.services import display_phone

CHUNK = 1000


def _added(customer):
    return to_jakarta(customer.created_at).replace(tzinfo=None)


def _marketing(customer) -> str:
    return customer.marketing.get_full_name() if customer.marketing is not None else ""


CUSTOMER_COLUMNS = (
    Column(_l("Name"), lambda c, counts: c.name, width=28),
    Column(_l("Phone"), lambda c, counts: display_phone(c.phone)),
    Column(_l("Address"), lambda c, counts: c.address, width=36),
    Column(_l("City"), lambda c, counts: c.city_label, width=30),
    Column(_l("Marketing"), lambda c, counts: _marketing(c), width=20),
    Column(_l("Status"), lambda c, counts: str(_l("Active") if c.active else _l("Inactive")), width=10),
    Column(_l("Shipments"), lambda c, counts: counts.get(c.id, 0), "#,##0", 10),
    Column(_l("Added (WIB)"), lambda c, counts: _added(c), WIB, 17),
)


def _cells(sheet, values, formats=None, bold=False) -> list:
    cells = []
    for index, value in enumerate(values):
        cell = WriteOnlyCell(sheet, value=value)
        if bold:
            cell.font = Font(bold=True)
        if formats and formats[index]:
            cell.number_format = formats[index]
        cells.append(cell)
    return cells


def customers_workbook(query: services.CustomerQuery, user, progress=None) -> bytes:
    ids = list(db.session.execute(services.filtered(query, user).with_only_columns(Customer.id)).scalars())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_l("Customers")))
    for index, column in enumerate(CUSTOMER_COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append(_cells(sheet, [str(column.header) for column in CUSTOMER_COLUMNS], bold=True))
    formats = [column.number_format for column in CUSTOMER_COLUMNS]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stmt = sa.select(Customer).where(Customer.id.in_(chunk)).options(sa.orm.selectinload(Customer.marketing))
        by_id = {row.id: row for row in db.session.execute(stmt).scalars()}
        counts = services.shipment_counts(chunk)
        for pk in chunk:
            sheet.append(_cells(sheet, [column.value(by_id[pk], counts) for column in CUSTOMER_COLUMNS], formats))
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
