"""Drawing shipping labels with reportlab's canvas: the three designs, the sheets they go on, one PDF.

A design is laid out once on a 10 x 15 cm label; A4 sheets draw that same label scaled into each of
their 2 or 4 places. What is the same on every label of a print (lines, captions, the company with its
logo) is a PDF form drawn once and placed on each label; a label itself adds only its own text, bars
and QR modules. One canvas for the whole print: 1,000 labels take a few seconds in one process.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from app.core.formatting import kilograms, rupiah, wib_date
from app.logistics.documents.label_canvas import (
    BOLD,
    REGULAR,
    Box,
    Style,
    draw_code128,
    draw_fields,
    draw_qr,
    draw_text,
)
from app.logistics.documents.labels import MAX_ITEMS_SHOWN, Label, LabelChoice, Party, pages
from app.logistics.tracking.services import Company

PROGRESS_EVERY = 50  # labels between two progress reports (each one is a commit)

# --- Designs: boxes on a 100 x 150 mm label ------------------------------------------------------------
LABEL_W, LABEL_H = 100 * mm, 150 * mm
PAD = 1.5 * mm
CAPTION = Style(REGULAR, 6)
TAG_H = 3.6 * mm
FRAME_FORM = "label-frame"


@dataclass(frozen=True)
class PartyStyles:
    name: Style
    phone: Style
    address: Style
    city: Style | None  # None: the city ends the address


FRAME = Box(2.5 * mm, 2.5 * mm, LABEL_W - 5 * mm, LABEL_H - 5 * mm)
RECEIVER = PartyStyles(
    name=Style(BOLD, 15, 9, 4), phone=Style(BOLD, 12, 8), address=Style(REGULAR, 10, 6.5), city=Style(BOLD, 10, 7, 2)
)
RECEIVER_LARGE = PartyStyles(
    name=Style(BOLD, 16, 10, 4), phone=Style(BOLD, 14, 9), address=Style(REGULAR, 12, 7), city=Style(BOLD, 12, 7, 2)
)
SENDER = PartyStyles(name=Style(BOLD, 9, 7, 2), phone=Style(REGULAR, 8.5, 7), address=Style(REGULAR, 7.5, 6), city=None)


@dataclass(frozen=True)
class Layout:
    rules: tuple[Box, ...]  # outlined boxes
    logo: Box | None
    company: Box
    meta: Box
    barcode: Box
    origin: Box
    destination: Box
    receiver: Box
    sender: Box
    qr: Box
    facts: tuple[Box, ...]  # actual weight, chargeable weight, pieces
    receiver_styles: PartyStyles = RECEIVER
    sender_styles: PartyStyles = SENDER
    destination_style: Style = Style(BOLD, 14, 8, 2)
    items: Box | None = None
    cod: Box | None = None


def _layout(has_logo: bool, header: Box, code: Box, route: Box, facts: list[Box], rules: tuple, **boxes) -> Layout:
    """A design's boxes: the header split for logo, company and type/date, the route for origin and
    destination; `rules` are the design's own outlined boxes."""
    logo, company, meta = header.cols(22 * mm, None, 22 * mm) if has_logo else (None, *header.cols(None, 22 * mm))
    origin, destination = route.cols(38 * mm, None)
    shared = {"logo": logo, "company": company, "meta": meta, "barcode": code, "origin": origin, "facts": tuple(facts)}
    return Layout(rules=(header, code, origin, destination, *facts, *rules), destination=destination, **shared, **boxes)


def standard(has_logo: bool) -> Layout:
    header, code, route, receiver_row, sender, facts = FRAME.rows(19 * mm, 27 * mm, 14 * mm, None, 28 * mm, 12 * mm)
    receiver, qr = receiver_row.cols(None, 30 * mm)
    cells, rules = facts.cols(None, 32 * mm, 25 * mm), (receiver_row, qr, sender)
    return _layout(has_logo, header, code, route, cells, rules, receiver=receiver, sender=sender, qr=qr)


def compact(has_logo: bool) -> Layout:
    """Barcode beside the QR code; the receiver in large type over the label's full height, beside the
    sender and the weights."""
    header, code_row, route, parties = FRAME.rows(19 * mm, 30 * mm, 14 * mm, None)
    code, qr = code_row.cols(None, 30 * mm)
    receiver, side = parties.cols(57 * mm, None)
    sender, *facts = side.rows(None, 11 * mm, 11 * mm, 11 * mm)
    return _layout(
        has_logo,
        header,
        code,
        route,
        facts,
        rules=(qr, receiver, sender),
        receiver=receiver,
        sender=sender,
        qr=qr,
        receiver_styles=RECEIVER_LARGE,
        destination_style=Style(BOLD, 16, 8, 2),
    )


def detailed(has_logo: bool) -> Layout:
    """The standard label, tighter, with the item list and a COD / NON-COD box at the bottom."""
    rows = FRAME.rows(17 * mm, 22 * mm, 12 * mm, 36 * mm, 20 * mm, 11 * mm, None)
    header, code, route, receiver_row, sender, facts, bottom = rows
    receiver, qr = receiver_row.cols(None, 27 * mm)
    items, cod = bottom.cols(None, 30 * mm)
    cells, rules = facts.cols(None, 32 * mm, 25 * mm), (receiver_row, qr, sender, items, cod)
    boxes = {"receiver": receiver, "sender": sender, "qr": qr, "items": items, "cod": cod}
    return _layout(has_logo, header, code, route, cells, rules, **boxes)


DESIGNS: dict[str, Callable[[bool], Layout]] = {"standard": standard, "compact": compact, "detailed": detailed}


# --- Sheets: where labels go on a page -----------------------------------------------------------------

SHEET_MARGIN = 5 * mm  # what office printers leave white at the edge of an A4 page


@dataclass(frozen=True)
class Sheet:
    page: tuple[float, float]
    columns: int
    rows: int

    @cached_property
    def cells(self) -> list[Box]:
        """Places in reading order: left to right, top to bottom."""
        if self.columns == self.rows == 1:
            return [Box(0, 0, *self.page)]
        inner = Box(0, 0, *self.page).inset(SHEET_MARGIN)
        widths, heights = [inner.w / self.columns] * self.columns, [inner.h / self.rows] * self.rows
        return [cell for row in inner.rows(*heights) for cell in row.cols(*widths)]

    @cached_property
    def scale(self) -> float:
        cell = self.cells[0]
        return min(cell.w / LABEL_W, cell.h / LABEL_H)

    def corner(self, cell: Box) -> tuple[float, float]:
        """Where the scaled label's bottom-left corner goes in a place: centred."""
        return cell.x + (cell.w - LABEL_W * self.scale) / 2, cell.y + (cell.h - LABEL_H * self.scale) / 2

    def draw_guides(self, canvas) -> None:
        """Dashed cutting lines between the places of an A4 sheet."""
        if len(self.cells) == 1:
            return
        canvas.saveState()
        canvas.setStrokeGray(0.6)
        canvas.setLineWidth(0.4)
        canvas.setDash(3, 3)
        width, height = self.page
        if self.columns > 1:
            canvas.line(width / 2, SHEET_MARGIN, width / 2, height - SHEET_MARGIN)
        if self.rows > 1:
            canvas.line(SHEET_MARGIN, height / 2, width - SHEET_MARGIN, height / 2)
        canvas.restoreState()


SHEETS = {"thermal": Sheet((LABEL_W, LABEL_H), 1, 1), "a4_2": Sheet(landscape(A4), 2, 1), "a4_4": Sheet(A4, 2, 2)}


# --- Drawing -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Captions:
    """The label's words in the current language, looked up once per print."""

    receiver: str
    sender: str
    origin: str
    destination: str
    facts: tuple[str, str, str]
    item: str
    quantity: str
    track: str

    @classmethod
    def translated(cls) -> "Captions":
        return cls(
            receiver=_("Receiver").upper(),
            sender=_("Sender").upper(),
            origin=_("Origin").upper(),
            destination=_("Destination").upper(),
            facts=(_("Actual weight"), _("Chargeable weight"), _("Pieces")),
            item=_("Item"),
            quantity=_("Qty"),
            track=_("Track"),
        )


def render(company: Company, labels: list[Label], choice: LabelChoice, progress: Callable[[int], None] | None) -> bytes:
    """One PDF of all labels; `progress(labels done)` after a page, every PROGRESS_EVERY labels or so and at
    the end."""
    sheet = SHEETS[choice.size]
    logo = _logo(company)
    layout = DESIGNS[choice.template](logo is not None)
    captions = Captions.translated()
    out = BytesIO()
    canvas = Canvas(out, pagesize=sheet.page, pageCompression=1)
    canvas.setTitle(_("Labels"))
    canvas.setAuthor(company.name)
    _frame_form(canvas, layout, company, logo, captions)
    done = reported = 0
    for page in pages(labels, choice.per_page):
        for cell, label in zip(sheet.cells, page, strict=False):
            canvas.saveState()
            canvas.translate(*sheet.corner(cell))
            canvas.scale(sheet.scale, sheet.scale)
            canvas.doForm(FRAME_FORM)
            _draw_label(canvas, layout, label, captions)
            canvas.restoreState()
        sheet.draw_guides(canvas)
        canvas.showPage()
        done += len(page)
        if progress is not None and (done - reported >= PROGRESS_EVERY or done == len(labels)):
            progress(done)
            reported = done
    canvas.save()
    return out.getvalue()


def _logo(company: Company) -> ImageReader | None:
    """The company logo (a data URI: it may live in S3), read once per print."""
    if not company.logo_src:
        return None
    return ImageReader(BytesIO(base64.b64decode(company.logo_src.partition(",")[2])))


def _caption_strip(box: Box, height: float = 2.8 * mm) -> tuple[Box, Box]:
    """(caption, content) of a padded box."""
    caption, content = box.inset(PAD, 0.8 * mm).rows(height, None)
    return caption, content


def _tag(canvas, box: Box, text: str) -> None:
    """A white-on-black caption in the box's top-left corner (_tag_content: what is below it)."""
    tag = box.inset(PAD, 1 * mm).rows(TAG_H, None)[0]
    canvas.setFont(BOLD, 7)
    width = canvas.stringWidth(text, BOLD, 7) + 2 * mm
    canvas.rect(tag.x, tag.y, width, tag.h, stroke=0, fill=1)
    canvas.setFillGray(1)
    canvas.drawString(tag.x + 1 * mm, tag.y + 1 * mm, text)
    canvas.setFillGray(0)


def _frame_form(canvas, layout: Layout, company: Company, logo, captions: Captions) -> None:
    """What every label of this print shares: lines, captions, the company."""
    canvas.beginForm(FRAME_FORM, 0, 0, LABEL_W, LABEL_H)
    canvas.setLineWidth(0.8)
    for box in layout.rules:
        canvas.rect(box.x, box.y, box.w, box.h)
    canvas.setLineWidth(1.4)
    canvas.rect(FRAME.x, FRAME.y, FRAME.w, FRAME.h)
    if logo is not None:
        area = layout.logo.inset(PAD)
        canvas.drawImage(logo, area.x, area.y, area.w, area.h, preserveAspectRatio=True, mask="auto")
    draw_fields(
        canvas,
        layout.company.inset(PAD, 1.2 * mm),
        [
            (company.name, Style(BOLD, 10.5, 7.5, 2)),
            (company.address, Style(REGULAR, 6.5, 5.5)),
            (company.phone, Style(BOLD, 7)),
        ],
        flexible=1,
    )
    for box, caption in ((layout.origin, captions.origin), (layout.destination, captions.destination)):
        draw_text(canvas, _caption_strip(box)[0], caption, CAPTION)
    for box, caption in zip(layout.facts, captions.facts, strict=True):
        draw_text(canvas, _caption_strip(box)[0], caption, CAPTION)
    _tag(canvas, layout.receiver, captions.receiver)
    _tag(canvas, layout.sender, captions.sender)
    draw_text(canvas, _qr_boxes(layout.qr)[1], captions.track, CAPTION, align="center")
    if layout.items is not None:
        head = _item_rows(layout.items)[0]
        name, quantity = head.cols(None, 10 * mm)
        draw_text(canvas, name, captions.item, Style(BOLD, 6.5), valign="middle")
        draw_text(canvas, quantity, captions.quantity, Style(BOLD, 6.5), align="right", valign="middle")
        canvas.setLineWidth(0.5)
        canvas.line(head.x, head.y, head.x + head.w, head.y)
    canvas.endForm()


def _qr_boxes(box: Box) -> tuple[Box, Box]:
    """(code, caption) of the QR code's box."""
    code, caption = box.inset(0.5 * mm).rows(None, 3 * mm)
    return code, caption


def _item_rows(box: Box) -> list[Box]:
    """The item list's header and MAX_ITEMS_SHOWN + 1 rows (the last for "+ n more")."""
    inner = box.inset(PAD, 0.8 * mm)
    header = 3.6 * mm
    row = (inner.h - header) / (MAX_ITEMS_SHOWN + 1)
    return inner.rows(header, *[row] * (MAX_ITEMS_SHOWN + 1))


def _draw_label(canvas, layout: Layout, label: Label, captions: Captions) -> None:
    type_box, date_box = layout.meta.inset(PAD, 1.5 * mm).rows(6 * mm, None)
    draw_text(canvas, type_box, label.type_label, Style(BOLD, 10, 7), align="right")
    draw_text(canvas, date_box, wib_date(label.date), Style(REGULAR, 8.5, 7), align="right")
    bars, number = layout.barcode.inset(PAD, 1.5 * mm).rows(None, 5.5 * mm)
    draw_code128(canvas, bars.rows(None, 1 * mm)[0], label.number)
    draw_text(canvas, number, label.number, Style(BOLD, 13, 8), align="center", valign="middle")
    draw_text(canvas, _caption_strip(layout.origin)[1], label.origin, Style(BOLD, 9.5, 6.5, 2))
    draw_text(canvas, _caption_strip(layout.destination)[1], label.destination, layout.destination_style)
    _draw_party(canvas, _tag_content(layout.receiver), label.receiver, layout.receiver_styles)
    _draw_party(canvas, _tag_content(layout.sender), label.sender, layout.sender_styles)
    draw_qr(canvas, _qr_boxes(layout.qr)[0], label.url)
    values = (kilograms(label.total_weight), kilograms(label.chargeable_weight), str(label.pieces))
    for box, value in zip(layout.facts, values, strict=True):
        draw_text(canvas, _caption_strip(box)[1], value, Style(BOLD, 11, 7), valign="middle")
    if layout.items is not None:
        _draw_items(canvas, layout.items, label)
    if layout.cod is not None:
        _draw_cod(canvas, layout.cod, label.cod_amount)


def _tag_content(box: Box) -> Box:
    return box.inset(PAD, 1 * mm).rows(TAG_H + 0.8 * mm, None)[1]


def _draw_party(canvas, box: Box, party: Party, styles: PartyStyles) -> None:
    fields = [(party.name, styles.name), (party.phone, styles.phone)]
    if styles.city is None:
        fields.append((", ".join(part for part in (party.address, party.city) if part), styles.address))
    else:
        fields += [(party.address, styles.address), (party.city, styles.city)]
    draw_fields(canvas, box, fields, flexible=2, gap=0.4 * mm)


def _draw_items(canvas, box: Box, label: Label) -> None:
    rows = _item_rows(box)[1:]
    lines = [(name, str(quantity)) for name, quantity in label.items]
    if label.more_items:
        lines.append((_("+ %(count)s more items", count=label.more_items), ""))
    for row, (name, quantity) in zip(rows, lines, strict=False):
        name_box, quantity_box = row.cols(None, 10 * mm)
        draw_text(canvas, name_box, name, Style(REGULAR, 7, 6), valign="middle")
        draw_text(canvas, quantity_box, quantity, Style(BOLD, 7), align="right", valign="middle")


def _draw_cod(canvas, box: Box, amount: int) -> None:
    """COD in white on black with the amount to collect; NON-COD in black inside a heavy border."""
    inner = box.inset(1.2 * mm)
    if amount:
        canvas.rect(inner.x, inner.y, inner.w, inner.h, stroke=0, fill=1)
        canvas.setFillGray(1)
        word, value = inner.inset(PAD).rows(None, inner.h * 0.4)
        draw_text(canvas, word, "COD", Style(BOLD, 20, 12), align="center", valign="middle")
        draw_text(canvas, value, rupiah(amount), Style(BOLD, 10, 6), align="center", valign="middle")
        canvas.setFillGray(0)
        return
    canvas.setLineWidth(2)
    canvas.rect(inner.x, inner.y, inner.w, inner.h)
    draw_text(canvas, inner.inset(PAD), "NON-COD", Style(BOLD, 14, 8), align="center", valign="middle")
