"""Laporan Keuangan: per day and per month, the closing balance is the opening plus the rows' net and
equals the balance of every entry up to the last day; the page shows the same figures."""

from datetime import date

import pytest

from app.core.validation import FieldError
from app.logistics.finance import reports, services
from app.tenancy.context import tenant_scope


def _entry(kind, day, amount):
    return services.EntryInput(kind, day, amount, "tunai", "operasional", "")


@pytest.fixture()
def booked(db, create_tenant):
    from tests.support.factories import owner_of

    tenant = create_tenant(plan="pro")
    owner = owner_of(tenant)
    with tenant_scope(tenant.id, owner.id):
        for kind, day, amount in (
            ("income", "2026-09-30", "1000000"),  # before the report: the opening balance
            ("income", "2026-10-01", "500000"),
            ("expense", "2026-10-01", "120000"),
            ("expense", "2026-10-15", "80000"),
            ("income", "2026-11-03", "300000"),
            ("expense", "2026-12-01", "999"),  # after the report
        ):
            services.record_entry(tenant, owner, _entry(kind, day, amount))
    return tenant, owner


def test_per_day_and_per_month_sum_to_the_same_closing_balance(booked):
    tenant, owner = booked
    with tenant_scope(tenant.id, owner.id):
        daily = reports.cash_report(tenant.id, date(2026, 10, 1), date(2026, 11, 30), "day")
        monthly = reports.cash_report(tenant.id, date(2026, 10, 1), date(2026, 11, 30), "month")
        assert [(r.period.isoformat(), r.income, r.expense) for r in daily.rows] == [
            ("2026-10-01", 500_000, 120_000),
            ("2026-10-15", 0, 80_000),
            ("2026-11-03", 300_000, 0),
        ]
        assert [(r.period.isoformat(), r.net) for r in monthly.rows] == [
            ("2026-10-01", 300_000),
            ("2026-11-01", 300_000),
        ]
        assert daily.opening == monthly.opening == 1_000_000
        assert daily.closing == monthly.closing == 1_600_000 == services.balance(tenant.id, until=date(2026, 11, 30))
        with pytest.raises(FieldError):
            reports.cash_report(tenant.id, date(2026, 11, 30), date(2026, 10, 1))


def test_the_report_page_shows_the_totals_of_its_rows(booked):
    from flask import current_app

    from tests.conftest import login, tenant_host
    from tests.support.factories import PASSWORD

    tenant, owner = booked
    client = login(current_app._get_current_object(), owner.email, PASSWORD, tenant_host(tenant.slug))
    page = client.get("/finance/report/?date_from=2026-10-01&date_to=2026-11-30&group=month").get_data(as_text=True)
    assert 'id="closing">Rp 1.600.000<' in page and 'id="sum-income">Rp 800.000<' in page
    bad = client.get("/finance/report/?date_from=kemarin")
    assert bad.status_code == 200 and 'id="error-date_from"' in bad.get_data(as_text=True)


def test_the_excel_export_is_a_job_whose_workbook_holds_the_report(app, client_as):
    """On the seeded demo tenant (a job works on committed data): the first sheet's closing balance is the
    page's."""
    import re
    import time
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.signup.conftest import run_jobs

    client = client_as("owner@demo.test")
    args = {"date_from": "2026-01-01", "date_to": "2026-12-31", "group": "month"}
    page = client.get("/finance/report/", query_string=args).get_data(as_text=True)
    closing = int(re.sub(r"\D", "", re.search(r'id="closing">([^<]+)<', page).group(1)))
    response = client.post("/finance/report/export", data=args)
    assert response.status_code == 302 and "job=" in response.location
    assert 'id="export-bar"' in client.get(response.location).get_data(as_text=True)
    run_id = response.location.split("job=")[1].split("&")[0]
    deadline, state = time.time() + 60, {}
    while time.time() < deadline:
        run_jobs(app, wait=0.2)
        state = client.get(f"/jobs/{run_id}").json
        if state["state"] in ("done", "failed"):
            break
    assert state["state"] == "done" and state["progress"] == 100, state
    download = client.get(f"/jobs/{run_id}/download")
    sheet = load_workbook(BytesIO(download.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][1] == closing
