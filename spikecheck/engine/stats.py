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
    import numpy as np

    if gaps.size and gaps.min() == gaps.max():
        return float(gaps[0])
    return float(np.median(gaps))
