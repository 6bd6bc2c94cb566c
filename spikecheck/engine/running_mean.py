"""Running means since the epoch began: recognise them in the data and recover what they hide.

A progress bar (Keras), an epoch-aggregating logger (ultralytics' `tloss`) or a custom
`total / (i + 1)` print logs m_k, the mean of the first k steps of the epoch. Between two
logged points j < k of one epoch the mean of the steps in between is

    x = (k·m_k − j·m_j) / (k − j),

the step's own value when j = k − 1; a bar that redraws every few steps gives window
means. With the logged decimals known, each x has a rounding-error bound, so the
precision of the recovery is known too. Pure numpy: no I/O, nothing about readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from spikecheck.series import LossSeries

MIN_POINTS = 40  # fewer logged points cannot show the 1/k shrinking of a running mean
# Log-log slope of point-to-point change against position: about -1 for a running mean
# (changes shrink like 1/k), about 0 for per-step values; steeper than STEEPEST is a fast
# decay after an epoch-boundary event, not an average.
SHRINK_SLOPE = -0.75
STEEPEST = -1.6
RAW_CORRELATION = -0.2  # lag-1 correlation of changes above this (raw values give -0.5)
MAX_RELATIVE_ERROR = 0.25  # median error bound over median |x| for a usable recovery
PREFIX = 200_000  # recognition looks at a prefix of huge logs: a habit shows early


@dataclass(frozen=True)
class Positions:
    """Each point's epoch index and how many steps of the epoch its running mean covers."""

    epoch: np.ndarray  # int64
    count: np.ndarray  # int64, >= 1


@dataclass(frozen=True)
class Resolution:
    """How precisely the values were logged: printed decimals or float bits."""

    quantum: float  # absolute rounding step of printed values (0 when none)
    relative: float  # relative rounding of binary floats (float32: 2^-24)
    decimals: int | None  # printed decimals, when the values are decimal

    def bound(self, values: np.ndarray) -> np.ndarray:
        """The largest rounding error of each logged value."""
        return self.quantum / 2 + self.relative * np.abs(values)

    def describe(self) -> str:
        if self.decimals is not None:
            return f"{self.decimals} logged decimal{'s' if self.decimals != 1 else ''}"
        return "float32 values" if self.relative > 1e-12 else "float64 values"


@dataclass(frozen=True)
class Recovery:
    """The window means hidden in a running mean, with each one's rounding-error bound."""

    values: np.ndarray
    window: np.ndarray  # weight units (steps or samples) between the two logged points
    steps_covered: np.ndarray  # steps between the two logged points
    error: np.ndarray
    resolution: Resolution
    weights: str  # "steps" or "samples"
    keep: np.ndarray  # which logged points end a recovered window (others were merged)

    @property
    def merged(self) -> int:
        return int(self.keep.size - np.count_nonzero(self.keep))

    @property
    def typical_error(self) -> float:
        return float(np.median(self.error))

    @property
    def relative_error(self) -> float:
        """Median error bound over the median recovered magnitude."""
        level = float(np.median(np.abs(self.values)))
        return self.typical_error / level if level > 0 else math.inf


def positions_in_epoch(steps: np.ndarray, steps_per_epoch: float, origin: float,
                       epochs: np.ndarray | None = None) -> Positions | None:
    """Epoch index and steps done in the epoch at each logged step (None if they do not fit).

    With an epoch column the origin is pinned by it: of the origins near the given one,
    the one whose epoch starts agree with the column wins (a log stamping step
    e·N + i with i from 1 starts its epochs one step after one that counts i from 0).
    """
    spe = float(steps_per_epoch)
    if spe < 2 or abs(spe - round(spe)) > 1e-6 or steps.size == 0:
        return None
    spe = float(round(spe))
    s = steps.astype(np.float64)
    candidates = [origin] + [origin + d for d in (1, -1, 2, -2)]
    for o in candidates:
        epoch = np.floor((s - o) / spe + 1e-9)
        count = np.rint(s - (o + epoch * spe)).astype(np.int64) + 1
        if count.min() < 1 or count.max() > spe:
            continue
        if epochs is not None and not _agrees(epoch, epochs):
            continue
        return Positions(epoch.astype(np.int64), count)
    return None


def _agrees(epoch: np.ndarray, column: np.ndarray) -> bool:
    """The computed epoch index differs from the column's by one constant."""
    ok = np.isfinite(column)
    if not ok.any():
        return True
    diff = epoch[ok] - np.floor(column[ok] + 1e-9)
    return bool(np.all(diff == diff[0]))


def value_resolution(values: np.ndarray) -> Resolution:
    """The logged precision: the fewest decimals that write every value, else float bits."""
    v = values[np.isfinite(values)]
    if v.size > 100_000:
        v = v[:: v.size // 100_000 + 1]
    big = np.abs(v).max(initial=0.0)
    for d in range(0, 9):
        scaled = v * 10.0 ** d
        if big * 10.0 ** d >= 2 ** 52:
            break
        if np.all(np.abs(scaled - np.rint(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return Resolution(10.0 ** -d, 0.0, d)
    if np.array_equal(v.astype(np.float32).astype(np.float64), v):
        return Resolution(0.0, 2.0 ** -24, None)
    return Resolution(0.0, 2.0 ** -53, None)


def _pairs(pos: Positions) -> np.ndarray:
    """Indices i > 0 whose predecessor is in the same epoch, at an earlier position."""
    i = np.arange(1, pos.count.size)
    same = (pos.epoch[1:] == pos.epoch[:-1]) & (pos.count[1:] > pos.count[:-1])
    return i[same]


def looks_like_running_mean(values: np.ndarray, pos: Positions) -> bool:
    """The values behave like a running mean reset each epoch.

    Two signatures together: the point-to-point change shrinks like 1/k through the epoch
    (log-log slope near -1; per-step values keep a steady change), and successive changes
    are nearly uncorrelated (a running mean adds (x_k - m_{k-1})/k; per-step values give
    differenced noise, lag-1 correlation about -0.5). Noise that merely calms down through
    each epoch (after a warm restart) shows the first but not the second.
    """
    sig = running_mean_signature(values, pos)
    return sig is not None and STEEPEST <= sig[0] <= SHRINK_SLOPE and sig[1] > RAW_CORRELATION


def looks_like_per_step(values: np.ndarray, pos: Positions) -> bool:
    """The values clearly behave like per-step values: changes that do not shrink through
    the epoch, or shrink a little but anti-correlate like differenced noise."""
    sig = running_mean_signature(values, pos)
    if sig is None:
        return False
    slope, corr = sig
    return slope > -0.3 or (slope > SHRINK_SLOPE and corr < -0.35)


def running_mean_signature(values: np.ndarray, pos: Positions) -> tuple[float, float] | None:
    """(shrink slope, lag-1 correlation of changes), or None when the log is too short."""
    if values.size > PREFIX:
        values = values[:PREFIX]
        pos = Positions(pos.epoch[:PREFIX], pos.count[:PREFIX])
    if values.size < MIN_POINTS:
        return None
    if np.all(values > 0):
        # On the log scale: a running mean's relative change still shrinks like 1/k, while
        # a per-step loss that merely falls through the epoch (data sorted by difficulty)
        # keeps a steady relative change.
        values = np.log(values)
    i = _pairs(pos)
    if i.size < MIN_POINTS // 2:
        return None
    d = values[i] - values[i - 1]
    ep = pos.epoch[i]
    c = pos.count[i].astype(np.float64)
    if c.max() < 8 * max(1.0, c.min()):
        return None
    # Remove each epoch's typical change (the drift of the loss through the epoch).
    r = d - _group_medians(d, ep)
    slope = _shrink_slope(np.abs(r), c)
    late = c >= 0.25 * c.max()
    late_slope = _shrink_slope(np.abs(r[late]), c[late]) if np.count_nonzero(late) >= 12 \
        else None
    if slope is None or late_slope is None:
        return None
    # Both the whole epoch and its later three quarters (the one farther from -1 counts).
    slope = slope if abs(slope + 1) >= abs(late_slope + 1) else late_slope
    # Lag-1 correlation of the changes scaled to a common size (x c), within epochs.
    u = r * c
    nxt = np.flatnonzero((i[1:] == i[:-1] + 1) & (ep[1:] == ep[:-1]))
    if nxt.size < 10:
        return None
    a, b = u[nxt], u[nxt + 1]
    if np.std(a) == 0 or np.std(b) == 0:
        return slope, 0.0  # changes vanish: the rounding of a settled mean
    return slope, float(np.corrcoef(a, b)[0, 1])


def _group_medians(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each value's group median (lower median), in one sort rather than a loop per group;
    groups that come in runs (epochs in a log) take one partition per run instead."""
    if groups.size > 1 and np.all(groups[1:] >= groups[:-1]):
        starts = np.concatenate(([0], np.flatnonzero(groups[1:] != groups[:-1]) + 1))
        if starts.size * 64 <= groups.size:  # long runs: a partition each beats the sort
            ends = np.append(starts[1:], groups.size)
            med = np.empty(starts.size)
            for j, (a, b) in enumerate(zip(starts.tolist(), ends.tolist())):
                k = (b - a - 1) // 2
                med[j] = np.partition(values[a:b], k)[k]
            return np.repeat(med, ends - starts)
    _, inv = np.unique(groups, return_inverse=True)
    order = np.lexsort((values, inv))
    counts = np.bincount(inv)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    med = values[order][starts + (counts - 1) // 2]
    return med[inv]


def _shrink_slope(size: np.ndarray, count: np.ndarray) -> float | None:
    """Slope of log(median change) against log(position) over log-spaced position bins."""
    edges = np.unique(np.geomspace(count.min(), count.max() + 1, 9).astype(np.int64))
    xs, ys = [], []
    floor = None
    pos_sizes = size[size > 0]
    if pos_sizes.size:
        smallest = float(np.min(pos_sizes))
        floor = smallest / 2 or smallest  # half the smallest denormal is 0: log(0) fails
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (count >= lo) & (count < hi)
        if np.count_nonzero(sel) < 3:
            continue
        m = float(np.median(size[sel]))
        if m <= 0:
            if floor is None:
                continue
            m = floor
        xs.append(math.log(float(np.median(count[sel]))))
        ys.append(math.log(m))
    if len(xs) < 4:
        return None
    return float(np.polyfit(xs, ys, 1)[0])


def recover(values: np.ndarray, pos: Positions, resolution: Resolution,
            cumulative_weight: np.ndarray | None = None) -> Recovery | None:
    """Window means between logged points of each epoch, with error bounds.

    `cumulative_weight` is the weight the running mean has summed at each point (samples
    for a mean weighted by batch size); by default the step count. A window whose value
    the logged decimals cannot resolve (|x| below 3x its error bound: one sample out of
    thousands, four decimals) is merged into the next window of its epoch (the last one
    of an epoch into the previous), so every value kept is known to within a third of
    itself; `keep` marks the points that end a window.
    None when the weights do not increase within an epoch (the positions do not fit).
    """
    w = pos.count.astype(np.float64) if cumulative_weight is None else \
        cumulative_weight.astype(np.float64)
    n = values.size
    if n == 0 or np.any(np.diff(pos.epoch) < 0):
        return None
    first = np.ones(n, dtype=bool)
    first[1:] = pos.epoch[1:] != pos.epoch[:-1]
    b = resolution.bound(values)
    anchor = np.where(first, -1, np.arange(n) - 1)  # the logged point each window starts at
    x, err = _windows(values, w, b, anchor)
    if x is None:
        return None
    keep = np.ones(n, dtype=bool)
    loose = np.abs(x) < 3 * err
    if loose.any() and n <= 1_000_000:
        last = np.ones(n, dtype=bool)
        last[:-1] = first[1:]
        for k in range(n):  # sequential: a merged window moves the next one's start
            if first[k]:
                start = -1
            anchor[k] = start
            xk, ek = _window(values, w, b, k, start)
            if abs(xk) < 3 * ek and not last[k]:
                keep[k] = False
                continue
            while last[k] and abs(xk) < 3 * ek and start >= 0:
                keep[start] = False  # the epoch's last window reaches back instead
                start = anchor[start]
                anchor[k] = start
                xk, ek = _window(values, w, b, k, start)
            start = k
        x, err = _windows(values, w, b, anchor)
        assert x is not None
    if values.min() >= 0:
        x = np.maximum(x, 0.0)  # means of non-negative losses: rounding cannot make x < 0
    prev_count = np.where(anchor < 0, 0, pos.count[np.maximum(anchor, 0)])
    return Recovery(x[keep], (w - np.where(anchor < 0, 0.0, w[np.maximum(anchor, 0)]))[keep],
                    (pos.count - prev_count)[keep], err[keep], resolution,
                    "steps" if cumulative_weight is None else "samples", keep)


def _windows(values, w, b, anchor) -> tuple[np.ndarray | None, np.ndarray]:
    """x and its error bound for every point, each window starting at its anchor."""
    has = anchor >= 0
    a = np.maximum(anchor, 0)
    w_prev = np.where(has, w[a], 0.0)
    m_prev = np.where(has, values[a], 0.0)
    b_prev = np.where(has, b[a], 0.0)
    span = w - w_prev
    if np.any(span <= 0):
        return None, span
    x = (w * values - w_prev * m_prev) / span
    err = (w * b + w_prev * b_prev) / span
    return x, err


def _window(values, w, b, k: int, start: int) -> tuple[float, float]:
    wp, mp, bp = (0.0, 0.0, 0.0) if start < 0 else (w[start], values[start], b[start])
    span = w[k] - wp
    return (w[k] * values[k] - wp * mp) / span, (w[k] * b[k] + wp * bp) / span


def sample_weights(pos: Positions, batch: int, samples_per_epoch: int) -> np.ndarray:
    """Samples summed after k steps of an epoch: k full batches, the last one short."""
    return np.minimum(pos.count.astype(np.float64) * batch, float(samples_per_epoch))


# --------------------------------------------------------------------------- series level


def recover_series(series: LossSeries, steps_per_epoch: float, origin: float,
                   batch: int | None = None, samples_per_epoch: int | None = None
                   ) -> LossSeries | None:
    """The series of recovered window means, or None when the values are no running mean.

    A series the reader declares a running mean is taken at its word; any other is
    recognised from the data. When the logged precision is too coarse for the recovery
    the series is returned marked as a running mean, with a note, and not recovered.
    """
    if series.normalization.running_mean_recovery is not None:
        return None
    head = slice(0, PREFIX)
    epochs = series.epochs
    pos = positions_in_epoch(series.steps[head], steps_per_epoch, origin,
                             None if epochs is None else epochs[head])
    if pos is None:
        return None
    declared = series.running_mean
    if not declared and not looks_like_running_mean(series.values[head], pos):
        return None
    if declared and looks_like_per_step(series.values[head], pos):
        note = ("the log's style prints running means, but these values change like "
                "per-step values (steady changes, differenced noise): not recovered")
        return replace(series, notes=(*series.notes, note))
    if series.steps.size > PREFIX:
        pos = positions_in_epoch(series.steps, steps_per_epoch, origin, epochs)
        if pos is None:
            return None
    weighting = series.running_mean_weights or ("samples" if declared else "steps")
    cumulative = None
    if weighting == "samples" and batch and samples_per_epoch:
        cumulative = sample_weights(pos, batch, samples_per_epoch)
    res = value_resolution(series.values)
    rec = recover(series.values, pos, res, cumulative)
    how = ("the log says so" if declared else
           "recognised from the data: changes shrink like 1/k through each epoch")
    if rec is None:
        return None
    if rec.relative_error > MAX_RELATIVE_ERROR:
        note = (f"the logged values are running means since the epoch began ({how}); "
                f"with {res.describe()} the per-step values cannot be recovered (error "
                f"±{_fmt(rec.typical_error)}, {rec.relative_error:.0%} of the loss)")
        if declared:
            return replace(series, notes=(*series.notes, note))
        return replace(series, running_mean=True, notes=(*series.notes, note))
    info = recovery_info(rec, how)
    norm = replace(series.normalization, running_mean_recovery=info)
    keep = rec.keep
    return replace(series, steps=series.steps[keep], values=rec.values,
                   epochs=None if series.epochs is None else series.epochs[keep],
                   running_mean=False, normalization=norm,
                   notes=(*series.notes, recovery_note(rec, how)))


def recovery_info(rec: Recovery, how: str) -> dict:
    """The JSON description of a recovery (Normalization.running_mean_recovery)."""
    return {
        "recognised": "declared" if how.startswith("the log") else "data",
        "weights": rec.weights,
        "decimals": rec.resolution.decimals,
        "median_window_steps": float(np.median(rec.steps_covered)),
        "per_step_share": round(float(np.mean(rec.steps_covered == 1)), 4),
        "median_error": _round(rec.typical_error),
        "max_error": _round(float(np.max(rec.error))),
        "relative_error": _round(rec.relative_error),
        "merged_points": rec.merged,
    }


def recovery_note(rec: Recovery, how: str) -> str:
    """The sentence the report repeats: what was recovered and how precisely."""
    per_step = float(np.mean(rec.steps_covered == 1))
    what = ("the value of each step" if per_step > 0.99 else
            f"the mean of the steps between logged points ({per_step:.0%} single steps, "
            f"median {float(np.median(rec.steps_covered)):g} steps)")
    weights = (" weighted by samples (--dataset-size/--batch-size)"
               if rec.weights == "samples" else "")
    merged = (f"; {rec.merged} windows too short for the logged precision merged into the "
              "next" if rec.merged else "")
    return (f"the logged values are running means since the epoch began ({how}); "
            f"analysed instead: {what}, recovered as (k·m_k − j·m_j)/(k − j){weights}{merged}; "
            f"precision ±{_fmt(rec.typical_error)} typical, ±{_fmt(float(np.max(rec.error)))} "
            f"at worst ({rec.relative_error:.1%} of the loss) from {rec.resolution.describe()}")


def _fmt(x: float) -> str:
    return f"{x:.2g}"


def _round(x: float) -> float | None:
    return None if not math.isfinite(x) else float(f"{x:.4g}")


# --------------------------------------------------------------------------- analyze() hook


def recover_running_mean(series: LossSeries, inputs) -> LossSeries | None:
    """analyze()'s hook: the recovered series when the log holds running means, else None.

    The epoch geometry comes from the log (epoch column, header) or the flags; samples
    per step come from --dataset-size and --batch-size when they fit the log.
    """
    from spikecheck.geometry import batch_arithmetic, resolve_geometry

    if series.per_epoch or series.steps.size < 2:
        return None
    if not series.running_mean and series.steps.size < MIN_POINTS:
        return None
    if series.epochs is None and not series.steps_per_epoch_hint and \
            inputs.steps_per_epoch is None and (inputs.dataset_size is None
                                                or inputs.batch_size is None):
        return None  # no epoch geometry to place points in their epoch
    geom = resolve_geometry(inputs, series.steps, series.epochs, series.steps_per_epoch_hint)
    if not geom.known:
        return None
    batch = samples = None
    if geom.final_batch is not None and geom.batch_size and geom.dataset_size:
        arith = batch_arithmetic(geom.dataset_size, geom.batch_size, drop_last=geom.drop_last,
                                 grad_accum=geom.grad_accum, world_size=geom.world_size)
        batch = geom.batch_size * geom.grad_accum
        samples = arith.samples_per_device if not geom.drop_last else \
            arith.steps_per_epoch * batch
    return recover_series(series, float(geom.steps_per_epoch), float(geom.origin),
                          batch, samples)


def with_running_mean_finding(report, series: LossSeries):
    """The report on recovered values, naming the running-mean logging it looked through.

    Nothing found in the recovered values: running-mean-logging is the finding (verdict
    clean: the log misleads, the training is fine). Something found: it stays first and
    running-mean-logging follows for the sawtooth in the log it does not explain.
    """
    from spikecheck.engine import diagnosis as dx

    info = series.normalization.running_mean_recovery or {}
    ev = ("the logged values are running means since the epoch began ("
          + ("the log says so" if info.get("recognised") == "declared" else
             "recognised from the data") + "), so the logged curve jumps at every epoch "
          "start; the per-step values recovered from them were analysed")
    if not report.diagnosis:
        ev += " and show no loss spikes tied to the epoch"
    found = dx.make("running-mean-logging", 0.85 if not report.diagnosis else 0.6, ev)
    return replace(report, diagnosis=(*report.diagnosis, found))
