"""The idioms every feature is written in: one transaction boundary, one field error, one get-or-404."""

import ast
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from app.core.rows import get_or_404
from app.core.transaction import transaction
from app.core.validation import FieldError
from app.extensions import db
from app.tenancy.context import tenant_scope


def _tariff_count(tenant_id):
    from app.logistics.tariffs.models import Tariff

    return db.session.execute(
        sa.select(sa.func.count()).select_from(Tariff).where(Tariff.tenant_id == tenant_id)
    ).scalar()


def test_a_transaction_commits_once_or_rolls_everything_back(app, create_tenant, create_tariff, db):
    with transaction():
        tenant = create_tenant()
    with tenant_scope(tenant.id, None):
        before = _tariff_count(tenant.id)
        with pytest.raises(FieldError), transaction():
            create_tariff(tenant, origin="31.71", destination="32.73")
            raise FieldError("price_per_kg", "refused")
        assert _tariff_count(tenant.id) == before
        with transaction():
            create_tariff(tenant, origin="31.71", destination="32.73")
        assert _tariff_count(tenant.id) == before + 1


def test_a_select_with_side_effects_holds_them_until_the_transaction_ends(pg):
    """Every statement runs in the session's transaction, a SELECT too: what a SELECT takes (an advisory
    transaction lock here; a function that writes) lasts until the commit or rollback."""
    key = 22_0001
    other_tries = sa.select(sa.func.pg_try_advisory_xact_lock(key))
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
    try:
        with pg.connect() as other:
            assert other.execute(other_tries).scalar() is False
    finally:
        db.session.rollback()
    with pg.connect() as other:
        assert other.execute(other_tries).scalar() is True


def test_a_field_error_names_every_refused_field():
    error = FieldError(errors={"weight": "Too heavy.", "phone": "Not a phone number."})
    assert error.field == "weight" and error.message == "Too heavy."
    assert error.as_json() == {"weight": ["Too heavy."], "phone": ["Not a phone number."]}
    with pytest.raises(ValueError):
        FieldError()


def test_get_or_404_sees_only_the_callers_tenant(app, create_tenant, create_tariff, db):
    from app.logistics.tariffs.models import Tariff

    mine, theirs = create_tenant(), create_tenant()
    with tenant_scope(theirs.id, None):
        other = create_tariff(theirs, origin="31.71", destination="32.73")
    with tenant_scope(mine.id, None):
        own = create_tariff(mine, origin="31.71", destination="32.73")
        assert get_or_404(Tariff, own.id).id == own.id
        with pytest.raises(NotFound):
            get_or_404(Tariff, other.id)
        with pytest.raises(NotFound):
            get_or_404(Tariff, own.id, where=Tariff.price_per_kg < 0)


# --- the idioms hold by construction -------------------------------------------------------------
APP = Path(__file__).resolve().parents[2] / "app"

# The only places that end a transaction by hand: the helper itself, the job runner's boundary and the
# progress a running job shows (app/jobs/queue.py says why); a rollback also where FAB's datamodel or an
# error handler is the boundary.
COMMITS = {("core/transaction.py", "transaction"), ("jobs/queue.py", "execute"), ("jobs/queue.py", "progress")}
ROLLBACKS = COMMITS | {
    ("core/errors.py", "_value_out_of_range"),
    ("core/errors.py", "_too_deep"),
    ("core/health.py", "_database"),
    ("core/views.py", "answered"),
    ("core/views.py", "get_list_headless"),
    ("security/staff_views.py", "_checked"),
    ("billing/jobs.py", "send_invoice"),
}
# Errors that are not a refused field value: access, gateways, tenancy guards, plan quotas.
NOT_FIELD_ERRORS = {
    "CrossTenantWrite",
    "ShipmentDenied",
    "QuotaExceeded",
    "GatewayError",
    "UnhandledStatus",
    "NotConfirmed",
    "NotificationRejected",
    "StorageKeyError",
    "NulInText",
    "_PartRefused",  # the workbook scan's own signal, answered as FieldError("file") where it is caught
}


def _modules():
    for path in sorted(APP.rglob("*.py")):
        yield path.relative_to(APP).as_posix(), ast.parse(path.read_text(), str(path))


def _calls(tree, method):
    """(enclosing function, line) of every `<something>.<method>()` call."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr == method
                and not child.args
            ):
                found.append((function, child.lineno))
            visit(child, name)

    visit(tree, None)
    return found


@pytest.mark.parametrize(("method", "allowed"), [("commit", COMMITS), ("rollback", ROLLBACKS)])
def test_only_the_boundary_ends_a_transaction(method, allowed):
    """Services flush; views, jobs and commands commit through transaction(); nothing deep in a call
    chain (the activity log, the login, enqueue) commits or rolls back by hand."""
    stray = [
        f"app/{module}:{line} in {function}()"
        for module, tree in _modules()
        for function, line in _calls(tree, method)
        if (module, function) not in allowed
    ]
    assert stray == [], f"{method}() outside the boundary (use app.core.transaction.transaction()):\n" + "\n".join(
        stray
    )


def test_refused_input_has_one_error_class():
    """Every exception class in app/ is FieldError or one of the errors that are not about a field; no
    domain imports another domain's error to report a field."""
    classes, borrowed = [], []
    for module, tree in _modules():
        domain = module.split("/")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and (base.id.endswith(("Error", "Exception")) or base.id in NOT_FIELD_ERRORS)
                for base in node.bases
            ):
                classes.append(node.name)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app."):
                source = node.module.split(".")[1]
                for alias in node.names:
                    if alias.name.endswith(("Error", "Rejected")) and source not in (domain, "core"):
                        borrowed.append(f"app/{module}: {alias.name} from {node.module}")
    assert sorted(set(classes) - NOT_FIELD_ERRORS) == ["FieldError"]
    assert borrowed == []


def test_no_second_get_or_404():
    """One "the row this user may see, or 404": app.core.rows.get_or_404, with `where=` for row rules."""
    helpers = [
        f"app/{module}: {node.name}"
        for module, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and node.name.endswith("_or_404")
        and module != "core/rows.py"
        and not _delegates_to_get_or_404(node)
    ]
    assert helpers == []


def _delegates_to_get_or_404(function) -> bool:
    """A named row rule (`_staff_or_404`) that only hands a `where=` to get_or_404 is the one helper."""
    return any(
        isinstance(node, ast.Call) and getattr(node.func, "id", None) == "get_or_404" for node in ast.walk(function)
    )


ROOT = APP.parent
# A file or folder of the repository named inside backticks: `app/core/rows.py`, `tests/support/`.
NAMED_PATH = re.compile(r"(?<![\w/.<>-])((?:app|bench|bin|migrations|scripts|tests|translations)/[\w./-]*[\w/])")


def test_the_readme_names_what_exists():
    """README.md describes the tree as it is: every file or folder it names exists (the worked example's code
    included), and every variable of its Configuration table is read by config.py or bin/web."""
    readme = (ROOT / "README.md").read_text()
    spans = re.findall(r"`([^`\n]+)`", readme) + re.findall(r"```\w*\n(.*?)```", readme, re.DOTALL)
    named = {path for span in spans for path in NAMED_PATH.findall(span)}
    assert len(named) > 20, "the README names its files as `app/...`"
    assert sorted(path for path in named if not (ROOT / path).exists()) == []
    table = readme.split("\n## Configuration\n")[1].split("\n## ")[0]
    variables = {
        name
        for row in table.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split(" | ")[0])
    }
    read = (ROOT / "config.py").read_text() + (ROOT / "bin" / "web").read_text()
    assert variables and sorted(name for name in variables if not re.search(rf'["{{]{name}\b', read)) == []


def _refused_field_shape(body) -> bool:
    message = body.get("message") if isinstance(body, dict) else None
    return (
        isinstance(message, dict)
        and bool(message)
        and all(isinstance(key, str) and isinstance(value, list) and value for key, value in message.items())
        and all(isinstance(text, str) and text for value in message.values() for text in value)
    )


def test_every_api_write_refuses_input_with_one_422_shape(api_client, db):
    """Each JSON write endpoint in the OpenAPI spec answers an invalid body with 422
    {"message": {field: [message]}}, and the spec's 422 response describes that shape."""
    client = api_client("admin@demo.test")
    spec = client.get("/api/v1/_openapi").json
    schema = spec["components"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert schema["properties"]["message"]["additionalProperties"]["type"] == "array"
    ids = {
        "shipments": client.get("/api/v1/shipments/").json["ids"][0],
        "tariffs": client.get("/api/v1/tariffs/").json["ids"][0],
    }
    invalid = {"price_per_kg": "not a number", "est_days": -1, "status": "flying", "receiver_phone": "x"}
    answers = {}
    for path, operations in spec["paths"].items():
        resource = path.removeprefix("/api/v1/").split("/")[0]
        if resource == "security":
            continue  # FAB's login: no fields of ours
        for method in ("post", "put"):
            if method not in operations:
                continue
            url = path.replace("{pk}", str(ids[resource]))
            response = getattr(client, method)(url, json=invalid)
            answers[f"{method.upper()} {path}"] = (response.status_code, response.json)
    assert len(answers) >= 4, answers  # shipments create and status, tariffs create and update
    wrong = {key: answer for key, answer in answers.items() if answer[0] != 422 or not _refused_field_shape(answer[1])}
    assert wrong == {}


def test_a_refused_setting_writes_nothing(db, create_tenant):
    """README's worked example: the service raises FieldError naming the field; transaction() rolls back."""
    from app.logistics.settings.services import SettingsInput, get_settings, start_number_of, update_settings

    tenant = create_tenant()
    with tenant_scope(tenant.id, None):
        with transaction():
            settings = get_settings(tenant.id)
        divisor = settings.volume_divisor
        with pytest.raises(FieldError) as refused, transaction():
            settings = get_settings(tenant.id)
            settings.company_name = "Written only if the whole form is valid"
            update_settings(
                settings,
                SettingsInput(
                    tracking_prefix=settings.tracking_prefix,
                    start_number=start_number_of(settings),
                    volume_divisor="0",
                    rounding_mode=settings.rounding_mode,
                    rounding_tolerance=settings.rounding_tolerance,
                    minimum_weight=settings.minimum_weight,
                ),
            )
        assert refused.value.field == "volume_divisor"
        settings = get_settings(tenant.id)
        assert settings.volume_divisor == divisor and settings.company_name != "Written only if the whole form is valid"
