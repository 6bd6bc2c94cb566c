"""LossSeries: the one normalized form every reader produces and the engine consumes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class SeriesError(ValueError):
    """A series that cannot be analysed (empty, nothing finite)."""


# Steps beyond this are not optimizer steps (a timestamp, a corrupt cell, an overflow):
# float64 holds every integer up to 2^53, and the engine works in float64 steps.
MAX_STEP = 2 ** 53


@dataclass(frozen=True)
class Normalization:
    """What normalization did to the raw points, so the report can say it."""

    raw_points: int = 0
    dropped_nonfinite: int = 0
    first_nonfinite_step: int | None = None
    duplicate_steps: int = 0
    step_resets: int = 0
    step_from_row_index: bool = False

    def to_dict(self) -> dict:
        return {
            "raw_points": self.raw_points,
            "dropped_nonfinite": self.dropped_nonfinite,
            "first_nonfinite_step": self.first_nonfinite_step,
            "duplicate_steps": self.duplicate_steps,
            "step_resets": self.step_resets,
            "step_from_row_index": self.step_from_row_index,
        }


@dataclass(frozen=True)
class LossSeries:
    """Strictly increasing int64 steps, float64 values, optional per-point epoch.

    `per_epoch` marks logs that hold one value per epoch (they cannot show spikes inside
    an epoch); `running_mean` marks values known to be running means since the epoch began
    (Keras progress bars); `notes` are reader remarks the report repeats (skipped lines...).
    `gaps` lists (last step before, first step after) of each stretch of steps the log does
    not cover (lines elided from a pasted log, a windowed log): an epoch boundary inside
    one is not observed. Epochs with no point at all are absent from `epochs`.
    """

    steps: np.ndarray
    values: np.ndarray
    metric: str
    source: str
    epochs: np.ndarray | None = None
    normalization: Normalization = field(default_factory=Normalization)
    notes: tuple[str, ...] = ()
    per_epoch: bool = False
    running_mean: bool = False
    steps_per_epoch_hint: int | None = None
    gaps: tuple[tuple[int, int], ...] = ()

    def __len__(self) -> int:
        return int(self.steps.size)


def normalize(
    steps: np.ndarray | list,
    values: np.ndarray | list,
    *,
    metric: str,
    source: str,
    epochs: np.ndarray | list | None = None,
    notes: tuple[str, ...] | list[str] = (),
    step_from_row_index: bool = False,
    per_epoch: bool = False,
    running_mean: bool = False,
    steps_per_epoch_hint: int | None = None,
) -> LossSeries:
    """Build a LossSeries from raw points in write order.

    Non-finite values are dropped (the first such step is kept for the report); duplicate
    steps are resolved last-write-wins, as TensorBoard does for resumed runs; the result is
    sorted by step. Raises SeriesError when nothing finite is left.
    """
    s = np.asarray(steps)
    v = np.asarray(values, dtype=np.float64)
    if s.shape != v.shape or s.ndim != 1:
        raise SeriesError(f"{source}: steps and values differ in shape")
    e = None if epochs is None else np.asarray(epochs, dtype=np.float64)
    if e is not None and e.shape != s.shape:
        raise SeriesError(f"{source}: epochs and steps differ in shape")
    raw = int(s.size)
    if s.dtype.kind not in "iuf":
        raise SeriesError(f"{source}: steps are not numbers")
    if s.dtype.kind == "f":
        ok = np.isfinite(s) & (np.abs(s) <= MAX_STEP)
    else:
        ok = (s <= MAX_STEP) & (s >= -MAX_STEP) if s.dtype.kind == "i" else s <= MAX_STEP
    n_bad_steps = int(raw - np.count_nonzero(ok))
    notes = tuple(notes)
    if n_bad_steps:
        s, v = s[ok], v[ok]
        e = None if e is None else e[ok]
        notes += (f"{n_bad_steps} points with a step that is not a finite number below 2^53 "
                  "dropped",)
        if s.size == 0:
            raise SeriesError(f"{source}: no usable step in {raw} points of {metric!r} "
                              "(steps are not finite numbers below 2^53)")
    s = s.astype(np.int64, copy=False)
    resets = int(np.count_nonzero(np.diff(s) < 0)) if s.size > 1 else 0

    finite = np.isfinite(v)
    n_bad = int(s.size - np.count_nonzero(finite))
    first_bad = None
    if n_bad:
        bad_steps = s[~finite]
        first_bad = int(bad_steps.min())
        s, v = s[finite], v[finite]
        e = None if e is None else e[finite]
    if s.size == 0:
        if raw - n_bad_steps:
            raise SeriesError(
                f"{source}: metric {metric!r} has no finite values "
                f"({raw - n_bad_steps} points, all NaN or inf; first at step {first_bad})"
            )
        raise SeriesError(f"{source}: metric {metric!r} has no data points")

    if s.size < 2 or bool(np.all(s[1:] > s[:-1])):
        # Already strictly increasing (the usual case): no sort, no copies.
        dups = 0
        steps_out, values_out, epochs_out = s, v, e
    else:
        # Last write wins: stable sort by step, keep the last occurrence of each step.
        order = np.argsort(s, kind="stable")
        s_sorted = s[order]
        last = np.ones(s_sorted.size, dtype=bool)
        last[:-1] = s_sorted[1:] != s_sorted[:-1]
        keep = order[last]
        dups = int(s.size - keep.size)
        steps_out = s[keep]
        values_out = v[keep]
        epochs_out = None if e is None else e[keep]
    if epochs_out is not None and not np.isfinite(epochs_out).any():
        epochs_out = None
    if epochs_out is not None:
        fin = epochs_out[np.isfinite(epochs_out)]
        if np.any(np.diff(fin) < 0):
            # An epoch column that goes back while the step rises (counters that overlap,
            # a run appended to another) cannot place epoch boundaries: it is dropped.
            epochs_out = None
            notes += ("the epoch column goes back while the step rises: epochs ignored",)

    return LossSeries(
        steps=np.ascontiguousarray(steps_out),
        values=np.ascontiguousarray(values_out),
        metric=metric,
        source=source,
        epochs=epochs_out,
        normalization=Normalization(
            raw_points=raw,
            dropped_nonfinite=n_bad,
            first_nonfinite_step=first_bad,
            duplicate_steps=dups,
            step_resets=resets,
            step_from_row_index=step_from_row_index,
        ),
        notes=tuple(notes),
        per_epoch=per_epoch,
        running_mean=running_mean,
        steps_per_epoch_hint=steps_per_epoch_hint,
    )
