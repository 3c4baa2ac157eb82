"""Finance in headless Chromium: every finance screen for each role at desk and phone width (no raw
codes on screen; screenshots in /tmp/shots/finance/), and the journey: a Kurir on a 390 px phone files
a fuel expense with a photo from its delivery page, the Super Admin approves it and marks three shipments
paid, and the cash balance, the report's closing balance and its cash-flow bars move by exactly those amounts."""

import re
from pathlib import Path

import pytest

from tests.browser.test_helpdesk_journey import png, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/finance")
PAGES = (
    "/courier/",
    "/finance/entries/",
    "/finance/payments/",
    "/finance/requests/",
    "/finance/approvals/",
    "/finance/entries/new",
    "/finance/requests/new",
    "/finance/receivables/",
    "/finance/receivables/new",
    "/finance/report/",
)
ROLES = ("owner", "admin", "kurir", "viewer")
RAW = re.compile(r"\b(None|bahan_bakar|gaji_kurir|income|expense|pending|approved|rejected)\b")


def _rupiah(text: str) -> int:
    return int(re.sub(r"[^\d-]", "", text))


def _today_in_report(page, base: str) -> tuple[int, int, int]:
    """The report's (default: the last 30 days per day) closing balance and today's cash-in and cash-out bars."""
    from app.core.formatting import jakarta_today

    page.goto(f"{base}/finance/report/")
    label = jakarta_today().strftime("%d/%m")

    def bar(css: str) -> int:
        found = page.locator(f'svg.{css} rect[data-label="{label}"]')
        return int(float(found.get_attribute("data-value"))) if found.count() else 0

    return _rupiah(page.inner_text("#closing")), bar("cash-in"), bar("cash-out")


@pytest.mark.parametrize("role", ROLES)
def test_every_finance_screen_reads_as_words_for_each_role(browser, live_server, role):
    base = f"http://demo.localhost:{live_server}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = sign_in(browser, base, f"{role}@demo.test")
    try:
        for width, height in ((1366, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            for path in PAGES:
                response = page.goto(base + path)
                if response.status == 403:
                    continue
                assert response.status == 200, (role, path)
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(SHOTS / f"{role}-{width}-{name}.png"), full_page=True)
                shown = page.inner_text("#page-content, .container, body")
                assert not RAW.search(shown), (role, path, RAW.search(shown).group(0))
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert width > 400 or overflow <= 0, (role, path, overflow)  # on a phone: no sideways scrolling
        assert not [error for error in page.console_errors if "403" not in error]  # the refused pages' own 403s
    finally:
        context.close()


def test_kurir_fuel_expense_approved_and_three_shipments_paid_move_the_balance(browser, live_server, tmp_path):
    base = f"http://demo.localhost:{live_server}"
    owner_context, owner = sign_in(browser, base, "owner@demo.test")
    kurir_context, kurir = sign_in(browser, base, "kurir@demo.test")
    try:
        owner.goto(f"{base}/finance/entries/")
        before = _rupiah(owner.inner_text("#cash-balance"))
        report_before = _today_in_report(owner, base)

        kurir.set_viewport_size({"width": 390, "height": 844})
        kurir.goto(f"{base}/courier/")
        kurir.click("#courier-new-expense")
        kurir.wait_for_url(f"{base}/finance/requests/new")
        kurir.fill("#amount", "87.500")
        kurir.select_option("#category", "bahan_bakar")
        kurir.select_option("#method", "tunai")
        kurir.fill("#description", "BBM motor antar Bekasi")
        kurir.set_input_files("#proof", str(png(tmp_path / "struk.png")))
        assert kurir.evaluate("document.documentElement.scrollWidth") <= 390
        kurir.click("#btn-request-save")
        kurir.wait_for_url(f"{base}/finance/requests/")
        assert "Rp 87.500" in kurir.inner_text("#request-list")
        kurir.screenshot(path=str(SHOTS / "journey-kurir-390-request-sent.png"), full_page=True)

        owner.goto(f"{base}/finance/approvals/")
        row = owner.locator(".approval-row", has_text="BBM motor antar Bekasi")
        request_id = row.get_attribute("data-id")
        owner.click(f"#btn-approve-{request_id}")
        owner.wait_for_url(f"{base}/finance/approvals/")
        assert "BBM motor antar Bekasi" not in owner.inner_text("#approval-table")

        owner.goto(f"{base}/finance/payments/?state=unpaid")
        rows = owner.locator(".payment-row")
        totals = []
        for index in range(3):
            row = rows.nth(index)
            row.locator("input.pick").check()
            totals.append(_rupiah(row.locator("td.text-right").inner_text()))
        owner.click("#btn-mark-paid")
        owner.wait_for_load_state()
        assert "3 kiriman ditandai lunas" in owner.inner_text("body")
        owner.screenshot(path=str(SHOTS / "journey-owner-1366-marked.png"), full_page=True)

        owner.goto(f"{base}/finance/entries/")
        after = _rupiah(owner.inner_text("#cash-balance"))
        assert after - before == sum(totals) - 87_500
        closing, cash_in, cash_out = (a - b for a, b in zip(_today_in_report(owner, base), report_before, strict=True))
        assert (closing, cash_in, cash_out) == (sum(totals) - 87_500, sum(totals), 87_500)
        owner.screenshot(path=str(SHOTS / "journey-owner-1366-report.png"), full_page=True)
        kurir.goto(f"{base}/finance/requests/")
        assert "Disetujui" in kurir.locator(".request-row", has_text="BBM motor antar Bekasi").inner_text()
    finally:
        owner_context.close()
        kurir_context.close()
