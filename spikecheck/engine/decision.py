"""The verdict and the ranked causes, decided from one set of measurements.

Every measurement the decision reads is in `Evidence`; every threshold it compares them
with is in `Thresholds`, with the reason for its value. A cause is chosen as an
explanation of the evidence, judged against the geometry: a short final batch with a
batch-size-dependent loss explains both a final-step spike and the decaying excess after
it (the oversized update carried by momentum), so it is one cause, not two. A second cause
is listed only for evidence the first does not explain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from spikecheck.engine import diagnosis as dx
from spikecheck.engine.folding import FoldResult, LevelShift, OffsetEffect, PhaseStructure
from spikecheck.engine.geometry_check import period_matches
from spikecheck.engine.period import PeriodFit
from spikecheck.engine.same_order import SameOrder
from spikecheck.engine.stats import exp_capped, expm1_capped, quantile
from spikecheck.geometry import EpochGeometry
from spikecheck.nomask import median as np_median
from spikecheck.report import Alignment, Diagnosis, SpikeEvent
from spikecheck.verdicts import Cause, Inconclusive, Verdict


@dataclass(frozen=True)
class Thresholds:
    """Every bar the decision uses, named, with why it has its value."""

    # Spike events on boundaries: a binomial chance below this is not luck. Strict, because
    # a CI step runs over many logs and a false alarm teaches a team to ignore the tool.
    alpha_events: float = 1e-4
    # ... and the aligned events must touch this share of the boundaries: three spikes at
    # three of sixty boundaries are a coincidence of timing, not an epoch effect.
    min_boundary_share: float = 0.15
    # The folded profile (epochs stacked by phase) is tested at ~30 offsets, both
    # directions, two tests: 1e-6 after Bonferroni keeps the scan's false-alarm rate < 0.1%.
    alpha_fold: float = 1e-6
    # ... and the folded excess must be worth seeing: 0.75 robust sd above the background.
    min_fold_effect: float = 0.75
    # A level step across epoch starts (stairs, resets) of less than 10% is benign noise.
    min_level_shift: float = 0.1
    # The level-step test is one test per run against the run's own mid-epoch contrasts
    # with a conservative spread (no scan over offsets to correct for): 1e-5.
    alpha_shift: float = 1e-5
    # Fewer observed epoch boundaries than this cannot separate an epoch effect from chance.
    min_boundaries: int = 3
    # An epoch shorter than this many steps cannot tell the final step from the start:
    # the alignment window is +-3 steps wide.
    min_epoch_steps: int = 8
    # Fewer logged points per epoch than this leave no background to test the boundary on.
    min_points_per_epoch: float = 4.0
    # An isolated spike worth a verdict on its own: robust z of 10, twice the baseline,
    # and 6x the run's own 95th-percentile |z| (heavy-tailed noise raises the bar).
    major_z: float = 10.0
    major_height: float = 2.0
    major_noise_multiple: float = 6.0
    # ... or, on noise so heavy that z stays low, at least two spikes of 10x the baseline:
    # one huge point can be a single odd batch; two are a habit of the run (LR blow-ups).
    huge_height: float = 10.0
    huge_count: int = 2
    # A recurrence period is trusted when it explains this share of the events.
    period_strength: float = 0.6
    # A period found by the phase scan (no single spike stands out; the phase stands high
    # in most cycles) becomes the epoch only if the loss there is typically 25% above the
    # usual: real logs hold faint, very regular ripples (a 6% bump every 90 steps in a
    # detection run) that are real but no finding.
    min_scan_height: float = 1.25
    # Level jumps recurring every K steps (learning-rate restarts) are scanned as the median
    # of this many steps after each step over that of as many before: long enough that a
    # lone spike moves neither, short enough for a 30-step cycle to hold both windows.
    level_scan_window: int = 7
    # ...and reported only when the level after the jump is this much above the level
    # before (x): the restarts that matter lift the loss by half or more for a while.
    min_level_jump: float = 1.2
    # A measured height within this factor of the predicted B/r is "as predicted".
    height_tolerance: float = 1.6
    # A summed loss's final-batch dip (r/B) is a habit of the run: at least this share of
    # the final steps are clear excursions down.
    dip_share: float = 0.75
    # A final-step excess this unlikely by chance, this high, supports a short final batch
    # as the explanation of a jump that follows it (it would not make a verdict alone).
    alpha_supporting: float = 0.01
    min_supporting_height: float = 1.25
    # The geometry predicts a spike at exactly the final step (a short final batch, B/r at
    # least 1.25): that one pre-stated test needs no correction for a scan over offsets
    # and directions, and 1e-4 keeps the randomized scan's false alarms under 0.1%.
    alpha_predicted: float = 1e-4
    min_predicted_height: float = 1.25
    # A single-point peak stands this many times above the next point (log-scale ratio):
    # a short batch's spike, not a jump in the level that persists (a reset).
    isolated_peak: float = 1.5
    # A jump after the boundary whose final step the log (almost) never holds: a short final
    # batch predicting at least this B/r explains it as well as a reset does, and is the
    # one the geometry names (Lightning logs every 50 steps, a per-epoch counter printed
    # every k batches never reaches the last ones).
    min_unseen_final_height: float = 4.0
    # The first logged points of a run, at least startup_points and this share of them,
    # are its start-up: a jump there (the optimizer's first steps) is no instability.
    startup_points: int = 5
    startup_share: float = 0.005
    # A spike whose next logged point keeps at most this share of its excess is one step
    # (a short batch seen through a k-step mean), not a jump that persists (a reset,
    # which keeps 0.5-1 of it).
    max_kept_after_spike: float = 0.35
    # The phase shape of every epoch must repeat this well (split-half correlation) and be
    # this large (robust sd) to be data order rather than noise.
    shape_alpha: float = 1e-8
    shape_min_r: float = 0.8
    shape_min_amplitude: float = 1.0
    # A straight rise or fall through every epoch (stairs, a decay after a restart) is the
    # boundary's doing, not data order.
    shape_max_linear_r2: float = 0.4
    # A jump at the epoch start whose fine detail (the profile less a smooth curve) repeats
    # this well from epoch to epoch is data in a fixed order (hardest samples first), not a
    # reset: sorted-data runs measure 0.95-1.0, warm restarts and re-created optimizers
    # -0.3-0.8 on the dev split (a thin margin: few sorted-data runs to learn from).
    shape_detail_r: float = 0.85
    # The same batches in the same order every epoch: consecutive epochs' residuals at the
    # same step correlate (rank) at least this much, this unlikely by chance. Fixed-order
    # runs measure 0.72-1.0 on the dev split; shuffled runs up to 0.45 (a short batch's
    # aftermath), so 0.6 sits between; the bar on chance is one test per run.
    same_order_alpha: float = 1e-10
    same_order_min_r: float = 0.6


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Evidence:
    """Everything measured on one series that the decision reads."""

    geometry: EpochGeometry
    inferred: bool  # the epoch length came from the data, not from the log or the flags
    log_scale: bool
    alignment: Alignment
    spikes: tuple[SpikeEvent, ...]
    noise_q95: float  # the run's own 95th percentile of |z|
    observed_boundaries: int = 0  # boundaries with logged points on both sides
    points_per_epoch: float | None = None
    fold: FoldResult | None = None
    final: OffsetEffect | None = None  # the points logged exactly on the final step
    start: OffsetEffect | None = None  # the points logged exactly on the first step
    shift: LevelShift | None = None
    shape: PhaseStructure | None = None
    period: PeriodFit | None = None
    running_mean: bool = False
    running_mean_declared: bool = False
    # Of a boundary spike's excess (log scale), the median share the next logged point
    # keeps: near 0 for a one-step spike, near 1 for a jump that persists.
    kept_after_spike: float | None = None
    # The last step of the run's start-up (its first few logged points), where a jump is
    # the optimizer's first steps (Adagrad's first update is a full-size step), no finding.
    startup_until: int | None = None
    # How alike consecutive epochs' quick wiggles are step for step (the same batches in
    # the same order every epoch).
    same_order: SameOrder | None = None
    # the first and last logged steps
    first_step: int = 0
    last_step: int | None = None


@dataclass(frozen=True)
class Decision:
    """The verdict, the ranked causes, and where the boundary effect sits."""

    verdict: str
    causes: list[Diagnosis] = field(default_factory=list)
    position: str | None = None
    direction: str | None = None
    inconclusive: str | None = None  # an Inconclusive code when the verdict is inconclusive
    inconclusive_detail: str | None = None


def decide(ev: Evidence, th: Thresholds = THRESHOLDS) -> Decision:
    """The verdict and the ranked causes for one series."""
    major = _major_spikes(ev, th)
    if ev.running_mean:
        why = ("the log says its values are running means since the epoch began (" +
               "Keras-style progress output); jumps at epoch starts are the logging"
               if ev.running_mean_declared else
               "the logged value behaves like a running mean reset at each epoch start: "
               "point-to-point changes shrink through the epoch, so each epoch starts with a "
               "jump in the curve")
        return Decision(Verdict.CLEAN, [dx.make(Cause.RUNNING_MEAN, 0.85, why)])

    geom = ev.geometry
    if geom.known:
        unsure = _too_little_to_tell(ev, th)
        if unsure is not None:
            code, detail = unsure
            return Decision(Verdict.INCONCLUSIVE, [], inconclusive=code,
                            inconclusive_detail=detail)
        direction, how = boundary_effect(ev, th)
        spread = shape_repeats(ev.shape, th) or same_batches(ev.same_order, th)
        if direction is not None or spread:
            position, measured = locate(ev, direction, how, th)
            causes = _explain(ev, direction, how, position, measured, spread, th)
            if causes:
                if causes[0].cause == Cause.UNSHUFFLED:
                    position = "spread"
                elif causes[0].cause == Cause.PARTIAL_FINAL_BATCH:
                    position = "final-step"
                return Decision(Verdict.EPOCH_ALIGNED, causes, position, direction)
        pfit = ev.period
        if pfit is not None and pfit.strength >= th.period_strength and \
                geom.source != "inferred" and not _whole_epochs(pfit, geom):
            if pfit.method == "level-scan":
                why = (f"the loss level jumps every {pfit.period:.1f} steps ({pfit.support} "
                       f"cycles), which is not the epoch ({geom.steps_per_epoch:g} steps): a "
                       "learning-rate schedule restarted every K steps, or something else "
                       "that runs every K steps")
            else:
                why = (f"{pfit.support} anomalies recur every {pfit.period:.1f} steps, which "
                       f"is not the epoch ({geom.steps_per_epoch:g} steps): a loss scaler, "
                       "evaluation or checkpointing every K steps, or a data shard boundary")
                if geom.source == "dataset-size" and geom.batch_size:
                    # any period is ceil(N / B) for some N: the size itself may be off
                    per_step = geom.batch_size * max(1, geom.grad_accum) * max(
                        1, geom.world_size)
                    lo = int((round(pfit.period) - 1) * per_step + 1)
                    hi = int(round(pfit.period) * per_step)
                    why += (f"; or --dataset-size is not the training set's: an epoch of "
                            f"{pfit.period:.0f} steps is {lo:,}-{hi:,} samples at these "
                            "batch settings")
            return Decision(Verdict.PERIODIC, [dx.make(Cause.UNKNOWN, 0.5, why)])
    unseen = _spikes_on_unseen_final_steps(ev, major, th)
    if unseen is not None:
        return Decision(Verdict.INCONCLUSIVE, [], inconclusive=Inconclusive.FINAL_STEP_UNSEEN,
                        inconclusive_detail=unseen)
    short = None if geom.known else _too_short_for_its_spikes(ev, major)
    if short is not None:
        return Decision(Verdict.INCONCLUSIVE, [], inconclusive=Inconclusive.FEW_BOUNDARIES,
                        inconclusive_detail=short)
    if major:
        al = ev.alignment
        common = None if geom.known else common_gap([s.peak_step for s in major])
        why = f"{len(major)} spike{'s' if len(major) > 1 else ''} at no fixed phase"
        if geom.known and al.share_of_events is not None:
            why += (f" ({al.events_on_boundary} of {al.events} anomalies near an epoch "
                    "boundary, as chance allows)")
        elif common is not None:
            # too few to prove a period, but worth checking against the epoch
            why = (f"{len(major)} spikes a whole number of {common} steps apart, too few to "
                   "tell a period from chance (no epoch geometry given): if an epoch is "
                   f"{common} steps, pass --steps-per-epoch {common} (or --dataset-size and "
                   "--batch-size) to test them against it")
        else:
            why += " (no epoch geometry given and no recurring period found)"
        top = max(major, key=lambda s: s.height)
        why += f"; largest {top.height:.3g}x at step {top.peak_step}"
        return Decision(Verdict.ISOLATED, [dx.make(Cause.RANDOM, 0.7, why)])
    return Decision(Verdict.CLEAN, [])


def common_gap(peaks: list[int], tol: int = 1, min_period: int = 20, most: int = 8
               ) -> int | None:
    """The step count (at least min_period) of which every gap between three or more
    peaks is a whole multiple (at most `most` times it, within tol steps): spikes an exact
    number of epochs apart (a short final batch that shows in some epochs only), or None."""
    t = sorted({int(p) for p in peaks})
    if len(t) < 3:
        return None
    gaps = [b - a for a, b in zip(t, t[1:])]
    for m in range(1, most + 1):  # the smallest gap may itself span m periods
        period = round(min(gaps) / m)
        if period < min_period:
            break
        ks = [round(g / period) for g in gaps]
        if all(1 <= k <= most and abs(g - k * period) <= tol for g, k in zip(gaps, ks)):
            return period
    return None


def _spikes_on_unseen_final_steps(ev: Evidence, major: list[SpikeEvent], th: Thresholds
                                  ) -> str | None:
    """The sentence for spikes that all sit on the final step of a short final batch the
    flags predict at least min_unseen_final_height, in a log that holds that step in too
    few epochs to test it (Lightning logs every 50 steps): not an instability at random
    steps, not yet a proven epoch effect. None otherwise."""
    geom, fin = ev.geometry, ev.final
    h, _ = dx.expected_partial_height(geom)
    seen = 0 if fin is None else fin.epochs
    if not major or h is None or h < th.min_unseen_final_height or ev.inferred or \
            seen >= th.min_boundaries or any(s.offset != -1 for s in major):
        return None
    heights = ", ".join(f"{s.height:.3g}x at step {s.peak_step}" for s in major)
    return (f"the log holds the final step of an epoch in only {seen} of "
            f"{ev.observed_boundaries} epochs, and every large spike sits there ({heights}); "
            f"the final batch holds {geom.final_batch} of {geom.batch_size} samples, where a "
            f"batch-size-dependent loss would spike {h:.3g}x: likely that, but too few "
            "epochs show it to tell")


def _too_short_for_its_spikes(ev: Evidence, major: list[SpikeEvent]) -> str | None:
    """With no geometry, the sentence for spikes that sit where a log of whole epochs would
    put its epochs' final steps, in a log too short to show whether they recur: one spike on
    the last logged step, or two spikes G steps apart, the first G steps into the log and no
    room for a third. Calling them 'not tied to the epoch' would be a guess. None otherwise."""
    last = ev.last_step
    if not major or len(major) > 2 or last is None:
        return None
    peaks = sorted(s.peak_step for s in major)
    if len(peaks) == 1:
        if peaks[0] < last:
            return None
        return (f"the only spike sits on the last logged step ({peaks[0]}): if the log is whole "
                "epochs, that is an epoch's final step, and the log cannot show whether it "
                "recurs; pass --steps-per-epoch (or --dataset-size and --batch-size)")
    gap = peaks[1] - peaks[0]
    into = peaks[0] + 1 - ev.first_step
    if gap < 20 or abs(into - gap) > 1 or peaks[1] + gap <= last:
        return None
    return (f"2 spikes {gap} steps apart, the first {into} steps into the log: where a "
            f"{gap}-step epoch's final steps would be, and the log holds no third boundary to "
            f"tell an epoch effect from chance; pass --steps-per-epoch {gap} if that is the "
            "epoch (or --dataset-size and --batch-size)")


def _whole_epochs(pfit: PeriodFit, geom: EpochGeometry) -> bool:
    """The period is the epoch, or a whole number of epochs: anomalies that recur with the
    epoch but in no direction the boundary tests accept (a correct loss's small final batch,
    noisier both ways) are not something else that runs every K steps."""
    spe = float(geom.steps_per_epoch)
    m = round(pfit.period / spe)
    return m >= 1 and period_matches(pfit.period / m, spe, geom.log_every, pfit.method)


# --- when the log cannot decide ------------------------------------------------------------


def _too_little_to_tell(ev: Evidence, th: Thresholds) -> tuple[str, str] | None:
    """(code, sentence) when the log cannot show an epoch effect either way."""
    geom = ev.geometry
    spe = float(geom.steps_per_epoch)
    if spe < th.min_epoch_steps:
        return (Inconclusive.SHORT_EPOCHS,
                f"an epoch is {spe:g} steps: too short to tell the final step of an epoch "
                f"from the start of the next (at least {th.min_epoch_steps} are needed)")
    if ev.points_per_epoch is not None and ev.points_per_epoch < th.min_points_per_epoch:
        return (Inconclusive.SPARSE_LOG,
                f"the log holds about {ev.points_per_epoch:.2g} points per epoch: at least "
                f"{th.min_points_per_epoch:g} are needed to compare the boundary with the rest "
                "of the epoch; log the loss more often")
    if ev.observed_boundaries < th.min_boundaries:
        n = ev.observed_boundaries
        gaps = int(geom.boundaries.size) - n
        return (Inconclusive.FEW_BOUNDARIES,
                f"the log covers {n} epoch boundar{'y' if n == 1 else 'ies'}"
                + (f" ({gaps} more fall in gaps of the log)" if gaps > 0 else "")
                + f": at least {th.min_boundaries} are needed to tell an epoch effect from "
                "chance")
    return None


# --- is there an effect at the boundary? ---------------------------------------------------


def boundary_effect(ev: Evidence, th: Thresholds = THRESHOLDS
                    ) -> tuple[str | None, str | None]:
    """('up' or 'down', how it was seen) for the strongest real effect at the boundary.

    Every test that passes its bar is a candidate; the one least likely by chance wins, so
    a deep dip at the epoch start is not read as the final step standing above a
    baseline the dip pulled down.
    """
    al, fold, shift = ev.alignment, ev.fold, ev.shift
    found: list[tuple[float, str, str]] = []
    for eff in (ev.final, ev.start):
        if eff is not None and eff.epochs >= th.min_boundaries:
            if eff.p_up < th.alpha_fold and eff.ratio > 1.0:
                found.append((eff.p_up, "up", "exact"))
            if eff.p_down < th.alpha_fold and eff.ratio < 1.0:
                found.append((eff.p_down, "down", "exact"))
    if al.chance_probability is not None and al.events_on_boundary >= 3 and \
            al.chance_probability < th.alpha_events and al.boundaries and \
            al.boundaries_with_spike / al.boundaries >= th.min_boundary_share and \
            not small_batch_noise(ev, th):
        direction = fold.best_direction if fold is not None and fold.best_p < 0.01 else "up"
        found.append((al.chance_probability, direction, "events"))
    if fold is not None and fold.best_p < th.alpha_fold and fold.boundaries >= th.min_boundaries:
        j = int(np.flatnonzero(fold.rel == fold.best_rel)[0])
        if abs(fold.mean_z[j] - fold.bg_mean) >= th.min_fold_effect:
            found.append((fold.best_p, fold.best_direction, "fold"))
    if shift is not None and shift.probability < th.alpha_shift and \
            abs(shift.shift) >= th.min_level_shift:
        found.append((shift.probability, shift.direction, "shift"))
    fin = ev.final
    h, _ = dx.expected_partial_height(ev.geometry)
    if h is not None and h >= th.min_predicted_height and fin is not None and \
            fin.epochs >= th.min_boundaries and fin.ratio >= th.min_supporting_height:
        p = fin.p_up / fin.tests  # the one test the geometry names, uncorrected
        if p < th.alpha_predicted:
            found.append((p, "up", "exact"))
    after = _predicted_aftermath(ev, th)
    if after is not None:
        found.append((after, "up", "aftermath"))
    if _short_final_batch(ev.geometry) and fin is not None and fin.ratio > 1.0 and \
            fin.epochs >= th.min_boundaries and shift is not None and shift.direction == "up":
        # A batch-size-dependent loss on a short final batch predicts both a high final
        # step and a raised level after it (its oversized update): tested jointly.
        p = fisher(fin.p_up, shift.probability)
        if p < th.alpha_fold:
            found.append((p, "up", "joint"))
    ps = ev.shape
    if not found and ps is not None and not ev.inferred and shape_at_boundary(ps, th):
        # Nothing sharp at the boundary, but the whole epoch repeats one shape that steps
        # there: a jump decaying through the epoch (warm restarts) or a drop the epoch
        # then climbs back from. Only a fallback: a sharp test places the effect better.
        found.append((ps.probability, "up" if ps.edge > 0 else "down", "shape"))
    if not found:
        return None, None
    _, direction, how = min(found, key=lambda f: f[0])
    return direction, how


def _predicted_aftermath(ev: Evidence, th: Thresholds) -> float | None:
    """The chance of the excess on the first logged point after each boundary, when the
    flags predict a short final batch of B/r >= min_unseen_final_height and the log holds
    its final step in too few epochs to test it (Lightning's every 50 steps): the oversized
    update shows in the steps after it. One pre-stated test, like the final step's, so
    alpha_predicted with no correction for a scan; None when it does not apply."""
    fold, fin = ev.fold, ev.final
    h, _ = dx.expected_partial_height(ev.geometry)
    if h is None or h < th.min_unseen_final_height or ev.inferred or fold is None or \
            (fin is not None and fin.epochs >= th.min_boundaries) or \
            fold.boundaries < th.min_boundaries:
        return None
    at = np.flatnonzero(fold.rel == 0)
    if at.size == 0:
        return None
    j = int(at[0])
    if fold.mean_z[j] - fold.bg_mean < th.min_fold_effect or not fold.ratio[j] > 1.0:
        return None
    p = float(fold.p_up[j])
    return p if p < th.alpha_predicted else None


def small_batch_noise(ev: Evidence, th: Thresholds = THRESHOLDS) -> bool:
    """The aligned events are a correct loss's short final batch, noisier both ways: all on
    the final step of a batch the geometry says is short, some down, and none up near the
    B/r a batch-size-dependent loss would read there (a single sample's loss is often a
    fraction of the batch mean, sometimes several times it)."""
    h, _ = dx.expected_partial_height(ev.geometry)
    on = [s for s in ev.spikes if s.aligned]
    if h is None or h <= 1 or not on or any(s.offset != -1 for s in on):
        return False
    up = [s.height for s in on if s.direction == "up"]
    down = [s for s in on if s.direction == "down"]
    return bool(down) and all(u < h / th.height_tolerance for u in up)


def shape_at_boundary(ps: PhaseStructure, th: Thresholds = THRESHOLDS) -> bool:
    """The within-epoch shape repeats strongly and steps at the epoch boundary: largest at
    the first or last bins, or a straight fall (rise) through every epoch that starts
    over at the next one."""
    if ps.probability >= th.shape_alpha or ps.split_half_r <= th.shape_min_r or \
            ps.amplitude < th.shape_min_amplitude:
        return False
    at_boundary = ps.peak_bin in (0, 1, 2, ps.bins - 1) or ps.linear_r2 >= th.shape_max_linear_r2
    # the step must be worth seeing, as for a level shift (benign stairs of 8% are not)
    return at_boundary and abs(ps.edge) >= th.min_level_shift and not shape_repeats(ps, th)


def same_batches(so: SameOrder | None, th: Thresholds = THRESHOLDS) -> bool:
    """Consecutive epochs' step-to-step wiggles agree position by position: the same
    batches come in the same order every epoch."""
    return so is not None and so.probability < th.same_order_alpha and \
        so.correlation >= th.same_order_min_r


def shape_repeats(ps: PhaseStructure | None, th: Thresholds = THRESHOLDS) -> bool:
    """The whole within-epoch shape repeats, and its largest part is not at the boundary."""
    if ps is None or ps.probability >= th.shape_alpha or ps.split_half_r <= th.shape_min_r \
            or ps.amplitude < th.shape_min_amplitude:
        return False
    if ps.linear_r2 >= th.shape_max_linear_r2:
        return False
    at_boundary = ps.peak_bin in (0, 1, ps.bins - 1)
    return not at_boundary or ps.peak_bins_away_from_boundary >= 3


# --- where is it? ----------------------------------------------------------------------------


def locate(ev: Evidence, direction: str | None, how: str | None,
           th: Thresholds = THRESHOLDS) -> tuple[str | None, float | None]:
    """Where the boundary excess sits ('final-step', 'epoch-start', 'spread') and its
    measured height (the median loss there over the baseline)."""
    geom, fold, shift = ev.geometry, ev.fold, ev.shift
    if how == "shift" and shift is not None and direction == "up" and \
            _isolated_final_peak(ev, th):
        # the epoch was placed on a one-step peak: the raised level after it is that
        # step's aftermath (an oversized update), not a jump of its own
        return "final-step", ev.final.ratio
    if how == "shift" and shift is not None:
        return "epoch-start", exp_capped(shift.shift)
    if how == "shape" and ev.shape is not None:
        return "epoch-start", exp_capped(ev.shape.edge) if ev.log_scale else None
    if how == "aftermath" and fold is not None:
        # seen after the boundary; the cause (a short batch it cannot see) is decided later
        j = int(np.flatnonzero(fold.rel == 0)[0])
        return "epoch-start", float(fold.ratio[j])
    k = max(1, geom.log_every)
    fin, st = ev.final, ev.start
    if how == "joint" and fin is not None:
        return "final-step", fin.ratio
    fin_up = fin is not None and fin.epochs >= 2 and fin.p_up < 1e-3 and fin.ratio > 1.0
    st_up = st is not None and st.epochs >= 2 and st.p_up < 1e-3 and st.ratio > 1.0
    if direction == "up" and fin_up:
        if ev.inferred and geom.source == "inferred":
            # The epoch was placed on the recurring spike: an isolated one-point peak is a
            # short batch; a jump that persists into the next points is a new epoch.
            nxt = st.ratio if st is not None else 1.0
            if fin.peak_ratio >= th.isolated_peak * max(nxt, 1e-12):
                return "final-step", fin.ratio
            return "epoch-start", fin.ratio
        if not st_up or fin.peak_ratio >= st.ratio or _short_final_batch(geom):
            return "final-step", fin.ratio
        return "epoch-start", st.ratio
    if direction == "up" and st_up and not _short_final_batch(geom) and k == 1:
        return "epoch-start", st.ratio
    if direction == "down" and how == "exact":
        # the exact test that found it names its step: not the fold's deepest offset
        # (a 1-sample final batch's dips beside a chance low two steps later)
        exact = [(e.p_down, pos, e.ratio) for e, pos in ((fin, "final-step"),
                                                          (st, "epoch-start"))
                 if e is not None and e.ratio < 1.0]
        if exact:
            _, pos, ratio = min(exact)
            return pos, ratio
    # Logged every k steps, the final step itself shows only in some epochs: when the
    # aligned spikes sit exactly on it, that is where the excess is.
    if k > 1 and direction == "up" and ev.spikes:
        on = [s for s in ev.spikes if s.aligned and s.direction == "up"]
        last = [s for s in on if s.offset == -1]
        if len(last) >= 3 and len(last) >= 0.6 * len(on):
            return "final-step", float(np_median([s.height for s in last]))
        # A log of k-step means holds the final step in the first row at or after it
        # (offset -1 to k-2): spikes on that row, gone by the next one, are that step's;
        # a reset's jump would persist through the rows after it.
        covering = [s for s in on if -1 <= (s.offset if s.offset is not None else -k)
                    <= k - 2]
        if len(covering) >= 3 and len(covering) >= 0.6 * len(on) and \
                ev.kept_after_spike is not None and \
                ev.kept_after_spike <= th.max_kept_after_spike:
            return "final-step", float(np_median([s.height for s in covering]))
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
    if geom.source == "inferred" and -3 <= r <= -1 and direction == "down":
        return "final-step", measured  # the epoch was placed on it: a low final step
    if geom.source == "inferred" and -3 <= r <= -1:
        nxt = fold.ratio[(fold.rel == r + 1)]
        nxt_ratio = float(nxt[0]) if nxt.size and np.isfinite(nxt[0]) else 1.0
        if measured is not None and measured >= th.isolated_peak * max(nxt_ratio, 1e-12):
            return "final-step", measured
        return "epoch-start", measured
    if k == 1:
        if -3 <= r <= -1:
            return "final-step", measured
        if 0 <= r <= 3 or (r <= 10 and decays):
            return "epoch-start", measured
    else:
        _, diluted = dx.expected_partial_height(geom)
        matches = bool(diluted and measured and
                       diluted / th.height_tolerance <= measured <= diluted * th.height_tolerance)
        if r == -1 or (r == 0 and (matches or (not decays and (
                _short_final_batch(geom) or geom.source == "inferred")))):
            return "final-step", measured
        if 0 <= r <= 2:
            return "epoch-start", measured
    return "spread", measured


def _isolated_final_peak(ev: Evidence, th: Thresholds) -> bool:
    """With the epoch inferred from a recurring peak (placed on its final step), that peak
    stands alone: significant, and isolated_peak times the point after it."""
    fin, st = ev.final, ev.start
    if not (ev.inferred and ev.geometry.source == "inferred") or fin is None or \
            fin.epochs < 2 or fin.p_up >= 1e-3 or fin.ratio <= 1.0:
        return False
    nxt = st.ratio if st is not None else 1.0
    return fin.peak_ratio >= th.isolated_peak * max(nxt, 1e-12)


def _short_final_batch(geom: EpochGeometry) -> bool:
    """The geometry has a final batch (or accumulation window) smaller than the others."""
    return bool(geom.final_batch and geom.batch_size and geom.final_batch < geom.batch_size) \
        or bool(geom.final_window and geom.final_window < geom.grad_accum)


# --- which cause explains it? ----------------------------------------------------------------


def _explain(ev: Evidence, direction: str | None, how: str | None, position: str | None,
             measured: float | None, spread: bool, th: Thresholds) -> list[Diagnosis]:
    """Causes ranked by how much of the evidence each explains."""
    ps = ev.shape
    share, luck = _strength_words(ev, how)
    boundary = _boundary_cause(ev, direction, position, measured, share, luck, th)
    if not spread:
        return boundary
    if shape_repeats(ps, th):
        what = (f"the same within-epoch shape recurs at the same phase of every epoch "
                f"(split-half correlation {ps.split_half_r:.2f}), spread through the epoch, "
                "not only at its start")
    else:
        so = ev.same_order
        what = (f"the loss rises and falls step for step alike in consecutive epochs (rank "
                f"correlation {so.correlation:.2f} at the same step of the epoch, over "
                f"{so.pairs} pairs of epochs): the same batches come in the same order")
    shuffled = dx.make(Cause.UNSHUFFLED, 0.75, what)
    starts_epoch = position == "epoch-start" and ps is not None and (
        ps.peak_bin <= 2 or ps.peak_bin == ps.bins - 1)
    if boundary and (_sharp(ev.fold) or starts_epoch or _spike_as_predicted(ev, boundary, th)):
        return boundary + [_with_confidence(shuffled, 0.2)]
    return [shuffled] + [_with_confidence(b, min(b.confidence, 0.3)) for b in boundary[:1]]


def _boundary_cause(ev: Evidence, direction: str | None, position: str | None,
                    measured: float | None, share: str, luck: str, th: Thresholds
                    ) -> list[Diagnosis]:
    """The cause whose signature sits at the boundary itself, and a second one only for
    evidence it leaves unexplained."""
    geom = ev.geometry
    k = max(1, geom.log_every)
    lead = f"{share}{luck}; " if share else ""
    if direction is None:
        return []
    if position == "final-step" and direction == "up":
        d = dx.partial_batch_diagnosis(geom, measured, ev.inferred,
                                       tolerance=th.height_tolerance,
                                       aftermath=_decaying_after(ev))
        out = [_with_evidence(d, lead + d.evidence)]
        return out + _unexplained_drop(ev, th)
    if position == "epoch-start" and direction == "up":
        h, _ = dx.expected_partial_height(geom)
        fin = ev.final
        # With no batch geometry (epochs from the log alone), the short batch is possible.
        unknown_batch = h is None and geom.final_batch is None and not ev.inferred and k == 1
        if (unknown_batch or (h is not None and h > 1)) and fin is not None and \
                fin.epochs >= th.min_boundaries and fin.p_up < th.alpha_supporting and \
                fin.ratio >= th.min_supporting_height:
            # The step before the jump is itself high, on a short final batch: the jump is
            # that batch's oversized update carried on by momentum, not a reset.
            d = dx.partial_batch_diagnosis(geom, fin.ratio, ev.inferred,
                                           tolerance=th.height_tolerance, aftermath=True)
            return [_with_evidence(d, lead + d.evidence)] + _unexplained_drop(ev, th)
        if h is not None and h >= th.min_unseen_final_height and not ev.inferred and (
                fin is None or fin.epochs < th.min_boundaries):
            d = dx.partial_batch_diagnosis(geom, None, ev.inferred,
                                           tolerance=th.height_tolerance, aftermath=True)
            seen = 0 if fin is None else fin.epochs
            why = (f"{lead}the loss jumps at the first logged points of each epoch"
                   f"{_times(measured)}; the final step itself is logged in {seen} of "
                   f"{ev.observed_boundaries} epochs, too few to check, and "
                   + d.evidence.split("; ", 1)[1]
                   + "; a loss that does not depend on the batch size would make this a "
                   "reset of the optimizer or learning rate instead")
            return [_with_confidence(_with_evidence(d, why), 0.6)]
        if h is not None and h > 1 and k > 1:
            # Logged every k steps, a final-step spike lands in the first logged point of
            # the next epoch: the short batch is the likelier explanation.
            d = dx.partial_batch_diagnosis(geom, measured, ev.inferred,
                                           tolerance=th.height_tolerance)
            if d.confidence >= 0.7:
                return [_with_evidence(d, lead + d.evidence)]
        ps = ev.shape
        if ps is not None and ps.probability < th.shape_alpha and \
                ps.detail_r >= th.shape_detail_r:
            why = (f"{lead}the loss is high at the start of each epoch{_times(measured)} and "
                   "falls through it along the same detailed path every epoch (split-half "
                   f"correlation of the detail {ps.detail_r:.2f}): the same samples come at "
                   "the same place of every epoch, hardest first")
            return [dx.make(Cause.UNSHUFFLED, 0.7, why, measured)]
        why = (f"{lead}the loss jumps at the first steps of each epoch{_times(measured)} and "
               "decays after" + ("" if not _short_final_batch(geom) else
                                 "; the final step itself shows no spike"))
        return [dx.make(Cause.RESET, 0.7, why, measured)]
    if direction == "down" and position == "epoch-start":
        after = _level_after_first_step(ev)
        if after is not None and after >= th.min_supporting_height:
            # Lowest on the epoch's first step and high on the steps after it: the end of a
            # decaying cycle, then a restart that shows from its first update on (the
            # loss at a step is measured before that step's update).
            why = (f"{lead}the loss is lowest on the first step of each epoch and jumps on "
                   f"the steps after it{_times(after)}, then decays: the learning rate or "
                   "the optimizer state starts over at every epoch")
            return [dx.make(Cause.RESET, 0.7, why, after)]
        why = (f"{lead}the loss drops at the start of each epoch{_times(measured, 'to ')}: the "
               "model meets samples it has already seen")
        return [dx.make(Cause.DROP, 0.7, why, measured)]
    if direction == "down" and position == "final-step":
        # a short final accumulation window under a loss divided by G regardless reads w/G
        h, _ = dx.expected_partial_height(geom, window_first=True)
        if h is not None and h < 1 and measured is not None and measured < 0.8:
            d = dx.partial_batch_diagnosis(geom, measured, ev.inferred,
                                           tolerance=th.height_tolerance, window_first=True)
            return [_with_evidence(d, lead + d.evidence)]
        dip = _summed_loss_dip(ev, measured, th)
        if dip is not None:
            return [dip]
        # A small final batch of a correct loss is noisier (often lower): not a spike.
        return []
    why = f"{lead}the anomaly sits at offset {ev.alignment.folded_offset} from the epoch start"
    return [dx.make(Cause.UNKNOWN, 0.4, why, measured)]


def _summed_loss_dip(ev: Evidence, measured: float | None, th: Thresholds
                     ) -> Diagnosis | None:
    """partial-final-batch for a loss summed over the batch and divided by B regardless.

    Its short final batch of r samples reads about r/B of a full one: a dip that deep, at
    most final steps. A correct (mean) loss on a short batch is noisier but not r/B low
    in most epochs; on a one-sample batch it can be (most single samples sit far under
    the mean), so r >= 2 is asked, and the measured height must be near r/B: at most
    height_tolerance above it, and not so far under that the prediction explains nothing.
    """
    geom, fin = ev.geometry, ev.final
    r, b = geom.final_batch, geom.batch_size
    if not (r and b and 2 <= r < b) or measured is None or fin is None or \
            fin.epochs < th.min_boundaries:
        return None
    k = max(1, geom.log_every)
    dip = r / b
    lo = dip / th.height_tolerance ** 2  # under it: the r samples' own skew
    if not (lo <= measured <= dip * th.height_tolerance) or dip > 1 / th.height_tolerance:
        return None
    if fin.hits_down < th.dip_share * fin.epochs or k > 1:
        return None
    why = (f"the loss dips on the final step of each epoch ({fin.hits_down} of "
           f"{fin.epochs} epochs, {measured:.3g}x): the final batch holds {r} of {b} samples, "
           f"so a loss summed over the batch and divided by {b} regardless reads {dip:.3g}x")
    d = dx.make(Cause.PARTIAL_FINAL_BATCH, 0.8, why, measured)
    return Diagnosis(d.cause, d.confidence, d.evidence, d.fix, dip, measured)


def _level_after_first_step(ev: Evidence) -> float | None:
    """The median folded loss (x the usual) on the logged points 1-3 after the epoch's
    first, or None when the fold does not reach them."""
    fold = ev.fold
    if fold is None:
        return None
    at = (fold.rel >= 1) & (fold.rel <= 3)
    if not np.any(at):
        return None
    return float(np_median(fold.ratio[at]))


def _unexplained_drop(ev: Evidence, th: Thresholds) -> list[Diagnosis]:
    """A level drop across epoch starts is not explained by a short final batch."""
    s = ev.shift
    if s is not None and s.direction == "down" and s.probability < th.alpha_shift and \
            abs(s.shift) >= th.min_level_shift:
        why = (f"besides, the loss level falls across the start of {s.epochs} epochs by "
               f"{abs(expm1_capped(s.shift)):.0%} on average: the model meets samples it has "
               "already seen")
        return [dx.make(Cause.DROP, 0.4, why, exp_capped(s.shift))]
    return []


def _decaying_after(ev: Evidence) -> bool:
    """The loss stays high for some steps after the boundary (the folded profile)."""
    fold = ev.fold
    if fold is None:
        return False
    after = (fold.rel >= 1) & (fold.rel <= 5) & np.isfinite(fold.mean_z)
    return bool(np.count_nonzero(fold.mean_z[after] - fold.bg_mean > 0.5) >= 2)


def _strength_words(ev: Evidence, how: str | None) -> tuple[str, str]:
    """('anomalies at 7 of 7 epoch boundaries', ' (chance of that by luck: about 1e-29)')."""
    al, fold, shift = ev.alignment, ev.fold, ev.shift
    share = (f"anomalies at {al.boundaries_with_spike} of {al.boundaries} epoch boundaries"
             if al.boundaries and al.boundaries_with_spike else "")
    if how == "exact" and ev.final is not None and ev.final.epochs:
        f = ev.final
        share = (f"the final step of the epoch is high at {f.hits_up} of {f.epochs} logged "
                 f"epoch ends (median {f.ratio:.3g}x)") if f.ratio > 1 else share
    if how == "joint" and ev.final is not None and shift is not None:
        f = ev.final
        share = (f"the final step of the epoch reads {f.ratio:.3g}x the usual loss (median "
                 f"of {f.epochs} epoch ends) and the loss level then rises by "
                 f"{abs(expm1_capped(shift.shift)):.0%} across {shift.epochs} epoch starts")
    elif how == "shape" and ev.shape is not None:
        sh = ev.shape
        share = (f"every epoch repeats one shape (split-half correlation "
                 f"{sh.split_half_r:.2f}) that "
                 f"{'starts high and falls' if sh.edge > 0 else 'starts low and climbs'} "
                 "through the epoch, stepping back at each boundary")
    elif how == "shift" and shift is not None:
        share = (f"the loss level {'rises' if shift.shift > 0 else 'falls'} across the start "
                 f"of {shift.epochs} epochs, by {abs(expm1_capped(shift.shift)):.0%} on average")
    ps = [al.chance_probability if al.events_on_boundary >= 2 else None,
          fold.best_p if fold else None,
          shift.probability if how == "shift" and shift else None,
          ev.final.p_up if how == "exact" and ev.final else None,
          ev.start.p_up if how == "exact" and ev.start else None,
          ev.shape.probability if how == "shape" and ev.shape else None,
          fisher(ev.final.p_up, shift.probability) if how == "joint" and ev.final and shift
          else None, 1.0]
    p = min(x for x in ps if x is not None)
    luck = (" (chance of that by luck: < 1e-300)" if p <= 0 else
            f" (chance of that by luck: about {p:.0e})" if p < 0.01 else "")
    return share, luck


def fisher(p1: float, p2: float) -> float:
    """Fisher's combination of two independent p-values (chi-square with 4 df)."""
    x = max(p1 * p2, 1e-300)
    return min(1.0, x * (1.0 - math.log(x)))


def _spike_as_predicted(ev: Evidence, boundary: list[Diagnosis], th: Thresholds) -> bool:
    """The boundary cause is a short final batch the geometry predicts, its final-step
    spike far beyond chance at every test and at least the supporting height: a within-epoch
    shape beside it is that spike's aftermath (the oversized update), not data order."""
    fin = ev.final
    if boundary[0].cause != Cause.PARTIAL_FINAL_BATCH or fin is None:
        return False
    h, _ = dx.expected_partial_height(ev.geometry)
    return h is not None and h >= th.min_predicted_height and \
        fin.p_up < th.alpha_fold and fin.ratio >= th.min_supporting_height


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
    return top >= 8 and top >= 4 * quantile(rest, 0.75)


def _major_spikes(ev: Evidence, th: Thresholds) -> list[SpikeEvent]:
    """Isolated spikes that stand out against this run's own heavy tail of noise."""
    z_major = max(th.major_z, th.major_noise_multiple * ev.noise_q95)
    settled = [s for s in ev.spikes
               if ev.startup_until is None or s.peak_step > ev.startup_until]
    major = [s for s in settled if s.direction == "up" and abs(s.z) >= z_major
             and (not ev.log_scale or s.height >= th.major_height)]
    huge = [s for s in settled if s.direction == "up" and ev.log_scale
            and s.height >= th.huge_height and not s.aligned]
    if len(huge) >= th.huge_count:
        major = sorted({id(s): s for s in major + huge}.values(), key=lambda s: s.peak_step)
    return major


def _times(measured: float | None, prefix: str = "") -> str:
    """' (1.5x)' for a measured height, '' when none could be measured (linear scale)."""
    return f" ({prefix}{measured:.3g}x)" if measured is not None else ""


def _with_evidence(d: Diagnosis, evidence: str) -> Diagnosis:
    return Diagnosis(d.cause, d.confidence, evidence, d.fix, d.expected_height,
                     d.measured_height)


def _with_confidence(d: Diagnosis, confidence: float) -> Diagnosis:
    return Diagnosis(d.cause, confidence, d.evidence, d.fix, d.expected_height,
                     d.measured_height)
