"""Ticket screens through HTTP: tenant Bantuan, vendor list/detail/actions, attachments, stats, settings."""

import io
import re
import uuid

import sqlalchemy as sa

from tests.helpdesk.conftest import PDF, PNG


def _file_ticket(client, title=None, files=None, **fields):
    data = {
        "title": f"Resi error {uuid.uuid4().hex[:6]}" if title is None else title,
        "category": "bug",
        "priority": "sedang",
        "description": "Tidak bisa cetak resi",
        **fields,
    }
    if files:
        data["attachments"] = files
    return client.post("/bantuan/tickets/new", data=data, content_type="multipart/form-data")


def _ticket_id(response) -> int:
    return int(re.search(r"/bantuan/tickets/(\d+)", response.headers["Location"]).group(1))


def _ticket(app, ticket_id):
    from app.extensions import db
    from app.helpdesk.models import Ticket
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.expunge(ticket)
        return ticket


def test_tenant_files_ticket_with_attachment_and_sees_confirmation(client_as, app):
    owner = client_as("owner@demo.test")
    response = _file_ticket(owner, title="Label blank", files=[(io.BytesIO(PNG), "shot.png")])
    assert response.status_code == 302
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Label blank" in page and "TKT-" in page and "shot.png" in page
    assert "has been filed" in page
    ticket = _ticket(app, _ticket_id(response))
    assert ticket.assignee_id is not None  # auto-assigned by the seeded rule
    assert owner.get("/bantuan/tickets/").status_code == 200


def test_bad_ticket_input_is_rejected_with_messages(client_as):
    owner = client_as("owner@demo.test")
    response = _file_ticket(owner, title="", category="zzz")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Title is required." in page and "Choose a category." in page


def test_attachment_type_and_size_are_checked(client_as):
    owner = client_as("owner@demo.test")
    title = f"Exe {uuid.uuid4().hex[:6]}"
    response = _file_ticket(owner, title=title, files=[(io.BytesIO(b"MZ\x90\x00 not an image"), "virus.png")])
    assert response.status_code == 400 and "is not a PNG, JPEG or PDF file" in response.get_data(as_text=True)
    big = PDF + b"0" * (5 * 1024 * 1024)
    response = _file_ticket(owner, title=title, files=[(io.BytesIO(big), "big.pdf")])
    assert response.status_code == 400 and "larger than 5 MB" in response.get_data(as_text=True)
    assert title not in owner.get("/bantuan/tickets/").get_data(as_text=True)


def test_internal_note_never_reaches_the_tenant(client_as):
    owner, support = client_as("owner@demo.test"), client_as("support@vendor.test")
    ticket_id = _ticket_id(_file_ticket(owner))
    secret = f"catatan-rahasia-{uuid.uuid4().hex[:6]}"
    assert (
        support.post(
            f"/vendor/tickets/{ticket_id}/note",
            data={"body": secret, "attachments": [(io.BytesIO(PDF), "internal.pdf")]},
            content_type="multipart/form-data",
        ).status_code
        == 302
    )
    assert support.post(f"/vendor/tickets/{ticket_id}/reply", data={"body": "Sudah kami cek"}).status_code == 302
    assert (
        support.post(
            f"/vendor/tickets/{ticket_id}/status", data={"status": "selesai", "priority": "sedang"}
        ).status_code
        == 302
    )
    vendor_page = support.get(f"/vendor/tickets/{ticket_id}").get_data(as_text=True)
    assert secret in vendor_page and "internal-note" in vendor_page
    tenant_page = owner.get(f"/bantuan/tickets/{ticket_id}").get_data(as_text=True)
    assert "Sudah kami cek" in tenant_page and "Done" in tenant_page or "Selesai" in tenant_page
    assert secret not in tenant_page and "internal.pdf" not in tenant_page


def test_internal_attachment_download_is_refused_to_tenant(client_as, app):
    from app.extensions import db
    from app.helpdesk.models import TicketAttachment
    from app.tenancy.context import all_tenants

    owner, support = client_as("owner@demo.test"), client_as("support@vendor.test")
    ticket_id = _ticket_id(_file_ticket(owner, files=[(io.BytesIO(PNG), "public.png")]))
    support.post(
        f"/vendor/tickets/{ticket_id}/note",
        data={"body": "n", "attachments": [(io.BytesIO(PDF), "int.pdf")]},
        content_type="multipart/form-data",
    )
    with app.app_context(), all_tenants():
        rows = {
            a.filename: a.id
            for a in db.session.execute(sa.select(TicketAttachment).filter_by(ticket_id=ticket_id)).scalars()
        }
    assert owner.get(f"/bantuan/attachments/{rows['public.png']}").data == PNG
    assert owner.get(f"/bantuan/attachments/{rows['int.pdf']}").status_code == 404
    assert support.get(f"/vendor/tickets/attachments/{rows['int.pdf']}").data == PDF
    other = client_as("owner@contoh.test")
    assert other.get(f"/bantuan/attachments/{rows['public.png']}").status_code == 404
    assert other.get(f"/bantuan/tickets/{ticket_id}").status_code == 404


def test_vendor_reply_notifies_client_and_thanks_does_not_reopen(client_as, app):
    owner, support = client_as("owner@demo.test"), client_as("support@vendor.test")
    ticket_id = _ticket_id(_file_ticket(owner))
    before = owner.get("/notifications/summary").json["unread"]
    support.post(f"/vendor/tickets/{ticket_id}/reply", data={"body": "Sudah diperbaiki"})
    support.post(f"/vendor/tickets/{ticket_id}/status", data={"status": "selesai", "priority": "sedang"})
    assert owner.get("/notifications/summary").json["unread"] == before + 2
    owner.post(f"/bantuan/tickets/{ticket_id}/reply", data={"body": "Terima kasih!"})
    assert _ticket(app, ticket_id).status == "selesai"
    owner.post(f"/bantuan/tickets/{ticket_id}/reply", data={"body": "Oke", "reopen": "y"})
    assert _ticket(app, ticket_id).status == "terbuka"


def test_empty_reply_is_refused(client_as, app):
    owner = client_as("owner@demo.test")
    ticket_id = _ticket_id(_file_ticket(owner))
    response = owner.post(f"/bantuan/tickets/{ticket_id}/reply", data={"body": "  "}, follow_redirects=True)
    assert "Write a message." in response.get_data(as_text=True)


def test_vendor_assignment_and_bad_values(client_as, app):
    from app.extensions import db
    from app.security.models import TenantUser

    owner, support = client_as("owner@demo.test"), client_as("support@vendor.test")
    ticket_id = _ticket_id(_file_ticket(owner))
    with app.app_context():
        admin_id = db.session.execute(sa.select(TenantUser.id).filter_by(email="admin@vendor.test")).scalar_one()
        owner_id = db.session.execute(sa.select(TenantUser.id).filter_by(email="owner@demo.test")).scalar_one()
    support.post(f"/vendor/tickets/{ticket_id}/assign", data={"assignee": str(admin_id)})
    assert _ticket(app, ticket_id).assignee_id == admin_id
    page = support.post(
        f"/vendor/tickets/{ticket_id}/assign", data={"assignee": str(owner_id)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Choose an active vendor staff member." in page
    assert support.post(f"/vendor/tickets/{ticket_id}/assign", data={"assignee": "abc"}).status_code == 302
    page = support.post(
        f"/vendor/tickets/{ticket_id}/status", data={"status": "bogus", "priority": "sedang"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Choose a status." in page
    assert _ticket(app, ticket_id).assignee_id == admin_id and _ticket(app, ticket_id).status == "terbuka"


def test_vendor_list_search_filters_sort_and_pages(client_as):
    support = client_as("support@vendor.test")
    page = support.get("/vendor/tickets/").get_data(as_text=True)
    assert "PT Demo Kirim Cepat" in page and "CV Contoh Kargo" in page
    page = support.get("/vendor/tickets/?q=contoh").get_data(as_text=True)
    assert "CV Contoh Kargo" in page and "PT Demo Kirim Cepat" not in page
    page = support.get("/vendor/tickets/?q=TKT-000001").get_data(as_text=True)
    assert "TKT-000001" in page and "TKT-000002<" not in page
    page = support.get("/vendor/tickets/?status=menunggu_klien&sort=priority").get_data(as_text=True)
    assert "Mohon tambah akun kurir" in page and "Tidak bisa mencetak label resi" not in page
    for query in ("?page=999", "?page=abc", "?status=x&priority=y&assignee=z&sort=w", "?assignee=none"):
        assert support.get("/vendor/tickets/" + query).status_code == 200


def test_vendor_detail_shows_sla_and_client_context(client_as):
    support = client_as("support@vendor.test")
    page = support.get("/vendor/tickets/?q=TKT-000001").get_data(as_text=True)
    ticket_id = re.search(r"/vendor/tickets/(\d+)", page).group(1)
    detail = support.get(f"/vendor/tickets/{ticket_id}").get_data(as_text=True)
    assert 'id="sla-clocks"' in detail and 'id="client-context"' in detail
    assert "Unpaid invoices" in detail or "Tagihan" in detail
    assert support.get("/vendor/tickets/999999").status_code == 404


def test_tenants_cannot_reach_vendor_screens_and_vice_versa(client_as):
    owner, support = client_as("owner@demo.test"), client_as("support@vendor.test")
    for path in ("/vendor/tickets/", "/vendor/ticket-stats/", "/vendor/helpdesk/sla/list/", "/vendor/notifications/"):
        assert owner.get(path).status_code == 403
    assert support.get("/bantuan/tickets/").status_code == 403


def test_viewer_can_read_but_not_file(client_as):
    viewer = client_as("viewer@demo.test")
    assert viewer.get("/bantuan/tickets/").status_code == 200
    assert _file_ticket(viewer).status_code == 403


def test_statistics_page(client_as):
    support = client_as("support@vendor.test")
    page = support.get("/vendor/ticket-stats/").get_data(as_text=True)
    assert "<svg" in page and 'id="status-share"' in page
    assert int(re.search(r'id="stat-total">(\d+)<', page).group(1)) >= 8
    for query in (
        "?bucket=week",
        "?bucket=month&category=bug",
        "?start=2026-13-01",
        "?start=2027-01-01&end=2026-01-01",
        "?agent=1&bucket=zzz",
    ):
        assert support.get("/vendor/ticket-stats/" + query).status_code == 200


def test_settings_screens_list_and_validate(client_as):
    admin = client_as("admin@vendor.test")
    for path in ("teams", "members", "rules", "sla", "calendar", "holidays"):
        assert admin.get(f"/vendor/helpdesk/{path}/list/").status_code == 200, path
    response = admin.post(
        "/vendor/helpdesk/sla/add",
        data={"priority": "tinggi", "first_response_minutes": "-5", "resolution_minutes": "x"},
    )
    assert (
        response.status_code == 200
        and "Number must be" in response.get_data(as_text=True)
        or "Not a valid" in response.get_data(as_text=True)
    )
    response = admin.post(
        "/vendor/helpdesk/calendar/add",
        data={"workdays": ["0", "1"], "open_time": "17:00", "close_time": "08:00"},
        follow_redirects=True,
    )
    assert "Opening time must be earlier than closing time." in response.get_data(as_text=True)
    response = admin.post(
        "/vendor/helpdesk/holidays/add", data={"day": "2026-12-31", "name": f"Cuti {uuid.uuid4().hex[:4]}"}
    )
    assert response.status_code == 302
    support = client_as("support@vendor.test")
    assert support.get("/vendor/helpdesk/holidays/list/").status_code == 200
    assert support.post("/vendor/helpdesk/holidays/add", data={"day": "2026-12-30", "name": "x"}).status_code == 403


def test_a_second_rule_for_a_category_is_a_field_message_not_a_database_error(client_as, app):
    import sqlalchemy as sa

    from app.extensions import db
    from app.helpdesk.models import AssignmentRule, Team

    with app.app_context():
        team_id = db.session.execute(sa.select(Team.id).order_by(Team.id)).scalars().first()
        before = db.session.execute(sa.select(sa.func.count()).select_from(AssignmentRule)).scalar_one()
    admin = client_as("admin@vendor.test")
    answer = admin.post("/vendor/helpdesk/rules/add", data={"category": "bug", "team": str(team_id)})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "IntegrityError" not in page and "duplicate key" not in page
    assert "already has a rule" in page or "sudah memiliki aturan" in page
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(AssignmentRule)).scalar_one() == before
