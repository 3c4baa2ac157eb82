"""The helpdesk journey in headless Chromium, two people at once: the owner of the demo tenant files
a ticket with a screenshot; Support sees it in the bell, finds it auto-assigned to them, writes an
internal note and a reply and closes it (Selesai); the owner sees the reply and the status, never the note."""

import contextlib
import uuid

import pytest

from tests.support.browser import sign_in as sign_in_page

pytestmark = pytest.mark.browser

OWNER = "owner@demo.test"
SUPPORT = "support@vendor.test"


def png(path):
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 30, 30)).save(path, format="PNG")
    return path


@contextlib.contextmanager
def support_is_next(app):
    """Round robin in the seeded team ("Tim Dukungan": admin and support) picks support next, uncapped."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.helpdesk.models import AssignmentRule, Team, TeamMember
    from app.security.models import TenantUser

    with app.app_context():
        support = db.session.execute(sa.select(TenantUser).filter_by(email=SUPPORT)).scalar_one()
        rule = db.session.execute(sa.select(AssignmentRule).filter_by(category="bug")).scalar_one()
        team = db.session.get(Team, rule.team_id)
        member = db.session.execute(sa.select(TeamMember).filter_by(team_id=team.id, user_id=support.id)).scalar_one()
        assert member.active and support.active
        before = db.session.execute(sa.select(sa.func.max(TenantUser.id)).where(TenantUser.id < support.id))
        cap = member.max_open_tickets
        team.last_assigned_id = before.scalar_one()  # pick_agent takes the first eligible id above it
        member.max_open_tickets = None
        db.session.commit()
        try:
            yield team.name
        finally:
            member = db.session.get(TeamMember, member.id)
            member.max_open_tickets = cap
            db.session.commit()


def sign_in(browser, base, email):
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    sign_in_page(page, base, email)
    return context, page


def test_ticket_with_attachment_is_answered_and_closed_without_leaking_the_note(app, browser, live_server, tmp_path):
    tenant_base = f"http://demo.localhost:{live_server}"
    vendor_base = f"http://localhost:{live_server}"
    tag = uuid.uuid4().hex[:8]
    title, note, reply = f"Label tidak tercetak {tag}", f"Catatan internal {tag}", f"Sudah kami perbaiki {tag}"
    screenshot = png(tmp_path / f"layar-{tag}.png")

    with support_is_next(app):
        owner_context, owner = sign_in(browser, tenant_base, OWNER)
        owner.goto(f"{tenant_base}/bantuan/tickets/new")
        owner.fill("#title", title)
        owner.select_option("#category", "bug")
        owner.select_option("#priority", "tinggi")
        owner.fill("#description", "Tombol cetak label tidak merespons sejak pagi.")
        owner.set_input_files("#attachments", str(screenshot))
        owner.click("#submit-ticket")
        owner.wait_for_url(f"{tenant_base}/bantuan/tickets/*")
    ticket_id = owner.url.rstrip("/").rsplit("/", 1)[1]
    number = owner.inner_text("#ticket-number")
    assert number in owner.inner_text(".alert-success")
    assert "Terbuka" in owner.inner_text(".ticket-status")
    assert screenshot.name in owner.inner_text("body")

    support_context, support = sign_in(browser, vendor_base, SUPPORT)
    support.click("#bell .dropdown-toggle")
    item = support.locator("#bell-menu .bell-item", has_text=number).first
    item.wait_for()
    with support.expect_navigation():
        item.click()
    assert number in support.inner_text("#notification-title")
    with support.expect_navigation():
        support.click(f"a.btn-primary[href$='/vendor/tickets/{ticket_id}']")
    assert title in support.inner_text("h2")
    assert support.inner_text("#assignee").strip() == "Support Vendor"
    assert "otomatis" in support.inner_text(".ticket-timeline")  # "Ditugaskan ke Support Vendor otomatis"
    with support.expect_download() as download:
        support.click(f"a:has-text('{screenshot.name}')")
    assert download.value.suggested_filename == screenshot.name

    support.click("a[href='#note-tab']")
    support.fill("#note-body", note)
    with support.expect_navigation():
        support.click("#add-note")
    assert note in support.inner_text(".internal-note")
    support.fill("#reply-body", reply)
    with support.expect_navigation():
        support.click("#send-reply")
    support.select_option("#status-form select[name=status]", "selesai")
    with support.expect_navigation():
        support.click("#save-status")
    assert "Selesai" in support.inner_text(".ticket-status")
    assert reply in support.inner_text(".ticket-timeline")

    owner.goto(f"{tenant_base}/bantuan/tickets/{ticket_id}")
    assert "Selesai" in owner.inner_text(".ticket-status")
    conversation = owner.inner_text("body")
    assert reply in conversation
    assert note not in conversation and "Catatan internal" not in conversation
    assert owner.locator(".internal-note").count() == 0
    assert owner.locator(f"text=Sudah kami perbaiki {tag}").count() == 1
    owner.goto(f"{tenant_base}/bantuan/tickets/")
    row = owner.locator("tr", has_text=number)
    assert "Selesai" in row.inner_text()

    assert owner.console_errors == [] and support.console_errors == []
    support_context.close()
    owner_context.close()
