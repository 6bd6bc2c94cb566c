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

from spikecheck.engine.stats import quantile
from spikecheck.nomask import distinct
from spikecheck.nomask import median as np_median
from spikecheck.notes import Note, NoteCode
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
SCAN_PREFIX = 20_000  # with no epoch geometry, the resets are looked for in this prefix
# ... in a log that does not say it holds running means, only when its changes correlate
# above this (per-step values measure -0.47 to -0.51, running means -0.2 to +0.2): a cheap
# look so that other logs skip the scan; the signature test decides.
PRECHECK_CORRELATION = -0.3


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
        return float(np_median(self.error))

    @property
    def relative_error(self) -> float:
        """Median error bound over the median recovered magnitude."""
        level = float(np_median(np.abs(self.values)))
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
    return is_running_mean_signature(running_mean_signature(values, pos))


def is_running_mean_signature(sig: tuple[float, float] | None) -> bool:
    """Whether a running_mean_signature (shrink slope, lag-1 correlation) is a running
    mean's: changes shrinking about like 1/k and not anti-correlated."""
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
    edges = distinct(np.geomspace(count.min(), count.max() + 1, 9).astype(np.int64))
    xs, ys = [], []
    floor = None
    pos_sizes = size[size > 0]
    if pos_sizes.size:
        smallest = float(np.min(pos_sizes))
        floor = smallest / 2 or smallest  # half the smallest denormal is 0: log(0) fails
    # each point's bin (count in [edges[j], edges[j + 1])), the points grouped by bin in
    # one stable sort of the small bin numbers rather than two comparisons per bin
    b = (np.searchsorted(edges, count, side="right") - 1).astype(np.int16)
    order = np.argsort(b, kind="stable")
    bounds = np.searchsorted(b[order], np.arange(edges.size))
    for j in range(edges.size - 1):
        sel = order[bounds[j]:bounds[j + 1]]
        if sel.size < 3:
            continue
        m = float(np_median(size[sel]))
        if m <= 0:
            if floor is None:
                continue
            m = floor
        xs.append(math.log(float(np_median(count[sel]))))
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
        return replace(series, notes=(*series.notes, Note(NoteCode.RUNNING_MEAN_LOOKS_PER_STEP)))
    if series.steps.size > PREFIX:
        pos = positions_in_epoch(series.steps, steps_per_epoch, origin, epochs)
        if pos is None:
            return None
    # Unless the writer is known, a running mean is taken as weighted by samples: Keras and
    # the AverageMeter of the PyTorch examples (update(loss, n=batch)) both weigh each
    # batch by its size. Weighted by steps instead, a short final batch's recovered value
    # reads as about the epoch's mean, which sits above a falling loss: a false spike.
    weighting = series.running_mean_weights or "samples"
    cumulative = None
    if weighting == "samples" and batch and samples_per_epoch:
        cumulative = sample_weights(pos, batch, samples_per_epoch)
    res = value_resolution(series.values)
    rec = recover(series.values, pos, res, cumulative)
    how = "declared" if declared else "data"
    if rec is None:
        return None
    if rec.relative_error > MAX_RELATIVE_ERROR:
        note = Note(NoteCode.RUNNING_MEAN_NOT_RECOVERABLE, {
            "recognised": how, **_resolution_params(res), "typical_error": rec.typical_error,
            "relative_error": rec.relative_error})
        if declared:
            return replace(series, notes=(*series.notes, note))
        return replace(series, running_mean=True, notes=(*series.notes, note))
    info = recovery_info(rec, how)
    norm = replace(series.normalization, running_mean_recovery=info)
    keep = rec.keep
    values = rec.values
    notes = (*series.notes, recovery_note(rec, how))
    if weighting == "samples" and cumulative is None:
        drop = _light_final_steps(series.values, pos, keep, values, steps_per_epoch)
        if drop is not None:
            keep = keep.copy()
            keep[np.flatnonzero(keep)[drop]] = False
            values = values[~drop]
            notes += (Note(NoteCode.RUNNING_MEAN_FINAL_STEPS_LEFT_OUT,
                           {"points": int(drop.sum())}),)
    return replace(series, steps=series.steps[keep], values=values,
                   epochs=None if series.epochs is None else series.epochs[keep],
                   running_mean=False, normalization=norm, notes=notes)


LIGHT_FINAL = 0.2  # a final step that moves the mean 5x less than the others weighs less


def _light_final_steps(logged: np.ndarray, pos: Positions, keep: np.ndarray,
                       recovered: np.ndarray, steps_per_epoch: float) -> np.ndarray | None:
    """Which kept points to leave out: each epoch's last step, when it moves the running
    mean much less than the other steps do (a short final batch in a mean weighted by
    samples, sizes unknown: its value, recovered as a full batch's, would read as about
    the epoch's mean). None when the final steps move the mean like any other (a full
    batch, or a short one whose loss is large: the bug itself, which must stay visible).
    """
    kept = np.flatnonzero(keep)
    prev_ok = np.zeros(kept.size, dtype=bool)
    prev_ok[1:] = (kept[1:] == kept[:-1] + 1) & (pos.epoch[kept[1:]] == pos.epoch[kept[:-1]])
    last = (pos.count[kept] == int(round(steps_per_epoch))) & prev_ok
    others = prev_ok & ~last
    if np.count_nonzero(last) < 3 or np.count_nonzero(others) < 10:
        return None
    move = np.zeros(kept.size)
    move[1:] = np.abs(recovered[1:] - logged[kept[:-1]])  # value against the mean before it
    typical = float(np_median(move[others]))
    if typical <= 0 or float(np_median(move[last])) >= LIGHT_FINAL * typical:
        return None
    return pos.count[kept] == int(round(steps_per_epoch))


def recovery_info(rec: Recovery, how: str) -> dict:
    """The JSON description of a recovery (Normalization.running_mean_recovery)."""
    return {
        "recognised": how,
        "weights": rec.weights,
        "decimals": rec.resolution.decimals,
        "median_window_steps": float(np_median(rec.steps_covered)),
        "per_step_share": round(float(np.mean(rec.steps_covered == 1)), 4),
        "median_error": _round(rec.typical_error),
        "max_error": _round(float(np.max(rec.error))),
        "relative_error": _round(rec.relative_error),
        "merged_points": rec.merged,
    }


def recovery_note(rec: Recovery, how: str) -> Note:
    """The note the report repeats: what was recovered and how precisely."""
    return Note(NoteCode.RUNNING_MEAN_RECOVERED, {
        "recognised": how, "weights": rec.weights, "merged": rec.merged,
        "per_step_share": float(np.mean(rec.steps_covered == 1)),
        "median_window_steps": float(np_median(rec.steps_covered)),
        "typical_error": rec.typical_error, "max_error": float(np.max(rec.error)),
        "relative_error": rec.relative_error, **_resolution_params(rec.resolution)})


def _resolution_params(res: Resolution) -> dict:
    """How precisely the values were logged, for a note: decimals, or the float width."""
    return {"decimals": res.decimals,
            "precision": "float32" if res.relative > 1e-12 else "float64"}


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
        # No epoch geometry to place points in their epoch: a running mean shows where its
        # epochs start by itself (each one resets the mean). A log that does not say it
        # holds running means is scanned only when its changes do not anti-correlate as
        # per-step noise does (a cheap look, so every other log skips the scan).
        if series.running_mean or _changes_not_anticorrelated(series.values[:SCAN_PREFIX]):
            return _recover_at_resets(series)
        return None
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


def epochs_from_resets(series: LossSeries) -> tuple[float, float] | None:
    """(steps per epoch, first step of an epoch) read off a running mean's own resets.

    A running mean's change shrinks like 1/k through the epoch and is largest where it
    restarts, so the logged changes' sizes recur with the epoch: the phase scan finds
    that period. The reset sits at the scan's phase or next to it.
    """
    from spikecheck.engine.period import period_from_phase_scan

    steps, values = series.steps[:SCAN_PREFIX], series.values[:SCAN_PREFIX]
    if steps.size < MIN_POINTS or not np.all(np.isfinite(values)):
        return None
    # relative changes: a loss that falls a hundredfold over training would otherwise rank
    # every late reset below the early epochs' ordinary changes
    dy = np.abs(np.diff(values))
    rel = dy / np.maximum(np.abs(values[:-1]), 1e-300)
    size = np.log(np.maximum(rel, np.max(rel, initial=0.0) * 1e-12 + 1e-300))
    fit = period_from_phase_scan(steps[1:], size, min_period=8)
    if fit is None or abs(fit.period - round(fit.period)) > 1e-9:
        return None
    spe = float(round(fit.period))
    gap = float(np_median(np.diff(steps)))
    # The change into an epoch's first step is a whole batch against the last epoch's mean;
    # the change into the step before it, the last of an epoch, is a batch's worth divided
    # by the steps of the epoch (even with a spike on that step, a fraction of a batch).
    # Of the scan's phase and its neighbours, the one whose typical change exceeds the
    # change just before it by most is where the mean restarts: about a batch's deviation
    # there, against about -0.3 of one a step late and a few hundredths a step early.
    phase = np.mod(steps[1:] - steps[0], spe)

    def typical_change_into(step: float) -> float | None:
        at = np.abs(phase - np.mod(step - steps[0], spe)) < 0.5
        return float(np_median(dy[at])) if np.count_nonzero(at) >= 2 else None

    best: tuple[float, float] | None = None
    for o in (fit.origin - gap, fit.origin, fit.origin + gap):
        into, before = typical_change_into(o), typical_change_into(o - gap)
        if into is None or before is None:
            continue
        excess = into - before
        if best is None or excess > best[0]:
            best = (excess, o - math.floor((o - steps[0]) / spe) * spe)
    return None if best is None else (spe, best[1])


def _changes_not_anticorrelated(values: np.ndarray) -> bool:
    """Lag-1 correlation of successive changes above PRECHECK_CORRELATION: per-step values
    are noise about a trend, so their changes correlate near -0.5; a running mean's near
    0. The changes are clipped to their 5-95% range first, or the few large ones at the
    resets (a jump and its undoing) would carry the correlation."""
    if values.size < MIN_POINTS or not np.all(np.isfinite(values)):
        return False
    d = np.diff(np.log(values) if np.all(values > 0) else values)
    lo, hi = quantile(d, 0.05), quantile(d, 0.95)  # np.quantile's numbers, without numpy.ma
    d = np.clip(d, lo, hi)
    a, b = d[:-1], d[1:]
    if np.std(a) == 0 or np.std(b) == 0:
        return False
    return float(np.corrcoef(a, b)[0, 1]) > PRECHECK_CORRELATION


def _recover_at_resets(series: LossSeries) -> LossSeries | None:
    """The recovered series with the epochs its resets show, or None."""
    found = epochs_from_resets(series)
    if found is None:
        return None
    spe, origin = found
    rec = recover_series(series, spe, origin)
    if rec is None or rec.normalization.running_mean_recovery is None:
        return rec
    epochs = np.floor((rec.steps - origin) / spe + 1e-9)
    note = Note(NoteCode.EPOCHS_FROM_RUNNING_MEAN_RESETS, {"steps_per_epoch": spe})
    return replace(rec, epochs=epochs, notes=(*rec.notes, note))
