"""Demo helpdesk data: vendor team, rules, SLA, calendar with 2026 holidays; tickets per tenant."""

from datetime import date, time

import sqlalchemy as sa

from app.core.names import SUPER_ADMIN
from app.extensions import db
from app.helpdesk import services
from app.helpdesk.models import (
    CATEGORIES,
    AssignmentRule,
    CalendarSettings,
    Holiday,
    SlaPolicy,
    Team,
    TeamMember,
    Ticket,
)
from app.security.models import TenantUser

TEAM_NAME = "Tim Dukungan"
AGENTS = ("admin@vendor.test", "support@vendor.test")
SLA = {"tinggi": (60, 540), "sedang": (240, 1620), "rendah": (480, 2700)}
# Indonesian national public holidays 2026 (SKB 3 Menteri); the admin maintains them in the UI.
HOLIDAYS_2026 = (
    (date(2026, 1, 1), "Tahun Baru Masehi"),
    (date(2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW"),
    (date(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili"),
    (date(2026, 3, 19), "Hari Suci Nyepi (Tahun Baru Saka 1948)"),
    (date(2026, 3, 21), "Idul Fitri 1447 H"),
    (date(2026, 3, 22), "Idul Fitri 1447 H"),
    (date(2026, 4, 3), "Wafat Yesus Kristus"),
    (date(2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)"),
    (date(2026, 5, 1), "Hari Buruh Internasional"),
    (date(2026, 5, 14), "Kenaikan Yesus Kristus"),
    (date(2026, 5, 27), "Idul Adha 1447 H"),
    (date(2026, 5, 31), "Hari Raya Waisak 2570 BE"),
    (date(2026, 6, 1), "Hari Lahir Pancasila"),
    (date(2026, 6, 16), "Tahun Baru Islam 1448 H"),
    (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
    (date(2026, 8, 25), "Maulid Nabi Muhammad SAW"),
    (date(2026, 12, 25), "Hari Raya Natal"),
)
DEMO_TICKETS = (
    ("Tidak bisa mencetak label resi", "bug", "tinggi", "terbuka"),
    ("Pertanyaan tentang tagihan bulan ini", "pembayaran", "sedang", "dalam_proses"),
    ("Mohon tambah akun kurir", "akun", "rendah", "menunggu_klien"),
    ("Usul: ekspor laporan ke PDF", "fitur", "rendah", "selesai"),
)


def _one(model, **where):
    return db.session.execute(sa.select(model).filter_by(**where)).scalar_one_or_none()


def seed_vendor_helpdesk() -> None:
    team = _one(Team, name=TEAM_NAME) or Team(name=TEAM_NAME)
    db.session.add(team)
    db.session.flush()
    for email in AGENTS:
        user = _one(TenantUser, email=email)
        if user is not None and _one(TeamMember, team_id=team.id, user_id=user.id) is None:
            db.session.add(TeamMember(team_id=team.id, user_id=user.id, max_open_tickets=20, active=True))
    for category in CATEGORIES:
        if _one(AssignmentRule, category=category) is None:
            db.session.add(AssignmentRule(category=category, team_id=team.id))
    for priority, (response, resolution) in SLA.items():
        if _one(SlaPolicy, priority=priority) is None:
            db.session.add(SlaPolicy(priority=priority, first_response_minutes=response, resolution_minutes=resolution))
    if db.session.execute(sa.select(CalendarSettings)).first() is None:
        db.session.add(CalendarSettings(workdays="0,1,2,3,4", open_time=time(8), close_time=time(17)))
    for day, name in HOLIDAYS_2026:
        if _one(Holiday, day=day) is None:
            db.session.add(Holiday(day=day, name=name))
    db.session.flush()


def seed_helpdesk(tenant, users_by_role) -> None:
    owner = users_by_role.get(SUPER_ADMIN)
    agent = _one(TenantUser, email=AGENTS[1])
    for title, category, priority, status in DEMO_TICKETS:
        if db.session.execute(sa.select(Ticket.id).filter_by(tenant_id=tenant.id, title=title)).first():
            continue
        ticket, _ = services.file_ticket(
            tenant,
            owner,
            title=title,
            category=category,
            priority=priority,
            description=f"{title}. Mohon dibantu, terima kasih.",
        )
        if status == "terbuka":
            continue
        services.add_note(ticket, agent, "Cek log server dulu sebelum membalas klien.")
        services.vendor_reply(ticket, agent, "Terima kasih, kami sedang memeriksa masalah ini.")
        services.set_status(ticket, agent, status)
        if status == "selesai":
            services.client_reply(ticket, owner, "Terima kasih banyak!")
    db.session.flush()
