"""CSV logs: Lightning CSVLogger, TensorBoard and W&B exports, YOLO results, hand-written.

The header decides which columns are read; only those columns are parsed (pyarrow), so a
wide file costs little more than its step and loss columns.
"""

from __future__ import annotations

import csv as pycsv
import re
from dataclasses import dataclass

import numpy as np

from spikecheck.readers.interface import InputSource, ReadError, ReadOptions
from spikecheck.series import LossSeries, normalize

DELIMITERS = (",", "\t", ";")
STEP_NAMES = ("step", "global_step", "iteration", "iter", "it", "_step", "trainer/global_step",
              "steps", "optimizer_step", "num_updates")
LOSS_NAMES = ("loss", "train_loss", "train/loss", "training_loss", "train_loss_step",
              "loss_step", "train/loss_step", "trainer/loss", "total_loss", "lm_loss",
              "batch_loss")
EPOCH_NAMES = ("epoch", "epochs", "train/epoch", "trainer/epoch")
NOT_TRAIN = re.compile(r"(^|[/_\s.-])(val|valid|validation|eval|test)([/_\s.-]|$)", re.I)
WANDB_SUFFIX = re.compile(r"^(?P<run>.+?) - (?P<metric>.+)$")


@dataclass(frozen=True)
class CsvLayout:
    """The delimiter and header of a CSV log, and which columns hold what."""

    delimiter: str
    raw_header: list[str]
    header: list[str]  # stripped

    def find(self, names: tuple[str, ...]) -> str | None:
        lower = {h.lower(): raw for h, raw in zip(self.header, self.raw_header)}
        for name in names:
            if name in lower:
                return lower[name]
        return None

    def stripped(self, raw: str) -> str:
        return self.header[self.raw_header.index(raw)]


def sniff_layout(head: bytes) -> CsvLayout | None:
    """Delimiter and header from the first lines, or None when this is not a table."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if len(head) >= 256 * 1024 and lines:
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
    if best is None:
        return None
    raw = best[2]
    return CsvLayout(best[1], raw, [h.strip().strip('"').strip() for h in raw])


def _split(line: str, delim: str) -> list[str]:
    try:
        return next(pycsv.reader([line], delimiter=delim))
    except (StopIteration, pycsv.Error):
        return []


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
        if b"\x00" in head[:4096]:
            return 0
        layout = sniff_layout(head)
        if layout is None:
            return 0
        if any(_is_number(h) for h in layout.header if h):
            return 10  # no header row: a headerless table, read as a last resort
        known = layout.find(STEP_NAMES + LOSS_NAMES + EPOCH_NAMES + ("value",))
        if known or any(WANDB_SUFFIX.match(h) for h in layout.header):
            return 80
        return 40 if any("loss" in h.lower() for h in layout.header) else 20

    def _layout(self, src: InputSource) -> CsvLayout:
        head = src.head(256 * 1024)
        if not head.strip():
            raise ReadError(f"{src.name}: file is empty")
        layout = sniff_layout(head)
        if layout is None:
            raise ReadError(f"{src.name}: not a delimited table (tried comma, tab, semicolon)")
        return layout

    def list_metrics(self, src: InputSource, options: ReadOptions) -> list[tuple[str, int]]:
        layout = self._layout(src)
        table = _read_columns(src, layout, layout.raw_header)
        out = []
        for raw, name in zip(layout.raw_header, layout.header):
            values = _to_float(table[raw])
            n = int(np.count_nonzero(~np.isnan(values)))
            if n:
                out.append((name, n))
        return out

    def read(self, src: InputSource, options: ReadOptions) -> list[LossSeries]:
        layout = self._layout(src)
        notes: list[str] = []
        step_col = self._step_column(layout, options, src)
        epoch_col = layout.find(EPOCH_NAMES)
        loss_cols = self._loss_columns(layout, options, src, step_col, epoch_col, notes)
        wanted = [c for c in dict.fromkeys([step_col, epoch_col, *loss_cols]) if c]
        table = _read_columns(src, layout, wanted)
        n_rows = len(table[wanted[0]]) if wanted else 0
        if n_rows == 0:
            raise ReadError(f"{src.name}: header only, no data rows")

        epochs = _to_float(table[epoch_col]) if epoch_col else None
        if step_col is None:
            if epochs is not None and _one_row_per_epoch(epochs):
                raise ReadError(
                    f"{src.name}: one row per epoch (column {layout.stripped(epoch_col)!r}, no "
                    "step column): a per-epoch log cannot show spikes inside epochs; "
                    "log the loss every step or every few steps"
                )
            steps = np.arange(n_rows, dtype=np.float64)
            notes.append("no step column: the row index is used as the step")
        else:
            steps = _to_float(table[step_col])

        series = []
        for col in loss_cols:
            values = _to_float(table[col])
            present = _present(table[col])
            if step_col is not None:
                present &= ~np.isnan(steps)
            if not present.any():
                continue
            metric = layout.stripped(col)
            m = WANDB_SUFFIX.match(metric)
            source = src.name
            if m and len(loss_cols) > 1:
                source = f"{src.name} [{m.group('run')}]"
            skipped = int(n_rows - np.count_nonzero(present))
            col_notes = list(notes)
            if skipped:
                col_notes.append(f"{skipped} rows with no {metric!r} value skipped")
            ep = epochs[present] if epochs is not None else None
            if ep is not None and np.isnan(ep).all():
                ep = None
            series.append(normalize(
                steps[present], values[present], metric=metric, source=source, epochs=ep,
                notes=tuple(col_notes), step_from_row_index=step_col is None,
            ))
        if not series:
            raise ReadError(f"{src.name}: the loss column has no numeric values")
        return series

    def _step_column(self, layout: CsvLayout, options: ReadOptions, src: InputSource
                     ) -> str | None:
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
                      step_col: str | None, epoch_col: str | None, notes: list[str]
                      ) -> list[str]:
        if options.metric:
            col = _match_column(layout, options.metric)
            if col is None:
                # W&B exports name columns "<run> - <metric>": --metric train/loss picks all runs.
                cols = [raw for raw, h in zip(layout.raw_header, layout.header)
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
        if step_col is not None and layout.find(("value",)) is not None:
            return [layout.find(("value",))]  # type: ignore[list-item]
        wandb = [raw for raw, h in zip(layout.raw_header, layout.header)
                 if (m := WANDB_SUFFIX.match(h)) and not h.endswith(("__MIN", "__MAX"))
                 and "loss" in m.group("metric").lower()
                 and not NOT_TRAIN.search(m.group("metric"))]
        if wandb:
            return wandb
        lossy = [raw for raw, h in zip(layout.raw_header, layout.header)
                 if "loss" in h.lower() and not NOT_TRAIN.search(h)
                 and raw not in (step_col, epoch_col)]
        if lossy:
            if len(lossy) > 1:
                others = ", ".join(layout.stripped(c) for c in lossy[1:])
                notes.append(f"other loss columns not analysed: {others} (choose with --metric)")
            return [lossy[0]]
        if epoch_col is not None and step_col is None:
            raise ReadError(
                f"{src.name}: one row per epoch and no training-loss column found "
                f"(columns: {', '.join(layout.header)}); pass --metric NAME"
            )
        raise ReadError(
            f"{src.name}: no loss column found (columns: {', '.join(layout.header)}); "
            "pass --metric NAME"
        )


def _match_column(layout: CsvLayout, name: str) -> str | None:
    for raw, h in zip(layout.raw_header, layout.header):
        if h == name:
            return raw
    for raw, h in zip(layout.raw_header, layout.header):
        if h.lower() == name.lower():
            return raw
    return None


def _one_row_per_epoch(epochs: np.ndarray) -> bool:
    e = epochs[~np.isnan(epochs)]
    return e.size > 0 and np.unique(e).size == e.size


def _read_columns(src: InputSource, layout: CsvLayout, columns: list[str]) -> dict:
    """The named columns as arrow arrays (numbers where they parse, strings otherwise)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read_opts = pacsv.ReadOptions(column_names=layout.raw_header, skip_rows=1,
                                  block_size=16 << 20)
    parse_opts = pacsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=False,
                                    invalid_row_handler=_skip_row)
    fast_types = {c: pa.float64() for c in columns}
    conv = pacsv.ConvertOptions(include_columns=columns, column_types=fast_types,
                                null_values=["", "null", "None", "N/A"],
                                strings_can_be_null=True, quoted_strings_can_be_null=True)
    try:
        with src.open() as f:
            table = pacsv.read_csv(f, read_options=read_opts, parse_options=parse_opts,
                                   convert_options=conv)
    except pa.ArrowInvalid:
        # Padded cells (YOLO), text in a number column: read as strings, parse leniently.
        conv = pacsv.ConvertOptions(include_columns=columns,
                                    column_types={c: pa.string() for c in columns},
                                    strings_can_be_null=True, null_values=[""])
        try:
            with src.open() as f:
                table = pacsv.read_csv(f, read_options=read_opts, parse_options=parse_opts,
                                       convert_options=conv)
        except pa.ArrowInvalid as exc:
            msg = str(exc).splitlines()[0]
            raise ReadError(f"{src.name}: cannot parse as CSV ({msg})") from None
    return {c: table.column(c) for c in columns}


def _skip_row(row) -> str:
    return "skip"


def _to_float(col) -> np.ndarray:
    """A numeric column as float64 with NaN for missing or non-numeric cells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
        return col.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    text = pc.utf8_trim_whitespace(col)
    text = pc.replace_substring_regex(text, pattern=r'^"|"$', replacement="")
    out = np.full(len(text), np.nan)
    values = text.to_pylist()
    for i, v in enumerate(values):
        if v:
            try:
                out[i] = float(v)
            except ValueError:
                pass
    return out


def _present(col) -> np.ndarray:
    """Cells that hold something (a number, nan or inf): empty cells are rows to skip."""
    import pyarrow.compute as pc

    valid = col.is_valid()
    if hasattr(col, "type") and str(col.type) == "string":
        valid = pc.and_(valid, pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0))
    return valid.to_numpy(zero_copy_only=False).astype(bool) if hasattr(valid, "to_numpy") \
        else np.asarray(valid)


__all__ = ["CsvReader", "sniff_layout"]
