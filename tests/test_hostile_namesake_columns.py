"""A CSV header that names two columns alike (`loss` twice, `loss` and `Loss`, `step` twice):
never the first taken in silence. The same values: read, with a note; other values and no
option naming one: exit 2 with the names that choose (pandas' `loss.1`); named: read, noted."""

from __future__ import annotations

import numpy as np
import pytest
from hostile import badinputs as bad
from hostile.harness import error_line, graceful, invoke, runs


def table(tmp_path, header: str, columns: list[np.ndarray], name: str = "twins.csv"):
    p = tmp_path / name
    rows = zip(*columns)
    p.write_text(header + "\n" + "".join(",".join(f"{x:g}" for x in r) + "\n" for r in rows))
    return p


def namesake_note(run: dict) -> dict:
    (note,) = [w for w in run["warning_codes"] if w["code"] == "namesake-columns"]
    return note["params"]


@pytest.mark.parametrize("header", ["step,loss,lr,loss", "step,loss,lr,Loss",
                                    "step, loss ,lr,\"loss\""])
def test_namesakes_holding_the_same_values_are_read_with_a_note(tmp_path, header):
    steps, values = bad.loss_curve()
    p = table(tmp_path, header, [steps, values, values * 0 + 0.1, values])
    (run,) = runs(invoke(p, "--format", "json"))
    assert run["points"] == steps.size
    params = namesake_note(run)
    assert params["columns"] == [2, 4] and params["rows_differing"] == 0
    assert any("columns are named" in w and "same values" in w for w in run["warnings"])


def test_namesakes_that_differ_are_an_error_naming_the_choices(tmp_path):
    steps, values = bad.loss_curve()
    p = table(tmp_path, "step,loss,lr,loss", [steps, values, values * 0 + 0.1, values * 3])
    res = invoke(p)
    assert graceful(res, p) == "error"
    line = error_line(res)
    assert "2 columns are named 'loss'" in line and "different values" in line
    assert "--metric loss (column 2)" in line and "--metric loss.1 (column 4)" in line


@pytest.mark.parametrize("metric,scale,column", [("loss", 1, "loss"), ("loss.1", 3, "loss.1")])
def test_a_namesake_chosen_by_its_pandas_name_is_read(tmp_path, metric, scale, column):
    steps, values = bad.loss_curve()
    p = table(tmp_path, "step,loss,lr,loss", [steps, values, values * 0 + 0.1, values * 3])
    res = invoke(p, "--format", "json", "--metric", metric)
    (run,) = runs(res)
    assert run["metric"] == column
    params = namesake_note(run)
    assert params["read"] == column and params["rows_differing"] == steps.size
    # the values read are the chosen column's: the first spike's peak scales with it
    assert run["points"] == steps.size
    assert run["spikes"][0]["peak_value"] == pytest.approx(scale * values[bad.SPE - 1], rel=1e-5)
    listed = invoke(p, "--list")
    assert "loss\t" in listed.stdout and "loss.1\t" in listed.stdout


def test_two_step_columns_that_differ_are_an_error(tmp_path):
    steps, values = bad.loss_curve()
    p = table(tmp_path, "step,loss,step", [steps, values, steps * 2])
    res = invoke(p)
    assert graceful(res, p) == "error"
    assert "--step-column step.1 (column 3)" in error_line(res)
    (run,) = runs(invoke(p, "--format", "json", "--step-column", "step.1"))
    assert run["last_step"] == 2 * int(steps[-1])
    assert namesake_note(run)["read"] == "step.1"


def test_the_other_loss_columns_note_does_not_list_a_namesake(tmp_path):
    steps, values = bad.loss_curve()
    p = table(tmp_path, "step,train_disc_loss,train_disc_loss,train_gen_loss",
              [steps, values, values, values * 2])
    (run,) = runs(invoke(p, "--format", "json"))
    codes = {w["code"]: w["params"] for w in run["warning_codes"]}
    assert codes["other-loss-columns"]["columns"] == ["train_gen_loss"]
    assert codes["namesake-columns"]["columns"] == [2, 3]


def test_a_name_typed_with_other_unicode_composition_finds_its_column(tmp_path):
    """`--metric löss` (o + combining diaeresis) against a header with one code point ö:
    "no column 'löss' (columns: step, löss)", two names that look the same."""
    steps, values = bad.loss_curve()
    p = table(tmp_path, "step,l\u00f6ss", [steps, values])
    (run,) = runs(invoke(p, "--format", "json", "--metric", "lo\u0308ss"))
    assert run["points"] == steps.size and run["metric"] == "l\u00f6ss"
