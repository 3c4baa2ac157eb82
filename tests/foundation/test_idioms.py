"""The idioms every feature is written in: one transaction boundary, one field error, one get-or-404."""

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.extensions import db
from app.tenancy.context import tenant_scope


def _tariff_count(tenant_id):
    from app.logistics.tariffs.models import Tariff

    return db.session.execute(
        sa.select(sa.func.count()).select_from(Tariff).where(Tariff.tenant_id == tenant_id)
    ).scalar()


def test_a_transaction_commits_once_or_rolls_everything_back(app, create_tenant, create_tariff, db):
    with transaction():
        tenant = create_tenant()
    with tenant_scope(tenant.id, None):
        before = _tariff_count(tenant.id)
        with pytest.raises(FieldError), transaction():
            create_tariff(tenant, origin="31.71", destination="32.73")
            raise FieldError("price_per_kg", "refused")
        assert _tariff_count(tenant.id) == before
        with transaction():
            create_tariff(tenant, origin="31.71", destination="32.73")
        assert _tariff_count(tenant.id) == before + 1


def test_a_field_error_names_every_refused_field():
    error = FieldError(errors={"weight": "Too heavy.", "phone": "Not a phone number."})
    assert error.field == "weight" and error.message == "Too heavy."
    assert error.as_json() == {"weight": ["Too heavy."], "phone": ["Not a phone number."]}
    with pytest.raises(ValueError):
        FieldError()


def test_get_or_404_sees_only_the_callers_tenant(app, create_tenant, create_tariff, db):
    from app.logistics.tariffs.models import Tariff

    mine, theirs = create_tenant(), create_tenant()
    with tenant_scope(theirs.id, None):
        other = create_tariff(theirs, origin="31.71", destination="32.73")
    with tenant_scope(mine.id, None):
        own = create_tariff(mine, origin="31.71", destination="32.73")
        assert get_or_404(Tariff, own.id).id == own.id
        with pytest.raises(NotFound):
            get_or_404(Tariff, other.id)
        with pytest.raises(NotFound):
            get_or_404(Tariff, own.id, where=Tariff.price_per_kg < 0)
