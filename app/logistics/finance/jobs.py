"""Finance's jobs: receivable reminders by e-mail (daily at 08:00 WIB, idempotent) and the report's export."""

from datetime import date

from flask_babel import gettext as _

from app.core.formatting import jakarta_today
from app.extensions import db
from app.jobs.queue import job
from app.jobs.schedule import periodic
from app.logistics.finance import exports, reports
from app.logistics.finance.receivables import send_due_reminders
from app.tenancy.models import Tenant, utcnow


@periodic("0 1 * * *")  # 08:00 WIB
def receivable_reminders(ctx) -> None:
    send_due_reminders(jakarta_today())  # a vendor job: it sees every tenant; execute() commits (app/jobs/queue.py)


@job("default")
def export_report(ctx, date_from: str, date_to: str, group: str, file_format: str = exports.XLSX) -> None:
    """The financial report as an Excel workbook or a PDF (exports.py), for the user who asked."""
    report = reports.cash_report(ctx.tenant_id, date.fromisoformat(date_from), date.fromisoformat(date_to), group)
    ctx.progress(20)
    if file_format == exports.PDF:
        tenant = db.session.get(Tenant, ctx.tenant_id)
        content = exports.report_pdf(tenant, report, jakarta_today(), utcnow())
    else:
        content = exports.report_workbook(ctx.tenant_id, report, lambda done: ctx.progress(20 + int(70 * done)))
    ctx.progress(90)
    ctx.store_result(exports.filename(report, file_format), content, exports.FORMATS[file_format])
    ctx.progress(100, _("Export ready."))
