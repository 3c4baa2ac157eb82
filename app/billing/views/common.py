"""What every billing page shares: dates in WIB, flashing refused input (FieldError)."""

from datetime import date

from flask import current_app, flash, g

from app.billing.models import PAYMENT_METHOD_LABELS
from app.billing.payment_models import WEBHOOK_OUTCOME_LABELS
from app.core.formatting import jakarta_today
from app.core.names import CAN_READ
from app.core.views import VendorBaseView


class BillingPage(VendorBaseView):
    default_view = "index"

    def render(self, template: str, **context):
        return self.render_template(
            template,
            today=jakarta_today(),
            method_label=lambda code: PAYMENT_METHOD_LABELS.get(code, code),
            outcome_label=lambda code: WEBHOOK_OUTCOME_LABELS.get(code, code),
            **context,
        )

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
    def fail(exc) -> None:
        flash(str(exc), "danger")


def parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()) if raw and raw.strip() else None
    except ValueError:
        return None
