"""np.unique and np.median without numpy.ma: numpy 2.x imports it (6-10 ms) on the first
call of either, which is most of what a small log's analysis would add to start-up."""

from __future__ import annotations

import numpy as np

# Past this size np.unique's hash table beats a sort, and numpy.ma's one-off import is
# nothing beside the work; below it a sort is as fast and a small log never loads numpy.ma
# (numpy 2.x's np.unique calls np.ma.is_masked on every call without return_* flags).
SORT_BELOW = 1 << 16


def distinct(a: np.ndarray) -> np.ndarray:
    """The sorted distinct values of `a`, flattened: the same array as np.unique(a)."""
    a = np.asarray(a)
    if a.size >= SORT_BELOW:
        return np.unique(a)
    s = np.sort(a, axis=None)
    if s.size == 0:
        return s
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    if s.dtype.kind in "fc" and np.isnan(s[-1]):  # NaNs sort last: keep one, as np.unique
        keep[int(np.argmax(np.isnan(s))) + 1:] = False
    return s[keep]


def median(a: np.ndarray) -> np.floating:
    """np.median(a) over the flattened array, the same value by the same steps (a
    partition, the mean of the middle one or two, NaN if any is NaN), without numpy.ma
    (np.median asks np.ma.isMaskedArray on every call)."""
    a = np.asarray(a)
    sz = a.size
    if sz == 0:
        return np.median(a)  # NaN and numpy's warning, as before
    kth, nans = _median_kth(sz, a.dtype)
    part = np.partition(a.ravel(), kth)
    index = sz // 2
    result = np.mean(part[index:index + 1] if sz % 2 == 1 else part[index - 1:index + 1])
    if nans and np.isnan(part[-1]):
        return part[-1]
    return result


def median_of_rows(a: np.ndarray) -> np.ndarray:
    """np.median(a, axis=1) of a 2-D array, the same values by the same steps, without
    numpy.ma."""
    a = np.asarray(a)
    sz = a.shape[1]
    if a.ndim != 2 or sz == 0 or a.shape[0] == 0:
        return np.median(a, axis=1)
    kth, nans = _median_kth(sz, a.dtype)
    part = np.partition(a, kth, axis=1)
    index = sz // 2
    result = np.mean(part[:, index:index + 1] if sz % 2 == 1 else part[:, index - 1:index + 1],
                     axis=1)
    if nans:
        last = part[:, -1]
        isnan = np.isnan(last)
        if isnan.any():
            np.copyto(result, last, where=isnan)
    return result


def _median_kth(sz: int, dtype: np.dtype) -> tuple[list[int], bool]:
    """np.median's partition points for sz values, and whether NaNs are possible (then the
    last point too: a NaN sorts there)."""
    kth = [sz // 2 - 1, sz // 2] if sz % 2 == 0 else [(sz - 1) // 2]
    nans = np.issubdtype(dtype, np.inexact) or dtype.kind in "Mm"
    if nans:
        kth.append(-1)
    return kth, nans
