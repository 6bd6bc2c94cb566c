"""LossSeries: the one normalized form every reader produces and the engine consumes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from spikecheck.notes import Note, NoteCode


class SeriesError(ValueError):
    """A series that cannot be analysed (empty, nothing finite)."""


# Steps beyond this are not optimizer steps (a timestamp, a corrupt cell, an overflow):
# float64 holds every integer up to 2^53, and the engine works in float64 steps.
MAX_STEP = 2 ** 53


# Dropping more than this share of a log's points is said prominently in every report.
NOTABLE_DROP = 0.05


@dataclass(frozen=True)
class Normalization:
    """What reading and normalization did to the raw points, so the report can say it.

    `raw_points` counts the points handed to normalize(); the reader adds what it could
    not hand over: `unparsable` rows, lines or records that held a point it could not read
    (a broken line, a cell that is not a number, a row with a loss but no step) and
    `superseded` points of abandoned runs dropped when the log restarts. Duplicate steps
    that repeat the kept value exactly (a progress bar drawing its last step twice) lose
    nothing and are counted apart (`identical_repeats`).
    """

    raw_points: int = 0
    dropped_nonfinite: int = 0
    first_nonfinite_step: int | None = None
    duplicate_steps: int = 0
    step_resets: int = 0
    step_from_row_index: bool = False
    unparsable: int = 0
    superseded: int = 0
    dropped_bad_step: int = 0
    identical_repeats: int = 0
    running_mean_recovery: dict | None = None

    @property
    def dropped(self) -> dict[str, int]:
        """Points of the log not analysed, by reason (only reasons that lost something)."""
        reasons = {
            "nonfinite": self.dropped_nonfinite,
            "repeated_steps": self.duplicate_steps - self.identical_repeats,
            "superseded_by_restart": self.superseded,
            "unparsable": self.unparsable,
            "bad_step": self.dropped_bad_step,
        }
        return {k: int(v) for k, v in reasons.items() if v > 0}

    @property
    def points_dropped(self) -> int:
        return sum(self.dropped.values())

    @property
    def points_kept(self) -> int:
        return (self.raw_points - self.dropped_bad_step - self.dropped_nonfinite
                - self.duplicate_steps)

    @property
    def kept_fraction(self) -> float:
        """Points analysed over the points the log held (identical repeats aside)."""
        total = self.points_kept + self.points_dropped
        return self.points_kept / total if total else 1.0

    @property
    def notable_drop(self) -> bool:
        """More than NOTABLE_DROP of the log's points were not analysed."""
        return self.points_dropped > 0 and 1.0 - self.kept_fraction > NOTABLE_DROP

    def to_dict(self) -> dict:
        return {
            "raw_points": self.raw_points,
            "dropped_nonfinite": self.dropped_nonfinite,
            "first_nonfinite_step": self.first_nonfinite_step,
            "duplicate_steps": self.duplicate_steps,
            "step_resets": self.step_resets,
            "step_from_row_index": self.step_from_row_index,
            "unparsable": self.unparsable,
            "superseded": self.superseded,
            "dropped_bad_step": self.dropped_bad_step,
            "identical_repeats": self.identical_repeats,
            "dropped": self.dropped,
            "points_dropped": self.points_dropped,
            "points_kept": self.points_kept,
            "kept_fraction": round(self.kept_fraction, 6),
            "notable_drop": self.notable_drop,
            "running_mean_recovery": self.running_mean_recovery,
        }


@dataclass(frozen=True)
class LossSeries:
    """Strictly increasing int64 steps, float64 values, optional per-point epoch.

    `per_epoch` marks logs that hold one value per epoch (they cannot show spikes inside
    an epoch); `running_mean` marks values known to be running means since the epoch began
    (Keras progress bars); `notes` are reader remarks the report repeats (skipped lines...).
    `running_mean_weights` says how the running mean weighs its steps when the writer is
    known: "samples" (Keras: weighted by batch size) or "steps" (one weight per batch).
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
    notes: tuple[Note, ...] = ()
    per_epoch: bool = False
    running_mean: bool = False
    steps_per_epoch_hint: int | None = None
    running_mean_weights: str | None = None
    framework: str | None = None  # who wrote the log, when the format says (frameworks.py)
    gaps: tuple[tuple[int, int], ...] = ()

    def __len__(self) -> int:
        return int(self.steps.size)


MAX_STEP_SCALE = 6  # float steps are scaled by at most 10^6 to make them whole


def _whole_steps(s: np.ndarray, source: str) -> tuple[np.ndarray, tuple[Note, ...]]:
    """Float steps as whole numbers without losing their order: 1.5, 2.5... are scaled by
    the smallest power of ten that makes every step whole (with a note), never truncated
    (truncation made 1.5 and 1.0 one step and dropped half the points as repeats).
    Steps that no power of ten up to 10^6 makes whole are refused."""
    if s.size == 0 or bool(np.all(s == np.floor(s))):
        return s, ()
    for k in range(1, MAX_STEP_SCALE + 1):
        scaled = s * 10.0 ** k
        whole = np.round(scaled)
        if bool(np.all(np.abs(scaled - whole) <= 1e-6)) and \
                bool(np.all(np.abs(whole) <= MAX_STEP)):
            first = float(s[np.flatnonzero(s != np.floor(s))[0]])
            return whole, (Note(NoteCode.STEPS_SCALED, {"example": first, "factor": 10 ** k}),)
    first = float(s[np.flatnonzero(s != np.floor(s))[0]])
    raise SeriesError(f"{source}: steps are not whole numbers (e.g. {first!r}) and no scale up "
                      f"to 10^{MAX_STEP_SCALE} makes them so; choose an integer step column "
                      "(--step-column)")


INT32_WRAP = 1 << 32


def unwrap_int32(s: np.ndarray) -> tuple[np.ndarray, tuple[Note, ...]]:
    """Undo a signed 32-bit step counter that overflowed (2147483647 -> -2147483648):
    otherwise the points after the wrap would sort before all the others. A wrap is a
    drop from the top quarter of int32 to its bottom quarter that continues the count."""
    if s.size < 2 or int(s.min()) >= -(1 << 30):  # a wrap lands below -2^30
        return s, ()
    d = np.diff(s)
    wraps = (d < 0) & (s[:-1] >= 1 << 30) & (s[:-1] < 1 << 31) & (s[1:] < -(1 << 30)) \
        & (s[1:] >= -(1 << 31)) & (d + INT32_WRAP > 0) & (d + INT32_WRAP <= 1 << 24)
    n = int(np.count_nonzero(wraps))
    if not n:
        return s, ()
    shift = np.concatenate(([0], np.cumsum(wraps))) * INT32_WRAP
    return s + shift, (Note(NoteCode.STEP_COUNTER_WRAPPED, {"wraps": n}),)


def normalize(
    steps: np.ndarray | list,
    values: np.ndarray | list,
    *,
    metric: str,
    source: str,
    epochs: np.ndarray | list | None = None,
    notes: tuple[Note, ...] | list[Note] = (),
    step_from_row_index: bool = False,
    per_epoch: bool = False,
    running_mean: bool = False,
    steps_per_epoch_hint: int | None = None,
    unparsable: int = 0,
    superseded: int = 0,
    running_mean_weights: str | None = None,
    framework: str | None = None,
) -> LossSeries:
    """Build a LossSeries from raw points in write order.

    Non-finite values are dropped (the first such step is kept for the report); duplicate
    steps are resolved last-write-wins, as TensorBoard does for resumed runs; the result is
    sorted by step. `unparsable` and `superseded` are what the reader left out before
    (see Normalization), so the report can count every point of the log. Raises
    SeriesError when nothing finite is left.
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
    if s.size and bool(s.min() >= -MAX_STEP) and bool(s.max() <= MAX_STEP):
        ok = None  # every step usable (NaN would make min and max NaN): no masks needed
    elif s.dtype.kind == "f":
        ok = np.isfinite(s) & (np.abs(s) <= MAX_STEP)
    else:
        ok = (s <= MAX_STEP) & (s >= -MAX_STEP) if s.dtype.kind == "i" else s <= MAX_STEP
    n_bad_steps = 0 if ok is None else int(raw - np.count_nonzero(ok))
    notes = tuple(notes)
    if not all(isinstance(n, Note) for n in notes):  # sentences are made by the renderers
        raise TypeError(f"{source}: reader notes must be Note(code, params), not text")
    if n_bad_steps:
        s, v = s[ok], v[ok]
        e = None if e is None else e[ok]
        notes += (Note(NoteCode.BAD_STEPS_DROPPED, {"points": n_bad_steps}),)
        if s.size == 0:
            raise SeriesError(f"{source}: no usable step in {raw} points of {metric!r} "
                              "(steps are not finite numbers below 2^53)")
    if s.dtype.kind == "f":
        s, scale_note = _whole_steps(s, source)
        notes += scale_note
    s = s.astype(np.int64, copy=False)
    s, wrap_note = unwrap_int32(s)
    notes += wrap_note
    resets = int(np.count_nonzero(np.less(s[1:], s[:-1]))) if s.size > 1 else 0

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
        dups = identical = 0
        steps_out, values_out, epochs_out = s, v, e
    else:
        # Last write wins: stable sort by step, keep the last occurrence of each step.
        order = np.argsort(s, kind="stable")
        s_sorted = s[order]
        last = np.ones(s_sorted.size, dtype=bool)
        last[:-1] = s_sorted[1:] != s_sorted[:-1]
        keep = order[last]
        dups = int(s.size - keep.size)
        # A dropped duplicate that repeats the value kept for its step lost nothing.
        v_sorted = v[order]
        ends = np.flatnonzero(last)
        kept_value = v_sorted[ends[np.searchsorted(ends, np.arange(s.size))]]
        identical = int(np.count_nonzero(~last & (v_sorted == kept_value)))
        steps_out = s[keep]
        values_out = v[keep]
        epochs_out = None if e is None else e[keep]
    if epochs_out is not None and not np.isfinite(epochs_out).any():
        epochs_out = None
    if epochs_out is not None:
        finite = np.isfinite(epochs_out)
        fin = epochs_out if finite.all() else epochs_out[finite]
        if bool(np.less(fin[1:], fin[:-1]).any()):
            # An epoch column that goes back while the step rises (counters that overlap,
            # a run appended to another) cannot place epoch boundaries: it is dropped.
            epochs_out = None
            notes += (Note(NoteCode.EPOCHS_GO_BACK),)

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
            unparsable=int(unparsable),
            superseded=int(superseded),
            dropped_bad_step=n_bad_steps,
            identical_repeats=identical,
        ),
        notes=tuple(notes),
        per_epoch=per_epoch,
        running_mean=running_mean,
        steps_per_epoch_hint=steps_per_epoch_hint,
        running_mean_weights=running_mean_weights,
        framework=framework,
    )
