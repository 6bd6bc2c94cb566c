"""Medians by comparator networks: the same numbers as np.median, without a sort per row.

A median of a few values (a rolling window of 21 points, a window of 11 around an epoch
start) found by np.partition costs a selection per row. A comparator network instead runs
each compare-and-swap as one np.minimum / np.maximum over all rows at once, and picks out
the very element the partition would (a network only moves values; it never computes
one): the result is bit for bit the same for finite inputs. Networks are Batcher's odd-even
merge sort, cut down to the comparators the median depends on.

The rolling median also shares work between neighbouring windows: K consecutive windows of
w points have w - K + 1 points in common (the core), and the median of each window is the
median of the K middle values of the core and its own K - 1 other points (see
`_block_plan`). For w = 21 that is about 57 min/max passes per point instead of 162.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# (a, b, keep_min, keep_max): wire a gets min(a, b) if keep_min, wire b gets max if keep_max
Comparator = tuple[int, int, bool, bool]

CHUNK_BLOCKS = 8192  # blocks of K windows per pass: every wire of a chunk stays in cache


def _batcher(n: int) -> list[tuple[int, int]]:
    """Batcher's odd-even merge sort for n wires: comparators (a, b), a < b, in order."""
    size = 1
    while size < n:
        size *= 2
    pairs = []
    p = 1
    while p < size:
        k = p
        while k >= 1:
            for j in range(k % p, size - k, 2 * k):
                for i in range(min(k, size - j - k)):
                    if (i + j) // (2 * p) == (i + j + k) // (2 * p) and i + j + k < n:
                        pairs.append((i + j, i + j + k))
            k //= 2
        p *= 2
    return pairs  # wires past n hold +inf in the full network: their comparators never swap


@lru_cache(maxsize=64)
def selection_network(n: int, ranks: tuple[int, ...]) -> tuple[Comparator, ...]:
    """The comparators of a sorting network on n wires that the given output ranks need."""
    need = set(ranks)
    kept: list[Comparator] = []
    for a, b in reversed(_batcher(n)):
        keep_min, keep_max = a in need, b in need
        if keep_min or keep_max:
            kept.append((a, b, keep_min, keep_max))
            need.update((a, b))
    return tuple(reversed(kept))


def _run(network: tuple[Comparator, ...], wires: list[np.ndarray]) -> None:
    """Apply the network to a list of equal-length arrays, replacing the list's entries.

    The arrays passed in are only read (they may be views of the caller's data): a wire's
    first result is a new array, later ones are written into it.
    """
    owned = [False] * len(wires)
    minimum, maximum = np.minimum, np.maximum
    for a, b, keep_min, keep_max in network:
        wa, wb = wires[a], wires[b]
        low = minimum(wa, wb, out=wa if owned[a] and not keep_max else None) \
            if keep_min else None
        if keep_max:
            wires[b] = maximum(wa, wb, out=wb if owned[b] else None)
            owned[b] = True
        if keep_min:
            wires[a] = low
            owned[a] = True


def median_of_columns(columns: list[np.ndarray]) -> np.ndarray:
    """Elementwise median of an odd number of equal-length arrays (np.median over them)."""
    n = len(columns)
    if n % 2 == 0:
        raise ValueError("median_of_columns needs an odd number of columns")
    wires = [np.asarray(c, dtype=np.float64) for c in columns]
    _run(selection_network(n, (n // 2,)), wires)
    return wires[n // 2]


@lru_cache(maxsize=32)
def _block_plan(window: int) -> tuple[int, tuple[Comparator, ...], tuple[Comparator, ...]]:
    """(K, core network, merge network) for rolling medians of an odd `window`.

    K consecutive windows share a core of window - K + 1 points. With h = window // 2 and
    the core sorted as c[0..], the median of a window is the median of c[h-K+1..h] and its
    K - 1 other points: at most h points of the window lie at or below c[h-K] (h-K+1 core
    points, K-1 others), and at most h at or above c[h+1], so the window's median is never
    outside c[h-K+1..h] and these K plus K - 1 points hold it at their middle rank, K - 1.
    K is chosen for the fewest min/max passes per window.
    """
    h = window // 2
    best = None
    for k in range(1, min(h + 1, 6) + 1):
        core = selection_network(window - k + 1, tuple(range(h - k + 1, h + 1)))
        merge = selection_network(2 * k - 1, (k - 1,)) if k > 1 else ()
        cost = (sum(c[2] + c[3] for c in core) + k * sum(c[2] + c[3] for c in merge)) / k
        if best is None or cost < best[0]:
            best = (cost, k, core, merge)
    _, k, core, merge = best
    return k, core, merge


def sliding_median(padded: np.ndarray, window: int, n: int) -> np.ndarray:
    """out[i] = median(padded[i:i + window]) for i < n (padded holds n + window - 1 values,
    window odd): the same numbers as a partition of each window, for finite values."""
    k, core_net, merge_net = _block_plan(window)
    h = window // 2
    blocks = -(-n // k)
    need = blocks * k + window - 1  # the last block may run past n: pad with its end value
    if padded.size < need:
        padded = np.concatenate((padded, np.full(need - padded.size, padded[-1])))
    # float32 in, float32 out (a median is one of its values); anything else in float64
    out = np.empty(blocks * k, dtype=np.float32 if padded.dtype == np.float32 else np.float64)
    ranks = range(h - k + 1, h + 1)
    for b0 in range(0, blocks, CHUNK_BLOCKS):
        nb = min(CHUNK_BLOCKS, blocks - b0)
        s = b0 * k  # the first window of this chunk

        span = (nb - 1) * k + 1  # padded[s + offset + j * k] for the chunk's blocks j

        def wire(offset: int, s: int = s, span: int = span) -> np.ndarray:
            """one input of every block of the chunk (a view: the networks only read it)"""
            return padded[s + offset:s + offset + span:k]

        core = [wire(k - 1 + t) for t in range(window - k + 1)]
        _run(core_net, core)
        middle = [core[r] for r in ranks]
        for j in range(k):
            if k == 1:
                out[s:s + nb] = middle[0]
                continue
            others = [wire(t) for t in range(j, k - 1)] + \
                [wire(window + t) for t in range(j)]
            wires = middle + others
            _run(merge_net, wires)
            out[s + j:s + nb * k:k] = wires[k - 1]
    return out[:n]
