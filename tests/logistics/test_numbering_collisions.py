"""The tenant's "next number" pointing at a number already issued: the settings page refuses it with a
message, and issuing (new shipment or archived draft) skips to the next free number instead of failing
(PostgreSQL: inside the one statement that writes a new shipment; SQLite and drafts: when the number is taken)."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.logistics.settings.models import TenantSettings
from app.logistics.settings.services import get_settings
from app.logistics.shipments import services
from app.logistics.shipments.inputs import ShipmentInput
from app.logistics.shipments.models import Shipment
from app.tenancy.context import tenant_scope
from app.tenancy.services import tenant_by_slug
from tests.logistics.conftest import as_form, shipment_payload


def _input() -> ShipmentInput:
    return ShipmentInput.from_mapping(shipment_payload())


def _sequence(number: str) -> int:
    return int(number[len("DMO10") :])


def _point_counter_at(tenant_id: int, sequence: int) -> None:
    db.session.execute(
        sa.update(TenantSettings).where(TenantSettings.tenant_id == tenant_id).values(next_sequence=sequence)
    )


def test_issuing_skips_numbers_already_used_and_stays_gap_free(acting):
    with acting("owner@demo.test") as (tenant, user):
        first = services.issue(tenant, user, _input())
        second = services.issue(tenant, user, _input())
        _point_counter_at(tenant.id, _sequence(first.tracking_number))  # both already issued
        third = services.issue(tenant, user, _input())
        fourth = services.issue(tenant, user, _input())
        assert _sequence(third.tracking_number) == _sequence(second.tracking_number) + 1
        assert _sequence(fourth.tracking_number) == _sequence(third.tracking_number) + 1
        draft = services.save_draft(tenant, user, _input())
        _point_counter_at(tenant.id, _sequence(first.tracking_number))
        issued = services.issue(tenant, user, _input(), draft)  # an archived draft takes its number last
        assert _sequence(issued.tracking_number) == _sequence(fourth.tracking_number) + 1


def test_saving_a_shipment_when_the_counter_points_at_a_used_number_works_every_time(app, client_as):
    with app.app_context():
        tenant = tenant_by_slug("demo")
        tenant_id = tenant.id
        with tenant_scope(tenant.id):
            used = db.session.execute(
                sa.select(Shipment.tracking_number)
                .where(Shipment.tracking_number.like("DMO10%"))
                .order_by(Shipment.id)
                .limit(1)
            ).scalar_one()
            _point_counter_at(tenant.id, _sequence(used))
            db.session.commit()
    client = client_as("admin@demo.test")
    numbers = []
    for _ in range(2):
        response = client.post("/shipments/new", data=as_form(shipment_payload()))
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        numbers.append(re.search(r"DMO10\d+", page).group(0))
    assert used not in numbers and _sequence(numbers[1]) > _sequence(numbers[0])
    with app.app_context(), tenant_scope(tenant_id):  # each skipped only numbers in use (other tests delete some)
        issued = set(db.session.execute(sa.select(Shipment.tracking_number)).scalars())
    between = {f"DMO10{n:05d}" for n in range(_sequence(numbers[0]) + 1, _sequence(numbers[1]))}
    assert between <= issued


def test_the_settings_page_refuses_a_start_number_already_used(app, client_as):
    with app.app_context():
        tenant = tenant_by_slug("demo")
        with tenant_scope(tenant.id):
            settings = get_settings(tenant.id)
            before = (settings.tracking_prefix, settings.next_sequence)
            used = db.session.execute(
                sa.select(Shipment.tracking_number).where(Shipment.tracking_number.like(f"{before[0]}%")).limit(1)
            ).scalar_one()
    form = {
        "tracking_prefix": before[0],
        "start_number": used[len(before[0]) :],
        "volume_divisor": "6000",
        "rounding_mode": "exact",
        "rounding_tolerance": "0.30",
        "minimum_weight": "0",
        "company_name": "PT Demo Kirim Cepat",
    }
    response = client_as("owner@demo.test").post("/settings/save", data=form)
    assert response.status_code == 422
    message = re.search(r'id="error-start_number">([^<]*)<', response.get_data(as_text=True))
    assert message and used in message.group(1)  # the field's message names the number (and the next free one)
    with app.app_context(), tenant_scope(tenant.id):
        settings = get_settings(tenant.id)
        assert (settings.tracking_prefix, settings.next_sequence) == before
