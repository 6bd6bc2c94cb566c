"""Checking runs past one machine on Dask: `check_many(paths, ...)` is a Dask bag of results.

Each element is one run's result dict, the same object `spikecheck --format json` prints
in `runs` (verdict, cause, diagnosis, spikes, ... plus `failed`, `error`, `file`, `run`).
The work is the Python API's read -> analyse -> to_dict, mapped over the paths by Dask's
own scheduler (threads, processes, or a distributed cluster: whatever `compute()` uses).
Local directories are expanded with the command line's directory walk; URLs (s3://, gs://,
hf://, memory://) are read through fsspec. Needs `pip install 'spikecheck[dask]'`.

    import spikecheck.dask
    bag = spikecheck.dask.check_many(["runs/", "s3://bucket/exp7/metrics.csv"],
                                     dataset_size=22225, batch_size=16)
    failing = bag.filter(lambda r: r["failed"]).pluck("run").compute()
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from spikecheck.verdicts import DEFAULT_FAIL_ON, fails


def expand(paths: Iterable[str | os.PathLike], include: Iterable[str] = (),
           exclude: Iterable[str] = (), metric: str | None = None
           ) -> list[tuple[str, str | None, str | None]]:
    """(path, run name, metric) per log: local directories walked as the CLI walks them."""
    from spikecheck.readers.discover import discover
    from spikecheck.readers.remote import is_remote

    items: list[tuple[str, str | None, str | None]] = []
    for p in paths:
        path = os.fspath(p)
        if is_remote(path) or not os.path.isdir(path):
            items.append((path, None, metric))
            continue
        found = discover(path, tuple(include), tuple(exclude), metric=metric)
        if not found.runs:
            items.append((path, None, metric))
        items += [(r.path, r.name, r.metric or metric) for r in found.runs]
    return items


def check_one(item: tuple[str, str | None, str | None], fail_on: str = DEFAULT_FAIL_ON,
              step_column: str | None = None, **geometry: Any) -> list[dict]:
    """Every run of one log as result dicts; an unreadable log is one error dict."""
    from spikecheck import api
    from spikecheck.engine import InsufficientData
    from spikecheck.geometry import GeometryError
    from spikecheck.readers import ReadError
    from spikecheck.render.interface import RunOutcome
    from spikecheck.render.json import outcome_to_dict

    path, run, metric = item
    local_file = path if os.path.isfile(path) else None
    try:
        all_series = api.read(path, metric=metric, step_column=step_column)
    except (ReadError, ValueError) as exc:
        return [outcome_to_dict(RunOutcome(path, None, " ".join(str(exc).split()), True,
                                           path=local_file, run=run))]
    out = []
    for series in all_series:
        name = run if len(all_series) == 1 else (run or series.source)
        try:
            report = api._analyze(series, **geometry)
        except (InsufficientData, GeometryError) as exc:
            out.append(outcome_to_dict(RunOutcome(series.source, None, str(exc), True,
                                                  path=local_file, run=name)))
            continue
        out.append(outcome_to_dict(RunOutcome(series.source, report, None,
                                              fails(report.verdict, fail_on),
                                              path=local_file, run=name)))
    return out


def check_many(paths: Iterable[str | os.PathLike], *, npartitions: int | None = None,
               metric: str | None = None, step_column: str | None = None,
               fail_on: str = DEFAULT_FAIL_ON, include: Iterable[str] = (),
               exclude: Iterable[str] = (), **geometry: Any):
    """A dask.bag.Bag of result dicts, one per run, for logs, run directories and URLs.

    `geometry` takes check()'s keywords (dataset_size, batch_size, drop_last, grad_accum,
    world_size, steps_per_epoch, first_step). Nothing runs until the bag is computed.
    """
    import dask.bag as db

    items = expand(paths, include, exclude, metric)
    bag = db.from_sequence(items, npartitions=npartitions or max(1, min(len(items), 100)))
    return bag.map(check_one, fail_on=fail_on, step_column=step_column, **geometry).flatten()


def to_dataframe(bag) -> Any:
    """The flat columns of a result bag as a Dask DataFrame (run, source, metric, points,
    verdict, cause, spike_count, failed, error), for grouping and filtering a fleet."""
    columns = {"run": "object", "source": "object", "metric": "object", "points": "int64",
               "verdict": "object", "cause": "object", "spike_count": "int64",
               "failed": "bool", "error": "object"}
    return bag.map(lambda r: {k: r.get(k) for k in columns}).to_dataframe(meta=columns)
