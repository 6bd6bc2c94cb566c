"""What reading, normalization, geometry and the engine tell the user, as codes with numbers.

A `Note` is a code from `NoteCode` and the parameters its sentence needs; nothing here is
English. The sentences are made only at the edge (spikecheck/render/notes.py, note_text),
so a script keys on the code in JSON (`warning_codes`) and rewording a sentence changes
no behaviour.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

Scalar = str | int | float | bool | None
Param = Scalar | tuple[Scalar, ...]


class NoteCode:
    """Every note's id (stable: scripts read them), grouped by the layer that emits it."""

    # normalization (series.py) and the readers' shared vocabulary
    BAD_STEPS_DROPPED = "bad-steps-dropped"  # steps that are not finite numbers below 2^53
    STEPS_SCALED = "steps-scaled"  # fractional steps multiplied by a power of ten
    STEP_COUNTER_WRAPPED = "step-counter-wrapped"  # a 32-bit step counter overflowed
    EPOCHS_GO_BACK = "epochs-go-back"  # the epoch column goes back: epochs ignored
    LOG_RESTARTS = "log-restarts"  # runs appended to one log: later writes win
    PERPLEXITY = "perplexity-read-as-log"  # a perplexity analysed as log(perplexity)
    CUT_LAST_LINE = "cut-last-line"  # a last line without line end, not read
    STEPS_FROM_LOG_EVERY = "steps-from-log-every"  # no step: row x --log-every
    STEPS_ARE_ROW_NUMBERS = "steps-are-row-numbers"  # no step: the row number is the step
    # CSV
    ROWS_WRONG_FIELD_COUNT = "rows-wrong-field-count"
    LONG_LINES_SKIPPED = "long-lines-skipped"
    COLUMN_NOT_NUMERIC = "column-not-numeric"
    ROWS_WITHOUT_VALUE = "rows-without-value"
    ROWS_WITHOUT_STEP = "rows-without-step"
    CELLS_NOT_NUMBERS = "cells-not-numbers"
    THOUSANDS_SEPARATORS = "thousands-separators"
    DECIMAL_COMMA = "decimal-comma"
    OTHER_LOSS_COLUMNS = "other-loss-columns"
    NAMESAKE_COLUMNS = "namesake-columns"  # a header that names two columns alike
    # text logs
    TEXT_STYLE = "text-style"  # which listed style the log is read in
    STYLE_REMARK = "style-remark"  # what the style's numbers mean (the style's own remark)
    LEARNED_STYLE = "learned-style"  # no listed style fits: the line model's layout
    OTHER_LINES_SKIPPED = "other-lines-skipped"
    PATTERN = "pattern"  # read with --pattern
    PATTERN_MATCHES_WITHOUT_COUNTER = "pattern-matches-without-counter"
    PATTERN_OTHER_LINES_SKIPPED = "pattern-other-lines-skipped"
    STEPS_FROM_EPOCH = "steps-from-epoch"  # no step: epoch x --steps-per-epoch
    EPOCHS_FROM_COUNTER_RESTARTS = "epochs-from-counter-restarts"
    OTHER_TOTAL_LINES_SKIPPED = "other-total-lines-skipped"  # evaluation progress bars
    COUNTER_IS_STEP = "counter-is-step"
    REDRAWS_COLLAPSED = "redraws-collapsed"
    STEP_FROM_UPDATE_COUNTER = "step-from-update-counter"
    ITERATIONS_PER_EPOCH_ASSUMED = "iterations-per-epoch-assumed"
    SAMPLES_TO_STEPS = "samples-to-steps"  # a samples counter divided by --batch-size
    SAMPLES_COUNTER = "samples-counter"  # a samples counter left as it is
    PER_EPOCH_LINES = "per-epoch-lines"
    LOG_GAPS = "log-gaps"  # stretches of steps the log does not cover
    # TensorBoard
    FILE_SKIPPED = "file-skipped"
    CORRUPT_RECORDS = "corrupt-records"
    UNREADABLE_BYTES = "unreadable-bytes"
    UNDECODABLE_RECORDS = "undecodable-records"
    OVERSIZED_RECORD = "oversized-record"
    MORE_OVERSIZED_RECORDS = "more-oversized-records"
    RESYNC_GAVE_UP = "resync-gave-up"
    LAST_RECORD_INCOMPLETE = "last-record-incomplete"
    EPOCHS_FROM_TAG = "epochs-from-tag"
    KERAS_BATCH_RUNNING_MEAN = "keras-batch-running-mean"
    VALUES_AT_FEW_STEPS = "values-at-few-steps"
    PER_EPOCH_TAG = "per-epoch-tag"
    RESUMED_EPOCHS = "resumed-epochs"
    STEP_IS_EPOCH = "step-is-epoch"
    ONE_OF_SEVERAL_EVENT_FILES = "one-of-several-event-files"
    VALIDATION_RUNS_SKIPPED = "validation-runs-skipped"
    RUNS_UNREADABLE = "runs-unreadable"
    # JSON
    JSON_RECORDS = "json-records"
    INTERVAL_MEAN = "interval-mean"
    EVAL_ENTRIES_SKIPPED = "eval-entries-skipped"
    ENTRIES_WITHOUT_STEP = "entries-without-step"
    HF_STEP_RESTARTS = "hf-step-restarts"
    EPOCH_FALLS_BACK = "epoch-falls-back"
    RECORDS_SKIPPED = "records-skipped"
    JSON_STEP_RESTARTS = "json-step-restarts"
    EPOCH_NOT_MONOTONE = "epoch-not-monotone"
    EPOCH_ITER_RESTARTS = "epoch-iter-restarts"
    ITERATIONS_PER_EPOCH_FROM_VAL = "iterations-per-epoch-from-val"
    # geometry and engine
    PER_EPOCH_COLUMN = "per-epoch-column"
    GEOMETRY_DISAGREEMENT = "geometry-disagreement"  # two sources give other epoch lengths
    GEOMETRY_MISMATCH = "geometry-mismatch"  # the period found contradicts the flags
    STEPS_LOOK_LIKE_SAMPLES = "steps-look-like-samples"  # steps advance by whole batches
    EPOCH_LENGTH_INFERRED = "epoch-length-inferred"
    ROWS_NOT_STEPS = "rows-not-steps"
    NONFINITE_DROPPED = "nonfinite-dropped"
    REPEATED_STEPS = "repeated-steps"
    RUNNING_MEAN_LOOKS_PER_STEP = "running-mean-looks-per-step"
    RUNNING_MEAN_NOT_RECOVERABLE = "running-mean-not-recoverable"
    RUNNING_MEAN_RECOVERED = "running-mean-recovered"
    EPOCHS_FROM_RUNNING_MEAN_RESETS = "epochs-from-running-mean-resets"
    RUNNING_MEAN_FINAL_STEPS_LEFT_OUT = "running-mean-final-steps-left-out"
    # a directory of runs
    FILE_NOT_READ = "file-not-read"  # the directory walk could not read this path
    DIRECTORY_LINK_NOT_FOLLOWED = "directory-link-not-followed"  # a symlinked directory

    ALL: frozenset[str] = frozenset()  # filled in below from the names above


NoteCode.ALL = frozenset(v for k, v in vars(NoteCode).items()
                         if k.isupper() and isinstance(v, str))


@dataclass(frozen=True)
class Note:
    """One remark for the report: a NoteCode and the numbers and names its sentence needs.

    Parameters are JSON scalars (or tuples of them); numpy scalars are made Python ones,
    so a note goes to JSON as it is. Equal notes hash equal (reports drop repeats).
    """

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in NoteCode.ALL:
            raise ValueError(f"unknown note code {self.code!r}")
        object.__setattr__(self, "params", {k: _plain(k, v) for k, v in self.params.items()})

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))

    def __str__(self) -> str:
        """The note's sentence (made by the renderers' note_text)."""
        from spikecheck.render.notes import note_text

        return note_text(self)

    def to_dict(self) -> dict:
        """{"code", "params"}: what JSON's warning_codes hold."""
        return {"code": self.code, "params": {k: _json(v) for k, v in self.params.items()}}


def _json(value: Param) -> object:
    """A parameter for JSON: tuples as lists, NaN and infinities as null."""
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _plain(name: str, value: object) -> Param:
    """A parameter as a JSON scalar or a tuple of them (numpy scalars unwrapped)."""
    if isinstance(value, (list, tuple)):
        return tuple(_scalar(name, v) for v in value)
    return _scalar(name, value)


def _scalar(name: str, value: object) -> Scalar:
    item = getattr(value, "item", None)  # numpy scalars (np.float64 is a float too)
    if callable(item) and not isinstance(value, str):
        value = item()
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    raise TypeError(f"note parameter {name!r} is not a JSON scalar: {value!r}")
