"""Period discovery with no geometry: how often the anomalies (or the shape) recur."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spikecheck.engine.stats import median_of_gaps
from spikecheck.nomask import distinct

MAX_EVENTS = 400
MAX_BINS = 1 << 18


@dataclass(frozen=True)
class PeriodFit:
    """A recurrence period in steps, its phase origin, and the share it explains."""

    period: float
    origin: float  # a step at which the recurring anomaly sits
    strength: float  # 0..1
    support: int  # events (or epochs) that agree
    method: str
    probability: float = 1.0  # chance of this much agreement with no period


def period_from_events(peaks: np.ndarray, heights: np.ndarray, tol: float,
                       min_events: int = 4) -> PeriodFit | None:
    """The period that puts the most spike events at one phase.

    Candidates are the gaps between events (first and second neighbours, so spikes that
    skip some epochs still count); each is scored by how many events fall within `tol`
    steps of the best phase, vectorized over candidates x events.
    """
    if peaks.size < min_events:
        return None
    if peaks.size > MAX_EVENTS:
        keep = np.sort(np.argsort(heights)[-MAX_EVENTS:])
        peaks = peaks[keep]
    t = np.sort(peaks.astype(np.float64))
    gaps = np.concatenate((np.diff(t), t[2:] - t[:-2]))
    gaps = gaps[gaps > 6 * (2 * tol + 1)]
    if gaps.size == 0:
        return None
    cands = distinct(np.round(gaps))
    if cands.size > 300:
        counts = np.array([np.count_nonzero(np.abs(gaps - c) <= tol) for c in cands])
        cands = cands[np.argsort(counts)[-300:]]
    # phase of every event under every candidate, relative to each event in turn
    phase = np.mod(t[None, :], cands[:, None])  # (C, E)
    best_count = np.zeros(cands.size, dtype=int)
    best_phase = np.zeros(cands.size)
    for j in range(t.size):  # each event as the anchor of the phase (E is small)
        d = np.abs(phase - phase[:, j:j + 1])
        d = np.minimum(d, cands[:, None] - d)
        c = np.count_nonzero(d <= tol, axis=1)
        better = c > best_count
        best_count[better] = c[better]
        best_phase[better] = phase[better, j]
    if best_count.max() < min_events:
        return None
    # Score each candidate by how unlikely its count is for events at random phases, so a
    # short period whose tolerance covers much of the cycle does not win by default.
    q = np.minimum(1.0, (2 * tol + 1) / cands)
    logp = np.array([_log_binom_sf(int(c), t.size, float(qq)) for c, qq in zip(best_count, q)])
    logp[best_count < min_events] = 0.0
    j = int(np.argmin(logp))
    if logp[j] > np.log(1e-3):
        return None
    p0, ph = float(cands[j]), float(best_phase[j])
    d = np.abs(np.mod(t, p0) - ph)
    d = np.minimum(d, p0 - d)
    inph = t[d <= tol]
    # Refine: least squares of event step against its cycle number.
    cyc = np.round((inph - inph[0]) / p0)
    if np.ptp(cyc) >= 1:
        slope, icpt = np.polyfit(cyc, inph, 1)
    else:
        slope, icpt = p0, inph[0]
    # Support counts cycles, not events: a spike and its aftermath in one cycle are one.
    cycles = int(distinct(np.round((inph - inph[0]) / slope)).size) if slope > 0 else 1
    strength = inph.size / t.size
    prob = float(np.exp(_log_binom_sf(cycles, t.size, float(q[j]))))
    return PeriodFit(float(slope), float(icpt), float(strength), cycles, "events", prob)


def _log_binom_sf(k: int, n: int, p: float) -> float:
    from spikecheck.engine.stats import binom_sf

    return float(np.log(max(binom_sf(k, n, p), 1e-300)))


def period_from_autocorrelation(steps: np.ndarray, z: np.ndarray, min_period: float
                                ) -> PeriodFit | None:
    """The strongest autocorrelation peak of the (clipped) residual on a regular step grid."""
    if steps.size < 64:
        return None
    span = float(steps[-1] - steps[0]) + 1
    width = max(1.0, span / MAX_BINS)
    gaps = np.diff(steps)
    width = max(width, median_of_gaps(gaps) if gaps.size else 1.0)
    idx = ((steps - steps[0]) / width).astype(np.int64)
    nb = int(idx[-1]) + 1
    zc = np.clip(z, -6, 6)
    sums = np.bincount(idx, weights=zc, minlength=nb)
    cnt = np.bincount(idx, minlength=nb)
    x = np.where(cnt > 0, sums / np.maximum(cnt, 1), 0.0)
    x = np.where(cnt > 0, x - x[cnt > 0].mean(), 0.0)
    n = x.size
    if n < 16:
        return None
    f = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(f * np.conj(f))[:n]
    if acf[0] <= 0:
        return None
    overlap = np.arange(n, 0, -1)
    acf = acf / acf[0] * n / overlap
    lo = max(2, int(np.ceil(min_period / width)))
    hi = n // 3  # at least three cycles observed
    if hi <= lo + 1:
        return None
    seg = acf[lo:hi]
    k = int(np.argmax(seg)) + lo
    peak = float(acf[k])
    noise = 4.0 / np.sqrt(max(1, np.count_nonzero(cnt)))
    if peak < max(0.15, noise):
        return None
    # Prefer the fundamental: a peak near k/2 nearly as strong.
    for div in (3, 2):
        kk = int(round(k / div))
        if kk >= lo and acf[max(lo, kk - 1):kk + 2].max() > 0.8 * peak:
            k = int(max(lo, kk - 1) + np.argmax(acf[max(lo, kk - 1):kk + 2]))
            peak = float(acf[k])
            break
    if 0 < k < n - 1:
        a, b, c = acf[k - 1], acf[k], acf[k + 1]
        den = a - 2 * b + c
        shift = 0.5 * (a - c) / den if den != 0 else 0.0
    else:
        shift = 0.0
    period = (k + shift) * width
    cycles = int(span // period)
    return PeriodFit(float(period), float(steps[0]), min(1.0, peak), cycles, "autocorrelation",
                     float(np.exp(-peak * peak * np.count_nonzero(cnt) / 2)))


def period_from_phase_scan(steps: np.ndarray, z: np.ndarray, min_period: float,
                           alpha: float = 1e-4, min_cycles: int = 4, top_k: int = 64,
                           max_work: float = 1e7, max_candidates: int = 48
                           ) -> PeriodFit | None:
    """The period at one phase of which the residual stands high in every cycle.

    Built for spikes too weak to be events one by one (the seed case's 2-7x final-step
    spikes in a noisy 16-sample loss): the residual becomes rank-based normal scores, so a
    phase's sum over its n cycles is N(0, n) under no period whatever the noise's tails,
    and the best phase of the best period is judged against every (period, phase) pair
    that could have been tried (Bonferroni). Short series try every integer period; long
    ones the periods that put the strongest points at a common phase, each evaluated on
    every cycle.
    """
    from spikecheck.engine.stats import norm_sf, normal_scores

    n = steps.size
    if n < 8 * min_cycles:
        return None
    s = (steps - steps[0]).astype(np.int64)
    span = int(s[-1]) + 1
    p_min = max(2, int(np.ceil(min_period)))
    p_max = span // min_cycles
    if p_max < p_min:
        return None
    u = normal_scores(np.asarray(z, dtype=np.float64))
    periods = np.arange(p_min, p_max + 1, dtype=np.int64)
    tests = float(np.minimum(periods, n).sum())
    best = (-np.inf, 0, 0, 0)  # (score, period, phase, cycles)
    if n * periods.size <= max_work:
        for p in periods.tolist():
            ph = s % p
            cnt = np.bincount(ph, minlength=p)
            score = np.bincount(ph, weights=u, minlength=p) / np.sqrt(np.maximum(cnt, 1))
            score[cnt < min_cycles] = -np.inf
            j = int(np.argmax(score))
            if score[j] > best[0]:
                best = (float(score[j]), p, j, int(cnt[j]))
    else:
        for p, j in _coincident_phases(s, u, p_min, p_max, top_k, max_candidates):
            targets = np.arange(j, span, p)
            hits = np.searchsorted(s, targets)
            inside = hits < n
            hits = hits[inside]
            hits = hits[s[hits] == targets[inside]]
            if hits.size < min_cycles:
                continue
            score = float(u[hits].sum() / np.sqrt(hits.size))
            if score > best[0]:
                best = (score, p, j, int(hits.size))
    score, p, j, cycles = best
    if not np.isfinite(score):
        return None
    prob = norm_sf(score) * tests
    if prob >= alpha:
        return None
    at = np.flatnonzero(s % p == j)
    strength = float(np.mean(u[at] > 0.674))  # share of cycles in the top quarter there
    return PeriodFit(float(p), float(steps[0] + j), strength, cycles, "phase-scan",
                     min(1.0, prob))


def _coincident_phases(s: np.ndarray, u: np.ndarray, p_min: int, p_max: int, top_k: int,
                       max_candidates: int) -> list[tuple[int, int]]:
    """(period, phase) pairs at which several of the strongest points coincide.

    Each gap between two of the top_k strongest points, divided by a small whole number of
    cycles, is a candidate period; candidates are ranked by how unlikely the most points
    they put at one phase would be for points at random phases (a short period collects
    coincidences by chance, a long one does not), and the best are returned with their
    most crowded phases.
    """
    import math

    k = min(top_k, s.size)
    top = np.sort(s[np.argpartition(u, -k)[-k:]])
    i, j = np.triu_indices(k, 1)
    gaps = top[j] - top[i]
    cands = []
    for m in range(1, 17):
        g = gaps[gaps % m == 0] // m
        cands.append(g[(g >= p_min) & (g <= p_max)])
    allc = distinct(np.concatenate(cands))
    if allc.size == 0:
        return []
    phases = np.sort(top[None, :] % allc[:, None], axis=1)  # (candidates, k)
    run = np.ones(allc.size, dtype=np.int64)
    most = np.ones(allc.size, dtype=np.int64)
    for col in range(1, k):
        same = phases[:, col] == phases[:, col - 1]
        run = np.where(same, run + 1, 1)
        np.maximum(most, run, out=most)
    lgam = np.array([math.lgamma(x + 1) for x in range(k + 1)])
    # log of C(k, m) q^m, q = 1/period: the chance of m of k random points at one phase
    logp = lgam[k] - lgam[most] - lgam[k - most] - most * np.log(allc.astype(np.float64))
    logp[most < 2] = 0.0
    order = np.argsort(logp)[:max_candidates]
    out = []
    for p in allc[order].tolist():
        ph, c = np.unique(top % p, return_counts=True)
        for phase in ph[c >= 2][np.argsort(c[c >= 2])[::-1][:4]].tolist():
            out.append((int(p), int(phase)))
    return out
