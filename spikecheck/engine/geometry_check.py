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

NEAR = 0.03  # a period within 3% of the epoch: the dataset size or drop_last is slightly off
MAX_FACTOR = 16  # accumulation or world sizes tried


@dataclass(frozen=True)
class GeometryMismatch:
    """The period contradicts the geometry; the likely mistake, and the flags that fit."""

    period: float
    steps_per_epoch: float
    likely: str  # "batch-size", "drop-last", "grad-accum", "world-size", "dataset-size"
    corrected: GeometryInputs | None  # flags under which the epoch is the period
    sentence: str


def period_matches(period: float, spe: float, log_every: int = 1, method: str = "events"
                   ) -> bool:
    """Whether a period found in the data is this epoch length, within what the method
    can resolve: spike events place it to a fraction of a step (over many cycles), an
    autocorrelation peak only to a bin."""
    k = max(1, log_every)
    tol = 0.3 + (k - 1) / 2 if method in ("events", "phase-scan") else max(1.0, 0.002 * spe) + k / 2
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
                                        _sentence(period, spe, likely, inputs, alt))
    if 0.5 / spe < rel <= NEAR and abs(period - spe) >= 0.75:
        return GeometryMismatch(
            period, spe, "dataset-size", None,
            f"the spikes recur every {period:.1f} steps but the epoch geometry "
            f"({geom.source}) gives {spe:g}: is drop_last set, or the dataset size right?")
    return None


def _alternatives(inputs: GeometryInputs):
    """Flags that differ from the given ones in one loader setting, likeliest first."""
    yield "drop-last", replace(inputs, drop_last=not inputs.drop_last)
    b = inputs.batch_size
    # a batch size off by more than 4x is not a slip of the flag: something else recurs
    for cand in sorted(range(max(1, -(-b // 4)), 4 * b + 1), key=lambda c: (abs(c - b), c)):
        if cand != b:
            yield "batch-size", replace(inputs, batch_size=cand)
    for g in range(1, MAX_FACTOR + 1):
        if g != inputs.grad_accum:
            yield "grad-accum", replace(inputs, grad_accum=g)
    for w in range(1, MAX_FACTOR + 1):
        if w != inputs.world_size:
            yield "world-size", replace(inputs, world_size=w)


def _sentence(period: float, spe: float, likely: str, given: GeometryInputs,
              alt: GeometryInputs) -> str:
    head = (f"the anomalies recur every {period:.0f} steps, but the flags give an epoch of "
            f"{spe:g} steps")
    fix = {
        "drop-last": f"with drop_last={'True' if alt.drop_last else 'False'} the epoch is "
                     f"{period:.0f} steps: check --drop-last",
        "batch-size": f"with --batch-size {alt.batch_size} (not {given.batch_size}) the epoch "
                      f"is {period:.0f} steps: is the batch size right?",
        "grad-accum": f"with --grad-accum {alt.grad_accum} (not {given.grad_accum}) the epoch "
                      f"is {period:.0f} steps: is gradient accumulation set?",
        "world-size": f"with --world-size {alt.world_size} (not {given.world_size}) the epoch "
                      f"is {period:.0f} steps: is the number of processes right?",
    }[likely]
    return f"{head}; {fix} (the analysis uses that geometry)"
