"""Role permissions, swept over every route: what the catalogue grants works, the rest is 403.

The expected matrix is the role catalogue itself (app/security/catalogue.py), through the same
function `flask sync-roles` uses; this test checks that the running app enforces it. Custom roles
are built through the role editor and swept the same way against the cells that were ticked.
"""

import pytest

from app import menu
from app.security.catalogue import SELF_SERVICE
from app.security.sync import available_pairs, role_matrix
from tests.support.routes import PUBLIC_ENDPOINTS, discover, own_object_id, url_for_route
from tests.support.staff import ADMIN, add_staff, create_role, role_pairs, unique

ACCOUNTS = {
    "Vendor Admin": "admin@vendor.test",
    "Vendor Support": "support@vendor.test",
    "Vendor Finance": "finance@vendor.test",
    "Vendor Viewer": "viewer@vendor.test",
    "Super Admin": "owner@demo.test",
    "Admin": "admin@demo.test",
    "Viewer": "viewer@demo.test",
    "Kurir": "kurir@demo.test",
    "Marketing": "marketing@demo.test",
}
FORM_METHODS = {"add", "edit"}  # GET shows a form and changes nothing


@pytest.fixture(scope="module")
def matrix(app):
    with app.app_context():
        return role_matrix(app.appbuilder, menu.menu_resources)


def protected_routes(app):
    routes = [r for r in discover(app) if r.endpoint not in PUBLIC_ENDPOINTS]
    unguarded = [
        r.endpoint for r in routes if r.permission is None and not r.endpoint.endswith((".action", ".action_post"))
    ]
    assert unguarded == [], f"routes without a permission check (protect them or list them as public): {unguarded}"
    return [r for r in routes if r.permission is not None]


def test_catalogue_covers_every_role_account(matrix):
    assert set(ACCOUNTS) == set(matrix)


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_role_gets_exactly_what_the_catalogue_grants(app, client_as, api_client, matrix, role):
    assert sweep(app, client_as, api_client, ACCOUNTS[role], matrix[role]) == []


# Custom vendor roles built in the role editor: matrix cells ticked -> what every route must allow.
CUSTOM_ROLES = {
    "tickets only": ["can_read:VendorTicket"],
    "invoices read and send": ["can_read:Invoice", "can_send:Invoice"],
}


def _ticked(cells: list[str]) -> set[tuple[str, str]]:
    """What ticking `cells` grants: those permissions, reading each resource, and the self-service screens."""
    pairs = {tuple(cell.split(":")) for cell in cells}
    return pairs | {("can_read", resource) for _perm, resource in pairs} | SELF_SERVICE


@pytest.fixture(scope="module")
def custom_accounts(app, client_as):
    admin = client_as(ADMIN)
    accounts = {}
    for label, cells in CUSTOM_ROLES.items():
        name = unique(f"Sweep {label}")
        assert create_role(admin, name, cells).status_code == 302
        held = {pair for pair in role_pairs(app, name) if pair[0] != "menu_access"}
        assert held == _ticked(cells) & available_pairs(app.appbuilder)
        response, email = add_staff(admin, app, name)
        assert response.status_code == 302
        accounts[label] = email
    return accounts


@pytest.mark.parametrize("label", list(CUSTOM_ROLES))
def test_custom_role_gets_exactly_what_its_matrix_granted(app, client_as, api_client, custom_accounts, label):
    granted = _ticked(CUSTOM_ROLES[label])
    assert sweep(app, client_as, api_client, custom_accounts[label], granted) == []


def sweep(app, client_as, api_client, email, granted) -> list[str]:
    """Every protected route as `email`: allowed reads answer, everything not granted is 403."""
    problems = []
    for route in protected_routes(app):
        client = api_client(email) if route.is_api else client_as(email)
        object_id = own_object_id(app, route, email)
        url = url_for_route(route, object_id or 1)
        allowed = route.permission in granted
        if allowed:
            if "GET" in route.methods and (route.read_only or route.method_name in FORM_METHODS):
                response = client.get(url)
                missing_ok = response.status_code == 404 and (
                    object_id is None and route.object_args or "filename" in route.arguments
                )
                if response.status_code >= 400 and not missing_ok:
                    problems.append(f"allowed but got {response.status_code}: GET {url}")
            continue
        for method in sorted(route.methods):
            response = client.open(url, method=method)
            if response.status_code != 403:
                problems.append(f"denied but got {response.status_code}: {method} {url}")
    return problems


def test_anonymous_is_sent_to_login_or_refused(app, anon):
    problems = []
    for route in protected_routes(app):
        client = anon("http://demo.localhost") if "tenant" in str(getattr(route.view, "realm", "")) else anon()
        for method in sorted(route.methods):
            response = client.open(url_for_route(route, 1), method=method)
            ok = (
                response.status_code == 401
                if route.is_api
                else (response.status_code == 302 and "/login/" in response.headers["Location"])
            )
            if not ok:
                problems.append(f"{method} {route.rule} -> {response.status_code}")
    assert problems == []


def test_tenant_users_never_see_vendor_menus(client_as):
    page = client_as("owner@demo.test").get("/").get_data(as_text=True)
    assert "/vendor/activity/list/" not in page
    assert "/users/list/" not in page
