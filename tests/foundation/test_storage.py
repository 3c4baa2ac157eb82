"""Stored files behind one interface, on the local folder and on S3 (a real S3 API: moto's server).

Each test runs on both backends: the app's storage is swapped for a fresh folder or a fresh bucket.
What a user notices: a job's output, a ticket attachment and a logo written by one process are read
back by another (the web), and only their owner gets them.
"""

import hashlib
import io

import pytest
import sqlalchemy as sa

from app.core import storage
from app.extensions import db
from app.jobs.queue import job
from app.tenancy.context import all_tenants
from app.tenancy.services import tenant_by_slug
from tests.support import servers
from tests.support.jobs import start_job, wait_for_job

PDF = b"%PDF-1.4\n%storage test\n"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def s3_endpoint():
    with servers.moto_s3_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["local", "s3"])
def backend(request, app, tmp_path, monkeypatch):
    """The app's file storage for this test: a new local folder, or a new bucket on the moto server."""
    if request.param == "local":
        chosen = storage.LocalStorage(str(tmp_path / "files"))
    else:
        config = servers.s3_app_config(request.getfixturevalue("s3_endpoint"), prefix="silog")
        chosen = storage.backend_from_config(config)
        assert isinstance(chosen, storage.S3Storage)
    monkeypatch.setitem(app.extensions, storage.EXTENSION_KEY, chosen)
    return chosen


def _raw_keys(chosen) -> set[str]:
    """What is really stored, read past the interface: files in the folder, objects in the bucket."""
    if isinstance(chosen, storage.LocalStorage):
        return {path.relative_to(chosen.root).as_posix() for path in chosen.root.rglob("*") if path.is_file()}
    listing = chosen.client.list_objects_v2(Bucket=chosen.bucket)
    return {item["Key"].removeprefix(chosen.prefix) for item in listing.get("Contents", [])}


def test_put_read_exists_delete_round_trip(app, backend):
    with app.app_context():
        assert storage.put("a/b/file.txt", b"first", "text/plain") == "a/b/file.txt"
        assert storage.exists("a/b/file.txt") and storage.read("a/b/file.txt") == b"first"
        storage.put("a/b/file.txt", io.BytesIO(b"second"), "text/plain")
        with storage.open("a/b/file.txt") as stream:
            assert stream.read() == b"second"
        assert _raw_keys(backend) == {"a/b/file.txt"}
        storage.delete("a/b/file.txt")
        assert not storage.exists("a/b/file.txt")
        storage.delete("a/b/file.txt")  # deleting what is gone is fine
        with pytest.raises(FileNotFoundError):
            storage.read("a/b/file.txt")
        with pytest.raises(FileNotFoundError):
            storage.read("a")  # a "folder" is no file
        for bad in ("/etc/passwd", "../outside", "a/../../b", "a//b", "a\\b", ""):
            with pytest.raises(storage.StorageKeyError):
                storage.put(bad, b"x", "text/plain")
            assert not storage.exists(bad)


def test_large_file_is_stored_and_streamed_in_pieces(app, backend, tmp_path):
    size = 12 * 1024 * 1024 + 5  # above boto3's 8 MB multipart threshold
    source = tmp_path / "big.bin"
    digest = hashlib.sha256()
    with source.open("wb") as out:
        for i in range(size // (1024 * 1024) + 1):
            block = bytes([i % 251]) * min(1024 * 1024, size - i * 1024 * 1024)
            out.write(block)
            digest.update(block)
    with app.test_request_context(), source.open("rb") as stream:
        storage.put("jobs/big/big.bin", stream, "application/octet-stream")
        response = storage.send("jobs/big/big.bin", "big.bin")
        assert response.status_code == 200 and response.is_streamed
        assert response.content_length == size
        assert response.headers["Content-Disposition"].startswith("attachment")
        received, pieces = hashlib.sha256(), 0
        for piece in response.response:
            received.update(piece)
            pieces += 1
        response.close()
    assert pieces > 1 and received.hexdigest() == digest.hexdigest()


def test_send_answers_404_for_a_missing_file_or_a_path(app, backend):
    from werkzeug.exceptions import NotFound

    with app.test_request_context():
        for key in ("nothing/here.pdf", "/etc/passwd", None):
            with pytest.raises(NotFound):
                storage.send(key, "x.pdf")


@job("documents")
def write_report(ctx, size: int) -> None:
    ctx.store_result("Laporan Mei.bin", bytes(range(256)) * (size // 256), "application/octet-stream")


def test_a_job_output_is_downloaded_by_its_owner_only(app, backend, client_as, monkeypatch):
    monkeypatch.setitem(app.extensions, "rq_queues", {})  # the job runs on a thread of this process
    run_id = start_job(app, "owner@demo.test", write_report, size=256 * 1024)
    owner = client_as("owner@demo.test")
    assert wait_for_job(owner, run_id) == {
        "id": run_id,
        "state": "done",
        "progress": 100,
        "message": None,
        "download": True,
    }
    with app.app_context(), all_tenants():
        from app.jobs.models import JobRun

        key = db.session.get(JobRun, run_id).result_path
    assert key.startswith(f"jobs/{run_id}/") and key in _raw_keys(backend)
    download = owner.get(f"/jobs/{run_id}/download")
    assert download.status_code == 200 and download.data == bytes(range(256)) * 1024
    assert download.headers["Content-Disposition"] == 'attachment; filename="Laporan Mei.bin"'
    for other in ("admin@demo.test", "owner@contoh.test", "admin@vendor.test"):
        assert client_as(other).get(f"/jobs/{run_id}/download").status_code == 404


def test_the_invoice_pdf_job_output_is_read_by_the_web(app, backend, client_as, monkeypatch):
    from app.billing.models import Invoice

    monkeypatch.setitem(app.extensions, "rq_queues", {})
    with app.app_context(), all_tenants():
        pk = db.session.execute(sa.select(Invoice.id).order_by(Invoice.id)).scalars().first()
    admin = client_as("admin@vendor.test")
    run_id = admin.post(f"/billing/invoices/{pk}/pdf").headers["Location"].split("pdf_job=")[1]
    assert wait_for_job(admin, run_id)["state"] == "done"
    assert any(key.startswith(f"jobs/{run_id}/") for key in _raw_keys(backend))
    download = admin.get(f"/jobs/{run_id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.mimetype == "application/pdf"


def test_a_ticket_attachment_is_stored_and_downloaded(app, backend, client_as):
    import re

    png = _png()
    owner = client_as("owner@demo.test")
    response = owner.post(
        "/bantuan/tickets/new",
        data={
            "title": "Lampiran di penyimpanan",
            "category": "bug",
            "priority": "sedang",
            "description": "Lihat lampiran",
            "attachments": [(io.BytesIO(png), "layar.png"), (io.BytesIO(PDF), "resi.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    ticket_id = int(re.search(r"/bantuan/tickets/(\d+)", response.headers["Location"]).group(1))
    from app.helpdesk.models import TicketAttachment

    with app.app_context(), all_tenants():
        rows = db.session.execute(
            sa.select(TicketAttachment.filename, TicketAttachment.id, TicketAttachment.stored_name).where(
                TicketAttachment.ticket_id == ticket_id
            )
        ).all()
    ids = {filename: row_id for filename, row_id, _stored in rows}
    assert {f"helpdesk/{stored}" for _name, _id, stored in rows} <= _raw_keys(backend)
    image = owner.get(f"/bantuan/attachments/{ids['layar.png']}")
    assert image.status_code == 200 and image.data == png and image.mimetype == "image/png"
    assert image.headers["Content-Disposition"].startswith("attachment")
    assert client_as("admin@vendor.test").get(f"/vendor/tickets/attachments/{ids['resi.pdf']}").data == PDF
    assert client_as("owner@contoh.test").get(f"/bantuan/attachments/{ids['layar.png']}").status_code == 404


def test_a_tenant_logo_is_stored_shown_and_printed_on_the_resi(app, backend, client_as):
    from pypdf import PdfReader

    from app.logistics.settings.models import TenantSettings
    from app.logistics.shipments.models import Shipment

    png = _png()
    owner = client_as("owner@demo.test")
    upload = owner.post(
        "/settings/logo", data={"logo": (io.BytesIO(png), "logo.png")}, content_type="multipart/form-data"
    )
    assert upload.status_code == 302
    with app.app_context(), all_tenants():
        tenant_id = tenant_by_slug("demo").id
        key = db.session.execute(
            sa.select(TenantSettings.logo_path).where(TenantSettings.tenant_id == tenant_id)
        ).scalar_one()
        shipment_id = (
            db.session.execute(
                sa.select(Shipment.id)
                .where(Shipment.tenant_id == tenant_id, Shipment.tracking_number.is_not(None))
                .order_by(Shipment.id)
            )
            .scalars()
            .first()
        )
    assert key == f"logos/{tenant_id}/logo.png" and key in _raw_keys(backend)
    logo = owner.get("/settings/logo")
    assert logo.status_code == 200 and logo.data == png and logo.mimetype == "image/png"
    resi = owner.get(f"/shipments/{shipment_id}/resi.pdf")
    assert resi.status_code == 200
    images = PdfReader(io.BytesIO(resi.data)).pages[0].images
    assert (40, 20) in [image.image.size for image in images]  # the logo, read from storage
    jpeg = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (8, 8)).save(jpeg, format="JPEG")
    owner.post(
        "/settings/logo", data={"logo": (io.BytesIO(jpeg.getvalue()), "l.jpg")}, content_type="multipart/form-data"
    )
    assert owner.get("/settings/logo").mimetype == "image/jpeg"
    assert f"logos/{tenant_id}/logo.png" not in _raw_keys(backend)  # the replaced logo is gone


def _flask_db(url: str, files, *args) -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        "DATABASE_URL": url,
        "FLASK_APP": "run.py",
        "APP_ENV": "development",  # a one-off command on a developer's machine: the development key
        "FILE_STORAGE_DIR": str(files),
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "db", *args], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_upgrade_turns_stored_absolute_paths_into_keys_the_app_reads(tmp_path, app):
    """Rows written before storage keys held absolute paths; after the upgrade the same files are found."""
    import sqlite3

    files = tmp_path / "files"
    (files / "7").mkdir(parents=True)
    (files / "7" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nlogo")
    url = f"sqlite:///{tmp_path / 'previous.db'}"
    _flask_db(url, files, "upgrade", "0014_numbers_periods")
    with sqlite3.connect(tmp_path / "previous.db") as connection:
        connection.execute(
            "INSERT INTO tenant (id, slug, name, client_type, status, joined_on, created_at, subscription_state)"
            " VALUES (7, 't', 'T', 'company', 'active', '2026-01-01', '2026-01-01', 'active')"
        )
        connection.execute(
            "INSERT INTO tenant_settings (tenant_id, tracking_prefix, tracking_padding, next_sequence, volume_divisor,"
            " rounding_mode, rounding_tolerance, minimum_weight, logo_path, updated_at)"
            " VALUES (7, 'T', 6, 1, 6000, 'exact', 0, 0, ?, '2026-01-01')",
            (f"{files}/7/logo.png",),
        )
        paths = {
            "r1": f"{files}/invoices/r1/INV-1.pdf",  # under FILE_STORAGE_DIR
            "r2": "/srv/old-dyno/files/invoices/r2/INV-2.pdf",  # FILE_STORAGE_DIR has moved since
            "r3": "jobs/r3/report.xlsx",  # already a key
            "r4": "/x.pdf",  # nothing to make of it
        }
        for run_id, path in paths.items():
            connection.execute(
                "INSERT INTO job_run (id, tenant_id, name, state, progress, result_path, created_at)"
                " VALUES (?, 7, 'app.billing.jobs.invoice_pdf', 'done', 100, ?, '2026-01-01')",
                (run_id, path),
            )
    _flask_db(url, files, "upgrade")
    with sqlite3.connect(tmp_path / "previous.db") as connection:
        logo_key = connection.execute("SELECT logo_path FROM tenant_settings").fetchone()[0]
        results = dict(connection.execute("SELECT id, result_path FROM job_run").fetchall())
    assert logo_key == "7/logo.png"
    assert results == {
        "r1": "invoices/r1/INV-1.pdf",
        "r2": "invoices/r2/INV-2.pdf",
        "r3": "jobs/r3/report.xlsx",
        "r4": None,
    }
    assert storage.LocalStorage(str(files)).open(logo_key).read() == b"\x89PNG\r\n\x1a\nlogo"
    _flask_db(url, files, "downgrade", "0014_numbers_periods")
    with sqlite3.connect(tmp_path / "previous.db") as connection:
        assert connection.execute("SELECT logo_path FROM tenant_settings").fetchone()[0] == f"{files}/7/logo.png"


def test_the_backend_is_chosen_by_the_environment(tmp_path):
    local = storage.backend_from_config({"FILE_STORAGE": "local", "FILE_STORAGE_DIR": str(tmp_path)})
    assert isinstance(local, storage.LocalStorage) and local.root == tmp_path
    by_bucket = storage.backend_from_config({"FILE_STORAGE": "", "FILE_STORAGE_DIR": "x", "S3_BUCKET": "b"})
    assert isinstance(by_bucket, storage.S3Storage) and by_bucket.bucket == "b" and by_bucket.prefix == ""
    prefixed = storage.backend_from_config({"FILE_STORAGE": "s3", "S3_BUCKET": "b", "S3_PREFIX": "/silog/"})
    assert prefixed.prefix == "silog/"
    for wrong in ({"FILE_STORAGE": "s3"}, {"FILE_STORAGE": "ftp", "S3_BUCKET": "b"}):
        with pytest.raises(RuntimeError):
            storage.backend_from_config(wrong)
