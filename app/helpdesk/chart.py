"""A bar chart as inline SVG, drawn on the server (no JavaScript chart library)."""

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 720, 220, 30


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def layout(series: list[tuple[date, int]], fmt: str = "%d/%m") -> list[Bar]:
    if not series:
        return []
    peak = max(value for _, value in series) or 1
    slot = (WIDTH - 2 * PAD) / len(series)
    bars = []
    for index, (day, value) in enumerate(series):
        height = (HEIGHT - 2 * PAD) * value / peak
        bars.append(
            Bar(PAD + index * slot + slot * 0.1, HEIGHT - PAD - height, slot * 0.8, height, day.strftime(fmt), value)
        )
    return bars


def bar_chart(series: list[tuple[date, int]], title: str, fmt: str = "%d/%m") -> Markup:
    bars = layout(series, fmt)
    every = max(1, len(bars) // 12)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="ticket-chart" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>',
    ]
    for index, bar in enumerate(bars):
        parts.append(
            f'<rect x="{bar.x:.1f}" y="{bar.y:.1f}" width="{bar.width:.1f}" height="{bar.height:.1f}" '
            f'fill="#337ab7"><title>{escape(bar.label)}: {bar.value}</title></rect>'
        )
        if bar.value:
            parts.append(
                f'<text x="{bar.x + bar.width / 2:.1f}" y="{bar.y - 3:.1f}" font-size="10" '
                f'text-anchor="middle">{bar.value}</text>'
            )
        if index % every == 0:
            parts.append(
                f'<text x="{bar.x + bar.width / 2:.1f}" y="{HEIGHT - PAD + 14}" font-size="10" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
