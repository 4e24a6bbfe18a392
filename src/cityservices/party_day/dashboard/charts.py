"""Charts drawn on the server as inline SVG (no script, no external library): horizontal bars that fit a 360 px
phone, each label on its own line above its bar, values written out so that the chart reads without colour."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 320
ROW = 34  # label line + bar
BAR = 14
COLOURS = {"done": "#2e7d32", "due": "#f9a825", "overdue": "#c62828", "value": "#b71c1c"}
STATE_NAMES = {"done": "已完成", "due": "本期应办", "overdue": "逾期"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown (e.g. "92.5%", "¥1,230.00")


@dataclass(frozen=True)
class Stack:
    label: str
    parts: dict[str, int]  # done / due / overdue


def _svg(height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" font-size="12" '
        f'font-family="sans-serif"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def bar_chart(title: str, bars: list[Bar], *, scale_max: float | None = None) -> str:
    """One bar per row, lengths proportional to ``value`` (up to ``scale_max``, default the largest value)."""
    top = scale_max if scale_max is not None else max((b.value for b in bars), default=0.0)
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = i * ROW
        length = 0.0 if top <= 0 else max(0.0, min(bar.value / top, 1.0)) * (WIDTH - 80)
        body.append(f'<text x="0" y="{y + 12}">{escape(bar.label)}</text>')
        body.append(f'<rect x="0" y="{y + 16}" width="{WIDTH - 80}" height="{BAR}" fill="#eeeeee"/>')
        body.append(f'<rect x="0" y="{y + 16}" width="{length:.1f}" height="{BAR}" fill="{COLOURS["value"]}"/>')
        body.append(f'<text x="{WIDTH}" y="{y + 27}" text-anchor="end">{escape(bar.text)}</text>')
    if not bars:
        body.append('<text x="0" y="14">暂无数据</text>')
    return _svg(max(len(bars), 1) * ROW + 4, title, body)


def stacked_chart(title: str, stacks: list[Stack]) -> str:
    """One stacked bar per row (done / due / overdue), each row's length the row's total, with a legend."""
    top = max((sum(s.parts.values()) for s in stacks), default=0)
    body: list[str] = []
    x = 0
    for state, name in STATE_NAMES.items():  # the legend
        body.append(f'<rect x="{x}" y="2" width="10" height="10" fill="{COLOURS[state]}"/>')
        body.append(f'<text x="{x + 14}" y="11">{name}</text>')
        x += 90
    for i, stack in enumerate(stacks):
        y = 20 + i * ROW
        counts = " / ".join(str(stack.parts.get(state, 0)) for state in STATE_NAMES)
        body.append(f'<text x="0" y="{y + 12}">{escape(stack.label)}</text>')
        body.append(f'<text x="{WIDTH}" y="{y + 12}" text-anchor="end">{counts}</text>')
        offset = 0.0
        for state in STATE_NAMES:
            value = stack.parts.get(state, 0)
            length = 0.0 if top <= 0 else value / top * WIDTH
            if length > 0:
                body.append(f'<rect x="{offset:.1f}" y="{y + 16}" width="{length:.1f}" height="{BAR}" '
                            f'fill="{COLOURS[state]}"/>')  # fmt: skip
            offset += length
    if not stacks:
        body.append('<text x="0" y="34">暂无数据</text>')
    return _svg(20 + max(len(stacks), 1) * ROW + 4, title, body)
