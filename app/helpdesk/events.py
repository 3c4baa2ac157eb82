"""Who hears about what happens to a ticket: bell entries now, e-mails returned for a job."""

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.helpdesk.models import STATUSES, Ticket
from app.notifications.services import Mail, notify_users
from app.security.catalogue import VENDOR_ADMIN
from app.security.models import TenantUser

TENANT_LINK = "/bantuan/tickets/{id}"
VENDOR_LINK = "/vendor/tickets/{id}"


def vendor_admins() -> list[TenantUser]:
    from flask_appbuilder.security.sqla.models import Role

    return list(
        db.session.execute(
            sa.select(TenantUser)
            .join(TenantUser.roles)
            .where(Role.name == VENDOR_ADMIN, TenantUser.tenant_id.is_(None), TenantUser.active.is_(True))
        )
        .scalars()
        .unique()
    )


def _mail(user, subject: str, text: str) -> list[Mail]:
    return [Mail(user.email, subject, text)] if user is not None and user.email else []


def ticket_filed(ticket: Ticket) -> list[Mail]:
    notify_users(
        [ticket.created_by],
        title=_("Ticket %(number)s received", number=ticket.number),
        body=_('We received your ticket "%(title)s" and will respond soon.', title=ticket.title),
        link=TENANT_LINK.format(id=ticket.id),
    )
    staff = vendor_admins() + ([ticket.assignee] if ticket.assignee else [])
    notify_users(
        staff,
        title=_("New ticket %(number)s", number=ticket.number),
        body=f"{ticket.tenant.name}: {ticket.title}",
        link=VENDOR_LINK.format(id=ticket.id),
    )
    return _mail(
        ticket.created_by,
        _("Ticket %(number)s received", number=ticket.number),
        _(
            'We received your ticket "%(title)s" (%(number)s). You can follow it in the Help menu.',
            title=ticket.title,
            number=ticket.number,
        ),
    )


def ticket_assigned(ticket: Ticket) -> list[Mail]:
    if ticket.assignee is None:
        return []
    title = _("Ticket %(number)s assigned to you", number=ticket.number)
    notify_users(
        [ticket.assignee],
        title=title,
        body=f"{ticket.tenant.name}: {ticket.title}",
        link=VENDOR_LINK.format(id=ticket.id),
    )
    return _mail(ticket.assignee, title, f"{ticket.tenant.name}: {ticket.title}")


def vendor_replied(ticket: Ticket, body: str) -> list[Mail]:
    title = _("New reply on ticket %(number)s", number=ticket.number)
    notify_users([ticket.created_by], title=title, body=body[:500], link=TENANT_LINK.format(id=ticket.id))
    return _mail(ticket.created_by, title, body)


def client_replied(ticket: Ticket, body: str) -> list[Mail]:
    title = _("Client replied on ticket %(number)s", number=ticket.number)
    notify_users([ticket.assignee], title=title, body=body[:500], link=VENDOR_LINK.format(id=ticket.id))
    return []


def status_changed(ticket: Ticket) -> list[Mail]:
    title = _("Ticket %(number)s is now %(status)s", number=ticket.number, status=STATUSES[ticket.status])
    notify_users([ticket.created_by], title=title, body=ticket.title, link=TENANT_LINK.format(id=ticket.id))
    return _mail(ticket.created_by, title, ticket.title)


def breach_detected(ticket: Ticket, kinds: list[str]) -> None:
    what = ", ".join(_("first response") if k == "response" else _("resolution") for k in kinds)
    staff = vendor_admins() + ([ticket.assignee] if ticket.assignee else [])
    notify_users(
        staff,
        title=_("SLA breached on %(number)s", number=ticket.number),
        body=_("Target missed: %(what)s. %(title)s", what=what, title=ticket.title),
        link=VENDOR_LINK.format(id=ticket.id),
    )
