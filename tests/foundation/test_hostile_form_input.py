"""Hostile values typed into the HTML forms and query strings (found by fuzzing every form and list as
each realm's users): a 4xx or the form again with its message, never a 500, and nothing written."""

import pytest
import sqlalchemy as sa

from tests.logistics.conftest import as_form, shipment_payload

NUL_MESSAGE = "Text cannot contain the NUL character"
SUPERSCRIPT_TWO = "\u00b2"  # "²".isdigit() is True, int("²") raises ValueError
BEYOND_BIGINT = "99999999999999999999"
PASSWORD = "FuzzPass#2026x"


def _count(app, model, *where):
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        return db.session.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar_one()


def _models():
    from flask_appbuilder.security.sqla.models import Role

    from app.helpdesk.models import Ticket
    from app.logistics.shipments.models import Shipment

    return {"shipment": Shipment, "ticket": Ticket, "role": Role}


@pytest.mark.parametrize(
    "email,path,data,model",
    [
        ("admin@demo.test", "/shipments/new", as_form(shipment_payload(sender_name="Nul\x00Byte")), "shipment"),
        ("admin@demo.test", "/shipments/new", as_form(shipment_payload(receiver_address="a\x00")), "shipment"),
        (
            "owner@demo.test",
            "/bantuan/tickets/new",
            {"title": "Judul\x00", "category": "bug", "priority": "rendah", "description": "Ada masalah di sini"},
            "ticket",
        ),
        ("admin@vendor.test", "/vendor/roles/add", {"name": "Peran\x00"}, "role"),
    ],
)
def test_a_nul_character_in_a_form_field_is_400_naming_it_and_writes_nothing(app, client_as, email, path, data, model):
    # PostgreSQL cannot store NUL: it failed at the database (the form lost, a generic error); SQLite stored it.
    model = _models()[model]
    before = _count(app, model)
    response = client_as(email).post(path, data=data)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.get_data(as_text=True)
    assert _count(app, model) == before


@pytest.mark.parametrize(
    "email,path",
    [
        ("admin@demo.test", "/shipments/?q=a%00b"),
        ("kurir@demo.test", "/shipments/?courier=%00"),
        ("admin@vendor.test", "/billing/clients/?q=%00"),
        ("admin@vendor.test", "/vendor/staff/list/?_flt_0_username=a%00b"),
    ],
)
def test_a_nul_character_in_a_query_string_is_400_naming_it(client_as, email, path):
    response = client_as(email).get(path)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.get_data(as_text=True)


def test_an_upload_named_with_a_nul_character_is_400(client_as):
    import io

    response = client_as("owner@demo.test").post(
        "/settings/logo", data={"logo": (io.BytesIO(b"\x89PNG\r\n\x1a\n"), "logo\x00.png")}
    )
    assert response.status_code == 400
    assert NUL_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, BEYOND_BIGINT, "0"])
@pytest.mark.parametrize(
    "path",
    [
        "/billing/clients/?q={}",
        "/billing/invoices/?client={}",
        "/vendor/tickets/?assignee={}",
        "/vendor/ticket-stats/?agent={}",
    ],
)
def test_an_id_filter_no_row_can_match_lists_normally(client_as, path, value):
    response = client_as("admin@vendor.test").get(path.format(value))
    assert response.status_code == 200


def test_an_invoice_for_an_impossible_client_is_refused_in_the_form(app, client_as):
    from app.billing.models import Invoice

    before = _count(app, Invoice)
    for value in (SUPERSCRIPT_TWO, BEYOND_BIGINT):
        response = client_as("admin@vendor.test").post(
            "/billing/invoices/new",
            data={
                "tenant_id": value,
                "due_date": "2026-12-31",
                "description": ["Biaya"],
                "quantity": ["1"],
                "unit_price": ["100000"],
            },
        )
        assert response.status_code == 400
        assert "alert-danger" in response.get_data(as_text=True)
    assert _count(app, Invoice) == before


def test_assigning_a_ticket_to_an_impossible_id_is_refused_and_changes_nothing(app, client_as):
    from app.helpdesk.models import Ticket

    admin = client_as("admin@vendor.test")
    with app.app_context():
        from app.extensions import db
        from app.tenancy.context import all_tenants

        with all_tenants():
            ticket_id, assignee = db.session.execute(sa.select(Ticket.id, Ticket.assignee_id).limit(1)).one()
    for value in (SUPERSCRIPT_TWO, BEYOND_BIGINT):
        response = admin.post(f"/vendor/tickets/{ticket_id}/assign", data={"assignee": value}, follow_redirects=True)
        assert response.status_code == 200
        assert "Choose an active vendor staff member." in response.get_data(as_text=True)
    assert (
        _count(
            app,
            Ticket,
            Ticket.id == ticket_id,
            Ticket.assignee_id.is_(assignee) if assignee is None else Ticket.assignee_id == assignee,
        )
        == 1
    )


def test_a_notification_to_impossible_client_ids_is_refused_and_writes_nothing(app, client_as):
    from app.notifications.models import Notification

    before = _count(app, Notification)
    response = client_as("admin@vendor.test").post(
        "/vendor/notifications/new",
        data={
            "title": "Halo",
            "body": "Isi",
            "type": "pengumuman",
            "target": "chosen",
            "tenant_ids": [SUPERSCRIPT_TWO, BEYOND_BIGINT],
        },
    )
    assert response.status_code == 400
    assert "Choose at least one client." in response.get_data(as_text=True)
    assert _count(app, Notification) == before


@pytest.mark.parametrize(
    "query", ["", "?pk=", "?pk=abc", f"?pk={SUPERSCRIPT_TWO}", f"?pk={BEYOND_BIGINT}", "?pk=2147483648", "?pk=999999"]
)
def test_resetting_the_password_of_no_user_is_404(app, client_as, query):
    # FAB validated the form, then set the password of None (AttributeError: a 500).
    admin = client_as("admin@vendor.test")
    if query:
        assert admin.get(f"/resetpassword/form{query}").status_code == 404
    response = admin.post(f"/resetpassword/form{query}", data={"password": PASSWORD, "conf_password": PASSWORD})
    assert response.status_code == 404


def test_resetting_an_existing_users_password_still_works(app, client_as):
    from tests.conftest import client_on, tenant_host
    from tests.support.users import own_user

    with own_user(app, "demo", "Viewer", "reset") as email:  # a reset ends every session of the user
        with app.app_context():
            user_id = app.appbuilder.sm.find_user(email=email).id
        admin = client_as("admin@vendor.test")
        assert admin.get(f"/resetpassword/form?pk={user_id}").status_code == 200
        data = {"password": PASSWORD, "conf_password": PASSWORD}
        assert admin.post(f"/resetpassword/form?pk={user_id}", data=data).status_code == 302
        client = client_on(app, tenant_host("demo"))
        assert client.post("/login/", data={"username": email, "password": PASSWORD}).status_code == 302


def test_a_role_name_taken_in_other_letters_case_is_refused_not_500(app, client_as):
    # SQLite's lower() folds ASCII only: "Ünïcode" never matched itself and the insert hit the unique index.
    from flask_appbuilder.security.sqla.models import Role

    admin = client_as("admin@vendor.test")
    assert admin.post("/vendor/roles/add", data={"name": "Ülasan Ünik"}).status_code == 302
    for name in ("Ülasan Ünik", "ülasan ünik"):
        response = admin.post("/vendor/roles/add", data={"name": name})
        assert response.status_code == 400
        assert "already exists" in response.get_data(as_text=True)
    assert _count(app, Role, sa.func.lower(Role.name).in_(["Ülasan Ünik".lower(), "Ülasan Ünik"])) == 1
