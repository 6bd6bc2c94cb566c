"""The comparator-network medians give exactly what a partition of every window gives."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from spikecheck.engine import median_network as mn
from spikecheck.engine.spikes import _partition_median, rolling_median


def _reference(padded: np.ndarray, window: int, n: int) -> np.ndarray:
    return np.array([np.median(padded[i:i + window]) for i in range(n)])


def _de_bruijn(order: int) -> list[int]:
    """A binary de Bruijn sequence: every 0-1 pattern of `order` bits once (cyclically)."""
    a = [0] * (2 * order)
    seq: list[int] = []

    def db(t: int, p: int) -> None:
        if t > order:
            if order % p == 0:
                seq.extend(a[1:p + 1])
        else:
            a[t] = a[t - p]
            db(t + 1, p)
            for j in range(a[t - p] + 1, 2):
                a[t] = j
                db(t + 1, t)

    db(1, 1)
    return seq


@pytest.mark.parametrize("n", [3, 5, 7, 9, 11, 13])
def test_a_median_network_sorts_every_zero_one_input_to_its_median(n):
    # the 0-1 principle: a comparator network that selects the median of every 0-1 input
    # selects it for every input
    net = mn.selection_network(n, (n // 2,))
    inputs = np.array(list(itertools.product((0.0, 1.0), repeat=n)))
    got = mn.median_of_columns([inputs[:, i] for i in range(n)])
    assert net and np.array_equal(got, np.median(inputs, axis=1))


@pytest.mark.parametrize("window", [3, 5, 7, 9, 11])
def test_the_shared_core_plan_is_right_for_every_zero_one_window_at_every_alignment(window):
    k = mn._block_plan(window)[0]
    bits = _de_bruijn(window + k - 1)
    seq = np.array(bits + bits[:window + k], dtype=np.float64)
    for shift in range(k):  # each pattern once at each position within a block of k windows
        padded = seq[shift:]
        n = padded.size - window + 1
        assert np.array_equal(mn.sliding_median(padded, window, n),
                              _reference(padded, window, n))


@pytest.mark.parametrize("window", [3, 5, 11, 21, 23])
@pytest.mark.parametrize("n", [1, 2, 4, 37, 5000])
def test_sliding_medians_equal_a_partition_with_ties_and_any_length(window, n):
    rng = np.random.default_rng(window * 1000 + n)
    x = rng.lognormal(size=n + window - 1)
    x[::3] = np.round(x[::3])  # many equal values
    assert np.array_equal(mn.sliding_median(x, window, n), _partition_median(x, window, n))


def test_a_long_chunked_series_gives_the_same_medians_as_the_partition():
    x = np.random.default_rng(5).standard_t(3, size=3 * mn.CHUNK_BLOCKS * 4 + 17)
    n = x.size - 20
    assert np.array_equal(mn.sliding_median(x, 21, n), _partition_median(x, 21, n))


def test_the_rolling_median_matches_scipys_median_filter_inside_the_series():
    ndimage = pytest.importorskip("scipy.ndimage")
    x = np.random.default_rng(11).lognormal(size=5000)
    ours = rolling_median(x, 21)
    theirs = ndimage.median_filter(x, size=21, mode="nearest")
    assert np.array_equal(ours[:-10], theirs[:-10])  # the last 10: continued past the end


def test_non_finite_values_take_the_partition_path():
    x = np.random.default_rng(2).normal(size=200)
    x[50] = np.nan
    x[120] = np.inf
    out = rolling_median(x, 21)
    padded = np.concatenate((np.full(10, x[0]), x, np.full(10, x[-1])))
    assert np.array_equal(out[:-10], _partition_median(padded, 21, x.size)[:-10], equal_nan=True)


def test_an_even_number_of_columns_is_refused():
    with pytest.raises(ValueError):
        mn.median_of_columns([np.zeros(3)] * 4)
