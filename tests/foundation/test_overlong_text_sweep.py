"""Over-long text in every HTML form, swept: each page that renders a <form method="post"> is fetched as
each realm's users (and anonymously: sign-up, login), and every text field is posted, one at a time,
with 5,000 characters while the other fields keep what the page rendered (empty ones filled with
plausible values). The answer must be the form again with its message (200/400/422), or a redirect
that either saved the text in a column that holds it or flashes the problem: never a 5xx, never the
generic error page (a PostgreSQL DataError for a VARCHAR(n) reached app/core/errors.py after the form was
lost), never "saved" while nothing was (FAB's profile form), and a refused form writes nothing. No bounded
column may end up holding more than its length (SQLite would store it silently). Each form is then sent
once without the long text and must be accepted, so the refusals were the length's.

Accepted posts really write (a long ticket description is fine), so the sweep runs on its own freshly
seeded database. New forms are picked up automatically."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from tests.conftest import DEMO_PASSWORD, VENDOR_HOST, client_on, login, seeded_app, tenant_host, throwaway_database
from tests.support.routes import discover, own_object_id, url_for_route

LONG = 5000
TEXT_TYPES = {"text", "email", "tel", "url", "search", "password"}
ACCOUNTS = ["admin@demo.test", "owner@demo.test", "admin@vendor.test"]
ANONYMOUS_HOSTS = [VENDOR_HOST, tenant_host("demo")]
# GET requests that change the session or data, or that serve no page.
SKIPPED_METHODS = {"delete", "action", "action_post", "download", "logout", "back", "sign_in"}
SKIPPED_ENDPOINTS = {"LocaleView.index", "static", "appbuilder.static", "health.health"}
ERROR_PAGE = 'id="error-message"'  # app/templates/error.html, rendered by app/core/errors.py
PASSWORD = "SweepPass#2026x"
# At least this many forms with text fields, per account (found in 2026-12: 8, 9, 31, 3).
MINIMUM_FORMS = {"admin@demo.test": 8, "owner@demo.test": 9, "admin@vendor.test": 31, None: 3}
# Forms the sweep's own values cannot satisfy: the shipment's items are rendered by JavaScript from JSON
# (tests/logistics cover its lengths; the sweep still proves its text fields never reach the database); a new
# customer's city is picked by a remote search, no option is rendered (tests/logistics/test_customers.py).
UNEXERCISED = {"ShipmentView.edit", "CustomerView.new"}


@dataclass
class Form:
    action: str
    fields: list = field(default_factory=list)  # [kind, name, value] in page order; kind = input type
    buttons: list = field(default_factory=list)


class _FormParser(HTMLParser):
    """The <form method="post">s of a page: their fields as the browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form = self._select = self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            post = (attrs.get("method") or "get").lower() == "post"
            self._form = Form(attrs.get("action") or "") if post else None
            if post:
                self.forms.append(self._form)
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self._form.buttons.append((name, attrs.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                self._form.fields.append([kind, name, attrs.get("value") or "on", "checked" in attrs])
            elif kind not in ("file", "button", "reset"):
                self._form.fields.append([kind, name, attrs.get("value") or ""])
        elif tag == "button" and name and (attrs.get("type") or "submit").lower() == "submit":
            self._form.buttons.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = ["textarea", name, ""]
            self._form.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = ["select", name, [], "multiple" in attrs]  # options: (value, selected)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]
            self._select[2].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None


def _plausible(kind: str, name: str) -> str:
    """A valid value for a field the page rendered empty."""
    lowered = name.lower()
    token = uuid.uuid4().hex[:6]
    by_name = {"slug": f"sweep-{token}", "code": f"SWEEP_{token}", "npwp": "01.234.567.8-901.000"}
    by_name |= {"tax_rate": "12", "tax_base": "11/12", "workdays": "1"}
    by_name["current_password"] = DEMO_PASSWORD  # the swept user's own (changing it asks for it)
    if lowered in by_name:
        return by_name[lowered]
    if kind == "date" or lowered.endswith(("date", "day")):
        return (date.today() + timedelta(days=30)).isoformat()
    if kind == "email" or "email" in lowered:
        return f"sweep-{uuid.uuid4().hex[:8]}@sweep.test"
    if kind == "password" or "password" in lowered:
        return PASSWORD
    if kind == "tel" or "phone" in lowered or "telp" in lowered:
        return "081234567890"
    if kind == "url":
        return "https://sweep.test/"
    if kind == "time":
        return "09:00"
    if kind == "number" or any(word in lowered for word in ("price", "amount", "quantity", "weight", "days", "quota")):
        return "1"
    return f"Sweep {uuid.uuid4().hex[:6]}"


def submission(form: Form) -> tuple[list, list[int]]:
    """(name, value) pairs as rendered, empty text filled; and the indexes of the text-like fields."""
    pairs, text_indexes = [], []
    # A new account gets a password or an invitation (checked as rendered), not both.
    invites = any(kind == "checkbox" and "invit" in name and rest[1] for kind, name, *rest in form.fields)
    for kind, name, *rest in form.fields:
        if kind in ("checkbox", "radio"):
            value, checked = rest
            if checked:
                pairs.append((name, value))
        elif kind == "select":
            options, multiple = rest
            chosen = [value if value is not None else text for value, selected, text in options if selected]
            if not chosen:
                chosen = [value for value, _, _ in options if value][:1]
            pairs += [(name, value) for value in chosen]
        else:
            value = rest[0]
            if kind in TEXT_TYPES or kind == "textarea":
                text_indexes.append(len(pairs))
            if not value.strip() and kind != "hidden" and not (invites and kind == "password"):
                value = _plausible(kind, name)
            pairs.append((name, value))
    radios = {name for kind, name, *_ in form.fields if kind == "radio"}
    for name in radios - {name for name, _ in pairs}:  # none checked: the first choice
        first = next(rest for kind, n, *rest in form.fields if kind == "radio" and n == name)
        pairs.append((name, first[0]))
    if form.buttons:
        pairs.append(form.buttons[0])
    return pairs, text_indexes


def long_value(kind: str, name: str) -> str:
    marker = f"Sweep{uuid.uuid4().hex[:8]}"
    if kind == "email" or "email" in name.lower():
        return marker + "a" * (LONG - len(marker) - 11) + "@sweep.test"
    return marker + "x" * (LONG - len(marker))


@pytest.fixture(scope="module")
def sweep_app(tmp_path_factory, redis_url):
    with throwaway_database(tmp_path_factory) as url:
        application = seeded_app(url, redis_url, tmp_path_factory.mktemp("sweep-files"))
        yield application
        with application.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()


def _tables():
    from app.extensions import db

    return list(db.metadata.sorted_tables)


def row_counts(app) -> dict:
    from app.extensions import db
    from app.tenancy.context import all_tenants

    tables = _tables()
    counts = [sa.select(sa.func.count()).select_from(table).scalar_subquery() for table in tables]
    with app.app_context(), all_tenants():
        values = db.session.execute(sa.select(*counts)).one()
        db.session.rollback()
    return dict(zip([table.name for table in tables], values, strict=True))


def overlong_rows(app) -> list[str]:
    """Bounded text columns holding more than their length."""
    from app.extensions import db
    from app.tenancy.context import all_tenants

    found = []
    with app.app_context(), all_tenants():
        for table in _tables():
            for column in table.columns:
                length = getattr(column.type, "length", None)
                if isinstance(column.type, sa.String) and length:
                    query = sa.select(sa.func.count()).select_from(table).where(sa.func.length(column) > length)
                    if db.session.execute(query).scalar_one():
                        found.append(f"{table.name}.{column.name} (VARCHAR({length}))")
        db.session.rollback()
    return found


def form_pages(app, email: str | None) -> tuple[list[str], set[str], list[str]]:
    """The pages a user (or anonymous visitor) may GET: URLs to start from (objects named by an id the
    user can see) and the endpoints worth following when a page links to them. Pages of views without a
    datamodel (clients, invoices, shipments) start from the user's first row only if no page links to one:
    they come after the pages without an object (the list links to the row whose forms are richest)."""
    urls, endpoints, later = [], set(), []
    for route in discover(app):
        if "GET" not in route.methods or route.is_api or route.endpoint in SKIPPED_ENDPOINTS:
            continue
        if route.method_name in SKIPPED_METHODS or route.arguments - {"pk", "id"}:
            continue  # tokens, file names, job ids: nothing to fill in
        endpoints.add(route.endpoint)
        object_id = None
        if route.object_args:
            object_id = own_object_id(app, route, email, custom_views=True) if email else None
            if object_id is None:
                continue
            if getattr(route.view, "datamodel", None) is None:
                later.append(url_for_route(route, object_id))
                continue
        urls.append(url_for_route(route, object_id))
    return urls, endpoints, later


def _endpoint(app, path: str) -> str | None:
    try:
        return app.url_map.bind("localhost").match(path, method="GET")[0]
    except HTTPException:
        return None


def stored_in(app, marker: str) -> list[str]:
    """The text columns holding a value that starts with `marker`."""
    from app.extensions import db
    from app.tenancy.context import all_tenants

    found = []
    with app.app_context(), all_tenants():
        for table in _tables():
            columns = [column for column in table.columns if isinstance(column.type, sa.String)]
            if columns:
                hit = sa.or_(*(column.like(f"{marker}%") for column in columns))
                if db.session.execute(sa.select(sa.func.count()).select_from(table).where(hit)).scalar_one():
                    found.append(table.name)
        db.session.rollback()
    return found


def _is_form_again(response) -> bool:
    return response.status_code in (200, 400, 422) and "<form" in response.get_data(as_text=True)


def _flashes_a_problem(page) -> bool:
    return any(f'class="alert alert-{category}' in page for category in ("danger", "warning", "error"))


@dataclass
class Sweep:
    problems: list = field(default_factory=list)
    forms: int = 0
    posted: int = 0
    unexercised: set = field(default_factory=set)  # endpoints of forms the filled-in values did not satisfy

    def check(self, app, client, where, action, data, marker):
        before = row_counts(app)
        answer = client.post(action, data=data)
        if answer.status_code in (403, 404):
            return False  # the page shows a form this user may not send here (FAB's password reset needs ?pk=)
        self.posted += 1
        body = answer.get_data(as_text=True)
        if answer.status_code >= 500 or ERROR_PAGE in body:
            self.problems.append(f"{where}: {answer.status_code}, the generic error page")
        elif answer.status_code in (301, 302, 303):
            landing = client.get(answer.headers["Location"]).get_data(as_text=True)
            if ERROR_PAGE in landing:
                self.problems.append(f"{where}: redirected to the generic error page")
            elif not stored_in(app, marker):
                if not _flashes_a_problem(landing):
                    self.problems.append(f"{where}: accepted, yet the text was not saved and no message says so")
            elif overlong := overlong_rows(app):  # stored: in a column that can hold it (SQLite stores anything)
                self.problems.append(f"{where}: accepted into {overlong}")
        elif not _is_form_again(answer):
            self.problems.append(f"{where}: {answer.status_code} without the form")
        else:
            changed = {table for table, count in row_counts(app).items() if count != before[table]}
            if changed:
                self.problems.append(f"{where}: form refused but rows written in {sorted(changed)}")
        return True

    def run(self, app, client, pages: tuple[list[str], set[str], list[str]]):
        queue, endpoints, later = list(pages[0]), pages[1], list(pages[2])
        seen, visited = set(), set()
        while queue or later:
            page = queue.pop(0) if queue else later.pop(0)
            endpoint = _endpoint(app, page)
            if endpoint in visited or endpoint not in endpoints:
                continue
            visited.add(endpoint)
            response = client.get(page)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            parser = _FormParser()
            parser.feed(response.get_data(as_text=True))
            queue += [urlsplit(urljoin(page, href)).path for href in parser.links]
            for form in parser.forms:
                action = urlsplit(urljoin(page, form.action or page)).path
                pairs, text_indexes = submission(form)
                key = (action, tuple(name for name, _ in pairs))
                if not text_indexes or key in seen or action.rstrip("/").endswith(("/logout", "/delete")):
                    continue
                seen.add(key)
                self.sweep_form(app, client, page, action, form, text_indexes)

    def sweep_form(self, app, client, page, action, form, text_indexes):
        for index in text_indexes:
            pairs, _ = submission(form)  # new e-mails and names each time: an accepted post takes them
            name = pairs[index][0]
            kind = next(kind for kind, field_name, *_ in form.fields if field_name == name)
            value = long_value(kind, name)
            data = MultiDict(pairs)
            data.setlist(name, [value if i == index else v for i, (n, v) in enumerate(pairs) if n == name])
            if not self.check(app, client, f"{page} -> POST {action} [{name}]", action, data, value[:14]):
                return
        self.forms += 1
        # The control: the same values without the long text. Refused, the sweep proved less for this form.
        control = client.post(action, data=MultiDict(submission(form)[0]))
        if control.status_code not in (301, 302, 303):
            self.unexercised.add(_endpoint(app, action))


@pytest.mark.parametrize("email", [*ACCOUNTS, None], ids=[*ACCOUNTS, "anonymous"])
def test_over_long_text_in_any_form_is_answered_on_the_form_and_writes_nothing(sweep_app, email):
    found = Sweep()
    if email is None:
        for host in ANONYMOUS_HOSTS:
            found.run(sweep_app, client_on(sweep_app, host), form_pages(sweep_app, None))
    else:
        found.run(sweep_app, login(sweep_app, email), form_pages(sweep_app, email))
    assert found.forms >= MINIMUM_FORMS[email], f"the sweep found only {found.forms} forms"
    assert found.problems == [], "\n".join(found.problems)
    assert overlong_rows(sweep_app) == []
    # Each form was also sent without the long text and accepted: the refusals above were the length's.
    assert found.unexercised <= UNEXERCISED, f"forms the sweep's values no longer satisfy: {found.unexercised}"


def test_the_profile_form_names_the_length_of_a_name(app, client_as):
    # FAB's own form had no length check: on PostgreSQL the update failed, yet the page said "changed".
    from app.security.models import TenantUser

    client = client_as("viewer@demo.test")
    limit = TenantUser.__table__.c.first_name.type.length
    response = client.post("/userinfoeditview/form", data={"first_name": "x" * (limit + 1), "last_name": "Viewer"})
    assert response.status_code == 200
    assert f"At most {limit} characters." in response.get_data(as_text=True)
    with app.app_context():
        assert app.appbuilder.sm.find_user(email="viewer@demo.test").first_name != "x" * (limit + 1)


def test_the_profile_form_says_so_when_the_save_fails(app, client_as, monkeypatch):
    client = client_as("viewer@demo.test")
    monkeypatch.setattr(app.appbuilder.sm, "update_user", lambda user, commit=True: False)  # FAB's "it failed"
    response = client.post("/userinfoeditview/form", data={"first_name": "Renamed", "last_name": "Viewer"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your profile was not saved" in page
    assert "User information changed" not in page


# The JSON API's writes, each with its text fields; a new write route fails the coverage test until listed.
def _shipment(field):
    from tests.logistics.conftest import shipment_payload

    if field.startswith("items."):
        payload = shipment_payload()
        payload["items"][0][field.split(".")[1]] = long_value("text", field)
        return payload
    return shipment_payload(**{field: long_value("text", field)})


API_CASES = {
    "ShipmentApi.post": [
        ("POST", "/api/v1/shipments/", field, lambda f=field: _shipment(f))
        for field in (
            *(f"{side}_{key}" for side in ("sender", "receiver") for key in ("name", "phone", "address")),
            "items.name",
        )
    ],
    "ShipmentStatusApi.update_status": [
        (
            "POST",
            "/api/v1/shipments/{shipment}/status",
            "note",
            lambda: {"status": "in_transit", "note": long_value("text", "note")},
        )
    ],
    "TariffApi.post": [
        (
            "POST",
            "/api/v1/tariffs/",
            key,
            lambda k=key: {"origin": "35.78", "destination": "51.71", "price_per_kg": 1} | {k: long_value("text", k)},
        )
        for key in ("origin", "destination")
    ],
    "TariffApi.put": [
        ("PUT", "/api/v1/tariffs/{tariff}", key, lambda k=key: {k: long_value("text", k)})
        for key in ("origin", "destination")
    ],
}
API_NOT_SWEPT = {"SecurityApi.login", "SecurityApi.refresh"}  # checked anonymously below / no text in


def test_every_json_write_route_is_in_the_api_sweep(app):
    writes = {route.endpoint for route in discover(app) if route.is_api and route.methods & {"POST", "PUT", "PATCH"}}
    assert writes == set(API_CASES) | API_NOT_SWEPT


@pytest.mark.parametrize(
    "method,path,field,body",
    [case for cases in API_CASES.values() for case in cases],
    ids=[f"{case[0]} {case[1]} {case[2]}" for cases in API_CASES.values() for case in cases],
)
def test_over_long_text_in_the_api_is_4xx_naming_the_field_and_writes_nothing(
    app, api_client, method, path, field, body
):
    from app.logistics.shipments.models import Shipment
    from app.logistics.tariffs.models import Tariff
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        from app.extensions import db
        from app.tenancy.services import tenant_by_slug

        demo = tenant_by_slug("demo").id
        ids = {
            "shipment": db.session.execute(
                sa.select(sa.func.min(Shipment.id)).where(Shipment.tenant_id == demo)
            ).scalar(),
            "tariff": db.session.execute(sa.select(sa.func.min(Tariff.id)).where(Tariff.tenant_id == demo)).scalar(),
        }
    client = api_client("admin@demo.test")  # signed in first: a sign-in is a line of the activity log
    before = row_counts(app)
    response = client.open(path.format(**ids), method=method, json=body())
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:300]
    assert field.split(".")[-1] in str(response.json["message"])
    assert row_counts(app) == before


def test_an_over_long_api_login_is_refused(anon):
    response = anon(tenant_host("demo")).post(
        "/api/v1/security/login", json={"username": "x" * LONG, "password": "x" * LONG, "provider": "db"}
    )
    assert response.status_code in (400, 401, 422)
