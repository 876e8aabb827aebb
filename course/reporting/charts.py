"""Small server-rendered SVG charts. Each comes with a title and a description
for assistive technology; pages also give the numbers as a table."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float          # 0..max_value
    text: str             # the value as shown, e.g. "40%"


def bar_chart(chart_id: str, title: str, description: str, bars: list[Bar], max_value: float = 1.0,
              width: int = 640, bar_height: int = 22, label_width: int = 230) -> Markup:
    """Horizontal bars, one per row: labels on the left, value text at the bar's end."""
    gap = 8
    height = len(bars) * (bar_height + gap) + gap
    plot = width - label_width - 60
    parts = [f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
             f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" preserveAspectRatio="xMinYMin meet">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
             f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>']
    for i, bar in enumerate(bars):
        y = gap + i * (bar_height + gap)
        length = 0 if max_value <= 0 else max(0.0, min(1.0, bar.value / max_value)) * plot
        label = bar.label if len(bar.label) <= 34 else bar.label[:32] + "…"
        parts.append(f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" class="chart-label">{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{plot:.1f}" height="{bar_height}" class="chart-track"/>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" class="chart-bar"/>')
        parts.append(f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.1f}" class="chart-value">{escape(bar.text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(chart_id: str, title: str, description: str, columns: list[tuple[str, int]],
                 width: int = 640, height: int = 200) -> Markup:
    """Vertical columns with labels underneath (counts per period)."""
    bottom, top = 36, 18
    plot_h = height - bottom - top
    n = max(1, len(columns))
    slot = width / n
    peak = max((v for _, v in columns), default=0) or 1
    parts = [f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
             f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" preserveAspectRatio="xMinYMin meet">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
             f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
             f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" class="chart-axis"/>']
    for i, (label, value) in enumerate(columns):
        h = plot_h * value / peak
        x = i * slot + slot * 0.2
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" class="chart-bar"/>')
        parts.append(f'<text x="{x + slot * 0.3:.1f}" y="{height - bottom - h - 4:.1f}" text-anchor="middle" class="chart-value">{value}</text>')
        parts.append(f'<text x="{x + slot * 0.3:.1f}" y="{height - bottom + 16}" text-anchor="middle" class="chart-label">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
