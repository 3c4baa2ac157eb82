"""Uploads are judged by their content (app/core/uploads.py): stored and served with the detected type
and extension, never the name or Content-Type the browser sent; served with nosniff, and as a download
unless an image."""

import io
import uuid
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.core import uploads
from app.core.validation import FieldError

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
PDF = b"%PDF-1.4\n%test\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def _zip(**parts) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "kind", "mime", "extension"),
    [
        (PNG, "png", "image/png", "png"),
        (b"\xff\xd8\xff\xe0" + bytes(32), "jpeg", "image/jpeg", "jpg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(32), "webp", "image/webp", "webp"),
        (b"GIF89a" + bytes(32), "gif", "image/gif", "gif"),
        (PDF, "pdf", "application/pdf", "pdf"),
        (_xlsx(), "xlsx", uploads.XLSX_MIME, "xlsx"),
    ],
    ids=["png", "jpeg", "webp", "gif", "pdf", "xlsx"],
)
def test_detects_the_kind_from_the_bytes(content, kind, mime, extension):
    assert uploads.detect(content) == uploads.Detected(kind, mime, extension)


@pytest.mark.parametrize(
    "content",
    [HTML, b"", b"MZ\x90\x00" + bytes(64), b"PK\x03\x04garbage", _zip(**{"word/document.xml": "<w/>"})],
    ids=["html", "empty", "exe", "broken zip", "docx-like zip"],
)
def test_anything_else_is_refused(content):
    assert uploads.detect(content) is None
    with pytest.raises(FieldError) as refused:
        uploads.check(content, uploads.IMAGES, field="logo", message="no")
    assert (refused.value.field, refused.value.message) == ("logo", "no")


def test_html_renamed_logo_png_is_refused(client_as):
    owner = client_as("owner@demo.test")
    before = owner.get("/settings/logo")
    response = owner.post(
        "/settings/logo", data={"logo": (io.BytesIO(HTML), "logo.png", "image/png")}, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "must be a PNG or JPEG image" in response.get_data(as_text=True)
    after = owner.get("/settings/logo")
    assert (after.status_code, after.data) == (before.status_code, before.data)


def test_logo_is_served_as_the_detected_image(client_as):
    owner = client_as("owner@contoh.test")
    response = owner.post(
        "/settings/logo",
        data={"logo": (io.BytesIO(PNG), "logo.html", "text/html")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    logo = owner.get("/settings/logo")
    assert logo.mimetype == "image/png" and logo.headers["X-Content-Type-Options"] == "nosniff"


def _attachment(app, ticket_title):
    from app.extensions import db
    from app.helpdesk.models import Ticket, TicketAttachment
    from app.tenancy.context import all_tenants

    with app.app_context(), all_tenants():
        return db.session.execute(
            sa.select(TicketAttachment.id, TicketAttachment.filename, TicketAttachment.stored_name)
            .join(Ticket, Ticket.id == TicketAttachment.ticket_id)
            .where(Ticket.title == ticket_title)
        ).one()


@pytest.mark.parametrize(
    ("content", "sent_as", "stored_as", "mime"),
    [(PNG, "report.exe", "report.png", "image/png"), (PDF, "invoice.html", "invoice.pdf", "application/pdf")],
    ids=["png named .exe", "pdf named .html"],
)
def test_ticket_attachment_is_stored_and_served_as_what_it_is(client_as, app, content, sent_as, stored_as, mime):
    owner = client_as("owner@demo.test")
    title = f"Lampiran {uuid.uuid4().hex[:6]}"
    response = owner.post(
        "/bantuan/tickets/new",
        data={
            "title": title,
            "category": "bug",
            "priority": "sedang",
            "description": "lihat lampiran",
            "attachments": [(io.BytesIO(content), sent_as, "application/x-msdownload")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    pk, filename, stored_name = _attachment(app, title)
    assert filename == stored_as and stored_name.endswith("." + stored_as.rsplit(".", 1)[1])
    download = owner.get(f"/bantuan/attachments/{pk}")
    assert download.data == content and download.mimetype == mime
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert (
        stored_as in download.headers["Content-Disposition"] and sent_as not in download.headers["Content-Disposition"]
    )
