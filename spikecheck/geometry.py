"""EpochGeometry: where epochs start, in optimizer steps, and how full the final batch is.

Sources in order of trust: an epoch column in the log, --steps-per-epoch, --dataset-size
with --batch-size (plus --drop-last, --grad-accum, --world-size), and finally a period
inferred from the data (filled in by the engine). Disagreements are kept as plain sentences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from spikecheck.nomask import distinct
from spikecheck.notes import Note, NoteCode


class GeometryError(ValueError):
    """Flags that cannot describe a real run (a batch of 0, a negative dataset...)."""


@dataclass(frozen=True)
class GeometryInputs:
    """What the user told us on the command line."""

    dataset_size: int | None = None
    batch_size: int | None = None
    drop_last: bool = False
    grad_accum: int = 1
    world_size: int = 1
    steps_per_epoch: int | None = None
    first_step: int | None = None

    def validate(self) -> None:
        for name in ("dataset_size", "batch_size", "steps_per_epoch"):
            val = getattr(self, name)
            if val is not None and val < 1:
                raise GeometryError(f"--{name.replace('_', '-')} must be a positive integer")
        if self.grad_accum < 1 or self.world_size < 1:
            raise GeometryError("--grad-accum and --world-size must be positive integers")
        if self.first_step not in (None, 0, 1):
            raise GeometryError("--first-step must be 0 or 1")


def ceil_div(a: int, b: int) -> int:
    """The ceiling of a / b for whole numbers, exact at any size (math.ceil(a / b) goes
    through a float and is off by one above 2**53: N = 2**53 + 1, B = 2 looked full)."""
    return -(-a // b)


@dataclass(frozen=True)
class BatchArithmetic:
    """Steps per epoch and the final batch implied by N, B and the loader settings."""

    steps_per_epoch: int
    micro_batches_per_epoch: int
    final_batch: int  # samples in the final micro-batch on one device
    final_window: int  # micro-batches in the final accumulation window
    samples_per_device: int


def batch_arithmetic(
    dataset_size: int, batch_size: int, *, drop_last: bool = False, grad_accum: int = 1,
    world_size: int = 1,
) -> BatchArithmetic:
    """Loader arithmetic as PyTorch does it (DistributedSampler pads unless drop_last)."""
    if drop_last:
        per_device = dataset_size // world_size
        micro = per_device // batch_size
        final = batch_size
    else:
        per_device = ceil_div(dataset_size, world_size)
        micro = ceil_div(per_device, batch_size)
        final = per_device - (micro - 1) * batch_size
    if micro < 1:
        raise GeometryError(
            f"dataset size {dataset_size} gives no full batch of {batch_size}"
            + (" with --drop-last" if drop_last else "")
        )
    steps = ceil_div(micro, grad_accum)
    window = micro - (steps - 1) * grad_accum
    return BatchArithmetic(steps, micro, final, window, per_device)


def implied_dataset_sizes(
    steps_per_epoch: int, batch_size: int, *, grad_accum: int = 1, world_size: int = 1,
    drop_last: bool = False,
) -> tuple[int, int]:
    """The range of dataset sizes N that give this many optimizer steps per epoch."""
    per_step = batch_size * grad_accum * world_size
    if drop_last:
        return steps_per_epoch * per_step, (steps_per_epoch + 1) * per_step - 1
    return (steps_per_epoch - 1) * per_step + 1, steps_per_epoch * per_step


@dataclass(frozen=True)
class EpochGeometry:
    """Resolved geometry of one series: steps per epoch, origin, boundaries, provenance."""

    steps_per_epoch: float | None
    origin: float  # step at which epoch 0 begins (0 or 1, or fitted from an epoch column)
    source: str  # "epoch-column", "steps-per-epoch", "dataset-size", "inferred", "none"
    log_every: int = 1
    batch_size: int | None = None
    dataset_size: int | None = None
    final_batch: int | None = None
    final_window: int | None = None
    grad_accum: int = 1
    world_size: int = 1
    drop_last: bool = False
    first_step: int = 0
    boundaries: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))
    disagreements: tuple[Note, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def known(self) -> bool:
        return self.steps_per_epoch is not None

    def with_period(self, period: float, origin: float, steps: np.ndarray) -> EpochGeometry:
        """The same geometry with an inferred period (used when nothing was given)."""
        return replace(
            self, steps_per_epoch=period, origin=origin, source="inferred",
            boundaries=boundaries_in_range(period, origin, steps),
        )

    def to_dict(self) -> dict:
        """The JSON geometry: each note and disagreement as a sentence and as its code."""
        from spikecheck.render.notes import note_texts

        return {
            "source": self.source,
            "steps_per_epoch": _num(self.steps_per_epoch),
            "origin": _num(self.origin),
            "first_step": self.first_step,
            "log_every": self.log_every,
            "dataset_size": self.dataset_size,
            "batch_size": self.batch_size,
            "final_batch": self.final_batch,
            "final_window": self.final_window,
            "grad_accum": self.grad_accum,
            "world_size": self.world_size,
            "drop_last": self.drop_last,
            "boundaries_in_range": int(self.boundaries.size),
            "disagreements": note_texts(self.disagreements),
            "disagreement_codes": [n.to_dict() for n in self.disagreements],
            "notes": note_texts(self.notes),
            "note_codes": [n.to_dict() for n in self.notes],
        }


def _num(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(float(x), 3)


def boundaries_in_range(spe: float, origin: float, steps: np.ndarray) -> np.ndarray:
    """Epoch start steps strictly inside the observed step range (the first epoch excluded)."""
    if steps.size == 0 or spe <= 0:
        return np.empty(0, dtype=np.float64)
    lo, hi = float(steps[0]), float(steps[-1])
    k0 = first_boundary_index(lo, spe, origin)
    k1 = math.floor((hi - origin) / spe + 1e-9)
    if k1 < k0:
        return np.empty(0, dtype=np.float64)
    if k1 - k0 + 1 > 4 * steps.size + 1000:
        # A stray huge step (a timestamp in the step column) spans more epochs than there
        # are points: keep the starts of the epochs that hold points, not every epoch.
        ks = distinct(np.floor((steps - origin) / spe + 1e-9).astype(np.int64))
        ks = ks[(ks >= k0) & (ks <= k1)]
        return origin + spe * ks.astype(np.float64)
    return origin + spe * np.arange(k0, k1 + 1, dtype=np.float64)


def first_boundary_index(first_step: float, spe: float, origin: float) -> int:
    """The first epoch start after the first logged step (where logging began is no
    boundary); epochs before the origin count when the log starts more than an epoch
    before it (negative steps)."""
    k0 = math.floor((first_step - origin) / spe + 1e-9) + 1
    if k0 <= 0 and first_step >= origin - spe:
        k0 = 1
    return k0


def infer_log_every(steps: np.ndarray) -> int:
    """The logging interval: the most common gap between consecutive logged steps."""
    if steps.size < 2:
        return 1
    from spikecheck.engine.stats import positive_gap_range

    span = positive_gap_range(steps)
    if span is None:
        return 1
    if span[0] == span[1]:  # one interval throughout: no sort of every gap
        return int(span[0])
    gaps = np.diff(steps)
    gaps = gaps[gaps > 0]
    vals, counts = np.unique(gaps, return_counts=True)
    return int(vals[np.argmax(counts)])


def infer_first_step(steps: np.ndarray, log_every: int) -> int:
    """Whether steps count from 0 or from 1.

    Loggers that stamp the number of optimizer steps done (Hugging Face, Lightning's
    global_step after the update) log at multiples of the interval; loop indices log at
    k-1, 2k-1, ... A log that starts at step 1 counts from 1.
    """
    if steps.size == 0 or int(steps[0]) <= 0:
        return 0  # a log holding step 0 counts from 0 (timm's batch_idx), whatever its interval
    if log_every > 1:
        rem = steps % log_every
        at_multiple = int(np.count_nonzero(rem == 0))
        if at_multiple >= int(np.count_nonzero(rem == log_every - 1)) and at_multiple > 0:
            return 1
        return 0
    return 1 if int(steps[0]) == 1 else 0


def _all_whole(e: np.ndarray, chunk: int = 1 << 20) -> bool:
    """np.all(np.abs(e - np.round(e)) < 1e-9), a chunk at a time."""
    return all(bool(np.all(np.abs(c - np.round(c)) < 1e-9))
               for c in (e[a:a + chunk] for a in range(0, e.size, chunk)))


def _exact_as_floats(steps: np.ndarray) -> bool:
    """Whether converting the steps to float64 would change none of them."""
    if steps.dtype.kind == "f":
        return steps.dtype == np.float64
    return steps.dtype.kind in "iu" and (steps.size == 0 or max(
        abs(int(steps.min())), abs(int(steps.max()))) <= 2**53)


def geometry_from_epochs(steps: np.ndarray, epochs: np.ndarray) -> tuple[float, float] | None:
    """Steps per epoch and origin from a per-point epoch column, integer or fractional.

    Integer epochs: the first logged step of each epoch marks its start; fractional
    epochs (Hugging Face: epoch = step / steps_per_epoch) are fitted by least squares.
    """
    ok = np.isfinite(epochs)
    if ok.all() and _exact_as_floats(steps):
        # a long log's columns are read where they are, not copied: integer steps within
        # 2**53 are the same numbers as floats, and the few picked below are converted
        s, e = steps, epochs
    else:
        s, e = steps[ok].astype(np.float64), epochs[ok]
    if s.size < 2 or np.ptp(e) <= 0:
        return None
    if _all_whole(e):
        change = np.flatnonzero(e[1:] > e[:-1]) + 1  # == np.diff(e) > 0 for finite e
        if change.size == 0:
            return None
        starts_e = e[change]
        starts_s = s[change].astype(np.float64)
        if change.size >= 2:
            # Fit start step = origin + spe * epoch over the epoch starts seen.
            spe, origin = np.polyfit(starts_e, starts_s, 1)
        else:
            spe = (starts_s[0] - float(s[0])) / max(starts_e[0] - e[0], 1)
            origin = starts_s[0] - spe * starts_e[0]
        # Logged every k steps the first logged point of an epoch can sit up to k-1 steps
        # after the real start; pull the origin back to the earliest consistent start.
        from spikecheck.engine.stats import median_positive_gap

        k = median_positive_gap(s)
        if k > 1:
            pinned = _origin_between_logged_points(s, e, change, spe)
            if pinned is not None:
                return pinned
            resid = starts_s - (origin + spe * starts_e)
            origin = origin + float(resid.min()) - (k - 1) / 2 if resid.size else origin
        return float(spe), float(origin)
    # Fractional epochs: step = origin + spe * epoch. Use points with a monotone epoch.
    mono = np.concatenate(([True], e[1:] > e[:-1]))
    if mono.sum() < 2:
        return None
    spe, origin = np.polyfit(e[mono], s[mono], 1)
    if spe <= 0:
        return None
    # A fractional epoch is the progress made once the step is done (Hugging Face:
    # epoch = steps done / steps per epoch), so the step at which it reaches a whole
    # number is the last of that epoch and the next epoch starts one step later.
    return float(spe), float(origin) + 1.0


def _origin_between_logged_points(s: np.ndarray, e: np.ndarray, change: np.ndarray,
                                  spe: float) -> tuple[float, float] | None:
    """(steps per epoch, origin) pinned by every epoch change of a log written every k
    steps.

    Epoch E starts after the last point logged in the epoch before and at or before the
    first point logged in E: origin + spe*E lies in (s[c-1], s[c]] for each change c. With
    a whole number of steps per epoch that k does not divide, the changes fall at
    different places in the logging cycle and their intersection narrows to a step or
    two; the earliest step of it is the origin. None when no whole number of steps per
    epoch makes the intervals meet (then the fit stands).
    """
    # The fitted slope is off by up to k/epochs: of the whole numbers next to it, the
    # one whose intervals meet is the epoch length (the nearer, if both do).
    for n in sorted({math.floor(spe), math.ceil(spe)}, key=lambda m: abs(m - spe)):
        if n < 2:
            continue
        lo = float(np.max(s[change - 1] - n * e[change]))  # exclusive
        hi = float(np.min(s[change] - n * e[change]))  # inclusive
        first = math.floor(lo) + 1
        if first <= hi:
            return float(n), float(first)
    return None


def resolve_geometry(
    inputs: GeometryInputs,
    steps: np.ndarray,
    epochs: np.ndarray | None = None,
    steps_per_epoch_hint: int | None = None,
) -> EpochGeometry:
    """Combine what the user said with what the log says; record any disagreement."""
    inputs.validate()
    log_every = infer_log_every(steps)
    first_step = inputs.first_step if inputs.first_step is not None else infer_first_step(
        steps, log_every
    )
    disagreements: list[Note] = []
    notes: list[Note] = []

    arith = None
    if inputs.dataset_size is not None and inputs.batch_size is not None:
        arith = batch_arithmetic(
            inputs.dataset_size, inputs.batch_size, drop_last=inputs.drop_last,
            grad_accum=inputs.grad_accum, world_size=inputs.world_size,
        )

    from_column = None
    if epochs is not None:
        from_column = geometry_from_epochs(steps, epochs)
        if from_column is not None and from_column[0] < 1.5:
            notes.append(Note(NoteCode.PER_EPOCH_COLUMN))
            from_column = None

    candidates: list[tuple[str, float, float]] = []
    if from_column is not None:
        candidates.append(("epoch-column", from_column[0], from_column[1]))
    if steps_per_epoch_hint:
        candidates.append(("log-header", float(steps_per_epoch_hint), float(first_step)))
    if inputs.steps_per_epoch is not None:
        candidates.append(("steps-per-epoch", float(inputs.steps_per_epoch), float(first_step)))
    if arith is not None:
        candidates.append(("dataset-size", float(arith.steps_per_epoch), float(first_step)))

    if not candidates:
        return EpochGeometry(
            steps_per_epoch=None, origin=float(first_step), source="none", log_every=log_every,
            batch_size=inputs.batch_size, dataset_size=inputs.dataset_size,
            grad_accum=inputs.grad_accum, world_size=inputs.world_size,
            drop_last=inputs.drop_last, first_step=first_step, notes=tuple(notes),
        )

    source, spe, origin = candidates[0]
    if source == "epoch-column":
        # A fitted period is only as precise as the logging interval; prefer an exact
        # integer from the user or the loader arithmetic when it agrees with the log.
        for _other, val, _ in candidates[1:]:
            if abs(val - spe) <= max(0.5, 0.0002 * val) + (log_every - 1):
                spe = val
                if abs(origin - first_step) <= log_every:
                    origin = float(first_step)
                break
        else:
            spe = float(round(spe))
    for other, val, _ in candidates[1:]:
        if abs(val - spe) > 0.5:
            disagreements.append(_disagreement(source, spe, other, val, inputs))

    final_batch = final_window = None
    if arith is not None and abs(arith.steps_per_epoch - spe) < 0.5:
        final_batch = arith.final_batch
        final_window = arith.final_window
    return EpochGeometry(
        steps_per_epoch=spe, origin=origin, source=source, log_every=log_every,
        batch_size=inputs.batch_size, dataset_size=inputs.dataset_size,
        final_batch=final_batch, final_window=final_window, grad_accum=inputs.grad_accum,
        world_size=inputs.world_size, drop_last=inputs.drop_last, first_step=first_step,
        boundaries=boundaries_in_range(spe, origin, steps),
        disagreements=tuple(disagreements), notes=tuple(notes),
    )


def _disagreement(src: str, spe: float, other: str, val: float, inputs: GeometryInputs) -> Note:
    """Two sources of the epoch length disagree; with the likely wrong flag when one is."""
    params = {"source": src, "steps_per_epoch": spe, "other": other,
              "other_steps_per_epoch": val, "hint": None}
    if other == "dataset-size" and inputs.dataset_size and inputs.batch_size:
        alt = batch_arithmetic(
            inputs.dataset_size, inputs.batch_size, drop_last=not inputs.drop_last,
            grad_accum=inputs.grad_accum, world_size=inputs.world_size,
        ) if inputs.dataset_size >= inputs.batch_size else None
        if alt is not None and abs(alt.steps_per_epoch - spe) < 0.5:
            params.update(hint="drop-last", drop_last=not inputs.drop_last)
        elif inputs.grad_accum == 1 and spe > 0 and round(val / spe) >= 2:
            params.update(hint="grad-accum", grad_accum=round(val / spe))
        else:
            params.update(hint="check-flags")
    return Note(NoteCode.GEOMETRY_DISAGREEMENT, params)
