"""The Python API: spikecheck.check / check_series / read / plan, and a cheap import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import spikecheck
from spikecheck.verdicts import Cause, Verdict

EXAMPLE = dict(dataset_size=1777, batch_size=16)


def test_import_is_cheap_and_loads_no_numpy():
    code = ("import sys, spikecheck; heavy = [m for m in ('numpy', 'pandas', 'click', "
            "'rich', 'scipy') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_check_a_path_matches_the_command_line(fixtures):
    report = spikecheck.check(fixtures / "example-buggy.csv", **EXAMPLE)
    assert report.verdict == Verdict.EPOCH_ALIGNED and report.cause == Cause.PARTIAL_FINAL_BATCH
    d = report.to_dict()
    assert d["verdict"] == Verdict.EPOCH_ALIGNED and d["geometry"]["final_batch"] == 1
    fixed = spikecheck.check(str(fixtures / "example-fixed.csv"), **EXAMPLE)
    assert fixed.verdict != Verdict.EPOCH_ALIGNED


def test_check_a_dataframe_with_step_and_epoch_columns(fixtures):
    df = pd.read_csv(fixtures / "example-buggy.csv")
    report = spikecheck.check(df, **EXAMPLE)
    assert report.verdict == Verdict.EPOCH_ALIGNED and report.source == "DataFrame"
    assert report.geometry.source == "epoch-column"
    # the step as the index, no epoch column: the flags place the epochs
    report = spikecheck.check(df.set_index("step")[["loss"]], **EXAMPLE)
    assert report.geometry.source == "dataset-size" and report.verdict == Verdict.EPOCH_ALIGNED


def test_check_a_series_and_two_arrays_agree(fixtures):
    df = pd.read_csv(fixtures / "example-buggy.csv")
    a = spikecheck.check(df.set_index("step")["loss"], **EXAMPLE)
    b = spikecheck.check((df["step"].to_numpy(), df["loss"].to_numpy()), **EXAMPLE)
    c = spikecheck.check_series(df["step"], df["loss"], **EXAMPLE)
    assert a.verdict == b.verdict == c.verdict == Verdict.EPOCH_ALIGNED
    peaks = [[s.peak_step for s in r.spikes] for r in (a, b, c)]
    assert peaks[0] == peaks[1] == peaks[2] and peaks[0]


def test_check_series_on_synthetic_clean_loss_is_not_epoch_aligned():
    rng = np.random.default_rng(0)
    steps = np.arange(3000)
    values = 2.0 * np.exp(-steps / 1500) + 0.3 + 0.02 * rng.standard_normal(steps.size)
    report = spikecheck.check_series(steps, values, steps_per_epoch=300)
    assert report.verdict == Verdict.CLEAN


def test_check_rejects_what_it_cannot_take(fixtures):
    df = pd.DataFrame({"step": [1, 2], "acc": [0.1, 0.2]})
    with pytest.raises(ValueError, match="no loss column"):
        spikecheck.check(df)
    with pytest.raises(TypeError):
        spikecheck.check(42)
    with pytest.raises(ValueError):
        spikecheck.check(fixtures / "example-buggy.csv", dataset_size=0, batch_size=16)


def test_read_gives_loss_series(fixtures):
    series = spikecheck.read(fixtures / "example-buggy.csv")
    assert len(series) == 1 and series[0].metric == "loss" and len(series[0]) == 2240


def test_plan_function_is_the_command_arithmetic():
    p = spikecheck.plan(22225, 16)
    assert not p.ok and p.steps_per_epoch == 1390 and p.final_batch == 1
    assert spikecheck.plan(22225, 16, drop_last=True).ok
    assert p.to_dict()["warnings"][0]["code"] == "partial-final-batch"


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError):
        spikecheck.no_such_thing  # noqa: B018
    assert {"check", "check_series", "plan", "read", "SpikeMonitor"} <= set(dir(spikecheck))


def test_every_public_name_resolves():
    for name in spikecheck.__all__:
        assert getattr(spikecheck, name) is not None
