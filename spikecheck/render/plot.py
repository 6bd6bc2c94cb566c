"""--plot FILE.png: the loss curve and the folded epoch profile, side by side.

Left: the loss over the run on a log axis (linear when a value is not positive), epoch
boundaries as faint vertical lines, spikes marked (red at a boundary, orange elsewhere).
Right: the folded profile, the loss at each offset from the epoch start as a multiple of
the usual loss, with the boundary drawn between -1 and +0. matplotlib is an optional
extra, imported only here, only when --plot is given; several runs write one file each.
"""

from __future__ import annotations

import math
import os

from spikecheck.render import sanitize
from spikecheck.render.interface import RunOutcome
from spikecheck.render.words import headline

MAX_BOUNDARY_LINES = 400
DRAWABLE = 1e307  # a linear axis spanning more (+-1e308) overflows matplotlib's transforms


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed; the message says how to get it."""


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise PlotUnavailable("--plot needs matplotlib, which is not installed: "
                              "pip install 'spikecheck[plot]'") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def plot_paths(path: str, outcomes: list[RunOutcome]) -> list[str | None]:
    """The file for each run: `path` itself for one run, path-1.png, path-2.png... else."""
    drawable = [o for o in outcomes if o.report is not None and o.curve is not None]
    if len(drawable) <= 1:
        return [path if o in drawable else None for o in outcomes]
    stem, ext = os.path.splitext(path)
    ext = ext or ".png"
    out: list[str | None] = []
    i = 0
    for o in outcomes:
        if o in drawable:
            i += 1
            out.append(f"{stem}-{i}{ext}")
        else:
            out.append(None)
    return out


def figure(o: RunOutcome, plt=None):
    """The matplotlib Figure for one run."""
    plt = plt or _pyplot()
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    r, curve = o.report, o.curve
    assert r is not None and curve is not None
    has_profile = bool(r.alignment.profile)
    fig, axes = plt.subplots(
        1, 2 if has_profile else 1, figsize=(13, 4.8) if has_profile else (10, 4.8),
        gridspec_kw={"width_ratios": [3, 1.2]} if has_profile else None, squeeze=False)
    ax = axes[0][0]
    steps, vals = curve.steps, curve.values
    log = bool(np.all(vals > 0))
    clipped = not log and vals.size and float(np.max(np.abs(vals))) > DRAWABLE
    if clipped:  # a span past the float range makes matplotlib's transforms singular
        vals = np.clip(vals, -DRAWABLE, DRAWABLE)
    ax.plot(steps, vals, lw=0.7, color="#1f77b4", label="loss")
    if log:
        ax.set_yscale("log")
        _plain_log_ticks(ax, float(vals.min()), float(vals.max()))
    if vals.size and float(vals.max()) > 1e300:
        # matplotlib's autoscale margins overflow near the float limit: set them by hand
        top = float(vals.max())
        bottom = float(vals.min())
        ax.set_ylim((bottom / 10 or bottom) if log else bottom - abs(bottom) * 0.05,
                    top * 1.05 if top < 1.7e308 else top)
    g = r.geometry
    if g.known and g.boundaries.size:
        bounds = g.boundaries
        if bounds.size > MAX_BOUNDARY_LINES:
            bounds = bounds[:: math.ceil(bounds.size / MAX_BOUNDARY_LINES)]
        for i, b in enumerate(bounds):
            ax.axvline(b, color="0.55", lw=0.6, ls="--", alpha=0.6, zorder=0,
                       label="epoch start" if i == 0 else None)
    aligned = [s for s in r.spikes if s.aligned]
    other = [s for s in r.spikes if not s.aligned]
    def shown(v: float) -> float:
        return max(-DRAWABLE, min(DRAWABLE, v)) if clipped else v

    if aligned:
        ax.scatter([s.peak_step for s in aligned], [shown(s.peak_value) for s in aligned],
                   marker="v", s=28, color="#d62728", zorder=3, label="spike at a boundary")
    if other:
        ax.scatter([s.peak_step for s in other], [shown(s.peak_value) for s in other],
                   marker="v", s=22, color="#ff7f0e", zorder=3, label="other spike")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss" + (" (log scale)" if log else ""))
    ax.set_xlim(steps[0], steps[-1])
    ax.grid(True, which="major", axis="y", alpha=0.25)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, fontsize=8, frameon=False)
    if curve.thinned or clipped:
        ax.text(0.01, 0.01, "; ".join(
            ([f"{curve.points} points, thinned for drawing (min-max)"] if curve.thinned else [])
            + ([f"values beyond +-{DRAWABLE:g} drawn at the edge"] if clipped else [])),
            transform=ax.transAxes, fontsize=7, color="0.4")

    if has_profile:
        pax = axes[0][1]
        prof = r.alignment.profile
        offs = [p.offset for p in prof]
        ratios = [p.ratio if p.ratio > 0 else float("nan") for p in prof]
        colors = ["#d62728" if abs(p.mean_z) >= 3 and p.ratio > 1 else
                  "#ff7f0e" if abs(p.mean_z) >= 3 else "#1f77b4" for p in prof]
        pax.bar(offs, [x - 1 for x in ratios], bottom=1, color=colors,
                width=0.8 * max(1, g.log_every))
        pax.axhline(1, color="0.3", lw=0.8)
        k = max(1, g.log_every)
        pax.axvline(-k / 2, color="0.55", lw=0.8, ls="--")
        pax.text(-k / 2, 1.0, " epoch start", transform=pax.get_xaxis_transform(),
                 fontsize=8, color="0.35", va="top", ha="left")
        finite = [x for x in ratios if x == x]
        # Never magnify noise: the axis spans at least 1/1.5x to 1.5x.
        lo = min(min(finite, default=1.0) * 0.95, 1 / 1.5)
        hi = max(max(finite, default=1.0) * 1.05, 1.5)
        if lo > 0 and hi / lo > 3:
            pax.set_yscale("log")
            _plain_log_ticks(pax, lo, hi)
        pax.set_ylim(lo, hi)
        n = max(p.epochs for p in prof)
        pax.set_title(f"loss around the epoch start, folded over {n} epochs", fontsize=9,
                      loc="left")
        pax.set_xlabel("steps from the epoch start (-1 = last step)")
        pax.xaxis.set_major_locator(MaxNLocator(integer=True))
        pax.set_ylabel("x the usual loss")
        pax.grid(True, axis="y", alpha=0.25)

    cause = f" · {r.cause}" if r.cause else ""
    fig.suptitle(f"{r.verdict}{cause}   {_short(f'{r.source} ({r.metric})', 80)}\n"
                 f"{_short(headline(r), 150)}", fontsize=10.5, x=0.01, ha="left")
    fig.tight_layout()
    return fig


def _plain_log_ticks(ax, lo: float, hi: float) -> None:
    """Log-axis tick labels as plain numbers (0.5, 2, 10), minor ones only on short ranges."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    fmt = FuncFormatter(lambda v, _pos: f"{v:g}")
    ax.yaxis.set_major_formatter(fmt)
    ax.yaxis.set_minor_formatter(fmt if hi / max(lo, 1e-300) < 10 else NullFormatter())


def _short(s: str, n: int = 90) -> str:
    """A cleaned one-line title; matplotlib mathtext is disabled by escaping '$'."""
    s = sanitize.clean(s, limit=n)
    return s.replace("$", r"\$")

