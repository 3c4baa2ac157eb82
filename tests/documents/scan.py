"""Reading printed PDFs back like a scanner: pages to PNG (pdftoppm, Debian poppler-utils), then every
barcode and QR code on them (zbarimg, Debian zbar-tools). Tests skip with the reason when the tools are
missing locally; CI installs them (.ci/run)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TOOLS = ("pdftoppm", "pdftotext", "zbarimg")


def need_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: apt-get install -y poppler-utils zbar-tools")


def page_images(pdf: bytes, folder: Path, dpi: int = 200) -> list[Path]:
    source = folder / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def scan(image: Path) -> list[tuple[str, str]]:
    """(symbol type, text) of every code found on one image, e.g. ("CODE-128", "RESI00001")."""
    result = subprocess.run(["zbarimg", "--quiet", str(image)], capture_output=True, text=True)
    assert result.returncode in (0, 4), result.stderr  # 4: nothing found
    return [tuple(line.split(":", 1)) for line in result.stdout.splitlines() if ":" in line]


def scan_pages(pdf: bytes, keep: Path | None = None) -> list[list[tuple[str, str]]]:
    need_tools()
    with tempfile.TemporaryDirectory() as folder:
        images = page_images(pdf, Path(folder))
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            for image in images:
                shutil.copy(image, keep / image.name)
        return [scan(image) for image in images]


def pdf_text(pdf: bytes) -> str:
    """The words of a PDF in the order they are drawn, whitespace runs (line breaks too) as one space
    (pdftotext -raw: a wrapped address reads as one, even beside another column)."""
    need_tools()
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())
