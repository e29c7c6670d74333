"""Charts as server-side SVG: presentation attributes only (no inline CSS, no scripts), so the CSP holds."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d", "#0dcaf0")


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12, fill: str = "#212529") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">'
            f"{escape(content)}</text>")


def hbar_chart(items: Sequence[tuple[str, int]], *, title: str, width: int = 640, notes: Sequence[str] = ()) -> str:
    """Horizontal bars, one per (label, value); notes print to the right of each bar (e.g. conversion)."""
    bar_h, gap, left, top = 24, 8, 120, 28
    height = top + len(items) * (bar_h + gap) + 8
    peak = max((v for _, v in items), default=0) or 1
    span = width - left - 150
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" width="100%" class="chart">', f"<title>{escape(title)}</title>",
             _text(0, 16, title, size=14)]
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = max(1.0, span * value / peak) if value else 0
        parts.append(_text(left - 8, y + bar_h * 0.7, label, anchor="end"))
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(label)}: {value:,}</title></rect>')
        note = f"{value:,}" + (f"  {notes[i]}" if i < len(notes) and notes[i] else "")
        parts.append(_text(left + w + 6, y + bar_h * 0.7, note))
    parts.append("</svg>")
    return "".join(parts)


def column_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, title: str,
                 width: int = 640, height: int = 260) -> str:
    """Grouped columns: one group per category (e.g. quarter), one column per series (e.g. grade), with a legend."""
    left, bottom, top = 40, 40, 28
    legend_h = 18 * ((len(series) + 3) // 4)
    plot_h = height - top - bottom - legend_h
    peak = max((v for _, values in series for v in values), default=0) or 1
    group_w = (width - left - 10) / max(1, len(categories))
    col_w = max(2.0, (group_w - 10) / max(1, len(series)))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" width="100%" class="chart">', f"<title>{escape(title)}</title>",
             _text(0, 16, title, size=14),
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#adb5bd"/>',
             _text(left - 4, top + 10, f"{peak:,}", anchor="end", size=10, fill="#6c757d")]
    for g, category in enumerate(categories):
        x0 = left + g * group_w + 5
        for s, (name, values) in enumerate(series):
            value = values[g] if g < len(values) else 0
            h = plot_h * value / peak
            parts.append(f'<rect x="{x0 + s * col_w:.1f}" y="{top + plot_h - h:.1f}" width="{col_w - 1:.1f}" '
                         f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                         f"<title>{escape(category)} {escape(name)}: {value:,}</title></rect>")
        parts.append(_text(x0 + group_w / 2 - 5, top + plot_h + 16, category, anchor="middle", size=11))
    for s, (name, _values) in enumerate(series):
        x, y = left + (s % 4) * ((width - left) / 4), height - legend_h + 4 + (s // 4) * 18
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>')
        parts.append(_text(x + 14, y + 9, name, size=11))
    parts.append("</svg>")
    return "".join(parts)


def progress_bar(share: float, *, label: str, width: int = 320) -> str:
    """A single progress bar with the percentage written on it."""
    filled = max(0.0, min(1.0, share)) * (width - 2)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
            f'viewBox="0 0 {width} 22" width="{width}" height="22" class="chart">'
            f'<rect x="1" y="1" width="{width - 2}" height="20" rx="4" fill="#e9ecef"/>'
            f'<rect x="1" y="1" width="{filled:.1f}" height="20" rx="4" fill="#198754"/>'
            f'{_text(width / 2, 15, f"{share * 100:.1f}%", anchor="middle", size=12)}</svg>')
