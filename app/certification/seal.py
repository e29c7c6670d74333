"""A drawn demonstration seal: red ring, five-pointed star, organisation name along the arc.

Real deployments should pass the organisation's registered electronic seal image instead;
the certificate value objects only ever carry finished SVG text, so either source fits.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

SEAL_RED = "#d0201b"
_CENTRE = 100.0
_RING_OUTER = 96.0
_RING_WIDTH = 5.0
_MAX_ARC_DEG = 232.0  # longer names squeeze into the arc rather than wrap past the bottom label
_FONT = "Jiangcai Serif, Noto Serif CJK SC"  # the certificate face first (see certificates/common/base.css)


def _star_points(cx: float, cy: float, outer: float) -> str:
    """Return the polygon points of an upright five-pointed star."""
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(54))
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def _arc_text(name: str) -> list[str]:
    """Place each character on the upper arc, rotated to face outward."""
    chars = [c for c in name.strip() if not c.isspace()]
    if not chars:
        return []
    font_size = 22.0
    # Width of one glyph plus a little tracking, measured as an angle at the text radius.
    radius = _RING_OUTER - _RING_WIDTH - 4 - font_size * 0.88
    step = math.degrees(font_size * 1.08 / radius)
    if step * len(chars) > _MAX_ARC_DEG:
        # Shrink the glyphs so the whole name still fits the arc; the radius grows as they shrink.
        for _ in range(4):
            font_size = math.radians(_MAX_ARC_DEG / len(chars)) * radius / 1.08
            radius = _RING_OUTER - _RING_WIDTH - 4 - font_size * 0.88
        step = _MAX_ARC_DEG / len(chars)
    start = -step * (len(chars) - 1) / 2
    out = []
    for i, char in enumerate(chars):
        angle = start + i * step
        out.append(
            f'<text x="{_CENTRE}" y="{_CENTRE - radius:.2f}" font-size="{font_size:.2f}" '
            f'text-anchor="middle" transform="rotate({angle:.2f} {_CENTRE} {_CENTRE})">'
            f"{escape(char)}</text>"
        )
    return out


def make_seal_svg(org_name: str, label: str = "") -> str:
    """Return SVG text of a round red seal for ``org_name`` with an optional bottom ``label``."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">',
        # A thin stroke thickens the regular glyphs like a carved seal without a second font weight.
        f'<g fill="{SEAL_RED}" stroke="{SEAL_RED}" stroke-width="0.7" font-family="{_FONT}">',
        f'<circle cx="{_CENTRE}" cy="{_CENTRE}" r="{_RING_OUTER - _RING_WIDTH / 2}" fill="none" '
        f'stroke="{SEAL_RED}" stroke-width="{_RING_WIDTH}"/>',
        f'<polygon points="{_star_points(_CENTRE, _CENTRE, 27)}"/>',
        *_arc_text(org_name),
    ]
    if label.strip():
        size = min(14.0, 92.0 / max(len(label.strip()), 1))
        parts.append(
            f'<text x="{_CENTRE}" y="{_CENTRE + 50}" stroke-width="0.3" font-size="{size:.2f}" '
            'text-anchor="middle">'
            f"{escape(label.strip())}</text>"
        )
    parts.append("</g></svg>")
    return "".join(parts)
