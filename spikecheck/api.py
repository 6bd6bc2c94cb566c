"""The Python API for notebooks and other tools: check a log, a DataFrame or two arrays.

Everything here returns the same dataclasses the command line renders (Report with
to_dict(), Plan), so a script sees exactly what `spikecheck --format json` prints. pandas
is imported only when a DataFrame or Series comes in.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from spikecheck.epoch_plan import Plan, make_plan
from spikecheck.geometry import GeometryInputs
from spikecheck.report import Report
from spikecheck.series import LossSeries, normalize

STEP_COLUMNS = ("step", "global_step", "iteration", "iter", "Step", "trainer/global_step")
LOSS_COLUMNS = ("loss", "train_loss", "train/loss", "training_loss", "Loss")


def read(path: str | os.PathLike, *, metric: str | None = None,
         step_column: str | None = None, pattern: str | None = None,
         log_every: int | None = None) -> list[LossSeries]:
    """Every loss series in a log file or run directory, as the command line reads them.

    A URL (s3://, gs://, hf://, memory://...) is read through fsspec when it is installed
    (pip install 'spikecheck[remote]'): copied to a temporary directory, read, removed;
    each series' source stays the URL.
    """
    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import read_input

    options = ReadOptions(metric=metric, step_column=step_column, pattern=pattern,
                          log_every=log_every)
    return read_input(os.fspath(path), options)


def check(data: Any, *, dataset_size: int | None = None, batch_size: int | None = None,
          drop_last: bool = False, grad_accum: int = 1, world_size: int = 1,
          steps_per_epoch: int | None = None, first_step: int | None = None,
          metric: str | None = None, step_column: str | None = None) -> Report:
    """Analyse one run: `data` is a log path, a pandas DataFrame or Series, or (steps, values).

    A DataFrame's step comes from `step_column` (or a column named step, global_step...,
    or else the index), its loss from `metric` (or loss, train_loss...); an `epoch`
    column, when there, places the epochs. A Series is loss values indexed by step. A
    path holding several runs (a TensorBoard directory) raises ValueError: read() it and
    check_series() each. Unreadable input raises spikecheck.readers.ReadError.
    """
    geometry = dict(dataset_size=dataset_size, batch_size=batch_size, drop_last=drop_last,
                    grad_accum=grad_accum, world_size=world_size,
                    steps_per_epoch=steps_per_epoch, first_step=first_step)
    if isinstance(data, (str, os.PathLike)):
        series = read(data, metric=metric, step_column=step_column)
        if len(series) != 1:
            names = ", ".join(f"{s.source} ({s.metric})" for s in series[:5])
            raise ValueError(f"{os.fspath(data)} holds {len(series)} runs ({names}); use "
                             "spikecheck.read() and check_series() on each")
        return _analyze(series[0], **geometry)
    if hasattr(data, "columns"):  # a pandas DataFrame
        steps, values, epochs, name = _from_frame(data, metric, step_column)
        return check_series(steps, values, epochs=epochs, metric=name, source="DataFrame",
                            **geometry)
    if hasattr(data, "index") and hasattr(data, "to_numpy"):  # a pandas Series
        return check_series(data.index.to_numpy(), data.to_numpy(), source="Series",
                            metric=metric or (str(data.name) if data.name is not None
                                              else "loss"), **geometry)
    if isinstance(data, Sequence) and len(data) == 2:
        return check_series(data[0], data[1], metric=metric or "loss", **geometry)
    raise TypeError("check() takes a log path, a pandas DataFrame or Series, or "
                    f"(steps, values), not {type(data).__name__}")


def check_series(steps: Any, values: Any, *, epochs: Any = None, metric: str = "loss",
                 source: str = "arrays", dataset_size: int | None = None,
                 batch_size: int | None = None, drop_last: bool = False, grad_accum: int = 1,
                 world_size: int = 1, steps_per_epoch: int | None = None,
                 first_step: int | None = None) -> Report:
    """Analyse per-step losses given as arrays (optionally with each point's epoch)."""
    series = normalize(steps, values, metric=metric, source=source, epochs=epochs)
    return _analyze(series, dataset_size=dataset_size, batch_size=batch_size,
                    drop_last=drop_last, grad_accum=grad_accum, world_size=world_size,
                    steps_per_epoch=steps_per_epoch, first_step=first_step)


def plan(dataset_size: int, batch_size: int, *, drop_last: bool = False, grad_accum: int = 1,
         world_size: int = 1, framework: str = "torch") -> Plan:
    """Steps per epoch, the final batch and the warnings, before training (`spikecheck plan`)."""
    return make_plan(dataset_size, batch_size, drop_last=drop_last, grad_accum=grad_accum,
                     world_size=world_size, framework=framework)


def _analyze(series: LossSeries, **geometry: Any) -> Report:
    from spikecheck.engine import analyze

    inputs = GeometryInputs(**geometry)
    inputs.validate()
    return analyze(series, inputs)


def _from_frame(df: Any, metric: str | None, step_column: str | None):
    """(steps, values, epochs or None, metric name) from a DataFrame's columns."""
    cols = [str(c) for c in df.columns]
    if metric is not None and metric not in cols:
        raise ValueError(f"no column {metric!r} in the DataFrame (columns: {', '.join(cols)})")
    loss = metric or next((c for c in LOSS_COLUMNS if c in cols), None) or next(
        (c for c in cols if "loss" in c.lower() and "val" not in c.lower()), None)
    if loss is None:
        raise ValueError(f"no loss column in the DataFrame (columns: {', '.join(cols)}); "
                         "pass metric=")
    if step_column is not None and step_column not in cols:
        raise ValueError(f"no column {step_column!r} in the DataFrame")
    step = step_column or next((c for c in STEP_COLUMNS if c in cols), None)
    frame = df.dropna(subset=[loss])  # a logger's other rows (val, lr) hold no train loss
    steps = frame[step].to_numpy() if step else frame.index.to_numpy()
    epochs = frame["epoch"].to_numpy(dtype=float) if "epoch" in cols else None
    return steps, frame[loss].to_numpy(dtype=float), epochs, loss
