"""Helpdesk settings a support lead can use: weekday names, holidays imported from the SKB 3 Menteri (lokal),
and average times in business and calendar time side by side."""

import re
from datetime import datetime

import sqlalchemy as sa

from app.helpdesk.models import Holiday
from app.tenancy.context import all_tenants
from tests.support.factories import create_ticket
from tests.support.staff import in_indonesian

ADMIN = "admin@vendor.test"


def _holidays_in(db, year: int) -> dict:
    start, end = datetime(year, 1, 1).date(), datetime(year, 12, 31).date()
    rows = db.session.execute(sa.select(Holiday.day, Holiday.name).where(Holiday.day.between(start, end))).all()
    return dict(rows)


def test_import_a_years_holidays_with_cuti_bersama_once(app, db):
    admin = in_indonesian(app, ADMIN)
    listing = admin.get("/vendor/helpdesk/holidays/list/").get_data(as_text=True)
    assert "Impor hari libur 2027" in listing
    assert admin.post("/vendor/helpdesk/holidays/import", data={"year": "2027"}).status_code == 302
    imported = _holidays_in(db, 2027)
    assert imported[datetime(2027, 1, 1).date()].startswith("Tahun Baru 2027")
    assert any("cuti bersama" in name for name in imported.values())
    again = admin.post("/vendor/helpdesk/holidays/import", data={"year": "2027"}, follow_redirects=True)
    assert _holidays_in(db, 2027) == imported
    assert "2027: 0" in again.get_data(as_text=True)


def test_a_year_without_official_data_is_refused_and_support_cannot_import(db, client_as):
    admin = client_as(ADMIN)
    page = admin.post("/vendor/helpdesk/holidays/import", data={"year": "1999"}, follow_redirects=True)
    assert "1999" in page.get_data(as_text=True) and _holidays_in(db, 1999) == {}
    support = client_as("support@vendor.test")
    assert support.post("/vendor/helpdesk/holidays/import", data={"year": "2027"}).status_code == 403
    assert "holidays/import" not in support.get("/vendor/helpdesk/holidays/list/").get_data(as_text=True)


def test_business_hours_read_as_weekday_names_and_are_edited_with_boxes(app, db):
    admin = in_indonesian(app, ADMIN)
    listing = admin.get("/vendor/helpdesk/calendar/list/").get_data(as_text=True)
    assert "Senin, Selasa, Rabu, Kamis, Jumat" in listing and "0,1,2,3,4" not in listing
    pk = re.search(r"/vendor/helpdesk/calendar/edit/(\d+)", listing).group(1)
    form = admin.get(f"/vendor/helpdesk/calendar/edit/{pk}").get_data(as_text=True)
    assert re.search(r'type="checkbox"[^>]*value="0"[^>]*checked|checked[^>]*value="0"', form)
    saved = admin.post(
        f"/vendor/helpdesk/calendar/edit/{pk}",
        data={"workdays": ["0", "1", "2", "3", "4", "5"], "open_time": "08:00", "close_time": "17:00"},
    )
    assert saved.status_code == 302
    assert "Senin, Selasa, Rabu, Kamis, Jumat, Sabtu" in admin.get("/vendor/helpdesk/calendar/list/").get_data(
        as_text=True
    )


def test_average_times_show_calendar_time_beside_business_time(db, create_tenant, client_as):
    tenant = create_tenant(name="Koperasi Akhir Pekan")
    ticket = create_ticket(tenant, title="Di luar jam kerja")
    # Saturday 4 January 2020, 10:00 WIB: answered two hours later, solved four hours later, no business hours.
    with all_tenants():
        ticket.created_at = datetime(2020, 1, 4, 3, 0)
        ticket.first_response_at = datetime(2020, 1, 4, 5, 0)
        ticket.resolved_at = datetime(2020, 1, 4, 7, 0)
        ticket.status = "selesai"
        db.session.flush()
    page = client_as("support@vendor.test").get("/vendor/ticket-stats/?start=2020-01-04&end=2020-01-04")
    text = page.get_data(as_text=True)
    assert re.search(r'id="avg-response"><h3>0j 00m</h3>', text)
    assert re.search(r'id="avg-response-calendar"><strong>2j 00m</strong>', text)
    assert re.search(r'id="avg-resolution-calendar"><strong>4j 00m</strong>', text)
