"""The ids users script against: verdicts, cause ids, inconclusive reasons, --fail-on.

Plain string constants (they go to JSON as they are); sentences about them are made only
by the renderers. The pass/fail rule lives here and nowhere else.
"""

from __future__ import annotations


class Verdict:
    """What one run shows, worst first."""

    EPOCH_ALIGNED = "epoch-aligned-spikes"
    PERIODIC = "periodic-not-epoch"
    ISOLATED = "spikes-not-epoch-aligned"
    INCONCLUSIVE = "inconclusive"
    CLEAN = "clean"
    ALL = (EPOCH_ALIGNED, PERIODIC, ISOLATED, INCONCLUSIVE, CLEAN)


class Cause:
    """Cause ids of DESIGN.md, each with a signature in the curve."""

    PARTIAL_FINAL_BATCH = "partial-final-batch"
    RESET = "epoch-start-reset"
    DROP = "epoch-start-drop"
    RUNNING_MEAN = "running-mean-logging"
    UNSHUFFLED = "unshuffled-data"
    RANDOM = "random-instability"
    UNKNOWN = "unknown"
    ALL = (PARTIAL_FINAL_BATCH, RESET, DROP, RUNNING_MEAN, UNSHUFFLED, RANDOM, UNKNOWN)


class Inconclusive:
    """Why a log cannot decide."""

    FEW_BOUNDARIES = "few-boundaries"  # fewer than 3 epoch boundaries observed
    SHORT_EPOCHS = "short-epochs"  # epochs too short to place a spike in them
    SPARSE_LOG = "sparse-log"  # too few logged points per epoch
    PER_EPOCH_LOG = "per-epoch-log"  # one value per epoch: nothing inside an epoch to see
    # the spikes sit on the final step of a short batch, which the log holds in too few epochs
    FINAL_STEP_UNSEEN = "final-step-unseen"
    ALL = (FEW_BOUNDARIES, SHORT_EPOCHS, SPARSE_LOG, PER_EPOCH_LOG, FINAL_STEP_UNSEEN)


# --fail-on levels, from the most to the least tolerant, and the verdicts each one fails.
FAIL_ON = {
    "epoch-aligned": frozenset({Verdict.EPOCH_ALIGNED}),
    "any-spike": frozenset({Verdict.EPOCH_ALIGNED, Verdict.PERIODIC, Verdict.ISOLATED}),
    "not-clean": frozenset({Verdict.EPOCH_ALIGNED, Verdict.PERIODIC, Verdict.ISOLATED,
                            Verdict.INCONCLUSIVE}),
    "never": frozenset(),
}
DEFAULT_FAIL_ON = "epoch-aligned"


def fails(verdict: str, fail_on: str = DEFAULT_FAIL_ON) -> bool:
    """Whether a run with this verdict fails a CI step run with --fail-on."""
    return verdict in FAIL_ON[fail_on]
