"""SpikeMonitor with numpy only: a simulated training loop with and without the seed bug."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from spikecheck import SpikeFound, SpikeMonitor, SpikeWarning
from spikecheck.verdicts import Cause, Verdict

N, B = 1777, 16  # 112 steps per epoch, the final batch holds 1 sample


def simulate(monitor: SpikeMonitor, epochs: int, *, bug: bool, n: int = N, seed: int = 0,
             stop_early: bool = False) -> list:
    """A loss falling with noise; with the bug a batch-size-dependent loss (x B/r)."""
    rng = np.random.default_rng(seed)
    steps_per_epoch = -(-n // B)
    step, reports = 0, []
    for _ in range(epochs):
        for i in range(steps_per_epoch):
            r = B if i < steps_per_epoch - 1 else n - (steps_per_epoch - 1) * B
            loss = (0.5 + 2 * np.exp(-step / 2000)) * np.exp(0.1 * rng.standard_normal())
            monitor.update(step, loss * (B / r if bug else 1.0))
            step += 1
        reports.append(monitor.epoch_end())
        if stop_early and monitor.should_stop:
            break
    return reports


def test_the_bug_warns_once_with_cause_and_fix():
    m = SpikeMonitor(dataset_size=N, batch_size=B, framework="keras")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reports = simulate(m, 6, bug=True)
    assert reports[:2] == [None, None]  # nothing before the third epoch end
    assert reports[-1].verdict == Verdict.EPOCH_ALIGNED
    assert reports[-1].cause == Cause.PARTIAL_FINAL_BATCH
    ours = [w for w in caught if issubclass(w.category, SpikeWarning)]
    assert len(ours) == 1  # said once, not at every later epoch end
    text = str(ours[0].message)
    assert "partial-final-batch" in text and "drop_remainder=True" in text
    assert len(m.findings) >= 2


def test_the_fixed_run_stays_silent():
    m = SpikeMonitor(dataset_size=N - 1, batch_size=B)  # 1776 = 111 full batches
    with warnings.catch_warnings():
        warnings.simplefilter("error", SpikeWarning)
        reports = simulate(m, 6, bug=False, n=N - 1)
    assert reports[-1].verdict == Verdict.CLEAN and m.findings == []


def test_raise_carries_the_report():
    m = SpikeMonitor(dataset_size=N, batch_size=B, on_finding="raise")
    with pytest.raises(SpikeFound) as exc:
        simulate(m, 8, bug=True)
    assert exc.value.report.verdict == Verdict.EPOCH_ALIGNED
    assert m.epochs_seen < 8


def test_stop_sets_should_stop_for_the_loop():
    m = SpikeMonitor(dataset_size=N, batch_size=B, on_finding="stop")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpikeWarning)
        reports = simulate(m, 10, bug=True, stop_early=True)
    assert m.should_stop and len(reports) < 10


def test_step_none_counts_on_and_tensors_become_floats():
    class Scalar:  # what a 0-d torch tensor offers
        def __init__(self, v: float):
            self.v = v

        def item(self) -> float:
            return self.v

    m = SpikeMonitor()
    m.update(None, Scalar(2.5))
    m.update(None, np.float32(1.5))
    m.update(10, "not a number")
    assert len(m) == 3
    assert m._steps[:3].tolist() == [0, 1, 10]
    assert m._values[:2].tolist() == [2.5, 1.5] and np.isnan(m._values[2])


def test_long_runs_analyse_a_window_of_whole_epochs():
    m = SpikeMonitor(dataset_size=N, batch_size=B, max_points=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SpikeWarning)
        reports = simulate(m, 20, bug=True)
    last = reports[-1]
    assert last.points <= 1000 and last.points % 112 == 0  # whole epochs only
    assert last.first_step == 112 * (20 - last.points // 112)
    assert last.verdict == Verdict.EPOCH_ALIGNED


@pytest.mark.parametrize("kwargs", [dict(on_finding="shout"), dict(fail_on="sometimes"),
                                    dict(batch_size=0)])
def test_bad_settings_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        SpikeMonitor(**kwargs)
