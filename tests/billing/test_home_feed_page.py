"""The home feed's "see all": the whole feed, newest first, a page at a time."""

import re

from app.billing.home import activity

ADMIN = "admin@vendor.test"


def test_home_links_to_the_whole_feed_and_it_pages(db, create_tenant, client_as, monkeypatch):
    monkeypatch.setattr(activity, "PAGE_SIZE", 3)
    for n in range(7):
        create_tenant(name=f"Klien Umpan {n}")
    admin = client_as(ADMIN)
    assert 'href="/vendor/home/activity"' in admin.get("/vendor/home/").get_data(as_text=True)
    first = admin.get("/vendor/home/activity").get_data(as_text=True)
    second = admin.get("/vendor/home/activity?page=2").get_data(as_text=True)
    shown = [re.findall(r"Klien Umpan (\d)", page) for page in (first, second)]
    assert shown == [["6", "5", "4"], ["3", "2", "1"]]
    assert "?page=2" in first and "?page=3" in second and "?page=1" in second
    assert admin.get("/vendor/home/activity?page=zz").status_code == 200


def test_a_viewer_sees_the_feed_without_what_its_role_cannot_open(client_as):
    page = client_as("viewer@vendor.test").get("/vendor/home/activity")
    assert page.status_code == 200 and 'id="activity-all-list"' in page.get_data(as_text=True)
    support = client_as("support@vendor.test").get("/vendor/home/activity").get_data(as_text=True)
    assert "/billing/invoices/" not in support  # support cannot open invoices: their payments are not listed
