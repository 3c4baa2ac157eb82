"""How a customer reads in the activity log (app/audit/sentences.py)."""

from flask_babel import lazy_gettext as _l

from app.audit import sentences
from app.extensions import db
from app.logistics.tariffs.cities import city_label
from app.logistics.team.services import display_phone
from app.security.models import TenantUser


def _person(user_id) -> str:
    user = db.session.get(TenantUser, user_id) if user_id else None
    return user.get_full_name() if user is not None else "-"


def register_sentences() -> None:
    sentences.register(
        "Customer",
        _l("customer"),
        endpoint="CustomerView.show",
        values={
            "city": lambda code: city_label(code) if code else "-",
            "phone": display_phone,
            "marketing_id": _person,
        },
    )
