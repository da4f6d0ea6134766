"""Small server-side SVG charts for the staff pages: score distributions and attempts over time."""

from __future__ import annotations

import html
from collections import Counter
from datetime import date, datetime, timedelta

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 12, 34
BAR = "#1f5fbf"


def bar_chart(labels: list[str], values: list[int], title: str) -> str:
    """Vertical bars with a count above each and its label below; an accessible title."""
    if not values:
        return ""
    high = max(max(values), 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / len(values)
    every = max(1, len(values) // 12)  # label at most about twelve bars
    parts = [
        f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" y2="{TOP + inner_h}" stroke="#888"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" font-size="9" text-anchor="end" fill="#555">{high}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + inner_h}" font-size="9" text-anchor="end" fill="#555">0</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = inner_h * value / high
        x = LEFT + i * step
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{TOP + inner_h - h:.1f}" width="{step * 0.8:.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{html.escape(label)}: {value}</title></rect>'
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{TOP + inner_h + 12}" font-size="9" '
                f'text-anchor="middle" fill="#555">{html.escape(label)}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-label="{html.escape(title)}"><title>{html.escape(title)}</title>'
        f"{''.join(parts)}</svg>"
    )


def score_histogram(scores: list[float], title: str = "Score distribution") -> str:
    """Learners per score band: 0–9%, 10–19%, …, 90–99%, and 100%."""
    bands = [0] * 11
    for score in scores:
        bands[min(int(score * 10 + 1e-9), 10)] += 1
    labels = [f"{10 * i}" for i in range(10)] + ["100"]
    return bar_chart(labels, bands, f"{title} (learners per score band, %)")


def attempts_timeline(times: list[datetime], title: str = "Attempts per day") -> str:
    """Attempts per day from the first to the last (days without attempts show as gaps)."""
    if not times:
        return ""
    days = Counter(moment.date() for moment in times)
    first, last = min(days), max(days)
    span = min((last - first).days, 120)
    dates = [last - timedelta(days=span - i) for i in range(span + 1)]
    return bar_chart([_short(d) for d in dates], [days.get(d, 0) for d in dates], title)


def _short(day: date) -> str:
    return f"{day.day} {day:%b}"
