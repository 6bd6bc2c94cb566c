"""`--list` on a directory: every run the directory walk finds, its format, its metrics with
point counts, and the side files the walk skipped with the reason.

    runs/
      csv/pfb-digits.csv	csv
        loss	2240
        lr	2240
      mlruns/1/0a1b2c (brave-owl-42)	mlflow
        loss	2240
      (3 side files skipped)
        hf-out/all_results.json	configuration or summary

A run is a line `  <run>\t<format>` (the run name is what `run` holds in JSON reports),
its metrics `    <name>\t<points>` under it; for a TensorBoard log directory the tags of
a run are the names `--metric "<run>: <tag>"` takes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def directory_listing(path: str, options, include: tuple[str, ...] = (),
                      exclude: tuple[str, ...] = (), errors: list[str] | None = None
                      ) -> Iterator[str]:
    """The listing of one directory, a block of lines per run (streamed as each is read);
    a run whose metrics cannot be listed adds its one-line error to `errors`."""
    from spikecheck.readers import ReadError
    from spikecheck.readers.discover import discover, mlflow_metrics
    from spikecheck.readers.registry import list_metrics
    from spikecheck.render.sanitize import clean
    from spikecheck.render.sanitize import name as clean_name

    errors = errors if errors is not None else []
    found = discover(path, include, exclude, metric=options.metric)
    yield clean_name(path) + "\n"
    for run in found.runs:
        head = f"  {clean_name(run.name)}\t{run.kind}\n"
        try:
            metrics = (mlflow_metrics(run) if run.kind == "mlflow"
                       else list_metrics(run.path, options))
        except Exception as exc:  # noqa: BLE001 - one run's error, the others are listed
            if not isinstance(exc, ReadError):
                if os.environ.get("SPIKECHECK_DEBUG"):
                    raise
                exc = ReadError(f"internal error while listing: {type(exc).__name__}: {exc} "
                                "(set SPIKECHECK_DEBUG=1 for the traceback)")
            errors.append(f"{clean(run.name)}: {' '.join(clean(str(exc)).split())}")
            yield head
            continue
        yield head + "".join(f"    {clean_name(name)}\t{count}\n" for name, count in metrics)
    for where in found.unreadable:
        errors.append(f"{clean(where)} could not be read")
    if found.skipped:
        n = len(found.skipped)
        yield (f"  ({n} side file{'s' if n != 1 else ''} skipped)\n" +
               "".join(f"    {clean_name(rel)}\t{why}\n" for rel, why in found.skipped))
    if not found.runs:
        errors.append(f"{clean(path)}: no training log found in this directory or below "
                      "(no TensorBoard event files, CSV, JSON or text log with a loss)")


def holds_runs(path: str) -> bool:
    """A directory to list run by run (not one holding event files itself: that is one
    TensorBoard run, listed by its tags as before)."""
    from spikecheck.readers.tensorboard import is_event_file_name

    p = Path(path)
    if not p.is_dir():
        return False
    try:
        return not any(is_event_file_name(e.name) for e in p.iterdir())
    except OSError:
        return False
