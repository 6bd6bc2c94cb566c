"""SpikeMonitor: record the per-step loss during training and check it at every epoch end.

Framework-free (numpy only): a plain PyTorch loop calls update(step, loss) after each
optimizer step and epoch_end() after each epoch; the Keras, Lightning and Hugging Face
callbacks in spikecheck/callbacks/ do the same for you. From the third epoch end on, the
engine runs on what was recorded; a verdict that fails `fail_on` warns (SpikeWarning),
raises (SpikeFound) or sets `should_stop`, by `on_finding`, once per new finding.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from spikecheck.geometry import GeometryInputs
from spikecheck.report import Report
from spikecheck.verdicts import FAIL_ON, fails

ON_FINDING = ("warn", "raise", "stop")


class SpikeWarning(UserWarning):
    """Epoch-aligned spikes (or what `fail_on` asks for) found during training."""


class SpikeFound(RuntimeError):
    """Raised by on_finding="raise"; `.report` holds the Report."""

    def __init__(self, message: str, report: Report):
        super().__init__(message)
        self.report = report


class SpikeMonitor:
    """Per-step losses in, a Report at each epoch end once `min_epochs` epochs are seen.

    The epoch of every point is recorded, so the epoch boundaries are exact whatever the
    step numbering; dataset_size and batch_size (optional) add the final batch, which
    lets the engine check a partial-final-batch spike against its expected height.
    `max_points` bounds the engine's cost per epoch end: beyond it only the most recent
    whole epochs holding at most that many points are analysed.
    """

    def __init__(self, *, dataset_size: int | None = None, batch_size: int | None = None,
                 steps_per_epoch: int | None = None, drop_last: bool = False,
                 grad_accum: int = 1, world_size: int = 1, on_finding: str = "warn",
                 fail_on: str = "epoch-aligned", min_epochs: int = 3,
                 max_points: int = 200_000, framework: str | None = None,
                 metric: str = "loss", source: str = "SpikeMonitor") -> None:
        if on_finding not in ON_FINDING:
            raise ValueError(f"on_finding must be one of {', '.join(ON_FINDING)}, "
                             f"not {on_finding!r}")
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        self.inputs = GeometryInputs(dataset_size=dataset_size, batch_size=batch_size,
                                     drop_last=drop_last, grad_accum=grad_accum,
                                     world_size=world_size, steps_per_epoch=steps_per_epoch)
        self.inputs.validate()
        self.on_finding = on_finding
        self.fail_on = fail_on
        self.min_epochs = max(1, int(min_epochs))
        self.max_points = max(1000, int(max_points))
        self.framework = framework
        self.metric = metric
        self.source = source
        self.epochs_seen = 0
        self.should_stop = False
        self.report: Report | None = None  # the latest report
        self.findings: list[Report] = []  # each report that failed fail_on, in order
        self._n = 0
        self._steps = np.empty(1024, dtype=np.int64)
        self._values = np.empty(1024, dtype=np.float64)
        self._epochs = np.empty(1024, dtype=np.int32)
        self._epoch_starts: list[int] = [0]  # index of the first point of each epoch
        self._last_key: tuple[str, str | None] | None = None

    def __len__(self) -> int:
        return self._n

    def update(self, step: int | None, loss: Any) -> None:
        """Record one step's loss (a float, a 0-d tensor or array); step None counts on."""
        if step is None:
            step = int(self._steps[self._n - 1]) + 1 if self._n else 0
        if self._n == self._steps.size:
            self._grow()
        self._steps[self._n] = int(step)
        self._values[self._n] = _to_float(loss)
        self._epochs[self._n] = self.epochs_seen
        self._n += 1

    def epoch_end(self) -> Report | None:
        """Close the epoch; from `min_epochs` on, run the engine and act on a finding."""
        self.epochs_seen += 1
        self._epoch_starts.append(self._n)
        if self.epochs_seen < self.min_epochs:
            return None
        report = self.check()
        if report is not None:
            self._act(report)
        return report

    def check(self) -> Report | None:
        """Run the engine on the recorded epochs now (None when too few points)."""
        from spikecheck.engine import InsufficientData, analyze
        from spikecheck.series import SeriesError, normalize

        lo = self._window_start()
        sl = slice(lo, self._n)
        try:
            series = normalize(self._steps[sl], self._values[sl], epochs=self._epochs[sl],
                               metric=self.metric, source=self.source)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                self.report = analyze(series, self.inputs)
        except (InsufficientData, SeriesError):
            return None
        return self.report

    def _window_start(self) -> int:
        """The first point analysed: whole epochs, the most recent, within max_points."""
        if self._n <= self.max_points:
            return 0
        for start in self._epoch_starts:
            if self._n - start <= self.max_points:
                return start
        return self._epoch_starts[-2] if len(self._epoch_starts) > 1 else 0

    def _act(self, report: Report) -> None:
        if not fails(report.verdict, self.fail_on):
            return
        self.findings.append(report)
        key = (report.verdict, report.cause)
        if key == self._last_key and self.on_finding == "warn":
            return  # said already; the report stays in .findings
        self._last_key = key
        message = finding_message(report, self.epochs_seen, self.framework)
        if self.on_finding == "raise":
            raise SpikeFound(message, report)
        if self.on_finding == "stop":
            self.should_stop = True
        warnings.warn(message, SpikeWarning, stacklevel=3)

    def _grow(self) -> None:
        size = self._steps.size * 2
        self._steps = np.resize(self._steps, size)
        self._values = np.resize(self._values, size)
        self._epochs = np.resize(self._epochs, size)


def finding_message(report: Report, epochs: int, framework: str | None = None) -> str:
    """One line: the verdict, the likely cause with its evidence, and the fix."""
    msg = f"spikecheck after epoch {epochs}: {report.verdict}"
    if report.diagnosis:
        d = report.diagnosis[0]
        msg += f"; likely cause {d.cause}: {d.evidence}; fix: {d.fix}"
        if framework and d.cause == "partial-final-batch":
            from spikecheck.render.plan import DROP_LAST

            msg += f" (here: {DROP_LAST.get(framework, DROP_LAST['torch'])})"
    return msg


def _to_float(loss: Any) -> float:
    """A loss as a float: Python numbers, numpy scalars, 0-d tensors (via .item())."""
    item = getattr(loss, "item", None)
    try:
        value = float(item()) if callable(item) else float(loss)
    except (TypeError, ValueError):
        return math.nan
    return value
