"""Tickets (tenant-owned) and the vendor's helpdesk settings (teams, rules, SLA, calendar)."""

import sqlalchemy as sa
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import relationship

from app.core.mixins import Audited
from app.tenancy.models import TenantMixin, utcnow

CATEGORIES = {
    "bug": _l("Bug"),
    "pembayaran": _l("Payment"),
    "akun": _l("Account"),
    "fitur": _l("Feature Request"),
    "lainnya": _l("Other"),
}
PRIORITIES = {"rendah": _l("Low"), "sedang": _l("Medium"), "tinggi": _l("High")}
PRIORITY_RANK = {"rendah": 1, "sedang": 2, "tinggi": 3}
STATUSES = {
    "terbuka": _l("Open"),
    "dalam_proses": _l("In Progress"),
    "menunggu_klien": _l("Waiting on Client"),
    "selesai": _l("Done"),
}
OPEN_STATUSES = ("terbuka", "dalam_proses", "menunggu_klien")
MESSAGE_KINDS = ("reply", "note", "status", "assignment")


class TicketSequence(Model):
    """One counter row; numbers are allocated by an UPDATE that locks it."""

    __tablename__ = "helpdesk_ticket_sequence"

    id = sa.Column(sa.Integer, primary_key=True)
    last_value = sa.Column(sa.Integer, nullable=False, default=0)


class Ticket(TenantMixin, Audited, Model):
    __tablename__ = "helpdesk_ticket"
    __table_args__ = (sa.Index("ix_helpdesk_ticket_status_created", "status", "created_at"),)
    __audit_exclude__ = frozenset({"description"})

    id = sa.Column(sa.Integer, primary_key=True)
    number = sa.Column(sa.String(20), nullable=False, unique=True)
    title = sa.Column(sa.String(200), nullable=False)
    description = sa.Column(sa.Text, nullable=False)
    category = sa.Column(sa.String(20), nullable=False, index=True)
    priority = sa.Column(sa.String(10), nullable=False, default="sedang")
    status = sa.Column(sa.String(20), nullable=False, default="terbuka")
    team_id = sa.Column(sa.Integer, sa.ForeignKey("helpdesk_team.id", ondelete="SET NULL"))
    assignee_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    first_response_at = sa.Column(sa.DateTime)
    resolved_at = sa.Column(sa.DateTime)
    response_breached_at = sa.Column(sa.DateTime)
    resolution_breached_at = sa.Column(sa.DateTime)

    assignee = relationship("TenantUser", foreign_keys=[assignee_id])
    created_by = relationship("TenantUser", foreign_keys=[created_by_id])
    team = relationship("Team")
    pauses = relationship("TicketPause", order_by="TicketPause.started_at", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"{self.number} {self.title}"


class TicketPause(TenantMixin, Model):
    """While a ticket waits on the client its SLA clocks stand still."""

    __tablename__ = "helpdesk_ticket_pause"

    id = sa.Column(sa.Integer, primary_key=True)
    ticket_id = sa.Column(
        sa.Integer, sa.ForeignKey("helpdesk_ticket.id", ondelete="CASCADE"), nullable=False, index=True
    )
    started_at = sa.Column(sa.DateTime, nullable=False)
    ended_at = sa.Column(sa.DateTime)


class TicketMessage(TenantMixin, Model):
    """One timeline entry: a public reply, an internal note, a status change or an assignment."""

    __tablename__ = "helpdesk_ticket_message"

    id = sa.Column(sa.Integer, primary_key=True)
    ticket_id = sa.Column(
        sa.Integer, sa.ForeignKey("helpdesk_ticket.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = sa.Column(sa.String(12), nullable=False, default="reply")
    internal = sa.Column(sa.Boolean, nullable=False, default=False)
    body = sa.Column(sa.Text, nullable=False, default="")
    author_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    author = relationship("TenantUser")


class TicketAttachment(TenantMixin, Model):
    __tablename__ = "helpdesk_ticket_attachment"

    id = sa.Column(sa.Integer, primary_key=True)
    ticket_id = sa.Column(
        sa.Integer, sa.ForeignKey("helpdesk_ticket.id", ondelete="CASCADE"), nullable=False, index=True
    )
    message_id = sa.Column(sa.Integer, sa.ForeignKey("helpdesk_ticket_message.id", ondelete="SET NULL"))
    filename = sa.Column(sa.String(200), nullable=False)
    stored_name = sa.Column(sa.String(80), nullable=False, unique=True)
    content_type = sa.Column(sa.String(50), nullable=False)
    size = sa.Column(sa.Integer, nullable=False)
    uploaded_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class Team(Audited, Model):
    __tablename__ = "helpdesk_team"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(100), nullable=False, unique=True)
    last_assigned_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="SET NULL"))
    members = relationship("TeamMember", back_populates="team", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return self.name


class TeamMember(Audited, Model):
    __tablename__ = "helpdesk_team_member"
    __table_args__ = (sa.UniqueConstraint("team_id", "user_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    team_id = sa.Column(sa.Integer, sa.ForeignKey("helpdesk_team.id", ondelete="CASCADE"), nullable=False)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    max_open_tickets = sa.Column(sa.Integer)  # None = no cap
    active = sa.Column(sa.Boolean, nullable=False, default=True)

    team = relationship("Team", back_populates="members")
    user = relationship("TenantUser")

    def __repr__(self) -> str:
        return f"{self.team} / {self.user}"


class AssignmentRule(Audited, Model):
    __tablename__ = "helpdesk_assignment_rule"

    id = sa.Column(sa.Integer, primary_key=True)
    category = sa.Column(sa.String(20), nullable=False, unique=True)
    team_id = sa.Column(sa.Integer, sa.ForeignKey("helpdesk_team.id", ondelete="CASCADE"), nullable=False)
    team = relationship("Team")

    def __repr__(self) -> str:
        return f"{self.category} -> {self.team}"


class SlaPolicy(Audited, Model):
    """Targets in business minutes for one priority."""

    __tablename__ = "helpdesk_sla_policy"

    id = sa.Column(sa.Integer, primary_key=True)
    priority = sa.Column(sa.String(10), nullable=False, unique=True)
    first_response_minutes = sa.Column(sa.Integer, nullable=False)
    resolution_minutes = sa.Column(sa.Integer, nullable=False)

    def __repr__(self) -> str:
        return self.priority


class CalendarSettings(Audited, Model):
    """The single business calendar: working weekdays (0=Mon) and opening hours, WIB."""

    __tablename__ = "helpdesk_calendar"

    id = sa.Column(sa.Integer, primary_key=True)
    workdays = sa.Column(sa.String(20), nullable=False, default="0,1,2,3,4")
    open_time = sa.Column(sa.Time, nullable=False)
    close_time = sa.Column(sa.Time, nullable=False)


class Holiday(Audited, Model):
    __tablename__ = "helpdesk_holiday"

    id = sa.Column(sa.Integer, primary_key=True)
    day = sa.Column(sa.Date, nullable=False, unique=True)
    name = sa.Column(sa.String(150), nullable=False)

    def __repr__(self) -> str:
        return f"{self.day} {self.name}"
