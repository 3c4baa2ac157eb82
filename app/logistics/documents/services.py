"""Printing labels for shipments the acting user may see: one, a selection, or everything a list filter
matches (Kurir / Marketing row rules apply: a Kurir prints only its own shipments)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.core.validation import FieldError
from app.extensions import db
from app.logistics.documents import labels
from app.logistics.settings.services import get_settings
from app.logistics.shipments import services as shipments
from app.logistics.shipments.models import Shipment
from app.logistics.tracking.services import company_of

MAX_LABELS = 5000
CHUNK = 200


def printable(user, ids: list[int]) -> list[Shipment]:
    """The issued shipments among `ids` this user may see, in the order given; drafts have no number."""
    if not ids:
        raise FieldError("ids", _l("Select at least one shipment."))
    if len(ids) > MAX_LABELS:
        raise FieldError("ids", _l("At most %(count)s labels at once.", count=MAX_LABELS))
    found = {}
    for start in range(0, len(ids), CHUNK):
        stmt = (
            sa.select(Shipment)
            .where(Shipment.id.in_(ids[start : start + CHUNK]), Shipment.tracking_number.is_not(None))
            .options(selectinload(Shipment.items))
        )
        narrowing = shipments.list_narrowing(user)
        if narrowing is not None:
            stmt = stmt.where(narrowing)
        found.update({row.id: row for row in db.session.execute(stmt).scalars()})
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


def label_pdf(tenant, rows: list[Shipment], choice: labels.LabelChoice, root: str, progress=None) -> bytes:
    """`progress(labels drawn)` as pages are drawn (label_render.PROGRESS_EVERY)."""
    built = [labels.label_of(shipment, root) for shipment in rows]
    return labels.render_labels(company_of(tenant), built, choice, progress)


def default_choice(tenant_id: int, template=None, size=None) -> labels.LabelChoice:
    return labels.choose(get_settings(tenant_id), template, size)


def save_defaults(settings, template: str | None, size: str | None):
    """The tenant's default label design and size; both must be known ones."""
    errors = {}
    if (template or "") not in labels.TEMPLATES:
        errors["label_template"] = _l("Choose one of the label designs.")
    if (size or "") not in labels.SIZES:
        errors["label_size"] = _l("Choose one of the label sizes.")
    if errors:
        raise FieldError(errors=errors)
    settings.label_template, settings.label_size = template, size
    db.session.flush()
    return settings
