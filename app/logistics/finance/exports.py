"""The financial report as a file, made by a job (jobs.py) while the page shows a progress bar: an Excel
workbook (the periods, then every entry, for the accountant's own sums) or a PDF to print or send (the
report as the page shows it, on the company's letterhead, with what is still owed)."""

from datetime import date, datetime
from io import BytesIO

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.logistics.finance import receivables, services
from app.logistics.finance.models import INCOME, FinanceEntry

XLSX, PDF = "xlsx", "pdf"
FORMATS = {XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", PDF: "application/pdf"}
FORMAT_LABELS = {XLSX: _l("Export Excel"), PDF: _l("Export PDF")}
PROGRESS_EVERY = 5000


def filename(report, file_format: str) -> str:
    return f"laporan-keuangan-{report.date_from.isoformat()}-{report.date_to.isoformat()}.{file_format}"


def report_workbook(tenant_id: int, report, progress) -> bytes:
    """Sheet one: the opening balance, the periods with their totals, the closing balance. Sheet two: every
    entry of the period, income positive and expense negative (their sum is the period's net)."""
    from openpyxl import Workbook  # imported when used: less memory in every web process

    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Report"))
    summary.append([_("Opening balance"), report.opening])
    summary.append([_("Period"), _("Income"), _("Expense"), _("Net")])
    for row in report.rows:
        summary.append([row.period, row.income, row.expense, row.net])
    summary.append([_("Total"), report.income, report.expense, report.income - report.expense])
    summary.append([_("Closing balance"), report.closing])
    entries = workbook.create_sheet(_("Entries"))
    entries.append([_("Date"), _("Type"), _("Category"), _("Method"), _("Description"), _("Amount")])
    stmt = (
        sa.select(FinanceEntry)
        .where(FinanceEntry.tenant_id == tenant_id, FinanceEntry.entry_date.between(report.date_from, report.date_to))
        .order_by(FinanceEntry.entry_date, FinanceEntry.id)
    )
    rows = db.session.execute(stmt).scalars().all()
    for count, entry in enumerate(rows, 1):
        entries.append(
            [
                entry.entry_date,
                str(services.KIND_LABELS[entry.kind]),
                services.category_label(entry.category),
                str(services.METHOD_LABELS[entry.method]),
                entry.description,
                (1 if entry.kind == INCOME else -1) * int(entry.amount),
            ]
        )
        if count % PROGRESS_EVERY == 0:
            progress(count / len(rows))
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_pdf(tenant, report, today: date, printed_at: datetime) -> bytes:
    """The report as the page shows it (totals, periods, receivables still owed by age) on A4."""
    from app.logistics.settings.services import get_settings
    from app.logistics.shipments.resi import render_pdf

    owed = receivables.owed_rows(tenant.id, today)
    return render_pdf(
        "finance/report_pdf.html",
        company=get_settings(tenant.id).company_name or tenant.name,
        report=report,
        aging=receivables.aging(owed),
        owed=owed,
        printed_at=printed_at,
    )
