"""Permissions as the spec lists them ("clients.read, clients.create, invoices.edit"): the role editor grants
viewing, creating, editing and deleting per resource, and staff and role management to a custom role, never
beyond what the granting user holds."""

import re

from tests.conftest import login
from tests.support.staff import ADMIN, add_staff, create_role, in_indonesian, role_id, unique, user_state


def _member(app, admin, perms) -> tuple:
    name = unique("Matrix")
    assert create_role(admin, name, perms).status_code == 302
    response, email = add_staff(admin, app, name)
    assert response.status_code == 302
    return login(app, email), name


def _client_id(client) -> str:
    return re.search(r'href="/billing/clients/(\d+)"', client.get("/billing/clients/").get_data(as_text=True)).group(1)


def test_the_editor_heads_its_columns_view_create_edit_delete_in_indonesian(app):
    admin = in_indonesian(app, ADMIN)
    page = admin.get("/vendor/roles/add").get_data(as_text=True)
    head = page.split('id="matrix"')[1].split("</thead>")[0]
    assert [re.sub(r"\s+", " ", h).strip() for h in re.findall(r"<th[^>]*>([^<]*)</th>", head)] == [
        "Sumber daya",
        "Lihat",
        "Tambah",
        "Ubah",
        "Hapus",
        "Tindakan khusus",
    ]
    assert "Staf dan peran" in page


def test_clients_read_only_sees_the_list_without_buttons_and_is_refused_creating(app, client_as):
    reader, _name = _member(app, client_as(ADMIN), ["can_read:Client"])
    listing = reader.get("/billing/clients/")
    assert listing.status_code == 200 and "/billing/clients/new" not in listing.get_data(as_text=True)
    pk = _client_id(reader)
    detail = reader.get(f"/billing/clients/{pk}").get_data(as_text=True)
    assert "edit_profile" not in detail and f"/billing/clients/{pk}/edit" not in detail
    assert 'id="change-plan-form"' not in detail and "/status" not in detail
    assert reader.get("/billing/clients/new").status_code == 403
    assert reader.post("/billing/clients/new", data={"name": "Tidak Boleh"}).status_code == 403


def test_clients_create_without_edit_adds_but_does_not_change(app, client_as):
    creator, _name = _member(app, client_as(ADMIN), ["can_add:Client"])
    assert "/billing/clients/new" in creator.get("/billing/clients/").get_data(as_text=True)
    assert creator.get("/billing/clients/new").status_code == 200
    pk = _client_id(creator)
    assert f"/billing/clients/{pk}/edit" not in creator.get(f"/billing/clients/{pk}").get_data(as_text=True)
    assert creator.get(f"/billing/clients/{pk}/edit").status_code == 403
    assert creator.post(f"/billing/clients/{pk}/status", data={"status": "active", "reason": "x"}).status_code == 403


def test_a_custom_role_granted_staff_management_manages_staff(app, client_as):
    admin = client_as(ADMIN)
    manager, _name = _member(
        app, admin, ["can_read:VendorStaff", "can_add:VendorStaff", "can_edit:VendorStaff", "can_read:VendorTicket"]
    )
    assert manager.get("/vendor/staff/list/").status_code == 200
    tickets_only = unique("Tickets reader")
    create_role(admin, tickets_only, ["can_read:VendorTicket"])
    response, email = add_staff(manager, app, tickets_only)
    assert response.status_code == 302 and user_state(app, email)["roles"] == [tickets_only]
    member = user_state(app, email)["id"]
    assert manager.post(f"/vendor/staff/{member}/active", data={"active": "0"}).status_code == 302
    assert user_state(app, email)["active"] is False
    form = manager.get("/vendor/staff/add").get_data(as_text=True)
    assert f'value="{role_id(app, tickets_only)}"' in form
    assert f'value="{role_id(app, "Vendor Admin")}"' not in form  # nobody is made Vendor Admin through them
    _response, raised = add_staff(manager, app, "Vendor Admin")
    assert user_state(app, raised) is None
    _response, other_admin = add_staff(admin, app, "Vendor Admin")
    other = user_state(app, other_admin)["id"]
    assert manager.post(f"/vendor/staff/{other}/active", data={"active": "0"}).status_code == 302
    assert user_state(app, other_admin)["active"] is True
    answer = manager.post(f"/vendor/staff/{other}/password", data={"password": "x", "conf_password": "x"})
    assert answer.status_code == 302  # refused before the form is read
    assert manager.post(f"/vendor/staff/delete/{member}").status_code == 403  # deleting was not granted


def test_role_management_grants_only_what_the_editor_holds(app, client_as):
    admin = client_as(ADMIN)
    editor, _name = _member(
        app, admin, ["can_read:VendorRoles", "can_add:VendorRoles", "can_edit:VendorRoles", "can_read:Client"]
    )
    assert editor.get("/vendor/roles/").status_code == 200
    allowed = unique("Clients viewer")
    assert create_role(editor, allowed, ["can_read:Client"]).status_code == 302
    refused = create_role(editor, unique("Sneaky"), ["can_read:Client", "can_add:Client"])
    assert refused.status_code == 400 and 'id="role-error"' in refused.get_data(as_text=True)
    own = role_id(app, _name)
    widened = editor.post(f"/vendor/roles/{own}", data={"name": _name, "perm": ["can_edit:VendorStaff"]})
    assert widened.status_code == 400
