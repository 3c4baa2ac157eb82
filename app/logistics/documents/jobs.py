"""Bulk label printing: one PDF for many shipments, built by a worker with progress; the file is for
the user who asked only (/jobs/<id>/download)."""

from datetime import date
from urllib.parse import parse_qsl

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.core.formatting import jakarta_today
from app.extensions import db
from app.jobs.queue import job
from app.logistics.documents import exports, labels, reports, services
from app.logistics.shipments.listing import ListQuery
from app.security.models import TenantUser
from app.tenancy.models import Tenant

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@job("documents")
def print_labels(ctx, ids: list, template: str, size: str, root: str) -> None:
    user = db.session.get(TenantUser, ctx.run.user_id)
    tenant = db.session.get(Tenant, ctx.run.tenant_id)
    rows = services.printable(user, [int(pk) for pk in ids])  # the row rules again, as the worker
    ctx.progress(5)
    total = max(len(rows), 1)
    pdf = services.label_pdf(
        tenant,
        rows,
        labels.LabelChoice(template, size),
        root,
        progress=lambda done: ctx.progress(5 + 90 * done // total),
    )
    ctx.store_result(f"label-{len(rows)}.pdf", pdf, "application/pdf")
    ctx.progress(100, _("%(count)s labels ready.", count=len(rows)))


@job("documents")
def export_shipments(ctx, list_args: str) -> None:
    """The shipment list for one filter (the list's query string) as .xlsx, with the list's row rules."""
    user = db.session.get(TenantUser, ctx.run.user_id)
    query = ListQuery.from_args(MultiDict(parse_qsl(list_args)))
    content = exports.shipments_workbook(
        query, user, progress=lambda done, total: ctx.progress(5 + 85 * done // max(total, 1))
    )
    ctx.store_result(f"pengiriman-{jakarta_today().isoformat()}.xlsx", content, XLSX)
    ctx.progress(100, _("Export ready."))


@job("documents")
def export_report(ctx, period: str, day: str, group: str, view=reports.SUMMARY, with_collected=False) -> None:
    """A report (or the courier performance, `view`) as its page shows it to the user who asked."""
    user = db.session.get(TenantUser, ctx.run.user_id)
    report = reports.build(user, period, date.fromisoformat(day), group, view=view, with_collected=with_collected)
    ctx.progress(50)
    name = f"{'performa-kurir' if view == reports.COURIERS else 'laporan'}-{period}-{report.group}-{report.first}"
    ctx.store_result(f"{name}.xlsx", exports.report_workbook(report), XLSX)
    ctx.progress(100, _("Export ready."))
