"""Cause ids, their fixes, and the arithmetic that checks a partial final batch."""

from __future__ import annotations

from spikecheck.geometry import EpochGeometry
from spikecheck.report import Diagnosis

FIXES = {
    "partial-final-batch": (
        "make the loss independent of the batch size (average over samples once, or sum and "
        "divide by the full batch size), or drop the last batch (drop_last=True)"
    ),
    "epoch-start-reset": (
        "keep optimizer and scheduler state across epochs (create them once), avoid LR warm "
        "restarts at every epoch, and call model.train() after validation"
    ),
    "epoch-start-drop": (
        "the model is meeting samples it has memorized: often benign; use fewer epochs, a "
        "lower learning rate or more data if it overfits"
    ),
    "running-mean-logging": (
        "log per-step values (the logged value is a running mean reset each epoch); this is "
        "not a training problem"
    ),
    "unshuffled-data": (
        "shuffle the data every epoch (DataLoader(shuffle=True), "
        "DistributedSampler.set_epoch(epoch), per-epoch worker seeds)"
    ),
    "random-instability": (
        "not the epoch: look at the learning rate, gradient clipping, loss scaling and the "
        "batches at those steps"
    ),
    "unknown": "inspect the steps listed; the anomaly recurs but matches no known signature",
}


def expected_partial_height(geom: EpochGeometry, window_first: bool = False
                            ) -> tuple[float | None, float | None]:
    """(B/r, the same diluted over a logging window of k steps) or (None, None).

    With a partial final accumulation window (w of G micro-batches) and a loss divided by
    G regardless, the logged loss is w/G of its usual size instead.
    """
    k = max(1, geom.log_every)
    short_window = bool(geom.final_window and geom.final_window < geom.grad_accum)
    if window_first and short_window:
        h = geom.final_window / geom.grad_accum
    elif geom.batch_size and geom.final_batch and geom.final_batch < geom.batch_size:
        h = geom.batch_size / geom.final_batch
    elif short_window:
        h = geom.final_window / geom.grad_accum
    else:
        return None, None
    return h, ((k - 1) + h) / k


def partial_batch_diagnosis(geom: EpochGeometry, measured: float | None, inferred: bool,
                            tolerance: float = 1.6, aftermath: bool = False,
                            window_first: bool = False) -> Diagnosis:
    """partial-final-batch, with the expected B/r against the measured height.

    A batch-size-dependent loss on a final batch of r samples reads B/r times a single
    sample's loss over the batch mean; single-sample losses are skewed (most below the
    mean), so a measured height between about 1.25x and B/r is the bug seen through that
    skew, and above B/r * tolerance it is something else.
    """
    h, diluted = expected_partial_height(geom, window_first)
    conf = 0.6
    parts = []
    expected = None
    if h is not None and h < 1:
        w, g = geom.final_window, geom.grad_accum
        expected = h if geom.log_every <= 1 else diluted
        parts.append(f"the final accumulation window holds {w} of {g} micro-batches, so a "
                     f"loss divided by {g} regardless comes out {h:.3g}x")
        if measured is not None:
            ok = expected / tolerance <= measured <= expected * tolerance
            parts.append(f"the log shows {measured:.3g}x"
                         + (", about as predicted" if ok else ", not the predicted height"))
            conf += 0.3 if ok else -0.15
    elif h is not None:
        r, b = geom.final_batch, geom.batch_size
        expected = h if geom.log_every <= 1 else diluted
        parts.append(f"the final batch holds {r} of {b} samples, so a batch-size-dependent "
                     f"loss would spike {h:.3g}x")
        if geom.log_every > 1:
            parts[-1] += (f" ({diluted:.3g}x when each logged value is the mean of "
                          f"{geom.log_every} steps)")
        if measured is not None:
            lo = min(e for e in (h, diluted) if e)
            ok = any(e / tolerance <= measured <= e * tolerance for e in (h, diluted) if e)
            skewed = not ok and 1.25 <= measured < lo / tolerance
            parts.append(f"the log shows {measured:.3g}x" + (
                ", about as predicted" if ok else
                ", below it as single-sample losses mostly are (they sit under the batch "
                "mean), but well above 1x" if skewed else ", not the predicted height"))
            conf += 0.3 if ok else 0.15 if skewed else -0.15
    elif geom.final_window is not None and geom.final_window < geom.grad_accum:
        parts.append(f"the final accumulation window holds {geom.final_window} of "
                     f"{geom.grad_accum} micro-batches")
        conf += 0.1
    elif geom.batch_size and geom.final_batch and geom.final_batch >= geom.batch_size:
        parts.append("but the geometry given has no partial final batch: check --drop-last, "
                     "--dataset-size and --grad-accum")
        conf -= 0.25
    else:
        parts.append("pass --dataset-size and --batch-size to check the expected height B/r")
        if measured is not None:
            parts.append(f"the log shows {measured:.3g}x")
    if inferred:
        conf -= 0.15
    where = ("the loss is off on the final step of each epoch" if h is not None and h < 1
             else "spikes sit on the final step of each epoch")
    if aftermath and (h is None or h > 1):
        parts.append("the loss stays high for some steps after it: the oversized update of "
                     "that batch, carried on by momentum")
    evidence = where + "; " + "; ".join(parts)
    return Diagnosis("partial-final-batch", _clip(conf), evidence, FIXES["partial-final-batch"],
                     expected, measured)


def fix_for(cause: str, framework: str | None) -> str:
    """The fix of a cause in the words of the framework that wrote the log (PyTorch's when
    no reader could tell)."""
    from spikecheck import frameworks as fw

    name = framework if framework in fw.ALL else fw.TORCH
    if cause == "partial-final-batch":
        return ("make the loss independent of the batch size (average over samples once, or "
                "sum and divide by the full batch size), or " + fw.DROP_LAST[name])
    if cause == "unshuffled-data":
        return fw.SHUFFLE[name]
    return FIXES[cause]


def in_framework(d: Diagnosis, framework: str | None) -> Diagnosis:
    """The same diagnosis with its fix worded for the log's framework."""
    if framework is None:
        return d
    return Diagnosis(d.cause, d.confidence, d.evidence, fix_for(d.cause, framework),
                     d.expected_height, d.measured_height)


def make(cause: str, confidence: float, evidence: str, measured: float | None = None
         ) -> Diagnosis:
    """A diagnosis with the standard fix for its cause id."""
    return Diagnosis(cause, _clip(confidence), evidence, FIXES[cause], None, measured)


def _clip(c: float) -> float:
    return max(0.05, min(0.99, c))
