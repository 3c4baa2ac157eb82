"""Row rule of the shipment list: a Kurir sees only shipments assigned to them, Marketing only theirs."""

import uuid

import sqlalchemy as sa

from app.logistics.shipments.listing import ListQuery, fetch_page


def _users(app):
    from app.extensions import db
    from app.security.models import TenantUser

    emails = ("kurir@demo.test", "marketing@demo.test", "admin@demo.test")
    with app.app_context():
        found = db.session.execute(sa.select(TenantUser).where(TenantUser.email.in_(emails))).scalars().all()
        return {user.email.split("@")[0]: user.id for user in found}


def _committed_rows(app, token: str, assignments) -> None:
    """One issued demo shipment per (courier_id, marketing_id) pair, sender name carrying `token`."""
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.tenancy.context import all_tenants
    from app.tenancy.models import Tenant

    with app.app_context(), all_tenants():
        tenant_id = db.session.execute(sa.select(Tenant.id).where(Tenant.slug == "demo")).scalar_one()
        for index, (courier_id, marketing_id) in enumerate(assignments):
            db.session.add(
                Shipment(
                    tenant_id=tenant_id,
                    tracking_number=f"N{token}{index}",
                    sender_name=f"Narrow {token} {index}",
                    sender_phone="081234567890",
                    sender_address="Jl. Uji",
                    sender_city="31.71",
                    receiver_name="Penerima",
                    receiver_phone="081298765432",
                    receiver_address="Jl. Coba",
                    receiver_city="32.73",
                    shipment_type="pickup",
                    status="ready_pickup",
                    courier_id=courier_id,
                    marketing_id=marketing_id,
                )
            )
        db.session.commit()


def _listed(client, token: str) -> set[str]:
    page = client.get(f"/shipments/?q={token}&per_page=100")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return {f"N{token}{index}" for index in range(4) if f"N{token}{index}" in html}


def test_kurir_marketing_and_admin_see_their_rows(app, client_as):
    token = uuid.uuid4().hex[:8]
    users = _users(app)
    kurir, marketing = users["kurir"], users["marketing"]
    # 0: both assigned, 1: kurir only, 2: marketing only, 3: nobody
    _committed_rows(app, token, [(kurir, marketing), (kurir, None), (None, marketing), (None, None)])
    assert _listed(client_as("kurir@demo.test"), token) == {f"N{token}0", f"N{token}1"}
    assert _listed(client_as("marketing@demo.test"), token) == {f"N{token}0", f"N{token}2"}
    assert _listed(client_as("admin@demo.test"), token) == {f"N{token}{i}" for i in range(4)}
    assert _listed(client_as("viewer@demo.test"), token) == {f"N{token}{i}" for i in range(4)}


def test_kurir_cannot_widen_the_list_with_a_courier_filter(app, client_as):
    token = uuid.uuid4().hex[:8]
    users = _users(app)
    _committed_rows(app, token, [(users["admin"], None), (users["kurir"], None)])
    client = client_as("kurir@demo.test")
    html = client.get(f"/shipments/?q={token}&courier={users['admin']}").get_data(as_text=True)
    assert f"N{token}0" not in html and f"N{token}1" not in html
    assert f"N{token}1" in client.get(f"/shipments/?q={token}").get_data(as_text=True)


def _shipments(rows) -> list:
    from app.extensions import db
    from app.logistics.shipments.models import Shipment

    return [db.session.get(Shipment, row.id) for row in rows]


def test_narrowing_rule_by_role(acting):
    from app.logistics.shipments.services import list_narrowing

    with acting("kurir@demo.test") as (_tenant, kurir):
        rows = _shipments(fetch_page(ListQuery(per_page=100), kurir).rows)
        assert rows and all(row.courier_id == kurir.id for row in rows)
    with acting("marketing@demo.test") as (_tenant, marketer):
        rows = _shipments(fetch_page(ListQuery(per_page=100), marketer).rows)
        assert rows and all(row.marketing_id == marketer.id for row in rows)
    with acting("owner@demo.test") as (_tenant, owner):
        assert list_narrowing(owner) is None


def _api_listed(client, token: str) -> set[str]:
    query = f"(filters:!((col:sender_name,opr:ct,value:'{token}')),page_size:100)"
    response = client.get(f"/api/v1/shipments/?q={query}")
    assert response.status_code == 200, response.json
    return {row["tracking_number"] for row in response.json["result"]}


def _api_ids(app, token: str) -> dict[str, int]:
    from app.extensions import db
    from app.logistics.shipments.models import Shipment
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        rows = db.session.execute(
            sa.select(Shipment.tracking_number, Shipment.id).where(Shipment.sender_name.contains(token))
        )
        return dict(rows.all())


def test_api_list_and_get_narrow_like_the_page(app, api_client, client_as):
    token = uuid.uuid4().hex[:8]
    users = _users(app)
    kurir, marketing = users["kurir"], users["marketing"]
    _committed_rows(app, token, [(kurir, marketing), (kurir, None), (None, marketing), (None, None)])
    ids = _api_ids(app, token)
    everything = {f"N{token}{i}" for i in range(4)}
    for email in ("kurir@demo.test", "marketing@demo.test", "admin@demo.test", "viewer@demo.test"):
        client = api_client(email)
        listed = _api_listed(client, token)
        assert listed == _listed(client_as(email), token), email  # the same rows as the HTML list
        for number in everything:
            expected = 200 if number in listed else 404
            assert client.get(f"/api/v1/shipments/{ids[number]}").status_code == expected, (email, number)
    assert _api_listed(api_client("kurir@demo.test"), token) == {f"N{token}0", f"N{token}1"}
    assert _api_listed(api_client("marketing@demo.test"), token) == {f"N{token}0", f"N{token}2"}
    assert _api_listed(api_client("admin@demo.test"), token) == everything


def test_api_filters_cannot_widen_the_kurir_list(app, api_client):
    token = uuid.uuid4().hex[:8]
    users = _users(app)
    _committed_rows(app, token, [(users["admin"], None), (users["kurir"], None)])
    query = f"(filters:!((col:sender_name,opr:ct,value:'{token}'),(col:courier,opr:rel_o_m,value:{users['admin']})))"
    response = api_client("kurir@demo.test").get(f"/api/v1/shipments/?q={query}")
    assert response.status_code == 200 and response.json["result"] == []


def test_one_shipment_pages_narrow_like_the_list(app, client_as):
    """A Kurir or Marketing user cannot open, print, edit, duplicate or delete a row their list hides."""
    token = uuid.uuid4().hex[:8]
    users = _users(app)
    kurir, marketing = users["kurir"], users["marketing"]
    _committed_rows(app, token, [(kurir, marketing), (kurir, None), (None, marketing), (None, None)])
    ids = _api_ids(app, token)
    pages = ("/shipments/{}", "/shipments/{}/detail", "/shipments/{}/resi.pdf", "/shipment-status/{}")
    for email in ("kurir@demo.test", "marketing@demo.test", "admin@demo.test"):
        client = client_as(email)
        listed = _listed(client, token)
        for page in pages:
            statuses = {number: client.get(page.format(pk)).status_code for number, pk in ids.items()}
            if set(statuses.values()) == {403}:
                continue  # the role may not open this page at all (Marketing: status history)
            for number, status in statuses.items():
                assert (status == 404) == (number not in listed), (email, page, number, status)
    marketer = client_as("marketing@demo.test")  # reads only (spec §9): no edit, copy or delete of any row
    for pk in (ids[f"N{token}1"], ids[f"N{token}2"]):  # hidden from it, and its own
        assert marketer.get(f"/shipments/{pk}/edit").status_code == 403
        assert marketer.get(f"/shipments/new?from={pk}").status_code == 403
        assert marketer.post(f"/shipments/{pk}/delete").status_code == 403
    assert set(_api_ids(app, token)) == set(ids)  # nothing deleted
