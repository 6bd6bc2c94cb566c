"""Terminal charts drawn by hand: the whole loss curve in braille and the folded profile.

rich has no line charts. plotext draws them but costs ~110 ms to import and would be a new
dependency; a braille canvas is ~150 lines, deterministic for snapshot tests, and lets the
chart mark epoch boundaries and spikes exactly. Each chart returns rich Text lines; the
glyphs fall back to ASCII when the output cannot encode Unicode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rich.text import Text

from spikecheck.render.curve import Curve
from spikecheck.render.words import fmt_num
from spikecheck.report import Report

# Braille dot bits by (row 0..3 from the top, column 0..1).
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
_EIGHTHS = " ▁▂▃▄▅▆▇█"

CURVE_STYLE = "cyan"
AXIS_STYLE = "dim"
BOUNDARY_STYLE = "blue"
ALIGNED_STYLE = "bold red"
OTHER_STYLE = "yellow"


@dataclass(frozen=True)
class Glyphs:
    """The characters a chart uses; ASCII when the output cannot encode Unicode."""

    unicode: bool = True

    @property
    def boundary(self) -> str:
        return "┊" if self.unicode else ":"

    @property
    def tick(self) -> str:
        return "┴" if self.unicode else "+"

    @property
    def hline(self) -> str:
        return "─" if self.unicode else "-"

    @property
    def corner(self) -> str:
        return "└" if self.unicode else "+"

    @property
    def vline(self) -> str:
        return "┤" if self.unicode else "|"

    @property
    def axis(self) -> str:
        return "│" if self.unicode else "|"

    @property
    def aligned(self) -> str:
        return "▼" if self.unicode else "V"

    @property
    def other(self) -> str:
        return "▽" if self.unicode else "v"

    @property
    def full(self) -> str:
        return "█" if self.unicode else "#"


def _transform(values: np.ndarray, log: bool) -> np.ndarray:
    return np.log10(values) if log else values


def _inverse(t: float, log: bool) -> float:
    """Back from the chart's scale; an axis label past the float range reads as the
    largest float rather than overflowing."""
    return 10.0 ** min(float(t), 308.2547) if log else t


def curve_chart(report: Report, curve: Curve, width: int, height: int = 8,
                glyphs: Glyphs = Glyphs()) -> list[Text]:
    """Legend, then the whole loss curve: braille line, epoch boundaries, spikes, axes.

    Each dot column shows the min-max range of the points it covers, joined to its
    neighbours, so a one-step spike stays visible however long the run.
    """
    steps = curve.steps.astype(np.float64)
    vals = curve.values
    log = bool(report.log_scale) and bool(np.all(vals > 0))
    t = _transform(vals, log)
    lo, hi = float(np.min(t)), float(np.max(t))
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
        if not log:  # a flat line of the largest floats: half a unit is below their spacing
            lo, hi = lo - max(0.5, abs(lo) * 1e-9), hi + max(0.5, abs(hi) * 1e-9)
    labels = [fmt_num(_inverse(hi, log)), fmt_num(_inverse(hi / 2 + lo / 2, log)),
              fmt_num(_inverse(lo, log))]
    label_w = max(len(s) for s in labels) + 1
    plot_w = max(10, width - label_w - 1)
    dots_w, dots_h = plot_w * 2, height * 4
    s0, s1 = float(steps[0]), float(steps[-1])
    span = max(s1 - s0, 1.0)

    def xdot(s: np.ndarray | float) -> np.ndarray:
        return np.clip(np.floor((np.asarray(s, dtype=np.float64) - s0) / span * dots_w),
                       0, dots_w - 1).astype(np.int64)

    xd = xdot(steps)
    # in halves: hi - lo overflows to inf for values of both signs near 1e308 (then NaN rows)
    frac = (hi / 2 - t / 2) / (hi / 2 - lo / 2)
    yd = np.clip(np.round(frac * (dots_h - 1)), 0, dots_h - 1).astype(np.int64)
    top = np.full(dots_w, dots_h, dtype=np.int64)  # smallest y (highest point) per column
    bot = np.full(dots_w, -1, dtype=np.int64)
    np.minimum.at(top, xd, yd)
    np.maximum.at(bot, xd, yd)
    have = np.flatnonzero(bot >= 0)
    # Columns with no point (a sparse log) take the line between their neighbours.
    if have.size >= 2:
        missing = np.setdiff1d(np.arange(have[0], have[-1] + 1), have)
        if missing.size:
            mid = (top[have] + bot[have]) / 2.0
            fill = np.round(np.interp(missing, have, mid)).astype(np.int64)
            top[missing] = fill
            bot[missing] = fill
            have = np.arange(have[0], have[-1] + 1)

    grid = np.zeros((height, plot_w), dtype=np.int64)
    prev = None
    for c in have:
        a, b = int(top[c]), int(bot[c])
        if prev is not None:  # join to the previous column's range
            pa, pb = prev
            if a > pb + 1:
                a = pb + 1
            if b < pa - 1:
                b = pa - 1
        for y in range(a, b + 1):
            grid[y // 4, c // 2] |= _DOTS[y % 4][c % 2]
        prev = (int(top[c]), int(bot[c]))

    # Epoch boundaries: ticks on the axis, and faint lines where the curve leaves room.
    g = report.geometry
    bcols: set[int] = set()
    if g.known and g.boundaries.size:
        bcols = {int(c) // 2 for c in xdot(g.boundaries)}
    draw_lines = glyphs.unicode and 0 < len(bcols) <= plot_w // 3
    mark_ticks = 0 < len(bcols) <= plot_w * 2 // 3

    # Spike markers above the chart: aligned ones win a shared cell.
    marks: dict[int, bool] = {}
    for sp in report.spikes:
        if s0 <= sp.peak_step <= s1:
            c = int(xdot(sp.peak_step)) // 2
            marks[c] = marks.get(c, False) or sp.aligned

    lines: list[Text] = [_legend(report, log, len(bcols) if g.known else 0, mark_ticks,
                                 glyphs)]
    mrow = Text(" " * (label_w + 1))
    for c in range(plot_w):
        if c in marks:
            aligned = marks[c]
            mrow.append(glyphs.aligned if aligned else glyphs.other,
                        ALIGNED_STYLE if aligned else OTHER_STYLE)
        else:
            mrow.append(" ")
    mrow.rstrip()
    if marks:
        lines.append(mrow)
    for row in range(height):
        label = labels[0] if row == 0 else labels[2] if row == height - 1 else \
            labels[1] if row == (height - 1) // 2 else ""
        line = Text(label.rjust(label_w), AXIS_STYLE)
        line.append(glyphs.vline if label else glyphs.axis, AXIS_STYLE)
        for c in range(plot_w):
            bits = int(grid[row, c])
            if bits:
                line.append(_cell(bits, glyphs), CURVE_STYLE)
            elif draw_lines and c in bcols:
                line.append(glyphs.boundary, BOUNDARY_STYLE)
            else:
                line.append(" ")
        lines.append(line)
    axis = Text(" " * label_w + glyphs.corner, AXIS_STYLE)
    for c in range(plot_w):
        if mark_ticks and c in bcols:
            axis.append(glyphs.tick, BOUNDARY_STYLE)
        else:
            axis.append(glyphs.hline, AXIS_STYLE)
    lines.append(axis)
    left, right = f"step {report.first_step}", str(report.last_step)
    gap = max(1, plot_w + 1 - len(left) - len(right))
    lines.append(Text(" " * label_w + left + " " * gap + right, AXIS_STYLE))
    return lines


def _cell(bits: int, glyphs: Glyphs) -> str:
    if glyphs.unicode:
        return chr(0x2800 + bits)
    upper = bits & (0x01 | 0x08 | 0x02 | 0x10)
    lower = bits & (0x04 | 0x20 | 0x40 | 0x80)
    return ":" if upper and lower else "'" if upper else "."


def _legend(report: Report, log: bool, nbound: int, ticks: bool, glyphs: Glyphs) -> Text:
    """What the marks on the curve chart mean (only the marks it shows)."""
    t = Text("loss" + (" (log scale)" if log else ""), "bold")
    if ticks:
        t.append("  ")
        t.append(glyphs.tick, BOUNDARY_STYLE)
        t.append(" epoch start")
    elif nbound:
        t.append(f"  ({int(report.geometry.boundaries.size)} epochs: too many to mark)")
    if any(s.aligned for s in report.spikes):
        t.append("  ")
        t.append(glyphs.aligned, ALIGNED_STYLE)
        t.append(" spike at a boundary")
    if any(not s.aligned for s in report.spikes):
        t.append("  ")
        t.append(glyphs.other, OTHER_STYLE)
        t.append(" other spike")
    return t


def profile_chart(report: Report, width: int, height: int = 5,
                  glyphs: Glyphs = Glyphs()) -> list[Text]:
    """The folded epoch profile as columns: loss / usual loss at each offset from the start.

    Bars rise above the 1x line for an excess and hang below it for a dip, scaled on a log
    axis so a 16x spike and a 0.8x drop both read; a floor keeps noise near 1x flat.
    """
    prof = report.alignment.profile
    if not prof:
        return []
    ratios = [p.ratio if p.ratio > 0 and math.isfinite(p.ratio) else 1.0 for p in prof]
    logs = [math.log(r) for r in ratios]
    up_max = max([v for v in logs if v > 0], default=0.0)
    down_max = -min([v for v in logs if v < 0], default=0.0)
    floor = math.log(1.5)
    up_rows = height
    down_rows = 2 if down_max > math.log(1.1) else 0
    up_scale = max(up_max, floor)
    down_scale = max(down_max, floor)
    offs = [f"{p.offset:+d}" for p in prof]
    col_w = max(len(s) for s in offs) + 1
    top_label = f"{fmt_num(max(ratios))}x" if fmt_num(max(ratios)) != "1" else ""
    bot_label = f"{fmt_num(min(ratios))}x" if down_rows else ""
    label_w = max(len(top_label), len(bot_label), 2) + 1
    if label_w + 1 + col_w * len(prof) > width:
        col_w = max(2, (width - label_w - 1) // len(prof))
    bar_w = max(1, col_w - 1)
    styles = [ALIGNED_STYLE if abs(p.mean_z) >= 3 and r > 1 else
              OTHER_STYLE if abs(p.mean_z) >= 3 else CURVE_STYLE
              for p, r in zip(prof, ratios)]

    lines: list[Text] = []
    for row in range(up_rows):  # row 0 is the top
        level = up_rows - row  # this row covers (level-1, level] in row units
        label = top_label if row == 0 else ""
        line = Text(label.rjust(label_w), AXIS_STYLE)
        line.append(glyphs.vline if label else glyphs.axis, AXIS_STYLE)
        for v, st in zip(logs, styles):
            units = max(0.0, v) / up_scale * up_rows
            fill = min(1.0, max(0.0, units - (level - 1)))
            ch = _eighth(fill, glyphs)
            line.append((ch * bar_w).ljust(col_w), st if ch.strip() else None)
        lines.append(line)
    base = Text("1x".rjust(label_w), AXIS_STYLE)
    base.append(glyphs.vline, AXIS_STYLE)
    base.append(glyphs.hline * (col_w * len(prof)), AXIS_STYLE)
    lines.append(base)
    for row in range(down_rows):
        label = bot_label if row == down_rows - 1 else ""
        line = Text(label.rjust(label_w), AXIS_STYLE)
        line.append(glyphs.vline if label else glyphs.axis, AXIS_STYLE)
        for v, st in zip(logs, styles):
            units = max(0.0, -v) / down_scale * down_rows
            fill = min(1.0, max(0.0, units - row))
            ch = (glyphs.full if fill >= 0.75 else ("▀" if glyphs.unicode else "'")
                  if fill >= 0.25 else " ")
            line.append((ch * bar_w).ljust(col_w), st if ch.strip() else None)
        lines.append(line)
    xl = Text(" " * (label_w + 1), AXIS_STYLE)
    step = 1 if col_w >= max(len(s) for s in offs) + 1 else 2
    for i, s in enumerate(offs):
        cell = s if i % step == 0 else ""
        xl.append(cell.ljust(col_w)[:col_w],
                  "bold" if prof[i].offset in (-1, 0) else AXIS_STYLE)
    xl.rstrip()
    lines.append(xl)
    return lines


def _eighth(fill: float, glyphs: Glyphs) -> str:
    if fill <= 0:
        return " "
    if not glyphs.unicode:
        return "#" if fill >= 0.5 else "." if fill > 0.1 else " "
    return _EIGHTHS[max(1, min(8, int(round(fill * 8))))] if fill > 1 / 16 else " "
