"""Ticket rules: filing, replies, internal notes, status changes, assignment.

Every function takes the acting user explicitly, flushes, and returns the e-mails to send
(the caller hands them to `deliver_mails` inside its transaction; they go out after the commit).
"""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.names import CAN_EDIT, VENDOR_TICKET
from app.core.validation import FieldError
from app.extensions import db
from app.helpdesk import events
from app.helpdesk.assignment import AgentLoad, pick_agent
from app.helpdesk.attachments import check_uploads, store
from app.helpdesk.models import (
    CATEGORIES,
    OPEN_STATUSES,
    PRIORITIES,
    STATUSES,
    AssignmentRule,
    Team,
    Ticket,
    TicketAttachment,
    TicketMessage,
    TicketPause,
    TicketSequence,
)
from app.security.models import TenantUser
from app.tenancy.models import utcnow
from app.tenancy.scoping import SKIP_OPTION

NUMBER_FORMAT = "TKT-{:06d}"
MAX_TITLE = 200
GRATITUDE_WORDS = frozenset(
    [
        "terima",
        "kasih",
        "makasih",
        "trims",
        "tks",
        "thanks",
        "thank",
        "you",
        "thx",
        "ok",
        "oke",
        "okay",
        "sip",
        "siap",
        "mantap",
        "baik",
        "banyak",
        "pak",
        "bu",
        "mas",
        "mbak",
        "kak",
        "ya",
        "yah",
        "sudah",
        "beres",
        "noted",
    ]
)


def is_gratitude_only(text: str) -> bool:
    """'Terima kasih banyak, Pak!' -> True; 'Terima kasih, tapi masih error' -> False."""
    words = re.findall(r"[a-z]+", (text or "").lower())
    return bool(words) and all(word in GRATITUDE_WORDS for word in words)


def allocate_number() -> str:
    """The UPDATE locks the counter row until commit, so concurrent filings never share a number."""
    table = TicketSequence.__table__
    result = db.session.execute(table.update().where(table.c.id == 1).values(last_value=table.c.last_value + 1))
    if result.rowcount == 0:
        db.session.execute(table.insert().values(id=1, last_value=1))
    value = db.session.execute(sa.select(table.c.last_value).where(table.c.id == 1)).scalar_one()
    return NUMBER_FORMAT.format(value)


# --- filing -------------------------------------------------------------------------------
def _validate_ticket(title: str, description: str, category: str, priority: str) -> dict[str, str]:
    errors = {}
    if not title:
        errors["title"] = _("Title is required.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("Title is too long (at most 200 characters).")
    if not description:
        errors["description"] = _("Description is required.")
    if category not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    if priority not in PRIORITIES:
        errors["priority"] = _("Choose a priority.")
    return errors


def file_ticket(
    tenant, user, *, title: str, description: str, category: str, priority: str = "sedang", files=()
) -> tuple[Ticket, list]:
    title, description = (title or "").strip(), (description or "").strip()
    errors = _validate_ticket(title, description, category, priority)
    uploads, problem = check_uploads(files)
    if problem:
        errors["attachments"] = problem
    if errors:
        raise FieldError(errors=errors)
    ticket = Ticket(
        tenant_id=tenant.id,
        tenant=tenant,
        number=allocate_number(),
        title=title,
        description=description,
        category=category,
        priority=priority,
        status="terbuka",
        created_by=user,
        created_at=utcnow(),
    )
    db.session.add(ticket)
    db.session.flush()
    _attach(ticket, None, user, uploads)
    mails = auto_assign(ticket)
    return ticket, events.ticket_filed(ticket) + mails


def _attach(ticket: Ticket, message: TicketMessage | None, user, uploads) -> None:
    for upload in uploads:
        db.session.add(
            TicketAttachment(
                tenant_id=ticket.tenant_id,
                ticket_id=ticket.id,
                message_id=message.id if message else None,
                filename=upload.filename[:200],
                stored_name=store(upload),
                content_type=upload.content_type,
                size=len(upload.content),
                uploaded_by_id=user.id if user else None,
            )
        )
    db.session.flush()


def _log(ticket: Ticket, user, kind: str, body: str, internal: bool = False) -> TicketMessage:
    message = TicketMessage(
        tenant_id=ticket.tenant_id,
        ticket_id=ticket.id,
        kind=kind,
        body=body,
        internal=internal,
        author_id=user.id if user else None,
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    return message


# --- assignment ---------------------------------------------------------------------------
def open_ticket_counts(user_ids) -> dict[int, int]:
    """An agent's open tickets across ALL clients: the cap is the agent's, whoever files the ticket.

    Deliberately outside the tenant scope (it runs inside a client's request), and it reads counts only.
    """
    rows = db.session.execute(
        sa.select(Ticket.assignee_id, sa.func.count())
        .where(Ticket.assignee_id.in_(list(user_ids)), Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.assignee_id),
        execution_options={SKIP_OPTION: True},
    )
    return dict(rows.all())


def auto_assign(ticket: Ticket) -> list:
    """Round robin inside the team the category's rule names; nobody eligible -> unassigned."""
    rule = db.session.execute(
        sa.select(AssignmentRule).where(AssignmentRule.category == ticket.category)
    ).scalar_one_or_none()
    if rule is None:
        return []
    team = db.session.execute(sa.select(Team).where(Team.id == rule.team_id).with_for_update()).scalar_one()
    members = team.members
    counts = open_ticket_counts(m.user_id for m in members)
    workers = set(db.session.execute(ticket_worker_ids()).scalars())
    agents = [
        AgentLoad(
            id=m.user_id,
            active=m.active and m.user.active and m.user_id in workers,
            open_tickets=counts.get(m.user_id, 0),
            cap=m.max_open_tickets,
        )
        for m in members
    ]
    ticket.team_id = team.id
    agent_id = pick_agent(agents, team.last_assigned_id)
    if agent_id is None:
        return []
    team.last_assigned_id = agent_id
    return _set_assignee(ticket, db.session.get(TenantUser, agent_id), actor=None)


def assign(ticket: Ticket, agent_id: int | None, actor) -> list:
    """Manual assignment by vendor staff: always wins over the rules."""
    agent = db.session.get(TenantUser, agent_id) if agent_id else None
    if agent_id and (agent is None or agent.tenant_id is not None or not agent.active):
        raise FieldError("assignee", _("Choose an active vendor staff member."))
    if agent is not None and not can_work_tickets(agent.id):
        raise FieldError("assignee", _("%(name)s's role cannot work tickets.", name=agent.get_full_name()))
    if agent is not None and ticket.assignee_id == agent.id:
        return []
    return _set_assignee(ticket, agent, actor)


def _set_assignee(ticket: Ticket, agent, actor) -> list:
    ticket.assignee = agent
    ticket.assignee_id = agent.id if agent else None
    name = agent.get_full_name() if agent else _("nobody")
    how = _("automatically") if actor is None else ""
    assigned = _("Assigned to %(name)s", name=name)
    _log(ticket, actor, "assignment", f"{assigned} {how}".strip(), internal=True)
    return events.ticket_assigned(ticket)


# --- conversation -------------------------------------------------------------------------
def _message_errors(body: str, files) -> tuple[dict, list]:
    errors = {}
    uploads, problem = check_uploads(files)
    if problem:
        errors["attachments"] = problem
    if not body and not uploads:
        errors["body"] = _("Write a message.")
    return errors, uploads


def vendor_reply(ticket: Ticket, user, body: str, files=()) -> list:
    body = (body or "").strip()
    errors, uploads = _message_errors(body, files)
    if errors:
        raise FieldError(errors=errors)
    message = _log(ticket, user, "reply", body)
    _attach(ticket, message, user, uploads)
    if ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
    return events.vendor_replied(ticket, body)


def client_reply(ticket: Ticket, user, body: str, files=(), reopen: bool = False) -> list:
    """A client's reply resumes a ticket waiting on them; a finished ticket reopens only if asked
    or if the message is more than thanks."""
    body = (body or "").strip()
    errors, uploads = _message_errors(body, files)
    if errors:
        raise FieldError(errors=errors)
    message = _log(ticket, user, "reply", body)
    _attach(ticket, message, user, uploads)
    mails = events.client_replied(ticket, body)
    if ticket.status == "menunggu_klien":
        _change_status(ticket, user, "dalam_proses")
    elif ticket.status == "selesai" and (reopen or not is_gratitude_only(body)):
        _change_status(ticket, user, "terbuka")
    return mails


def add_note(ticket: Ticket, user, body: str, files=()) -> None:
    body = (body or "").strip()
    errors, uploads = _message_errors(body, files)
    if errors:
        raise FieldError(errors=errors)
    message = _log(ticket, user, "note", body, internal=True)
    _attach(ticket, message, user, uploads)


# --- status and priority ------------------------------------------------------------------
def set_status(ticket: Ticket, user, status: str) -> list:
    if status not in STATUSES:
        raise FieldError("status", _("Choose a status."))
    if status == ticket.status:
        return []
    _change_status(ticket, user, status)
    return events.status_changed(ticket)


def _change_status(ticket: Ticket, user, status: str) -> None:
    now = utcnow()
    old = ticket.status
    if old == "menunggu_klien":
        for pause in ticket.pauses:
            if pause.ended_at is None:
                pause.ended_at = now
    if status == "menunggu_klien":
        ticket.pauses.append(TicketPause(tenant_id=ticket.tenant_id, started_at=now))
    ticket.resolved_at = now if status == "selesai" else None
    ticket.status = status
    _log(ticket, user, "status", f"{STATUSES[old]} → {STATUSES[status]}")


def set_priority(ticket: Ticket, user, priority: str) -> None:
    if priority not in PRIORITIES:
        raise FieldError("priority", _("Choose a priority."))
    if priority != ticket.priority:
        _log(
            ticket,
            user,
            "status",
            f"{_('Priority')}: {PRIORITIES[ticket.priority]} → {PRIORITIES[priority]}",
            internal=True,
        )
        ticket.priority = priority


# --- reading ------------------------------------------------------------------------------
def timeline(ticket: Ticket, *, include_internal: bool) -> list[TicketMessage]:
    query = sa.select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
    if not include_internal:
        query = query.where(TicketMessage.internal.is_(False))
    return list(db.session.execute(query.order_by(TicketMessage.created_at, TicketMessage.id)).scalars())


def attachments(ticket: Ticket, *, include_internal: bool) -> list[TicketAttachment]:
    query = sa.select(TicketAttachment).where(TicketAttachment.ticket_id == ticket.id)
    if not include_internal:
        hidden = sa.select(TicketMessage.id).where(TicketMessage.internal.is_(True))
        query = query.where(sa.or_(TicketAttachment.message_id.is_(None), TicketAttachment.message_id.not_in(hidden)))
    return list(db.session.execute(query.order_by(TicketAttachment.id)).scalars())


WORK_PERMISSION = (CAN_EDIT, VENDOR_TICKET)  # reply, note, change status: what working a ticket is


def ticket_worker_ids():
    """SQL: ids of vendor staff whose roles (directly or through a group) may work tickets. Only they are
    offered and chosen as assignees: a ticket given to Finance was a ticket nobody could open."""
    from flask_appbuilder.security.sqla.models import (
        Permission,
        PermissionView,
        ViewMenu,
        assoc_group_role,
        assoc_permissionview_role,
        assoc_user_group,
        assoc_user_role,
    )

    grants = assoc_permissionview_role
    working_roles = (
        sa.select(grants.c.role_id)
        .join(PermissionView, PermissionView.id == grants.c.permission_view_id)
        .join(Permission, Permission.id == PermissionView.permission_id)
        .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
        .where(Permission.name == WORK_PERMISSION[0], ViewMenu.name == WORK_PERMISSION[1])
    )
    direct = sa.select(assoc_user_role.c.user_id).where(assoc_user_role.c.role_id.in_(working_roles))
    grouped = (
        sa.select(assoc_user_group.c.user_id)
        .join(assoc_group_role, assoc_group_role.c.group_id == assoc_user_group.c.group_id)
        .where(assoc_group_role.c.role_id.in_(working_roles))
    )
    return sa.union(direct, grouped)


def can_work_tickets(user_id: int) -> bool:
    return user_id in set(db.session.execute(ticket_worker_ids()).scalars())


def vendor_agents() -> list[TenantUser]:
    """Active vendor staff who may work tickets: the only ones offered as assignees."""
    return list(
        db.session.execute(
            sa.select(TenantUser)
            .where(TenantUser.tenant_id.is_(None), TenantUser.active.is_(True))
            .where(TenantUser.id.in_(ticket_worker_ids()))
            .order_by(TenantUser.first_name)
        ).scalars()
    )
