"""The engine's faster statistics give the numbers of the plain numpy they replaced."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spikecheck.engine import stats
from spikecheck.engine.folding import _sorted_sample
from spikecheck.engine.running_mean import _shrink_slope


def _arrays(rng: np.random.Generator):
    n = int(rng.integers(stats.FAST_SELECT_FROM, 4 * stats.FAST_SELECT_FROM))
    yield rng.normal(size=n)
    yield rng.normal(size=n + 1)  # odd and even lengths
    yield np.round(rng.normal(size=n), 1)  # many ties
    yield np.sort(rng.lognormal(size=n))  # sorted: the stride sample sees a ramp
    yield np.tile(rng.normal(size=997), n // 997 + 1)[:n]  # periodic
    z = np.zeros(n)
    z[rng.integers(0, n, 100)] = 1.0
    yield z  # almost constant: the bracket is one value
    t = rng.standard_t(1, size=n)
    t[::5] = 0.0
    yield t  # Cauchy tails and a fifth exact zeros (as residuals from a rolling median)


@pytest.mark.parametrize("seed", range(6))
def test_the_fast_median_is_np_median_to_the_bit(seed):
    for a in _arrays(np.random.default_rng(seed)):
        assert stats.median(a) == float(np.median(a))
        a32 = a.astype(np.float32)  # the analysis arrays of a long series
        assert stats.median(a32) == float(np.median(a32))


@pytest.mark.parametrize("seed", range(4))
def test_the_quantile_is_np_quantile_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    qs = [0.0, 0.05, 0.5, 0.95, 1.0, *rng.uniform(0, 1, 4)]
    for a in _arrays(rng):
        for q in qs:
            assert stats.quantile(a, q) == float(np.quantile(a, q))
    for n in (1, 2, 3, 7, 100, 1001):  # the small path
        a = rng.standard_t(2, size=n)
        for q in qs:
            assert stats.quantile(a, q) == float(np.quantile(a, q))


def test_the_quantile_of_an_array_with_nan_is_nan_like_np_quantile():
    for n in (50, 3 * stats.FAST_SELECT_FROM):
        a = np.random.default_rng(1).normal(size=n)
        a[n // 3] = np.nan
        assert math.isnan(stats.quantile(a, 0.95))


def test_the_fast_median_of_an_array_with_nan_is_nan_like_np_median():
    a = np.random.default_rng(0).normal(size=2 * stats.FAST_SELECT_FROM)
    a[1234] = np.nan
    assert math.isnan(stats.median(a))


def test_small_and_non_float_arrays_go_to_np_median():
    assert stats.median(np.array([3, 1, 2])) == 2.0
    ints = np.arange(stats.FAST_SELECT_FROM + 2)
    assert stats.median(ints) == float(np.median(ints))


@pytest.mark.parametrize("n", [400_001, 1_000_003, 10_000_000, 2**40])
def test_the_sample_is_k_distinct_sorted_indices_one_in_each_stretch(n):
    k = 400_000
    pick = _sorted_sample(n, k)
    assert pick.size == k and pick[0] >= 0 and pick[-1] < n
    assert np.all(np.diff(pick) > 0)
    edges = np.arange(k + 1, dtype=np.int64) * n // k
    assert np.array_equal(np.searchsorted(edges, pick, side="right") - 1, np.arange(k))
    assert np.array_equal(pick, _sorted_sample(n, k))  # the same every run


def test_the_sample_of_a_short_range_is_all_of_it():
    assert np.array_equal(_sorted_sample(10, 20), np.arange(10))


def _shrink_slope_by_masks(size: np.ndarray, count: np.ndarray) -> float | None:
    """The loop _shrink_slope replaced: two comparisons per bin over every point."""
    edges = np.unique(np.geomspace(count.min(), count.max() + 1, 9).astype(np.int64))
    xs, ys = [], []
    pos_sizes = size[size > 0]
    floor = None
    if pos_sizes.size:
        smallest = float(np.min(pos_sizes))
        floor = smallest / 2 or smallest
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


@pytest.mark.parametrize("spe", [7, 50, 1390])
def test_the_shrink_slope_by_one_sort_equals_the_slope_by_masks(spe):
    rng = np.random.default_rng(spe)
    count = np.tile(np.arange(1, spe + 1, dtype=np.float64), 40)
    size = np.abs(rng.normal(size=count.size)) / count
    size[::11] = 0.0
    assert _shrink_slope(size, count) == _shrink_slope_by_masks(size, count)
