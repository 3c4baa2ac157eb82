"""The company name given at registration is the company profile's name (the name on labels) from the
start."""

from datetime import date

from app.billing.catalogue import plan_by_code
from app.billing.clients import ClientProfile, Owner, open_client
from app.extensions import db
from app.logistics.settings.services import get_settings
from app.tenancy.context import all_tenants
from tests.signup.conftest import PASSWORD, new_identity


def test_a_new_tenants_company_profile_carries_its_registered_name(app):
    identity = new_identity("profil")
    with app.app_context(), all_tenants():
        profile = ClientProfile(name=identity["company_name"], client_type="logistik", email=identity["email"])
        owner = Owner(email=identity["email"], full_name=identity["full_name"], password=PASSWORD)
        tenant, _ = open_client(
            profile, plan=plan_by_code("free"), slug=identity["slug"], owner=owner, today=date.today(), actor_id=None
        )
        assert get_settings(tenant.id).company_name == identity["company_name"]
        db.session.rollback()
