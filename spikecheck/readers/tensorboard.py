"""TensorBoard event files: one file, a run directory, or a log directory of many runs.

Reads scalars written as `simple_value` (PyTorch SummaryWriter, tensorboardX, TF1,
Lightning, Keras, YOLO, detectron2, Hugging Face) and TF2 tensor scalars (float, double
or half values, or `tensor_content`), with the values TensorBoard's EventAccumulator
shows: same points, same order, same purging of orphaned data after a restart
(SessionLog.START), float32 widened to float64. The bytes are decoded by tfrecord.py
with numpy, no protobuf, far faster than the accumulator.

Several event files in one directory are one run, read in write order (file-name
timestamp, then name); a later write wins on a step written twice (resumed runs). A
directory whose subdirectories hold event files is a log directory: one series per run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from spikecheck.frameworks import HF, KERAS
from spikecheck.nomask import median as np_median
from spikecheck.notes import Note, NoteCode
from spikecheck.readers.interface import InputSource, NoTrainingLoss, ReadError, ReadOptions
from spikecheck.readers.vocabulary import (
    EPOCH_NAMES,
    as_loss,
    is_loss_function_name,
    is_perplexity_name,
    is_training_loss_name,
    per_epoch_only,
    resolve_restarts,
)
from spikecheck.readers.walk import walk
from spikecheck.series import LossSeries, normalize

# Training-loss tags in order of preference: per-step first, then per-epoch ones.
STEP_LOSS_TAGS = (
    "train/loss", "Loss/train", "train_loss", "train_loss_step", "loss", "batch_loss",
    "train/loss_step", "train/total_loss", "total_loss", "training_loss", "Train/Loss",
    "loss/train", "Loss/Train", "train/batch_loss", "losses/total_loss", "train/loss_total",
    "train/lm_loss", "lm_loss",
)
EPOCH_LOSS_TAGS = (
    "train/box_loss", "epoch_loss", "train_loss_epoch", "train/loss_epoch",
    "train/epoch_loss", "Loss/train_epoch",
)
# YOLO (v5, v8) writes its training losses once per epoch with step = epoch.
YOLO_TRAIN_LOSSES = frozenset({
    "train/box_loss", "train/obj_loss", "train/cls_loss", "train/dfl_loss",
    "train/seg_loss", "train/pose_loss", "train/kobj_loss",
})
EPOCH_TAGS = EPOCH_NAMES
VALIDATION_RUN = re.compile(r"^(val|valid|validation|eval|evaluation|test|testing|dev)$", re.I)
SCALAR_PLUGINS = (None, "", "scalars")


# ----------------------------------------------------------------------------- files


def is_event_file_name(name: str) -> bool:
    """TensorBoard's own rule: an event file's basename contains 'tfevents'."""
    return "tfevents" in name


def _write_order(path: Path) -> tuple:
    """Sort key: the writer's timestamp in `events.out.tfevents.<time>.<host>...`, then name."""
    m = re.search(r"tfevents\.(\d+)", path.name)
    return (int(m.group(1)) if m else float("inf"), path.name)


def event_files(directory: Path) -> list[Path]:
    """The event files directly in `directory`, in write order."""
    return event_entries(directory)[0]


def event_entries(directory: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The event files directly in `directory` (in write order), and the entries named like
    event files that are no regular file, with what they are: a FIFO would block the read
    that opened it, so they are never opened, and the caller says they were skipped."""
    import stat

    try:
        entries = list(os.scandir(directory))
    except OSError as exc:
        raise ReadError(f"{directory}: {exc.strerror or exc}") from None
    files, odd = [], []
    for e in entries:
        if not is_event_file_name(e.name):
            continue
        if e.name.endswith(".tmp"):  # a writer's file before its rename
            odd.append((Path(e.path), "a temporary file (a write in progress?)"))
            continue
        try:
            mode = os.stat(e.path).st_mode
        except OSError as exc:
            odd.append((Path(e.path), "a dangling symbolic link" if os.path.islink(e.path)
                        else exc.strerror or str(exc)))
            continue
        if stat.S_ISREG(mode):
            files.append(Path(e.path))
        elif not stat.S_ISDIR(mode):  # a directory is walked, not read as a file
            odd.append((Path(e.path), _file_kind(mode)))
    return sorted(files, key=_write_order), sorted(odd)


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    import stat

    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def find_runs(root: Path, unreadable: list[str] | None = None) -> list[Path]:
    """Every directory under root (root included) that directly holds event files; each
    directory the walk could not open is added to `unreadable` (never dropped silently)."""
    runs = []

    def walk_error(exc: OSError) -> None:
        if unreadable is not None:
            unreadable.append(f"{exc.filename}: {exc.strerror or exc}")

    for dirpath, dirnames, filenames in walk(root, onerror=walk_error):
        dirnames.sort()
        if any(is_event_file_name(f) for f in filenames):
            runs.append(Path(dirpath))
    return runs


# ----------------------------------------------------------------------------- scanning


@dataclass
class RunData:
    """The scalars of one run (one file, or all event files of one directory)."""

    source: str
    points: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # every scalar tag
    notes: list[Note] = field(default_factory=list)
    purged: bool = False
    purged_points: dict[str, int] = field(default_factory=dict)  # per tag, by restarts
    unreadable_records: int = 0  # corrupted or undecodable records (of any tag)


# From this size the command line keeps freed memory for reuse (readers/memory.py): at 1M
# events fresh zeroed pages for every temporary cost about 15 ms of the read alone.
BIG_BYTES = 8 << 20


def _scan_one(name: str, source, want: Callable[[str], bool], record_info: bool = False):
    from spikecheck.readers import tfrecord

    if source.size == 0:
        raise ReadError(f"{name}: file is empty")
    if source.size >= BIG_BYTES:  # its windows, then the engine's arrays, reuse freed memory
        from spikecheck.readers import memory

        memory.reuse_freed_memory()
    scan = tfrecord.Scanner(source, want, record_info).run()
    issues = scan.issues
    if scan.n_records == 0:
        if issues.first_bad:
            raise ReadError(f"{name}: not a TensorBoard event file (no TFRecord framing)")
        raise ReadError(f"{name}: holds no complete event record (the file is cut short)")
    if scan.event_like == 0:
        raise ReadError(f"{name}: TFRecord data, but its records are not TensorBoard events")
    return scan


def _file_notes(label: str, scan) -> list[Note]:
    notes = []
    issues = scan.issues
    if scan.corrupt:
        notes.append(Note(NoteCode.CORRUPT_RECORDS, {"file": label, "records": scan.corrupt}))
    for off, n in issues.skipped:
        notes.append(Note(NoteCode.UNREADABLE_BYTES, {"file": label, "bytes": n, "offset": off}))
    if scan.undecodable:
        notes.append(Note(NoteCode.UNDECODABLE_RECORDS,
                          {"file": label, "records": scan.undecodable}))
    for off, n in issues.oversized[:3]:
        notes.append(Note(NoteCode.OVERSIZED_RECORD, {"file": label, "bytes": n, "offset": off}))
    if len(issues.oversized) > 3:
        notes.append(Note(NoteCode.MORE_OVERSIZED_RECORDS,
                          {"file": label, "records": len(issues.oversized) - 3}))
    if issues.gave_up:
        notes.append(Note(NoteCode.RESYNC_GAVE_UP, {"file": label}))
    if issues.truncated:
        off, n = issues.truncated
        notes.append(Note(NoteCode.LAST_RECORD_INCOMPLETE,
                          {"file": label, "bytes": n, "offset": off}))
    return notes


class _Opened:
    """A tfrecord.Source for a path or an InputSource, closed after use.

    Gzip and stdin content is read from a temporary file (InputSource.as_file: streamed,
    capped by --max-input-bytes), never held whole in memory.
    """

    def __init__(self, src: InputSource | None = None, path: Path | None = None,
                 limit: int | None = None):
        from spikecheck.readers import tfrecord

        if src is None:
            assert path is not None
            src = InputSource(path, str(path)) if limit is None else \
                InputSource(path, str(path), limit=limit)
        try:
            self.source = tfrecord.Source(file=src.as_file())
        except IsADirectoryError:
            raise ReadError(f"{src.name}: is a directory") from None

    def __enter__(self):
        return self.source

    def __exit__(self, *exc) -> None:
        self.source.close()


def scan_run(files: list[tuple[str, Callable[[], _Opened]]], source: str,
             want: Callable[[str], bool], strict: bool = True) -> RunData:
    """Decode the files of one run in write order into per-tag raw points (EA-identical).

    `files` holds (label, opener) pairs. With strict=False an unreadable file (empty, not
    an event file) is skipped with a note instead of failing the run.
    """
    run = RunData(source)
    scans = []
    labels = []
    errors = []
    for label, opener in files:
        try:
            with opener() as src:
                scans.append(_scan_one(label, src, want))
                labels.append(label)
        except (ReadError, OSError) as exc:
            if strict:
                raise
            errors.append(str(exc) if isinstance(exc, ReadError)
                          else f"{label}: {exc.strerror or exc}")
    if not scans:
        if not errors:  # named like event files, but devices, pipes or dangling links
            raise ReadError(f"{source}: no readable event file (none is a regular file)")
        raise ReadError(errors[0] if len(errors) == 1 else
                        f"{source}: no readable event file ({'; '.join(errors)})")
    run.notes += [Note(NoteCode.FILE_SKIPPED, {"error": e}) for e in errors]
    for label, scan in zip(labels, scans):
        run.notes += _file_notes(label, scan)
        run.unreadable_records += int(scan.corrupt) + int(scan.undecodable)

    bases = np.cumsum([0] + [s.n_records for s in scans])
    purges = _purge_events(scans, bases, files, labels, want)
    run.purged = bool(purges[0] or purges[1])

    # Which tensor tags are scalars: decided by the first metadata seen for the tag.
    plugin: dict[str, tuple[int, str]] = {}
    for scan, base in zip(scans, bases):
        for tag, (key, name) in scan.plugins.items():
            g = key + (int(base) << _ordinal_bits())
            if tag not in plugin or plugin[tag][0] > g:
                plugin[tag] = (g, name)
    scalar_keys: dict[str, list[tuple[str, str]]] = {}
    for scan in scans:
        for (tag, kind) in scan.counts:
            if kind == "tensor" and plugin.get(tag, (0, None))[1] not in SCALAR_PLUGINS:
                continue
            keys = scalar_keys.setdefault(tag, [])
            if (tag, kind) not in keys:
                keys.append((tag, kind))
    for tag, keys in scalar_keys.items():
        run.counts[tag] = sum(scan.counts.get(k, 0) for scan in scans for k in keys)
        if not want(tag):
            continue
        parts = []
        for scan, base in zip(scans, bases):
            for k in keys:
                gk, s, v = scan.tag_arrays(k, consume=True)
                if gk.size:
                    if base:
                        gk = gk + (int(base) << _ordinal_bits())
                    parts.append((gk, s, v))
        if not parts:
            continue
        multi = len(parts) > 1
        if multi:
            gk = np.concatenate([p[0] for p in parts])
            s = np.concatenate([p[1] for p in parts])
            v = np.concatenate([p[2] for p in parts])
        else:
            gk, s, v = parts[0]
        del parts
        if multi and not np.all(gk[1:] > gk[:-1]):
            order = np.argsort(gk, kind="stable")
            gk, s, v = gk[order], s[order], v[order]
        keep = _survivors(tag, gk, s, purges)
        if keep is not None:
            before = int(s.size)
            s, v = s[keep], v[keep]
            run.counts[tag] = int(s.size)
            if before > s.size:
                run.purged_points[tag] = before - int(s.size)
        run.points[tag] = (s, v)
    return run


def _ordinal_bits() -> int:
    from spikecheck.readers.tfrecord import ORDINAL_BITS

    return ORDINAL_BITS


def _purge_events(scans, bases, files, labels, want):
    """EventAccumulator's orphaned-data purges as (all-tag events, per-tag events).

    With file_version >= 2 (every modern writer) a SessionLog.START at step S drops the
    points of every tag written before it at steps >= S. Without it, an event whose step
    goes back drops the earlier points of its own tags at steps >= its step.
    """
    timeline = sorted((int(b) + rec, ver) for scan, b in zip(scans, bases)
                      for rec, ver in scan.versions)
    total = int(bases[-1])
    ooo_ranges = []  # global record ranges processed without file_version >= 2
    cur, start = None, 0
    for g, ver in [*timeline, (total, None)]:
        if g > start and (cur is None or cur < 2):
            ooo_ranges.append((start, g))
        cur, start = ver, g
    all_tags: list[tuple[int, int]] = []
    for scan, b in zip(scans, bases):
        for rec, steps in scan.starts:
            for r, st in zip(rec.tolist(), steps.tolist()):
                g = int(b) + r
                if not any(a <= g < z for a, z in ooo_ranges):
                    all_tags.append((g, st))
    per_tag: dict[str, list[tuple[int, int]]] = {}
    if ooo_ranges:
        per_tag = _out_of_order_purges(scans, bases, files, labels, want, ooo_ranges)
    return sorted(all_tags), per_tag


def _out_of_order_purges(scans, bases, files, labels, want, ranges):
    """The legacy rule, replayed record by record (only files without file_version)."""
    opener = dict(files)
    recs = []
    for scan, b, label in zip(scans, bases, labels):
        lo, hi = int(b), int(b) + scan.n_records
        if not any(a < hi and lo < z for a, z in ranges):
            continue
        with opener[label]() as src:
            full = _scan_one(label, src, want, record_info=True)
        for rec, steps, has_summary, tags in full.records or []:
            for r, st in zip(rec.tolist(), steps.tolist()):
                recs.append((lo + r, st, has_summary, tags))
    recs.sort(key=lambda x: x[0])
    per_tag: dict[str, list[tuple[int, int]]] = {}
    most_recent = -1
    for g, st, has_summary, tags in recs:
        if not any(a <= g < z for a, z in ranges):
            continue
        if st < most_recent and has_summary:
            for t in set(tags):
                per_tag.setdefault(t, []).append((g, st))
        else:
            most_recent = st
    return per_tag


def _survivors(tag: str, gk: np.ndarray, steps: np.ndarray, purges) -> np.ndarray | None:
    """Mask of the points no purge removed, or None when nothing applies to this tag."""
    events = purges[0] + purges[1].get(tag, [])
    if not events:
        return None
    events.sort()
    eg = np.array([e[0] for e in events], dtype=np.int64)
    es = np.array([e[1] for e in events], dtype=np.int64)
    suffix_min = np.minimum.accumulate(es[::-1])[::-1]
    suffix_min = np.append(suffix_min, np.iinfo(np.int64).max)
    rec = gk >> _ordinal_bits()
    after = np.searchsorted(eg, rec, side="right")  # purges written after each point
    return steps < suffix_min[after]


# ----------------------------------------------------------------------------- tags


def loss_rank(tag: str) -> tuple | None:
    """How good a training-loss tag this is (lower is better), or None for not one."""
    for rank, names in enumerate((STEP_LOSS_TAGS, EPOCH_LOSS_TAGS)):
        if tag in names:
            return (rank * 2, 0, names.index(tag))
        low = [n.lower() for n in names]
        if tag.lower() in low:
            return (rank * 2, 1, low.index(tag.lower()))
    t = tag.lower()
    if is_training_loss_name(tag):
        return (4, 0 if "train" in t else 1, len(tag), tag)
    if is_loss_function_name(tag):
        return (5, 0 if "train" in t else 1, len(tag), tag)  # train/mse: no tag says loss
    if is_perplexity_name(tag):
        return (6, 0, len(tag), tag)  # only without a loss tag: read as log(perplexity)
    return None


def choose_metric(tags: Iterable[str], requested: str | None = None) -> str | None:
    """The tag to analyse: the one asked for, else the best training-loss tag."""
    tags = list(tags)
    if requested is not None:
        return requested if requested in tags else None
    ranked = sorted((r, t) for t in tags if (r := loss_rank(t)) is not None)
    return ranked[0][1] if ranked else None


def _wanted(requested: str | None) -> Callable[[str], bool]:
    if requested is not None:
        return lambda tag: tag == requested or tag in EPOCH_TAGS
    return lambda tag: tag in EPOCH_TAGS or loss_rank(tag) is not None


def _tag_list(tags: Iterable[str], limit: int = 12) -> str:
    tags = sorted(tags)
    shown = ", ".join(tags[:limit])
    return shown + (f", … ({len(tags) - limit} more)" if len(tags) > limit else "")


# ----------------------------------------------------------------------------- series


def build_series(run: RunData, metric: str) -> LossSeries:
    """The LossSeries of one tag of a run: epochs joined on step, per-epoch flagged.

    A tag whose step repeats within an epoch (ultralytics writes every batch's running
    loss with the epoch as its step) is read in write order as points within the epoch.
    """
    steps, values = run.points[metric]
    notes = list(run.notes)
    superseded = run.purged_points.get(metric, 0)
    yolo = metric in YOLO_TRAIN_LOSSES
    if _steps_repeat(steps):
        return _repeated_step_series(run, metric, steps, values, notes, superseded)
    epochs = None
    epoch_tag = next((t for t in EPOCH_TAGS if t in run.points and t != metric), None)
    if epoch_tag is not None:
        es, ev = run.points[epoch_tag]
        if es.size:
            epochs = _join_on_step(steps, es, ev)
            if epochs is not None:
                notes.append(Note(NoteCode.EPOCHS_FROM_TAG, {"tag": epoch_tag}))
    per_epoch = per_epoch_only(epochs, metric, step_is_epoch=yolo, steps=steps)
    running_mean = False
    hint = None
    unique_steps = _distinct(steps)
    if metric.startswith("batch_"):
        running_mean = True
        notes.append(Note(NoteCode.KERAS_BATCH_RUNNING_MEAN, {"metric": metric}))
    if steps.size >= 2 * unique_steps and unique_steps > 0:
        notes.append(Note(NoteCode.VALUES_AT_FEW_STEPS,
                          {"values": steps.size, "steps": unique_steps}))
    if per_epoch:
        notes.append(Note(NoteCode.PER_EPOCH_TAG, {"metric": metric}))
    if epochs is not None:
        hint = _steps_per_epoch(steps, epochs)
    metric, values, ppl_note = as_loss(metric, values)
    if ppl_note:
        notes.append(ppl_note)
    return normalize(steps, values, metric=metric, source=run.source, epochs=epochs,
                     notes=notes, per_epoch=per_epoch, running_mean=running_mean,
                     steps_per_epoch_hint=hint, superseded=superseded,
                     unparsable=run.unreadable_records,
                     running_mean_weights="samples" if running_mean else None,
                     framework=_framework(metric, epoch_tag))


def _steps_repeat(steps: np.ndarray) -> bool:
    """Most steps written many times in a row: per-batch values stamped with the epoch."""
    if steps.size < 4:
        return False
    runs = np.count_nonzero(steps[1:] != steps[:-1]) + 1
    return steps.size >= 3 * runs


def _repeated_step_series(run: RunData, metric: str, steps: np.ndarray, values: np.ndarray,
                          notes: list[Note], superseded: int) -> LossSeries:
    """Points in write order within epochs: epoch = the repeated step, steps synthesized."""
    keep, restarts, dropped = resolve_restarts(steps, ties_distinct=True)
    if restarts:
        notes.append(Note(NoteCode.RESUMED_EPOCHS, {"restarts": restarts, "dropped": dropped}))
        steps, values = steps[keep], values[keep]
    epochs = steps.astype(np.float64)
    _, counts = np.unique(steps, return_counts=True)
    vals, freq = np.unique(counts, return_counts=True)
    modal = int(vals[np.argmax(freq)])
    hint = modal if freq.max() * 2 >= counts.size and modal > 1 else None
    notes.append(Note(NoteCode.STEP_IS_EPOCH,
                      {"values": steps.size, "steps": counts.size, "per_step": modal}))
    synthetic = np.arange(1, steps.size + 1, dtype=np.int64)
    metric, values, ppl_note = as_loss(metric, values)
    if ppl_note:
        notes.append(ppl_note)
    return normalize(synthetic, values, metric=metric, source=run.source, epochs=epochs,
                     notes=notes, steps_per_epoch_hint=hint,
                     superseded=superseded + dropped, unparsable=run.unreadable_records)


def _join_on_step(steps: np.ndarray, es: np.ndarray, ev: np.ndarray) -> np.ndarray | None:
    """The epoch written at each loss step (last write wins), NaN where none was."""
    if es.size == steps.size and np.array_equal(es, steps) and _increasing(es):
        return ev.copy()  # written beside the loss at every step, the common case
    if not _increasing(es):
        order = np.argsort(es, kind="stable")
        es, ev = es[order], ev[order]
        last = np.ones(es.size, dtype=bool)
        last[:-1] = es[1:] != es[:-1]
        es, ev = es[last], ev[last]
    i = np.clip(np.searchsorted(es, steps), 0, es.size - 1)
    hit = es[i] == steps
    if not hit.any():
        return None
    return np.where(hit, ev[i], np.nan)


def _increasing(x: np.ndarray) -> bool:
    return x.size < 2 or bool(np.all(x[1:] > x[:-1]))


def _distinct(steps: np.ndarray) -> int:
    """How many distinct steps (cheap when they only increase, as they usually do)."""
    if _increasing(steps):
        return int(steps.size)
    s = np.sort(steps)
    return int(np.count_nonzero(s[1:] != s[:-1])) + 1


def _framework(metric: str, epoch_tag: str | None) -> str | None:
    """Who wrote the run, when its tag names say: Keras' callback writes batch_/epoch_
    tags, the Hugging Face Trainer train/loss beside train/epoch."""
    if metric.startswith(("batch_", "epoch_")):
        return KERAS
    if metric.startswith("train/") and epoch_tag == "train/epoch":
        return HF
    return None


def _steps_per_epoch(steps: np.ndarray, epochs: np.ndarray) -> int | None:
    """Steps per epoch when epochs are fractional (HF Trainer: epoch = step / N)."""
    ok = np.isfinite(epochs) & (epochs > 0.05)
    if ok.sum() < 3 or np.all(epochs[ok] == np.round(epochs[ok])):
        return None
    ratio = steps[ok] / epochs[ok]
    med = float(np_median(ratio))
    if med >= 1 and float(np.max(np.abs(ratio - med))) <= 0.01 * med:
        return int(round(med))
    return None


# ----------------------------------------------------------------------------- reader


class TensorBoardReader:
    """TensorBoard event files (a file, a run directory, or a log directory of runs)."""

    name = "tensorboard"

    def sniff(self, src: InputSource) -> int:
        """100 for TFRecord framing whose length CRC checks out; the name alone is not enough.

        Only the checksum module is imported here (frames.looks_like_tfrecord's check): the
        decoder (tfrecord, 30 ms of imports) waits until an event file is read."""
        from spikecheck.readers.tfevents.crc32c import masked_crc32c

        head = src.head(4096)
        if len(head) >= 12 and masked_crc32c(head[:8]) == int.from_bytes(head[8:12], "little"):
            return 100
        return 0

    # -- one file

    def read(self, src: InputSource, options: ReadOptions) -> list[LossSeries]:
        """The chosen scalar of one event file."""
        run = scan_run([(src.name, lambda: _Opened(src))], src.name, _wanted(options.metric))
        if src.path is not None and is_event_file_name(src.path.name):
            siblings = len(event_files(src.path.parent)) if src.path.parent.is_dir() else 0
            if siblings > 1:  # a resumed run: the other files hold the rest of it
                run.notes.append(Note(NoteCode.ONE_OF_SEVERAL_EVENT_FILES,
                                      {"files": siblings, "directory": str(src.path.parent)}))
        return [self._series(run, options.metric, src.name)]

    def list_metrics(self, src: InputSource, options: ReadOptions) -> list[tuple[str, int]]:
        """Every scalar tag of one event file with its point count."""
        run = self._counted([(src.name, lambda: _Opened(src))], src.name)
        return sorted(run.counts.items())

    # -- directories

    def read_directory(self, path: Path, options: ReadOptions) -> list[LossSeries]:
        """One series per run directory under `path` (a run directory is one run)."""
        errors: list[str] = []  # runs and directories that could not be read: in a note
        runs = self._runs(path, errors)
        out: list[tuple[Path, LossSeries]] = []
        multi = len(runs) > 1 or bool(errors)
        requested, run_filter = self._metric_for(options.metric, path, runs)
        for rd in runs:
            if run_filter is not None and rd != run_filter:
                continue
            try:
                run = scan_run(self._files(rd, options.max_input_bytes), str(rd),
                               _wanted(requested), strict=False)
                if multi and choose_metric(run.counts, requested) is None:
                    continue
                out.append((rd, self._series(run, requested, str(rd))))
            except ReadError as exc:
                if not multi:
                    raise
                errors.append(str(exc))
        if run_filter is None and len(out) > 1:  # Keras' validation/, add_scalars' val/
            train = [(rd, s) for rd, s in out if not VALIDATION_RUN.match(rd.name)]
            if train and len(train) < len(out):
                skipped = [str(rd) for rd, _ in out if VALIDATION_RUN.match(rd.name)]
                note = Note(NoteCode.VALIDATION_RUNS_SKIPPED, {"runs": skipped})
                out = [(rd, _with_note(s, note)) for rd, s in train]
        if not out:
            if errors:
                raise ReadError(f"{path}: no run could be read ({errors[0]})")
            what = f"tag {options.metric!r}" if options.metric else "training-loss tag"
            raise ReadError(f"{path}: no run has a {what} (list them with --list)")
        if errors:
            note = Note(NoteCode.RUNS_UNREADABLE,
                        {"count": len(errors), "path": str(path), "errors": errors[:3]})
            out = [(rd, _with_note(s, note)) for rd, s in out]
        return [s for _, s in out]

    def list_directory(self, path: Path, options: ReadOptions,
                       unreadable: list[str] | None = None) -> list[tuple[str, int]]:
        """Scalar tags with point counts; in a log directory prefixed by the run ('run: tag').

        A run or directory of a log directory that cannot be read is added to `unreadable`
        (the caller says so) instead of vanishing from the list."""
        runs = self._runs(path, unreadable)
        found: list[tuple[str, int]] = []
        for rd in runs:
            try:
                run = self._counted(self._files(rd, options.max_input_bytes), str(rd),
                                    strict=False)
            except ReadError as exc:
                if len(runs) == 1:
                    raise
                if unreadable is not None:
                    unreadable.append(str(exc))
                continue
            if len(runs) == 1:
                return sorted(run.counts.items())
            rel = rd.relative_to(path).as_posix() if rd != path else "."
            found += [(f"{rel}: {t}", n) for t, n in sorted(run.counts.items())]
        return found

    # -- helpers

    @staticmethod
    def _runs(path: Path, unreadable: list[str] | None = None) -> list[Path]:
        walk_errors: list[str] = []
        runs = find_runs(path, walk_errors)
        if not runs:
            why = f" (not readable: {'; '.join(walk_errors[:3])})" if walk_errors else ""
            raise ReadError(f"{path}: no TensorBoard event files (events.out.tfevents.*) "
                            f"in this directory or below{why}")
        if unreadable is not None:
            unreadable += walk_errors
        return runs

    @staticmethod
    def _files(rd: Path, limit: int | None = None) -> list[tuple[str, Callable[[], _Opened]]]:
        """Each event file of a run directory with its opener; an entry named like one that
        is no regular file (a FIFO, a socket, a dangling link) is an opener that fails
        without opening it, so the run says it was skipped (never a silent drop)."""
        files, odd = event_entries(rd)
        return [(str(f) if len(files) == 1 else f.name,
                 (lambda f=f: _Opened(path=f, limit=limit))) for f in files] + \
            [(str(f), (lambda f=f, what=what: _not_opened(f, what))) for f, what in odd]

    @staticmethod
    def _metric_for(metric: str | None, path: Path, runs: list[Path]
                    ) -> tuple[str | None, Path | None]:
        """--metric as 'tag', or 'run: tag' as --list prints it for a log directory."""
        if metric is None or ": " not in metric or len(runs) < 2:
            return metric, None
        rel, tag = metric.split(": ", 1)
        for rd in runs:
            if (rd.relative_to(path).as_posix() if rd != path else ".") == rel:
                return tag, rd
        return metric, None

    @staticmethod
    def _counted(files, source: str, strict: bool = True) -> RunData:
        """Counts of every scalar tag (decoding values only when a purge changes counts)."""
        run = scan_run(files, source, lambda tag: False, strict=strict)
        if run.purged:
            run = scan_run(files, source, lambda tag: True, strict=strict)
        return run

    @staticmethod
    def _series(run: RunData, requested: str | None, name: str) -> LossSeries:
        metric = choose_metric(run.counts, requested)
        if metric is None:
            if requested is not None:
                raise ReadError(f"{name}: no scalar tag {requested!r} (tags: "
                                f"{_tag_list(run.counts) or 'none'})")
            if not run.counts:
                raise NoTrainingLoss(f"{name}: no scalar data in the event file(s)")
            raise NoTrainingLoss(f"{name}: no training-loss tag found (tags: "
                            f"{_tag_list(run.counts)}); choose one with --metric")
        if metric not in run.points:
            raise ReadError(f"{name}: tag {metric!r} has no readable points")
        return build_series(run, metric)


def _not_opened(path: Path, what: str) -> _Opened:
    raise ReadError(f"{path}: {what}, not opened")


def _with_note(series: LossSeries, note: Note) -> LossSeries:
    from dataclasses import replace

    return replace(series, notes=(*series.notes, note))
