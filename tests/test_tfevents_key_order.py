"""FileScan.tag_arrays joins its decoded pieces in key order without a sort when their key
ranges do not overlap, and sorts otherwise: either way the points of the sort."""

from __future__ import annotations

import numpy as np
import pytest

from spikecheck.readers.tfevents.scan import FileScan


def _sorted_join(parts):
    k = np.concatenate([p[0] for p in parts])
    order = np.argsort(k, kind="stable")
    return k[order], np.concatenate([p[1] for p in parts])[order], \
        np.concatenate([p[2] for p in parts])[order]


def _pieces(rng, keys: np.ndarray, n: int) -> list:
    cuts = np.sort(rng.choice(np.arange(1, keys.size), size=n - 1, replace=False))
    return [(k, k * 3, k / 7.0) for k in np.split(keys, cuts)]


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("overlap", [False, True])
def test_pieces_in_any_order_give_the_sorted_points(seed, overlap):
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, 1 << 40, 500))
    parts = _pieces(rng, keys, 7)
    if overlap:  # two pieces interleaved: a sort is needed
        a, b = parts[1][0], parts[2][0]
        both = np.sort(np.concatenate((a, b)))
        parts[1] = (both[::2], both[::2] * 3, both[::2] / 7.0)
        parts[2] = (both[1::2], both[1::2] * 3, both[1::2] / 7.0)
    expected = _sorted_join(parts)
    rng.shuffle(parts)
    parts.insert(3, (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)))
    scan = FileScan(points={("loss", "simple"): parts})
    got = scan.tag_arrays(("loss", "simple"))
    for g, e in zip(got, expected):
        assert np.array_equal(g, e)
