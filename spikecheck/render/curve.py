"""Curve: the loss series thinned for drawing, keeping every spike visible.

A run can hold millions of points; a terminal chart has ~150 dot columns and a PNG a few
thousand pixels. Min-max decimation keeps, in each bucket of consecutive points, the lowest
and the highest one, so a one-step spike survives any thinning. The CLI keeps this (not
the full series) for each run, so many huge logs do not pile up in memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spikecheck.nomask import distinct

MAX_POINTS = 4000


@dataclass(frozen=True)
class Curve:
    """Steps and values to draw (a min-max thinned copy when the series is long)."""

    steps: np.ndarray
    values: np.ndarray
    points: int  # points in the full series
    thinned: bool = False

    @classmethod
    def from_arrays(cls, steps: np.ndarray, values: np.ndarray,
                    max_points: int = MAX_POINTS) -> Curve:
        """Thin (steps, values) to at most max_points by min-max decimation."""
        s = np.asarray(steps)
        v = np.asarray(values, dtype=np.float64)
        n = int(v.size)
        if n <= max_points:
            return cls(s.copy(), v.copy(), n, False)
        size = math.ceil(n / (max_points // 2))
        buckets = math.ceil(n / size)
        base = np.arange(buckets) * size
        full = n // size
        if not np.isnan(v).any():
            # the full buckets as a view of the values and the last one on its own: the
            # indices of the NaN-padded grid below, without its two 80 MB copies at 10M
            grid = v[:full * size].reshape(full, size)
            lo, hi = np.argmin(grid, axis=1), np.argmax(grid, axis=1)
            if full < buckets:
                lo = np.append(lo, np.argmin(v[full * size:]))
                hi = np.append(hi, np.argmax(v[full * size:]))
            lo, hi = base + lo, base + hi
        else:
            padded = np.full(buckets * size, np.nan)
            padded[:n] = v
            grid = padded.reshape(buckets, size)
            lo = base + np.nanargmin(grid, axis=1)
            hi = base + np.nanargmax(grid, axis=1)
        idx = distinct(np.concatenate([lo, hi, [0, n - 1]]))
        return cls(s[idx], v[idx], n, True)

    @classmethod
    def from_series(cls, series: object, max_points: int = MAX_POINTS) -> Curve:
        """A Curve from a LossSeries (anything with .steps and .values)."""
        return cls.from_arrays(series.steps, series.values, max_points)  # type: ignore[attr-defined]
