"""The words and rules every reader shares: what a training loss is, per-epoch logs, steps.

One place decides, for CSV columns, JSON keys, TensorBoard tags and text keys alike:

- which names are training loss and which are not (`val_loss`, `dev_loss`, `eval/loss`,
  `test_loss` are evaluation everywhere), the loss labels text logs print and the
  perplexity labels (`ppl`) whose logarithm is the loss;
- which logs hold one value per epoch (`per_epoch_only`, one rule);
- the largest step that is still an optimizer step (`MAX_STEP`);
- how restarts appended to one log are resolved (`resolve_restarts`);
- iterations per epoch from a counter that restarts (`infer_iters_per_epoch`).
"""

from __future__ import annotations

import re

import numpy as np

from spikecheck.nomask import distinct
from spikecheck.notes import Note, NoteCode
from spikecheck.series import MAX_STEP, unwrap_int32  # normalize()'s step rules; readers share them

# Names for the step, in order of preference (CSV columns and JSON keys).
STEP_NAMES = ("step", "global_step", "iteration", "iter", "it", "_step", "trainer/global_step",
              "steps", "optimizer_step", "num_updates")
# Training-loss names, in order of preference (per-step values first).
LOSS_NAMES = ("loss", "train_loss", "train/loss", "training_loss", "train_loss_step",
              "loss_step", "train/loss_step", "trainer/loss", "total_loss", "lm_loss",
              "batch_loss")
EPOCH_NAMES = ("epoch", "epochs", "train/epoch", "trainer/epoch", "Epoch")

# Words that mark evaluation rather than training, as a whole word between separators:
# val_loss, eval/loss, loss (test), Loss/validation, dev_loss, holdout-loss, "val loss: 0.3".
NOT_TRAINING_WORDS = ("val", "valid", "validation", "eval", "evaluation", "test", "testing",
                      "dev", "holdout", "predict")
_NAME_SEPARATORS = r"/_\s.:()-"
NOT_TRAINING = re.compile(
    rf"(^|[{_NAME_SEPARATORS}])({'|'.join(NOT_TRAINING_WORDS)})([{_NAME_SEPARATORS}]|$)", re.I)

# Loss labels printed in text logs, most preferred first (a line printing several takes
# the first). Beside the names holding "loss", these exact labels are training loss too.
PRINTED_LOSS_KEYS: tuple[str, ...] = (
    "total_loss", "total loss", "Total loss", "Total Loss", "loss", "Loss", "LOSS",
    "train_loss", "train loss", "Train loss", "Train Loss", "training loss", "Training loss",
    "training_loss", "Train-Loss", "Train-loss", "model loss", "lm loss", "lm_loss", "Cost",
    "cost", "xent", "cross-entropy", "cross_entropy", "Train-cross-entropy", "Train-ce", "ce",
    "nll", "NLL",
)
# Labels of perplexity: a log that prints only these is read as log(perplexity).
PERPLEXITY_KEYS: tuple[str, ...] = ("ppl", "PPL", "perplexity", "Perplexity",
                                    "Train-perplexity")
_LOSS_LABELS = frozenset(PRINTED_LOSS_KEYS)
_PERPLEXITY_WORDS = re.compile(r"(^|[/_\s.:()-])(ppl|perplexity)$", re.I)


def not_training_before() -> str:
    """Regex lookbehinds that fail where an evaluation word and a separator end (text logs).

    Put before a loss label, they keep `val loss: 0.3`, `Eval/loss 0.3` or `test-loss`
    from reading as training loss; the word must start at a word boundary (`latest loss`
    is training loss). One lookbehind per word length (lookbehinds are fixed-width).
    """
    by_len: dict[int, list[str]] = {}
    for w in NOT_TRAINING_WORDS:
        by_len.setdefault(len(w), []).append(w)
    return "".join(rf"(?<!(?<![A-Za-z0-9])(?i:{'|'.join(ws)})[ \t/_.:-])"
                   for _, ws in sorted(by_len.items()))


# A name that says its value is aggregated over a whole epoch.
EPOCH_AGGREGATE = re.compile(r"(^|[/_])epoch[_/]|[_/]epoch$", re.I)


def is_training_name(name: str) -> bool:
    """False for names of evaluation, validation, test or dev metrics."""
    return not NOT_TRAINING.search(name)


def is_training_loss_name(name: str) -> bool:
    """A name that holds 'loss' (or is a printed loss label: Cost, nll) and is not an
    evaluation metric."""
    return ("loss" in name.lower() or name in _LOSS_LABELS) and is_training_name(name)


# Loss functions named for what they compute (a regression logs train/mse): training loss
# when nothing is named a loss, as the last word of the name (train_mse, loss/huber).
LOSS_FUNCTION_WORDS = ("mse", "rmse", "mae", "huber", "bce", "l1", "smooth_l1", "smoothl1")
_LOSS_FUNCTION = re.compile(rf"(^|[{_NAME_SEPARATORS}])({'|'.join(LOSS_FUNCTION_WORDS)})$", re.I)


def is_loss_function_name(name: str) -> bool:
    """train/mse, train_mae, huber: a training loss named for its function (a fallback
    where no name holds 'loss'), not an evaluation metric."""
    return bool(_LOSS_FUNCTION.search(name)) and is_training_name(name)


def is_perplexity_name(name: str) -> bool:
    """A training perplexity (ppl, train/perplexity): the loss is its logarithm."""
    return bool(_PERPLEXITY_WORDS.search(name)) and is_training_name(name)


def is_epoch_aggregate_name(name: str) -> bool:
    """epoch_loss, train_loss_epoch, train/epoch_loss: one value per epoch by name."""
    return bool(EPOCH_AGGREGATE.search(name))


def per_epoch_only(epochs: np.ndarray | None, name: str = "",
                   step_is_epoch: bool = False, steps: np.ndarray | None = None) -> bool:
    """Whether a series holds one value per epoch, so spikes inside epochs cannot show.

    The one rule: the name says so (epoch_loss, loss_epoch), or the points say so: every
    point sits in its own whole-numbered epoch and the epochs follow each other without
    gaps (two or more points). A sparse per-step log that skips epochs is not per-epoch.
    `step_is_epoch` is for writers that stamp the epoch as the step (YOLO's TensorBoard
    tags): then the steps are the epochs.
    """
    if name and is_epoch_aggregate_name(name):
        return True
    if step_is_epoch and steps is not None:
        epochs = steps.astype(np.float64)
    if epochs is None:
        return False
    e = np.asarray(epochs, dtype=np.float64)
    finite = np.isfinite(e)
    if not finite.all():
        e = e[finite]
    if e.size >= 2 and bool(np.any(e[1:] == e[:-1])):
        return False  # an epoch repeated: not one point per epoch (no sort needed to say it)
    if e.size < 2 or not np.all(e == np.round(e)):
        return False
    u = distinct(e)
    return int(u.size) == int(e.size) and bool(np.all(np.diff(u) == 1))


def resolve_restarts(keys: np.ndarray, ties_distinct: bool = False
                     ) -> tuple[np.ndarray, int, int]:
    """Which points survive restarts appended to one log, resumed or from scratch.

    The log is cut into segments where the key (the step, or epoch and iteration) goes
    back. A point survives unless a later segment starts at or before its key: a resumed
    run supersedes everything the abandoned run logged from its resume point on (as
    TensorBoard purges orphaned events). Points whose exact key is written again later
    are kept so normalize() resolves them last-write-wins and counts them; with
    ties_distinct (keys that are not steps, such as rounded epochs) they are dropped here.
    Returns (keep mask, restarts, dropped).
    """
    keys = np.asarray(keys)
    if keys.dtype.kind in "iuf" and keys.size:  # the range says it, with no float copy
        lo, hi = keys.min(), keys.max()  # NaN in floats makes both NaN: not usable
        usable_all = bool(lo >= -MAX_STEP) and bool(hi <= MAX_STEP)
    else:
        k_all = keys.astype(np.float64)
        usable = np.isfinite(k_all) & (np.abs(k_all) <= MAX_STEP)
        usable_all = bool(usable.all())
    if not usable_all:
        k_all = keys.astype(np.float64)
        usable = np.isfinite(k_all) & (np.abs(k_all) <= MAX_STEP)
        # Keys normalize() drops and counts (a step of -1e30, NaN) are not restarts.
        keep = np.ones(keys.size, dtype=bool)
        sub, restarts, dropped = resolve_restarts(keys[usable], ties_distinct)
        keep[np.flatnonzero(usable)] = sub
        return keep, restarts, dropped
    keys, _ = unwrap_int32(keys)  # a 32-bit counter overflow is not a restart
    n = keys.size
    back = np.less(keys[1:], keys[:-1]) if n > 1 else np.zeros(0, dtype=bool)
    restarts = int(np.count_nonzero(back))
    if restarts == 0:
        return np.ones(n, dtype=bool), 0, 0
    k = keys.astype(np.float64)
    seg = np.concatenate(([0], np.cumsum(back)))
    nseg = restarts + 1
    seg_min = np.full(nseg, np.inf)
    np.minimum.at(seg_min, seg, k)
    later = np.full(nseg, np.inf)
    later[:-1] = np.minimum.accumulate(seg_min[::-1])[::-1][1:]
    superseded = k >= later[seg]
    if ties_distinct:
        drop = superseded
    else:
        order = np.argsort(k, kind="stable")
        ks = k[order]
        has_later_dup = np.zeros(n, dtype=bool)
        has_later_dup[order[:-1]] = ks[1:] == ks[:-1]
        drop = superseded & ~has_later_dup
    return ~drop, restarts, int(drop.sum())


def restart_note(restarts: int, dropped: int, what: str = "step") -> Note | None:
    """The reader note for restarts resolved by resolve_restarts (None when there were none)."""
    if not restarts:
        return None
    return Note(NoteCode.LOG_RESTARTS, {"counter": what, "restarts": restarts,
                                        "dropped": dropped})


def perplexity_note(name: str) -> Note:
    """The note of a series read as log(perplexity)."""
    return Note(NoteCode.PERPLEXITY, {"name": name})


def as_loss(metric: str, values: np.ndarray) -> tuple[str, np.ndarray, Note | None]:
    """A perplexity is analysed as its logarithm, the loss it stands for (in every reader):
    the metric's name, values and note; other metrics pass unchanged with no note."""
    if not is_perplexity_name(metric):
        return metric, values, None
    with np.errstate(divide="ignore", invalid="ignore"):
        logged = np.log(np.asarray(values, dtype=np.float64))
    return f"log({metric})", logged, perplexity_note(metric)


def infer_iters_per_epoch(epochs: np.ndarray, iters: np.ndarray) -> int:
    """Iterations per epoch from a counter that restarts every epoch, when no total is
    logged: the largest value one logging interval allows (exact when every iteration is
    logged; otherwise logged points stay evenly spaced across the boundary)."""
    top = int(iters.max(initial=0))
    same = np.diff(epochs) == 0
    gaps = np.diff(iters)[same]
    gaps = gaps[gaps > 0]
    if gaps.size:
        vals, counts = np.unique(gaps, return_counts=True)
        k = int(vals[np.argmax(counts)])
    else:
        k = 1
    zero_based = bool(np.any(iters == 0))
    return top + k if zero_based else top + k - 1


__all__ = [
    "EPOCH_NAMES", "LOSS_NAMES", "MAX_STEP", "NOT_TRAINING", "NOT_TRAINING_WORDS",
    "PERPLEXITY_KEYS", "PRINTED_LOSS_KEYS", "STEP_NAMES", "as_loss", "infer_iters_per_epoch",
    "is_epoch_aggregate_name", "is_loss_function_name", "is_perplexity_name",
    "is_training_loss_name", "is_training_name", "not_training_before", "per_epoch_only",
    "perplexity_note", "resolve_restarts", "restart_note",
]
