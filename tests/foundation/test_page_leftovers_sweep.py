"""No raw screens and no buttons a role cannot use, swept over every page of every role in both languages.

Every GET route of app.url_map (real ids of seeded rows where the URL names one) is opened by every role
of both products, once in Indonesian and once in English. On each HTML page the role may open:

- the text a user reads (text nodes, and the title / placeholder / alt / button values) holds no leftovers:
  "True" / "False" / "None", FAB's default titles ("List Plan"), role names in brackets ("[Vendor Admin]"),
  machine timestamps (ISO, or with microseconds), raw codes of the app's choices (payment methods, client
  types, statuses, SLA states: the keys of its label tables), and in Indonesian no English message the
  catalogue translates;
- every POST form and every link or button points at something the role may do (the security manager's
  one access check), so a Viewer is never offered "Tambah pembayaran" to be answered with a 403.

A page answering 500 fails the sweep; a route no real row can fill fails it unless listed with a reason.
"""

import re
from functools import cache
from urllib.parse import urlsplit

import lxml.html
import pytest
import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from app.extensions import db
from app.jobs.models import JobRun
from app.security.catalogue import ROLES
from app.security.models import TenantUser
from app.tenancy.context import all_tenants
from tests.conftest import VENDOR_HOST, login, tenant_host
from tests.foundation.test_forged_requests_sweep import NO_REAL_OBJECT, real_id
from tests.support.routes import PUBLIC_ENDPOINTS, discover, url_for_route

ACCOUNTS = {
    "admin@vendor.test": VENDOR_HOST,
    "support@vendor.test": VENDOR_HOST,
    "finance@vendor.test": VENDOR_HOST,
    "viewer@vendor.test": VENDOR_HOST,
    "owner@demo.test": tenant_host("demo"),
    "admin@demo.test": tenant_host("demo"),
    "viewer@demo.test": tenant_host("demo"),
    "kurir@demo.test": tenant_host("demo"),
    "marketing@demo.test": tenant_host("demo"),
}
LANGUAGES = ("id", "en")
# GET routes not opened: they end the session, change the language, or answer no page.
NOT_PAGES = {
    "AuthDBView.logout",
    "LocaleView.index",
    "static",
    "appbuilder.static",
    "UtilView.back",
    "health.health",
}
ATTRIBUTES_SHOWN = ("title", "placeholder", "alt", "aria-label")
BUTTON_INPUTS = {"submit", "button", "reset"}
RAW_VALUES = {"True", "False", "None"}
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}\.\d{3,}")
# Codes that are also ordinary words of a page (a label table's key and its English label are the same).
CODES_ALSO_WORDS = set()
# Messages whose English text is also real data or the same word in Indonesian pages.
# "Finance": the seeded vendor staff member Finance Vendor's first name; "Invoice": Indonesian's loanword.
ENGLISH_ALSO_INDONESIAN = {"Finance", "Invoice"}


# --- what counts as a leftover -------------------------------------------------------------------------


def _choice_codes() -> set[str]:
    """The keys of every label table of the app (a module-level dict from code to a translated label) and
    the values of every enumerated column: the raw codes a page must never show bare."""
    import sys

    from flask_babel.speaklater import LazyString

    codes = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith("app.") or module is None:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, dict)
                and value
                and all(isinstance(k, str) for k in value)
                and all(isinstance(v, LazyString) for v in value.values())
            ):
                codes |= {k for k in value if re.fullmatch(r"[a-z][a-z0-9_]*", k)}
    for table in db.Model.metadata.tables.values():
        for column in table.columns:
            enums = getattr(column.type, "enums", None)
            if enums:
                codes |= set(enums)
    return codes - CODES_ALSO_WORDS


def _fab_default_titles(app) -> set[str]:
    """FAB's titles for a model view that names none: "List Plan", "Show Plan", "Add Plan", "Edit Plan"."""
    titles = set()
    for view in app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        if datamodel is None:
            continue
        name = view._prettify_name(datamodel.model_name)
        titles |= {f"{verb} {name}" for verb in ("List", "Show", "Add", "Edit")}
    return titles


def _untranslated_english(app) -> dict[str, str]:
    """msgid -> msgstr of every Indonesian translation that differs from its English message."""
    from flask_babel import force_locale, get_translations

    with app.test_request_context(), force_locale("id"):
        catalog = get_translations()._catalog  # FAB's messages and ours, merged as the pages get them
    found = {}
    for msgid, msgstr in catalog.items():
        plain = isinstance(msgid, str) and not re.search(r"%\(|\{", msgid) and re.search(r"[A-Za-z]{2}", msgid)
        if plain and msgstr and msgstr != msgid:
            found[msgid] = msgstr
    translations = set(catalog.values())  # "L (cm)" is the Indonesian of "W (cm)": not a leftover
    return {msgid: msgstr for msgid, msgstr in found.items() if msgid not in translations}


def shown_texts(page: str) -> list[str]:
    """What a user reads on the page: each text node and each shown attribute, whitespace collapsed."""
    document = lxml.html.document_fromstring(page)
    # `data-raw`: shown as received on purpose (a gateway notification's body in the webhook inbox).
    for hidden in document.xpath("//script|//style|//template|//noscript|//*[@data-raw]"):
        hidden.drop_tree()
    texts = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for text in (element.text, element.tail):
            if text and text.strip():
                texts.append(" ".join(text.split()))
        for attribute in ATTRIBUTES_SHOWN:
            if element.get(attribute):
                texts.append(" ".join(element.get(attribute).split()))
        # An <input> button shows its value; a <button> shows its content (read above), not its value.
        is_button = element.tag == "input" and element.get("type", "").lower() in BUTTON_INPUTS
        if is_button and element.get("value"):
            texts.append(" ".join(element.get("value").split()))
    return texts


def leftovers(texts: list[str], language: str, facts) -> list[str]:
    found = []
    for text in texts:
        if text in RAW_VALUES:
            found.append(f"raw value {text!r}")
        elif text in facts["default_titles"]:
            found.append(f"FAB's default title {text!r}")
        elif facts["bracketed_role"].search(text):
            found.append(f"role in brackets {text!r}")
        elif TIMESTAMP.search(text):
            found.append(f"machine timestamp {text!r}")
        elif text in facts["codes"]:
            found.append(f"raw code {text!r}")
        elif language == "id" and text in facts["english"] and text not in ENGLISH_ALSO_INDONESIAN:
            found.append(f"English {text!r} (Indonesian: {facts['english'][text]!r})")
    return found


# --- what a page offers ---------------------------------------------------------------------------------


def offered_targets(page: str) -> list[tuple[str, str, str]]:
    """(method, path, what) of every POST form and every link or button of the page that leads in the app."""
    document = lxml.html.document_fromstring(page)
    targets = []
    for form in document.iter("form"):
        method = (form.get("method") or "get").upper()
        action = form.get("action") or ""
        if action:
            targets.append((method, action, "form"))
    for element in document.xpath("//a[@href]|//*[@formaction]|//*[@data-href]"):
        href = element.get("href") or element.get("formaction") or element.get("data-href")
        method = "POST" if element.get("formaction") else "GET"
        label = " ".join(element.text_content().split())[:40]
        targets.append((method, href, f"link {label!r}"))
    inside = []
    for method, href, what in targets:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another site, a fragment, javascript:, mailto:
        inside.append((method, parts.path, what))
    return inside


class Access:
    """May `email` use the route a path leads to? The app's own check (SecurityManager._has_view_access),
    with the permission FAB's metadata gives the route's method."""

    def __init__(self, app):
        self.app = app
        self.routes = {route.endpoint: route for route in discover(app)}
        self.adapter = app.url_map.bind("localhost")
        self.users = {}

    def _user(self, email):
        if email not in self.users:
            with self.app.app_context():
                user = db.session.execute(sa.select(TenantUser).filter_by(email=email)).scalar_one()
                self.users[email] = (user.id, user.tenant_id)
        return self.users[email]

    @cache  # noqa: B019 - one sweep, one instance
    def problem(self, email: str, method: str, path: str) -> str | None:
        try:
            endpoint, arguments = self.adapter.match(path, method=method)
        except RequestRedirect:
            return None
        except NotFound:
            return "leads nowhere (404)"
        except MethodNotAllowed:
            return f"the route takes no {method}"
        if endpoint in PUBLIC_ENDPOINTS or endpoint in NOT_PAGES:
            return None
        route = self.routes[endpoint]
        permission = route.permission
        if route.method_name == "action" and "name" in arguments:
            view = route.view
            if arguments["name"] not in getattr(view, "actions", {}):
                return "an action that does not exist"
            func = view.actions[arguments["name"]].func
            permission = (view.get_action_permission_name(arguments["name"]) or func.__name__, permission_view(view))
        if permission is None:
            return None  # action_post: its action comes with the form
        return None if self.allows(email, *permission) else f"needs {permission[0]} on {permission[1]}"

    def allows(self, email, permission_name, view_name) -> bool:
        user_id, tenant_id = self._user(email)
        host = ACCOUNTS[email]
        with self.app.test_request_context(base_url=host):
            security = self.app.appbuilder.sm
            user = security.get_user_by_id(user_id)
            name = permission_name if permission_name.startswith("can_") else f"can_{permission_name}"
            return security._has_view_access(user, name, view_name) or security._has_view_access(
                user, permission_name, view_name
            )


def permission_view(view) -> str:
    return view.class_permission_name


# --- the sweep ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unseeded(app):
    """Rows the seed has none of, so that every page is swept with a real row: a finished job of each
    account, a user group, a payment notification."""
    from flask_appbuilder.security.sqla.models import Group

    from app.billing.payment_models import PaymentWebhook

    with app.app_context(), all_tenants():
        if not db.session.execute(sa.select(Group.id).filter_by(name="Leftover sweep")).first():
            db.session.add(Group(name="Leftover sweep"))
        if not db.session.execute(sa.select(PaymentWebhook.id).limit(1)).first():
            db.session.add(PaymentWebhook(gateway="sandbox", body="{}", outcome="ignored"))
        for email in ACCOUNTS:
            user = db.session.execute(sa.select(TenantUser).filter_by(email=email)).scalar_one()
            db.session.merge(
                JobRun(
                    id=f"leftover-sweep-{user.id}",
                    tenant_id=user.tenant_id,
                    user_id=user.id,
                    name="sweep",
                    state="done",
                )
            )
        db.session.commit()


@pytest.fixture(scope="module")
def facts(app):
    with app.app_context():
        roles = "|".join(re.escape(name) for name in ROLES)
        return {
            "codes": _choice_codes(),
            "default_titles": _fab_default_titles(app),
            "english": _untranslated_english(app),
            "bracketed_role": re.compile(rf"\[\s*(?:{roles})\s*\]"),
        }


def page_routes(app):
    return [
        r
        for r in discover(app)
        if "GET" in r.methods and not r.is_api and r.endpoint not in NOT_PAGES and r.endpoint not in NO_REAL_OBJECT
    ]


@pytest.fixture(scope="module")
def pages(app, unseeded):
    """(email, language) -> [(url, status, mimetype, body)] for every GET page, fetched once."""
    routes = page_routes(app)
    fetched = {}
    unfilled = []
    for email, host in ACCOUNTS.items():
        ids = {r.endpoint: real_id(app, r, email) for r in routes if r.object_args}
        for language in LANGUAGES:
            client = login(app, email, host=host)
            client.get(f"/lang/{language}")
            results = []
            for route in routes:
                object_id = ids.get(route.endpoint)
                response = client.get(url_for_route(route, object_id or 1))
                if route.object_args and object_id is None and response.status_code not in (302, 403):
                    unfilled.append(f"{email}: {route.rule} -> {response.status_code}")
                body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
                results.append((route.rule, response.status_code, response.mimetype, body))
            fetched[(email, language)] = results
    return fetched, sorted(set(unfilled))


def test_every_page_answers(pages):
    fetched, unfilled = pages
    errors = [
        f"{who} ({language}) {url} -> {status}"
        for (who, language), rows in fetched.items()
        for url, status, *_ in rows
        if status >= 500
    ]
    assert not errors, "\n".join(errors)
    assert not unfilled, (
        "pages swept without a real row (seed one, or list them in NO_REAL_OBJECT with why):\n" + "\n".join(unfilled)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_raw_values(pages, facts, language):
    fetched, _ = pages
    problems = set()
    for (email, lang), rows in fetched.items():
        if lang != language:
            continue
        for url, status, mimetype, body in rows:
            if status == 200 and mimetype == "text/html":
                problems |= {f"{email} {url}: {p}" for p in leftovers(shown_texts(body), language, facts)}
    assert not problems, "\n".join(sorted(problems))


def test_no_page_offers_what_its_role_cannot_do(app, pages):
    fetched, _ = pages
    access = Access(app)
    problems = set()
    for (email, language), rows in fetched.items():
        if language != "id":
            continue
        for url, status, mimetype, body in rows:
            if status != 200 or mimetype != "text/html":
                continue
            for method, path, what in offered_targets(body):
                problem = access.problem(email, method, path)
                if problem:
                    problems.add(f"{email} {url}: {what} {method} {path}: {problem}")
    assert not problems, "\n".join(sorted(problems))


def test_the_sweep_sees_leftovers_and_forbidden_buttons(app, facts):
    """The checks catch what they are for: a raw page and a Viewer's write button."""
    raw = "<h1>List Plan</h1><td>True</td><td>None</td><span>[Vendor Admin]</span><td>2026-01-02 03:04:05.123456</td>"
    code = sorted(facts["codes"])[0]
    found = leftovers(shown_texts(raw + f"<td>{code}</td><p>Clients</p>"), "id", facts)
    assert len(found) == 7, found
    assert leftovers(shown_texts("<td>Rp 1.250.000</td><td>07/12/2026 10:00 WIB</td><td>Ya</td>"), "id", facts) == []
    access = Access(app)
    assert access.problem("viewer@vendor.test", "GET", "/billing/clients/") is None
    assert access.problem("admin@vendor.test", "GET", "/billing/clients/new") is None
    assert access.problem("viewer@vendor.test", "GET", "/billing/clients/new") is not None
