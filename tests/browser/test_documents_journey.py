"""Documents in Chromium, as admin@demo.test: filter the list, select 30 shipments, print them on A4
4-up, watch the progress bar, open the PDF (read back: 4 labels a page, exactly the selection); open a
label's QR URL signed out and see the timeline; the label preview at desktop and phone widths."""

import base64
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.test_shipment_journey import FETCH_BYTES, sign_in
from tests.documents.scan import scan_pages

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots/documents"))


@pytest.fixture(scope="module")
def documents_server(app, database_url, test_files):
    """Indonesian, CSRF on, jobs in threads (no Redis) so the print job finishes without a worker."""
    from app import create_app
    from tests.conftest import app_config

    served = create_app(app_config(database_url, None, test_files, BABEL_DEFAULT_LOCALE="id", WTF_CSRF_ENABLED=True))
    server = make_server("127.0.0.1", 0, served, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def watch_progress(page, timeout_s: float = 120) -> list[int]:
    """The bar's value from the moment the page shows it until the download link appears."""
    seen, waited = [], 0.0
    while True:
        seen.append(int(page.get_attribute("#label-job-bar", "aria-valuenow")))
        if page.locator("#label-job-download").count():
            return seen
        assert waited < timeout_s, f"no download link after {timeout_s} s: {seen}"
        page.wait_for_timeout(100)
        waited += 0.1


def open_pdf(context, page) -> bytes:
    """Click "Open the PDF": a new tab receives a PDF (headless Chromium hands it to its downloads, so its
    bytes are read again through the same link)."""
    with context.expect_page() as opened, context.expect_event("response", lambda r: "/download" in r.url) as answer:
        page.click("#label-job-download")
    assert answer.value.headers["content-type"] == "application/pdf"
    opened.value.close()
    content_type, body = page.evaluate(FETCH_BYTES, page.get_attribute("#label-job-download", "href"))
    assert content_type == "application/pdf"
    return base64.b64decode(body)


def test_print_thirty_labels_and_track_one_signed_out(browser, documents_server):
    base = f"http://demo.localhost:{documents_server}"
    context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, base, "admin@demo.test")
    page.goto(f"{base}/shipments/")
    for control, value in (("#filter-type", "pickup"), ("#per-page", "50")):  # the filters submit themselves
        with page.expect_navigation():
            page.select_option(control, value)
    assert "type=pickup" in page.url and "per_page=50" in page.url
    boxes = page.locator("#shipment-table .row-select")
    assert boxes.count() >= 30
    chosen = []
    for index in range(30):
        box = boxes.nth(index)
        box.check()
        row = page.locator(f"#shipment-row-{box.get_attribute('value')}")
        chosen.append(row.locator(".col-tracking").inner_text().strip())
    page.select_option("#label-print-size", "a4_4")
    shot(page, "list-selection-1366")
    with page.expect_navigation():
        page.click("#btn-print-labels")
    assert "/labels/job/" in page.url
    seen = watch_progress(page)
    assert seen[0] < 100 and seen[-1] == 100 and seen == sorted(seen), seen
    shot(page, "bulk-progress-done-1366")
    body = open_pdf(context, page)
    pages = scan_pages(body, keep=SHOTS / "bulk-a4-4up")
    barcodes = [[text for kind, text in codes if kind == "CODE-128"] for codes in pages]
    assert [len(codes) for codes in barcodes] == [4] * 7 + [2]
    assert sorted(sum(barcodes, [])) == sorted(chosen)
    qr_urls = [text for codes in pages for kind, text in codes if kind == "QR-Code"]
    assert sorted(qr_urls) == sorted(f"{base}/lacak/{number}" for number in chosen)
    scanned = qr_urls[0]

    assert errors == []
    context.close()

    # a customer scans the QR code: no sign-in, the timeline, names masked
    for width in (390, 1366):
        anon = browser.new_context(locale="id-ID", viewport={"width": width, "height": 800})
        visitor = anon.new_page()
        visitor.goto(scanned)
        assert visitor.locator("#tracking-timeline li").count() >= 1
        assert scanned.rsplit("/", 1)[1] in visitor.inner_text("#tracking-result")
        shot(visitor, f"tracking-{width}")
        anon.close()


def test_label_preview_shows_the_pdf(browser, documents_server):
    base = f"http://demo.localhost:{documents_server}"
    for width in (1366, 390):
        context = browser.new_context(locale="id-ID", viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, base, "admin@demo.test")
        page.goto(f"{base}/shipments/")
        row_id = page.locator("#shipment-table .row-select").first.get_attribute("value")
        page.goto(f"{base}/labels/{row_id}")
        page.select_option("#label-template", "detailed")
        page.select_option("#label-size", "thermal")
        with page.expect_navigation():
            page.click("#label-refresh")
        src = page.get_attribute("#label-preview", "src")
        assert "template=detailed" in src and "size=thermal" in src
        content_type, body = page.evaluate(FETCH_BYTES, src)
        assert content_type == "application/pdf"
        number = page.inner_text("#label-title").split()[-1]
        assert [kind for kind, text in scan_pages(base64.b64decode(body))[0] if text == number] == ["CODE-128"]
        page.wait_for_timeout(800)
        shot(page, f"label-preview-{width}")
        context.close()


def test_monthly_report_by_courier_links_to_the_list(browser, documents_server):
    base = f"http://demo.localhost:{documents_server}"
    for width in (1366, 390):
        context = browser.new_context(locale="id-ID", viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, base, "admin@demo.test")
        page.goto(f"{base}/reports/")
        page.select_option("#report-period", "month")
        page.select_option("#report-group", "courier")
        with page.expect_navigation():
            page.click("#report-show")
        assert page.locator("svg.report-chart rect").count() == page.locator("#report-table .report-row").count()
        shot(page, f"report-month-courier-{width}")
        context.close()
