"""The words and rules every reader shares: what a training loss is, per-epoch logs, steps.

One place decides, for CSV columns, JSON keys, TensorBoard tags and text keys alike:

- which names are training loss and which are not (`val_loss`, `dev_loss`, `eval/loss`,
  `test_loss` are evaluation everywhere);
- which logs hold one value per epoch (`per_epoch_only`, one rule);
- the largest step that is still an optimizer step (`MAX_STEP`);
- how restarts appended to one log are resolved (`resolve_restarts`).
"""

from __future__ import annotations

import re

import numpy as np

from spikecheck.series import MAX_STEP  # the step limit normalize() applies; readers share it

# Names for the step, in order of preference (CSV columns and JSON keys).
STEP_NAMES = ("step", "global_step", "iteration", "iter", "it", "_step", "trainer/global_step",
              "steps", "optimizer_step", "num_updates")
# Training-loss names, in order of preference (per-step values first).
LOSS_NAMES = ("loss", "train_loss", "train/loss", "training_loss", "train_loss_step",
              "loss_step", "train/loss_step", "trainer/loss", "total_loss", "lm_loss",
              "batch_loss")
EPOCH_NAMES = ("epoch", "epochs", "train/epoch", "trainer/epoch", "Epoch")

# A name part that marks evaluation rather than training, as a whole word between
# separators: val_loss, eval/loss, loss (test), Loss/validation, dev_loss, holdout-loss.
NOT_TRAINING = re.compile(
    r"(^|[/_\s.:()-])(val|valid|validation|eval|evaluation|test|testing|dev|holdout|predict)"
    r"([/_\s.:()-]|$)", re.I)
# A name that says its value is aggregated over a whole epoch.
EPOCH_AGGREGATE = re.compile(r"(^|[/_])epoch[_/]|[_/]epoch$", re.I)


def is_training_name(name: str) -> bool:
    """False for names of evaluation, validation, test or dev metrics."""
    return not NOT_TRAINING.search(name)


def is_training_loss_name(name: str) -> bool:
    """A name that holds 'loss' and is not an evaluation metric."""
    return "loss" in name.lower() and is_training_name(name)


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
    e = e[np.isfinite(e)]
    if e.size < 2 or not np.all(e == np.round(e)):
        return False
    u = np.unique(e)
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
    k_all = keys.astype(np.float64)
    usable = np.isfinite(k_all) & (np.abs(k_all) <= MAX_STEP)
    if not usable.all():
        # Keys normalize() drops and counts (a step of -1e30, NaN) are not restarts.
        keep = np.ones(keys.size, dtype=bool)
        sub, restarts, dropped = resolve_restarts(keys[usable], ties_distinct)
        keep[np.flatnonzero(usable)] = sub
        return keep, restarts, dropped
    n = keys.size
    back = np.diff(keys) < 0 if n > 1 else np.zeros(0, dtype=bool)
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


def restart_note(restarts: int, dropped: int, what: str = "step") -> str | None:
    """The reader note for restarts resolved by resolve_restarts (None when there were none)."""
    if not restarts:
        return None
    msg = (f"the {what} goes back {restarts} time(s) (runs appended to one log); "
           "later writes win")
    if dropped:
        msg += f", {dropped} points of abandoned runs dropped"
    return msg


__all__ = [
    "EPOCH_NAMES", "LOSS_NAMES", "MAX_STEP", "NOT_TRAINING", "STEP_NAMES",
    "is_epoch_aggregate_name", "is_training_loss_name", "is_training_name", "per_epoch_only",
    "resolve_restarts", "restart_note",
]
