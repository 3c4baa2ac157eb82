"""Drawing labels on a reportlab canvas: boxes in points, text that wraps and shrinks to its box (and is
cut with "…" at its smallest size rather than run past it), Code128 bars and QR modules as filled
rectangles.

Bars and modules are written as raw PDF rectangle operators in a scaled coordinate system (one unit =
one module): a label has ~300 of them, and reportlab's path objects format every coordinate
separately, which would cost more than the rest of the label together.
"""

import unicodedata
from dataclasses import dataclass

import segno
from reportlab import rl_config
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

# Streams compressed but not ASCII85-armoured: the armour (reportlab's default) is a fifth of a label
# print's time and a quarter of its size, and PDFs only travel over HTTP and storage, which carry
# binary. A process-wide setting: invoices lose the armour too, and nothing else.
rl_config.useA85 = 0

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"  # built into every PDF reader: nothing embedded
LEADING = 1.15
DOT = 25.4 / 203 * mm  # one dot of a 203 dpi thermal printer: bars and modules on whole dots print crisp
ELLIPSIS = "…"
# A fixed QR mask: choosing the best of the eight (segno's default) is 80% of a QR code's time, and
# every mask is a valid code that scanners read.
QR_MASK = 4
QR_QUIET = 2  # modules of white around a QR code inside its box (its box's lines are further out)


@dataclass(frozen=True)
class Box:
    """A rectangle in points, (x, y) its bottom-left corner as in PDF."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    def rows(self, *heights) -> list["Box"]:
        """Split top to bottom; one height may be None: it takes what the others leave."""
        sizes = _fill(heights, self.h)
        boxes, top = [], self.top
        for size in sizes:
            top -= size
            boxes.append(Box(self.x, top, self.w, size))
        return boxes

    def cols(self, *widths) -> list["Box"]:
        """Split left to right; one width may be None: it takes what the others leave."""
        sizes = _fill(widths, self.w)
        boxes, left = [], self.x
        for size in sizes:
            boxes.append(Box(left, self.y, size, self.h))
            left += size
        return boxes

    def inset(self, dx: float, dy: float | None = None) -> "Box":
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)


def _fill(sizes, total: float) -> list[float]:
    assert list(sizes).count(None) <= 1, "one size at most takes the rest"
    fixed = sum(size for size in sizes if size is not None)
    return [total - fixed if size is None else size for size in sizes]


def printable(text) -> str:
    """One line of text the built-in fonts can show: whitespace runs (newlines too) become one space;
    outside their character set, letters lose their accents (Nguyễn -> Nguyen) and the rest is dropped."""
    text = str(text or "")
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        text = unicodedata.normalize("NFKD", text).encode("cp1252", "ignore").decode("cp1252")
    return " ".join(text.split())


@dataclass(frozen=True)
class Style:
    font: str
    size: float
    min_size: float | None = None  # shrink down to this before cutting; None: never shrink
    max_lines: int = 1


@dataclass(frozen=True)
class Fitted:
    font: str
    size: float
    lines: tuple[str, ...]
    cut: bool = False  # the text did not fit: its end is left out

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def wrap(words: list[str], widths: list[float], size: float, width: float, font: str) -> list[str]:
    """Greedy line breaking; `widths` are the words' widths at size 1. A word wider than the line is
    broken between characters."""
    space = stringWidth(" ", font, size)
    lines, line, used = [], [], 0.0
    for word, unit in zip(words, widths, strict=True):
        wide = unit * size
        if wide > width:
            if line:
                lines.append(" ".join(line))
            pieces = _break_word(word, font, size, width)
            lines.extend(pieces[:-1])
            line, used = [pieces[-1]], stringWidth(pieces[-1], font, size)
            continue
        if line and used + space + wide > width:
            lines.append(" ".join(line))
            line, used = [], 0.0
        used += (space if line else 0.0) + wide
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    pieces, piece = [], ""
    for char in word:
        if piece and stringWidth(piece + char, font, size) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]


def cut(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened to end in "…" within `width`."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def fit(text, style: Style, width: float, height: float) -> Fitted:
    """The largest size from style.size down to style.min_size (half points) at which the text wraps
    into at most max_lines lines within width x height; at the smallest, the lines that fit with the
    last one cut. Nothing when not even one line fits."""
    text = printable(text)
    words = text.split(" ") if text else []
    widths = [stringWidth(word, style.font, 1) for word in words]
    size = style.size
    smallest = style.min_size or style.size
    while True:
        room = min(style.max_lines, int(height / (size * LEADING) + 1e-6))
        lines = wrap(words, widths, size, width, style.font)
        if len(lines) <= room:
            return Fitted(style.font, size, tuple(lines))
        if size - 0.5 < smallest:
            break
        size -= 0.5
    if room < 1:
        return Fitted(style.font, size, (), cut=True)
    kept = lines[: room - 1]
    rest = " ".join(lines[room - 1 :])
    return Fitted(style.font, size, (*kept, cut(rest, style.font, size, width)), cut=True)


def draw_lines(canvas, fitted: Fitted, x: float, top: float, width: float = 0.0, align: str = "left") -> float:
    """The lines from `top` down; returns the top of what follows."""
    if not fitted.lines:
        return top
    canvas.setFont(fitted.font, fitted.size)
    lead = fitted.size * LEADING
    for line in fitted.lines:
        top -= lead
        baseline = top + (lead - fitted.size) / 2 + 0.2 * fitted.size
        if align == "center":
            canvas.drawCentredString(x + width / 2, baseline, line)
        elif align == "right":
            canvas.drawRightString(x + width, baseline, line)
        else:
            canvas.drawString(x, baseline, line)
    return top


def draw_text(canvas, box: Box, text, style: Style, align: str = "left", valign: str = "top") -> float:
    """Text fitted into the box; returns the top of what follows."""
    fitted = fit(text, style, box.w, box.h)
    top = box.top
    if valign == "middle":
        top -= (box.h - fitted.height) / 2
    return draw_lines(canvas, fitted, box.x, top, box.w, align)


def draw_fields(canvas, box: Box, fields: list[tuple[str, Style]], flexible: int, gap: float = 0.0) -> None:
    """Fields one under the other from the top of the box; each takes the lines its style allows,
    except fields[flexible] (an address), which gets the height the others leave. When that is too
    little for all of it, the others shrink a point at a time (down to their smallest size) first."""
    fixed = [style for index, (_, style) in enumerate(fields) if index != flexible]
    most = max(style.size - (style.min_size or style.size) for style in fixed)
    shrink = 0
    fitted = _fit_fields(fields, flexible, box.w, box.h, gap, shrink)
    while fitted[flexible].cut and shrink < most:
        shrink += 1
        fitted = _fit_fields(fields, flexible, box.w, box.h, gap, shrink)
    top = box.top
    for item in fitted:
        top = draw_lines(canvas, item, box.x, top) - gap


def _fit_fields(fields, flexible: int, width: float, room: float, gap: float, shrink: float) -> list[Fitted]:
    fitted: list[Fitted] = [Fitted(REGULAR, 0, ())] * len(fields)
    for index, (text, style) in enumerate(fields):
        if index != flexible:
            size = max(style.size - shrink, style.min_size or style.size)
            fitted[index] = fit(text, Style(style.font, size, style.min_size, style.max_lines), width, room)
            room -= fitted[index].height + gap
    text, style = fields[flexible]
    fitted[flexible] = fit(text, Style(style.font, style.size, style.min_size, 99), width, room)
    return fitted


def snap(size: float, largest: float) -> float:
    """The largest whole number of printer dots up to `size` (and `largest`); below 2 dots, `size`."""
    dots = int(min(size, largest) / DOT)
    return dots * DOT if dots >= 2 else size


def _raw(canvas, module_w: float, module_h: float, x: float, y: float, rects: list[str]) -> None:
    canvas.addLiteral(f"q 0 g {module_w:.4f} 0 0 {module_h:.4f} {x:.3f} {y:.3f} cm {' '.join(rects)} f Q")


def draw_code128(canvas, box: Box, value: str, largest_module: float = 0.5 * mm) -> float:
    """Code128 bars centred in the box, as wide as fits (whole dots, at most `largest_module` for the
    narrowest bar), full box height, quiet zones of 10 modules inside the box. Returns their width."""
    code = Code128(value, quiet=0)
    code.validate()
    code.encode()
    code.decompose()
    widths = [(ord(char.lower()) - 96, char.isupper()) for char in code.decomposed]
    modules = sum(width for width, _ in widths)
    module = snap(box.w / (modules + 20), largest_module)
    rects, left = [], 0
    for width, bar in widths:
        if bar:
            rects.append(f"{left} 0 {width} 1 re")
        left += width
    _raw(canvas, module, box.h, box.x + (box.w - modules * module) / 2, box.y, rects)
    return modules * module


def draw_qr(canvas, box: Box, text: str) -> None:
    """A QR code (error correction M) centred in the box, as large as fits with its quiet zone."""
    matrix = segno.make_qr(text, error="m", mask=QR_MASK).matrix
    count = len(matrix)
    module = snap(min(box.w, box.h) / (count + 2 * QR_QUIET), 2 * mm)
    side = count * module
    rects = []
    for row, cells in enumerate(matrix):
        y = count - 1 - row
        start = None
        for column, dark in enumerate((*cells, 0)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                rects.append(f"{start} {y} {column - start} 1 re")
                start = None
    _raw(canvas, module, module, box.x + (box.w - side) / 2, box.y + (box.h - side) / 2, rects)
