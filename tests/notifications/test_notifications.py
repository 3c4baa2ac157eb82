"""Broadcast fan-out, read counts, the bell per user, and the vendor's compose / sent screens."""

import uuid

import pytest
import sqlalchemy as sa

from app.core.validation import FieldError
from app.notifications import services
from app.notifications.models import Notification
from app.security.models import TenantUser


@pytest.fixture()
def scoped(app):
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        yield db.session
        db.session.rollback()


def _user(session, email):
    return session.execute(sa.select(TenantUser).filter_by(email=email)).scalar_one()


def _broadcast(session, target="all", client_type=None, tenant_ids=()):
    notification = services.compose(
        title=f"Info {uuid.uuid4().hex[:6]}",
        body="Isi",
        type_="pengumuman",
        target=target,
        client_type=client_type,
        tenant_ids=tenant_ids,
        created_by=_user(session, "admin@vendor.test"),
    )
    return notification


def _tenant_ids(session, **where):
    from app.tenancy.models import Tenant

    return set(session.execute(sa.select(Tenant.id).filter_by(**where)).scalars())


def _recipients(session, notification):
    table = services.RECIPIENTS
    return set(
        session.execute(sa.select(table.c.tenant_id).where(table.c.notification_id == notification.id)).scalars()
    )


def test_fan_out_to_all_chosen_and_client_type_is_exact_and_idempotent(scoped):
    everyone = _broadcast(scoped)
    assert services.fan_out(everyone.id) == len(_tenant_ids(scoped))
    assert services.fan_out(everyone.id) == len(_tenant_ids(scoped))  # running twice adds nobody
    assert _recipients(scoped, everyone) == _tenant_ids(scoped)
    demo = _tenant_ids(scoped, slug="demo")
    chosen = _broadcast(scoped, target="chosen", tenant_ids=demo)
    services.fan_out(chosen.id)
    assert _recipients(scoped, chosen) == demo
    koperasi = _broadcast(scoped, target="client_type", client_type="koperasi")
    services.fan_out(koperasi.id)
    assert _recipients(scoped, koperasi) == _tenant_ids(scoped, client_type="koperasi")
    assert everyone.state == "sent" and everyone.sent_at is not None


def test_compose_refuses_bad_input(scoped):
    with pytest.raises(FieldError) as error:
        services.compose(
            title="", body="", type_="x", target="chosen", client_type=None, tenant_ids=[], created_by=None
        )
    assert set(error.value.errors) == {"title", "body", "type"} | {"tenant_ids"}
    with pytest.raises(FieldError) as error:
        _broadcast(scoped, target="client_type", client_type="bank")
    assert "client_type" in error.value.errors


def test_read_state_is_per_user_and_counts_per_client(scoped):
    owner, admin = _user(scoped, "owner@demo.test"), _user(scoped, "admin@demo.test")
    other = _user(scoped, "owner@contoh.test")
    notification = _broadcast(scoped)
    services.fan_out(notification.id)
    owner_unread, admin_unread = services.unread_count(owner), services.unread_count(admin)
    assert services.open_notification(owner, notification.id) is notification
    assert services.open_notification(owner, notification.id) is notification  # second open: still one read
    assert services.unread_count(owner) == owner_unread - 1
    assert services.unread_count(admin) == admin_unread
    assert services.read_counts([notification.id])[notification.id] == (1, 1)
    services.open_notification(admin, notification.id)
    services.open_notification(other, notification.id)
    assert services.read_counts([notification.id])[notification.id] == (2, 3)


def test_personal_notification_reaches_only_that_user(scoped):
    owner, admin = _user(scoped, "owner@demo.test"), _user(scoped, "admin@demo.test")
    before = services.unread_count(admin)
    personal = services.notify_users([owner], title="Untuk owner", body="x")
    assert services.open_notification(admin, personal.id) is None
    assert services.unread_count(admin) == before


def test_bell_counts_per_user_over_http(client_as):
    owner, admin = client_as("owner@demo.test"), client_as("admin@demo.test")
    vendor_admin = client_as("admin@vendor.test")
    title = f"Pengumuman {uuid.uuid4().hex[:6]}"
    _send(vendor_admin, title=title)
    owner_summary = owner.get("/notifications/summary").json
    admin_before = admin.get("/notifications/summary").json["unread"]
    item = next(i for i in owner_summary["items"] if i["title"] == title)
    assert not item["read"]
    page = owner.get(item["url"]).get_data(as_text=True)
    assert title in page
    assert owner.get("/notifications/summary").json["unread"] == owner_summary["unread"]  # showing is not a write
    assert owner.post(item["url"] + "/read").json == {"unread": owner_summary["unread"] - 1}  # the page's POST
    assert owner.get("/notifications/summary").json["unread"] == owner_summary["unread"] - 1
    assert admin.get("/notifications/summary").json["unread"] == admin_before
    assert owner.post("/notifications/read-all", headers={"Accept": "application/json"}).json == {"unread": 0}
    assert owner.get("/notifications/summary").json["unread"] == 0
    assert admin.get("/notifications/summary").json["unread"] == admin_before
    assert "bell-count" in owner.get("/").get_data(as_text=True)
    assert "bell-count" in vendor_admin.get("/").get_data(as_text=True)
    assert owner.get("/notifications/").status_code == 200


def test_other_tenants_notification_is_404(client_as, app):
    vendor_admin = client_as("admin@vendor.test")
    title = f"Hanya contoh {uuid.uuid4().hex[:6]}"
    with app.app_context():
        from app.extensions import db
        from app.tenancy.services import tenant_by_slug

        contoh = tenant_by_slug("contoh").id
    _send(vendor_admin, title=title, target="chosen", tenant_ids=[str(contoh)])
    with app.app_context():
        from app.extensions import db

        nid = db.session.execute(sa.select(Notification.id).filter_by(title=title)).scalar_one()
    assert client_as("owner@demo.test").get(f"/notifications/{nid}").status_code == 404
    assert client_as("owner@contoh.test").get(f"/notifications/{nid}").status_code == 200


def _send(client, **fields):
    from app.extensions import db
    from app.notifications.services import fan_out

    data = {"title": "x", "body": "Isi pengumuman", "type": "pengumuman", "target": "all", **fields}
    response = client.post("/vendor/notifications/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    # The job may run on a worker; run the (idempotent) fan-out here so the test does not wait.
    with client.application.app_context():
        from app.tenancy.context import all_tenants

        with all_tenants():
            nid = db.session.execute(sa.select(Notification.id).filter_by(title=data["title"])).scalar_one()
            fan_out(nid)
            db.session.commit()
    return response


def test_vendor_compose_bad_input_and_sent_list(client_as):
    vendor_admin = client_as("admin@vendor.test")
    response = vendor_admin.post(
        "/vendor/notifications/new", data={"title": "", "body": "", "type": "x", "target": "chosen"}
    )
    assert response.status_code == 400
    assert vendor_admin.get("/vendor/notifications/new").status_code == 200
    title = f"Fitur baru {uuid.uuid4().hex[:6]}"
    _send(vendor_admin, title=title, type="pembaruan_produk")
    page = vendor_admin.get(f"/vendor/notifications/?q={title}").get_data(as_text=True)
    assert title in page and "delivery" in page
    assert title not in vendor_admin.get("/vendor/notifications/?type=pengumuman").get_data(as_text=True)
    for query in ("?page=x", "?page=99", "?target=zzz"):
        assert vendor_admin.get("/vendor/notifications/" + query).status_code == 200
    assert vendor_admin.get("/vendor/notifications/999999").status_code == 404
    support = client_as("support@vendor.test")
    assert support.get("/vendor/notifications/").status_code == 200


def test_a_sent_notification_lists_the_clients_it_went_to(client_as, tenant):
    import uuid

    from app.extensions import db

    admin = client_as("admin@vendor.test")
    title = f"Pemeliharaan {uuid.uuid4().hex[:6]}"
    contoh = tenant("contoh")
    _send(admin, title=title, target="chosen", tenant_ids=[str(contoh.id)])
    with admin.application.app_context():
        nid = db.session.execute(sa.select(Notification.id).filter_by(title=title)).scalar_one()
    page = admin.get(f"/vendor/notifications/{nid}").get_data(as_text=True)
    listed = page.split('id="recipient-clients"')[1].split("</table>")[0]
    assert f"/billing/clients/{contoh.id}" in listed and contoh.slug in listed
    assert f"/billing/clients/{tenant('demo').id}" not in listed
