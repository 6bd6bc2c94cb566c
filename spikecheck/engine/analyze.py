"""analyze(): one LossSeries plus what is known of the epochs in, one Report out. No I/O.

The measurements are made here; the verdict and the causes are decided from them in
engine/decision.py, with every threshold named in its Thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from functools import cache

import numpy as np

from spikecheck.engine import diagnosis as dx
from spikecheck.engine.decision import THRESHOLDS, Evidence, Thresholds, decide
from spikecheck.engine.folding import (
    FoldResult,
    PhaseStructure,
    fold_by_epoch,
    level_shift,
    offset_effect,
    phase_of,
    phase_structure,
)
from spikecheck.engine.geometry_check import explain_period, period_matches
from spikecheck.engine.period import (
    PeriodFit,
    period_from_autocorrelation,
    period_from_events,
    period_from_phase_scan,
)
from spikecheck.engine.running_mean import PREFIX as RM_PREFIX
from spikecheck.engine.running_mean import recover_running_mean, with_running_mean_finding
from spikecheck.engine.same_order import same_order
from spikecheck.engine.spikes import Detrended, RawEvent, detrend, find_events, rolling_median
from spikecheck.engine.stats import (
    binom_sf,
    exp_capped,
    median_of_gaps,
    median_positive_gap,
    quantile,
)
from spikecheck.geometry import (
    EpochGeometry,
    GeometryInputs,
    batch_arithmetic,
    geometry_from_epochs,
    implied_dataset_sizes,
    resolve_geometry,
)
from spikecheck.nomask import distinct
from spikecheck.nomask import median as np_median
from spikecheck.notes import Note, NoteCode
from spikecheck.report import Alignment, FoldedPoint, Period, Report, SpikeEvent
from spikecheck.series import LossSeries
from spikecheck.verdicts import Inconclusive, Verdict

MIN_POINTS = 8
ALPHA_PERIOD = 1e-6  # a recurrence period found by chance less often than this is real
LEVEL_SCAN_PREFIX = 2_000_000  # points the level scan reads of a long log
ACF_STRENGTH = 0.3  # autocorrelation at the period for a shape that recurs


class InsufficientData(ValueError):
    """Too few points to say anything."""


def analyze(series: LossSeries, inputs: GeometryInputs | None = None,
            thresholds: Thresholds = THRESHOLDS) -> Report:
    """Detect spikes, place them against the epoch geometry, and diagnose the cause."""
    inputs = inputs or GeometryInputs()
    if series.per_epoch and series.steps.size:
        return per_epoch_report(series, inputs)
    recovered = recover_running_mean(series, inputs)  # running means -> per-step values
    if recovered is not None and recovered.normalization.running_mean_recovery is not None:
        return with_running_mean_finding(analyze(recovered, inputs, thresholds), recovered)
    series = recovered or series
    n = series.steps.size
    if n < MIN_POINTS:
        norm = series.normalization
        why = ""
        if norm.dropped_nonfinite:
            why = (f" ({norm.dropped_nonfinite} of {norm.raw_points} values are NaN/inf; the "
                   f"loss became non-finite at step {norm.first_nonfinite_step})")
        raise InsufficientData(
            f"{series.source}: only {n} finite point{'s' if n != 1 else ''} of "
            f"{series.metric!r}{why}: too few to analyse"
        )
    warnings: list[Note] = list(series.notes)
    series, note = steps_from_epoch_fraction(series, inputs)
    if note:
        warnings.append(note)
    steps, values = series.steps, series.values
    geom = resolve_geometry(inputs, steps, series.epochs, series.steps_per_epoch_hint)
    norm = series.normalization
    if norm.dropped_nonfinite:
        warnings.append(Note(NoteCode.NONFINITE_DROPPED, {
            "values": norm.dropped_nonfinite, "first_step": norm.first_nonfinite_step}))
    if norm.duplicate_steps:
        warnings.append(Note(NoteCode.REPEATED_STEPS, {"steps": norm.duplicate_steps}))
    warnings.extend(geom.notes)
    median_gap = cache(lambda: _median_gap(steps))  # asked twice, computed once
    sampled = _steps_look_like_samples(steps, geom, median_gap)
    if sampled is not None:
        warnings.append(sampled)

    d = detrend(values)
    raw = find_events(d)
    k = max(1, geom.log_every)
    tol = max(3, k)

    # Period discovery never needs the geometry; it checks it.
    pfit = _discover_period(steps, d, raw, tol)
    if pfit is None and not geom.known:
        # only where nothing else gives the epoch: a check of flags needs a real recurrence
        pfit = _period_from_step_count(steps, d, raw, k)
    inferred = False
    mismatch = None
    if geom.known and pfit is not None and pfit.strength >= thresholds.period_strength:
        check = explain_period(pfit.period, inputs, geom, pfit.method)
        if check is not None:
            mismatch = check.note
            warnings.append(check.note)
            if check.corrected is not None:
                # The loader arithmetic with the corrected flag gives the epoch exactly.
                fixed = resolve_geometry(check.corrected, steps, None, None)
                geom = replace(fixed, disagreements=geom.disagreements, notes=geom.notes)
            else:
                geom = _with_period(geom, pfit, steps, d, k, raw)
            inferred = True
    elif not geom.known and pfit is not None and pfit.strength >= thresholds.period_strength:
        geom = _with_period(geom, pfit, steps, d, k, raw)
        inferred = True
    warnings.extend(geom.disagreements)

    spikes: list[SpikeEvent] = []
    alignment = Alignment(events=len(raw))
    fold = pstruct = shift = final = start = None
    observed = 0
    ppe = None
    running_mean = series.running_mean
    if geom.known:
        spe, origin = float(geom.steps_per_epoch), float(geom.origin)
        phase = phase_of(steps, spe, origin, k)
        spikes, alignment = _align(raw, d, steps, values, phase, spe, origin, tol, geom)
        fold = fold_by_epoch(d.z, d.resid, phase, d.log_scale, points_per_epoch=spe / k)
        if fold is not None:
            final = offset_effect(d.z, d.resid, phase, -1, d.log_scale, fold, y=d.y)
            start = offset_effect(d.z, d.resid, phase, 0, d.log_scale, fold)
        pstruct = phase_structure(d.y, steps, spe, origin, k, base=d.baseline)
        shift = level_shift(d.y, phase, spe / k)
        if series.normalization.running_mean_recovery is None:
            running_mean = running_mean or (
                _looks_like_running_mean(d.y, steps, spe, origin)
                and not _signature_says_per_step(series, spe, origin))
        alignment = _with_fold(alignment, fold, pstruct, geom, k)
        observed = observed_boundaries(steps, geom.boundaries, k)
        # by the typical gap, or by the points actually logged per epoch covered when
        # that is more (a Keras progress bar's redraws at 1, 22, 45 and 51 of 51 steps are
        # four points an epoch, though their typical gap says 2.5)
        span = max(1.0, float(steps[-1] - steps[0]) + 1)
        ppe = max(spe / median_gap(), n * spe / span)
    else:
        spikes = _events(raw, d, steps, values)

    evidence = Evidence(
        geometry=geom, inferred=inferred, log_scale=d.log_scale, alignment=alignment,
        spikes=tuple(spikes), noise_q95=_q95_abs(d.z), observed_boundaries=observed,
        points_per_epoch=ppe, fold=fold, final=final, start=start, shift=shift,
        shape=pstruct, period=pfit, running_mean=running_mean,
        running_mean_declared=series.running_mean,
        kept_after_spike=kept_after_spike(raw, d, spikes),
        first_step=int(steps[0]), last_step=int(steps[-1]),
        startup_until=int(steps[min(n - 1, max(thresholds.startup_points,
                                               int(n * thresholds.startup_share)) - 1)]),
        same_order=same_order(d.resid, steps, float(geom.steps_per_epoch), float(geom.origin),
                              k) if geom.known and not inferred else None,
    )
    decision = decide(evidence, thresholds)
    if decision.position is not None or decision.direction is not None:
        alignment = replace(alignment, position=decision.position,
                            direction=decision.direction)
    alignment = replace(alignment, observed_boundaries=observed)
    if inferred and geom.source == "inferred" and decision.verdict == Verdict.EPOCH_ALIGNED \
            and mismatch is None:
        warnings.append(Note(NoteCode.EPOCH_LENGTH_INFERRED,
                             {"steps_per_epoch": geom.steps_per_epoch}))
    return Report(
        source=series.source, metric=series.metric, points=int(n),
        first_step=int(steps[0]), last_step=int(steps[-1]), verdict=decision.verdict,
        geometry=geom, normalization=norm, spikes=tuple(spikes), alignment=alignment,
        period=_period_report(pfit, geom, inferred),
        diagnosis=tuple(dx.in_framework(d, series.framework) for d in decision.causes),
        warnings=tuple(dict.fromkeys(warnings)),
        log_scale=d.log_scale,
        inconclusive=decision.inconclusive, inconclusive_detail=decision.inconclusive_detail,
        geometry_mismatch=mismatch, framework=series.framework,
    )


def per_epoch_report(series: LossSeries, inputs: GeometryInputs) -> Report:
    """A log of one value per epoch: readable, but it cannot show where in an epoch a spike
    sits, so the verdict is inconclusive (not an error, and never clean)."""
    inputs.validate()
    geom = EpochGeometry(steps_per_epoch=None, origin=0.0, source="none",
                         batch_size=inputs.batch_size, dataset_size=inputs.dataset_size,
                         grad_accum=inputs.grad_accum, world_size=inputs.world_size,
                         drop_last=inputs.drop_last)
    n = int(series.steps.size)
    detail = (f"{series.metric!r} holds one value per epoch ({n} epoch{'s' if n != 1 else ''}): "
              "a per-epoch log cannot show a spike inside an epoch")
    return Report(
        source=series.source, metric=series.metric, points=n,
        first_step=int(series.steps[0]), last_step=int(series.steps[-1]),
        verdict=Verdict.INCONCLUSIVE, geometry=geom, normalization=series.normalization,
        warnings=tuple(dict.fromkeys(series.notes)),
        log_scale=bool(np.all(series.values > 0)),
        inconclusive=Inconclusive.PER_EPOCH_LOG, inconclusive_detail=detail,
        framework=series.framework,
    )


def steps_from_epoch_fraction(series: LossSeries, inputs: GeometryInputs
                              ) -> tuple[LossSeries, Note | None]:
    """Row-number steps made optimizer steps, from a fractional epoch and the flags.

    Hugging Face Trainer's printed dicts carry `epoch` (a fraction) but no step: a row is
    written every `logging_steps`. With the steps per epoch known from the flags, the
    epoch fraction per row gives that interval, and the rows become steps.
    """
    e = series.epochs
    if not series.normalization.step_from_row_index or e is None:
        return series, None
    ok = np.isfinite(e)
    if ok.sum() < 2 or np.all(np.abs(e[ok] - np.round(e[ok])) < 1e-9):
        return series, None
    spe_flags = None
    if inputs.steps_per_epoch:
        spe_flags = float(inputs.steps_per_epoch)
    elif inputs.dataset_size and inputs.batch_size:
        spe_flags = float(batch_arithmetic(
            inputs.dataset_size, inputs.batch_size, drop_last=inputs.drop_last,
            grad_accum=inputs.grad_accum, world_size=inputs.world_size).steps_per_epoch)
    fit = geometry_from_epochs(series.steps, e)
    if spe_flags is None or fit is None or fit[0] <= 0:
        return series, None
    every = spe_flags / fit[0]
    k = round(every)
    if k < 2 or abs(every - k) > 0.05 * k:
        return series, None
    rows = series.steps - series.steps[0]
    first = max(1, int(round(float(e[ok][0]) * spe_flags / k)))
    steps = (rows + first) * k
    note = Note(NoteCode.ROWS_NOT_STEPS, {"steps_per_epoch": spe_flags, "every": k})
    return replace(series, steps=steps.astype(np.int64)), note


def kept_after_spike(raw: list[RawEvent], d: Detrended, spikes: list[SpikeEvent]
                     ) -> float | None:
    """Of each upward spike on an epoch boundary, the share of its excess (the residual
    on the analysis scale) that the next logged point keeps; the median, or None."""
    shares = []
    for e, s in zip(raw, spikes):
        if not s.aligned or e.direction <= 0 or e.peak + 1 >= d.resid.size:
            continue
        peak = float(d.resid[e.peak])
        if peak > 0:
            shares.append(max(0.0, float(d.resid[e.peak + 1])) / peak)
    return float(np_median(shares)) if len(shares) >= 3 else None


def observed_boundaries(steps: np.ndarray, boundaries: np.ndarray, log_every: int) -> int:
    """Epoch boundaries with logged points close on both sides (none inside a gap)."""
    if boundaries.size == 0 or steps.size == 0:
        return 0
    reach = max(3, 2 * log_every)
    if steps.dtype.kind == "i" and max(abs(int(steps[0])), abs(int(steps[-1]))) < 2**53 \
            and np.all(np.abs(boundaries) < 2**62):
        # integer steps against ceil(boundary): the same places, without the float copy
        # of every step that searching int64 steps for float64 values makes
        i = np.searchsorted(steps, np.ceil(boundaries).astype(np.int64), side="left")
    else:
        i = np.searchsorted(steps, boundaries, side="left")
    after = np.zeros(boundaries.size, dtype=bool)
    before = np.zeros(boundaries.size, dtype=bool)
    inside = i < steps.size
    after[inside] = steps[i[inside]] - boundaries[inside] < reach
    has_prev = i > 0
    before[has_prev] = boundaries[has_prev] - steps[i[has_prev] - 1] <= reach
    return int(np.count_nonzero(after & before))


def _steps_look_like_samples(steps: np.ndarray, geom: EpochGeometry,
                             median_gap: Callable[[], float]) -> Note | None:
    """A note when the steps may count samples: they advance by whole batches and span
    more than the dataset, while the epoch comes from --dataset-size/--batch-size."""
    b, n = geom.batch_size, geom.dataset_size
    if geom.source != "dataset-size" or not b or b < 2 or not n or steps.size < 3:
        return None
    gap = median_gap()
    if gap < b or gap % b or float(steps[-1] - steps[0]) < n:
        return None
    return Note(NoteCode.STEPS_LOOK_LIKE_SAMPLES,
                {"gap": int(gap), "batch_size": int(b), "dataset_size": int(n)})


def _median_gap(steps: np.ndarray) -> float:
    return median_positive_gap(steps[: 2_000_000])


def _q95_abs(z: np.ndarray) -> float:
    a = np.abs(z if z.size <= 2_000_000 else z[:: z.size // 1_000_000])
    return quantile(a, 0.95) if a.size else 0.0


# --- pieces -------------------------------------------------------------------------------


def _discover_period(steps: np.ndarray, d: Detrended, raw: list[RawEvent], tol: int
                     ) -> PeriodFit | None:
    """Recurring spikes first (sharp), then the autocorrelation of the residual (shapes)."""
    for group in ([e for e in raw if e.direction > 0], raw):
        if len(group) >= 5:
            peaks = steps[[e.peak for e in group]]
            heights = np.abs(d.z[[e.peak for e in group]])
            fit = period_from_events(peaks, heights, tol)
            if fit is not None and fit.strength >= THRESHOLDS.period_strength and \
                    fit.probability < ALPHA_PERIOD and fit.support >= 5:
                return fit
    fit = _period_from_level_shifts(steps, d, tol)
    if fit is not None:
        return fit
    fit = period_from_phase_scan(steps, d.z, min_period=8 * tol)
    if fit is not None and fit.strength >= THRESHOLDS.period_strength and \
            _typical_height(steps, d, fit) >= THRESHOLDS.min_scan_height:
        return fit
    fit = _period_from_level_scan(steps, d, tol)
    if fit is not None:
        return fit
    fit = period_from_autocorrelation(steps, d.z, min_period=8 * tol)
    if fit is not None and fit.strength >= ACF_STRENGTH and fit.support >= 4:
        return fit
    return None


def _period_from_step_count(steps: np.ndarray, d: Detrended, raw: list[RawEvent],
                            log_every: int = 1, min_spikes: int = 3, min_height: float = 2.0,
                            min_period: int = 20) -> PeriodFit | None:
    """A period from where a few large spikes sit in the step counter: every one on an
    exact multiple of P steps (counted from 0, or from 1: the final step of a P-step epoch)
    for a P of at least min_period. Too few spikes for the events fit (a short batch that
    spikes in some epochs only), but their steps are not random: three random steps share
    a divisor of P with a chance under 1/P^2. P is the largest such divisor. Logged every
    k steps, every step is already a multiple of k: P is counted in logged rows (P/k of at
    least min_period)."""
    up = [e for e in raw if e.direction > 0]
    if len(up) < min_spikes:
        return None
    peaks = steps[[e.peak for e in up]]
    height = np.exp(np.asarray(d.resid[[e.peak for e in up]], dtype=np.float64)) \
        if d.log_scale else np.full(len(up), np.inf)
    big = peaks[height >= min_height].astype(np.int64)
    if big.size < min_spikes:
        return None
    best = None
    for shift in (1, 0):
        g = int(np.gcd.reduce(big + shift))
        if g >= min_period * max(1, log_every) and (best is None or g > best[0]):
            best = (g, shift)
    if best is None:
        return None
    period, shift = best
    cycles = (int(steps[-1]) + 1) / period
    if cycles < 2 or big.size < THRESHOLDS.min_boundary_share * cycles:
        # a period is recurrence (two cycles at least), and spikes at 3 of 100 boundaries
        # of a small common divisor are no epoch effect
        return None
    # the epoch starts on the step after a final-step spike (counted from 0) or on it
    return PeriodFit(float(period), float(big[0] + shift), 1.0, int(big.size), "step-count",
                     float(min(1.0, (3.0 * max(1, log_every) / period) ** (big.size - 1))))


def _level_shift_series(y: np.ndarray, m: int) -> np.ndarray:
    """At each index t, the median of the m points from t on less that of the m before t:
    a jump in the level at t (a restart of the learning rate) stands out, a lone spike
    does not move either median."""
    n = y.size
    h = m // 2
    rm = rolling_median(y, m)
    shift = np.zeros(n)
    shift[h + 1:n - h] = rm[2 * h + 1:] - rm[:n - 2 * h - 1]
    return shift


def _period_from_level_scan(steps: np.ndarray, d: Detrended, tol: int
                            ) -> PeriodFit | None:
    """Level jumps too small to be events one by one but at one phase of every cycle.

    A learning rate restarted every K steps lifts the loss for a stretch after each
    restart by less than the noise of single steps; the jump between the medians either
    side of each step, scanned over every period and phase as the spikes are, shows it in
    every cycle. The jump must be worth reporting (THRESHOLDS.min_level_jump) as well as
    unlikely by chance.
    """
    m = THRESHOLDS.level_scan_window
    if d.y.size < 8 * m:
        return None
    # A schedule's habit shows early: a long log is scanned on its first LEVEL_SCAN_PREFIX
    # points, so the scan's arrays stay small beside the series itself.
    head = slice(0, LEVEL_SCAN_PREFIX)
    steps = steps[head]
    y = np.asarray(d.y[head], dtype=np.float64)
    shift = _level_shift_series(y, m)
    fit = period_from_phase_scan(steps, shift, min_period=max(8 * tol, 3 * m))
    if fit is None or fit.strength < THRESHOLDS.period_strength:
        return None
    at = np.flatnonzero(np.mod(steps - fit.origin, fit.period) == 0)
    jump = float(np_median(shift[at])) if at.size else 0.0
    jump = exp_capped(jump) if d.log_scale else 1.0 + jump / max(
        float(np_median(np.abs(d.baseline[head]))), 1e-300)
    if jump < THRESHOLDS.min_level_jump:
        return None
    return PeriodFit(fit.period, fit.origin, fit.strength, fit.support, "level-scan",
                     fit.probability)


def _typical_height(steps: np.ndarray, d: Detrended, fit: PeriodFit) -> float:
    """The median loss at the period's phase over the baseline there (x the usual)."""
    at = np.flatnonzero(np.mod(steps - fit.origin, fit.period) == 0)
    if at.size == 0:
        return 1.0
    r = float(np_median(d.resid[at]))
    if d.log_scale:
        return exp_capped(r)
    base = float(np_median(np.abs(d.baseline[at])))
    return 1.0 + r / base if base > 0 else 1.0


def _period_from_level_shifts(steps: np.ndarray, d: Detrended, tol: int, m: int = 11
                              ) -> PeriodFit | None:
    """Recurring jumps in the level (warm restarts every K steps) that are not sharp spikes."""
    n = d.y.size
    if n < 8 * m:
        return None
    shift = _level_shift_series(d.y, m)
    med = float(np_median(shift))
    sd = float(np_median(np.abs(shift - med))) * 1.4826
    if sd <= 0:
        return None
    z = (shift - med) / sd
    big = np.flatnonzero(np.abs(z) >= 4.5)
    if big.size < 5:
        return None
    # one event per run of neighbouring flagged points: its largest |z|
    cuts = np.flatnonzero(np.diff(big) > m) + 1
    peaks = np.array([g[np.argmax(np.abs(z[g]))] for g in np.split(big, cuts)])
    if peaks.size < 5:
        return None
    fit = period_from_events(steps[peaks], np.abs(z[peaks]), max(tol, m))
    if fit is not None and fit.strength >= THRESHOLDS.period_strength and \
            fit.probability < ALPHA_PERIOD and fit.support >= 5:
        return PeriodFit(fit.period, fit.origin, fit.strength, fit.support, "level-shifts",
                         fit.probability)
    return None


def _with_period(geom: EpochGeometry, fit: PeriodFit, steps: np.ndarray, d: Detrended,
                 k: int, raw: list[RawEvent] | None = None) -> EpochGeometry:
    """Geometry from a discovered period; the recurring anomaly marks the epoch's end.

    Spike events give the period and phase directly. From level shifts or the
    autocorrelation, epochs being a whole number of steps, the period is snapped to the
    integer (of the few nearest) at which the folded residual peaks highest. Either way the
    origin is put one logged step after the recurring peak, so a recurring spike sits on
    the final step; whether it is a final-step spike or the first step of a jump that
    persists is decided later (locate).
    """
    if fit.method == "level-scan":
        # the scan places the jump itself: the first step of the new level starts an epoch
        period = float(fit.period)
        origin = float(fit.origin)
    elif fit.method in ("events", "phase-scan"):
        # spike events place both the period and the phase to a fraction of a step
        period = float(round(fit.period)) if abs(fit.period - round(fit.period)) < 0.1 \
            else fit.period
        origin = float(round(fit.origin)) + max(1, k)
        if fit.method == "events" and raw:
            exact = _exact_period(fit.period, steps[[e.peak for e in raw]], k)
            if exact is not None:
                period, origin = exact[0], exact[1] + max(1, k)
    elif fit.method == "step-count":
        # the spikes' step numbers place the boundary exactly (see _period_from_step_count)
        period, origin = fit.period, fit.origin
    else:
        period, origin = _snap_period(fit.period, steps, d, k)
    origin = origin - math.floor((origin - steps[0]) / period) * period
    return geom.with_period(period, origin, steps)


def _exact_period(period: float, peaks: np.ndarray, k: int, share: float = 0.6
                  ) -> tuple[float, float] | None:
    """(period, the step of a peak on it): the whole number of steps near a fitted period on
    which most spike peaks sit at one exact phase. Epochs are whole steps; a fit through
    every peak is pulled off by the epochs whose peak fell a logged row late (a k-step mean
    holding the aftermath more than the spike), and 1390.95 steps put each epoch's boundary
    a step further from its spike. None when no candidate holds `share` of the peaks."""
    if peaks.size < 3 or period < 16:
        return None
    best: tuple[int, float, float] | None = None
    for c in range(int(round(period)) - 2, int(round(period)) + 3):
        ph = np.mod(peaks, c)
        srt = np.sort(ph)
        vals = distinct(srt)
        counts = np.searchsorted(srt, vals, side="right") - np.searchsorted(srt, vals)
        j = int(np.argmax(counts))
        key = (int(counts[j]), -abs(c - period))
        if counts[j] >= share * peaks.size and (best is None or key > best[:2]):
            first = float(peaks[np.flatnonzero(ph == vals[j])[0]])
            best = (key[0], key[1], float(c), first)
    return None if best is None else (best[2], best[3])


def _snap_period(period: float, steps: np.ndarray, d: Detrended, k: int
                 ) -> tuple[float, float]:
    """(period, origin): the integer period near `period` and the phase whose folded,
    clipped residual peaks highest; the origin one logged step after that peak."""
    width = max(1.0, float(k), period / 2000)
    if steps.size > 2_000_000:
        pick = np.linspace(0, steps.size - 1, 2_000_000).astype(np.int64)
        steps, z = steps[pick], d.z[pick]
    else:
        z = d.z
    zc = np.clip(z, -6, 6)
    cands = [period] if period < 16 else \
        sorted({float(c) for c in range(int(round(period)) - 2, int(round(period)) + 3)})
    best = (-np.inf, period, float(steps[0]))
    for c in cands:
        ph = np.mod(steps - steps[0], c)
        b = (ph // width).astype(np.int64)
        nb = int(b.max()) + 1
        cnt = np.bincount(b, minlength=nb)
        means = np.bincount(b, weights=zc, minlength=nb) / np.maximum(cnt, 1)
        means[cnt < 2] = 0.0
        j = int(np.argmax(means))
        if means[j] > best[0]:
            best = (float(means[j]), c, float(steps[0] + j * width))
    _, p, peak = best
    return p, float(round(peak)) + max(1, k)


def _events(raw: list[RawEvent], d: Detrended, steps: np.ndarray, values: np.ndarray,
            placed: list[tuple[int, int, bool]] | None = None) -> list[SpikeEvent]:
    """The spike events of the raw ones, with (epoch, offset, aligned) when placed.

    Each field is read for all events in one gather, not as a numpy scalar per event (740
    events of a 1M-point log took 25 ms one by one); the arithmetic per event is the same
    double-precision operations on the same numbers."""
    peak = np.fromiter((e.peak for e in raw), np.int64, len(raw))
    first = steps[np.fromiter((e.start for e in raw), np.int64, len(raw))].tolist()
    last = steps[np.fromiter((e.end for e in raw), np.int64, len(raw))].tolist()
    baseline = d.baseline[peak].tolist()
    resid = d.resid[peak].tolist()
    z = d.z[peak].tolist()
    peak_step, peak_value = steps[peak].tolist(), values[peak].tolist()
    out = []
    for j, e in enumerate(raw):
        if d.log_scale:
            base = exp_capped(baseline[j])
            height = exp_capped(resid[j])
        else:
            base = float(baseline[j])
            height = 1.0 + resid[j] / abs(base) if base else float("nan")
        where = {} if placed is None else dict(zip(("epoch", "offset", "aligned"), placed[j]))
        out.append(SpikeEvent(
            start_step=int(first[j]), end_step=int(last[j]),
            peak_step=int(peak_step[j]), peak_value=float(peak_value[j]), baseline=base,
            height=float(height), z=float(z[j]),
            direction="up" if e.direction > 0 else "down", **where,
        ))
    return out


def _align(raw: list[RawEvent], d: Detrended, steps: np.ndarray, values: np.ndarray, phase,
           spe: float, origin: float, tol: int, geom: EpochGeometry
           ) -> tuple[list[SpikeEvent], Alignment]:
    lo, hi = -tol, tol
    aligned_epochs = set()
    n_valid = n_aligned = 0
    peak = np.fromiter((e.peak for e in raw), np.int64, len(raw))
    offsets, valid = phase.offset[peak].tolist(), phase.valid[peak].tolist()
    epoch_of = phase.epoch[peak].tolist()
    positions = ((steps[peak] - origin) / spe).tolist()
    placed = []
    for j in range(len(raw)):
        off = int(offsets[j])
        ok = bool(valid[j]) and lo <= off <= hi
        placed.append((int(math.floor(positions[j])), off, ok))
        if valid[j]:
            n_valid += 1
            if ok:
                n_aligned += 1
                if steps[-1] >= origin + int(epoch_of[j]) * spe - 0.5:
                    # a boundary the log reaches: the end of the last epoch is evidence on
                    # its final-step side, but the boundary after it is not in the log
                    aligned_epochs.add(int(epoch_of[j]))
    spikes = _events(raw, d, steps, values, placed)
    p_window = min(1.0, (hi - lo + 1) / spe)
    chance = binom_sf(n_aligned, n_valid, p_window) if n_valid else None
    return spikes, Alignment(
        boundaries=int(geom.boundaries.size), boundaries_with_spike=len(aligned_epochs),
        events=n_valid, events_on_boundary=n_aligned, chance_probability=chance,
        window=(lo, hi),
    )


def _with_fold(al: Alignment, fold: FoldResult | None, ps: PhaseStructure | None,
               geom: EpochGeometry, k: int) -> Alignment:
    if fold is None:
        return Alignment(**{**al.__dict__, "phase_structure_probability":
                            ps.probability if ps else None})
    profile = tuple(
        FoldedPoint(int(fold.offset[j]), int(fold.rel[j]), int(fold.n[j]),
                    float(fold.mean_z[j]) if np.isfinite(fold.mean_z[j]) else 0.0,
                    float(fold.ratio[j]) if np.isfinite(fold.ratio[j]) else 1.0,
                    int(fold.hits_up[j] if fold.best_direction == "up" else fold.hits_down[j]))
        for j in range(fold.rel.size) if fold.n[j] > 0
    )
    return Alignment(**{
        **al.__dict__, "folded_probability": fold.best_p,
        "folded_offset": int(fold.offset[fold.rel == fold.best_rel][0]),
        "folded_direction": fold.best_direction, "profile": profile,
        "phase_structure_probability": ps.probability if ps else None,
    })


def _looks_like_running_mean(y: np.ndarray, steps: np.ndarray, spe: float, origin: float
                             ) -> bool:
    """A running mean reset each epoch: point-to-point change shrinks like 1/position."""
    if steps.size < 50 or (steps[-1] - steps[0]) < 2 * spe:
        return False
    if steps.size > RM_PREFIX:
        y, steps = y[:RM_PREFIX], steps[:RM_PREFIX]  # a prefix shows the habit of the log
    pos = np.mod(steps - origin, spe)
    dy = np.abs(np.diff(y))
    p = pos[1:]
    same = np.diff(np.floor((steps - origin) / spe)) == 0  # no boundary between the two
    dy, p = dy[same], p[same]
    if spe / max(1.0, median_of_gaps(np.diff(steps))) < 12:
        return _coarse_running_mean(dy, p)
    early = dy[(p >= 1) & (p < 0.1 * spe)]
    late = dy[p >= 0.5 * spe]
    if early.size < 5 or late.size < 5:
        return False
    e_med, l_med = float(np_median(early)), float(np_median(late))
    if l_med <= 0:
        return e_med > 0
    ratio = e_med / l_med
    edges = np.linspace(1, spe, 9)
    centers, meds = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        sel = dy[(p >= a) & (p < b)]
        med = float(np_median(sel)) if sel.size >= 3 else 0.0  # once per bin
        if med > 0:
            centers.append(math.log((a + b) / 2))
            meds.append(math.log(med))
    if len(centers) < 4:
        return False
    slope = float(np.polyfit(centers, meds, 1)[0])
    return ratio >= 6 and slope <= -0.6


def _signature_says_per_step(series: LossSeries, spe: float, origin: float) -> bool:
    """The running-mean signature (changes shrinking like 1/k and not anti-correlated, see
    running_mean.py), where the log is long enough to measure it, says these are no
    running means: big changes near each epoch start that are spikes in per-step values
    (a short final batch seen through a k-step mean) must not pass for a mean's resets."""
    from spikecheck.engine.running_mean import (
        is_running_mean_signature,
        positions_in_epoch,
        running_mean_signature,
    )

    head = slice(0, 200_000)
    epochs = None if series.epochs is None else series.epochs[head]
    pos = positions_in_epoch(series.steps[head], spe, origin, epochs)
    if pos is None:
        return False
    sig = running_mean_signature(series.values[head], pos)  # measured once, read twice
    return sig is not None and not is_running_mean_signature(sig)


def _coarse_running_mean(dy: np.ndarray, p: np.ndarray) -> bool:
    """Few points per epoch: the first change in an epoch dwarfs the last ones."""
    if dy.size < 10:
        return False
    first = p <= np.min(p) + 1e-9
    levels = distinct(p)
    if levels.size < 3:
        return False
    last = p >= levels[-1] - 1e-9
    if np.count_nonzero(first) < 5 or np.count_nonzero(last) < 5:
        return False
    e_med, l_med = float(np_median(dy[first])), float(np_median(dy[last]))
    return l_med > 0 and e_med / l_med >= 4 or (l_med == 0 and e_med > 0)


def _period_report(fit: PeriodFit | None, geom: EpochGeometry, inferred: bool) -> Period:
    if fit is None:
        return Period()
    matches = None
    if geom.known and geom.source != "inferred":
        spe = float(geom.steps_per_epoch)
        matches = period_matches(fit.period, spe, geom.log_every, fit.method)
    sizes = None
    if geom.batch_size:
        sizes = implied_dataset_sizes(max(1, round(fit.period)), geom.batch_size,
                                      grad_accum=geom.grad_accum, world_size=geom.world_size,
                                      drop_last=geom.drop_last)
    return Period(fit.period, fit.strength, fit.method, matches, sizes)


