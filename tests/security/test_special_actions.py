"""Special actions (invoices.send, tickets.assign) are permissions of their own; roles rule the API too."""

import pytest
import sqlalchemy as sa

from app import menu
from app.core.access import SPECIAL_ACTIONS
from app.security.sync import role_matrix
from tests.conftest import login
from tests.support.routes import discover
from tests.support.staff import ADMIN, add_staff, create_role, role_id, unique


@pytest.fixture(scope="module")
def matrix(app):
    with app.app_context():
        return role_matrix(app.appbuilder, menu.menu_resources)


def test_catalogue_roles_keep_their_special_actions(matrix):
    send, assign = ("can_send", "Invoice"), ("can_assign", "VendorTicket")
    assert send in matrix["Vendor Finance"] and assign not in matrix["Vendor Finance"]
    assert assign in matrix["Vendor Support"] and send not in matrix["Vendor Support"]
    assert {send, assign} <= matrix["Vendor Admin"]
    assert not {send, assign} & matrix["Vendor Viewer"]


def test_every_declared_special_action_guards_a_route(app):
    guarded = {route.permission for route in discover(app) if route.permission}
    declared = {(f"can_{action}", resource) for resource, actions in SPECIAL_ACTIONS.items() for action in actions}
    assert declared <= guarded


def _first_id(app, model):
    from app.extensions import db
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        return db.session.execute(sa.select(model.id).order_by(model.id)).scalars().first()


def _member_with(app, admin, perms):
    name = unique("Special")
    assert create_role(admin, name, perms).status_code == 302
    _response, email = add_staff(admin, app, name)
    return login(app, email), name


def test_sending_an_invoice_needs_the_send_permission_not_create_or_edit(app, client_as):
    from app.billing.models import Invoice

    admin = client_as(ADMIN)
    pk = _first_id(app, Invoice)
    writer, _name = _member_with(app, admin, ["can_add:Invoice", "can_edit:Invoice"])
    assert writer.post(f"/billing/invoices/{pk}/send").status_code == 403
    page = writer.get(f"/billing/invoices/{pk}")
    assert page.status_code == 200 and 'id="send-button"' not in page.get_data(as_text=True)
    sender, _name = _member_with(app, admin, ["can_read:Invoice", "can_send:Invoice"])
    assert 'id="send-button"' in sender.get(f"/billing/invoices/{pk}").get_data(as_text=True)
    assert sender.post(f"/billing/invoices/{pk}/send").status_code == 302
    assert sender.get("/billing/invoices/new").status_code == 403  # sending is not writing


def test_assigning_a_ticket_needs_the_assign_permission_not_edit(app, client_as):
    from app.helpdesk.models import Ticket

    admin = client_as(ADMIN)
    pk = _first_id(app, Ticket)
    writer, _name = _member_with(app, admin, ["can_edit:VendorTicket"])
    assert writer.post(f"/vendor/tickets/{pk}/assign", data={"assignee": ""}).status_code == 403
    page = writer.get(f"/vendor/tickets/{pk}")
    assert page.status_code == 200 and 'id="assign-form"' not in page.get_data(as_text=True)
    assert writer.post(f"/vendor/tickets/{pk}/note", data={"body": "checked the logs"}).status_code == 302
    assigner, _name = _member_with(app, admin, ["can_read:VendorTicket", "can_assign:VendorTicket"])
    assert 'id="assign-form"' in assigner.get(f"/vendor/tickets/{pk}").get_data(as_text=True)
    assert assigner.post(f"/vendor/tickets/{pk}/assign", data={"assignee": ""}).status_code == 302
    assert assigner.post(f"/vendor/tickets/{pk}/note", data={"body": "x"}).status_code == 403


def _menu_names(api) -> set[str]:
    response = api.get("/api/v1/menu/")
    assert response.status_code == 200
    names = set()
    for item in response.json["result"]:
        names.add(item["name"])
        names |= {child["name"] for child in item.get("childs", []) if isinstance(child, dict)}
    return names


def test_the_api_follows_the_role_and_its_changes(app, client_as, api_client):
    admin = client_as(ADMIN)
    name = unique("Api tickets")
    create_role(admin, name, ["can_read:VendorTicket"])
    _response, email = add_staff(admin, app, name)
    api = api_client(email)
    assert {"Tickets", "Helpdesk"} <= _menu_names(api)
    assert not {"Invoices", "Clients", "Vendor Staff"} & _menu_names(api)
    assert api.get("/api/v1/shipments/").status_code == 403
    assert api_client("admin@demo.test").get("/api/v1/shipments/").status_code == 200
    admin.post(f"/vendor/roles/{role_id(app, name)}", data={"name": name, "perm": ["can_read:Invoice"]})
    assert "Invoices" in _menu_names(api) and "Tickets" not in _menu_names(api)
