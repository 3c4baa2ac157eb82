"""Charts as inline SVG drawn on the server: the one chart library of the whole app (no JavaScript).

Each function takes a list of (label, value) points; labels may be dates (formatted with `fmt`)
or strings. Every drawn mark carries `data-value` so tests (and the page's refresh script) can
read the numbers back.
"""

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 720, 220, 30
COLOR = "#337ab7"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


def _label(key, fmt: str) -> str:
    return key.strftime(fmt) if isinstance(key, date) else str(key)


def _number(value) -> str:
    value = float(value)
    return f"{value:,.0f}".replace(",", ".") if value == int(value) else f"{value:,.2f}"


def _open(title: str, css: str, height: int = HEIGHT, width: int = WIDTH) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="svg-chart {css}" aria-label="{escape(title)}"><title>{escape(title)}</title>',
    ]


def layout(series: list[tuple], fmt: str = "%d/%m") -> list[Bar]:
    if not series:
        return []
    peak = max(value for _, value in series) or 1
    slot = (WIDTH - 2 * PAD) / len(series)
    bars = []
    for index, (key, value) in enumerate(series):
        height = (HEIGHT - 2 * PAD) * float(value) / float(peak)
        bars.append(
            Bar(PAD + index * slot + slot * 0.1, HEIGHT - PAD - height, slot * 0.8, height, _label(key, fmt), value)
        )
    return bars


def bar_chart(series: list[tuple], title: str, fmt: str = "%d/%m", css: str = "") -> Markup:
    """Vertical bars, one per point, value above each bar, a label under every n-th."""
    bars = layout(series, fmt)
    every = max(1, len(bars) // 12)
    parts = _open(title, f"bar-chart {css}".strip())
    parts.append(f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>')
    for index, bar in enumerate(bars):
        parts.append(
            f'<rect x="{bar.x:.1f}" y="{bar.y:.1f}" width="{bar.width:.1f}" height="{bar.height:.1f}" '
            f'fill="{COLOR}" data-label="{escape(bar.label)}" data-value="{bar.value}">'
            f"<title>{escape(bar.label)}: {_number(bar.value)}</title></rect>"
        )
        if bar.value:
            parts.append(
                f'<text x="{bar.x + bar.width / 2:.1f}" y="{bar.y - 3:.1f}" font-size="10" '
                f'text-anchor="middle">{_number(bar.value)}</text>'
            )
        if index % every == 0:
            parts.append(
                f'<text x="{bar.x + bar.width / 2:.1f}" y="{HEIGHT - PAD + 14}" font-size="10" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(series: list[tuple], title: str, fmt: str = "%d/%m", css: str = "", money: bool = False) -> Markup:
    """A line through the points with a dot (and tooltip) at each one."""
    parts = _open(title, f"line-chart {css}".strip())
    parts.append(f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>')
    if series:
        peak = float(max(value for _, value in series)) or 1.0
        step = (WIDTH - 2 * PAD) / max(1, len(series) - 1)
        points = [
            (PAD + index * step, HEIGHT - PAD - (HEIGHT - 2 * PAD) * float(value) / peak, _label(key, fmt), value)
            for index, (key, value) in enumerate(series)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{COLOR}" stroke-width="2"/>')
        every = max(1, len(points) // 12)
        for index, (x, y, label, value) in enumerate(points):
            shown = ("Rp " if money else "") + _number(value)
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLOR}" data-label="{escape(label)}" '
                f'data-value="{value}"><title>{escape(label)}: {shown}</title></circle>'
            )
            if index % every == 0:
                parts.append(
                    f'<text x="{x:.1f}" y="{HEIGHT - PAD + 14}" font-size="10" '
                    f'text-anchor="middle">{escape(label)}</text>'
                )
        parts.append(f'<text x="{PAD}" y="{PAD - 10}" font-size="10">{"Rp " if money else ""}{_number(peak)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hbar_chart(
    series: list[tuple], title: str, css: str = "", row: int = 24, width: int = 380, links: list | None = None
) -> Markup:
    """Horizontal bars with the label on the left and the value on the right: distributions.

    `links` (same length as series, None for no link) makes each row open a page."""
    label_width, value_width = 150, 50
    height = max(row, row * len(series)) + 10
    peak = float(max((value for _, value in series), default=0)) or 1.0
    span = width - label_width - value_width
    parts = _open(title, f"hbar-chart {css}".strip(), height, width)
    for index, (key, value) in enumerate(series):
        y = 5 + index * row
        bar = span * float(value) / peak
        label = _label(key, "%d/%m")
        link = links[index] if links else None
        if link:
            parts.append(f'<a href="{escape(link)}" class="chart-link">')
        parts.append(
            f'<text x="{label_width - 6}" y="{y + row * 0.65:.1f}" font-size="12" '
            f'text-anchor="end">{escape(_short(label, 22))}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" fill="{COLOR}" '
            f'data-label="{escape(label)}" data-value="{value}"><title>{escape(label)}: {_number(value)}</title></rect>'
            f'<text x="{label_width + bar + 4:.1f}" y="{y + row * 0.65:.1f}" font-size="12">{_number(value)}</text>'
        )
        if link:
            parts.append("</a>")
    parts.append("</svg>")
    return Markup("".join(parts))
