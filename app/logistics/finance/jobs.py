"""Finance's periodic job: receivable reminders by e-mail, daily at 08:00 WIB, idempotent."""

from app.core.formatting import jakarta_today
from app.extensions import db
from app.jobs.queue import job
from app.jobs.schedule import periodic
from app.logistics.finance.receivables import send_due_reminders


@periodic("0 1 * * *")  # 08:00 WIB
def receivable_reminders(ctx) -> None:
    send_due_reminders(jakarta_today())  # a vendor job: it sees every tenant; execute() commits (app/jobs/queue.py)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@job("default")
def export_report(ctx, date_from: str, date_to: str, group: str) -> None:
    """The financial report as an Excel workbook (openpyxl write-only): the periods, then every entry."""
    from datetime import date
    from io import BytesIO

    import sqlalchemy as sa
    from flask_babel import gettext as _
    from openpyxl import Workbook  # imported when used: less memory in every web process

    from app.logistics.finance import reports, services
    from app.logistics.finance.models import FinanceEntry

    start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    report = reports.cash_report(ctx.tenant_id, start, end, group)
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Report"))
    summary.append([_("Opening balance"), report.opening])
    summary.append([_("Period"), _("Income"), _("Expense"), _("Net")])
    for row in report.rows:
        summary.append([row.period, row.income, row.expense, row.net])
    summary.append([_("Total"), report.income, report.expense, report.income - report.expense])
    summary.append([_("Closing balance"), report.closing])
    ctx.progress(20)
    entries = workbook.create_sheet(_("Entries"))
    entries.append([_("Date"), _("Type"), _("Category"), _("Method"), _("Description"), _("Amount")])
    stmt = (
        sa.select(FinanceEntry)
        .where(FinanceEntry.tenant_id == ctx.tenant_id, FinanceEntry.entry_date.between(start, end))
        .order_by(FinanceEntry.entry_date, FinanceEntry.id)
    )
    rows = db.session.execute(stmt).scalars().all()
    for count, entry in enumerate(rows, 1):
        sign = 1 if entry.kind == "income" else -1
        entries.append(
            [
                entry.entry_date,
                str(services.KIND_LABELS[entry.kind]),
                services.category_label(entry.category),
                str(services.METHOD_LABELS[entry.method]),
                entry.description,
                sign * int(entry.amount),
            ]
        )
        if count % 5000 == 0:
            ctx.progress(20 + 70 * count // len(rows))
    out = BytesIO()
    workbook.save(out)
    ctx.store_result(f"laporan-keuangan-{date_from}-{date_to}.xlsx", out.getvalue(), XLSX)
    ctx.progress(100, _("The workbook is ready."))
