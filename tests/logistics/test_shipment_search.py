"""The shipment list's one search box ("berdasarkan semuanya"): besides numbers, names and phones, an address
fragment and an item's name find the shipment, through HTTP; an edit's new item names count at once; another
tenant's and, for a Kurir, another courier's shipments stay out."""

import re
import sqlite3

import pytest

from tests.conftest import login
from tests.foundation.test_migrations_and_i18n import _upgrade_from_empty
from tests.logistics.conftest import as_form, shipment_payload
from tests.support.factories import unique

pytestmark = pytest.mark.usefixtures("db")


def _item(name: str) -> dict:
    return {"name": name, "weight": "1.2", "quantity": 1, "length": 20, "width": 15, "height": 10}


def _found(client, term: str) -> list[str]:
    """The tracking numbers the list shows for this search."""
    response = client.get("/shipments/", query_string={"q": term})
    assert response.status_code == 200
    return sorted(re.findall(r'class="col-tracking"[^>]*>([^<]+)<', response.get_data(as_text=True)))


def test_an_address_fragment_or_an_item_name_finds_the_shipment(app, create_tenant, create_user, create_shipment):
    tenant, other = create_tenant(), create_tenant()
    kurir = create_user(tenant, role="Kurir")
    street, goods = unique("Gang Kenari"), unique("Keramik Kasongan")
    address = f"{street} No. 7, RT 03/RW 02, Kel. Sukamaju"
    mine = create_shipment(tenant, receiver_address=address, items=[_item("Buku"), _item(goods)])
    kurirs = create_shipment(tenant, sender_address=address, courier_id=kurir.id, items=[_item(goods)])
    create_shipment(other, receiver_address=address, items=[_item(goods)])  # the same words, another tenant
    numbers = sorted([mine.tracking_number, kurirs.tracking_number])
    pk, number, kurirs_number = mine.id, mine.tracking_number, kurirs.tracking_number
    email, kurir_email = tenant.email, kurir.email

    client = login(app, email)
    assert _found(client, street[5:].upper()) == numbers  # the middle of the street, any case
    assert _found(client, goods.lower()) == numbers
    assert _found(client, goods + "x") == []
    assert _found(login(app, kurir_email), street) == [kurirs_number]

    renamed = unique("Anyaman Pandan")
    payload = shipment_payload(receiver_address=address, items=[_item(renamed)])
    assert client.post(f"/shipments/{pk}/edit", data=as_form(payload)).status_code == 302
    assert _found(client, renamed) == [number]
    assert _found(client, goods) == [kurirs_number]


def test_upgrade_fills_the_item_names_of_existing_shipments(tmp_path, app):
    """SQLite (PostgreSQL: measured on the bench database, see the report of migration 0020)."""
    path = tmp_path / "previous.db"
    assert _upgrade_from_empty(f"sqlite:///{path}", "0018_documents_label_settings").returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO tenant (id, slug, name, client_type, status, joined_on, created_at, subscription_state)"
            " VALUES (1, 't', 'T', 'company', 'active', '2026-01-01', '2026-01-01', 'active')"
        )
        for shipment_id in (1, 2):
            connection.execute(
                "INSERT INTO shipment (id, tenant_id, sender_name, sender_phone, sender_address, sender_city,"
                " receiver_name, receiver_phone, receiver_address, receiver_city, shipment_type, status,"
                " total_weight, chargeable_weight, price_per_kg, shipping_cost, discount_type, discount_value,"
                " discount_amount, total_cost, created_at, updated_at) VALUES (?, 1, 'a', '1', 'x', '31.71', 'b',"
                " '2', 'y', '32.73', 'pickup', 'ready_pickup', 1, 1, 1, 1, 'none', 0, 0, 1, '2026-01-01',"
                " '2026-01-01')",
                (shipment_id,),
            )
        for position, name in ((1, "Sepatu"), (0, "Buku")):
            connection.execute(
                "INSERT INTO shipment_item (tenant_id, shipment_id, position, name, weight, quantity, length, width,"
                " height, volumetric_weight, line_total) VALUES (1, 1, ?, ?, 1, 1, 1, 1, 1, 0, 1)",
                (position, name),
            )
    result = _upgrade_from_empty(f"sqlite:///{path}")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(path) as connection:
        names = connection.execute("SELECT id, item_names FROM shipment ORDER BY id").fetchall()
    assert names == [(1, "Buku Sepatu"), (2, "")]
