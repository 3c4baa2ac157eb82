"""The activity log as an Excel file: a job with a progress bar (/jobs/<id>/progress)."""

from urllib.parse import parse_qsl

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.audit import listing
from app.core.formatting import jakarta_today
from app.core.spreadsheets import XLSX
from app.jobs.queue import job


@job("documents")
def export_activity(ctx, realm: str, list_args: str) -> None:
    """The lines of `realm` the log page's filters (its query string) select, as its reader sees them."""
    query = listing.ActivityQuery.from_args(MultiDict(parse_qsl(list_args)))
    content = listing.workbook(query, realm, progress=lambda done, total: ctx.progress(5 + 85 * done // max(total, 1)))
    ctx.store_result(f"log-aktivitas-{jakarta_today().isoformat()}.xlsx", content, XLSX)
    ctx.progress(100, _("Export ready."))
