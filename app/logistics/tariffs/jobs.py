"""Large tariff imports: the request checks the workbook and stores it; this job reads it back from the
file storage (the worker may run on another dyno) and writes the routes with progress for the import page."""

from flask_babel import gettext as _

from app.core import storage
from app.jobs.queue import job
from app.logistics.tariffs.excel import parse_rows
from app.logistics.tariffs.services import save_tariffs


@job("default")
def import_tariffs(ctx, key: str) -> None:
    """``key``: the stored workbook, already validated by the request. Safe to run twice (upserts)."""
    items = parse_rows(storage.read(key))
    created, updated = save_tariffs(items, progress=lambda percent: ctx.progress(min(percent, 99)))
    storage.delete(key)
    ctx.progress(100, _("Imported: %(created)s new, %(updated)s updated.", created=created, updated=updated))
