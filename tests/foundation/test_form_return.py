"""Saving a form returns to where the user came from (the form's `next=`, else the page that opened it),
never to the home page, and never to another site."""

import uuid

ADMIN = "admin@vendor.test"
FORM = "/vendor/helpdesk/holidays/add"


def _holiday(day: int = 1):
    return {"day": f"2031-01-{day:02d}", "name": f"Libur {uuid.uuid4().hex[:6]}"}


def test_saving_returns_to_the_page_that_opened_the_form(db, client_as):
    admin = client_as(ADMIN)
    came_from = "http://localhost/vendor/helpdesk/calendar/list/"
    admin.get(FORM, headers={"Referer": came_from})
    answer = admin.post(FORM, data=_holiday())
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/vendor/helpdesk/calendar/list/")


def test_next_names_where_to_return_and_stays_on_this_site(db, client_as):
    admin = client_as(ADMIN)
    answer = admin.post(f"{FORM}?next=/billing/clients/%3Fstatus%3Doverdue", data=_holiday())
    assert answer.headers["Location"].endswith("/billing/clients/?status=overdue")
    for day, hostile in enumerate(("//evil.example/", "https://evil.example/", "/%5Cevil.example"), start=2):
        answer = admin.post(f"{FORM}?next={hostile}", data=_holiday(day))
        assert "evil" not in answer.headers["Location"], hostile


def test_without_any_history_saving_lands_on_the_list_not_the_home_page(db, app):
    from tests.conftest import login

    fresh = login(app, ADMIN)
    answer = fresh.post(FORM, data=_holiday())
    assert answer.headers["Location"].endswith("/vendor/helpdesk/holidays/list/")
