"""The same batches in the same order every epoch, seen in the step-to-step noise.

With shuffled data, which batch a step sees is new every epoch, so the loss's quick
wiggles (what a short rolling median leaves) are unrelated from one epoch to the next at
the same step of the epoch. With a fixed order (shuffle=False, data sorted by class or
target) step j of every epoch sees the same batch, and its loss is high or low again: the
residuals of consecutive epochs correlate position by position. That holds however small
the wiggles are against the epoch's own shape, which the phase-bin test needs to be large.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spikecheck.engine.stats import norm_sf
from spikecheck.nomask import distinct
from spikecheck.nomask import median as np_median

EDGE = 2  # logged points at each end of the epoch left out (a short batch, a reset)
MIN_POSITIONS = 12  # positions two epochs must share for their correlation to count
MAX_POSITIONS = 4000  # positions per epoch used (evenly spread) on very long epochs
MAX_PAIRS = 32  # pairs of epochs compared at most (evenly spread over the run)


@dataclass(frozen=True)
class SameOrder:
    """How alike consecutive epochs' residuals are at the same position in the epoch."""

    pairs: int  # disjoint pairs of consecutive epochs compared
    correlation: float  # their median rank correlation
    probability: float  # chance of this much agreement with the data reshuffled each epoch


def same_order(resid: np.ndarray, steps: np.ndarray, spe: float, origin: float,
               log_every: int) -> SameOrder | None:
    """Rank correlation of residuals at the same step of consecutive epochs.

    Disjoint pairs (1 with 2, 3 with 4, ...) so the pairs' statistics are independent
    with no order in the data; each pair's Fisher z is N(0, 1) then, and their sum over
    sqrt(pairs) too.
    """
    if not float(spe).is_integer() or spe < 2 * (2 * EDGE + MIN_POSITIONS) or steps.size < 4:
        return None
    if spe > float(steps[-1]) - float(steps[0]):  # not two whole epochs (and no overflow)
        return None
    k = max(1, int(log_every))
    ispe, org = int(spe), int(round(origin))
    per = -(-ispe // k)  # logged positions an epoch
    stride = per // MAX_POSITIONS + 1  # positions used: every stride-th on long epochs
    if steps.size > 1 and np.any(steps[1:] < steps[:-1]):
        order = np.argsort(steps, kind="stable")  # rare: a log whose steps are not sorted
        steps, resid = steps[order], np.asarray(resid)[order]
    first = max(1, int((int(steps[0]) - org) // ispe))  # epoch 0 is the loss's fall
    last = int((int(steps[-1]) - org) // ispe)
    if last - first < 1:
        return None
    pairs = (last - first + 1) // 2  # disjoint pairs the span holds (an outlier step
    # can make that 10^8: never listed, only the MAX_PAIRS spread over them)
    if pairs < 1:
        return None
    picks = distinct(np.linspace(0, pairs - 1, min(pairs, MAX_PAIRS)).astype(np.int64))
    starts = first + 2 * picks

    def epoch_points(e: int) -> tuple[np.ndarray, np.ndarray]:
        """(positions, residuals) of epoch e's inner points: a slice of the sorted steps,
        so only the epochs compared are ever touched (no full-size arrays)."""
        lo, hi = np.searchsorted(steps, [org + e * ispe, org + (e + 1) * ispe])
        pos = (steps[lo:hi].astype(np.int64) - (org + e * ispe)) // k
        keep = (pos >= EDGE) & (pos < per - EDGE) & (pos % stride == 0)
        return pos[keep], np.asarray(resid[lo:hi], dtype=np.float64)[keep]

    zs: list[float] = []
    cors: list[float] = []
    for a in starts.tolist():
        pa, ra = epoch_points(a)
        pb, rb = epoch_points(a + 1)
        common, ja, jb = np.intersect1d(pa, pb, assume_unique=False, return_indices=True)
        if common.size < MIN_POSITIONS:
            continue
        c = _spearman(ra[ja], rb[jb])
        if c is None:
            continue
        cors.append(c)
        zs.append(math.atanh(max(-0.999999, min(0.999999, c))) * math.sqrt(common.size - 3))
    if len(zs) < 2:
        return None
    total = sum(zs) / math.sqrt(len(zs))
    return SameOrder(len(zs), float(np_median(cors)), float(norm_sf(total)))


def _spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    """Rank correlation with tied values given their mean rank (a flat loss's residuals
    are all 0: ranked by position they would agree perfectly)."""
    ra, rb = _ranks(a), _ranks(b)
    if ra is None or rb is None:
        return None
    return float(np.corrcoef(ra, rb)[0, 1])


def _ranks(x: np.ndarray) -> np.ndarray | None:
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    if values.size < MIN_POSITIONS:
        return None  # mostly ties: nothing to rank
    ends = np.cumsum(counts)
    return ((ends - (counts - 1) / 2.0)[inverse]).astype(np.float64)
