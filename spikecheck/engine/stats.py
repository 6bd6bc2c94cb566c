"""Tail probabilities the engine needs, in pure Python (no scipy at start-up)."""

from __future__ import annotations

import math
from functools import lru_cache

LOG_MAX = 709.0  # math.exp overflows just above this


def exp_capped(x: float) -> float:
    """exp(x) for a log-scale ratio, capped at about 8e307 instead of overflowing: a loss of
    1e308 over a denormal baseline is a ratio of 1e632, and a float cannot say more than
    that it is huge."""
    return math.exp(max(-LOG_MAX, min(LOG_MAX, float(x))))


def expm1_capped(x: float) -> float:
    """expm1(x), capped like exp_capped."""
    return math.expm1(max(-LOG_MAX, min(LOG_MAX, float(x))))


def norm_sf(t: float) -> float:
    """P(Z > t) for a standard normal Z, accurate far into the tail."""
    if not math.isfinite(t):
        return 0.0 if t > 0 else 1.0
    return 0.5 * math.erfc(t / math.sqrt(2.0))


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space so 1e-30 is representable."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    p = min(max(p, 1e-300), 1.0)
    if p >= 1.0:
        return 1.0
    return _binom_sf(k, n, p)


@lru_cache(maxsize=4096)
def _binom_sf(k: int, n: int, p: float) -> float:
    """binom_sf's sum (the folding asks the same question for many phases): each term is
    the same expression, evaluated in the same order, with lgamma(n + 1) computed once."""
    lp, lq = math.log(p), math.log1p(-p)
    lgamma = math.lgamma
    whole = lgamma(n + 1)
    top = min(n, k + 400)  # later terms are negligible next to the first ones
    terms = [whole - lgamma(i + 1) - lgamma(n - i + 1) + i * lp + (n - i) * lq
             for i in range(k, top + 1)]
    m = max(terms)
    return min(1.0, math.exp(m) * sum(map(math.exp, [t - m for t in terms])))


def median_of_gaps(gaps) -> float:
    """np.median of step gaps, without its partition when every gap is the same (a log
    written every k steps): the same number, for an O(n) check instead of a selection."""

    from spikecheck.nomask import median as np_median

    if gaps.size and gaps.min() == gaps.max():
        return float(gaps[0])
    return float(np_median(gaps))


GAP_CHUNK = 1 << 20  # steps read at a time by the gap helpers (bounds their memory)


def positive_gap_range(steps) -> tuple | None:
    """(smallest, largest) positive gap between consecutive steps, None when there is none;
    a chunk at a time: no array of every gap for a log of millions of points."""
    import numpy as np

    lo = hi = None
    for a in range(0, steps.size - 1, GAP_CHUNK):
        g = np.diff(steps[a:a + GAP_CHUNK + 1])
        g = g[g > 0]
        if g.size:
            glo, ghi = g.min(), g.max()
            lo = glo if lo is None else min(lo, glo)
            hi = ghi if hi is None else max(hi, ghi)
    return None if lo is None else (lo, hi)


def median_positive_gap(steps) -> float:
    """median_of_gaps of the positive gaps between consecutive steps (1.0 when none is);
    the gaps are only made into an array when they are not all the same."""
    import numpy as np

    span = positive_gap_range(steps)
    if span is None:
        return 1.0
    if span[0] == span[1]:
        return float(span[0])
    gaps = np.diff(steps)
    return median_of_gaps(gaps[gaps > 0])


FAST_SELECT_FROM = 50_000  # below this np.partition of the whole array is as quick


def _order_stats(a, k_lo: int, k_hi: int):
    """(sorted a)[k_lo] and [k_hi] of a large 1-D float array, or None (then the caller
    takes numpy's way): a sorted sample of about 4,096 values brackets the two ranks, one
    pass counts the values below the bracket and keeps those inside it, and only those are
    partitioned. None when the bracket misses the ranks or a NaN makes the counts disagree.
    """
    import numpy as np

    n = a.size
    sample = np.sort(a[:: max(1, n // 4096)])
    s = sample.size
    margin = 4 * int(math.sqrt(s)) + 1
    i_lo, i_hi = k_lo * s // n - margin, k_hi * s // n + margin
    lo = sample[i_lo] if i_lo >= 0 else -np.inf
    hi = sample[i_hi] if i_hi < s else np.inf
    below = int(np.count_nonzero(a < lo))
    inside = a[(a >= lo) & (a <= hi)]
    above = int(np.count_nonzero(a > hi))
    if below + inside.size + above != n or not below <= k_lo <= k_hi < below + inside.size:
        return None
    inside.partition([k_lo - below, k_hi - below])
    return inside[k_lo - below], inside[k_hi - below]


def median(a) -> float:
    """np.median(a) of a 1-D array, the same number, about twice as fast on large float arrays
    and without np.median's copy of the array (see _order_stats)."""
    import numpy as np

    from spikecheck.nomask import median as np_median

    a = np.asarray(a)
    n = a.size
    if n < FAST_SELECT_FROM or a.ndim != 1 or a.dtype not in (np.float64, np.float32):
        return float(np_median(a))
    got = _order_stats(a, (n - 1) // 2, n // 2)
    if got is None:
        return float(np_median(a))
    # np.median's mean of the middle one or two values: (x1 + x2) / 2 in the same order
    return float(np.mean(np.array(got if n % 2 == 0 else got[:1], dtype=a.dtype)))


def quantile(a, q: float) -> float:
    """np.quantile(a, q) (its default, linear method) of a 1-D float64 array, the same
    number: the two order statistics around (n - 1) * q, from a bracket on large arrays,
    and numpy's interpolation between them, operation for operation (about 3x faster at
    1M points)."""
    import numpy as np

    a = np.asarray(a)
    n = a.size
    if n == 0 or a.ndim != 1 or a.dtype != np.float64 or not 0 <= q <= 1:
        return float(np.quantile(a, q))
    virtual = (n - 1) * float(q)
    k = min(int(math.floor(virtual)), n - 1)
    k1 = min(k + 1, n - 1)
    got = _order_stats(a, k, k1) if n >= FAST_SELECT_FROM else None
    if got is None:
        part = np.partition(a, [k, k1, n - 1])  # the last: a NaN sorts there
        if np.isnan(part[-1]):
            return float(np.quantile(a, q))
        got = part[k], part[k1]
    x0, x1 = float(got[0]), float(got[1])
    if virtual >= n - 1:
        return x1  # numpy takes the largest value (interpolating it with itself)
    t = virtual - k
    d = x1 - x0
    return x1 - d * (1 - t) if t >= 0.5 else x0 + d * t


def normal_scores(x):
    """Rank-based normal scores of x: every value replaced by the standard normal quantile
    of its rank. Whatever the tails of x, the scores are exactly normal in distribution,
    so a sum of n of them has a known null (N(0, n)) and one huge value weighs no more than
    the largest rank allows."""
    import numpy as np

    n = x.size
    order = np.argsort(x, kind="stable")
    q = np.empty(n, dtype=np.float64)
    q[order] = (np.arange(n, dtype=np.float64) + 0.5) / n
    return norm_ppf(q)


def norm_ppf(q):
    """The standard normal quantile function (Acklam's rational approximation, relative
    error below 1.2e-9), vectorized, for q in (0, 1)."""
    import numpy as np

    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
         3.754408661907416e+00)
    q = np.asarray(q, dtype=np.float64)
    out = np.empty_like(q)
    lo, hi = 0.02425, 1 - 0.02425
    mid = (q >= lo) & (q <= hi)
    r = q[mid] - 0.5
    s = r * r
    out[mid] = ((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r /
                (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1))
    for sel, sign in ((q < lo, 1.0), (q > hi, -1.0)):
        t = np.sqrt(-2 * np.log(np.where(sign > 0, q[sel], 1 - q[sel])))
        out[sel] = sign * ((((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
                           ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1))
    return out
