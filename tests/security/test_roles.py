"""The role editor: a grouped permission matrix, custom vendor roles in two clicks, built-in roles read-only."""

import re

import pytest

from app.security.catalogue import SELF_SERVICE
from tests.conftest import login
from tests.support.staff import ADMIN, add_staff, create_role, role_id, role_pairs, unique, user_state

TICKETS_READ = "can_read:VendorTicket"


def test_matrix_groups_resources_with_read_write_and_special_actions(client_as):
    page = client_as(ADMIN).get("/vendor/roles/add").get_data(as_text=True)
    for text in (
        "Clients and billing",
        "Helpdesk",
        "Notifications",
        "Audit",
        "Invoices",
        "Tickets and ticket statistics",
    ):
        assert text in page, text
    assert 'value="can_send:Invoice"' in page and "Send by e-mail" in page
    assert 'value="can_assign:VendorTicket"' in page and "Assign to an agent" in page
    for cell in ("can_read:Client", "can_add:Client", "can_edit:Client", "can_delete:Plan"):
        assert f'value="{cell}"' in page, cell
    assert 'value="can_edit:VendorActivity"' not in page  # the activity log cannot be changed
    assert 'value="can_write:Client"' not in page  # vendor pages: create, edit, delete instead
    assert 'value="can_edit:VendorStaff"' in page and 'value="can_add:VendorRoles"' in page  # grantable
    assert "Shipment" not in page and "PermissionViewModelView" not in page  # tenant resources, FAB's screens


def test_role_list_shows_vendor_roles_only(client_as):
    page = client_as(ADMIN).get("/vendor/roles/").get_data(as_text=True)
    assert "Vendor Support" in page and "Built-in" in page
    assert "Super Admin" not in page and "Kurir" not in page and ">Public<" not in page


def test_support_sees_only_tickets_is_a_name_and_one_tick(app, client_as):
    admin = client_as(ADMIN)
    name = unique("Tickets only")
    response = create_role(admin, name, [TICKETS_READ])
    assert response.status_code == 302
    pairs = role_pairs(app, name)
    assert {("can_read", "VendorTicket"), ("menu_access", "Tickets"), ("menu_access", "Helpdesk")} <= pairs
    assert pairs >= SELF_SERVICE
    assert not {pair for pair in pairs if pair[1] in ("Invoice", "Billing", "Client") or pair[0] == "can_write"}
    _response, email = add_staff(admin, app, name)
    member = login(app, email)
    assert member.get("/vendor/tickets/").status_code == 200
    assert member.get("/billing/invoices/").status_code == 403
    menu = member.get("/vendor/tickets/").get_data(as_text=True)
    assert "/vendor/tickets/" in menu and "/billing/clients/" not in menu


def test_writing_implies_reading_and_changes_apply_on_the_next_request(app, client_as):
    admin = client_as(ADMIN)
    name = unique("Billing clerk")
    create_role(admin, name, ["can_edit:Client"])
    assert {("can_read", "Client"), ("can_edit", "Client"), ("menu_access", "Clients")} <= role_pairs(app, name)
    _response, email = add_staff(admin, app, name)
    member = login(app, email)
    assert member.get("/billing/clients/").status_code == 200
    response = admin.post(f"/vendor/roles/{role_id(app, name)}", data={"name": name, "perm": [TICKETS_READ]})
    assert response.status_code == 302
    assert member.get("/billing/clients/").status_code == 403
    assert member.get("/vendor/tickets/").status_code == 200


@pytest.mark.parametrize(
    "name, perms, message",
    [
        ("", [TICKETS_READ], "A role name of at most 64 characters is required."),
        ("x" * 65, [TICKETS_READ], "A role name of at most 64 characters is required."),
        ("Vendor Support", [TICKETS_READ], "is a built-in role"),
        ("Super Admin", [TICKETS_READ], "is a built-in role"),
        ("public", [TICKETS_READ], "is a built-in role"),
        (None, ["can_write:Client"], "Unknown permission"),
        (None, ["can_read:Shipment"], "Unknown permission"),
        (None, ["bogus"], "Unknown permission"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(app, client_as, name, perms, message):
    from flask_appbuilder.security.sqla.models import Role

    from app.extensions import db

    with app.app_context():
        before = db.session.query(Role).count()
    response = create_role(client_as(ADMIN), unique("Bad") if name is None else name, perms)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Role).count() == before


def test_duplicate_names_are_refused_case_insensitively(app, client_as):
    admin = client_as(ADMIN)
    name = unique("Auditor")
    create_role(admin, name, ["can_read:VendorActivity"])
    response = create_role(admin, name.upper(), [TICKETS_READ])
    assert response.status_code == 400 and "already exists" in response.get_data(as_text=True)


def test_built_in_roles_are_shown_read_only_and_cannot_be_changed(app, client_as):
    admin = client_as(ADMIN)
    pk = role_id(app, "Vendor Finance")
    before = role_pairs(app, "Vendor Finance")
    page = admin.get(f"/vendor/roles/{pk}").get_data(as_text=True)
    assert 'id="built-in"' in page and 'id="save-role"' not in page
    assert re.search(r'value="can_send:Invoice"[^>]*checked\s+disabled', page)
    response = admin.post(f"/vendor/roles/{pk}", data={"name": "Vendor Finance", "perm": [TICKETS_READ]})
    assert response.status_code == 400 and role_pairs(app, "Vendor Finance") == before
    assert admin.post(f"/vendor/roles/{pk}/delete").status_code == 302
    assert role_pairs(app, "Vendor Finance") == before
    assert admin.get(f"/vendor/roles/{role_id(app, 'Super Admin')}").status_code == 404


def test_custom_roles_survive_sync_roles(app, client_as):
    name = unique("Survivor")
    create_role(client_as(ADMIN), name, ["can_read:Invoice", "can_send:Invoice", TICKETS_READ])
    before = role_pairs(app, name)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["sync-roles"])
    assert result.exit_code == 0, result.output
    assert role_pairs(app, name) == before and ("can_send", "Invoice") in before


def test_delete_a_custom_role_only_when_nobody_holds_it(app, client_as):
    admin = client_as(ADMIN)
    name = unique("Temporary")
    create_role(admin, name, [TICKETS_READ])
    pk = role_id(app, name)
    _response, email = add_staff(admin, app, name)
    page = admin.post(f"/vendor/roles/{pk}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Users still hold this role" in page and role_pairs(app, name)
    member = {"first_name": "Staf", "last_name": "X", "email": email, "roles": [str(role_id(app, "Vendor Viewer"))]}
    admin.post(f"/vendor/staff/edit/{user_state(app, email)['id']}", data={**member, "active": "y"})
    page = admin.post(f"/vendor/roles/{pk}/delete", follow_redirects=True).get_data(as_text=True)
    assert f"Role {name} deleted." in page
    assert admin.get(f"/vendor/roles/{pk}").status_code == 404


def test_a_resource_without_a_declared_title_takes_its_menu_category_and_entry(app, monkeypatch):
    from app import menu
    from app.security import roles

    monkeypatch.delitem(roles.RESOURCE_TITLES, "Invoice")
    monkeypatch.delitem(roles.RESOURCE_TITLES, "VendorActivity")
    with app.test_request_context():
        matrix = {
            row.resource: (group.key, str(row.label))
            for group in roles.permission_matrix(app.appbuilder, menu.menu_resources)
            for row in group.rows
        }
    assert matrix["Invoice"] == ("billing", "Invoices")
    assert matrix["VendorActivity"] == ("audit", "Vendor Activity Log")


# Spec logistics-saas.md §9 "Role Tetap", resource by resource (None: no access). Super Admin: everything;
# Admin: enters and manages shipments (settings, the activity log and the subscription read-only); Viewer:
# reads everything it may see, edits nothing; Kurir: updates the status of its own shipments (the row
# rule narrows to them); Marketing: monitors its customers' shipments, reads only. Every role may raise
# a support ticket.
R, W = "read", "write"
SPEC_ROLE_TABLE = {
    #                    Super Admin, Admin, Viewer, Kurir, Marketing
    "Dashboard": (W, W, R, R, R),
    "Shipment": (W, W, R, R, R),
    "ShipmentStatus": (W, W, R, W, None),
    "Tariff": (W, W, R, None, R),
    "TenantActivity": (W, R, None, None, None),
    "TenantSettings": (W, R, R, None, None),
    "TenantSubscription": (W, R, R, None, None),
    "Ticket": (W, W, R, W, W),
    # §5 Manajemen Pegawai: the Admin adds employees (Kurir and Marketing, the service rule), the Viewer reads.
    "Employee": (W, W, R, None, None),
    # The customer book (§9 Marketing "pelanggan yang dibawahi"): Marketing reads its own customers only.
    "Customer": (W, W, R, None, R),
    # §9 CRUD Daftar Pengguna: every user's role and active flag, the Super Admin's.
    "TenantUserAdmin": (W, None, None, None, None),
    # §9 Kurir "update status kiriman sendiri": its phone page of its own shipments.
    "CourierPage": (None, None, None, W, None),
    # §8 Keuangan: Super Admin approves and marks paid; Admin records; Kurir files its own requests.
    "CashBook": (W, W, R, None, None),
    "ShipmentPayment": (W, R, R, None, None),
    "ExpenseRequest": (W, W, R, W, None),
    "ExpenseApproval": (W, R, R, None, None),
    "Receivable": (W, W, R, None, None),
    "FinanceReport": (W, W, R, None, None),
}


def test_tenant_roles_grant_what_the_spec_table_says(app):
    from app.security.catalogue import ROLES, TENANT_ROLES, _level
    from app.security.sync import registered_resources

    assert TENANT_ROLES == ("Super Admin", "Admin", "Viewer", "Kurir", "Marketing")
    tenant_resources = {name for name, realm in registered_resources(app.appbuilder).items() if realm == "tenant"}
    assert tenant_resources == set(SPEC_ROLE_TABLE), "a new tenant resource: add its row to the spec table"
    granted = {resource: tuple(_level(ROLES[role], resource) for role in TENANT_ROLES) for resource in tenant_resources}
    assert granted == SPEC_ROLE_TABLE


def test_marketing_reads_shipments_and_writes_none(client_as, api_client):
    """Spec §9: Marketing monitors; the forms, the API and deleting are refused."""
    marketer = client_as("marketing@demo.test")
    assert marketer.get("/shipments/").status_code == 200
    assert marketer.get("/shipments/new").status_code == 403
    api = api_client("marketing@demo.test")
    assert api.get("/api/v1/shipments/").status_code == 200
    assert api.post("/api/v1/shipments/", json={"sender_name": "x"}).status_code == 403
