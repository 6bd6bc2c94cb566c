"""spikecheck: find loss spikes in training logs and say whether the epoch is to blame.

The Python API (imported on first use, so `import spikecheck` stays cheap):
check(data, ...) -> Report, check_series(steps, values, ...) -> Report, read(path),
plan(dataset_size, batch_size, ...) -> Plan, and SpikeMonitor for training loops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "check": "spikecheck.api",
    "check_series": "spikecheck.api",
    "read": "spikecheck.api",
    "plan": "spikecheck.api",
    "Report": "spikecheck.report",
    "Plan": "spikecheck.epoch_plan",
    "LossSeries": "spikecheck.series",
    "SpikeMonitor": "spikecheck.monitor",
    "SpikeFound": "spikecheck.monitor",
    "SpikeWarning": "spikecheck.monitor",
}

__all__ = ["__version__", "check", "check_series", "read", "plan", "Report", "Plan",
           "LossSeries", "SpikeMonitor", "SpikeFound", "SpikeWarning"]

if TYPE_CHECKING:
    from spikecheck.api import check, check_series, plan, read
    from spikecheck.epoch_plan import Plan
    from spikecheck.monitor import SpikeFound, SpikeMonitor, SpikeWarning
    from spikecheck.report import Report
    from spikecheck.series import LossSeries


def __getattr__(name: str) -> Any:
    """Import the API on first use: numpy and the engine load only when needed."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'spikecheck' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
