"""Laporan Keuangan: per day and per month, the closing balance is the opening plus the rows' net and
equals the balance of every entry up to the last day; the page shows the same figures."""

from datetime import date

import pytest

from app.core.validation import FieldError
from app.logistics.finance import receivables, reports, services
from app.tenancy.context import tenant_scope

PERIOD = {"date_from": "2026-10-01", "date_to": "2026-11-30", "group": "month"}


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


def _client(tenant, owner):
    from flask import current_app

    from tests.conftest import login, tenant_host
    from tests.support.factories import PASSWORD

    return login(current_app._get_current_object(), owner.email, PASSWORD, tenant_host(tenant.slug))


def test_the_report_page_shows_the_totals_of_its_rows(booked):
    client = _client(*booked)
    page = client.get("/finance/report/", query_string=PERIOD).get_data(as_text=True)
    assert 'id="closing">Rp 1.600.000<' in page and 'id="sum-income">Rp 800.000<' in page
    bad = client.get("/finance/report/?date_from=kemarin")
    assert bad.status_code == 200 and 'id="error-date_from"' in bad.get_data(as_text=True)


def _exported(client, args: dict, file_format: str) -> bytes:
    """Export from the page as a user does: the job is queued, its progress bar shown, then it runs."""
    from urllib.parse import parse_qs, urlsplit

    from app.jobs.queue import execute

    response = client.post("/finance/report/export", data={**args, "format": file_format})
    assert response.status_code == 302
    assert 'id="export-bar"' in client.get(response.location).get_data(as_text=True)
    run_id = parse_qs(urlsplit(response.location).query)["job"][0]
    execute(run_id)
    state = client.get(f"/jobs/{run_id}").json
    assert (state["state"], state["progress"]) == ("done", 100), state
    return client.get(f"/jobs/{run_id}/download").data


def test_the_excel_export_holds_the_report_and_every_entry_of_the_period(booked):
    from io import BytesIO

    from openpyxl import load_workbook

    client = _client(*booked)
    workbook = load_workbook(BytesIO(_exported(client, PERIOD, "xlsx")), read_only=True)
    report, entries = (list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets)
    assert report[0][1] == 1_000_000 and report[-1][1] == 1_600_000  # opening, closing
    assert sum(row[5] for row in entries[1:]) == 1_600_000 - 1_000_000


def test_the_pdf_export_prints_the_report_as_the_page_shows_it(booked):
    from io import BytesIO

    from pypdf import PdfReader

    tenant, owner = booked
    with tenant_scope(tenant.id, owner.id):
        receivables.create_receivable(
            tenant,
            owner,
            receivables.ReceivableInput(
                debtor_kind="customer",
                debtor_name="Toko Sumber Rejeki",
                amount="450000",
                issued_on="2026-10-01",
                due_on="2026-10-31",
            ),
        )
    pdf = _exported(_client(tenant, owner), PERIOD, "pdf")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    for shown in ("Rp 1.000.000", "Rp 800.000", "Rp 200.000", "Rp 1.600.000", "Toko Sumber Rejeki", "Rp 450.000"):
        assert shown in text, shown
