"""Notes in words: the one place a Note's sentence is made (every renderer prints these).

spikecheck/notes.py holds the codes and parameters; each code here has one template, a
format string over the parameters or a function of them when the sentence has parts that
depend on them. tests/test_notes.py checks that every code has its sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from spikecheck.notes import Note, NoteCode

C = NoteCode

_DELIMITERS = {",": "commas", "\t": "tabs", ";": "semicolons"}

# The names a geometry source goes by in a sentence.
SOURCE_WORDS = {
    "epoch-column": "the log's epoch column",
    "log-header": "the log's own iteration counter",
    "steps-per-epoch": "--steps-per-epoch",
    "dataset-size": "--dataset-size/--batch-size",
}

_JSON_FORMATS = {"detectron2": "detectron2 metrics.json", "mmcv": "mmcv/mmdetection .log.json",
                 "mmengine": "mmengine vis_data scalars"}


def note_text(note: Note) -> str:
    """The sentence a report prints for this note."""
    template = TEMPLATES[note.code]
    if isinstance(template, str):
        return template.format(**note.params)
    return template(note.params)


def note_texts(notes) -> list[str]:
    """Each note's sentence, in order."""
    return [note_text(n) for n in notes]


def _restarts(p: Mapping) -> str:
    msg = (f"the {p['counter']} goes back {p['restarts']} time(s) (runs appended to one log); "
           "later writes win")
    return msg + (f", {p['dropped']} points of abandoned runs dropped" if p["dropped"] else "")


def _steps_from_log_every(p: Mapping) -> str:
    return f"no step {p['missing']}: step = row x {p['log_every']} (--log-every)"


def _row_numbers(p: Mapping) -> str:
    if p["missing"] == "column":
        return "no step column: the row index is used as the step"
    return ("no step printed: steps are row numbers (pass --log-every N, the logging "
            "interval, to get optimizer steps)")


def _namesake_columns(p: Mapping) -> str:
    cols = ", ".join(str(c) for c in p["columns"])
    head = f"{len(p['columns'])} columns are named {p['name']!r} (columns {cols}): "
    if not p["rows_differing"]:
        return head + f"they hold the same values; {p['read']!r} is read"
    return head + (f"they differ in {p['rows_differing']} rows; {p['read']!r} is read "
                   f"(the others are {', '.join(map(repr, p['others']))})")


def _wrong_fields(p: Mapping) -> str:
    d = p["delimiter"]
    return (f"{p['rows']} rows without the header's {p['fields']} fields separated by "
            f"{_DELIMITERS.get(d, repr(d))} skipped (first: {p['example']!r})")


def _rows_without_step(p: Mapping) -> str:
    why = f"a {p['metric']!r} value but no numeric {p['step_column']!r}"
    if p.get("example") is not None:
        why += f" (e.g. {p['example']!r})"
    return f"{p['rows']} rows with {why} skipped"


def _learned_style(p: Mapping) -> str:
    parts = ["style learned from the log's own lines (no listed style fits)"]
    if p["running_mean_pairs"]:
        parts.append(f"each {p['key']!r} prints `current (average)`: the current value is "
                     "read; the log also carries a running mean")
    if p["perplexity"]:
        parts.append(_perplexity({"name": p["key"]}))
    if p["wrapped"]:
        parts.append("loss lines are wrapped: the loss is read from the next line")
    return "; ".join(parts)


def _perplexity(p: Mapping) -> str:
    return (f"the log holds perplexity ({p['name']!r}), not the loss: the loss is read as "
            f"log({p['name']})")


def _iterations_assumed(p: Mapping) -> str:
    if p.get("max_counter") is None:
        return (f"iterations per epoch not recorded: assumed {p['steps_per_epoch']}; pass "
                "--steps-per-epoch for exact steps")
    return (f"iterations per epoch are not printed: assumed {p['steps_per_epoch']} from the "
            f"counter (up to {p['max_counter']}); pass --steps-per-epoch for exact steps")


def _samples_to_steps(p: Mapping) -> str:
    spe = p["steps_per_epoch"]
    return (f"the counter counts samples: steps = samples / {p['batch_size']} (--batch-size), "
            f"{spe if spe is not None else 'unknown'} steps per epoch")


def _samples_counter(p: Mapping) -> str:
    m = p.get("multiple_of")
    also = f" (it moves in multiples of {m}: the batch size?)" if m else ""
    return (f"the counter counts samples, not optimizer steps{also}: steps here are samples "
            "seen; pass --batch-size for optimizer steps")


def _runs_unreadable(p: Mapping) -> str:
    n, errors = p["count"], p["errors"]
    shown = "; ".join(errors) + (f"; {n - len(errors)} more" if n > len(errors) else "")
    return f"skipped: {n} run(s) or director(ies) of {p['path']} could not be read ({shown})"


def _json_records(p: Mapping) -> str:
    if p["format"] == "hf-trainer-state":
        return f"Hugging Face trainer_state.json: {p['records']} training entries"
    name = _JSON_FORMATS.get(p["format"], p.get("container") or p["format"])
    return f"{name}: {p['records']} training records"


def _interval_mean(p: Mapping) -> str:
    every = p.get("logging_steps")
    return ("each value is the mean loss over its logging interval"
            + (f" (logging_steps={every})" if every else ""))


def _dropped_suffix(p: Mapping) -> str:
    return f", {p['dropped']} points of abandoned runs dropped" if p["dropped"] else ""


def _disagreement(p: Mapping) -> str:
    src, other = p["source"], p["other"]
    msg = (f"{SOURCE_WORDS.get(src, src)} gives {p['steps_per_epoch']:g} steps per epoch but "
           f"{SOURCE_WORDS.get(other, other)} gives {p['other_steps_per_epoch']:g}")
    hint = p.get("hint")
    if hint == "drop-last":
        msg += f"; the log matches drop_last={p['drop_last']}"
    elif hint == "grad-accum":
        msg += f"; is gradient accumulation ({p['grad_accum']} steps) missing?"
    elif hint == "check-flags":
        msg += "; check --drop-last, --grad-accum and --world-size"
    return msg


def _mismatch(p: Mapping) -> str:
    period, spe, likely = p["period"], p["steps_per_epoch"], p["likely"]
    if likely == "dataset-size":
        return (f"the spikes recur every {period:.1f} steps but the epoch geometry "
                f"({p['geometry_source']}) gives {spe:g}: is drop_last set, or the dataset "
                "size right?")
    head = (f"the anomalies recur every {period:.0f} steps, but the flags give an epoch of "
            f"{spe:g} steps")
    given, fitting = p["given"], p["fitting"]
    fix = {
        "drop-last": f"with drop_last={fitting} the epoch is {period:.0f} steps: check "
                     "--drop-last",
        "batch-size": f"with --batch-size {fitting} (not {given}) the epoch is {period:.0f} "
                      "steps: is the batch size right?",
        "grad-accum": f"with --grad-accum {fitting} (not {given}) the epoch is {period:.0f} "
                      "steps: is gradient accumulation set?",
        "world-size": f"with --world-size {fitting} (not {given}) the epoch is {period:.0f} "
                      "steps: is the number of processes right?",
    }[likely]
    return f"{head}; {fix} (the analysis uses that geometry)"


def _how_recognised(p: Mapping) -> str:
    return ("the log says so" if p["recognised"] == "declared" else
            "recognised from the data: changes shrink like 1/k through each epoch")


def _resolution(p: Mapping) -> str:
    d = p.get("decimals")
    if d is not None:
        return f"{d} logged decimal{'s' if d != 1 else ''}"
    return f"{p['precision']} values"


def _error(x: float) -> str:
    """An error bound: 2 significant digits."""
    return f"{x:.2g}"


def _not_recoverable(p: Mapping) -> str:
    return (f"the logged values are running means since the epoch began ({_how_recognised(p)}"
            f"); with {_resolution(p)} the per-step values cannot be recovered (error "
            f"±{_error(p['typical_error'])}, {p['relative_error']:.0%} of the loss)")


def _recovered(p: Mapping) -> str:
    share = p["per_step_share"]
    what = ("the value of each step" if share > 0.99 else
            f"the mean of the steps between logged points ({share:.0%} single steps, "
            f"median {p['median_window_steps']:g} steps)")
    weights = (" weighted by samples (--dataset-size/--batch-size)"
               if p["weights"] == "samples" else "")
    merged = (f"; {p['merged']} windows too short for the logged precision merged into the "
              "next" if p["merged"] else "")
    return (f"the logged values are running means since the epoch began ({_how_recognised(p)}"
            f"); analysed instead: {what}, recovered as (k·m_k − j·m_j)/(k − j){weights}"
            f"{merged}; precision ±{_error(p['typical_error'])} typical, "
            f"±{_error(p['max_error'])} at worst ({p['relative_error']:.1%} of the loss) from "
            f"{_resolution(p)}")


TEMPLATES: dict[str, str | Callable[[Mapping], str]] = {
    C.BAD_STEPS_DROPPED: "{points} points with a step that is not a finite number below 2^53 "
                         "dropped",
    C.STEPS_SCALED: "steps are not whole numbers (e.g. {example:g}): multiplied by {factor} to "
                    "keep every point in order; epoch lengths and --steps-per-epoch are in "
                    "these units",
    C.STEP_COUNTER_WRAPPED: "the step counter wrapped at 2^31 {wraps} time(s) (a 32-bit "
                            "overflow): unwrapped to keep the points in write order",
    C.EPOCHS_GO_BACK: "the epoch column goes back while the step rises: epochs ignored",
    C.LOG_RESTARTS: _restarts,
    C.PERPLEXITY: _perplexity,
    C.CUT_LAST_LINE: "the last line has no line end (a log cut while being written?) and was "
                     "not read: {line!r}",
    C.STEPS_FROM_LOG_EVERY: _steps_from_log_every,
    C.STEPS_ARE_ROW_NUMBERS: _row_numbers,
    C.ROWS_WRONG_FIELD_COUNT: _wrong_fields,
    C.LONG_LINES_SKIPPED: "{lines} line(s) longer than {megabytes} MB skipped unread",
    C.COLUMN_NOT_NUMERIC: "column {metric!r} holds no numbers (e.g. {example!r})",
    C.ROWS_WITHOUT_VALUE: "{rows} rows without a {metric!r} value skipped (rows of other "
                          "metrics)",
    C.ROWS_WITHOUT_STEP: _rows_without_step,
    C.CELLS_NOT_NUMBERS: "{cells} {metric!r} cells are not numbers (e.g. {example!r}) and "
                         "were skipped",
    C.THOUSANDS_SEPARATORS: "{values} {metric!r} values with thousands separators (1,234.5) "
                            "read as numbers",
    C.DECIMAL_COMMA: "{metric!r} uses a decimal comma (0,5 = 0.5)",
    C.OTHER_LOSS_COLUMNS: lambda p: (f"other loss columns not analysed: "
                                     f"{', '.join(p['columns'])} (choose with --metric)"),
    C.NAMESAKE_COLUMNS: _namesake_columns,
    C.TEXT_STYLE: "text log in {style} style ({example!r})",
    C.STYLE_REMARK: "{remark}",
    C.LEARNED_STYLE: _learned_style,
    C.OTHER_LINES_SKIPPED: "{read} loss lines read; {skipped} other lines skipped (evaluation "
                           "lines, warnings, tracebacks, config dumps, another logger's "
                           "lines)",
    C.PATTERN: "text log read with --pattern {pattern!r}",
    C.PATTERN_MATCHES_WITHOUT_COUNTER: "{matches} matches without a numeric {counter} skipped",
    C.PATTERN_OTHER_LINES_SKIPPED: "{matched} lines matched; {skipped} other lines skipped",
    C.STEPS_FROM_EPOCH: "no step printed: step = epoch x {steps_per_epoch} steps per epoch",
    C.EPOCHS_FROM_COUNTER_RESTARTS: "no epoch printed: each of the {restarts} times the counter "
                                    "starts again is taken as a new epoch",
    C.OTHER_TOTAL_LINES_SKIPPED: "{lines} lines counting to another total than {total} "
                                 "(evaluation progress bars?) skipped",
    C.COUNTER_IS_STEP: "the counter does not restart when the epoch changes: it is the step",
    C.REDRAWS_COLLAPSED: "{redraws} redraws of a step already shown collapsed (the last record "
                         "of each step is read)",
    C.STEP_FROM_UPDATE_COUNTER: "step = the printed update counter",
    C.ITERATIONS_PER_EPOCH_ASSUMED: _iterations_assumed,
    C.SAMPLES_TO_STEPS: _samples_to_steps,
    C.SAMPLES_COUNTER: _samples_counter,
    C.PER_EPOCH_LINES: "one loss value per epoch (end-of-epoch lines only): spikes inside an "
                       "epoch cannot be seen",
    C.LOG_GAPS: "the log skips {gaps} stretch(es) of steps (lines elided or missing; the first "
                "from step {first_from} to {first_to}): epoch boundaries inside them are not "
                "observed",
    C.FILE_SKIPPED: "skipped: {error}",
    C.CORRUPT_RECORDS: "{file}: {records} corrupted record(s) skipped (bad CRC)",
    C.UNREADABLE_BYTES: "{file}: {bytes} unreadable byte(s) at offset {offset} skipped",
    C.UNDECODABLE_RECORDS: "{file}: {records} record(s) that are not valid events skipped",
    C.OVERSIZED_RECORD: "{file}: a record of {bytes} bytes at offset {offset} skipped unread "
                        "(too large to be a scalar event)",
    C.MORE_OVERSIZED_RECORDS: "{file}: {records} more such record(s) skipped",
    C.RESYNC_GAVE_UP: "{file}: the search for the next record after damage stopped (too many "
                      "false leads); the rest of the file was not read",
    C.LAST_RECORD_INCOMPLETE: "{file}: the last record is incomplete ({bytes} bytes at offset "
                              "{offset}; a run still writing?) and was ignored",
    C.EPOCHS_FROM_TAG: "epochs from the {tag!r} tag",
    C.KERAS_BATCH_RUNNING_MEAN: "Keras writes {metric!r} as the running mean since the epoch "
                                "began",
    C.VALUES_AT_FEW_STEPS: "{values} values written at only {steps} distinct steps (per-batch "
                           "values stamped with the epoch?); the last at each step is kept",
    C.PER_EPOCH_TAG: "{metric!r} holds one value per epoch: a per-epoch log cannot show spikes "
                     "inside epochs",
    C.RESUMED_EPOCHS: "the epoch goes back {restarts} time(s) (a resumed run); later writes "
                      "win, {dropped} points of the abandoned run dropped",
    C.STEP_IS_EPOCH: "{values} values written at {steps} distinct steps, about {per_step} per "
                     "step: read in write order as points within the epoch (the step is the "
                     "epoch; global steps numbered in order)",
    C.ONE_OF_SEVERAL_EVENT_FILES: "this is 1 of {files} event files of its run; pass the "
                                  "directory {directory!r} to read them all",
    C.VALIDATION_RUNS_SKIPPED: lambda p: ("validation run(s) not analysed: "
                                          + ", ".join(p["runs"])),
    C.RUNS_UNREADABLE: _runs_unreadable,
    C.JSON_RECORDS: _json_records,
    C.INTERVAL_MEAN: _interval_mean,
    C.EVAL_ENTRIES_SKIPPED: "{entries} evaluation entries (eval_loss) skipped",
    C.ENTRIES_WITHOUT_STEP: "{entries} entries without a usable step skipped",
    C.HF_STEP_RESTARTS: "step goes back {restarts} time(s); later entries win",
    C.EPOCH_FALLS_BACK: lambda p: (
        f"the epoch field falls back while step rises (at steps "
        f"{', '.join(str(s) for s in p['steps'])}): a resumed run on a streaming dataset; "
        "epochs ignored, steps kept"),
    C.RECORDS_SKIPPED: "{records} {kind} skipped",
    C.JSON_STEP_RESTARTS: lambda p: (f"step goes back {p['restarts']} time(s) (runs appended to "
                                     "one file); later records win" + _dropped_suffix(p)),
    C.EPOCH_NOT_MONOTONE: "the epoch field is not monotone: epochs ignored",
    C.EPOCH_ITER_RESTARTS: lambda p: (f"(epoch, iter) goes back {p['restarts']} time(s); later "
                                      "records win" + _dropped_suffix(p)),
    C.ITERATIONS_PER_EPOCH_FROM_VAL: "{steps_per_epoch} iterations per epoch (from the val "
                                     "records)",
    C.PER_EPOCH_COLUMN: "the epoch column changes about every step: a per-epoch log",
    C.GEOMETRY_DISAGREEMENT: _disagreement,
    C.GEOMETRY_MISMATCH: _mismatch,
    C.STEPS_LOOK_LIKE_SAMPLES: ("the steps advance by {gap} at a time, a multiple of "
                                "--batch-size {batch_size}: if they count samples seen, an "
                                "epoch is {dataset_size} of them (pass --steps-per-epoch "
                                "{dataset_size} instead of --dataset-size/--batch-size)"),
    C.EPOCH_LENGTH_INFERRED: "the epoch length was inferred from the data ({steps_per_epoch:.1f} "
                             "steps): pass --dataset-size and --batch-size (or "
                             "--steps-per-epoch) to confirm it",
    C.ROWS_NOT_STEPS: "the log numbers rows, not steps: its epoch fraction with "
                      "{steps_per_epoch:g} steps per epoch gives one row every {every} steps",
    C.NONFINITE_DROPPED: "{values} NaN/inf values dropped; the loss first became non-finite at "
                         "step {first_step}",
    C.REPEATED_STEPS: "{steps} repeated steps (a resumed run?) resolved last-write-wins",
    C.RUNNING_MEAN_LOOKS_PER_STEP: "the log's style prints running means, but these values "
                                   "change like per-step values (steady changes, differenced "
                                   "noise): not recovered",
    C.RUNNING_MEAN_NOT_RECOVERABLE: _not_recoverable,
    C.RUNNING_MEAN_RECOVERED: _recovered,
    C.EPOCHS_FROM_RUNNING_MEAN_RESETS: "the epochs ({steps_per_epoch:g} steps each) were read "
                                       "off where the running mean resets: pass "
                                       "--dataset-size and --batch-size to check them",
    C.RUNNING_MEAN_FINAL_STEPS_LEFT_OUT: "the last step of each epoch ({points} points) is left "
                                         "out: it barely moves the running mean, as a short "
                                         "final batch weighed by its samples does, so its own "
                                         "value cannot be read; pass --dataset-size and "
                                         "--batch-size to recover it",
    C.FILE_NOT_READ: "{path} could not be read",
    C.DIRECTORY_LINK_NOT_FOLLOWED: "{path}: a symbolic link to a directory, not followed (pass "
                                   "its target to read it)",
}
