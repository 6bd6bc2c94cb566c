"""analyze(): one LossSeries plus what is known of the epochs in, one Report out. No I/O."""

from __future__ import annotations

import math

import numpy as np

from spikecheck.engine import diagnosis as dx
from spikecheck.engine.folding import (
    FoldResult,
    LevelShift,
    PhaseStructure,
    fold_by_epoch,
    level_shift,
    phase_of,
    phase_structure,
)
from spikecheck.engine.period import PeriodFit, period_from_autocorrelation, period_from_events
from spikecheck.engine.running_mean import recover_running_mean, with_running_mean_finding
from spikecheck.engine.spikes import Detrended, RawEvent, detrend, find_events, rolling_median
from spikecheck.engine.stats import binom_sf
from spikecheck.geometry import (
    EpochGeometry,
    GeometryInputs,
    implied_dataset_sizes,
    resolve_geometry,
)
from spikecheck.report import Alignment, Diagnosis, FoldedPoint, Period, Report, SpikeEvent
from spikecheck.series import LossSeries

MIN_POINTS = 8
ALPHA_EVENTS = 1e-4  # chance probability below which event alignment is real
ALPHA_FOLD = 1e-6  # folded probability below which a boundary effect is real
MAJOR_Z = 10.0  # an isolated spike worth a verdict on its own
MAJOR_HEIGHT = 2.0
PERIOD_STRENGTH = 0.6
ALPHA_PERIOD = 1e-6
ACF_STRENGTH = 0.3
MIN_SHIFT = 0.1  # a level shift at the epoch start of at least 10% (log scale)


class InsufficientData(ValueError):
    """Too few points to say anything."""


def analyze(series: LossSeries, inputs: GeometryInputs | None = None) -> Report:
    """Detect spikes, place them against the epoch geometry, and diagnose the cause."""
    inputs = inputs or GeometryInputs()
    recovered = recover_running_mean(series, inputs)  # running means -> per-step values
    if recovered is not None and recovered.normalization.running_mean_recovery is not None:
        return with_running_mean_finding(analyze(recovered, inputs), recovered)
    series = recovered or series
    steps, values = series.steps, series.values
    n = steps.size
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
    geom = resolve_geometry(inputs, steps, series.epochs, series.steps_per_epoch_hint)
    warnings = list(series.notes)
    norm = series.normalization
    if norm.dropped_nonfinite:
        warnings.append(f"{norm.dropped_nonfinite} NaN/inf values dropped; the loss first "
                        f"became non-finite at step {norm.first_nonfinite_step}")
    if norm.duplicate_steps:
        warnings.append(f"{norm.duplicate_steps} repeated steps (a resumed run?) resolved "
                        "last-write-wins")
    warnings.extend(geom.notes)

    d = detrend(values)
    raw = find_events(d)
    k = max(1, geom.log_every)
    tol = max(3, k)

    # Period discovery never needs the geometry; it checks it.
    pfit = _discover_period(steps, d, raw, tol)
    inferred = False
    if geom.known and pfit is not None:
        spe = float(geom.steps_per_epoch)
        rel_diff = abs(pfit.period - spe) / spe
        if pfit.strength >= PERIOD_STRENGTH and 0.5 / spe < rel_diff <= 0.03 and \
                abs(pfit.period - spe) >= 0.75:
            warnings.append(f"the spikes recur every {pfit.period:.1f} steps but the epoch "
                            f"geometry ({geom.source}) gives {spe:g}: is drop_last set, or "
                            "the dataset size right?")
            geom = _with_period(geom, pfit, steps, d, k)
            inferred = True
    elif not geom.known and pfit is not None and pfit.strength >= PERIOD_STRENGTH:
        geom = _with_period(geom, pfit, steps, d, k)
        inferred = True
    warnings.extend(geom.disagreements)

    spikes: list[SpikeEvent] = []
    alignment = Alignment(events=len(raw))
    fold = None
    pstruct = None
    running_mean = series.running_mean
    if geom.known:
        spe, origin = float(geom.steps_per_epoch), float(geom.origin)
        phase = phase_of(steps, spe, origin, k)
        spikes, alignment = _align(raw, d, steps, values, phase, spe, origin, tol, geom)
        fold = fold_by_epoch(d.z, d.resid, phase, d.log_scale, points_per_epoch=spe / k)
        pstruct = phase_structure(d.y, steps, spe, origin, k, base=d.baseline)
        shift = level_shift(d.y, phase, spe / k)
        running_mean = running_mean or _looks_like_running_mean(d.y, steps, spe, origin)
        alignment = _with_fold(alignment, fold, pstruct, geom, k)
    else:
        spikes = [_event(e, d, steps, values) for e in raw]
        shift = None

    period = _period_report(pfit, geom, inferred)
    verdict, diagnosis = _decide(series, geom, d, spikes, alignment, fold, pstruct, pfit,
                                 running_mean, inferred, shift)
    if geom.known and verdict == "epoch-aligned-spikes":
        direction, how = _boundary_effect(geom, alignment, fold, shift)
        position, _ = _position(geom, fold, direction, spikes, how, shift)
        if diagnosis and diagnosis[0].cause == "unshuffled-data":
            position = "spread"
        alignment = Alignment(**{**alignment.__dict__, "position": position,
                                 "direction": direction})
    if inferred and geom.source == "inferred" and verdict == "epoch-aligned-spikes":
        warnings.append(f"the epoch length was inferred from the data "
                        f"({geom.steps_per_epoch:.1f} steps): pass --dataset-size and "
                        "--batch-size (or --steps-per-epoch) to confirm it")
    return Report(
        source=series.source, metric=series.metric, points=int(n),
        first_step=int(steps[0]), last_step=int(steps[-1]), verdict=verdict, geometry=geom,
        normalization=norm, spikes=tuple(spikes), alignment=alignment, period=period,
        diagnosis=tuple(diagnosis), warnings=tuple(dict.fromkeys(warnings)),
        baseline_scale=float(np.median(d.scale)), log_scale=d.log_scale,
    )


# --- pieces -------------------------------------------------------------------------------


def _discover_period(steps: np.ndarray, d: Detrended, raw: list[RawEvent], tol: int
                     ) -> PeriodFit | None:
    """Recurring spikes first (sharp), then the autocorrelation of the residual (shapes)."""
    for group in ([e for e in raw if e.direction > 0], raw):
        if len(group) >= 5:
            peaks = steps[[e.peak for e in group]]
            heights = np.abs(d.z[[e.peak for e in group]])
            fit = period_from_events(peaks, heights, tol)
            if fit is not None and fit.strength >= PERIOD_STRENGTH and \
                    fit.probability < ALPHA_PERIOD and fit.support >= 5:
                return fit
    fit = _period_from_level_shifts(steps, d, tol)
    if fit is not None:
        return fit
    fit = period_from_autocorrelation(steps, d.z, min_period=8 * tol)
    if fit is not None and fit.strength >= ACF_STRENGTH and fit.support >= 4:
        return fit
    return None


def _period_from_level_shifts(steps: np.ndarray, d: Detrended, tol: int, m: int = 11
                              ) -> PeriodFit | None:
    """Recurring jumps in the level (warm restarts every K steps) that are not sharp spikes."""
    n = d.y.size
    if n < 8 * m:
        return None
    h = m // 2
    rm = rolling_median(d.y, m)
    shift = np.zeros(n)
    shift[h + 1:n - h] = rm[2 * h + 1:] - rm[:n - 2 * h - 1]
    med = float(np.median(shift))
    sd = float(np.median(np.abs(shift - med))) * 1.4826
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
    if fit is not None and fit.strength >= PERIOD_STRENGTH and \
            fit.probability < ALPHA_PERIOD and fit.support >= 5:
        return PeriodFit(fit.period, fit.origin, fit.strength, fit.support, "level-shifts",
                         fit.probability)
    return None


def _with_period(geom: EpochGeometry, fit: PeriodFit, steps: np.ndarray, d: Detrended,
                 k: int) -> EpochGeometry:
    """Geometry from a discovered period; the recurring anomaly marks the epoch start."""
    origin = fit.origin
    if fit.method == "autocorrelation":
        width = max(1.0, float(k), fit.period / 2000)
        ph = np.mod(steps - steps[0], fit.period)
        b = (ph // width).astype(np.int64)
        nb = int(b.max()) + 1
        zc = np.clip(d.z, -6, 6)
        means = np.bincount(b, weights=zc, minlength=nb) / np.maximum(
            np.bincount(b, minlength=nb), 1)
        origin = float(steps[0] + np.argmax(np.abs(means)) * width)
    else:
        # The recurring spike is taken as the final step of an epoch (the commonest case);
        # a jump that then decays for many steps is told apart in _position.
        origin = float(round(origin)) + max(1, k)
    origin = origin - math.floor((origin - steps[0]) / fit.period) * fit.period
    return geom.with_period(fit.period, origin, steps)


def _event(e: RawEvent, d: Detrended, steps: np.ndarray, values: np.ndarray) -> SpikeEvent:
    base = math.exp(d.baseline[e.peak]) if d.log_scale else float(d.baseline[e.peak])
    if d.log_scale:
        height = math.exp(d.resid[e.peak])
    else:
        height = 1.0 + d.resid[e.peak] / abs(base) if base else float("nan")
    return SpikeEvent(
        start_step=int(steps[e.start]), end_step=int(steps[e.end]),
        peak_step=int(steps[e.peak]), peak_value=float(values[e.peak]), baseline=base,
        height=float(height), z=float(d.z[e.peak]),
        direction="up" if e.direction > 0 else "down",
    )


def _align(raw: list[RawEvent], d: Detrended, steps: np.ndarray, values: np.ndarray, phase,
           spe: float, origin: float, tol: int, geom: EpochGeometry
           ) -> tuple[list[SpikeEvent], Alignment]:
    lo, hi = -tol, tol
    spikes = []
    aligned_epochs = set()
    n_valid = n_aligned = 0
    for e in raw:
        ev = _event(e, d, steps, values)
        i = e.peak
        off = int(phase.offset[i])
        ep = int(math.floor((steps[i] - origin) / spe))
        ok = bool(phase.valid[i]) and lo <= off <= hi
        spikes.append(SpikeEvent(**{**ev.__dict__, "epoch": ep, "offset": off, "aligned": ok}))
        if phase.valid[i]:
            n_valid += 1
            if ok:
                n_aligned += 1
                aligned_epochs.add(int(phase.epoch[i]))
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
    if steps.size > 2_000_000:
        y, steps = y[:2_000_000], steps[:2_000_000]  # a prefix shows the habit of the log
    pos = np.mod(steps - origin, spe)
    dy = np.abs(np.diff(y))
    p = pos[1:]
    same = np.diff(np.floor((steps - origin) / spe)) == 0  # no boundary between the two
    dy, p = dy[same], p[same]
    if spe / max(1.0, float(np.median(np.diff(steps)))) < 12:
        return _coarse_running_mean(dy, p)
    early = dy[(p >= 1) & (p < 0.1 * spe)]
    late = dy[p >= 0.5 * spe]
    if early.size < 5 or late.size < 5:
        return False
    e_med, l_med = float(np.median(early)), float(np.median(late))
    if l_med <= 0:
        return e_med > 0
    ratio = e_med / l_med
    edges = np.linspace(1, spe, 9)
    centers, meds = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        sel = dy[(p >= a) & (p < b)]
        if sel.size >= 3 and np.median(sel) > 0:
            centers.append(math.log((a + b) / 2))
            meds.append(math.log(float(np.median(sel))))
    if len(centers) < 4:
        return False
    slope = float(np.polyfit(centers, meds, 1)[0])
    return ratio >= 6 and slope <= -0.6


def _coarse_running_mean(dy: np.ndarray, p: np.ndarray) -> bool:
    """Few points per epoch: the first change in an epoch dwarfs the last ones."""
    if dy.size < 10:
        return False
    first = p <= np.min(p) + 1e-9
    levels = np.unique(p)
    if levels.size < 3:
        return False
    last = p >= levels[-1] - 1e-9
    if np.count_nonzero(first) < 5 or np.count_nonzero(last) < 5:
        return False
    e_med, l_med = float(np.median(dy[first])), float(np.median(dy[last]))
    return l_med > 0 and e_med / l_med >= 4 or (l_med == 0 and e_med > 0)


def _period_report(fit: PeriodFit | None, geom: EpochGeometry, inferred: bool) -> Period:
    if fit is None:
        return Period()
    matches = None
    if geom.known and geom.source != "inferred":
        spe = float(geom.steps_per_epoch)
        matches = abs(fit.period - spe) <= max(1.0, 0.002 * spe) + geom.log_every / 2
    sizes = None
    if geom.batch_size:
        sizes = implied_dataset_sizes(max(1, round(fit.period)), geom.batch_size,
                                      grad_accum=geom.grad_accum, world_size=geom.world_size,
                                      drop_last=geom.drop_last)
    return Period(fit.period, fit.strength, fit.method, matches, sizes)


def _decide(series: LossSeries, geom: EpochGeometry, d: Detrended, spikes: list[SpikeEvent],
            al: Alignment, fold: FoldResult | None, ps: PhaseStructure | None,
            pfit: PeriodFit | None, running_mean: bool, inferred: bool,
            shift: LevelShift | None = None) -> tuple[str, list[Diagnosis]]:
    """The verdict and the ranked causes."""
    # An isolated spike must stand out against this run's own heavy tail of noise.
    z_major = max(MAJOR_Z, 6.0 * float(np.quantile(np.abs(d.z), 0.95)))
    major = [s for s in spikes if s.direction == "up" and abs(s.z) >= z_major
             and (not d.log_scale or s.height >= MAJOR_HEIGHT)]
    if running_mean:
        ev = ("the logged value behaves like a running mean reset at each epoch start: "
              "point-to-point changes shrink through the epoch, so each epoch starts with a "
              "jump in the curve")
        if series.running_mean:
            ev = "the log says its values are running means since the epoch began (" + \
                 "Keras-style progress output); jumps at epoch starts are the logging"
        return "clean", [dx.make("running-mean-logging", 0.85, ev)]

    if geom.known:
        boundary, how = _boundary_effect(geom, al, fold, shift)
        spread = _spread(ps, fold)
        if boundary is not None or spread:
            diags = _aligned_causes(geom, al, fold, ps, boundary, spread, inferred, spikes,
                                    how, shift)
            if diags:
                return "epoch-aligned-spikes", diags
        if pfit is not None and pfit.strength >= PERIOD_STRENGTH and geom.source != "inferred":
            ev = (f"{pfit.support} anomalies recur every {pfit.period:.1f} steps, which is not "
                  f"the epoch ({geom.steps_per_epoch:g} steps): a loss scaler, evaluation or "
                  "checkpointing every K steps, or a data shard boundary")
            return "periodic-not-epoch", [dx.make("unknown", 0.5, ev)]
    if major:
        share = al.share_of_events
        ev = f"{len(major)} spike{'s' if len(major) > 1 else ''} at no fixed phase"
        if geom.known and share is not None:
            ev += (f" ({al.events_on_boundary} of {al.events} anomalies near an epoch "
                   f"boundary, as chance allows)")
        else:
            ev += " (no epoch geometry given and no recurring period found)"
        ev += "; largest " + f"{max(s.height for s in major):.3g}x at step " + \
            str(max(major, key=lambda s: s.height).peak_step)
        return "spikes-not-epoch-aligned", [dx.make("random-instability", 0.7, ev)]
    return "clean", []


def _boundary_effect(geom: EpochGeometry, al: Alignment, fold: FoldResult | None,
                     shift: LevelShift | None = None) -> tuple[str | None, str | None]:
    """('up' or 'down', how it was seen) when the boundary carries a real effect."""
    if al.chance_probability is not None and al.events_on_boundary >= 3 and \
            al.chance_probability < ALPHA_EVENTS and al.boundaries and \
            al.boundaries_with_spike / al.boundaries >= 0.15:
        if fold is not None and fold.best_p < 0.01:
            return fold.best_direction, "events"
        return "up", "events"
    if fold is not None and fold.best_p < ALPHA_FOLD and fold.boundaries >= 3:
        j = int(np.flatnonzero(fold.rel == fold.best_rel)[0])
        effect = abs(fold.mean_z[j] - fold.bg_mean)
        if effect >= 0.75:
            return fold.best_direction, "fold"
    if shift is not None and shift.probability < ALPHA_FOLD and abs(shift.shift) >= MIN_SHIFT:
        return shift.direction, "shift"
    return None, None


def _spread(ps: PhaseStructure | None, fold: FoldResult | None) -> bool:
    """The whole within-epoch shape repeats, and its largest part is not at the boundary."""
    if ps is None or ps.probability >= 1e-8 or ps.split_half_r <= 0.8 or ps.amplitude < 1.0:
        return False
    # A steady rise or fall through every epoch (stairs, a decay after a restart) is the
    # boundary's doing; data in a fixed order makes a shape a straight line cannot explain.
    if ps.linear_r2 >= 0.4:
        return False
    at_boundary = ps.peak_bin in (0, 1, ps.bins - 1)
    return not at_boundary or ps.peak_bins_away_from_boundary >= 3


def _aligned_causes(geom: EpochGeometry, al: Alignment, fold: FoldResult | None,
                    ps: PhaseStructure | None, direction: str | None, spread: bool,
                    inferred: bool, spikes: list[SpikeEvent] | None = None,
                    how: str | None = None, shift: LevelShift | None = None
                    ) -> list[Diagnosis]:
    k = max(1, geom.log_every)
    share = (f"anomalies at {al.boundaries_with_spike} of {al.boundaries} epoch boundaries"
             if al.boundaries else "")
    if how == "shift" and shift is not None:
        share = (f"the loss level {'rises' if shift.shift > 0 else 'falls'} across the start "
                 f"of {shift.epochs} epochs, by {abs(math.expm1(shift.shift)):.0%} on average")
    chance = al.chance_probability if al.events_on_boundary >= 2 else None
    p = min(x for x in (chance, fold.best_p if fold else None,
                        shift.probability if how == "shift" and shift else None, 1.0)
            if x is not None)
    luck = (" (chance of that by luck: < 1e-300)" if p <= 0 else
            f" (chance of that by luck: about {p:.0e})" if p < 0.01 else "")
    position, measured = _position(geom, fold, direction, spikes or [], how, shift)

    shuffled_ev = None
    if spread:
        shuffled_ev = (f"the same within-epoch shape recurs at the same phase of every epoch "
                       f"(split-half correlation {ps.split_half_r:.2f}), spread through the "
                       "epoch, not only at its start")
    boundary = _boundary_causes(geom, al, direction, position, measured, share, luck, k,
                                inferred)
    starts_epoch = position == "epoch-start" and ps is not None and (
        ps.peak_bin <= 2 or ps.peak_bin == ps.bins - 1)
    if boundary and (shuffled_ev is None or _sharp(fold) or starts_epoch):
        if shuffled_ev is not None:
            boundary.append(dx.make("unshuffled-data", 0.2, shuffled_ev))
        return boundary
    if shuffled_ev is not None:
        return [dx.make("unshuffled-data", 0.75, shuffled_ev)] + [
            type(b)(b.cause, min(b.confidence, 0.3), b.evidence, b.fix, b.expected_height,
                    b.measured_height) for b in boundary[:1]]
    return boundary


def _sharp(fold: FoldResult | None) -> bool:
    """The boundary excess stands far above the rest of the folded profile."""
    if fold is None:
        return False
    ex = np.abs(fold.mean_z - fold.bg_mean)
    ex = ex[np.isfinite(ex)]
    if ex.size < 4:
        return False
    top = float(ex.max())
    rest = np.sort(ex)[:-1]
    return top >= 8 and top >= 4 * float(np.quantile(rest, 0.75))


def _boundary_causes(geom: EpochGeometry, al: Alignment, direction: str | None,
                     position: str | None, measured: float | None, share: str, luck: str,
                     k: int, inferred: bool) -> list[Diagnosis]:
    """The causes whose signature sits at the boundary itself."""
    if direction is None:
        return []
    if position == "final-step" and direction == "up":
        d = dx.partial_batch_diagnosis(geom, measured, inferred)
        ev = f"{share}{luck}; " + d.evidence if share else d.evidence
        alt = dx.make("epoch-start-reset", 0.15 if k == 1 else 0.3,
                      "a jump at the start of each epoch would look alike at this log "
                      "interval" if k > 1 else "less likely: the excess peaks before the "
                      "epoch starts")
        return [type(d)(d.cause, d.confidence, ev, d.fix, d.expected_height, d.measured_height),
                alt]
    if position == "epoch-start" and direction == "up":
        ev = (f"{share}{luck}; the loss jumps at the first steps of each epoch "
              f"({measured:.3g}x) and decays after")
        diags = [dx.make("epoch-start-reset", 0.7, ev, measured)]
        h, _ = dx.expected_partial_height(geom)
        if h is not None and k > 1:
            diags.append(dx.partial_batch_diagnosis(geom, measured, inferred))
        return diags
    if direction == "down" and position == "epoch-start":
        ev = (f"{share}{luck}; the loss drops at the start of each epoch "
              f"(to {measured:.3g}x of the curve before): the model meets samples it has "
              "already seen")
        return [dx.make("epoch-start-drop", 0.7, ev, measured)]
    if direction == "down" and position == "final-step":
        h, _ = dx.expected_partial_height(geom)
        if h is not None and h < 1 and measured is not None and measured < 0.8:
            d = dx.partial_batch_diagnosis(geom, measured, inferred)
            return [type(d)(d.cause, d.confidence, f"{share}{luck}; " + d.evidence, d.fix,
                            d.expected_height, d.measured_height)]
        r, b = geom.final_batch, geom.batch_size
        if r and b and r <= b / 4 and measured is not None and measured < 0.5:
            ev = (f"{share}{luck}; the final step of each epoch reads {measured:.2g}x the "
                  f"batches around it: its batch holds {r} of {b} samples, and the loss of "
                  "so few well-fit samples is near zero, so its update is noisy")
            return [dx.make("partial-final-batch", 0.5, ev, measured)]
        # A tiny final batch gives a noisier, typically lower, loss value: not a spike.
        return []
    ev = f"{share}{luck}; the anomaly sits at offset {al.folded_offset} from the epoch start"
    return [dx.make("unknown", 0.4, ev, measured)]


def _position(geom: EpochGeometry, fold: FoldResult | None, direction: str | None,
              spikes: list[SpikeEvent] | None = None, how: str | None = None,
              shift: LevelShift | None = None) -> tuple[str | None, float | None]:
    """Where the boundary excess sits and its measured height (ratio to the baseline)."""
    if how == "shift" and shift is not None:
        return "epoch-start", math.exp(shift.shift)
    k = max(1, geom.log_every)
    # Logged every k steps, the final step itself shows only in some epochs: when the
    # aligned spikes sit exactly on it, that is where the excess is.
    if k > 1 and direction == "up" and spikes:
        on = [s for s in spikes if s.aligned and s.direction == "up"]
        last = [s for s in on if s.offset == -1]
        if len(last) >= 3 and len(last) >= 0.6 * len(on):
            return "final-step", float(np.median([s.height for s in last]))
    if fold is None or direction is None:
        return None, None
    sign = 1 if direction == "up" else -1
    ez = sign * (fold.mean_z - fold.bg_mean)
    ez = np.where(np.isfinite(ez), ez, -np.inf)
    j = int(np.argmax(ez))
    r = int(fold.rel[j])
    measured = float(fold.ratio[j]) if np.isfinite(fold.ratio[j]) else None
    after = ez[(fold.rel > r) & (fold.rel <= r + 4)]
    decays = bool(after.size and np.count_nonzero(after > 0.3 * ez[j]) >= 2)
    partial = bool(geom.final_batch and geom.batch_size and geom.final_batch < geom.batch_size) \
        or bool(geom.final_window and geom.final_window < geom.grad_accum)
    if geom.source == "inferred" and -3 <= r <= -1:
        # With an inferred epoch the spike itself marks the boundary: a long decay after
        # it says the epoch starts there (a reset); a short one, a final-step spike.
        later = ez[(fold.rel >= r + 3) & (fold.rel <= r + 11)]
        if later.size and np.count_nonzero(later > 0.2 * ez[j]) >= 3:
            return "epoch-start", measured
        return "final-step", measured
    if k == 1:
        if -3 <= r <= -1:
            return "final-step", measured
        if 0 <= r <= 3 or (r <= 10 and decays):
            if geom.source == "inferred" and r == 0 and not decays and direction == "up":
                return "final-step", measured
            return "epoch-start", measured
    else:
        _, diluted = dx.expected_partial_height(geom)
        matches = bool(diluted and measured and diluted / 1.6 <= measured <= diluted * 1.6)
        if r == -1 or (r == 0 and (matches or (not decays and (
                partial or geom.source == "inferred")))):
            return "final-step", measured
        if 0 <= r <= 2:
            return "epoch-start", measured
    return "spread", measured
