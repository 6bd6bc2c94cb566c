"""Text logs' counters turned into global steps: restarts, epochs, samples, gaps.

A reader hands over the columns its style captured (step, epoch, iter, iters); this
module decides how they make an optimizer step, resolves runs appended to one file, and
records the stretches of steps the log does not cover (elided or windowed logs).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from spikecheck.nomask import distinct
from spikecheck.notes import Note, NoteCode
from spikecheck.readers.interface import ReadOptions
from spikecheck.readers.vocabulary import (
    infer_iters_per_epoch,
    per_epoch_only,
    resolve_restarts,
    restart_note,
)
from spikecheck.series import LossSeries, normalize

if TYPE_CHECKING:
    from spikecheck.readers.text import Style


def _steps_per_epoch_option(options: ReadOptions) -> int | None:
    spe = getattr(options, "steps_per_epoch", None)
    return int(spe) if spe else None


def finish_step(source: str, style: Style, metric: str, cols: dict[str, np.ndarray],
                values: np.ndarray, notes: list[Note], unparsable: int = 0) -> LossSeries:
    """A global step on every line (and perhaps an epoch): restarts resolved, gaps noted.

    `unparsable` counts loss lines the reader could not read (a cut last line)."""
    steps = cols["step"]
    epochs = None
    if "epoch" in cols and np.any(cols["epoch"] >= 0):
        epochs = cols["epoch"].astype(np.float64)
        epochs = np.where(epochs < 0, np.nan, epochs - _epoch_base(style, cols["epoch"]))
    keep, restarts, dropped = resolve_restarts(steps)
    add_restart_note(notes, restarts, dropped)
    if not restarts:  # every point kept: no full-size copies of the columns
        keep = slice(None)
    epochs = None if epochs is None else epochs[keep]
    per_epoch = per_epoch_only(epochs, metric)
    if per_epoch:
        notes.append(PER_EPOCH_NOTE)
    series = normalize(steps[keep], values[keep], metric=metric, source=source,
                       epochs=epochs, notes=notes, running_mean=style.running_mean,
                       running_mean_weights=running_mean_weights(style),
                       per_epoch=per_epoch, unparsable=unparsable, superseded=dropped)
    return with_gaps(series)


PER_EPOCH_NOTE = Note(NoteCode.PER_EPOCH_LINES)


def add_restart_note(notes: list[Note], restarts: int, dropped: int,
                     what: str = "step") -> None:
    """The vocabulary's restart note, when the log restarts."""
    note = restart_note(restarts, dropped, what)
    if note:
        notes.append(note)


def running_mean_weights(style: Style) -> str | None:
    """How the style's running mean weighs its steps, when the writer is known."""
    return style.running_mean_weights if style.running_mean else None


def finish_rows(source: str, options: ReadOptions, metric: str, cols: dict[str, np.ndarray],
                values: np.ndarray, notes: list[Note], unparsable: int = 0) -> LossSeries:
    """Hugging Face printed dicts: no step on the line; derive it or use the row number."""
    epochs = cols.get("epoch")
    has_epochs = epochs is not None and bool(np.isfinite(epochs).any())
    dropped = 0
    if has_epochs:
        keep, restarts, dropped = resolve_restarts(np.nan_to_num(epochs, nan=-1.0),
                                                   ties_distinct=True)
        add_restart_note(notes, restarts, dropped, "epoch")
        values, epochs = values[keep], epochs[keep]
    n = values.size
    spe = _steps_per_epoch_option(options)
    from_rows = False
    if options.log_every:
        steps = np.arange(1, n + 1, dtype=np.int64) * int(options.log_every)
        notes.append(Note(NoteCode.STEPS_FROM_LOG_EVERY,
                          {"log_every": options.log_every, "missing": "printed"}))
    elif spe and has_epochs:
        steps = np.rint(epochs * spe)  # float: a NaN or huge epoch is dropped by normalize
        notes.append(Note(NoteCode.STEPS_FROM_EPOCH, {"steps_per_epoch": spe}))
    else:
        steps = np.arange(1, n + 1, dtype=np.int64)
        from_rows = True
        notes.append(Note(NoteCode.STEPS_ARE_ROW_NUMBERS, {"missing": "printed"}))
    per_epoch = has_epochs and per_epoch_only(epochs, metric)
    if per_epoch:
        notes.append(PER_EPOCH_NOTE)
    return normalize(steps, values, metric=metric, source=source,
                     epochs=epochs if has_epochs else None, notes=notes,
                     step_from_row_index=from_rows, per_epoch=per_epoch,
                     unparsable=unparsable, superseded=dropped)


def finish_epoch_rows(source: str, style: Style, options: ReadOptions, metric: str,
                      epochs: np.ndarray, values: np.ndarray, notes: list[Note],
                      unparsable: int = 0) -> LossSeries:
    """Loss lines with an epoch and no step (`Epoch: 001, Loss: 1.94`, or under an `Epoch 3`
    header): numbered as rows, the epoch counted from 0 (-1, before any header: none)."""
    known = epochs >= 0
    base = _epoch_base(style, epochs[known]) if known.any() else 0
    e0 = np.where(known, epochs.astype(np.float64) - base, np.nan)
    return finish_rows(source, options, metric, {"epoch": e0}, values, notes, unparsable)


def finish_epoch_iter(source: str, style: Style, options: ReadOptions, metric: str,
                      cols: dict[str, np.ndarray], values: np.ndarray,
                      epochs: np.ndarray | None, notes: list[Note], unparsable: int = 0
                      ) -> LossSeries:
    """Epoch and within-epoch counter: global step = epoch x iterations per epoch + counter.

    Iterations per epoch come from the N of i/N, or --steps-per-epoch, or the largest
    counter seen per epoch. Without any epoch marker, each time the counter starts again is
    a new epoch. A counter that never goes back when the epoch changes is a global step.
    A samples counter becomes steps with --batch-size. A run restarted within the log (the
    epoch goes back) is resolved last-write-wins.
    """
    iters = cols["iter"]
    n = iters.size
    totals = cols["iters"] if "iters" in cols else np.full(n, -1, dtype=np.int64)
    gsteps = cols["step"] if "step" in cols else np.full(n, -1, dtype=np.int64)
    if epochs is None:
        starts = np.concatenate(([False], np.diff(iters) < 0)) if n else np.zeros(0, bool)
        e0 = np.cumsum(starts).astype(np.int64)
        if starts.any():
            notes.append(Note(NoteCode.EPOCHS_FROM_COUNTER_RESTARTS,
                              {"restarts": int(starts.sum())}))
    else:
        base = _epoch_base(style, epochs)
        if np.any(epochs < 0):  # lines before the first epoch header
            epochs = np.where(epochs < 0, base, epochs)
        e0 = epochs - base  # epochs counted from 0
    if style.counter_from_one and np.any(iters == 0):
        ok = iters > 0  # a bar redrawn at 0/N (a new epoch's bar showing stale values)
        e0, iters, totals, gsteps, values = e0[ok], iters[ok], totals[ok], gsteps[ok], values[ok]

    hint = None
    if np.any(totals > 0):
        vals, counts = np.unique(totals[totals > 0], return_counts=True)
        hint = int(vals[np.argmax(counts)])
        odd = (totals > 0) & (totals != hint)
        if odd.any():
            # Another total on the same kind of line: an evaluation progress bar (Keras
            # model.evaluate after fit) or another loader; not this training loop.
            notes.append(Note(NoteCode.OTHER_TOTAL_LINES_SKIPPED,
                              {"lines": int(odd.sum()), "total": hint}))
            ok = ~odd
            e0, iters, totals, gsteps, values = (e0[ok], iters[ok], totals[ok], gsteps[ok],
                                                 values[ok])

    use_global = bool(gsteps.size and np.all(gsteps >= 0))
    no_epochs = epochs is None and not np.any(np.diff(iters) < 0)
    if not use_global and no_epochs:
        gsteps, use_global, hint = iters, True, None  # one counter that never restarts
    elif not use_global and style.counter_may_be_global and _counter_is_global(e0, iters):
        gsteps, use_global, hint = iters, True, None
        notes.append(Note(NoteCode.COUNTER_IS_STEP))
    elif not use_global:
        iters, totals, hint = _samples_to_steps(style, options, iters, totals, hint, notes)

    # Restarts: order by (epoch, iteration), or by the global step where one is printed.
    span = float(max(iters.max(initial=0), totals.max(initial=0), 0)) + 1
    # float64: epoch x iterations can overflow int64 on hostile counters; normalize()
    # drops steps beyond 2^53, below which float64 is exact.
    keys = gsteps if use_global else e0.astype(np.float64) * span + iters
    keep, restarts, dropped = resolve_restarts(keys)
    add_restart_note(notes, restarts, dropped)
    # Progress-bar redraws of the same step (tqdm records joined by \r): the last is kept.
    redraw = np.zeros(keys.size, dtype=bool)
    if keys.size > 1:
        redraw[:-1] = (keys[1:] == keys[:-1]) & keep[1:]
    if redraw.any():
        keep &= ~redraw
        notes.append(Note(NoteCode.REDRAWS_COLLAPSED, {"redraws": int(redraw.sum())}))
    e0, iters, totals, gsteps, values = e0[keep], iters[keep], totals[keep], gsteps[keep], \
        values[keep]

    if use_global:
        steps = gsteps
        if "step" in cols:
            notes.append(Note(NoteCode.STEP_FROM_UPDATE_COUNTER))
    else:
        if hint is not None:
            spe = hint
        elif _steps_per_epoch_option(options):
            spe = hint = _steps_per_epoch_option(options)
        else:
            spe = infer_iters_per_epoch(e0, iters)
            notes.append(Note(NoteCode.ITERATIONS_PER_EPOCH_ASSUMED, {
                "steps_per_epoch": spe, "max_counter": int(iters.max(initial=0))}))
        steps = e0.astype(np.float64) * spe + iters
    per_epoch = per_epoch_only(None if no_epochs else e0, metric)
    if per_epoch:
        notes.append(PER_EPOCH_NOTE)
    series = normalize(steps, values, metric=metric, source=source,
                       epochs=None if no_epochs else e0, notes=notes, per_epoch=per_epoch,
                       running_mean=style.running_mean, steps_per_epoch_hint=hint,
                       running_mean_weights=running_mean_weights(style),
                       unparsable=unparsable, superseded=dropped)
    return with_gaps(series)


def _epoch_base(style: Style, epochs: np.ndarray) -> int:
    """What the log calls its first epoch: the style's, or 0 when an epoch 0 is printed."""
    if style.epoch_base is not None:
        return style.epoch_base
    return 0 if bool(np.any(epochs == 0)) else 1


def _counter_is_global(e0: np.ndarray, iters: np.ndarray) -> bool:
    """The counter never goes back when the epoch moves on (and the epoch does move on)."""
    if iters.size < 2:
        return False
    changes = np.flatnonzero(np.diff(e0) > 0)
    if changes.size == 0:
        return False
    return bool(np.all(iters[changes + 1] > iters[changes]))


def _samples_to_steps(style: Style, options: ReadOptions, iters: np.ndarray,
                      totals: np.ndarray, hint: int | None, notes: list[Note]
                      ) -> tuple[np.ndarray, np.ndarray, int | None]:
    """A counter of samples seen (MNIST's `[2560/60000 (4%)]`, Keras 2's `56448/60000`)
    becomes optimizer steps with --batch-size; without it the steps stay samples."""
    if style.samples == "never":
        return iters, totals, hint
    step_of = None
    if style.samples == "auto":
        vals = iters[(iters > 0) & (iters != totals)]
        if distinct(vals).size < 5:
            return iters, totals, hint
        step_of = int(np.gcd.reduce(vals))
        if step_of <= 1:
            return iters, totals, hint
    batch = getattr(options, "batch_size", None)
    if batch:
        iters = _short_batch_rows(iters, totals, batch)
        iters = -(-iters // batch)
        totals = np.where(totals > 0, -(-totals // batch), totals)
        hint = None if hint is None else -(-hint // batch)
        notes.append(Note(NoteCode.SAMPLES_TO_STEPS,
                          {"batch_size": batch, "steps_per_epoch": hint}))
        return iters, totals, hint
    implied = _batch_of_short_rows(iters, totals)
    if implied is not None:
        iters = _short_batch_rows(iters, totals, implied)
    notes.append(Note(NoteCode.SAMPLES_COUNTER, {"multiple_of": step_of}))
    return iters, totals, hint


def _short_batch_rows(iters: np.ndarray, totals: np.ndarray, batch: int) -> np.ndarray:
    """Samples counters with the final short batch's row put right.

    The PyTorch MNIST example prints `batch_idx * len(data)`: on the final batch of an
    epoch, r = N mod B samples long, that is (steps - 1) x r, not (steps - 1) x B, and read
    as samples it would put the final step back in the middle of the epoch (and drop the
    epoch as a restarted run). Such a row is given the samples of its batch index.
    """
    # rows below the row before them: the step went back (a restart, or this quirk)
    back = np.zeros(iters.size, dtype=bool)
    back[1:] = iters[1:] < iters[:-1]
    odd = back & (totals > 0)
    if not odd.any():
        return iters
    r = totals % batch
    last = -(-totals // batch) - 1  # the final batch's index
    fix = odd & (r > 0) & (iters == last * r)
    if not fix.any():
        return iters
    out = iters.copy()
    out[fix] = last[fix] * batch
    return out


def _batch_of_short_rows(iters: np.ndarray, totals: np.ndarray) -> int | None:
    """With no --batch-size, the one batch size B under which every row that is no
    multiple of the others' common step is a final short batch's `batch_idx * len(data)`
    and every other row a multiple of B; None when no single B fits."""
    regular_step = int(np.gcd.reduce(iters[iters > 0])) if np.any(iters > 0) else 0
    if regular_step <= 1 or totals.size == 0:
        return None
    full = int(np.max(totals))
    if full > 10_000_000:
        return None
    # rows that break the pattern of their neighbours: below the previous row of the epoch
    back = np.flatnonzero((np.diff(iters) < 0) & (iters[1:] > 0)) + 1
    if back.size == 0 or back.size > 1000:
        return None
    b = np.arange(2, full + 1, dtype=np.int64)
    fits = np.ones(b.size, dtype=bool)
    for i in back.tolist():
        n, v = int(totals[i]), int(iters[i])
        if n <= 0:
            return None
        last = -(-n // b) - 1
        fits &= (last * (n - last * b) == v) & (n % b != 0)
        if not fits.any():
            return None
    rest = np.setdiff1d(np.arange(iters.size), back)
    common = int(np.gcd.reduce(iters[rest][iters[rest] > 0])) if rest.size else 0
    fits &= (common % b == 0) if common else True
    found = b[fits]
    return int(found[0]) if found.size == 1 else None


def with_gaps(series: LossSeries) -> LossSeries:
    """The series with the stretches of steps its log does not cover, and a note."""
    gaps = find_gaps(series.steps)
    if not gaps:
        return series
    a, b = gaps[0]
    note = Note(NoteCode.LOG_GAPS, {"gaps": len(gaps), "first_from": a, "first_to": b})
    return replace(series, gaps=tuple(gaps), notes=series.notes + (note,))


def find_gaps(steps: np.ndarray) -> list[tuple[int, int]]:
    """(last step before, first step after) of each jump over twice the logging interval."""
    if steps.size < 3:
        return []
    d = np.diff(steps)
    pos = d if d.min() > 0 else d[d > 0]  # a series' steps rise: usually no copy
    if pos.size == 0:
        return []
    k = _most_common(pos)
    at = np.flatnonzero(d > 2 * k)
    return [(int(steps[i]), int(steps[i + 1])) for i in at]


def _most_common(x: np.ndarray) -> int:
    """The most frequent value (the smallest of equally frequent ones), as np.unique's
    counts give it, without sorting millions of gaps: one value, or a count per value
    when they span a small range."""
    lo, hi = int(x.min()), int(x.max())
    if lo == hi:
        return lo
    if hi - lo < 1 << 20:
        return lo + int(np.argmax(np.bincount(x - lo)))
    vals, counts = np.unique(x, return_counts=True)
    return int(vals[np.argmax(counts)])
