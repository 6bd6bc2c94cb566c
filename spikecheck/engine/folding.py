"""Epoch folding: stack the residuals of every epoch by phase and test the boundary.

A spike too small to flag at any one boundary still stands out when the same offset from
the epoch start is compared across many epochs against the rest of the epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spikecheck.engine.median_network import median_of_columns
from spikecheck.engine.stats import binom_sf, exp_capped, median, norm_sf
from spikecheck.nomask import distinct
from spikecheck.nomask import median as np_median

PROFILE = (-5, 10)  # folded offsets reported, in logged points from the epoch start
BACKGROUND_GAP = (-10, 20)  # offsets excluded from the background
HIT_Z = 3.0
MAX_SHAPE_POINTS = 400_000
Z_CLIP = 12.0


@dataclass(frozen=True)
class Phase:
    """Each point's epoch, step offset from the nearest epoch start, and relative index."""

    epoch: np.ndarray  # epoch whose start is nearest (the boundary index)
    offset: np.ndarray  # steps from that epoch start (negative: before it)
    rel: np.ndarray  # offset in logged points (floor(offset / log_every))
    valid: np.ndarray  # the nearest boundary lies inside the observed range


PHASE_CHUNK = 1 << 20  # points placed at a time by phase_of (bounds its temporaries)


def phase_of(steps: np.ndarray, spe: float, origin: float, log_every: int) -> Phase:
    """Place every logged point relative to its nearest epoch start.

    The arrays are the smallest integer type their values fit (int16 for 10M points of
    1,390-step epochs: 50 MB in all, not 170), filled a chunk at a time: the numbers of
    the int64 arithmetic, without its full-size temporaries.
    """
    n = steps.size
    integer = float(spe).is_integer() and float(origin).is_integer() and \
        steps.dtype.kind == "i" and 0 < spe < 2**62 and abs(origin) < 2**62
    # the epoch index only rises with the step, and the offset stays within half an epoch
    lo_k = _nearest_epoch(steps[:1] if n else steps, spe, origin, integer)
    hi_k = _nearest_epoch(steps[-1:] if n else steps, spe, origin, integer)
    ordered = n < 2 or bool(np.all(steps[1:] >= steps[:-1]))
    k = np.empty(n, _int_type(lo_k, hi_k) if ordered else np.int64)
    offset = np.empty(n, _int_type(-(spe / 2 + 2), spe / 2 + 2) if ordered else np.int64)
    for a in range(0, n, PHASE_CHUNK):
        kc, oc = _phase_chunk(steps[a:a + PHASE_CHUNK], spe, origin, integer)
        if not integer:  # float rounding of huge steps can pass the bounds: no wrapping
            k, offset = _widened(k, kc), _widened(offset, oc)
        k[a:a + kc.size] = kc
        offset[a:a + oc.size] = oc
    rel = offset if log_every <= 1 else np.floor_divide(offset, log_every)
    from spikecheck.geometry import first_boundary_index

    first = first_boundary_index(float(steps[0]), spe, origin) if steps.size else 1
    last = math.floor((steps[-1] - origin) / spe + 1e-9) if steps.size else 0
    # the points before the next boundary belong to the last epoch, whose end the log
    # may hold (a run that stops on an epoch's final step) though it holds no point after
    valid = (k >= first) & ((k <= last) | ((k == last + 1) & (offset < 0)))
    return Phase(k, offset, rel, valid)


def _phase_chunk(steps: np.ndarray, spe: float, origin: float, integer: bool
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(nearest epoch, step offset from its start) for some steps, in int64."""
    if integer:
        # integer epochs (the flags' arithmetic): the same in int64, in fewer passes
        ispe, iorg = int(spe), int(origin)
        shifted = steps - iorg
        k = shifted + ispe // 2
        np.floor_divide(k, ispe, out=k)  # == floor(x / spe + 0.5)
        offset = k * ispe
        np.subtract(shifted, offset, out=offset)
        return k, offset
    # floor((steps - origin) / spe + 0.5) and round(steps - (origin + k * spe)), the
    # same operations in the same order, in place
    t = np.subtract(steps, origin, dtype=np.float64)
    t /= spe
    t += 0.5
    np.floor(t, out=t)
    k = t.astype(np.int64)
    np.multiply(k, spe, out=t)
    t += origin
    np.subtract(steps, t, out=t)
    np.round(t, out=t)
    return k, t.astype(np.int64)


def _nearest_epoch(steps: np.ndarray, spe: float, origin: float, integer: bool) -> int:
    return int(_phase_chunk(steps, spe, origin, integer)[0][0]) if steps.size else 0


def _widened(dst: np.ndarray, values: np.ndarray) -> np.ndarray:
    """dst, or an int64 copy of it when the values do not fit its type."""
    info = np.iinfo(dst.dtype)
    if values.size and (values.min() < info.min or values.max() > info.max):
        return dst.astype(np.int64)
    return dst


def _int_type(lo: float, hi: float) -> type:
    """The smallest signed integer type holding every value in [lo, hi]."""
    for t in (np.int16, np.int32):
        if np.iinfo(t).min < lo and hi < np.iinfo(t).max:
            return t
    return np.int64


@dataclass(frozen=True)
class FoldResult:
    """The folded profile around the boundary and how unlikely its strongest point is."""

    rel: np.ndarray
    offset: np.ndarray  # median step offset per rel
    n: np.ndarray
    mean_z: np.ndarray
    ratio: np.ndarray  # median exp(resid) (or resid + 1 on a linear scale)
    hits_up: np.ndarray
    hits_down: np.ndarray
    p_up: np.ndarray  # per-offset probability of this excess by chance (upward)
    p_down: np.ndarray
    best_p: float
    best_rel: int
    best_direction: str
    bg_mean: float
    bg_sd: float
    boundaries: int
    p_hit_up: float = 0.0  # share of background points that are clear excursions up
    p_hit_down: float = 0.0


def fold_by_epoch(z: np.ndarray, resid: np.ndarray, phase: Phase, log_scale: bool,
                  lo: int = PROFILE[0], hi: int = PROFILE[1],
                  points_per_epoch: float | None = None) -> FoldResult | None:
    """Test each offset near the epoch start against the background of the epoch."""
    # Short epochs: keep the profile and its gap inside the epoch, so a background remains.
    if points_per_epoch is not None:
        lo = max(lo, -int(points_per_epoch // 4))
        hi = min(hi, int(points_per_epoch // 3))
        gap = (max(BACKGROUND_GAP[0], 2 * lo - 1), min(BACKGROUND_GAP[1], 2 * hi + 1))
        if gap[1] - gap[0] + 1 > points_per_epoch - 3:
            gap = (lo, hi)
    else:
        gap = BACKGROUND_GAP
    # the masks combined in place: one full-size temporary at a time, not three
    near = phase.rel >= lo
    near &= phase.rel <= hi
    near &= phase.valid
    bg = phase.rel >= gap[0]
    bg &= phase.rel <= gap[1]
    np.logical_not(bg, out=bg)
    if np.count_nonzero(bg) < 20 or not near.any():
        return None
    # z is clipped only where it is used (the background, the points near a boundary):
    # the same numbers as clipping the whole series, without a full-size copy
    if z.size > 1_200_000:  # the background's moments need no more than a million points
        pick = np.random.default_rng(0).integers(0, z.size, 1_200_000)
        zb = np.clip(z[pick[bg[pick]]], -Z_CLIP, Z_CLIP)
    else:
        zb = np.clip(z[bg], -Z_CLIP, Z_CLIP)
    bg_mean = float(np.mean(zb))
    bg_sd = float(np.std(zb)) or 1.0
    p_hit_up = (np.count_nonzero(zb > HIT_Z) + 1) / (zb.size + 2)
    p_hit_down = (np.count_nonzero(zb < -HIT_Z) + 1) / (zb.size + 2)

    rels = np.arange(lo, hi + 1)
    idx = phase.rel[near] - lo
    z_near = np.clip(z[near], -Z_CLIP, Z_CLIP)
    nr = rels.size
    n = np.bincount(idx, minlength=nr)
    sum_z = np.bincount(idx, weights=z_near, minlength=nr)
    up = np.bincount(idx, weights=(z_near > HIT_Z).astype(float), minlength=nr).astype(int)
    down = np.bincount(idx, weights=(z_near < -HIT_Z).astype(float), minlength=nr).astype(int)
    off_sum = np.bincount(idx, weights=phase.offset[near].astype(float), minlength=nr)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_z = np.where(n > 0, sum_z / np.maximum(n, 1), np.nan)
        offset = np.where(n > 0, np.round(off_sum / np.maximum(n, 1)), rels)
    ratio = np.full(nr, np.nan)
    r_near = resid[near]
    order = np.argsort(idx, kind="stable")
    splits = np.cumsum(n)[:-1]
    for j, group in enumerate(np.split(r_near[order], splits)):
        if group.size:
            med = float(np_median(group))
            ratio[j] = exp_capped(med) if log_scale else med
    # One wild epoch must not make an offset look like a boundary effect: the mean is
    # tested with the single most extreme epoch left out in the direction tested, and
    # the count of clear excursions needs three epochs at least.
    zmax = np.full(nr, -np.inf)
    zmin = np.full(nr, np.inf)
    np.maximum.at(zmax, idx, z_near)
    np.minimum.at(zmin, idx, z_near)
    p_up = np.ones(nr)
    p_down = np.ones(nr)
    for j in range(nr):
        if n[j] < 3:
            continue
        se = bg_sd / math.sqrt(n[j] - 1)
        t_up = ((sum_z[j] - zmax[j]) / (n[j] - 1) - bg_mean) / se
        t_down = ((sum_z[j] - zmin[j]) / (n[j] - 1) - bg_mean) / se
        p_up[j] = norm_sf(t_up)
        p_down[j] = norm_sf(-t_down)
        if up[j] >= 3:
            p_up[j] = min(p_up[j], binom_sf(int(up[j]), int(n[j]), p_hit_up))
        if down[j] >= 3:
            p_down[j] = min(p_down[j], binom_sf(int(down[j]), int(n[j]), p_hit_down))
    # Bonferroni over the offsets and both directions and tests.
    m = 4 * max(1, int(np.count_nonzero(n >= 3)))
    pu, pd = p_up.min(), p_down.min()
    if pu <= pd:
        best_p, best_rel, direction = pu * m, int(rels[np.argmin(p_up)]), "up"
    else:
        best_p, best_rel, direction = pd * m, int(rels[np.argmin(p_down)]), "down"
    boundaries = _boundaries_seen(phase)
    return FoldResult(rels, offset.astype(int), n, mean_z, ratio, up, down, p_up, p_down,
                      float(min(1.0, best_p)), best_rel, direction, bg_mean, bg_sd, boundaries,
                      float(p_hit_up), float(p_hit_down))


@dataclass(frozen=True)
class OffsetEffect:
    """The points logged exactly at one step offset from the epoch start, over all epochs.

    Offset -1 is the final step of an epoch: where a short final batch shows, whatever the
    logging interval (logged every k steps, it is seen only in the epochs where a logged
    step falls on it).
    """

    offset: int
    epochs: int  # epochs with a point logged exactly there
    ratio: float  # median loss over the baseline there
    p_up: float  # chance of this excess (one-sided, up), Bonferroni over the tests made
    p_down: float
    hits_up: int  # epochs where the point is a clear excursion up (z > HIT_Z)
    hits_down: int
    tests: int = 8  # the Bonferroni factor in p_up and p_down
    # the median ratio to the centred baseline, as the point after it is measured: what
    # "stands this much above the next point" compares (ratio may be against the points
    # before it)
    ratio_centred: float | None = None

    @property
    def peak_ratio(self) -> float:
        """The ratio to compare with the next point's."""
        return self.ratio if self.ratio_centred is None else self.ratio_centred


def offset_effect(z: np.ndarray, resid: np.ndarray, phase: Phase, offset: int,
                  log_scale: bool, fold: FoldResult, tests: int = 8,
                  y: np.ndarray | None = None) -> OffsetEffect | None:
    """Test the points logged exactly at `offset` against the background of the fold.

    With `y` (the analysis-scale series), each point is measured against the median of the
    points logged before it (see before_level): for the final step, whose oversized update
    lifts the steps after it, a centred median would rise with that aftermath and hide part
    of the spike (a 45x step read as 9x).
    """
    at = np.flatnonzero(phase.valid & (phase.offset == offset))
    if at.size == 0:
        return None
    zat, rat = np.asarray(z[at], dtype=np.float64), np.asarray(resid[at], dtype=np.float64)
    centred = None
    if y is not None:
        mc = float(np_median(rat))
        centred = exp_capped(mc) if log_scale else 1.0 + mc
        zat, rat = before_level(y, zat, rat, at)
    zc = np.clip(zat, -Z_CLIP, Z_CLIP)
    n = int(at.size)
    med = float(np_median(rat))
    ratio = exp_capped(med) if log_scale else 1.0 + med
    up = int(np.count_nonzero(zc > HIT_Z))
    down = int(np.count_nonzero(zc < -HIT_Z))
    p_up = p_down = 1.0
    if n >= 3:
        # the most extreme epoch left out in the direction tested: one wild epoch is luck
        se = fold.bg_sd / math.sqrt(n - 1)
        p_up = norm_sf(((zc.sum() - zc.max()) / (n - 1) - fold.bg_mean) / se)
        p_down = norm_sf(-((zc.sum() - zc.min()) / (n - 1) - fold.bg_mean) / se)
    if up >= 3:
        p_up = min(p_up, binom_sf(up, n, fold.p_hit_up))
    if down >= 3:
        p_down = min(p_down, binom_sf(down, n, fold.p_hit_down))
    return OffsetEffect(offset, n, ratio, min(1.0, p_up * tests), min(1.0, p_down * tests),
                        up, down, tests, centred)


LEFT_WINDOW = 10  # the points before a step it is measured against: half the detrend window


def before_level(y: np.ndarray, z: np.ndarray, resid: np.ndarray, at: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(z, residual) of the points at `at` against the median of the LEFT_WINDOW points
    logged before each, on the same local scale as the centred residual; points with fewer
    than three before them, or a zero residual (no scale to read), keep the centred ones."""
    z, resid = z.copy(), resid.copy()
    for j, i in enumerate(at):
        if i < 3 or resid[j] == 0 or z[j] == 0:
            continue
        scale = resid[j] / z[j]
        r = float(y[i]) - float(np_median(y[max(0, i - LEFT_WINDOW):i]))
        resid[j], z[j] = r, r / scale
    return z, resid


@dataclass(frozen=True)
class PhaseStructure:
    """Whether the whole within-epoch shape repeats from epoch to epoch."""

    bins: int
    probability: float  # chance of this much between-bin variation with no structure
    split_half_r: float  # correlation of the profile in odd vs even epochs
    amplitude: float  # range of the phase profile, in robust sd of the residual
    peak_bins_away_from_boundary: int
    peak_bin: int = 0  # the bin that deviates most (0 = epoch start, bins-1 = epoch end)
    linear_r2: float = 0.0  # share of the profile a straight line through the epoch explains
    edge: float = 0.0  # first bin minus last bin (analysis scale): > 0 the epoch starts high
    detail_r: float = 0.0  # split-half correlation of the profile less a smooth curve


def phase_structure(y: np.ndarray, steps: np.ndarray, spe: float, origin: float,
                    log_every: int, bins: int = 20, base: np.ndarray | None = None
                    ) -> PhaseStructure | None:
    """Fold the epoch-detrended curve into phase bins; ANOVA-like test plus split-half.

    `base` (the rolling-median baseline) gives a spike-free trend between epochs.
    """
    if steps.size > MAX_SHAPE_POINTS:
        # The shape test is statistical: an evenly spread random subset is plenty.
        pick = _sorted_sample(steps.size, MAX_SHAPE_POINTS)
        y, steps = y[pick], steps[pick]
        if base is not None:
            base = base[pick]
    pos = np.subtract(steps, origin, dtype=np.float64)
    pos /= spe
    whole = np.floor(pos)
    ep = whole.astype(np.int64)
    frac = np.subtract(pos, whole, out=pos)  # pos - ep: whole is ep exactly (steps <= 2**53)
    del whole
    ordered = bool(np.all(ep[1:] >= ep[:-1]))  # steps in order: runs, not a sort
    # the first epoch is dominated by the initial fall of the loss; in order, the epochs
    # from 1 on are a tail of the arrays, taken as views instead of copies
    keep = slice(int(np.searchsorted(ep, 1)), None) if ordered else ep >= 1
    if _distinct(ep[keep], ordered).size < 3:
        return None
    ppe = spe / max(1, log_every)
    bins = int(max(4, min(bins, ppe // 3)))
    if bins < 4:
        return None
    y, ep, frac = y[keep], ep[keep], frac[keep]
    if base is not None:
        base = base[keep]
    # Detrend by each epoch's median, so the fall of the loss across epochs is removed.
    # Epochs are numbered by rank among those holding points (a stray huge step must not
    # make an array per epoch of the span); the centres keep the real epoch positions.
    if ordered:
        new_run = np.concatenate(([True], ep[1:] != ep[:-1]))
        epochs_held, e0 = ep[new_run], np.cumsum(new_run) - 1
        order = np.arange(e0.size)
    else:
        epochs_held, e0 = np.unique(ep, return_inverse=True)
        order = np.argsort(e0, kind="stable")
    ne = int(epochs_held.size)
    counts = np.bincount(e0, minlength=ne)
    if base is not None:
        # the rolling-median baseline ignores spikes, so a plain mean per epoch is robust
        med = np.bincount(e0, weights=base, minlength=ne) / np.maximum(counts, 1)
        med[counts == 0] = np.nan
    else:
        med = np.array([np_median(g) if g.size else np.nan
                        for g in np.split(y[order], np.cumsum(counts)[:-1])])
    # The trend between epoch centres, so the steady fall of the loss within each epoch
    # is not mistaken for a shape that repeats every epoch.
    ok = np.isfinite(med)
    centers = (epochs_held - epochs_held[0]).astype(np.float64) + 0.5
    trend = np.interp(epochs_held[e0] - epochs_held[0] + frac, centers[ok], med[ok])
    r = y - trend
    b = np.minimum((frac * bins).astype(np.int64), bins - 1)
    nb = np.bincount(b, minlength=bins)
    if np.any(nb < 3):
        return None
    mad = median(np.abs(r - median(r))) * 1.4826 or float(np.std(r)) or 1.0
    rc = np.clip(r, -8 * mad, 8 * mad)
    means = np.bincount(b, weights=rc, minlength=bins) / nb
    prob = _shape_probability(rc, e0, b, ne, bins)
    odd = (ep % 2).astype(bool)
    m_odd = _bin_means(rc[odd], b[odd], bins)
    m_even = _bin_means(rc[~odd], b[~odd], bins)
    ok = np.isfinite(m_odd) & np.isfinite(m_even)
    with np.errstate(invalid="ignore", divide="ignore"):
        split_r = float(np.corrcoef(m_odd[ok], m_even[ok])[0, 1]) if ok.sum() >= 4 else 0.0
    if not np.isfinite(split_r):
        split_r = 0.0
    amp = float((means.max() - means.min()) / mad)
    dev = np.abs(means - np_median(means))
    peaks = np.flatnonzero(dev > 0.5 * dev.max()) if dev.max() > 0 else np.empty(0, int)
    away = int(np.count_nonzero((peaks >= 2) & (peaks <= bins - 3)))
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.corrcoef(np.arange(bins), means)[0, 1]
    r2 = float(c * c) if np.isfinite(c) else 0.0
    return PhaseStructure(bins, prob, split_r, amp, away, int(np.argmax(dev)), r2,
                          float(means[0] - means[-1]), _detail_r(m_odd, m_even))


def _boundaries_seen(phase: Phase) -> int:
    """Distinct epochs among the valid points. They are one run of indices (epochs rise
    with the sorted steps and valid is a range of epochs), so the run is read as a view,
    not copied; anything else is counted the general way."""
    valid = phase.valid
    n = valid.size
    if n and valid.any():
        i0, i1 = int(np.argmax(valid)), n - int(np.argmax(valid[::-1]))
        if np.count_nonzero(valid) == i1 - i0:
            ev = phase.epoch[i0:i1]
            return int(np.count_nonzero(ev[1:] != ev[:-1]) + 1)
    ev = phase.epoch[valid]  # non-decreasing: steps are sorted
    return int(np.count_nonzero(np.diff(ev)) + 1) if ev.size else 0


def _sorted_sample(n: int, k: int) -> np.ndarray:
    """k distinct indices of range(n), in order, spread evenly: one drawn at random from
    each of k equal stretches (default_rng(0): the same sample every run).

    Work in k, not n, and no n-sized temporary (a draw without replacement shuffled a
    copy of range(n): 30 ms at 1M points); a random point in each stretch, not every
    n/k-th point, so a period in the steps cannot line up with the sample.
    """
    if k >= n:
        return np.arange(n)
    edges = np.arange(k + 1, dtype=np.int64)
    edges *= n  # in place: i * n // k, without two more k-sized arrays to fault in
    edges //= k
    draw = np.random.default_rng(0).random(k)
    draw *= np.diff(edges)
    pick = draw.astype(np.int64)
    pick += edges[:-1]
    return pick


def _distinct(a: np.ndarray, ordered: bool) -> np.ndarray:
    """np.unique(a), without its sort when `a` is already in order."""
    if not ordered or a.size == 0:
        return distinct(a)
    return a[np.concatenate(([True], a[1:] != a[:-1]))]


# The detail (profile less a smooth curve) must carry this share of the profile's
# variance: sorted-data runs 0.14-0.74, resets and warm restarts 0.01-0.10 on the dev split.
DETAIL_SHARE = 0.12


def _detail_r(m_odd: np.ndarray, m_even: np.ndarray) -> float:
    """Split-half correlation of the phase profile after removing a smooth curve through
    it (a jump decaying through the epoch, a steady fall): data in a fixed order repeats
    its fine detail every epoch; a training dynamic repeats only the smooth part."""
    ok = np.isfinite(m_odd) & np.isfinite(m_even)
    if ok.sum() < 8:
        return 0.0
    x = np.flatnonzero(ok) + 0.5
    basis = np.column_stack([np.ones(x.size), np.log(x), x, x * x])

    def rough(m: np.ndarray) -> np.ndarray:
        coef = np.linalg.lstsq(basis, m, rcond=None)[0]
        return m - basis @ coef

    a, b = rough(m_odd[ok]), rough(m_even[ok])
    if np.std(a) == 0 or np.std(b) == 0:
        return 0.0
    # The detail must be a real part of the shape, not the misfit of a smooth curve to a
    # smooth but differently curved one (an exponential decay is not in the basis).
    whole = np.concatenate((m_odd[ok] - m_odd[ok].mean(), m_even[ok] - m_even[ok].mean()))
    share = float(np.concatenate((a, b)).var() / whole.var()) if whole.var() > 0 else 0.0
    if share < DETAIL_SHARE:
        return 0.0
    r = float(np.corrcoef(a, b)[0, 1])
    return r if np.isfinite(r) else 0.0


def _bin_means(v: np.ndarray, b: np.ndarray, bins: int) -> np.ndarray:
    n = np.bincount(b, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.bincount(b, weights=v, minlength=bins) / n


def _shape_probability(rc: np.ndarray, epoch: np.ndarray, b: np.ndarray, epochs: int,
                       bins: int) -> float:
    """Chance of this much difference between the phase bins with no shape in the epoch.

    Each epoch is one replicate: the bins' means within every whole epoch, tested by a
    two-way analysis of variance (bins against the epoch-to-epoch scatter of the same
    bin). Slow wander of the loss (autocorrelated noise) moves a bin's mean within one
    epoch by more than its points' count suggests, so a test over the points, taken as
    independent, found shapes in plain AR(1) noise; epochs wander independently.
    """
    key = epoch * bins + b
    cnt = np.bincount(key, minlength=epochs * bins).reshape(epochs, bins)
    tot = np.bincount(key, weights=rc, minlength=epochs * bins).reshape(epochs, bins)
    whole = np.all(cnt > 0, axis=1)
    e = int(np.count_nonzero(whole))
    if e < 3:
        return 1.0
    m = tot[whole] / cnt[whole]
    m = m - m.mean(axis=1, keepdims=True)  # each epoch's own level out
    cols = m.mean(axis=0)
    ss_bins = e * float(np.sum(cols ** 2))
    ss_res = float(np.sum((m - cols) ** 2))
    d1, d2 = bins - 1, (e - 1) * (bins - 1)
    if ss_res <= 0:
        return 0.0 if ss_bins > 0 else 1.0
    return _f_sf((ss_bins / d1) / (ss_res / d2), d1, d2)


def _f_sf(f: float, d1: int, d2: int) -> float:
    """Upper tail of the F(d1, d2) distribution, by Paulson's normal approximation (good
    to a few percent of the p-value down to the tails tested here)."""
    if f <= 0 or d1 <= 0 or d2 <= 0:
        return 1.0
    a, c = 2 / (9 * d1), 2 / (9 * d2)
    f3 = f ** (1 / 3)
    t = ((1 - c) * f3 - (1 - a)) / math.sqrt(a + c * f3 * f3)
    return norm_sf(t)


@dataclass(frozen=True)
class LevelShift:
    """How the loss level changes across the epoch start, against other points of the epoch."""

    epochs: int
    shift: float  # mean change at the boundary minus the usual change (log scale if positive)
    probability: float
    direction: str  # "up" or "down"


def level_shift(y: np.ndarray, phase: Phase, points_per_epoch: float) -> LevelShift | None:
    """Median of the points after each epoch start minus the median of those before.

    A step in the level (the loss drops when memorized samples come round again, or
    jumps when the optimizer is reset) is followed by a short rolling median within a few
    points, so the folded residual sees little of it; comparing the levels on either side
    sees all of it.
    """
    m = int(max(3, min(11, points_per_epoch // 6))) | 1
    n = y.size
    half = int(points_per_epoch // 2)
    if n < 4 * m or half < 2 * m:
        return None
    first = np.flatnonzero(phase.valid & (phase.rel == 0))
    # one point per epoch: the first logged point at or after the boundary
    pick = first[np.unique(phase.epoch[first], return_index=True)[1]]
    win = range(m)

    def inside(i: np.ndarray) -> np.ndarray:
        """anchors whose windows, and their references' windows, lie inside the series"""
        return i[(i - half - m >= 0) & (i + half + m <= n)]

    def shift_at(i: np.ndarray) -> np.ndarray:
        """median of the m points from i on minus the median of the m points before i (m
        is odd: a network picks the very middle value np.median would, 10x faster)"""
        return median_of_columns([y[i + t] for t in win]) - \
            median_of_columns([y[i - m + t] for t in win])

    def contrast(i: np.ndarray) -> np.ndarray:
        """the shift at i against the shifts half an epoch either side: the loss falls
        fastest early in training, where the first boundaries are, so each boundary is
        compared with its own stretch of the run"""
        return shift_at(i) - 0.5 * (shift_at(i - half) + shift_at(i + half))

    pick = inside(pick)
    cand = half + m + _sorted_sample(max(0, n - 2 * (half + m) + 1), 400_000)  # inside()
    # The null: the same contrast at anchors whose windows touch no boundary, every m-th
    # one so their windows do not overlap (overlapping medians understate the spread).
    far = (np.abs(phase.rel[cand]) > m) & (np.abs(phase.rel[cand - half]) > m) & \
        (np.abs(phase.rel[cand + half]) > m)
    null = cand[far][:: max(1, m // 2)]
    if null.size > 20_000:  # the null's spread needs thousands of anchors, not millions
        null = null[:: null.size // 20_000 + 1]
    if pick.size < 3 or null.size < 20:
        return None
    cb = contrast(pick)
    cn = contrast(null)
    center = float(np_median(cn))
    # The spread of few, partly overlapping null contrasts is itself uncertain: the larger
    # of the robust and the plain estimate keeps the test honest on short runs.
    sd = max(float(np_median(np.abs(cn - center))) * 1.4826, float(np.std(cn))) or 1e-12
    # The median boundary, with the median's standard error: one boundary in the steep
    # early fall of the loss must not carry the mean. And a level step that is a habit of
    # the run shows at most boundaries, not at a few.
    diff = float(np_median(cb) - center)
    t = diff / (1.2533 * sd / math.sqrt(pick.size))
    p = min(1.0, 2 * norm_sf(abs(t)))
    same_side = np.count_nonzero(np.sign(cb - center) == np.sign(diff)) / pick.size
    if same_side < 0.75:
        p = 1.0
    return LevelShift(int(pick.size), diff, p, "up" if diff > 0 else "down")
