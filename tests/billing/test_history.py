"""The client's history timeline: billing entries, its tickets (filed, status changes) and the notifications
it received, each linking to its page, newest first; a role sees only entries whose pages it may open."""

import re
import uuid

import sqlalchemy as sa

ADMIN = "admin@vendor.test"


def _history(page: str) -> str:
    return page.split('id="history"', 1)[1]


def _client_events(app, slug):
    """A fresh ticket moved to In Progress, a broadcast to just this client and a system notification."""
    from app.extensions import db
    from app.helpdesk import services as helpdesk
    from app.notifications import services as notifications
    from app.security.models import TenantUser
    from app.tenancy.context import all_tenants
    from app.tenancy.services import tenant_by_slug

    tag = uuid.uuid4().hex[:6]
    with app.app_context(), all_tenants():
        client = tenant_by_slug(slug)
        owner = db.session.execute(sa.select(TenantUser).filter_by(email=f"owner@{slug}.test")).scalar_one()
        admin = db.session.execute(sa.select(TenantUser).filter_by(email=ADMIN)).scalar_one()
        ticket, _mails = helpdesk.file_ticket(
            client, owner, title=f"Label tidak tercetak {tag}", description="Printer diam saja.", category="bug"
        )
        db.session.commit()  # filed by the client, moved on later by the vendor: two requests
        helpdesk.set_status(ticket, admin, "dalam_proses")
        broadcast = notifications.compose(
            title=f"Pengingat pembayaran {tag}",
            body="Tagihan Anda jatuh tempo.",
            type_="pengingat_pembayaran",
            target="chosen",
            client_type=None,
            tenant_ids=[client.id],
            created_by=admin,
        )
        notifications.fan_out(broadcast.id)
        system = notifications.notify_tenant(client.id, title=f"Langganan berakhir {tag}", body="-", link="/")
        db.session.commit()
        return {
            "client": client.id,
            "ticket": ticket.id,
            "number": ticket.number,
            "broadcast": broadcast.id,
            "system": system.id,
            "tag": tag,
        }


def test_timeline_shows_tickets_and_notifications_with_links(app, client_as):
    made = _client_events(app, "demo")
    history = _history(client_as(ADMIN).get(f"/billing/clients/{made['client']}").get_data(as_text=True))
    ticket_link = f'href="/vendor/tickets/{made["ticket"]}"'
    assert "Ticket filed" in history and "Ticket status changed" in history
    assert history.count(ticket_link) == 2  # filed + status change
    assert re.search(rf"{made['number']} Label tidak tercetak {made['tag']}: Open → In Progress", history)
    assert f'href="/vendor/notifications/{made["broadcast"]}">Pengingat pembayaran {made["tag"]}</a>' in history
    system = re.search(rf"Notification sent</b> ·\s*Langganan berakhir {made['tag']}", history)
    assert system, "a system notification is listed, without a vendor page to link to"
    newest_first = [history.index(f"Langganan berakhir {made['tag']}"), history.index(ticket_link)]
    assert newest_first == sorted(newest_first)


def test_timeline_keeps_billing_entries_and_leaves_out_noise(app, client_as, tenant):
    demo = tenant("demo")
    history = _history(client_as(ADMIN).get(f"/billing/clients/{demo.id}").get_data(as_text=True))
    assert "Invoice issued" in history and "Payment recorded" in history and "Credit note issued" in history
    assert 'href="/billing/invoices/' in history
    assert "Shipment" not in history and "login" not in history  # the tenant's own work is not client history


def test_roles_see_only_entries_they_may_open(app, client_as):
    made = _client_events(app, "contoh")
    finance = _history(client_as("finance@vendor.test").get(f"/billing/clients/{made['client']}").get_data(True))
    assert made["tag"] not in finance and "Invoice issued" in finance
    support = _history(client_as("support@vendor.test").get(f"/billing/clients/{made['client']}").get_data(True))
    assert f'href="/vendor/tickets/{made["ticket"]}"' in support and "Invoice issued" not in support
