"""What every billing page shares: dates in WIB, flashing rule errors."""

from datetime import date

from flask import abort, current_app, flash, g

from app.core.formatting import jakarta_today
from app.core.names import CAN_READ
from app.core.views import VendorBaseView
from app.extensions import db


class BillingPage(VendorBaseView):
    default_view = "index"

    def render(self, template: str, **context):
        return self.render_template(template, today=jakarta_today(), **context)

    @staticmethod
    def today() -> date:
        return jakarta_today()

    @staticmethod
    def actor_id() -> int:
        return g.user.id

    @staticmethod
    def can_read(resource: str) -> bool:
        return current_app.appbuilder.sm.has_access(CAN_READ, resource)

    @staticmethod
    def get_or_404(model, pk):
        row = db.session.get(model, pk)
        if row is None:
            abort(404)
        return row

    @staticmethod
    def fail(exc) -> None:
        db.session.rollback()
        flash(str(exc), "danger")


def parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()) if raw and raw.strip() else None
    except ValueError:
        return None
