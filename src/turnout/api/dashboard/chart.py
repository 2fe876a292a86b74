"""The fallback and failure rate chart: inline SVG drawn on the server, no script needed."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from turnout.api.dashboard.views import Bucket

WIDTH, HEIGHT = 1080, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 14, 30


def rate_chart(buckets: Sequence[Bucket]) -> Markup:
    """Bars: attempts per slice (right axis); lines: fallback and failure rate (left axis, %)."""
    n = max(len(buckets), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / n
    most = max((b.ran for b in buckets), default=0) or 1
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-label="Fallback and failure rate of stage attempts over time" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for pct in (0, 25, 50, 75, 100):
        y = TOP + plot_h * (1 - pct / 100)
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>'
        )
    out.append(
        f'<text class="axis" x="{WIDTH - RIGHT + 6}" y="{TOP + 4}">{most}</text>'
        f'<text class="axis" x="{WIDTH - RIGHT + 6}" y="{TOP + plot_h + 4}">0</text>'
    )
    every = max(1, n // 8)
    for i, b in enumerate(buckets):
        x = LEFT + slot * i
        h = plot_h * b.ran / most
        label = escape(
            f"{b.start:%Y-%m-%d %H:%M} UTC: {b.ran} attempts, {b.fallback} fallback "
            f"({b.fallback_rate:.0%}), {b.failed} failed ({b.failure_rate:.0%})"
        )
        out.append(
            f'<rect class="volume" x="{x + 1:.1f}" y="{TOP + plot_h - h:.1f}" '
            f'width="{max(slot - 2, 1):.1f}" height="{h:.1f}"><title>{label}</title></rect>'
        )
        if i % every == 0:
            out.append(
                f'<text class="axis" x="{x + slot / 2:.1f}" y="{HEIGHT - 10}" '
                f'text-anchor="middle">{b.start:%H:%M}</text>'
            )
    for name in ("fallback", "failure"):
        points = [
            (LEFT + slot * (i + 0.5), TOP + plot_h * (1 - float(getattr(b, f"{name}_rate"))))
            for i, b in enumerate(buckets)
            if b.ran
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(f'<polyline class="line {name}" points="{path}"/>')
        out.extend(
            f'<circle class="dot {name}" cx="{x:.1f}" cy="{y:.1f}" r="3.5"/>' for x, y in points
        )
    out.append("</svg>")
    return Markup("".join(out))
