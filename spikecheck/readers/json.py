"""JSON training logs: Hugging Face trainer_state.json and JSON Lines metric files.

JSON Lines flavours: detectron2 metrics.json (`iteration`), mmdetection 2.x / mmcv 1.x
`.log.json` (`mode`, `epoch`, per-epoch `iter`), mmengine `vis_data/scalars.json` (`step`)
and any other file of one object per line with a step-like and a loss-like key. JSON Lines
are streamed line by line, keeping only the few fields needed, so memory grows with the
number of points.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator

import numpy as np

from spikecheck.frameworks import HF
from spikecheck.nomask import median as np_median
from spikecheck.notes import Note, NoteCode
from spikecheck.readers.chunks import iter_chunks
from spikecheck.readers.interface import InputSource, ReadError, ReadOptions, sniff_encoding
from spikecheck.readers.vocabulary import (
    LOSS_NAMES,
    MAX_STEP,
    STEP_NAMES,
    as_loss,
    infer_iters_per_epoch,
    is_perplexity_name,
    is_training_loss_name,
    per_epoch_only,
    resolve_restarts,
)
from spikecheck.series import LossSeries, normalize

STEP_KEYS = STEP_NAMES
LOSS_KEYS = LOSS_NAMES
SNIFF_LINES = 50
BROKEN_LINE = "lines that start like a JSON object but do not parse"
NOT_OBJECT = "lines that are not JSON objects"  # null, [1, 2], a banner: no record lost
# Skip reasons that lost a point of the log (the others are records of something else).
UNPARSABLE = frozenset({BROKEN_LINE, "records without a step", "records without epoch/iter"})


def _looks_like_loss(key: str) -> bool:
    return is_training_loss_name(key)


def _is_num(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _is_numeric_text(x: object) -> bool:
    """A number written as a string (fairseq's JSON logs quote every float: "3.180")."""
    if not isinstance(x, str) or not 0 < len(x) <= 40:
        return False
    try:
        float(x)
    except ValueError:
        return False
    return True


def _is_value(x: object) -> bool:
    """A number, or a number written as a string: a value a loss key can hold."""
    return _is_num(x) or _is_numeric_text(x)


def _is_count(x: object) -> bool:
    """A number usable as a step, epoch or iteration: finite and below 2^53 (an integer
    of 400 digits is no count, and no float either: compared as an int)."""
    if isinstance(x, int):
        return not isinstance(x, bool) and abs(x) <= MAX_STEP
    return isinstance(x, float) and math.isfinite(x) and abs(x) <= MAX_STEP


def _step_array(steps: list) -> np.ndarray:
    """Steps as int64, or float64 when some are not whole (normalize() scales those,
    never truncates them: 1.5 and 1.0 are two points)."""
    s = np.asarray(steps, dtype=np.float64)
    return s.astype(np.int64) if bool(np.all(s == np.floor(s))) else s


def _label(x: object) -> str:
    """A record field shown in a note: short, one line."""
    text = x if isinstance(x, str) else repr(x)
    text = " ".join(text.split())
    return text if len(text) <= 30 else text[:30] + "..."


class JsonReader:
    """Hugging Face trainer_state.json and JSON Lines logs (detectron2, mmdet, mmengine)."""

    name = "json"

    def sniff(self, src: InputSource) -> int:
        """High for trainer_state.json, JSON Lines of metric records and a JSON array of
        them; else low."""
        text, cut = _head_text(src)
        if text.startswith("{") and '"log_history"' in text:
            return 95
        records = _head_records(text, cut)
        if records:
            keys = set().union(*(r.keys() for r in records))
            if any(_looks_like_loss(k) for k in keys) or keys & set(STEP_KEYS):
                return 90
            return 40
        if not text.startswith(("{", "[")):
            return 0
        first = _first_array_record(text)
        if first is not None and (any(_looks_like_loss(k) for k in first)
                                  or set(first) & set(STEP_KEYS)):
            return 85  # [{"step": 0, "loss": 2.3}, ...]: json.dump of a history
        return 30 if text.startswith("{") else 20

    def read(self, src: InputSource, options: ReadOptions) -> list[LossSeries]:
        """One series from the file's training-loss records."""
        kind, doc = self._kind(src)
        if kind == "document":
            return [_read_document(src, doc, options)]
        return [_read_lines(src, options)]

    def list_metrics(self, src: InputSource, options: ReadOptions) -> list[tuple[str, int]]:
        """Loss-like keys with the number of records carrying each (numbers only)."""
        kind, doc = self._kind(src)
        counts: Counter[str] = Counter()
        records = (_document_records(src, doc) if kind == "document"
                   else (r for _, r in _iter_records(src)))
        for rec in records:
            for k, v in rec.items():
                if _is_value(v) and "loss" in k.lower():
                    counts[k] += 1
        return counts.most_common()

    def _kind(self, src: InputSource) -> tuple[str, object]:
        """'lines' for JSON Lines, or 'document' with the parsed document."""
        text, cut = _head_text(src)
        records = _head_records(text, cut)
        if records and not text.startswith("[") and \
                not (len(records) == 1 and "log_history" in records[0]):
            return "lines", None
        if not records and text.startswith("{") and "\n" not in text and cut and \
                _first_line_is_a_record(src):
            return "lines", None  # JSON Lines whose first record is longer than the head
        try:
            with src.text_stream() as f:
                doc = _loads(f.read())  # what json.load does
        except (ValueError, UnicodeDecodeError) as exc:
            raise ReadError(f"{src.name}: not valid JSON ({_short_error(exc)})") from None
        except RecursionError:
            raise ReadError(f"{src.name}: JSON nested too deeply to be a training log") \
                from None
        return "document", doc


def _head_text(src: InputSource) -> tuple[str, bool]:
    """The head as text in the file's encoding (UTF-16 with a byte order mark too), line
    ends unified as iter_chunks unifies them (a CR-only file is lines), leading byte order
    marks and blanks dropped; and whether the head is cut (the file goes on)."""
    head = src.head()
    text = head.decode(sniff_encoding(head[:4096]), errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff \t\n")
    return text, len(head) >= 256 * 1024


def _first_array_record(text: str) -> dict | None:
    """The first element of a JSON array that opens the text, when it is an object."""
    at = len(text) - len(text[1:].lstrip()) if text.startswith("[") else -1
    if at < 0 or not text.startswith("{", at):
        return None
    try:
        obj, _ = json.JSONDecoder().raw_decode(text, at)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _first_line_is_a_record(src: InputSource) -> bool:
    """The first line is a JSON object and another line follows: JSON Lines (a document
    over one line has nothing after it; a pretty-printed one's first line is `{`)."""
    with src.text_stream() as f:
        first = f.readline()
        try:
            if not isinstance(_loads(first), dict):
                return False
        except (ValueError, RecursionError):
            return False
        for line in f:
            if line.strip():
                return line.lstrip().startswith("{")
    return False


def _lines(text: str) -> list[str]:
    """JSON Lines are separated by \n alone: str.splitlines also splits at U+2028, U+0085
    and \x1c-\x1e, which json.dumps(ensure_ascii=False) writes raw inside strings (a
    logged text sample), and every record of such a file was lost."""
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def _loads(text: str) -> object:
    """json.loads, and valid JSON with an integer over Python's 4300-digit limit (a stray
    counter, an ID) read rather than refused: such an integer becomes a float (inf)."""
    try:
        return json.loads(text)
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
        return json.loads(text, parse_int=_int_or_float)


def _int_or_float(digits: str) -> int | float:
    return int(digits) if len(digits) <= 4000 else float(digits)


def _short_error(exc: Exception) -> str:
    msg = " ".join(str(exc).split())
    return msg if len(msg) <= 120 else msg[:120] + "..."


def _head_records(text: str, cut: bool) -> list[dict]:
    """The first lines as JSON objects, when the head is JSON Lines (else [])."""
    lines = [ln for ln in _lines(text)[: SNIFF_LINES + 1] if ln.strip()]
    if cut and len(lines) > 1:
        lines = lines[:-1]
    lines = lines[:SNIFF_LINES]
    out = []
    failed = 0
    for ln in lines:
        ln = ln.strip().lstrip("\ufeff")  # files concatenated: a byte order mark mid-file
        if not ln.startswith("{"):
            failed += 1  # null, [1, 2], a banner line: not a record, not the end of them
            continue
        try:
            obj = _loads(ln)
        except (ValueError, RecursionError):
            failed += 1  # a broken line among records (a cut write) does not end them
            continue
        if not isinstance(obj, dict):
            return []
        out.append(obj)
    if failed and (len(out) < 2 or failed > len(out)):
        return []
    return out


def _iter_records(src: InputSource, broken: Counter | None = None
                  ) -> Iterator[tuple[int, dict]]:
    """(line number, object) for every JSON object line; other lines are skipped (those
    that start like an object but do not parse are counted in `broken`)."""
    n = 0
    for chunk in iter_chunks(src):
        for line in _lines(chunk):
            n += 1
            if not line.startswith("{"):
                line = line.strip().lstrip("\ufeff")  # a byte order mark mid-file
                if not line.startswith("{"):
                    if line and broken is not None:
                        broken[NOT_OBJECT] += 1
                    continue
            try:
                obj = _loads(line)
            except (ValueError, RecursionError):
                if broken is not None:
                    broken[BROKEN_LINE] += 1
                continue
            if isinstance(obj, dict):
                yield n, obj


def _document_records(src: InputSource, doc: object) -> list[dict]:
    if isinstance(doc, dict) and isinstance(doc.get("log_history"), list):
        return [e for e in doc["log_history"] if isinstance(e, dict)]
    if isinstance(doc, list):
        return [e for e in doc if isinstance(e, dict)]
    raise ReadError(f"{src.name}: JSON without training records (expected a Hugging Face "
                    "trainer_state.json with log_history, or one object per line)")


# --------------------------------------------------------------------------- trainer_state


def _read_document(src: InputSource, doc: object, options: ReadOptions) -> LossSeries:
    records = _document_records(src, doc)
    if not (isinstance(doc, dict) and "log_history" in doc):
        return _records_to_series(src, iter(enumerate(records, 1)), options, "JSON array")
    metric = options.metric or "loss"
    steps, values, epochs = [], [], []
    n_eval = n_nostep = 0
    for e in records:
        if metric not in e:
            if any(k.startswith("eval_") for k in e):
                n_eval += 1
            continue
        if not _is_count(e.get("step")):
            n_nostep += 1
            continue
        steps.append(e["step"])
        values.append(_num(e[metric]))
        epochs.append(_num(e.get("epoch")))
    if not steps and n_nostep:
        example = next(e.get("step") for e in records if metric in e)
        raise ReadError(
            f"{src.name}: trainer_state.json log_history has {n_nostep} {metric!r} entries "
            f"but none with a numeric step (e.g. step {_label(repr(example))})")
    if not steps:
        found = sorted({k for e in records for k in e if "loss" in k.lower()})
        raise ReadError(
            f"{src.name}: trainer_state.json log_history has no per-step {metric!r} "
            f"entries (loss keys present: {', '.join(found) or 'none'}; eval_loss is "
            "evaluation, train_loss the final summary)"
        )
    notes = [Note(NoteCode.JSON_RECORDS, {"format": "hf-trainer-state", "records": len(steps)})]
    every = doc.get("logging_steps") if _is_count(doc.get("logging_steps")) else None
    if metric == "loss":
        notes.append(Note(NoteCode.INTERVAL_MEAN, {"logging_steps": every}))
    if n_eval:
        notes.append(Note(NoteCode.EVAL_ENTRIES_SKIPPED, {"entries": n_eval}))
    if n_nostep:
        notes.append(Note(NoteCode.ENTRIES_WITHOUT_STEP, {"entries": n_nostep}))
    s = _step_array(steps)
    v = np.asarray(values, dtype=np.float64)
    ep = np.asarray(epochs, dtype=np.float64)
    keep, restarts, dropped = resolve_restarts(s)
    if restarts:
        notes.append(Note(NoteCode.HF_STEP_RESTARTS, {"restarts": restarts}))
    s, v, ep = s[keep], v[keep], ep[keep]
    ep_out: np.ndarray | None = ep
    fin = np.isfinite(ep)
    if not fin.any():
        ep_out = None
    else:
        back = np.flatnonzero(np.diff(ep[fin]) < 0) + 1
        if back.size:
            notes.append(Note(NoteCode.EPOCH_FALLS_BACK,
                              {"steps": [int(x) for x in s[fin][back][:5]]}))
            ep_out = None
    hint = _hf_steps_per_epoch(doc, s, ep if ep_out is not None else None)
    metric, v, ppl_note = as_loss(metric, v)
    if ppl_note:
        notes.append(ppl_note)
    return normalize(s, v, metric=metric, source=src.name, epochs=ep_out, notes=notes,
                     steps_per_epoch_hint=hint, unparsable=n_nostep, superseded=dropped,
                     framework=HF)


def _hf_steps_per_epoch(doc: dict, steps: np.ndarray, epochs: np.ndarray | None
                        ) -> int | None:
    """max_steps / num_train_epochs, when the entries' step/epoch ratio agrees with it."""
    try:
        max_steps = int(doc.get("max_steps") or 0)
        n_ep = float(doc.get("num_train_epochs") or 0)
    except (TypeError, ValueError, OverflowError):
        return None
    if epochs is None or max_steps <= 0 or not 0 < n_ep < 1e6:
        return None
    spe = max_steps / n_ep
    ok = np.isfinite(epochs) & (epochs > 0.05)
    if not ok.any():
        return None
    ratio = float(np_median(steps[ok] / epochs[ok]))
    if abs(ratio - spe) <= 0.02 * spe and abs(spe - round(spe)) < 1e-6:
        return int(round(spe))
    return None


def _num(x: object) -> float:
    if _is_num(x):
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:  # an integer of 400 digits
            return math.inf if x > 0 else -math.inf  # type: ignore[operator]
    if isinstance(x, str):
        try:
            return float(x)
        except ValueError:
            return math.nan
    return math.nan


# --------------------------------------------------------------------------- JSON Lines


def _read_lines(src: InputSource, options: ReadOptions) -> LossSeries:
    broken: Counter[str] = Counter()
    return _records_to_series(src, _iter_records(src, broken), options, "JSON Lines", broken)


def _records_to_series(src: InputSource, records: Iterator[tuple[int, dict]],
                       options: ReadOptions, what: str, broken: Counter | None = None
                       ) -> LossSeries:
    """Training records to a series; the flavour is decided by the first records' keys."""
    metric: str | None = options.metric
    flavour: str | None = None
    steps: list[int] = []
    values: list[float] = []
    epochs: list[float] = []
    iters: list[int] = []
    val_iters: list[int] = []
    skipped = Counter()
    pending: list[dict] = []  # records seen before the metric is known
    total = 0

    def take(rec: dict) -> None:
        nonlocal flavour
        if flavour == "mmcv":
            mode = rec.get("mode")
            if mode is not None and mode != "train":
                if mode == "val" and _is_count(rec.get("iter")):
                    val_iters.append(int(rec["iter"]))
                label = _label(mode) if len(skipped) < 8 else "other"
                skipped[f"{label} records"] += 1
                return
        v = rec.get(metric)  # type: ignore[arg-type]
        if not _is_num(v) and not isinstance(v, str):
            skipped["records without " + repr(metric)] += 1
            return
        if flavour == "mmcv":
            if not (_is_count(rec.get("epoch")) and _is_count(rec.get("iter"))):
                skipped["records without epoch/iter"] += 1
                return
            epochs.append(float(rec["epoch"]))
            iters.append(int(rec["iter"]))
            steps.append(0)
        else:
            key = _step_key(rec)
            if key is None:
                skipped["records without a step"] += 1
                return
            steps.append(rec[key])
            epochs.append(_num(rec.get("epoch")))
        values.append(_num(v))

    for _, rec in records:
        total += 1
        if flavour is None:
            pending.append(rec)
            if len(pending) < SNIFF_LINES and not _decisive(pending, metric):
                continue
            flavour, metric = _decide(pending, metric, src.name)
            for r in pending:
                take(r)
            pending = []
            continue
        take(rec)
    if flavour is None:
        if not pending:
            raise ReadError(f"{src.name}: no JSON records found")
        flavour, metric = _decide(pending, metric, src.name)
        for r in pending:
            take(r)
    assert metric is not None
    if broken:
        skipped.update(broken)
    if not values:
        raise ReadError(
            f"{src.name}: no training records carry {metric!r} with a step "
            f"({what}, {total} records); it holds no per-step loss"
        )
    notes = [Note(NoteCode.JSON_RECORDS,
                  {"format": flavour, "records": len(values), "container": what})]
    for why, n in skipped.items():
        notes.append(Note(NoteCode.RECORDS_SKIPPED, {"records": n, "kind": why}))
    # Records that held the loss but could not be placed, and lines that are not JSON.
    unparsable = sum(n for why, n in skipped.items() if why in UNPARSABLE)
    v = np.asarray(values, dtype=np.float64)
    ep = np.asarray(epochs, dtype=np.float64)
    hint = None
    if flavour == "mmcv":
        return _mmcv_series(src, options, metric, ep, np.asarray(iters, dtype=np.int64), v,
                            val_iters, notes, unparsable)
    s = _step_array(steps)
    keep, restarts, dropped = resolve_restarts(s)
    if restarts:
        notes.append(Note(NoteCode.JSON_STEP_RESTARTS, {"restarts": restarts, "dropped": dropped}))
    s, v, ep = s[keep], v[keep], ep[keep]
    ep_out = None
    if np.isfinite(ep).any():
        if np.all(np.diff(ep[np.isfinite(ep)]) >= 0):
            base = 1 if flavour == "mmengine" else 0
            ep_out = ep - base
        else:
            notes.append(Note(NoteCode.EPOCH_NOT_MONOTONE))
    metric, v, ppl_note = as_loss(metric, v)
    if ppl_note:
        notes.append(ppl_note)
    return normalize(s, v, metric=metric, source=src.name, epochs=ep_out, notes=notes,
                     steps_per_epoch_hint=hint, per_epoch=per_epoch_only(ep_out, metric),
                     unparsable=unparsable, superseded=dropped)


def _mmcv_series(src, options, metric, ep, iters, v, val_iters, notes, unparsable=0
                 ) -> LossSeries:
    """mmcv 1.x: the iteration restarts every epoch; val records give iters per epoch."""

    e0 = ep.astype(np.int64) - 1  # epochs and iterations are below 2^53 (_is_count)
    span = float(iters.max(initial=0)) + 1
    keep, restarts, dropped = resolve_restarts(e0.astype(np.float64) * span + iters)
    if restarts:
        notes.append(Note(NoteCode.EPOCH_ITER_RESTARTS, {"restarts": restarts, "dropped": dropped}))
    e0, iters, v = e0[keep], iters[keep], v[keep]
    spe_opt = getattr(options, "steps_per_epoch", None)
    hint = None
    if val_iters and len(set(val_iters)) == 1 and val_iters[0] >= iters.max(initial=0):
        hint = spe = val_iters[0]
        notes.append(Note(NoteCode.ITERATIONS_PER_EPOCH_FROM_VAL, {"steps_per_epoch": spe}))
    elif spe_opt:
        hint = spe = int(spe_opt)
    else:
        spe = infer_iters_per_epoch(e0, iters)
        notes.append(Note(NoteCode.ITERATIONS_PER_EPOCH_ASSUMED,
                          {"steps_per_epoch": spe, "max_counter": None}))
    steps = e0.astype(np.float64) * spe + iters  # float: beyond 2^53 normalize drops it
    metric, v, ppl_note = as_loss(metric, v)
    if ppl_note:
        notes.append(ppl_note)
    return normalize(steps, v, metric=metric, source=src.name, epochs=e0.astype(np.float64),
                     notes=notes, steps_per_epoch_hint=hint, unparsable=unparsable,
                     superseded=dropped)


def _step_key(rec: dict) -> str | None:
    for k in STEP_KEYS:
        if _is_count(rec.get(k)):
            return k
    return None


def _decisive(records: list[dict], metric: str | None) -> bool:
    """Enough records seen to pick the flavour (a training record with a loss)."""
    want = metric
    for r in records:
        if want is not None and want in r:
            return True
        if want is None and any(_looks_like_loss(k) and _is_value(v) for k, v in r.items()):
            return True
    return False


def _decide(records: list[dict], metric: str | None, name: str) -> tuple[str, str]:
    """The flavour and the metric key from the first records."""
    keys: Counter[str] = Counter()
    for r in records:
        keys.update(k for k, v in r.items() if _is_value(v))
    if "mode" in keys or any("mode" in r for r in records):
        if any("iter" in r and "epoch" in r for r in records):
            flavour = "mmcv"
        else:
            flavour = "generic"
    elif "iteration" in keys:
        flavour = "detectron2"
    elif "step" in keys and ("data_time" in keys or "memory" in keys):
        flavour = "mmengine"
    else:
        flavour = "generic"
    if metric is None:
        prefer = ("total_loss",) if flavour == "detectron2" else LOSS_KEYS
        metric = next((k for k in prefer if k in keys), None)
        if metric is None:
            lossy = [k for k, _ in keys.most_common() if _looks_like_loss(k)]
            # A perplexity only: read as log(perplexity).
            lossy = lossy or [k for k, _ in keys.most_common() if is_perplexity_name(k)]
            if not lossy:
                raise ReadError(
                    f"{name}: JSON records without a training loss key (keys: "
                    f"{', '.join(sorted(keys)[:12]) or 'none'}); it holds no per-step loss "
                    "(use --metric to pick a key)"
                )
            metric = lossy[0]
    return flavour, metric
