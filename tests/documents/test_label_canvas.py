"""Label text never leaves its box: it shrinks, then wraps, and only at its smallest size is it cut
with "…"; an address gets what the other fields leave, and they shrink before it is cut."""

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.logistics.documents.label_canvas import BOLD, REGULAR, Box, Style, draw_fields, fit, printable

ADDRESS = (
    "Perumahan Griya Permata Hijau Indah Blok C-17 No. 23, RT 005/RW 011, Kelurahan Sukamaju Baru, "
    "Kecamatan Cimanggis, dekat masjid Al-Ikhlas, pagar hijau, rumah kedua dari ujung gang"
)


class RecordingCanvas:
    """What a reportlab canvas is asked to write: (left, right, baseline, size, text). Helvetica reaches
    0.72 of the size above its baseline and 0.21 below."""

    def __init__(self):
        self.font, self.size, self.strings = REGULAR, 10, []

    def setFont(self, font, size):  # noqa: N802 (reportlab's names)
        self.font, self.size = font, size

    def drawString(self, x, y, text):  # noqa: N802
        self.strings.append((x, x + stringWidth(text, self.font, self.size), y, self.size, text))


def _inside(canvas: RecordingCanvas, box: Box) -> bool:
    return all(
        left >= box.x
        and right <= box.x + box.w + 1e-6
        and baseline - 0.22 * size >= box.y
        and baseline + 0.75 * size <= box.top
        for left, right, baseline, size, _ in canvas.strings
    )


@pytest.mark.parametrize("width_mm,height_mm", [(60, 40), (60, 12), (30, 8), (15, 4)])
def test_text_shrinks_then_wraps_then_is_cut_never_past_its_box(width_mm, height_mm):
    width, height = width_mm * mm, height_mm * mm
    fitted = fit(ADDRESS, Style(REGULAR, 10, 6, 99), width, height)
    assert fitted.height <= height + 1e-6
    assert all(stringWidth(line, REGULAR, fitted.size) <= width + 1e-6 for line in fitted.lines)
    shown = " ".join(fitted.lines)
    if fitted.cut:
        assert fitted.size == 6 and shown.endswith("…")
    else:
        assert shown == ADDRESS


def test_short_text_keeps_its_size_and_a_long_word_is_broken():
    assert fit("Budi", Style(BOLD, 13, 9, 2), 50 * mm, 20 * mm).size == 13
    fitted = fit("A" * 80, Style(BOLD, 10, 10, 9), 30 * mm, 40 * mm)
    assert "".join(fitted.lines) == "A" * 80 and len(fitted.lines) > 1


def test_nothing_is_drawn_in_a_box_too_low_for_one_line():
    assert fit("Budi", Style(REGULAR, 10, 8), 50 * mm, 2 * mm).lines == ()


def test_the_address_gets_what_is_left_and_the_others_shrink_before_it_is_cut():
    box = Box(10 * mm, 10 * mm, 55 * mm, 32 * mm)
    fields = [
        ("Raden Mas Muhammad Abdurrahman Wahyu Kusumawardhana Prawiranegara Putra", Style(BOLD, 13, 9, 4)),
        ("0812 3456 7890", Style(BOLD, 11, 8)),
        (ADDRESS, Style(REGULAR, 9.5, 6.5)),
        ("Kabupaten Tanah Bumbu, Kalimantan Selatan", Style(BOLD, 9, 7, 2)),
    ]
    canvas = RecordingCanvas()
    draw_fields(canvas, box, fields, flexible=2)
    assert _inside(canvas, box)
    text = " ".join(string[-1] for string in canvas.strings)
    assert fields[0][0] in text and ADDRESS in text and fields[3][0] in text
    assert canvas.strings[0][3] < 13  # the name gave way


def test_characters_the_label_font_lacks_lose_their_accents_or_are_left_out():
    assert printable("Nguyễn  Văn\nAn 😀") == "Nguyen Van An"
    assert printable("Rp 1.250.000 – “ok” é") == "Rp 1.250.000 – “ok” é"
