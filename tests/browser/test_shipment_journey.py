"""The shipment journey in headless Chromium: the live weight calculator, select2 city pickers,
saving (Simpan) and the resi PDF, a status update, search; and the Archive (Arsipkan) path."""

import base64
import io
import os
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.support.browser import sign_in

pytestmark = pytest.mark.browser

ORIGIN = ("Jakarta Pusat", "Kota Administrasi Jakarta Pusat")
DESTINATION = ("Bandung", "Kota Bandung")
ITEMS = (
    # name, weight, quantity, length, width, height: volumetric weight wins
    ("Kardus pakaian", "2.5", "2", "40", "30", "20"),
    # actual weight wins
    ("Buku", "3.2", "1", "10", "10", "10"),
)
FETCH_BYTES = """async (url) => {
  const response = await fetch(url, {credentials: 'same-origin'});
  const bytes = new Uint8Array(await response.arrayBuffer());
  let binary = '';
  bytes.forEach((b) => { binary += String.fromCharCode(b); });
  return [response.headers.get('content-type'), btoa(binary)];
}"""


def kg(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") + " kg"


def rp(value: Decimal) -> str:
    return "Rp " + f"{int(value):,}".replace(",", ".")


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_lines(divisor: int) -> list[tuple[Decimal, Decimal]]:
    lines = []
    for _name, weight, quantity, length, width, height in ITEMS:
        volumetric = cents(Decimal(length) * Decimal(width) * Decimal(height) / divisor)
        lines.append((volumetric, cents(max(volumetric, Decimal(weight)) * int(quantity))))
    return lines


def shot(page, name: str) -> None:
    """Screenshots for a human look: SHOTS_DIR=/tmp/shots pytest tests/browser/test_shipment_journey.py"""
    if os.environ.get("SHOTS_DIR"):
        page.wait_for_timeout(400)  # let Bootstrap's fades finish
        page.screenshot(path=os.path.join(os.environ["SHOTS_DIR"], f"{name}.png"), full_page=True)


def choose_city(page, field: str, typed: str, label_start: str) -> None:
    """Like a user: open the select2 picker, type, click the matching result."""
    page.click(f"#{field} + .select2-container .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    search.type(typed, delay=20)
    option = page.locator(".select2-results__option", has_text=label_start).first
    option.wait_for()
    option.click()
    assert label_start in page.inner_text(f"#select2-{field}-container")


def add_item(page, name, weight, quantity, length, width, height, *, press_enter=False) -> None:
    page.fill("#item-name", name)
    page.fill("#item-weight", weight)
    page.fill("#item-quantity", quantity)
    page.fill("#item-length", length)
    page.fill("#item-width", width)
    page.fill("#item-height", height)
    if press_enter:  # Enter in the last field adds the item and does not submit the form
        page.press("#item-height", "Enter")
    else:
        page.click("#item-add")


def fill_party(page, who: str, name: str, phone: str, city: tuple[str, str]) -> None:
    page.fill(f"#{who}_name", name)
    page.fill(f"#{who}_phone", phone)
    page.fill(f"#{who}_address", f"Jl. Merdeka No. 1, {city[0]}")
    choose_city(page, f"{who}_city", city[0], city[1])


def test_admin_creates_two_item_shipment_prints_resi_updates_status_and_finds_it(page, live_server):
    base = f"http://demo.localhost:{live_server}"
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, base, "admin@demo.test")
    sender = f"Pengirim {uuid.uuid4().hex[:8]}"

    page.goto(f"{base}/shipments/")
    with page.expect_navigation():  # waits for "load": the calculator's script has drawn the table
        page.click("#btn-new-shipment")
    divisor = int(page.get_attribute("#shipment-form", "data-divisor"))
    lines = expected_lines(divisor)

    # the calculator is live: each added row shows its volumetric weight and line total
    assert page.locator("#items-empty").is_visible()
    for index, item in enumerate(ITEMS):
        add_item(page, *item, press_enter=index == 1)
        row = page.locator(f"#item-row-{index}")
        assert row.locator(".item-volumetric").inner_text() == kg(lines[index][0])
        assert row.locator(".item-total").inner_text() == kg(lines[index][1])
        assert page.inner_text("#total-weight") == kg(sum(line for _vol, line in lines[: index + 1]))
    total = sum(line for _vol, line in lines)
    assert page.locator("#items-table .item-row").count() == 2

    # an incomplete item is refused with a message, nothing added
    page.fill("#item-name", "Tanpa berat")
    page.click("#item-add")
    assert page.inner_text("#item-entry-error").strip()
    assert page.locator("#items-table .item-row").count() == 2
    page.fill("#item-name", "")
    assert page.inner_text("#item-entry-error").strip() == ""  # typing clears the message
    assert "/shipments/new" in page.url

    fill_party(page, "sender", sender, "081234567890", ORIGIN)
    fill_party(page, "receiver", "Penerima Uji", "+62 812-3456-7891", DESTINATION)
    page.wait_for_function("() => document.getElementById('price-per-kg').textContent.trim() !== '-'")
    price = Decimal(re.sub(r"\D", "", page.inner_text("#price-per-kg")))

    page.select_option("#discount_type", "percent")
    page.fill("#discount_value", "10")
    # the tenant's rounding turns the total into the chargeable weight (the demo tenant: exact)
    chargeable = Decimal(page.inner_text("#chargeable-weight").removesuffix(" kg").replace(".", "").replace(",", "."))
    assert chargeable >= total
    cost = int((price * chargeable).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    discount = int((Decimal(cost) * 10 / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    assert page.inner_text("#shipping-cost") == rp(Decimal(cost))
    assert page.inner_text("#discount-amount") == rp(Decimal(discount))
    assert page.inner_text("#total-cost") == rp(Decimal(cost - discount))
    page.check("#type-dropoff")
    page.select_option("#courier_id", index=1)
    courier = page.inner_text("#courier_id option:checked").strip()
    shot(page, "new-shipment")

    with page.expect_navigation():
        page.click("#btn-save")
    tracking = page.inner_text("#detail-tracking-number").strip()
    assert re.fullmatch(r"DMO10\d{5,}", tracking)
    # the server's numbers are the ones the calculator showed
    assert kg(total) in page.inner_text("#shipment-detail") and kg(chargeable) in page.inner_text("#shipment-detail")
    assert page.inner_text("#detail-total-cost") == rp(Decimal(cost - discount))
    assert courier in page.inner_text("#shipment-detail")
    detail_items = page.inner_text("#detail-items")
    for volumetric, line in lines:
        assert kg(volumetric) in detail_items and kg(line) in detail_items

    # Cetak Resi opens the PDF in a new tab; fetch it as that tab did (same cookies)
    with page.expect_popup() as popup_info:
        page.click("#btn-print-resi")
    resi_url = popup_info.value.url
    assert resi_url.endswith("/resi.pdf")
    popup_info.value.close()
    content_type, encoded = page.evaluate(FETCH_BYTES, resi_url)
    assert content_type.startswith("application/pdf")
    body = base64.b64decode(encoded)
    assert body.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert tracking in text

    # status update from the shipment's page
    page.click("#btn-update-status")
    page.wait_for_selector("#status-form")
    page.select_option("#status-select", "in_transit")
    in_transit = page.inner_text("#status-select option[value=in_transit]").strip()
    page.fill("#status-note", "Berangkat dari gudang")
    with page.expect_navigation():
        page.click("#btn-status-save")
    assert page.inner_text("#current-status") == in_transit
    shot(page, "status")
    assert "Berangkat dari gudang" in page.inner_text("#status-history")

    # found by the list's search box
    page.goto(f"{base}/shipments/")
    shot(page, "list")
    page.fill("#shipment-search", sender)
    with page.expect_navigation():
        page.press("#shipment-search", "Enter")
    rows = page.locator("#shipment-table tbody tr[data-id]")
    assert rows.count() == 1
    assert tracking in rows.first.inner_text() and in_transit in rows.first.inner_text()

    # the detail popup shows the items and the history
    rows.first.locator(".btn-view").click()
    page.wait_for_selector("#shipment-detail-modal #detail-items", state="visible")
    assert "Berangkat dari gudang" in page.inner_text("#shipment-detail-modal #detail-history")
    shot(page, "detail-popup")
    assert page.console_errors == []


REFUSED = "Failed to load resource: the server responded with a status of 422 (UNPROCESSABLE ENTITY)"
PHONE_ERROR = "Enter a valid Indonesian phone number, e.g. 0812 3456 7890."


def indonesian(app, msgid: str) -> str:
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("id"):
        return gettext(msgid)


def test_archive_then_issue_from_the_archive_tab(page, live_server, app):
    base = f"http://demo.localhost:{live_server}"
    sign_in(page, base, "admin@demo.test")
    receiver = f"Draf {uuid.uuid4().hex[:8]}"

    # the tariff form's city picker speaks the user's language too
    page.goto(f"{base}/tariffs/add")
    page.click("#origin + .select2-container .select2-selection")
    page.locator(".select2-container--open .select2-search__field").type("qqqzzz")
    message = page.locator(".select2-results__message")
    message.wait_for()
    assert message.inner_text() == indonesian(app, "No city found")
    page.keyboard.press("Escape")

    page.goto(f"{base}/shipments/new")
    add_item(page, "Dokumen", "0.5", "1", "30", "20", "2")
    fill_party(page, "sender", "Pengirim Arsip", "081298765432", ORIGIN)
    fill_party(page, "receiver", receiver, "12345", DESTINATION)

    # a wrong phone: the message sits under the field, in the user's language; nothing is saved
    with page.expect_navigation():
        page.click("#btn-save")
    error = page.locator(".form-group.has-error #error-receiver_phone")
    assert error.inner_text() == indonesian(app, PHONE_ERROR)
    assert page.locator("#items-table .item-row").count() == 1
    assert page.input_value("#receiver_name") == receiver
    page.fill("#receiver_phone", "085712345678")
    page.click("#btn-archive")
    page.wait_for_url(re.compile(r"tab=archive"))

    page.fill("#shipment-search", receiver)
    with page.expect_navigation():
        page.press("#shipment-search", "Enter")
    row = page.locator("#shipment-table tbody tr[data-id]")
    assert row.count() == 1 and "—" in row.first.locator(".col-tracking").inner_text()

    with page.expect_navigation():
        row.first.locator(".btn-edit").click()
    assert page.locator("#items-table .item-row").count() == 1
    assert "Kota Bandung" in page.inner_text("#select2-receiver_city-container")
    with page.expect_navigation():
        page.click("#btn-save")
    assert re.fullmatch(r"DMO10\d{5,}", page.inner_text("#detail-tracking-number").strip())

    page.goto(f"{base}/shipments/?tab=archive&q={receiver}")
    assert page.locator("#shipment-table tbody tr[data-id]").count() == 0

    # deleted from the list, after the confirmation (dismissing it keeps the shipment)
    page.goto(f"{base}/shipments/?q={receiver}")
    rows = page.locator("#shipment-table tbody tr[data-id]")
    page.once("dialog", lambda dialog: dialog.dismiss())
    rows.first.locator(".btn-delete").click()
    assert rows.count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        rows.first.locator(".btn-delete").click()
    page.goto(f"{base}/shipments/?q={receiver}")
    assert page.locator("#shipment-table tbody tr[data-id]").count() == 0
    # the refused save answered 422 on purpose (Chromium logs any 4xx document); nothing else
    assert page.console_errors == [REFUSED]


def test_settings_page_previews_numbers_and_shows_tolerance_only_when_used(page, live_server):
    base = f"http://demo.localhost:{live_server}"
    sign_in(page, base, "owner@demo.test")
    page.goto(f"{base}/settings/")
    page.select_option("#rounding_mode", "exact")
    assert not page.locator("#rounding_tolerance").is_visible()
    page.select_option("#rounding_mode", "tolerance")
    assert page.locator("#rounding_tolerance").is_visible()
    page.fill("#tracking_prefix", "abc")
    page.fill("#start_number", "0099")
    assert page.inner_text("#tracking-preview") == "ABC0099, ABC0100, ABC0101"
    assert page.console_errors == []  # nothing saved: the demo tenant keeps its format
