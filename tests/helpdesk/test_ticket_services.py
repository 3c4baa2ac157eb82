"""Ticket rules: numbering, auto-assignment, replies, internal notes, pauses, SLA and breaches."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.core.validation import FieldError
from app.helpdesk import services
from app.helpdesk.business_hours import BusinessCalendar
from app.helpdesk.models import AssignmentRule, SlaPolicy, Team, TeamMember, Ticket, TicketPause
from app.helpdesk.sla import check_breaches, ticket_clocks
from app.notifications import services as bell
from app.security.models import TenantUser
from app.tenancy.services import tenant_by_slug

UTC = UTC


def _owner(session, slug="demo"):
    return session.execute(sa.select(TenantUser).filter_by(email=f"owner@{slug}.test")).scalar_one()


def _file(session, category="bug", **kwargs):
    tenant = tenant_by_slug("demo")
    ticket, mails = services.file_ticket(
        tenant,
        _owner(session),
        title=kwargs.pop("title", "Printer rusak"),
        description="Label tidak tercetak",
        category=category,
        **kwargs,
    )
    return ticket, mails


def _team_for(session, category, members):
    """Point the category's rule at a new team with the given (user, cap, active) members."""
    team = Team(name=f"T-{datetime.now().timestamp()}")
    session.add(team)
    session.flush()
    for user, cap, active in members:
        session.add(TeamMember(team_id=team.id, user_id=user.id, max_open_tickets=cap, active=active))
    rule = session.execute(sa.select(AssignmentRule).filter_by(category=category)).scalar_one()
    rule.team_id = team.id
    session.flush()
    session.expire(team)
    return team


def test_numbers_are_sequential_and_formatted(scoped):
    first, _ = _file(scoped)
    second, _ = _file(scoped)
    assert first.number.startswith("TKT-") and len(first.number) == 10
    assert int(second.number[4:]) == int(first.number[4:]) + 1


def test_round_robin_skips_inactive_and_capped_agents(scoped, create_user):
    a, b, c, d = create_user(), create_user(), create_user(), create_user(active=False)
    _team_for(scoped, "akun", [(a, None, True), (b, 1, True), (c, None, False), (d, None, True)])
    assignees = [_file(scoped, category="akun")[0].assignee_id for _ in range(4)]
    # b takes one ticket then is at the cap; c is inactive in the team; d's account is inactive.
    assert assignees == [a.id, b.id, a.id, a.id]


def test_nobody_eligible_leaves_ticket_unassigned(scoped, create_user):
    a = create_user()
    _team_for(scoped, "lainnya", [(a, None, False)])
    ticket, _ = _file(scoped, category="lainnya")
    assert ticket.assignee_id is None


def test_manual_assignment_wins_and_is_notified(scoped, create_user):
    a, b = create_user(), create_user()
    _team_for(scoped, "fitur", [(a, None, True)])
    ticket, _ = _file(scoped, category="fitur")
    assert ticket.assignee_id == a.id
    before = bell.unread_count(b)
    mails = services.assign(ticket, b.id, actor=a)
    assert ticket.assignee_id == b.id
    assert bell.unread_count(b) == before + 1
    assert [m.to for m in mails] == [b.email]


def test_assigning_a_tenant_user_is_refused(scoped):
    ticket, _ = _file(scoped)
    try:
        services.assign(ticket, _owner(scoped).id, actor=None)
    except FieldError as error:
        assert "assignee" in error.errors
    else:
        raise AssertionError("a tenant user must not become the assignee")


def test_filing_confirms_to_the_client_by_bell_and_mail(scoped):
    owner = _owner(scoped)
    before = bell.unread_count(owner)
    ticket, mails = _file(scoped)
    assert bell.unread_count(owner) == before + 1
    assert owner.email in [m.to for m in mails]


def test_bad_input_writes_nothing(scoped):
    count = scoped.execute(sa.select(sa.func.count()).select_from(Ticket)).scalar_one()
    try:
        _file(scoped, title="  ", category="nope")
    except FieldError as error:
        assert set(error.errors) == {"title", "category"}
    assert scoped.execute(sa.select(sa.func.count()).select_from(Ticket)).scalar_one() == count


def test_gratitude_detection():
    assert services.is_gratitude_only("Terima kasih banyak, Pak!")
    assert services.is_gratitude_only("ok makasih 🙏")
    assert not services.is_gratitude_only("Terima kasih, tapi masih error")
    assert not services.is_gratitude_only("")


def test_thanks_on_finished_ticket_does_not_reopen(scoped, create_user):
    agent = create_user()
    ticket, _ = _file(scoped)
    services.set_status(ticket, agent, "selesai")
    services.client_reply(ticket, _owner(scoped), "Terima kasih banyak!")
    assert ticket.status == "selesai"
    services.client_reply(ticket, _owner(scoped), "Terima kasih!", reopen=True)
    assert ticket.status == "terbuka" and ticket.resolved_at is None


def test_real_problem_on_finished_ticket_reopens(scoped, create_user):
    ticket, _ = _file(scoped)
    services.set_status(ticket, create_user(), "selesai")
    services.client_reply(ticket, _owner(scoped), "Masih gagal mencetak")
    assert ticket.status == "terbuka"


def test_waiting_on_client_pauses_until_client_replies(scoped, create_user):
    agent = create_user()
    ticket, _ = _file(scoped)
    services.vendor_reply(ticket, agent, "Boleh kirim screenshot?")
    assert ticket.first_response_at is not None
    services.set_status(ticket, agent, "menunggu_klien")
    assert len(ticket.pauses) == 1 and ticket.pauses[0].ended_at is None
    services.client_reply(ticket, _owner(scoped), "Ini screenshotnya", files=[("a.png", b"\x89PNG\r\n\x1a\n..")])
    assert ticket.status == "dalam_proses" and ticket.pauses[0].ended_at is not None


def test_internal_notes_are_left_out_of_the_client_timeline(scoped, create_user):
    agent = create_user()
    ticket, _ = _file(scoped)
    services.add_note(ticket, agent, "rahasia internal", files=[("n.pdf", b"%PDF-1.4 x")])
    services.vendor_reply(ticket, agent, "balasan publik")
    public = services.timeline(ticket, include_internal=False)
    assert [m.body for m in public] == ["balasan publik"]
    assert all(not m.internal for m in public)
    assert services.attachments(ticket, include_internal=False) == []
    assert len(services.attachments(ticket, include_internal=True)) == 1


def test_sla_clock_counts_business_hours_and_skips_pauses(scoped):
    # Mon 2 Feb 2026 09:00 WIB = 02:00 UTC; 4 business hours target; paused 10:00-12:00 WIB.
    calendar = BusinessCalendar()
    policy = SlaPolicy(priority="sedang", first_response_minutes=60, resolution_minutes=240)
    ticket = Ticket(created_at=datetime(2026, 2, 2, 2, 0), priority="sedang")
    ticket.pauses = [TicketPause(started_at=datetime(2026, 2, 2, 3, 0), ended_at=datetime(2026, 2, 2, 5, 0))]
    now = datetime(2026, 2, 2, 7, 0, tzinfo=UTC)  # 14:00 WIB
    clocks = ticket_clocks(ticket, calendar, policy, now)
    assert clocks.resolution.elapsed_seconds == 3 * 3600  # 09-10 and 12-14
    assert clocks.resolution.remaining_seconds == 3600
    assert clocks.response.breached  # 1 h target, no response yet
    assert clocks.state == "breached"


def test_sla_clock_skips_holidays_and_weekends(scoped):
    from datetime import date

    calendar = BusinessCalendar(holidays={date(2026, 1, 16)})  # Friday, Isra Mikraj
    policy = SlaPolicy(priority="rendah", first_response_minutes=540, resolution_minutes=1080)
    ticket = Ticket(created_at=datetime(2026, 1, 15, 9, 0), priority="rendah")  # Thu 16:00 WIB
    ticket.pauses = []
    clocks = ticket_clocks(ticket, calendar, policy, datetime(2026, 1, 19, 3, 0, tzinfo=UTC))  # Mon 10:00 WIB
    assert clocks.response.elapsed_seconds == 3 * 3600  # Thu 16-17, Mon 08-10


def test_breach_check_flags_once_and_notifies_assignee_and_admins(scoped, create_user):
    agent = create_user()
    admin = scoped.execute(sa.select(TenantUser).filter_by(email="admin@vendor.test")).scalar_one()
    ticket, _ = _file(scoped, priority="tinggi")
    services.assign(ticket, agent.id, actor=None)
    ticket.created_at = ticket.created_at - timedelta(days=30)
    scoped.flush()
    agent_before, admin_before = bell.unread_count(agent), bell.unread_count(admin)
    now = datetime.now(UTC)
    assert ticket in check_breaches(now)
    assert ticket.response_breached_at is not None and ticket.resolution_breached_at is not None
    assert ticket not in check_breaches(now)
    assert bell.unread_count(agent) == agent_before + 1
    assert bell.unread_count(admin) == admin_before + 1


def test_agent_cap_counts_open_tickets_of_every_client(app):
    """A client's request must see the agent's whole load, not only its own tickets."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.helpdesk.models import Ticket
    from app.helpdesk.services import OPEN_STATUSES, open_ticket_counts
    from app.tenancy.context import all_tenants, tenant_scope
    from app.tenancy.services import tenant_by_slug

    with app.app_context():
        with all_tenants():
            demo = tenant_by_slug("demo").id
            everywhere = dict(
                db.session.execute(
                    sa.select(Ticket.assignee_id, sa.func.count())
                    .where(Ticket.assignee_id.is_not(None), Ticket.status.in_(OPEN_STATUSES))
                    .group_by(Ticket.assignee_id)
                ).all()
            )
        with tenant_scope(demo):
            assert open_ticket_counts(everywhere.keys()) == everywhere


def test_only_staff_whose_role_works_tickets_are_offered_and_chosen(scoped, create_user):
    """Finance got a ticket it could not open (403): neither the rules nor a person can give it one now."""
    support, finance = create_user(role="Vendor Support"), create_user(role="Vendor Finance")
    _team_for(scoped, "pembayaran", [(finance, None, True), (support, None, True)])
    assignees = {_file(scoped, category="pembayaran")[0].assignee_id for _ in range(3)}
    assert assignees == {support.id}
    offered = {agent.id for agent in services.vendor_agents()}
    assert support.id in offered and finance.id not in offered
    ticket, _ = _file(scoped)
    try:
        services.assign(ticket, finance.id, actor=None)
    except FieldError as error:
        assert "assignee" in error.errors
    else:
        raise AssertionError("a role that cannot work tickets must not get one")
