"""The command line end to end with click's CliRunner: verdicts, causes, exit codes, errors."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from spikecheck.cli import main

EXAMPLE = ["--dataset-size", "1777", "--batch-size", "16"]


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def run_json(*args):
    res = run(*args, "--format", "json")
    return res, json.loads(res.output)


def test_buggy_example_is_epoch_aligned_partial_final_batch(fixtures):
    res, doc = run_json(fixtures / "example-buggy.csv", *EXAMPLE)
    assert res.exit_code == 1
    (r,) = doc["runs"]
    assert r["verdict"] == "epoch-aligned-spikes"
    assert r["diagnosis"][0]["cause"] == "partial-final-batch"
    assert r["geometry"]["steps_per_epoch"] == 112 and r["geometry"]["final_batch"] == 1
    assert r["alignment"]["boundaries_with_spike"] == r["alignment"]["boundaries"] == 19
    assert r["alignment"]["chance_probability"] < 1e-12
    # the height a batch-size-dependent loss predicts (B/r = 16) against the measured one
    d = r["diagnosis"][0]
    assert d["expected_height"] == 16
    assert 10 < d["measured_height"] < 25
    aligned = [s for s in r["spikes"] if s["aligned"]]
    assert aligned and all(s["offset"] == -1 for s in aligned if s["z"] > 50)


def test_fixed_example_is_clean_and_exits_0(fixtures):
    res, doc = run_json(fixtures / "example-fixed.csv", *EXAMPLE)
    assert res.exit_code == 0
    assert doc["runs"][0]["verdict"] == "clean"
    assert doc["runs"][0]["diagnosis"] == []


def test_terminal_report_names_verdict_cause_and_fix(fixtures):
    res = run(fixtures / "example-buggy.csv", *EXAMPLE)
    assert res.exit_code == 1
    first = res.output.splitlines()[0]
    assert first.startswith("epoch-aligned-spikes")
    assert "partial-final-batch" in res.output
    assert "drop_last=True" in res.output
    assert "final batch 1 of 16" in res.output


def test_json_has_the_documented_fields(fixtures):
    _, doc = run_json(fixtures / "example-buggy.csv", *EXAMPLE)
    assert doc["schema_version"]
    r = doc["runs"][0]
    for key in ("source", "metric", "points", "verdict", "diagnosis", "spikes", "alignment",
                "period", "geometry"):
        assert key in r
    for key in ("cause", "confidence", "evidence", "fix"):
        assert key in r["diagnosis"][0]
    assert r["points"] == 2240


@pytest.mark.parametrize("fail_on,code", [("epoch-aligned", 1), ("any-spike", 1), ("never", 0)])
def test_fail_on(fixtures, fail_on, code):
    assert run(fixtures / "example-buggy.csv", *EXAMPLE, "--fail-on", fail_on,
               "-q").exit_code == code


def test_without_geometry_the_epoch_is_inferred(fixtures):
    res, doc = run_json(fixtures / "example-buggy.csv", "--metric", "loss", "--step-column",
                        "step", "--batch-size", "16")
    r = doc["runs"][0]
    # the epoch column is still read: geometry comes from the log itself
    assert r["geometry"]["source"] == "epoch-column"
    assert r["verdict"] == "epoch-aligned-spikes"


def test_period_discovery_with_no_epoch_information(fixtures, tmp_path):
    # drop the epoch column: only the spikes themselves tell the period
    lines = (fixtures / "example-buggy.csv").read_text().splitlines()
    p = tmp_path / "noepoch.csv"
    p.write_text("\n".join(",".join(ln.split(",")[::2]) for ln in lines) + "\n")
    res, doc = run_json(p, "--batch-size", "16")
    r = doc["runs"][0]
    assert r["period"]["steps"] == pytest.approx(112, abs=0.5)
    lo, hi = r["period"]["implied_dataset_sizes"]
    assert lo <= 1777 <= hi
    assert r["geometry"]["source"] == "inferred"
    assert r["verdict"] == "epoch-aligned-spikes"
    assert r["diagnosis"][0]["cause"] == "partial-final-batch"


def test_stdin(fixtures):
    res = run("-", *EXAMPLE, "-q", input=(fixtures / "example-buggy.csv").read_text())
    assert res.exit_code == 1 and res.output.startswith("epoch-aligned-spikes")


def test_help_shows_examples():
    res = run("--help")
    assert res.exit_code == 0
    assert "Examples:" in res.output and "--dataset-size" in res.output


# --- bad input: exit 2, one line, no traceback -------------------------------------------


def assert_clean_error(res, *words):
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    err_lines = [ln for ln in res.output.splitlines() if ln.startswith("spikecheck: error")]
    assert err_lines, res.output
    for w in words:
        assert w in err_lines[0]


def test_missing_file(tmp_path):
    assert_clean_error(run(tmp_path / "nope.csv"), "no such file")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text("")
    assert_clean_error(run(p), "empty")


def test_header_only(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("step,loss\n")
    assert_clean_error(run(p), "h.csv")


def test_no_numeric_column(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("step,loss\n" + "".join(f"a{i},b{i}\n" for i in range(20)))
    assert_clean_error(run(p), "t.csv")


def test_binary_garbage(tmp_path):
    p = tmp_path / "g.bin"
    p.write_bytes(os.urandom(4096))
    assert_clean_error(run(p), "g.bin")


def test_a_directory_without_logs(tmp_path):
    d = tmp_path / "emptydir"
    d.mkdir()
    assert_clean_error(run(d), "emptydir")


def test_bad_geometry_flag(fixtures):
    res = run(fixtures / "example-buggy.csv", "--batch-size", "0")
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_too_few_points_says_why(corpus):
    res = run(corpus / "csv/lightning-csvlogger-gan-nan-diverged.csv")
    assert_clean_error(res, "non-finite at step 1")


def test_many_inputs_worst_exit_code(fixtures, tmp_path):
    res = run(fixtures / "example-fixed.csv", fixtures / "example-buggy.csv", *EXAMPLE, "-q")
    assert res.exit_code == 1
    res = run(fixtures / "example-fixed.csv", tmp_path / "missing.csv", *EXAMPLE, "-q")
    assert res.exit_code == 2


def test_log_directory_side_runs_too_short_are_notes_not_failures(fixtures):
    # tensorboardX add_scalars writes per-epoch sub-runs (loss/train, loss/val) beside the run
    res = CliRunner().invoke(main, [str(fixtures / "tensorboard/tbx-5tags"), "-q"])
    assert res.exit_code == 0
    assert res.stdout.startswith("clean")
    assert "note: skipped" in res.stderr and "loss/train" in res.stderr


def test_a_single_too_short_series_is_still_an_error(tmp_path):
    p = tmp_path / "short.csv"
    p.write_text("step,loss\n" + "".join(f"{i},{1 + i}\n" for i in range(5)))
    res = run(p)
    assert res.exit_code == 2 and "too few" in res.output


def test_dash_capital_v_prints_the_version():
    from spikecheck import __version__

    res = CliRunner().invoke(main, ["-V"])
    assert res.exit_code == 0 and res.output.strip() == f"spikecheck, version {__version__}"
