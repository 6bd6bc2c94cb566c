"""--list: the metrics each input holds, for a directory run by run, whatever the formats.

A directory is walked as the analysis walks it (readers.discover): every run it holds, of
any format, is listed as `run: metric`; a directory of TensorBoard runs alone keeps
TensorBoard's own `run: tag` names (what `--metric "run: tag"` selects). Nothing is
dropped silently: a run or directory that cannot be read is an error line on stderr, an
entry of `unreadable` in the JSON, and exit 2, while the rest is still listed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from spikecheck import __version__


@dataclass
class Listed:
    """One input's listing: (metric, points) pairs, what could not be read, what was set
    aside, or the error that stopped the whole input."""

    path: str
    metrics: list[tuple[str, int]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # one message per run or directory
    notes: list = field(default_factory=list)  # Notes: what the walk did not enter (links)
    side_files: int = 0
    error: str | None = None

    @property
    def complete(self) -> bool:
        return self.error is None and not self.unreadable


def list_input(path: str, options, input_format: str | None = None,
               include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> Listed:
    """The listing of one input (a file, '-', a run directory or a log directory)."""
    from spikecheck.readers import ReadError
    from spikecheck.readers.registry import list_metrics

    listed = Listed(path)
    try:
        if _is_log_directory(path, input_format):
            _list_directory(listed, options, include, exclude)
        else:
            listed.metrics = list_metrics(path, options, input_format)
    except ReadError as exc:
        listed.error = str(exc)
    return listed


def _is_log_directory(path: str, input_format: str | None) -> bool:
    """A directory to walk for runs (not stdin, not a TensorBoard run directory itself)."""
    if path == "-" or input_format is not None or not os.path.isdir(path):
        return False
    from spikecheck.readers.tensorboard import is_event_file_name

    try:
        return not any(is_event_file_name(e.name) for e in os.scandir(path))
    except OSError:
        return False


def _list_directory(listed: Listed, options, include, exclude) -> None:
    from spikecheck.readers import ReadError
    from spikecheck.readers.discover import (
        discover,
        filtered_out_error,
        mlflow_metrics,
        nothing_found_error,
    )
    from spikecheck.readers.registry import check_path, list_metrics
    from spikecheck.readers.tensorboard import TensorBoardReader

    root = listed.path
    check_path(root)
    found = discover(root, include, exclude, metric=options.metric)
    listed.side_files = len(found.skipped)
    listed.unreadable += [f"{n} could not be read" for n in found.unreadable]
    listed.notes += found.walk_notes()[len(found.unreadable):]
    if not found.runs:
        why = filtered_out_error(found)
        if why:
            raise ReadError(why)
        if not found.unreadable:
            raise ReadError(nothing_found_error(found))
        listed.metrics = list_metrics(root, options)  # TensorBoard's own error says why
        return
    tb = TensorBoardReader()
    if {r.kind for r in found.runs} == {"tensorboard"}:
        listed.metrics = tb.list_directory(Path(root), options, unreadable=listed.unreadable)
        return
    for run in found.runs:
        try:
            if run.kind == "tensorboard":
                pairs = [(_in_run(run.name, name), n) for name, n in
                         tb.list_directory(Path(run.path), options,
                                           unreadable=listed.unreadable)]
            else:
                metrics = (mlflow_metrics(run) if run.kind == "mlflow"
                           else list_metrics(run.path, options))
                pairs = [(f"{run.name}: {name}", n) for name, n in metrics]
        except ReadError as exc:
            listed.unreadable.append(str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 - one run's failure; the others are listed
            if os.environ.get("SPIKECHECK_DEBUG"):
                raise
            listed.unreadable.append(f"{run.name}: internal error while listing: "
                                     f"{type(exc).__name__}: {exc}")
            continue
        listed.metrics += pairs


def _in_run(run: str, name: str) -> str:
    """A tag listed inside a TensorBoard run of a mixed directory, named from that directory:
    `tag` -> `run: tag`, a sub-run's `sub: tag` -> `run/sub: tag`."""
    sub, sep, tag = name.partition(": ")
    if not sep:
        return f"{run}: {name}"
    return f"{run}: {tag}" if sub == "." else f"{run}/{sub}: {tag}"


def text(listed: Listed) -> str:
    """The listing for a person: the input, then one `  metric<TAB>points` line each."""
    from spikecheck.render.sanitize import name

    lines = [name(listed.path)] + [f"  {name(m)}\t{n}" for m, n in listed.metrics]
    return "\n".join(lines) + "\n"


def stderr_lines(listed: Listed) -> list[str]:
    """What the listing could not show, one line each: errors, then a count of the rest."""
    from spikecheck.render.sanitize import clean

    def one(msg: str) -> str:
        return " ".join(clean(msg).split())

    out = []
    if listed.error is not None:
        out.append(f"spikecheck: error: {one(listed.error)}")
    out += [f"spikecheck: error: {one(m)}" for m in listed.unreadable]
    if listed.unreadable:
        out.append(f"spikecheck: note: {one(listed.path)}: {len(listed.unreadable)} "
                   f"part{'s' if len(listed.unreadable) != 1 else ''} could not be read and "
                   "are not listed (above)")
    from spikecheck.render.notes import note_text

    out += [f"spikecheck: note: {one(note_text(m))}" for m in listed.notes]
    if listed.side_files:
        out.append(f"spikecheck: note: {one(listed.path)}: {listed.side_files} side "
                   f"file{'s' if listed.side_files != 1 else ''} skipped (not training "
                   "logs)")
    return out


def to_json(listings: list[Listed]) -> str:
    """--list --format json: one object, each input with its metrics and what was left out."""
    from spikecheck.render.notes import note_text
    from spikecheck.report import SCHEMA_VERSION

    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "spikecheck", "version": __version__},
        "inputs": [{
            "path": item.path,
            "metrics": [{"name": m, "points": n} for m, n in item.metrics],
            "unreadable": item.unreadable,
            "notes": [note_text(n) for n in item.notes],
            "side_files_skipped": item.side_files,
            "error": item.error,
        } for item in listings],
    }
    return json.dumps(doc, indent=2) + "\n"
