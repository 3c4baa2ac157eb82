"""Invoice PDF render time: a 100-line invoice rendered N times through billing's own renderer
(xhtml2pdf), p50/p95 in seconds against the 5 s target.

    python -m bench.invoice_pdf --runs 20            # scratch SQLite database, migrated + seeded
    python -m bench.invoice_pdf --database-url postgresql://postgres@127.0.0.1:5432/silog_bench
"""

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench.harness import percentile, table

TARGET_SECONDS = 5.0


def make_app(database_url: str | None, files: Path):
    from app import create_app

    url = database_url or f"sqlite:///{files / 'bench-pdf.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
            "REDIS_URL": "",
            "MAIL_SERVER": "",
            "FILE_STORAGE_DIR": str(files / "store"),
            "BABEL_DEFAULT_LOCALE": "id",
            "WTF_CSRF_ENABLED": False,
        }
    )
    if database_url is None:
        runner = app.test_cli_runner()
        for command in (["app-release"], ["seed-demo"]):
            result = runner.invoke(args=command)
            if result.exit_code != 0:
                sys.exit(f"{' '.join(command)} failed:\n{result.output}")
    return app


def invoice_with_lines(lines: int):
    from app.billing.invoices import InvoiceDraft, create_invoice
    from app.extensions import db
    from app.tenancy.services import tenant_by_slug

    tenant = tenant_by_slug("demo")
    today = date.today()
    items = [
        (f"Layanan pengiriman batch {n:03d} - Jakarta ke Surabaya", n % 7 + 1, Decimal(12_500 * n))
        for n in range(1, lines + 1)
    ]
    invoice = create_invoice(
        InvoiceDraft(tenant_id=tenant.id, lines=items, due_date=today + timedelta(days=14), issue_date=today),
        today=today,
        actor_id=None,
    )
    db.session.commit()
    return invoice


def measure(invoice, runs: int, warmup: int) -> tuple[list[float], int]:
    """Seconds per render, and the PDF's size in bytes."""
    from app.billing.documents import render_invoice_pdf

    size = 0
    for _ in range(warmup):
        render_invoice_pdf(invoice)
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        size = len(render_invoice_pdf(invoice))
        samples.append(time.perf_counter() - began)
    return samples, size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--database-url", help="an already migrated + seeded database (default: a scratch SQLite one)")
    args = parser.parse_args(argv)

    from app.tenancy.context import all_tenants

    with tempfile.TemporaryDirectory() as scratch:
        app = make_app(args.database_url, Path(scratch))
        with app.app_context(), all_tenants(), app.test_request_context():
            invoice = invoice_with_lines(args.lines)
            samples, size = measure(invoice, args.runs, args.warmup)
            number = invoice.number
    p50, p95 = percentile(samples, 50), percentile(samples, 95)
    verdict = "OK" if p95 < TARGET_SECONDS else "TOO SLOW"
    print(f"invoice {number}: {args.lines} lines, PDF {size / 1024:.0f} KiB, {args.runs} runs")
    row = ["invoice PDF", f"{p50:.3f}", f"{p95:.3f}", f"{max(samples):.3f}", verdict]
    print(table([row], ["what", "p50 s", "p95 s", "max s", f"p95 < {TARGET_SECONDS:g} s"]))
    return 0 if p95 < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
