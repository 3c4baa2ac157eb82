"""The activity log as sentences a person reads ("Budi mengubah status DMO1000288 menjadi Terkirim"):
the ONE builder both the tenant's and the vendor's activity log use.

A line is (actor, action, object type, object id, summary, changes). The builder knows the generic
verbs (added / edited / deleted / signed in) and the named events; domains register, by object type
(the model's class name), its noun, where it is shown (an endpoint taking `pk`), how a column's
stored value reads, and optionally a whole sentence of their own (a status entry names its shipment).
The audit package imports no domain: app/menu.py registers them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

from app.tenancy.models import CLIENT_TYPE_LABELS, TENANT_STATUS_LABELS


@dataclass
class ObjectKind:
    noun: object  # lazy text: "shipment"
    endpoint: str | None = None  # shows one object, takes pk
    values: dict[str, Callable[[object], str]] = field(default_factory=dict)  # column -> stored value as text
    sentence: Callable | None = None  # (line, actor) -> (text, link) for a line of its own kind
    hidden: frozenset[str] = frozenset()  # columns not worth showing (ids, bookkeeping)
    subject: Callable | None = None  # line -> the object's words, when its stored summary reads badly


KINDS: dict[str, ObjectKind] = {}

VERBS = {
    "create": _l("%(actor)s added %(noun)s %(object)s"),
    "update": _l("%(actor)s edited %(noun)s %(object)s"),
    "delete": _l("%(actor)s deleted %(noun)s %(object)s"),
}

EVENTS = {
    "login": _l("%(actor)s signed in"),
    "client_created": _l("%(actor)s registered client %(object)s"),
    "client_updated": _l("%(actor)s edited client %(object)s"),
    "module_enabled": _l("%(actor)s enabled a module for %(object)s"),
    "module_disabled": _l("%(actor)s disabled a module for %(object)s"),
    "subscription_paid": _l("%(actor)s recorded the subscription payment of %(object)s"),
    "subscription_expired": _l("The subscription of %(object)s ended"),
    "subscription_status": _l("%(actor)s changed the subscription status of %(object)s"),
    "overdue_cleared": _l("%(actor)s cleared the Jatuh Tempo of %(object)s by hand"),
    "plan_change_by_vendor": _l("%(actor)s changed the plan of %(object)s"),
    "period_extended_by_vendor": _l("%(actor)s extended the paid period of %(object)s"),
    "employee_added": _l("%(actor)s added employee %(object)s"),
    "employee_edited": _l("%(actor)s edited employee %(object)s"),
    "employee_deleted": _l("%(actor)s deleted employee %(object)s"),
    "employee_activated": _l("%(actor)s activated the account of %(object)s"),
    "employee_deactivated": _l("%(actor)s deactivated the account of %(object)s"),
    "password_reset": _l("%(actor)s reset the password of %(object)s"),
    "role_changed": _l("%(actor)s made %(object)s %(value)s"),
}

HIDDEN_ALWAYS = frozenset({"id", "tenant_id", "created_at", "updated_at", "created_by_id", "search_text"})


def register(entity_type: str, noun, **options) -> None:
    KINDS[entity_type] = ObjectKind(noun=noun, **options)


def actor_name(line) -> str:
    actor = getattr(line, "actor", None)
    if actor is None:
        return _("System") if line.actor_id is None else _("A deleted user")
    return " ".join(part for part in (actor.first_name, actor.last_name) if part) or actor.email


def url_or_none(endpoint: str, pk) -> str | None:
    """The object's page, or None (no such page; outside a request, as in an export job, there are no links)."""
    try:
        return url_for(endpoint, pk=int(pk))
    except (BuildError, ValueError, TypeError, RuntimeError):
        return None


def object_link(line) -> str | None:
    kind = KINDS.get(line.entity_type or "")
    if kind is None or kind.endpoint is None or not line.entity_id or line.action == "delete":
        return None
    return url_or_none(kind.endpoint, line.entity_id)


def sentence(line) -> str:
    """The line as a sentence (plain text)."""
    return _parts(line)[0]


def sentence_html(line) -> Markup:
    """The sentence with its object linked (when it still exists and has a page)."""
    text, link = _parts(line)
    if not link:
        return Markup(escape(text))
    return Markup('<a href="{}">{}</a>').format(link, text)


def _parts(line) -> tuple[str, str | None]:
    actor = actor_name(line)
    kind = KINDS.get(line.entity_type or "")
    if kind is not None and kind.sentence is not None and line.action == "create":
        return kind.sentence(line, actor)
    subject = _(line.summary) if line.summary else (line.entity_id or "")  # stored in English (audit._summary)
    if line.entity_type and subject.startswith(line.entity_type + " "):
        subject = subject[len(line.entity_type) + 1 :]  # "Payment Rp 100000 …": the noun says it already
    if line.entity_type == "Tenant" and getattr(line, "tenant", None) is not None:
        subject = line.tenant.name  # the vendor's events name the client, not their English summary
    if kind is not None and kind.subject is not None:
        subject = kind.subject(line)
    if line.action in EVENTS:
        raw = (line.changes or {}).get("role", "") if isinstance(line.changes, dict) else ""
        value = kind.values.get("role", _plain)(raw) if kind is not None and raw else raw
        return _fill(EVENTS[line.action], actor=actor, object=subject, value=value), object_link(line)
    if line.action in VERBS:
        noun = str(kind.noun) if kind is not None else _("item")
        return _fill(VERBS[line.action], actor=actor, noun=noun, object=subject).strip(), object_link(line)
    return f"{actor}: {subject}", object_link(line)


def _fill(template, **values) -> str:
    """A lazy message's translation with its placeholders filled."""
    return str(template) % values


def changes_text(line) -> list[tuple[str, str]]:
    """(column, "before → after" or value) pairs a person reads; ids and bookkeeping left out."""
    kind = KINDS.get(line.entity_type or "")
    hidden = HIDDEN_ALWAYS | (kind.hidden if kind else frozenset())
    shown = []
    for column, value in (line.changes or {}).items() if isinstance(line.changes, dict) else ():
        if column in hidden:
            continue
        fmt = kind.values.get(column, _plain) if kind else _plain
        label = _column_label(column)
        if isinstance(value, list) and len(value) == 2:
            shown.append((label, f"{fmt(value[0])} → {fmt(value[1])}"))
        else:
            shown.append((label, fmt(value)))
    return shown


def _column_label(column: str) -> str:
    """ "monthly_price" -> "Monthly price", in the page's language when the catalogue has it."""
    return _(column.replace("_", " ").strip().capitalize())


def _plain(value) -> str:
    if value is None or value == "":
        return "-"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return str(value)


def _labelled(labels: dict):
    return lambda code: str(labels.get(code, code)) if code not in (None, "") else "-"


_STATES = {**TENANT_STATUS_LABELS, "expired": _l("Expired")}
register(
    "Tenant",
    _l("client"),
    values={
        "status": _labelled(TENANT_STATUS_LABELS),
        "client_type": _labelled(CLIENT_TYPE_LABELS),
        "subscription_state": _labelled(_STATES),
    },
)
register("Subscription", _l("subscription"), values={"status": _labelled(_STATES)})
# The vendor's other objects (billing, helpdesk): nouns only, their pages need more than a pk.
for _type, _noun in (
    ("Invoice", _l("invoice")),
    ("Payment", _l("payment")),
    ("CreditNote", _l("credit note")),
    ("Plan", _l("plan")),
    ("ProductModule", _l("product module")),
    ("Ticket", _l("ticket")),
):
    register(_type, _noun)
