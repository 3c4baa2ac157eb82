"""The customer list as an Excel file, built by a worker with progress; the file is for the user who asked."""

from urllib.parse import parse_qsl

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.core.formatting import jakarta_today
from app.extensions import db
from app.jobs.queue import job
from app.logistics.customers import excel, services
from app.logistics.documents.jobs import XLSX
from app.security.models import TenantUser


@job("documents")
def export_customers(ctx, list_args: str) -> None:
    """The customer list for one filter (the list's query string), with the list's row rule."""
    user = db.session.get(TenantUser, ctx.run.user_id)
    query = services.CustomerQuery.from_args(MultiDict(parse_qsl(list_args)))
    content = excel.customers_workbook(
        query, user, progress=lambda done, total: ctx.progress(5 + 85 * done // max(total, 1))
    )
    ctx.store_result(f"pelanggan-{jakarta_today().isoformat()}.xlsx", content, XLSX)
    ctx.progress(100, _("Export ready."))
