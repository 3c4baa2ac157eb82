"""Both dashboards in headless Chromium: the SVG charts are drawn with data, the live refresh
runs, and the page logs no console errors."""

import pytest

from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


def drawn_marks(page, selector: str) -> list[float]:
    """data-value of every mark in the chart; every non-zero one must have a visible size on screen."""
    marks = page.eval_on_selector_all(
        f"{selector} svg [data-value]",
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [parseFloat(e.dataset.value), r.width > 0 && r.height > 0]; })",
    )
    assert all(visible for value, visible in marks if value), marks
    return [value for value, _ in marks]


# A function, not an expression: Playwright evals a bare expression in the page, which the CSP refuses.
REFRESHED = "() => Number(document.getElementById('dashboard-updated').dataset.refreshed || 0) > 0"


def test_tenant_dashboard_draws_its_charts(page, live_server, tmp_path):
    base = f"http://demo.localhost:{live_server}"
    sign_in(page, base, "owner@demo.test")
    for chart in ("#chart-trend", "#chart-area", "#chart-status", "#chart-weight"):
        assert page.is_visible(f"{chart} svg"), chart
    assert len(drawn_marks(page, "#chart-trend")) == 7
    assert sum(drawn_marks(page, "#chart-weight")) > 0  # the seeded shipments of this month
    page.evaluate("window.dashboardRefresh()")
    page.wait_for_function(REFRESHED)
    with page.expect_navigation():
        page.click("#trend-switch a:nth-child(2)")
    assert len(drawn_marks(page, "#chart-trend")) == 12
    page.screenshot(path=str(tmp_path / "tenant-dashboard.png"), full_page=True)
    assert page.console_errors == []


def test_vendor_home_draws_the_growth_chart(page, live_server, tmp_path):
    base = f"http://localhost:{live_server}"
    sign_in(page, base, "admin@vendor.test")
    values = drawn_marks(page, "#chart-growth")
    assert len(values) == 12 and max(values) > 0
    assert page.is_visible("#recent-activity li")
    with page.expect_navigation():
        page.click("#growth-metric a:nth-child(2)")
    with page.expect_navigation():
        page.click("#growth-period a:nth-child(3)")
    assert len(drawn_marks(page, "#chart-growth")) == 5
    page.evaluate("window.dashboardRefresh()")
    page.wait_for_function(REFRESHED)
    page.screenshot(path=str(tmp_path / "vendor-home.png"), full_page=True)
    assert page.console_errors == []
