"""Compose, fan out and read notifications. Recipient and read rows are written with Core
statements: set-based for 10,000 clients, and a tenant's action may notify vendor staff."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.validation import FieldError
from app.extensions import db
from app.notifications.models import BROADCAST_TYPES, TARGETS, Notification, NotificationRead, NotificationRecipient
from app.tenancy.models import CLIENT_TYPES, Tenant, utcnow

RECIPIENTS = NotificationRecipient.__table__
READS = NotificationRead.__table__


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


def deliver_mails(mails, *, tenant_id: int | None, user_id: int | None) -> None:
    """Hand e-mails to the mail queue once the caller's transaction commits."""
    from app.jobs.queue import enqueue
    from app.jobs.tasks import send_email

    for mail in mails:
        if mail.to:
            enqueue(send_email, tenant_id=tenant_id, user_id=user_id, to=mail.to, subject=mail.subject, text=mail.text)


# --- system events ----------------------------------------------------------------------
def notify_users(
    users, *, title: str, body: str, link: str | None = None, type_: str = "sistem"
) -> Notification | None:
    """A personal bell entry for each user (vendor staff or tenant users)."""
    people = {u.id: u for u in users if u is not None}
    if not people:
        return None
    notification = _new(title=title, body=body, type=type_, link=link, recipient_count=len(people))
    db.session.execute(
        RECIPIENTS.insert(),
        [
            {"notification_id": notification.id, "user_id": u.id, "tenant_id": u.tenant_id, "created_at": utcnow()}
            for u in people.values()
        ],
    )
    return notification


def notify_tenant(
    tenant_id: int, *, title: str, body: str, link: str | None = None, type_: str = "sistem"
) -> Notification:
    """A bell entry for every user of one tenant (e.g. a new invoice)."""
    notification = _new(title=title, body=body, type=type_, link=link, recipient_count=1)
    db.session.execute(
        RECIPIENTS.insert(), [{"notification_id": notification.id, "tenant_id": tenant_id, "created_at": utcnow()}]
    )
    return notification


def _new(**fields) -> Notification:
    notification = Notification(state="sent", sent_at=utcnow(), **fields)
    db.session.add(notification)
    db.session.flush()
    return notification


# --- vendor broadcasts ------------------------------------------------------------------
def compose(
    *, title: str, body: str, type_: str, target: str, client_type: str | None, tenant_ids, created_by
) -> Notification:
    title, body = (title or "").strip(), (body or "").strip()
    tenant_ids = sorted({int(t) for t in tenant_ids or ()})
    errors = {}
    if not title:
        errors["title"] = _("Title is required.")
    elif len(title) > 200:
        errors["title"] = _("Title is too long (at most 200 characters).")
    if not body:
        errors["body"] = _("Message is required.")
    if type_ not in BROADCAST_TYPES:
        errors["type"] = _("Choose a notification type.")
    if target not in TARGETS:
        errors["target"] = _("Choose a target.")
    elif target == "client_type" and client_type not in CLIENT_TYPES:
        errors["client_type"] = _("Choose a client type.")
    elif target == "chosen" and not tenant_ids:
        errors["tenant_ids"] = _("Choose at least one client.")
    if errors:
        raise FieldError(errors=errors)
    notification = Notification(
        title=title,
        body=body,
        type=type_,
        broadcast=True,
        target=target,
        target_client_type=client_type if target == "client_type" else None,
        target_tenant_ids=tenant_ids if target == "chosen" else None,
        state="queued",
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(notification)
    db.session.flush()
    return notification


def _target_tenants(notification: Notification):
    query = sa.select(Tenant.id)
    if notification.target == "client_type":
        query = query.where(Tenant.client_type == notification.target_client_type)
    elif notification.target == "chosen":
        query = query.where(Tenant.id.in_(notification.target_tenant_ids or [-1]))
    return query


def fan_out(notification_id: int) -> int:
    """One INSERT ... SELECT for every target tenant; running it twice adds nobody twice."""
    notification = db.session.get(Notification, notification_id)
    notification.state = "sending"
    targets = _target_tenants(notification).subquery()
    already = sa.select(RECIPIENTS.c.id).where(
        RECIPIENTS.c.notification_id == notification_id,
        RECIPIENTS.c.tenant_id == targets.c.id,
        RECIPIENTS.c.user_id.is_(None),
    )
    rows = sa.select(sa.literal(notification_id), targets.c.id, sa.literal(utcnow())).where(~already.exists())
    db.session.execute(RECIPIENTS.insert().from_select(["notification_id", "tenant_id", "created_at"], rows))
    count = db.session.execute(
        sa.select(sa.func.count()).select_from(RECIPIENTS).where(RECIPIENTS.c.notification_id == notification_id)
    ).scalar_one()
    notification.recipient_count = count
    notification.state = "sent"
    notification.sent_at = notification.sent_at or utcnow()
    db.session.flush()
    return count


def received_by_tenant(tenant_id: int, limit: int) -> list[tuple[Notification, datetime]]:
    """What reached a client as a whole (broadcasts, tenant-wide system events), newest first, each with
    when it arrived (the client's history timeline)."""
    rows = db.session.execute(
        sa.select(Notification, RECIPIENTS.c.created_at)
        .join(RECIPIENTS, RECIPIENTS.c.notification_id == Notification.id)
        .where(RECIPIENTS.c.tenant_id == tenant_id, RECIPIENTS.c.user_id.is_(None))
        .order_by(RECIPIENTS.c.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return [(notification, received_at) for notification, received_at in rows]


def read_counts(notification_ids) -> dict[int, tuple[int, int]]:
    """notification id -> (clients that read it, users that read it)."""
    if not notification_ids:
        return {}
    rows = db.session.execute(
        sa.select(READS.c.notification_id, sa.func.count(sa.distinct(READS.c.tenant_id)), sa.func.count())
        .where(READS.c.notification_id.in_(list(notification_ids)))
        .group_by(READS.c.notification_id)
    )
    return {nid: (clients, users) for nid, clients, users in rows}


def recipient_clients(notification_id: int, limit: int = 1000) -> list[tuple[int, str, str, bool]]:
    """The clients a sent notification reached: (id, name, slug, read by someone there), by name."""
    read = sa.exists().where(READS.c.notification_id == notification_id, READS.c.tenant_id == Tenant.id)
    rows = db.session.execute(
        sa.select(Tenant.id, Tenant.name, Tenant.slug, read)
        .join(RECIPIENTS, RECIPIENTS.c.tenant_id == Tenant.id)
        .where(RECIPIENTS.c.notification_id == notification_id, RECIPIENTS.c.user_id.is_(None))
        .order_by(Tenant.name, Tenant.slug)
        .limit(limit)
    )
    return [tuple(row) for row in rows]


# --- the bell ---------------------------------------------------------------------------
def _visible_ids(user):
    mine = RECIPIENTS.c.user_id == user.id
    if user.tenant_id is not None:
        mine = sa.or_(mine, sa.and_(RECIPIENTS.c.user_id.is_(None), RECIPIENTS.c.tenant_id == user.tenant_id))
    return sa.select(RECIPIENTS.c.notification_id).where(mine)


def _read_ids(user):
    return sa.select(READS.c.notification_id).where(READS.c.user_id == user.id)


def unread_count(user) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.id.in_(_visible_ids(user)), Notification.id.not_in(_read_ids(user)))
    )
    return db.session.execute(query).scalar_one()


def inbox(user, *, limit: int = 10, offset: int = 0) -> list[tuple[Notification, bool]]:
    """Newest first, each with whether this user has read it."""
    read = Notification.id.in_(_read_ids(user))
    rows = db.session.execute(
        sa.select(Notification, read)
        .where(Notification.id.in_(_visible_ids(user)))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(n, bool(is_read)) for n, is_read in rows]


def inbox_size(user) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(Notification).where(Notification.id.in_(_visible_ids(user)))
    ).scalar_one()


def received_by(user):
    """The row rule of the notifications this user received (for get_or_404)."""
    return Notification.id.in_(_visible_ids(user))


def open_notification(user, notification_id: int) -> Notification | None:
    """The notification if this user received it (then marked read), else None."""
    notification = db.session.execute(
        sa.select(Notification).where(Notification.id == notification_id, received_by(user))
    ).scalar_one_or_none()
    if notification is not None:
        mark_read(user, notification)
    return notification


def mark_read(user, notification: Notification) -> None:
    """Mark one notification the user received as read (once)."""
    notification_id = notification.id
    _mark_read(user, sa.select(sa.literal(notification_id)).where(sa.literal(notification_id).not_in(_read_ids(user))))


def mark_all_read(user) -> None:
    unread = (
        sa.select(RECIPIENTS.c.notification_id)
        .where(
            RECIPIENTS.c.notification_id.in_(_visible_ids(user)), RECIPIENTS.c.notification_id.not_in(_read_ids(user))
        )
        .distinct()
    )
    _mark_read(user, unread)


def _mark_read(user, notification_ids_select) -> None:
    ids = notification_ids_select.subquery()
    rows = sa.select(ids.c[0], sa.literal(user.id), sa.literal(user.tenant_id, sa.Integer), sa.literal(utcnow()))
    db.session.execute(READS.insert().from_select(["notification_id", "user_id", "tenant_id", "read_at"], rows))
