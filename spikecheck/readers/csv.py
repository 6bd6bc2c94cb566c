"""CSV logs: Lightning CSVLogger, TensorBoard and W&B exports, YOLO results, hand-written.

The header decides which columns are read; only those columns are parsed (pyarrow), so a
wide file costs little more than its step and loss columns.
"""

from __future__ import annotations

import codecs
import csv as pycsv
import io
import re
from dataclasses import dataclass

import numpy as np

from spikecheck.frameworks import KERAS, LIGHTNING
from spikecheck.notes import Note, NoteCode
from spikecheck.readers import memory
from spikecheck.readers.interface import (
    WIDE_BOMS,
    InputSource,
    NoTrainingLoss,
    ReadError,
    ReadOptions,
    sniff_encoding,
)
from spikecheck.readers.vocabulary import (
    EPOCH_NAMES,
    LOSS_NAMES,
    STEP_NAMES,
    as_loss,
    is_loss_function_name,
    is_perplexity_name,
    is_training_loss_name,
    per_epoch_only,
    resolve_restarts,
    restart_note,
)
from spikecheck.series import LossSeries, normalize

DELIMITERS = (",", "\t", ";")
WANDB_SUFFIX = re.compile(r"^(?P<run>.+?) - (?P<metric>.+)$")
# A "header" cell holding `key: 1.5` or `key=1.5` is a printed log line, not a header.
KV_CELL = re.compile(r"(?<![\w/.])[A-Za-z_][\w/.]{0,100}[\"']?\s{0,5}[:=]\s{0,5}[-+]?[0-9]")
# A "header" cell like `Epoch 3` or `Train Epoch: 1 [0/60000 (0%)]`: words then a number.
LOG_CELL = re.compile(r"^\s{0,20}[A-Za-z][A-Za-z_ ]{0,40}[ \t:#\[]{1,5}[-+]?[0-9]")
# 1,234.5 (thousands grouped with commas), and 1 234,5 / 1.234,5 are not attempted.
THOUSANDS = re.compile(r"(?<![0-9,])[-+]?[0-9]{1,3}(?:,[0-9]{3}){1,10}(?:\.[0-9]{0,30})?"
                       r"(?:[eE][-+]?[0-9]{1,4})?")
DECIMAL_COMMA = re.compile(r"(?<![0-9])[-+]?[0-9]{1,30},[0-9]{1,30}(?:[eE][-+]?[0-9]{1,4})?")
TENSOR_CELL = re.compile(r"tensor\(\s{0,5}([^,)\s]{1,50})")


@dataclass(frozen=True)
class CsvLayout:
    """The delimiter and header of a CSV log, and which columns hold what.

    Columns are named by their position (0-based) inside the reader: a header may repeat
    a name, and each column is still its own.
    """

    delimiter: str
    raw_header: list[str]
    header: list[str]  # stripped
    consistent: bool = True  # the first rows have as many fields as the header
    encoding: str = "utf-8"

    def find(self, names: tuple[str, ...]) -> int | None:
        """The first column whose name is one of `names` (in their order), any case."""
        lower: dict[str, int] = {}
        for i, h in enumerate(self.header):
            lower.setdefault(h.lower(), i)
        for name in names:
            if name in lower:
                return lower[name]
        return None

    def stripped(self, col: int) -> str:
        return self.header[col]

    def unique_names(self) -> list[str]:
        """Each column's name, a repeated one suffixed .1, .2 as pandas.read_csv names them
        (the names --list shows and --metric / --step-column take)."""
        taken = set(self.header)
        seen: dict[str, int] = {}
        out = []
        for h in self.header:
            k = seen.get(h, 0)
            seen[h] = k + 1
            name = h
            while k and name in taken:
                name = f"{h}.{k}"
                k += 1
            if name != h:
                taken.add(name)
            out.append(name)
        return out

    def same_name(self, col: int) -> list[int]:
        """Every column named as `col` is, up to case and surrounding spaces (col first)."""
        name = self.header[col].lower()
        return [col] + [i for i, h in enumerate(self.header) if i != col and h.lower() == name]


def sniff_layout(head: bytes, cut: bool | None = None) -> CsvLayout | None:
    """Delimiter and header from the first lines, or None when this is not a table.

    When no delimiter splits the first rows consistently but the header names a step or
    loss column (rows written with mixed delimiters), the header's delimiter is kept and
    the layout is marked inconsistent: rows that do not fit are skipped and counted.
    `cut`: the head's last line may be cut (by default: a head of 256 KB or more).
    """
    encoding = sniff_encoding(head[:4096])
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if (len(head) >= 256 * 1024 if cut is None else cut) and lines:
        lines = lines[:-1]  # the last line of the head may be cut
    if not lines:
        return None
    best = None
    for delim in DELIMITERS:
        counts = [_split(ln, delim) for ln in lines[:20]]
        widths = [len(c) for c in counts]
        if widths[0] < 2:
            continue
        consistent = sum(w == widths[0] for w in widths) / len(widths)
        if consistent < 0.8:
            continue
        score = widths[0] * consistent
        if best is None or score > best[0]:
            best = (score, delim, counts[0])
    fits = True
    if best is None:
        for delim in DELIMITERS:
            raw = _split(lines[0], delim)
            names = [h.strip().strip('"').strip().lower() for h in raw]
            if len(raw) >= 2 and any(n in STEP_NAMES + LOSS_NAMES for n in names):
                best, fits = (0, delim, raw), False
                break
    if best is None and _one_loss_column(lines):
        best = (0, ",", [lines[0]])  # `loss` then a number a line (np.savetxt, a print)
    if best is None:
        return None
    raw = best[2]
    return CsvLayout(best[1], raw, [h.strip().strip('"').strip() for h in raw], fits,
                     "utf-8" if encoding == "utf-8-sig" else encoding)


def _one_loss_column(lines: list[str]) -> bool:
    """A header naming a loss over rows that are each one number: a one-column table."""
    name = lines[0].strip().strip('"').strip()
    rows = lines[1:21]
    return bool(rows) and (name.lower() in LOSS_NAMES or is_training_loss_name(name)) and \
        sum(_is_number(ln) for ln in rows) >= 0.8 * len(rows)


def _head_layout(src: InputSource, n: int) -> CsvLayout | bool | None:
    """The layout from the first n bytes, or from the whole first line when they hold no
    line end (a header of 100 000 columns is longer than any head); False when that line
    is longer than _CompleteLines.HOLD."""
    head = src.head(n)
    first = _long_first_line(src, head, n)
    if first is None:
        return sniff_layout(head, cut=len(head) >= n)
    if first is False:
        return False
    return sniff_layout(first, cut=False)


def _long_first_line(src: InputSource, head: bytes, n: int) -> bytes | bool | None:
    """None when the first n bytes hold a line end or are the whole file; else the whole
    first line in the file's encoding (read up to _CompleteLines.HOLD), or False when it
    is longer than that."""
    encoding = sniff_encoding(head[:4096])
    text = head.decode(encoding, errors="replace")
    if len(head) < n or "\n" in text or "\r" in text:
        return None
    with src.open() as f:
        data = f.read(_CompleteLines.HOLD + 1)
    text = data.decode(encoding, errors="replace")
    ends = [i for i in (text.find("\n"), text.find("\r")) if i >= 0]
    if not ends:
        return False if len(data) > _CompleteLines.HOLD else data
    return text[:min(ends) + 1].encode(encoding)


def _split(line: str, delim: str) -> list[str]:
    try:
        return next(pycsv.reader([line], delimiter=delim))
    except StopIteration:
        return []
    except pycsv.Error:
        if len(line) <= pycsv.field_size_limit():
            return []
        # a field over the csv module's limit (a 1 MB column name): split plainly
        return [f.strip('"') for f in line.split(delim)] if '"' not in line else []


def _is_number(cell: str) -> bool:
    try:
        float(cell.strip().strip('"'))
        return True
    except ValueError:
        return False


class CsvReader:
    """Reads step/loss (and epoch) columns out of a delimited table with a header row."""

    name = "csv"

    def sniff(self, src: InputSource) -> int:
        head = src.head(64 * 1024)
        if b"\x00" in head[:4096] and not head.startswith(WIDE_BOMS):
            return 0
        layout = _head_layout(src, 64 * 1024)
        if layout is False:  # a named table whose first line is too long: _layout says so
            return 5 if src.name.lower().removesuffix(".gz").endswith((".csv", ".tsv")) else 0
        if not isinstance(layout, CsvLayout):
            return 0
        if not layout.consistent:
            return 15  # a table header over rows that do not fit it: beats "any text"
        if any(_is_number(h) for h in layout.header if h):
            return 10  # no header row: a headerless table, read as a last resort
        known = layout.find(STEP_NAMES + LOSS_NAMES + EPOCH_NAMES + ("value",)) is not None
        if not known and any(KV_CELL.search(h) or LOG_CELL.search(h) for h in layout.header):
            # `lr: 0.01, loss: 2.3` or `Epoch 3, Batch 40` lines split at commas or tabs:
            # a text log, not a table (the text reader explains it or says what it found).
            return 0
        if known or any(WANDB_SUFFIX.match(h) for h in layout.header):
            return 80
        return 40 if any("loss" in h.lower() for h in layout.header) else 20

    def _layout(self, src: InputSource) -> CsvLayout:
        head = src.head(256 * 1024)
        if not head.strip():
            raise ReadError(f"{src.name}: file is empty")
        layout = _head_layout(src, 256 * 1024)
        if layout is False:
            raise ReadError(f"{src.name}: its first line is longer than "
                            f"{_CompleteLines.HOLD >> 20} MB: not a table header")
        if not isinstance(layout, CsvLayout):
            raise ReadError(f"{src.name}: not a delimited table (tried comma, tab, semicolon)")
        return layout

    def list_metrics(self, src: InputSource, options: ReadOptions) -> list[tuple[str, int]]:
        layout = self._layout(src)
        table, _ = _read_columns(src, layout, list(range(len(layout.header))))
        out = []
        for col, name in enumerate(layout.unique_names()):
            n = _numbers_in(table.pop(col))
            if n:
                out.append((name, n))
        return out

    def read(self, src: InputSource, options: ReadOptions) -> list[LossSeries]:
        layout = self._layout(src)
        notes: list[Note] = []
        step_col = self._step_column(layout, options, src)
        epoch_col = layout.find(EPOCH_NAMES)
        loss_cols = self._loss_columns(layout, options, src, step_col, epoch_col, notes)
        chosen = [c for c in dict.fromkeys([step_col, epoch_col, *loss_cols]) if c is not None]
        # A chosen column's namesakes (a header that repeats `loss`) are read to compare.
        twins = {c: layout.same_name(c)[1:] for c in chosen if len(loss_cols) == 1 or
                 c not in loss_cols}
        wanted = list(dict.fromkeys(chosen + [t for ts in twins.values() for t in ts]))
        table, stats = _read_columns(src, layout, wanted)
        n_rows = len(table[wanted[0]]) if wanted else 0
        # Each column becomes numpy and its arrow memory is let go at once: at 10M rows
        # the arrow table and the numpy columns are never all held together.
        parsed_cols: dict[int, _Parsed] = {}
        present_cols: dict[int, np.ndarray] = {}
        for c in wanted:
            col = table.pop(c)
            parsed_cols[c] = _to_float(col)
            if c in loss_cols:
                present_cols[c] = _present(col)
            del col
            memory.release()  # the column's arrow buffers, before the next is converted
        for c, others in twins.items():
            if others:
                notes.append(_namesakes_note(layout, c, others, parsed_cols, src, options,
                                             step=c == step_col, loss=c in loss_cols))
        notes.extend(stats.notes(layout))
        if n_rows == 0:
            if stats.skipped or stats.cut_line:
                raise ReadError(f"{src.name}: no readable data rows ({'; '.join(map(str, notes))})")
            raise ReadError(f"{src.name}: header only, no data rows")
        if stats.skipped > n_rows:
            raise ReadError(
                f"{src.name}: most rows ({stats.skipped} of {stats.skipped + n_rows}) do not "
                f"have the header's {len(layout.header)} fields separated by "
                f"{_delim_name(layout.delimiter)} (mixed delimiters?); first: "
                f"{stats.example!r}"
            )

        epochs = parsed_cols[epoch_col].values if epoch_col is not None else None
        whole_epochs = False
        if step_col is None:
            # One row per epoch (Keras CSVLogger, YOLO results.csv): read, and flagged, so the
            # engine says the log cannot place a spike inside an epoch (inconclusive).
            whole_epochs = epochs is not None and per_epoch_only(epochs)
            steps = np.arange(n_rows, dtype=np.float64)
            if whole_epochs:
                pass
            elif options.log_every:
                # a row every k optimizer steps: rows k, 2k, ... (steps done, as loggers stamp)
                steps = (steps + 1) * float(options.log_every)
                notes.append(Note(NoteCode.STEPS_FROM_LOG_EVERY,
                                  {"log_every": options.log_every, "missing": "column"}))
            else:
                notes.append(Note(NoteCode.STEPS_ARE_ROW_NUMBERS, {"missing": "column"}))
        else:
            parsed_steps = parsed_cols[step_col]
            steps = parsed_steps.values

        series = []
        for col in loss_cols:
            parsed = parsed_cols[col]
            values = parsed.values
            present = present_cols[col].copy()
            no_step = np.zeros(n_rows, dtype=bool)
            if step_col is not None:
                no_step = present & np.isnan(steps)
                present &= ~np.isnan(steps)
            if not present.any():
                continue
            metric = layout.unique_names()[col]
            if parsed.bad and np.isnan(values[present]).all() and \
                    parsed.bad >= np.count_nonzero(present):
                if len(loss_cols) == 1:
                    raise ReadError(f"{src.name}: column {metric!r} holds no numbers "
                                    f"(e.g. {parsed.example!r})")
                notes.append(Note(NoteCode.COLUMN_NOT_NUMERIC,
                                  {"metric": metric, "example": parsed.example}))
                continue
            m = WANDB_SUFFIX.match(metric)
            source = src.name
            if m and len(loss_cols) > 1:
                source = f"{src.name} [{m.group('run')}]"
            col_notes = list(notes)
            empty = int(n_rows - np.count_nonzero(present) - np.count_nonzero(no_step))
            if empty:
                col_notes.append(Note(NoteCode.ROWS_WITHOUT_VALUE,
                                      {"rows": empty, "metric": metric}))
            if no_step.any():
                col_notes.append(Note(NoteCode.ROWS_WITHOUT_STEP, {
                    "rows": int(no_step.sum()), "metric": metric,
                    "step_column": layout.stripped(step_col),
                    "example": parsed_steps.example if parsed_steps.bad else None}))
            if parsed.bad:
                present &= ~parsed.bad_mask
                col_notes.append(Note(NoteCode.CELLS_NOT_NUMBERS, {
                    "cells": parsed.bad, "metric": metric, "example": parsed.example}))
            if parsed.thousands:
                col_notes.append(Note(NoteCode.THOUSANDS_SEPARATORS,
                                      {"values": parsed.thousands, "metric": metric}))
            if parsed.decimal_comma:
                col_notes.append(Note(NoteCode.DECIMAL_COMMA, {"metric": metric}))
            everywhere = bool(present.all())  # then no copies: 80 MB each at 10M rows
            ep = (epochs if everywhere else epochs[present]) if epochs is not None else None
            if ep is not None and np.isnan(ep).all():
                ep = None
            s_col, v_col = (steps, values) if everywhere else (steps[present], values[present])
            superseded = 0
            if step_col is not None:
                keep, restarts, superseded = resolve_restarts(s_col)
                note = restart_note(restarts, superseded)
                if note:
                    col_notes.append(note)
                if not (isinstance(keep, np.ndarray) and keep.dtype == bool and keep.all()):
                    s_col, v_col = s_col[keep], v_col[keep]
                    ep = None if ep is None else ep[keep]
            unparsable = stats.skipped + stats.long_lines + (stats.cut_line is not None) + \
                parsed.bad + int(no_step.sum())
            metric, v_col, ppl_note = as_loss(metric, v_col)
            if ppl_note:
                col_notes.append(ppl_note)
            series.append(normalize(
                s_col, v_col, metric=metric, source=source, epochs=ep,
                notes=tuple(col_notes), step_from_row_index=step_col is None,
                per_epoch=whole_epochs or per_epoch_only(ep, metric), unparsable=unparsable,
                superseded=superseded, framework=_framework(layout.header, step_col),
            ))
        if not series:
            raise ReadError(f"{src.name}: the loss column has no numeric values")
        memory.release()  # the read's temporaries, before the analysis allocates its own
        return series

    def _step_column(self, layout: CsvLayout, options: ReadOptions, src: InputSource
                     ) -> int | None:
        if options.step_column:
            col = _match_column(layout, options.step_column)
            if col is None:
                raise ReadError(
                    f"{src.name}: no column {options.step_column!r} "
                    f"(columns: {', '.join(layout.header)})"
                )
            return col
        return layout.find(STEP_NAMES)

    def _loss_columns(self, layout: CsvLayout, options: ReadOptions, src: InputSource,
                      step_col: int | None, epoch_col: int | None, notes: list[Note]
                      ) -> list[int]:
        if options.metric:
            col = _match_column(layout, options.metric)
            if col is None:
                # W&B exports name columns "<run> - <metric>": --metric train/loss picks all runs.
                cols = [i for i, h in enumerate(layout.header)
                        if (m := WANDB_SUFFIX.match(h)) and m.group("metric") == options.metric]
                if cols:
                    return cols
                raise ReadError(
                    f"{src.name}: no column {options.metric!r} "
                    f"(columns: {', '.join(layout.header)})"
                )
            return [col]
        col = layout.find(LOSS_NAMES)
        if col is not None:
            return [col]
        # TensorBoard's "download CSV": Wall time, Step, Value.
        value = layout.find(("value",))
        if step_col is not None and value is not None:
            return [value]
        wandb = [i for i, h in enumerate(layout.header)
                 if (m := WANDB_SUFFIX.match(h)) and not h.endswith(("__MIN", "__MAX"))
                 and is_training_loss_name(m.group("metric"))]
        if wandb:
            return wandb
        lossy = [i for i, h in enumerate(layout.header)
                 if is_training_loss_name(h) and i not in (step_col, epoch_col)]
        if lossy:
            others = [c for c in lossy[1:] if c not in layout.same_name(lossy[0])]
            if others:
                names = layout.unique_names()
                notes.append(Note(NoteCode.OTHER_LOSS_COLUMNS,
                                  {"columns": [names[c] for c in others]}))
            return [lossy[0]]
        named = [i for i, h in enumerate(layout.header)
                 if is_loss_function_name(h) and i not in (step_col, epoch_col)]
        if named:
            return [named[0]]  # train_mse: the loss named for its function
        ppl = [i for i, h in enumerate(layout.header)
               if is_perplexity_name(h) and i not in (step_col, epoch_col)]
        if ppl:
            return [ppl[0]]  # read as log(perplexity)
        if epoch_col is not None and step_col is None:
            raise NoTrainingLoss(
                f"{src.name}: one row per epoch and no training-loss column found "
                f"(columns: {', '.join(layout.header)}); pass --metric NAME"
            )
        raise NoTrainingLoss(
            f"{src.name}: no loss column found (columns: {', '.join(layout.header)}); "
            "pass --metric NAME"
        )


def _match_column(layout: CsvLayout, name: str) -> int | None:
    """The column an option names: by its name (the first of namesakes), any case, or by
    the pandas-style name of a repeated one (`loss.1`: the second column named loss)."""
    for i, h in enumerate(layout.header):
        if h == name:
            return i
    for i, h in enumerate(layout.header):
        if h.lower() == name.lower():
            return i
    for i, h in enumerate(layout.unique_names()):
        if h == name:
            return i
    # the same letters composed otherwise (ö as one code point or o + combining
    # diaeresis: a name typed on macOS against a header written on Linux) are the same name
    import unicodedata

    nfc = unicodedata.normalize("NFC", name).lower()
    for i, h in enumerate(layout.header):
        if unicodedata.normalize("NFC", h).lower() == nfc:
            return i
    return None


def _namesakes_note(layout: CsvLayout, col: int, others: list[int],
                    parsed: dict[int, _Parsed], src: InputSource, options: ReadOptions,
                    step: bool, loss: bool) -> Note:
    """Columns named alike (`loss` twice, or `loss` and `Loss`): the first one chosen is
    read and a note says so; when they hold other numbers and the user named none of them
    (--metric, --step-column), which one is meant cannot be guessed: exit 2."""
    names = layout.unique_names()
    first = parsed[col].values
    differ = 0
    for c in others:
        other = parsed[c].values
        same = (first == other) | (np.isnan(first) & np.isnan(other))
        differ = max(differ, int(first.size - np.count_nonzero(same)))
    option = "--step-column" if step else "--metric" if loss else None
    chosen_by_user = (step and options.step_column) or (loss and options.metric)
    if differ and option and not chosen_by_user:
        choices = " or ".join(f"{option} {_quoted(names[c])} (column {c + 1})"
                              for c in (col, *others))
        raise ReadError(
            f"{src.name}: {len(others) + 1} columns are named {layout.header[col]!r} and "
            f"hold different values ({differ} of {first.size} rows): which one to read "
            f"cannot be guessed; pass {choices}")
    return Note(NoteCode.NAMESAKE_COLUMNS, {
        "name": layout.header[col], "read": names[col],
        "columns": [c + 1 for c in (col, *others)], "rows_differing": differ,
        "others": [names[c] for c in others]})


def _quoted(name: str) -> str:
    """A column name as a shell argument."""
    import shlex

    return shlex.quote(name)


class _ReadStats:
    """What reading the table left out: rows that did not fit, a final cut line."""

    def __init__(self) -> None:
        self.skipped = 0
        self.example = ""
        self.cut_line: str | None = None
        self.long_lines = 0  # lines over _CompleteLines.HOLD, dropped before pyarrow

    def skip(self, row) -> str:
        """pyarrow's invalid-row handler: skip the row, count it, keep the first one."""
        self.skipped += 1
        if not self.example:
            self.example = _short(row.text)
        return "skip"

    def notes(self, layout: CsvLayout) -> list[Note]:
        out = []
        if self.skipped:
            out.append(Note(NoteCode.ROWS_WRONG_FIELD_COUNT, {
                "rows": self.skipped, "fields": len(layout.header),
                "delimiter": layout.delimiter, "example": self.example}))
        if self.long_lines:
            out.append(Note(NoteCode.LONG_LINES_SKIPPED, {
                "lines": self.long_lines, "megabytes": _CompleteLines.HOLD >> 20}))
        if self.cut_line is not None:
            out.append(Note(NoteCode.CUT_LAST_LINE, {"line": self.cut_line}))
        return out


def _short(text: str, n: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= n else text[:n] + "..."


def _delim_name(d: str) -> str:
    return {",": "commas", "\t": "tabs", ";": "semicolons"}.get(d, repr(d))


class _CompleteLines(io.RawIOBase):
    """The content as UTF-8, with a final line that has no line end checked first.

    Such a line may be a log cut while being written (0.4312 read as 0.4): unless
    `whole(line)` says it cannot be cut short, it is held back, never parsed, and kept
    for a note. Other encodings are transcoded to UTF-8 here, so pyarrow sees one.
    """

    BLOCK = 1 << 20
    HOLD = 8 << 20  # a line longer than this is skipped and counted (pyarrow rejects it)

    def __init__(self, raw, encoding: str, whole=None):
        self._raw = raw
        self._whole = whole
        # UTF-8 passes through while it is valid (checked block by block); from the first
        # invalid byte on it is decoded with replacement, like any other encoding, so
        # pyarrow never meets undecodable bytes (its invalid-row handler would raise).
        self._utf8 = encoding in ("utf-8", "utf-8-sig")
        self._partial = b""
        self._dec = (None if self._utf8 else
                     codecs.getincrementaldecoder(encoding)(errors="replace"))
        self._pending = b""
        self._out = b""
        self._pos = 0
        self._eof = False
        self.cut_line: bytes | None = None
        self._emitted = False
        self.long_lines = 0
        self._skipping = False  # inside a line over HOLD: dropped up to its line end

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        """Up to n bytes (all with n < 0), short only at the end: pyarrow parses what one
        read returns as a block, and blocks of a few rows of a table 100 000 columns wide
        made a chunk per column per block (a 100 MB table took minutes)."""
        parts = []
        want = n if n is not None and n >= 0 else -1
        while want:
            if self._pos >= len(self._out):
                if self._eof:
                    break
                self._fill()
                continue
            end = len(self._out) if want < 0 else self._pos + want
            chunk = self._out[self._pos:end]
            self._pos += len(chunk)
            parts.append(chunk)
            if want > 0:
                want -= len(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def readinto(self, b) -> int:
        chunk = self.read(len(b))
        b[:len(chunk)] = chunk
        return len(chunk)

    def _fill(self) -> None:
        raw = self._raw.read(self.BLOCK)
        if self._dec is None:
            raw = self._partial + raw
            try:
                _, used = codecs.utf_8_decode(raw, "strict", not raw)
                data, self._partial = raw[:used], raw[used:]
            except UnicodeDecodeError:
                self._dec = codecs.getincrementaldecoder("utf-8")(errors="replace")
        if self._dec is not None:
            data = self._dec.decode(raw, final=not raw).encode("utf-8")
        buf = self._pending + data
        if self._skipping:
            ends = [i for i in (buf.find(b"\n"), buf.find(b"\r")) if i >= 0]
            end = min(ends) if ends else -1
            if end < 0:
                buf = b""
            else:
                buf, self._skipping = buf[end + 1:], False
        if not raw:
            self._eof = True
            self._pending = b""
            self._out, self._pos = b"", 0
            if buf.strip():
                if not self._emitted or (self._whole is not None and self._whole(buf)):
                    # the only line is the header (skipped by the caller), or a whole row
                    self._out = buf + b"\n"
                else:
                    self.cut_line = buf
            return
        cut = max(buf.rfind(b"\n"), buf.rfind(b"\r"))
        tail = buf[cut + 1:]
        if len(tail) > self.HOLD:  # one unterminated very long line: skip it, count it
            self.long_lines += 1
            self._skipping = True
            tail = b""
        self._pending = tail
        self._out, self._pos = buf[:cut + 1], 0
        if cut >= 0:
            self._emitted = True


def _read_columns(src: InputSource, layout: CsvLayout, columns: list[int]
                  ) -> tuple[dict, _ReadStats]:
    """The named columns as arrow arrays (numbers where they parse, strings otherwise), or
    as float64 numpy arrays (NaN = empty) when a small plain file is read without pyarrow."""

    def whole(line: bytes) -> bool:
        """A last line without a line end that cannot have been cut inside a value read:
        all its fields are there and the last one is closed by a quote or not read."""
        text = line.decode("utf-8", errors="replace").rstrip()
        fields = _split(text, layout.delimiter)
        return len(fields) == len(layout.raw_header) and (
            text.endswith('"') or len(layout.raw_header) - 1 not in columns)

    small = _read_small(src, layout, columns, whole)
    if small is not None:
        return small
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if _size_at_least(src, BIG_BYTES):  # a table worth keeping freed memory for
        memory.reuse_freed_memory()
    # pyarrow sees positional names: a header may repeat a name
    wanted = [f"c{i}" for i in dict.fromkeys(columns)]
    read_opts = pacsv.ReadOptions(column_names=[f"c{i}" for i in range(len(layout.raw_header))],
                                  skip_rows=1,
                                  block_size=16 << 20)

    def attempt(column_types: dict, null_values: list[str], **extra):
        stats = _ReadStats()
        parse_opts = pacsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=False,
                                        invalid_row_handler=stats.skip)
        conv = pacsv.ConvertOptions(include_columns=wanted, column_types=column_types,
                                    null_values=null_values, strings_can_be_null=True, **extra)
        with src.open() as f:
            stream = _CompleteLines(f, layout.encoding, whole)
            # A gzip stream can raise mid-read (its --max-input-bytes cap): read it on this
            # thread, as arrow's read-ahead thread left blocked on it could hang the
            # process's exit after the error was reported.
            opts = read_opts if not src.gzipped else pacsv.ReadOptions(
                column_names=read_opts.column_names, skip_rows=read_opts.skip_rows,
                block_size=read_opts.block_size, use_threads=False)
            try:
                table = pacsv.read_csv(stream, read_options=opts,
                                       parse_options=parse_opts, convert_options=conv,
                                       memory_pool=memory.arrow_pool())
            except (EOFError, OSError) as exc:
                if isinstance(exc, pa.ArrowInvalid):
                    raise
                raise ReadError(f"{src.name}: cannot decompress ({exc})") from None
        stats.long_lines = stream.long_lines
        if stream.cut_line is not None:
            stats.cut_line = _short(stream.cut_line.decode("utf-8", errors="replace"))
        return table, stats

    try:
        table, stats = attempt({c: pa.float64() for c in wanted},
                               ["", "null", "None", "N/A"], quoted_strings_can_be_null=True)
    except pa.ArrowInvalid:
        # Padded cells (YOLO), text in a number column: read as strings, parse leniently.
        try:
            table, stats = attempt({c: pa.string() for c in wanted}, [""])
        except pa.ArrowInvalid as exc:
            msg = str(exc).splitlines()[0]
            raise ReadError(f"{src.name}: cannot parse as CSV ({msg})") from None
    # by position, not table.column(name): looking a name up is linear in the columns, so
    # a table of 100 000 of them took minutes to list
    by_name = dict(zip(table.column_names, table.columns))
    return {c: by_name[f"c{c}"] for c in columns}, stats


SMALL_BYTES = 256 << 10  # up to ~7k rows parsing here (~3 us a row) beats importing pyarrow
BIG_BYTES = 8 << 20  # from this size the command line keeps freed memory for reuse


def _size_at_least(src: InputSource, n: int) -> bool:
    """A plain file of at least n bytes (gzip and pipes: unknown, so no)."""
    try:
        return src.path is not None and not getattr(src, "gzipped", False) and \
            src.path.stat().st_size >= n
    except OSError:
        return False
NULL_CELLS = frozenset(("", "null", "None", "N/A"))  # what the pyarrow path reads as missing
PLAIN_NUMBER = frozenset("0123456789.eE+-")


def _read_small(src: InputSource, layout: CsvLayout, columns: list[int], whole
                ) -> tuple[dict, _ReadStats] | None:
    """A small file with no quotes, every row as wide as the header and every wanted cell a
    plain decimal number or empty: its columns as float64 (NaN where empty), read without
    importing pyarrow (about 0.1 s of start-up). Anything else returns None for the pyarrow
    path, so the two give the same numbers: a cell made only of digits, `.`, `e` and signs
    that Python's float() accepts is read the same way by either path."""
    try:
        with src.open() as f:
            stream = _CompleteLines(f, layout.encoding, whole)
            parts, size = [], 0
            while size <= SMALL_BYTES:
                part = stream.read(SMALL_BYTES + 1 - size)
                if not part:
                    break
                parts.append(part)
                size += len(part)
    except (EOFError, OSError):
        return None
    data = b"".join(parts)
    if size > SMALL_BYTES or b'"' in data or stream.long_lines:
        return None  # the pyarrow path counts what it leaves out (long lines...)
    lines = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines[0].strip():
        return None
    width = len(layout.raw_header)
    wanted = list(dict.fromkeys(columns))
    cells: list[list[str]] = [[] for _ in wanted]
    delim = layout.delimiter
    for line in lines[1:]:
        if not line:
            continue  # pyarrow skips empty lines
        fields = line.split(delim)
        if len(fields) != width:
            return None
        for out, i in zip(cells, wanted):
            out.append(fields[i])
    table = {}
    for i, col in zip(wanted, cells):
        numbers = [c for c in col if c not in NULL_CELLS]
        if not PLAIN_NUMBER.issuperset("".join(numbers)):
            return None
        try:
            table[i] = np.array([np.nan if c in NULL_CELLS else float(c) for c in col],
                                  dtype=np.float64)
        except ValueError:
            return None
    stats = _ReadStats()
    if stream.cut_line is not None:
        stats.cut_line = _short(stream.cut_line.decode("utf-8", errors="replace"))
    return {c: table[c] for c in columns}, stats


@dataclass
class _Parsed:
    """A column as float64 (NaN where missing or not a number) and what parsing met."""

    values: np.ndarray
    bad: int = 0  # cells holding something that is not a number (nor nan/inf)
    example: str = ""
    bad_mask: np.ndarray | None = None  # where those cells are
    thousands: int = 0
    decimal_comma: bool = False


def _to_float(col) -> _Parsed:
    """A numeric column as float64 with NaN for missing or non-numeric cells.

    Text cells are parsed leniently: surrounding quotes and spaces, `tensor(0.43, ...)`,
    thousands separators (`1,234.5`), and a decimal comma (`0,5`) when the column uses
    commas that way throughout. Anything else is NaN and counted as not a number.
    """
    if isinstance(col, np.ndarray):  # read without pyarrow: already float64
        return _Parsed(col)
    import pyarrow as pa

    if pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
        return _Parsed(_numeric_to_numpy(col))
    import pyarrow.compute as pc  # about 0.1 s to import: only for text columns
    text = pc.utf8_trim_whitespace(col)
    text = pc.replace_substring_regex(text, pattern=r'^"|"$', replacement="")
    values = text.to_pylist()
    out = np.full(len(values), np.nan)
    failed: list[int] = []
    for i, v in enumerate(values):
        if v:
            try:
                out[i] = float(v)
            except ValueError:
                failed.append(i)
    parsed = _Parsed(out)
    if not failed:
        return parsed
    cells = [values[i] for i in failed]
    # A comma inside a number: thousands separators, unless the column writes commas
    # only as a decimal point (0,5 or 12,25: not groups of three digits).
    with_comma = [c for c in cells if "," in c]
    decimal_comma = bool(with_comma) and all(DECIMAL_COMMA.fullmatch(c) for c in with_comma) \
        and not all(THOUSANDS.fullmatch(c) for c in with_comma) \
        and not any("." in v for v in values if v)
    for i, c in zip(failed, cells):
        x = _lenient(c, decimal_comma)
        if x is None:
            if parsed.bad_mask is None:
                parsed.bad_mask = np.zeros(out.size, dtype=bool)
            parsed.bad_mask[i] = True
            parsed.bad += 1
            if not parsed.example:
                parsed.example = _short(c, 40)
            continue
        out[i] = x
        if "," in c and not decimal_comma:
            parsed.thousands += 1
    parsed.decimal_comma = decimal_comma and any("," in c for c in cells)
    return parsed


def _lenient(cell: str, decimal_comma: bool) -> float | None:
    m = TENSOR_CELL.match(cell)
    if m:
        cell = m.group(1)
    if decimal_comma and DECIMAL_COMMA.fullmatch(cell):
        cell = cell.replace(",", ".")
    elif THOUSANDS.fullmatch(cell):
        cell = cell.replace(",", "")
    try:
        return float(cell)
    except ValueError:
        return None


def _numbers_in(col) -> int:
    """How many cells of a column hold a number (not NaN): from a number column's null
    count and NaN count, without a copy to numpy (a table of 100 000 columns is listed)."""
    if not isinstance(col, np.ndarray):
        import pyarrow as pa

        if pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
            import pyarrow.compute as pc

            nans = pc.sum(pc.is_nan(col)).as_py() if pa.types.is_floating(col.type) else 0
            return len(col) - col.null_count - int(nans or 0)
    return int(np.count_nonzero(~np.isnan(_to_float(col).values)))


def _present(col) -> np.ndarray:
    """Cells that hold something (a number, nan or inf): empty cells are rows to skip."""
    if isinstance(col, np.ndarray):  # read without pyarrow: NaN only where a cell was empty
        return ~np.isnan(col)
    if not (hasattr(col, "type") and str(col.type) == "string"):
        return _validity_to_numpy(col)  # numbers: the validity bitmaps, no pyarrow.compute
    import pyarrow.compute as pc

    valid = pc.and_(col.is_valid(),
                    pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0))
    return _bool_to_numpy(valid)


def _validity_to_numpy(col) -> np.ndarray:
    """Where an arrow column is not null, from its validity bitmaps."""
    parts = []
    for ch in _chunks(col):
        n, off = len(ch), ch.offset
        if n == 0:
            continue
        parts.append(_bits(ch.buffers()[0], off, n) if ch.null_count
                     else np.ones(n, dtype=bool))
    return np.concatenate(parts) if parts else np.empty(0, dtype=bool)


def _chunks(col) -> list:
    return list(col.chunks) if hasattr(col, "chunks") else [col]


def _bits(buf, offset: int, length: int) -> np.ndarray:
    """An arrow bitmap (validity or boolean data) as a numpy bool array."""
    raw = np.frombuffer(buf, dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[offset:offset + length].astype(bool)


def _numeric_to_numpy(col) -> np.ndarray:
    """float64 from arrow number chunks through their buffers, nulls as NaN.

    Arrow's own to_numpy goes through pandas for chunked arrays, and importing pandas
    costs half a second; the buffers are plain memory that numpy reads directly.
    """
    import pyarrow as pa

    chunks = _chunks(col)
    out = np.empty(sum(len(ch) for ch in chunks), dtype=np.float64)  # filled in place
    at = 0
    for ch in chunks:
        n, off = len(ch), ch.offset
        if n == 0:
            continue
        kind = "f" if pa.types.is_floating(ch.type) else \
            "u" if pa.types.is_unsigned_integer(ch.type) else "i"
        dtype = np.dtype(f"{kind}{ch.type.bit_width // 8}")
        validity, data = ch.buffers()[:2]
        vals = out[at: at + n]
        vals[:] = np.frombuffer(data, dtype=dtype, count=off + n)[off:]
        if ch.null_count:
            vals[~_bits(validity, off, n)] = np.nan
        at += n
    return out


def _bool_to_numpy(col) -> np.ndarray:
    parts = []
    for ch in _chunks(col):
        n, off = len(ch), ch.offset
        if n == 0:
            continue
        validity, data = ch.buffers()[:2]
        vals = _bits(data, off, n)
        if ch.null_count:
            vals &= _bits(validity, off, n)
        parts.append(vals)
    return np.concatenate(parts) if parts else np.empty(0, dtype=bool)


__all__ = ["CsvReader", "sniff_layout"]


def _framework(header: list[str], step_col: str | None) -> str | None:
    """Who wrote the file, when its columns say: Lightning's CSVLogger writes `step` and
    `epoch` beside `*_step`/`*_epoch` metrics; Keras' CSVLogger `epoch` and `loss` with no
    step."""
    names = {h.strip() for h in header}
    if step_col is not None and {"step", "epoch"} <= names and \
            any(n.endswith(("_step", "_epoch")) for n in names):
        return LIGHTNING
    if step_col is None and {"epoch", "loss"} <= names:
        return KERAS
    return None
