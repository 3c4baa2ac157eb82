"""Large tariff imports: rows validated by the request, written here with progress for the import page."""

from flask_babel import gettext as _

from app.jobs.queue import job
from app.logistics.tariffs.services import TariffInput, save_tariffs


@job("default")
def import_tariffs(ctx, rows: list) -> None:
    """``rows``: validated (origin, destination, price_per_kg, est_days). Safe to run twice (upserts)."""
    items = [TariffInput(*row) for row in rows]
    created, updated = save_tariffs(items, progress=lambda percent: ctx.progress(min(percent, 99)))
    ctx.progress(100, _("Imported: %(created)s new, %(updated)s updated.", created=created, updated=updated))
