"""SLA clocks of tickets (business hours from the configured calendar) and the breach check."""

from dataclasses import dataclass
from datetime import UTC, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.helpdesk.business_hours import BusinessCalendar, SlaClock, sla_clock
from app.helpdesk.models import OPEN_STATUSES, CalendarSettings, Holiday, SlaPolicy, Ticket
from app.tenancy.models import utcnow

AT_RISK_SHARE = 0.2  # less than this share of the target left: "at risk"


def aware(moment: datetime | None) -> datetime | None:
    """Stored datetimes are naive UTC; business_hours wants aware ones."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def parse_workdays(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in (text or "").split(",") if part.strip() != "")


def load_calendar() -> BusinessCalendar:
    settings = db.session.execute(sa.select(CalendarSettings).order_by(CalendarSettings.id)).scalars().first()
    holidays = frozenset(db.session.execute(sa.select(Holiday.day)).scalars())
    if settings is None:
        return BusinessCalendar(holidays=holidays)
    return BusinessCalendar(
        workdays=parse_workdays(settings.workdays) or frozenset({0, 1, 2, 3, 4}),
        open_time=settings.open_time or time(8),
        close_time=settings.close_time or time(17),
        holidays=holidays,
    )


def policies() -> dict[str, SlaPolicy]:
    return {p.priority: p for p in db.session.execute(sa.select(SlaPolicy)).scalars()}


@dataclass(frozen=True)
class TicketClocks:
    response: SlaClock | None
    resolution: SlaClock | None

    @property
    def breached(self) -> bool:
        return any(c is not None and c.breached for c in (self.response, self.resolution))

    @property
    def state(self) -> str:
        """met / breached / paused / at_risk / on_track / none."""
        clocks = [c for c in (self.response, self.resolution) if c is not None]
        if not clocks:
            return "none"
        if any(c.breached for c in clocks):
            return "breached"
        if all(c.stopped for c in clocks):
            return "met"
        if any(c.paused for c in clocks):
            return "paused"
        running = [c for c in clocks if not c.stopped]
        if any(c.remaining_seconds < c.target_seconds * AT_RISK_SHARE for c in running):
            return "at_risk"
        return "on_track"


SLA_STATE_LABELS = {
    "met": "SLA met",
    "breached": "Breached",
    "paused": "Paused",
    "at_risk": "At risk",
    "on_track": "On track",
    "none": "No SLA",
}


def state_label(state: str) -> str:
    return _(SLA_STATE_LABELS[state])


def ticket_clocks(
    ticket: Ticket, calendar: BusinessCalendar, policy: SlaPolicy | None, now: datetime | None = None
) -> TicketClocks:
    if policy is None:
        return TicketClocks(None, None)
    now = aware(now or utcnow())
    pauses = [(aware(p.started_at), aware(p.ended_at)) for p in ticket.pauses]
    start = aware(ticket.created_at)
    response = sla_clock(
        calendar, start, policy.first_response_minutes * 60, now, pauses, stopped_at=aware(ticket.first_response_at)
    )
    resolution = sla_clock(
        calendar, start, policy.resolution_minutes * 60, now, pauses, stopped_at=aware(ticket.resolved_at)
    )
    return TicketClocks(response, resolution)


def clocks_for(tickets, now: datetime | None = None) -> dict[int, TicketClocks]:
    calendar, by_priority = load_calendar(), policies()
    return {t.id: ticket_clocks(t, calendar, by_priority.get(t.priority), now) for t in tickets}


def check_breaches(now: datetime | None = None) -> list[Ticket]:
    """Flag newly breached clocks of open tickets (once per clock) and notify; safe to repeat."""
    from app.helpdesk.events import breach_detected

    now = naive(now or utcnow())
    candidates = (
        db.session.execute(
            sa.select(Ticket).where(
                sa.or_(
                    sa.and_(Ticket.response_breached_at.is_(None), Ticket.first_response_at.is_(None)),
                    sa.and_(Ticket.resolution_breached_at.is_(None), Ticket.status.in_(OPEN_STATUSES)),
                )
            )
        )
        .scalars()
        .all()
    )
    flagged = []
    all_clocks = clocks_for(candidates, now)
    for ticket in candidates:
        clocks = all_clocks[ticket.id]
        kinds = []
        if clocks.response and clocks.response.breached and ticket.response_breached_at is None:
            ticket.response_breached_at = now
            kinds.append("response")
        if clocks.resolution and clocks.resolution.breached and ticket.resolution_breached_at is None:
            ticket.resolution_breached_at = now
            kinds.append("resolution")
        if kinds:
            breach_detected(ticket, kinds)
            flagged.append(ticket)
    db.session.flush()
    return flagged
