"""Menu "Pelanggan" (issue 23): the customer book. Field rules, a Marketing user sees its own customers and
their shipments (read-only), a customer named on shipments is deactivated rather than deleted, the new
shipment form picks a customer or adds its sender to the book, the export equals the list."""

import re

import pytest
import sqlalchemy as sa

from app.core.validation import FieldError
from app.logistics.customers import services
from app.logistics.customers.models import Customer
from app.logistics.shipments.listing import ListQuery, fetch_page
from app.logistics.shipments.models import Shipment
from app.tenancy.context import all_tenants, tenant_scope
from tests.conftest import login, tenant_host
from tests.logistics.conftest import as_form, shipment_payload
from tests.support.factories import create_customer, owner_of
from tests.support.jobs import finished_run, result_sheet


def _input(**changes) -> services.CustomerInput:
    values = {"name": "Toko Makmur", "phone": "0812 1111 2222", "address": "Jl. Pasar 3", "city": "32.73"}
    return services.CustomerInput(**{**values, **changes})


def _count(db, model, *where) -> int:
    return db.session.execute(sa.select(sa.func.count(model.id)).where(*where)).scalar_one()


# --- rules -----------------------------------------------------------------------------------
def test_bad_input_names_every_field_and_writes_nothing(db, create_tenant, create_user):
    tenant = create_tenant()
    kurir, owner = create_user(tenant, role="Kurir"), owner_of(tenant)
    bad = _input(name="", phone="12345", address="", city="Atlantis", marketing_id=str(kurir.id))
    with tenant_scope(tenant.id, owner.id):
        with pytest.raises(FieldError) as refused:
            services.create_customer(tenant, owner, bad)
        assert set(refused.value.errors) == {"name", "phone", "address", "city", "marketing_id"}
        assert _count(db, Customer) == 0


def test_a_phone_is_in_a_book_once_however_it_is_written(db, create_tenant):
    tenant = create_tenant()
    owner = owner_of(tenant)
    with tenant_scope(tenant.id, owner.id):
        first = services.create_customer(tenant, owner, _input(phone="0812-1111-2222"))
        assert (first.phone, first.city) == ("+6281211112222", "32.73")
        with pytest.raises(FieldError) as refused:
            services.create_customer(tenant, owner, _input(name="Toko Lain", phone="+62 812 1111 2222"))
        assert set(refused.value.errors) == {"phone"}
    assert create_customer(create_tenant(), phone="0812-1111-2222").phone == "+6281211112222"  # another company


def test_the_marketing_person_is_an_active_marketing_user_and_a_customer_keeps_its_own(db, create_tenant, create_user):
    tenant = create_tenant()
    marketing, owner = create_user(tenant, role="Marketing"), owner_of(tenant)
    customer = create_customer(tenant, marketing_id=str(marketing.id))
    assert customer.marketing_id == marketing.id
    marketing.active = False
    db.session.commit()  # the pickers' cache follows the tenant's data version
    with tenant_scope(tenant.id, owner.id):
        services.update_customer(tenant, owner, customer, _input(name="Toko Baru", marketing_id=str(marketing.id)))
        assert (customer.name, customer.marketing_id) == ("Toko Baru", marketing.id)
        with pytest.raises(FieldError) as refused:
            services.create_customer(tenant, owner, _input(phone="0812 9999 0000", marketing_id=str(marketing.id)))
        assert set(refused.value.errors) == {"marketing_id"}


def test_marketing_sees_only_its_own_customers(db, create_tenant, create_user):
    tenant = create_tenant()
    mine, theirs, owner = create_user(tenant, role="Marketing"), create_user(tenant, role="Marketing"), owner_of(tenant)
    own = create_customer(tenant, marketing_id=mine.id)
    other = create_customer(tenant, marketing_id=theirs.id)
    loose = create_customer(tenant)
    with tenant_scope(tenant.id, mine.id):
        assert [row.id for row in services.customer_page(services.CustomerQuery(), mine)[0]] == [own.id]
        assert [row.id for row in services.lookup("", mine)] == [own.id]
        assert services.visible_customer(mine, other.id) is None
        everyone = services.customer_page(services.CustomerQuery(), owner)[0]
        assert {row.id for row in everyone} == {own.id, other.id, loose.id}
        by_marketing = services.customer_page(services.CustomerQuery(marketing=theirs.id), owner)[0]
        assert [row.id for row in by_marketing] == [other.id]


def test_marketing_sees_the_shipments_of_its_customers(db, create_tenant, create_user, create_shipment):
    tenant = create_tenant()
    mine, theirs, owner = create_user(tenant, role="Marketing"), create_user(tenant, role="Marketing"), owner_of(tenant)
    own, foreign = create_customer(tenant, marketing_id=mine.id), create_customer(tenant, marketing_id=theirs.id)
    of_own = create_shipment(tenant, customer_id=own.id, marketing_id=theirs.id)  # its customer is mine
    named = create_shipment(tenant, marketing_id=mine.id)
    of_foreign = create_shipment(tenant, customer_id=foreign.id)
    with tenant_scope(tenant.id, mine.id):
        assert {row.id for row in fetch_page(ListQuery(per_page=100), mine).rows} == {of_own.id, named.id}
        assert [row.id for row in fetch_page(ListQuery(customer=foreign.id), owner).rows] == [of_foreign.id]
        assert fetch_page(ListQuery(customer=foreign.id), mine).rows == []


def test_a_customer_named_on_a_shipment_is_deactivated_not_deleted(db, create_tenant, create_shipment):
    tenant = create_tenant()
    owner = owner_of(tenant)
    used, unused = create_customer(tenant), create_customer(tenant)
    create_shipment(tenant, customer_id=used.id)
    with tenant_scope(tenant.id, owner.id):
        with pytest.raises(FieldError) as refused:
            services.delete_customer(tenant, owner, used)
        assert set(refused.value.errors) == {"delete"}
        services.set_active(tenant, owner, used, False)
        assert services.lookup("", owner) == [unused]
        services.delete_customer(tenant, owner, unused)
        assert _count(db, Customer) == 1


# --- the new-shipment form ---------------------------------------------------------------------
def test_new_shipment_picks_a_customer_or_adds_its_sender_to_the_book(app, db, create_tenant, create_tariff):
    tenant = create_tenant()
    create_tariff(tenant)
    customer = create_customer(tenant)
    db.session.commit()
    owner = login(app, tenant.email, host=tenant_host(tenant.slug))
    form = owner.get("/shipments/new").get_data(as_text=True)
    assert 'id="customer_id"' in form and 'id="save_customer"' in form
    assert owner.post("/shipments/new", data=as_form(shipment_payload(customer_id=str(customer.id)))).status_code == 302
    newcomer = shipment_payload(sender_name="Toko Baru", sender_phone="0857 1111 3333", sender_city="31.71")
    assert owner.post("/shipments/new", data={**as_form(newcomer), "save_customer": "1"}).status_code == 302
    assert owner.post("/shipments/new", data={**as_form(newcomer), "save_customer": "1"}).status_code == 302
    assert (
        owner.post("/shipments/new", data=as_form(shipment_payload(sender_phone="0857 4444 5555"))).status_code == 302
    )
    refused = owner.post("/shipments/new", data=as_form(shipment_payload(customer_id="999999")))
    assert refused.status_code == 422 and 'id="error-customer_id"' in refused.get_data(as_text=True)
    with tenant_scope(tenant.id):
        links = db.session.execute(sa.select(Shipment.customer_id).order_by(Shipment.id)).scalars().all()
        added = db.session.execute(sa.select(Customer).where(Customer.phone == "+6285711113333")).scalar_one()
        assert links == [customer.id, added.id, added.id, None]  # the same sender twice: one entry in the book
        assert (added.name, added.city, added.active) == ("Toko Baru", "31.71", True)
        assert _count(db, Customer) == 2


# --- pages per role (the seeded demo tenant: four of its five customers are the marketing user's) -------
@pytest.mark.parametrize(
    ("email", "writes", "sees_all"),
    [
        ("owner@demo.test", True, True),
        ("admin@demo.test", True, True),
        ("viewer@demo.test", False, True),
        ("marketing@demo.test", False, False),
    ],
)
def test_the_book_per_role(client_as, email, writes, sees_all):
    client = client_as(email)
    page = client.get("/customers/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Toko Sumber Rejeki" in html
    assert ("Batik Sekar Arum" in html) == sees_all  # looked after by nobody
    assert ('id="btn-add-customer"' in html) == writes and ('id="edit-' in html) == writes
    pk = re.search(r'href="/customers/(\d+)"', html).group(1)
    detail = client.get(f"/customers/{pk}").get_data(as_text=True)
    assert 'id="customer-detail"' in detail and ('id="btn-edit-customer"' in detail) == writes
    assert (client.get("/customers/new").status_code == 200) == writes


def test_marketing_reads_only_and_kurir_sees_nothing(app, client_as):
    from app.extensions import db

    marketer, kurir = client_as("marketing@demo.test"), client_as("kurir@demo.test")
    with app.app_context(), all_tenants():
        batik = db.session.execute(sa.select(Customer.id).where(Customer.name == "Batik Sekar Arum")).scalars().first()
    assert marketer.get(f"/customers/{batik}").status_code == 404  # not its customer
    assert marketer.post("/customers/new", data={"name": "X"}).status_code == 403
    assert marketer.post(f"/customers/{batik}/delete").status_code == 403
    assert kurir.get("/customers/").status_code == 403
    assert kurir.get("/customers/lookup?q=toko").status_code == 403
    assert 'href="/customers/"' not in kurir.get("/courier/").get_data(as_text=True)
    assert 'href="/customers/"' in marketer.get("/customers/").get_data(as_text=True)


def test_adding_a_customer_by_form(app, db, create_tenant, create_user):
    tenant = create_tenant()
    marketing = create_user(tenant, role="Marketing")
    db.session.commit()
    owner = login(app, tenant.email, host=tenant_host(tenant.slug))
    refused = owner.post("/customers/new", data={"name": "", "phone": "123", "address": "", "city": "x"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert all(f'id="error-{name}"' in text for name in ("name", "phone", "address", "city"))
    form = {"name": "Toko Sentosa", "phone": "0812 7777 8888", "address": "Jl. A 1", "city": "32.73", "active": "1"}
    assert owner.post("/customers/new", data={**form, "marketing_id": str(marketing.id)}).status_code == 302
    found = owner.get("/customers/lookup?q=0812-7777").get_json()["results"]
    assert [(row["name"], row["phone"], row["city"], row["marketing_id"]) for row in found] == [
        ("Toko Sentosa", "0812-7777-8888", "32.73", marketing.id)
    ]


# --- export -----------------------------------------------------------------------------------
def _export(client, list_args: str) -> list[tuple]:
    run = finished_run(client.post("/customers/export", data={"list_args": list_args}))
    assert client.get(f"/jobs/{run.id}/download").status_code == 200
    return list(result_sheet(run).iter_rows(values_only=True))


def _listed(client, list_args: str) -> list[str]:
    html = client.get(f"/customers/?{list_args}").get_data(as_text=True)
    return re.findall(r'<tr id="customer-\d+"[^>]*>\s*<td><a href="[^"]+">([^<]+)</a>', html)


def test_export_equals_the_filtered_list(app, db, create_tenant, create_user, create_shipment):
    tenant = create_tenant()
    marketing = create_user(tenant, role="Marketing")
    bandung = create_customer(tenant, name="Toko Bandung", city="32.73", marketing_id=marketing.id)
    create_customer(tenant, name="Apotek Bandung", city="32.73")
    create_customer(tenant, name="Toko Jakarta", city="31.71", marketing_id=marketing.id)
    create_shipment(tenant, customer_id=bandung.id, sender_city="32.73", receiver_city="31.71")
    marketing_name, marketing_email, host = marketing.get_full_name(), marketing.email, tenant_host(tenant.slug)
    db.session.commit()
    owner = login(app, tenant.email, host=host)
    table = _export(owner, "city=32.73")
    header, rows = table[0], table[1:]
    assert [row[0] for row in rows] == _listed(owner, "city=32.73") == ["Apotek Bandung", "Toko Bandung"]
    column = {name: index for index, name in enumerate(header)}
    toko = rows[1]
    assert toko[column["Phone"]].startswith("0813") and toko[column["City"]].startswith("Kota Bandung")
    assert toko[column["Marketing"]] == marketing_name and toko[column["Shipments"]] == 1
    marketer = login(app, marketing_email, host=host)
    assert [row[0] for row in _export(marketer, "")[1:]] == _listed(marketer, "") == ["Toko Bandung", "Toko Jakarta"]
