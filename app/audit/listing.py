"""The activity log's filters (person, action, object type, WIB dates) and pages, for the tenant's and the
vendor's log alike, and its Excel export. Pages are fetched newest first with a (time, id) cursor on the
(tenant, created_at) index: no COUNT, one extra row tells whether an older page exists."""

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.audit import sentences
from app.audit.models import ActivityLog
from app.audit.services import ACTION_LABELS
from app.core.periods import day_range
from app.core.spreadsheets import WIB, Column, table_workbook, wib
from app.core.validation import FieldError
from app.extensions import db

PAGE_SIZE = 50
EXPORT_CHUNK = 1000


@dataclass(frozen=True)
class ActivityQuery:
    actor: int | None = None
    action: str = ""
    entity_type: str = ""
    date_from: date | None = None
    date_to: date | None = None
    after: str = ""  # the cursor of the last line of the previous page

    @classmethod
    def from_args(cls, args) -> "ActivityQuery":
        """The filters of a query string; a value no filter offers is ignored, a bad date is a FieldError."""
        actor = args.get("actor") or ""
        errors, dates = {}, {}
        for name in ("date_from", "date_to"):
            try:
                dates[name] = date.fromisoformat(args[name]) if args.get(name) else None
            except ValueError:
                errors[name] = _l("Enter a valid date.")
        if not errors and dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
            errors["date_to"] = _l("The end date cannot be before the start date.")
        if errors:
            raise FieldError(errors=errors)
        return cls(
            actor=int(actor) if actor.isdigit() and len(actor) < 10 else None,
            action=args.get("action") if args.get("action") in ACTION_LABELS else "",
            entity_type=args.get("entity_type") if args.get("entity_type") in sentences.KINDS else "",
            after=args.get("after") or "",
            **dates,
        )

    def args(self, **changes) -> dict:
        """The query string of these filters (with changes), for links and the export."""
        values = {**asdict(replace(self, **changes))}
        for name in ("date_from", "date_to"):
            values[name] = values[name].isoformat() if values[name] else ""
        return {key: value for key, value in values.items() if value not in ("", None)}


def action_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda pair: pair[1])


def object_choices() -> list[tuple[str, str]]:
    """The sentences' nouns, capitalised as a menu's options are ("Pengiriman", "Invoice")."""
    nouns = ((name, str(kind.noun)) for name, kind in sentences.KINDS.items())
    return sorted(((name, noun[:1].upper() + noun[1:]) for name, noun in nouns), key=lambda pair: pair[1])


def _filtered(query: ActivityQuery, realm: str):
    """The lines of `realm` these filters select (the tenant scope narrows a tenant's to its own)."""
    stmt = sa.select(ActivityLog).where(ActivityLog.realm == realm)
    chosen = {
        ActivityLog.actor_id: query.actor,
        ActivityLog.action: query.action,
        ActivityLog.entity_type: query.entity_type,
    }
    stmt = stmt.where(*(column == value for column, value in chosen.items() if value))
    if query.date_from:
        stmt = stmt.where(ActivityLog.created_at >= day_range(query.date_from, query.date_from)[0])
    if query.date_to:
        stmt = stmt.where(ActivityLog.created_at < day_range(query.date_to, query.date_to)[1])
    return stmt.order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc())


LOADS = (selectinload(ActivityLog.actor), selectinload(ActivityLog.tenant))


def _cursor(line: ActivityLog) -> str:
    return f"{line.created_at.isoformat()}_{line.id}"


def _before_cursor(token: str):
    moment, _sep, line_id = token.rpartition("_")
    try:
        return sa.tuple_(ActivityLog.created_at, ActivityLog.id) < sa.tuple_(
            sa.literal(datetime.fromisoformat(moment), ActivityLog.created_at.type), sa.literal(int(line_id))
        )
    except ValueError:
        return None


def page(query: ActivityQuery, realm: str) -> tuple[list[ActivityLog], str | None]:
    """One page of lines and the cursor of the next (older) page, or None."""
    stmt = _filtered(query, realm).options(*LOADS)
    older = _before_cursor(query.after) if query.after else None
    if older is not None:
        stmt = stmt.where(older)
    lines = list(db.session.execute(stmt.limit(PAGE_SIZE + 1)).scalars())
    return lines[:PAGE_SIZE], (_cursor(lines[PAGE_SIZE - 1]) if len(lines) > PAGE_SIZE else None)


def _company(line) -> str:
    return line.tenant.name if line.tenant is not None else ""


def _changes(line) -> str:
    return "; ".join(f"{label}: {value}" for label, value in sentences.changes_text(line))


def export_columns(realm: str) -> tuple[Column, ...]:
    company = (Column(_l("Company"), _company, width=24),) if realm == "vendor" else ()
    return (
        Column(_l("Time (WIB)"), lambda line: wib(line.created_at), WIB, 17),
        *company,
        Column(_l("By"), sentences.actor_name, width=22),
        Column(_l("Activity"), sentences.sentence, width=60),
        Column(_l("Object"), lambda line: _noun(line.entity_type), width=18),
        Column(_l("Changes"), _changes, width=60),
    )


def _noun(entity_type: str | None) -> str:
    kind = sentences.KINDS.get(entity_type or "")
    return str(kind.noun) if kind is not None else (entity_type or "")


def _lines(ids: list[int]):
    """The lines of `ids` in that order, read a chunk at a time and let go of after (flat memory)."""
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        stmt = sa.select(ActivityLog).where(ActivityLog.id.in_(chunk)).options(*LOADS)
        by_id = {line.id: line for line in db.session.execute(stmt).scalars()}
        yield from (by_id[pk] for pk in chunk if pk in by_id)
        for line in by_id.values():
            db.session.expunge(line)


def workbook(query: ActivityQuery, realm: str, progress=None) -> bytes:
    """Every line the filters select (all pages), newest first."""
    ids = list(db.session.execute(_filtered(query, realm).with_only_columns(ActivityLog.id)).scalars())
    return table_workbook(_("Activity Log"), export_columns(realm), _lines(ids), len(ids), progress)
