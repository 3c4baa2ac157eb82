"""Shipment rules in the services: server-side calculation, drafts, numbers, quota, statuses."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.core.validation import FieldError
from app.extensions import db
from app.logistics.settings.services import get_settings
from app.logistics.shipments import services
from app.logistics.shipments.inputs import ShipmentInput, normalize_phone
from app.logistics.shipments.models import Shipment, ShipmentStatusEvent
from app.tenancy.models import utcnow
from tests.logistics.conftest import shipment_payload

pytestmark = pytest.mark.usefixtures("db")  # each test rolled back: what it commits is gone afterwards


def _input(**changes) -> ShipmentInput:
    return ShipmentInput.from_mapping(shipment_payload(**changes))


def test_issue_computes_everything_on_the_server(acting):
    with acting("owner@demo.test") as (tenant, user):
        tariff_price = db.session.execute(
            sa.text("select price_per_kg from tariff where tenant_id=:t and origin='31.71' and destination='32.73'"),
            {"t": tenant.id},
        ).scalar_one()
        shipment = services.issue(tenant, user, _input(discount_type="percent", discount_value="10"))
        # Buku: vol 30*20*10/6000 = 1.00 < 1.5 -> 3.00; Sepatu: vol 4.00 > 0.8 -> 4.00
        assert [item.line_total for item in shipment.items] == [Decimal("3.00"), Decimal("4.00")]
        assert shipment.total_weight == Decimal("7.00")
        assert shipment.shipping_cost == tariff_price * 7
        assert shipment.discount_amount == round(tariff_price * 7 / 10)
        assert shipment.total_cost == shipment.shipping_cost - shipment.discount_amount
        assert shipment.tracking_number.startswith("DMO10")
        assert shipment.status == "ready_pickup"
        assert shipment.sender_phone == "081234567890" and shipment.receiver_phone == "081311112222"
        assert [event.status for event in shipment.events] == ["ready_pickup"]


def test_dropoff_starts_ready_to_ship_and_a_whole_discount_makes_it_free(acting):
    with acting("owner@demo.test") as (tenant, user):
        shipment = services.issue(
            tenant, user, _input(shipment_type="dropoff", discount_type="percent", discount_value="100")
        )
        assert shipment.status == "ready_dispatch"
        assert shipment.total_cost == 0 and shipment.discount_amount == shipment.shipping_cost


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"sender_phone": "12345"}, "sender_phone"),
        ({"receiver_city": "99.99"}, "receiver_city"),
        ({"sender_name": ""}, "sender_name"),
        ({"shipment_type": "teleport"}, "shipment_type"),
        ({"items": []}, "items"),
        (
            {"items": [{"name": "X", "weight": "0", "quantity": 1, "length": 1, "width": 1, "height": 1}]},
            "items-0-weight",
        ),
        (
            {"items": [{"name": "X", "weight": "-1", "quantity": 1, "length": 1, "width": 1, "height": 1}]},
            "items-0-weight",
        ),
        (
            {"items": [{"name": "X", "weight": "1", "quantity": 0, "length": 1, "width": 1, "height": 1}]},
            "items-0-quantity",
        ),
        (
            {"items": [{"name": "X", "weight": "1", "quantity": 1, "length": 0, "width": 1, "height": 1}]},
            "items-0-length",
        ),
        (
            {"items": [{"name": "X", "weight": "1e30", "quantity": 1, "length": 1, "width": 1, "height": 1}]},
            "items-0-weight",
        ),
        ({"discount_type": "percent", "discount_value": "150"}, "discount_value"),
        ({"courier_id": "999999"}, "courier_id"),
        ({"receiver_city": "12.71", "sender_city": "51.71"}, "receiver_city"),  # no tariff for this route
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(acting, changes, field):
    with acting("owner@demo.test") as (tenant, user):
        before = db.session.execute(sa.select(sa.func.count(Shipment.id))).scalar_one()
        with pytest.raises(FieldError) as caught:
            services.issue(tenant, user, _input(**changes))
        assert field in caught.value.errors
        db.session.rollback()
        assert db.session.execute(sa.select(sa.func.count(Shipment.id))).scalar_one() == before


def test_missing_tariff_has_a_clear_message(acting):
    with acting("owner@demo.test") as (tenant, user):
        with pytest.raises(FieldError) as caught:
            services.issue(tenant, user, _input(sender_city="51.71", receiver_city="12.71"))
        assert "tariff" in str(caught.value.errors["receiver_city"]).lower()


def test_draft_keeps_partial_input_without_number_then_issues(acting):
    with acting("admin@demo.test") as (tenant, user):
        draft = services.save_draft(tenant, user, ShipmentInput.from_mapping({"sender_name": "Setengah", "items": []}))
        assert draft.tracking_number is None and draft.is_draft
        with pytest.raises(FieldError):
            services.save_draft(tenant, user, ShipmentInput.from_mapping({"sender_phone": "abc"}))
        issued = services.issue(tenant, user, _input(), draft)
        assert issued.id == draft.id and issued.tracking_number


def test_numbers_follow_the_counter_and_format_changes_never_renumber(acting):
    with acting("owner@demo.test") as (tenant, user):
        first = services.issue(tenant, user, _input())
        second = services.issue(tenant, user, _input())
        assert int(second.tracking_number[5:]) == int(first.tracking_number[5:]) + 1
        settings = get_settings(tenant.id)
        settings.tracking_prefix = "NEW99"
        db.session.flush()
        third = services.issue(tenant, user, _input())
        assert third.tracking_number.startswith("NEW99")
        db.session.refresh(first)
        assert first.tracking_number.startswith("DMO10")


def test_duplicate_gives_same_data_and_a_new_number(acting):
    with acting("owner@demo.test") as (tenant, user):
        original = services.issue(tenant, user, _input())
        copy = services.issue(tenant, user, ShipmentInput.from_mapping(services.form_values(original)))
        assert copy.tracking_number != original.tracking_number
        assert copy.total_cost == original.total_cost and len(copy.items) == len(original.items)


def test_quota_stops_issuing_with_a_clear_message(acting):
    with acting("owner@demo.test") as (tenant, user):
        used = services.issued_in_period(tenant, utcnow())
        tenant.shipment_quota = used
        with pytest.raises(services.QuotaExceeded) as caught:
            services.issue(tenant, user, _input())
        assert "plan" in str(caught.value.message).lower()
        tenant.shipment_quota = used + 1
        services.issue(tenant, user, _input())


def test_kurir_updates_only_own_shipments_and_viewer_none(acting):
    with acting("kurir@demo.test") as (tenant, kurir):
        own = db.session.execute(
            sa.select(Shipment).where(Shipment.courier_id == kurir.id, Shipment.tracking_number.isnot(None)).limit(1)
        ).scalar_one()
        other = db.session.execute(
            sa.select(Shipment).where(Shipment.courier_id.is_(None), Shipment.tracking_number.isnot(None)).limit(1)
        ).scalar_one()
        services.update_status(kurir, [own], "in_transit", utcnow(), "on the way")
        assert own.status == "in_transit"
        with pytest.raises(services.ShipmentDenied):
            services.update_status(kurir, [own, other], "delivered", utcnow())
    with acting("viewer@demo.test") as (tenant, viewer):
        shipment = db.session.execute(
            sa.select(Shipment).where(Shipment.tracking_number.isnot(None)).limit(1)
        ).scalar_one()
        with pytest.raises(services.ShipmentDenied):
            services.update_status(viewer, [shipment], "delivered", utcnow())


def test_kurir_deletes_only_status_entries_it_recorded_itself(acting):
    """A Kurir corrects its own updates on its own shipments; an entry another user wrote stays."""
    with acting("kurir@demo.test") as (tenant, kurir):
        shipment = db.session.execute(
            sa.select(Shipment).where(Shipment.courier_id == kurir.id, Shipment.tracking_number.isnot(None)).limit(1)
        ).scalar_one()
        others = [event for event in shipment.events if event.user_id != kurir.id]
        assert others, "the demo shipment has a status written by someone else (its first one)"
        with pytest.raises(services.ShipmentDenied) as denied:
            services.delete_status_event(kurir, others[0])
        assert "you recorded yourself" in str(denied.value.message)
        assert others[0] in shipment.events
        (own,) = services.update_status(kurir, [shipment], "in_transit", utcnow() + timedelta(minutes=1))
        services.delete_status_event(kurir, own)
        assert own not in shipment.events


def test_kurir_cannot_delete_another_users_status_entry_over_http(app, client_as):
    from app.security.models import TenantUser
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        kurir = db.session.execute(sa.select(TenantUser).where(TenantUser.email == "kurir@demo.test")).scalar_one()
        shipment = db.session.execute(
            sa.select(Shipment).where(Shipment.courier_id == kurir.id, Shipment.tracking_number.isnot(None)).limit(1)
        ).scalar_one()
        event_id = next(event.id for event in shipment.events if event.user_id != kurir.id)
        shipment_id = shipment.id
    client = client_as("kurir@demo.test")
    page = client.get(f"/shipment-status/{shipment_id}").get_data(as_text=True)
    assert f"/shipment-status/event/{event_id}/delete" not in page  # no button for it
    answer = client.post(f"/shipment-status/event/{event_id}/delete", follow_redirects=True)
    assert "You may only delete status entries you recorded yourself." in answer.get_data(as_text=True)
    with app.app_context(), all_tenants():
        assert db.session.get(ShipmentStatusEvent, event_id) is not None


def test_status_history_delete_restores_previous_status(acting):
    with acting("admin@demo.test") as (tenant, user):
        shipment = services.issue(tenant, user, _input())
        services.update_status(user, [shipment], "in_transit", utcnow() + timedelta(minutes=1))
        services.update_status(user, [shipment], "delivered", utcnow() + timedelta(minutes=2))
        assert shipment.status == "delivered"
        latest = max(shipment.events, key=lambda e: e.occurred_at)
        services.delete_status_event(user, latest)
        assert shipment.status == "in_transit"


def test_status_input_is_validated(acting):
    with acting("admin@demo.test") as (tenant, user):
        shipment = services.issue(tenant, user, _input())
        with pytest.raises(FieldError) as caught:
            services.update_status(user, [shipment], "lost_in_space", None, "x" * 2000)
        assert set(caught.value.errors) == {"status", "occurred_at", "note"}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456 789", "08123456789"),
        ("(021) 5550101", "0215550101"),
        ("12345", None),
        ("0812", None),
        ("08abc", None),
    ],
)
def test_phone_numbers(raw, expected):
    assert normalize_phone(raw) == expected


def test_settings_validation_and_counter_reset(acting):
    from app.logistics.settings.services import SettingsInput, allocate_tracking_number, update_settings

    with acting("owner@demo.test") as (tenant, user):
        settings = get_settings(tenant.id)
        update_settings(settings, SettingsInput("cgn10", "00500", "5000", "tolerance", "0.3", "1"))
        assert allocate_tracking_number(tenant.id) == "CGN1000500"
        assert allocate_tracking_number(tenant.id) == "CGN1000501"
        for bad in (
            SettingsInput("", "1", "6000", "exact", "0", "0"),
            SettingsInput("A", "0", "6000", "exact", "0", "0"),
            SettingsInput("A", "1", "0", "exact", "0", "0"),
            SettingsInput("A", "1", "6000", "exact", "1.5", "0"),
        ):
            with pytest.raises(FieldError):
                update_settings(settings, bad)


def test_datetime_is_stored_utc():
    from app.logistics.shipments.status_views import parse_local_datetime

    assert parse_local_datetime("2026-05-01T14:30") == datetime(2026, 5, 1, 7, 30)
    assert abs(parse_local_datetime("") - utcnow()) < timedelta(seconds=5)  # empty means now
    assert parse_local_datetime("garbage") is None


def test_the_first_shipment_of_a_tenant_without_settings_gets_the_defaults(acting):
    from app.logistics.settings.models import DEFAULT_PREFIX, TenantSettings

    with acting("owner@demo.test") as (tenant, user):
        db.session.execute(sa.delete(TenantSettings).where(TenantSettings.tenant_id == tenant.id))
        shipment = services.issue(tenant, user, _input())
        assert shipment.tracking_number == f"{DEFAULT_PREFIX}00001"
        assert shipment.total_weight == Decimal("7.00")  # the default divisor, 6000
        assert get_settings(tenant.id).next_sequence == 2


def test_a_status_cannot_be_dated_before_the_shipment_was_saved(acting):
    with acting("admin@demo.test") as (tenant, user):
        shipment = services.issue(tenant, user, _input())
        history = list(shipment.events)
        with pytest.raises(FieldError) as caught:
            services.update_status(user, [shipment], "in_transit", shipment.issued_at - timedelta(minutes=1))
        assert shipment.tracking_number in str(caught.value.errors["occurred_at"])
        assert list(shipment.events) == history


def test_a_status_dated_in_the_minute_of_the_last_entry_comes_after_it(acting):
    """The form sends minutes only. A shipment saved at 10:15:42 and updated with the form's 10:15 (even
    if the clock has moved on to 10:16 by the time the user clicks) must show the new status."""
    with acting("admin@demo.test") as (tenant, user):
        shipment = services.issue(tenant, user, _input())
        shipment.issued_at = shipment.events[0].occurred_at = datetime(2026, 5, 1, 3, 15, 42)
        services.update_status(user, [shipment], "in_transit", datetime(2026, 5, 1, 3, 15))
        assert shipment.status == "in_transit"
        services.update_status(user, [shipment], "delivered", datetime(2026, 5, 1, 3, 15))
        assert shipment.status == "delivered"
        db.session.expire(shipment)
        assert [event.status for event in shipment.events] == ["delivered", "in_transit", "ready_pickup"]
        services.delete_status_event(user, shipment.events[0])
        assert shipment.status == "in_transit"
        services.update_status(user, [shipment], "delivered", datetime(2026, 5, 1, 3, 16))
        assert shipment.events[-1].occurred_at == datetime(2026, 5, 1, 3, 16)  # a later minute is kept as typed


def test_a_deleted_shipment_takes_its_items_and_history_along(acting):
    """The items and status history go with the database's ON DELETE CASCADE; SQLite enforces it only with
    foreign keys switched on, and gives the deleted (highest) id to the next shipment, which then showed them."""
    from app.logistics.shipments.models import ShipmentItem, ShipmentStatusEvent

    with acting("admin@demo.test") as (tenant, user):
        deleted = services.issue(tenant, user, _input())
        db.session.commit()
        deleted_id = deleted.id
        db.session.close()  # the delete page is a new request: nothing of the shipment is loaded
        tenant, user = db.session.merge(tenant), db.session.merge(user)
        services.delete_shipment(user, db.session.get(Shipment, deleted_id))
        db.session.commit()
        left = [
            db.session.execute(sa.select(sa.func.count()).where(model.shipment_id == deleted_id)).scalar_one()
            for model in (ShipmentItem, ShipmentStatusEvent)
        ]
        assert left == [0, 0]
        following = services.issue(tenant, user, _input(items=[_input().items[0]]))
        db.session.commit()
        db.session.expire_all()
        assert (len(following.items), len(following.events)) == (1, 1)
