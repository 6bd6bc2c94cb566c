"""The period found in the data checked against the geometry the user gave.

A period of recurring anomalies that is not the epoch the flags describe is either
something that runs every K steps (evaluation, a loss scaler) or a wrong flag. When one
loader setting changed (batch size, drop_last, gradient accumulation, world size) makes the
epoch exactly that period, the flag is the likelier mistake: an evaluation interval is a
round number the loader arithmetic almost never hits exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spikecheck.geometry import EpochGeometry, GeometryError, GeometryInputs, batch_arithmetic
from spikecheck.notes import Note, NoteCode

NEAR = 0.03  # a period within 3% of the epoch: the dataset size or drop_last is slightly off
MAX_FACTOR = 16  # accumulation or world sizes tried


@dataclass(frozen=True)
class GeometryMismatch:
    """The period contradicts the geometry; the likely mistake, and the flags that fit."""

    period: float
    steps_per_epoch: float
    likely: str  # "batch-size", "drop-last", "grad-accum", "world-size", "dataset-size"
    corrected: GeometryInputs | None  # flags under which the epoch is the period
    note: Note


def period_matches(period: float, spe: float, log_every: int = 1, method: str = "events"
                   ) -> bool:
    """Whether a period found in the data is this epoch length, within what the method
    can resolve: spike events place it to a fraction of a step (over many cycles), an
    autocorrelation peak only to a bin."""
    k = max(1, log_every)
    sharp = method in ("events", "phase-scan", "step-count")
    tol = 0.3 + (k - 1) / 2 if sharp else max(1.0, 0.002 * spe) + k / 2
    return abs(period - spe) <= tol


def explain_period(period: float, inputs: GeometryInputs, geom: EpochGeometry,
                   method: str = "events") -> GeometryMismatch | None:
    """None when the period is the epoch; else what most likely makes them differ."""
    spe = float(geom.steps_per_epoch)
    k = max(1, geom.log_every)
    if period_matches(period, spe, k, method):
        return None
    rel = abs(period - spe) / spe
    if geom.source == "dataset-size" and inputs.dataset_size and inputs.batch_size:
        for likely, alt in _alternatives(inputs):
            try:
                got = batch_arithmetic(alt.dataset_size, alt.batch_size, drop_last=alt.drop_last,
                                       grad_accum=alt.grad_accum,
                                       world_size=alt.world_size).steps_per_epoch
            except GeometryError:
                continue
            if period_matches(period, float(got), k, method):
                return GeometryMismatch(period, spe, likely, alt,
                                        _note(period, spe, likely, inputs, alt))
    if 0.5 / spe < rel <= NEAR and abs(period - spe) >= 0.75:
        return GeometryMismatch(period, spe, "dataset-size", None, Note(
            NoteCode.GEOMETRY_MISMATCH, {"period": period, "steps_per_epoch": spe,
                                         "likely": "dataset-size",
                                         "geometry_source": geom.source}))
    return None


def _alternatives(inputs: GeometryInputs):
    """Flags that differ from the given ones in one loader setting, likeliest first."""
    yield "drop-last", replace(inputs, drop_last=not inputs.drop_last)
    for cand in plausible_batch_sizes(inputs.batch_size):
        yield "batch-size", replace(inputs, batch_size=cand)
    for g in range(1, MAX_FACTOR + 1):
        if g != inputs.grad_accum:
            yield "grad-accum", replace(inputs, grad_accum=g)
    for w in range(1, MAX_FACTOR + 1):
        if w != inputs.world_size:
            yield "world-size", replace(inputs, world_size=w)


def plausible_batch_sizes(b: int) -> list[int]:
    """Batch sizes a user who typed `b` may have meant, nearest first.

    A slip of one or two, a per-device size given for the global one (or the reverse: x2,
    x4), or a size people choose (a power of two, a multiple of 8) within 4x. Not every
    integer: most periods (a learning rate restarted every 45 steps) are ceil(N/B) for
    some B, and an odd batch size nobody types would explain them away as a wrong flag.
    """
    lo, hi = max(1, -(-b // 4)), 4 * b
    cands = {b + d for d in (-2, -1, 1, 2)}
    cands |= {b * f for f in (2, 4)} | {b // f for f in (2, 4) if b % f == 0}
    cands |= {1 << e for e in range(0, hi.bit_length() + 1)}
    near8 = b - b % 8  # the multiples of 8 near b (not all up to 4b: b may be 2^62)
    cands |= {near8 + 8 * i for i in range(-16, 17)}
    return sorted((c for c in cands if lo <= c <= hi and c != b), key=lambda c: (abs(c - b), c))


# The GeometryInputs field each likely mistake changes.
_FLAG_FIELD = {"drop-last": "drop_last", "batch-size": "batch_size",
               "grad-accum": "grad_accum", "world-size": "world_size"}


def _note(period: float, spe: float, likely: str, given: GeometryInputs,
          alt: GeometryInputs) -> Note:
    """The mismatch with the flag that, changed to `fitting`, makes the epoch the period."""
    name = _FLAG_FIELD[likely]
    return Note(NoteCode.GEOMETRY_MISMATCH, {
        "period": period, "steps_per_epoch": spe, "likely": likely,
        "given": getattr(given, name), "fitting": getattr(alt, name)})
