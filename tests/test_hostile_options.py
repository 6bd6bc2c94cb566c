"""Option values and environments a careless user or a script gives: not-a-number and
enormous time limits, a limit shorter than start-up, counts beyond any machine's, empty
strings from unset variables, COLUMNS=0. Each is a usage error (exit 2, click's line) or
a full report, never an internal error and never an empty report that exits 0."""

from __future__ import annotations

import json

import pytest
from hostile import badinputs as bad
from hostile.harness import graceful, invoke, runs


@pytest.fixture
def log(tmp_path):
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    return p


def usage_error(res, *words: str) -> str:
    assert res.exit_code == 2, res.output
    assert "Invalid value" in res.output and "internal error" not in res.output
    for w in words:
        assert w in res.output, (w, res.output)
    return res.output


@pytest.mark.parametrize("value,words", [
    ("nan", "positive finite"), ("inf", "positive finite"), ("-inf", "positive finite"),
    ("1e308", "more than"), ("0", "positive finite"), ("-1", "positive finite"),
    ("soon", "not a number"),
])
def test_timeout_takes_a_finite_positive_number_of_seconds(log, value, words):
    """nan passed click's FloatRange and made every run 'ValueError: Invalid value NaN';
    inf and 1e308 overflowed the OS timer in every run."""
    usage_error(invoke(log, "--timeout", value), "--timeout", words)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_limit_shorter_than_start_up_times_every_run_out_loudly(log, jobs):
    """A limit that rings before a run even starts used to drop the run: an empty report
    and exit 0. Every run is now an error outcome, in every output."""
    res = invoke(log, log, "--timeout", "1e-9", "--jobs", jobs, "--format", "json")
    assert graceful(res) == "error"
    got = runs(res)
    assert len(got) == 2 and all("timed out" in r["error"] for r in got), got


@pytest.mark.parametrize("option", ["--dataset-size", "--batch-size", "--steps-per-epoch",
                                    "--grad-accum", "--world-size", "--log-every", "--jobs"])
@pytest.mark.parametrize("value", [str(2**63), "1" + "0" * 400])
def test_counts_beyond_a_machine_word_are_usage_errors(log, option, value):
    """-N 1e30 was 'internal error: OverflowError' from numpy, -N 1e400 from a float."""
    extra = ["-B", "16"] if option == "--dataset-size" else ["-N", "22225"] \
        if option == "--batch-size" else []
    usage_error(invoke(log, option, value, *extra), "is too large (at most 2^63-1)")


@pytest.mark.parametrize("args", [
    ["-N", str(2**63 - 1), "-B", "1"],
    ["--steps-per-epoch", str(2**63 - 1)],
    ["-N", str(2**62), "-B", "3", "--grad-accum", str(2**62), "--world-size", str(2**62)],
])
def test_the_largest_counts_give_an_honest_inconclusive(log, args):
    """An epoch longer than the log: inconclusive (too few boundaries), not an overflow."""
    res = invoke(log, *args, "--format", "json")
    assert graceful(res) == "analysis", res.output
    (run,) = runs(res)
    assert run["verdict"] == "inconclusive"


@pytest.mark.parametrize("option", ["--metric", "--step-column", "--pattern", "--junit",
                                    "--plot"])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_value_is_an_error_not_the_option_left_out(log, option, value):
    """`--metric "$METRIC"` with the variable unset silently analysed another column."""
    usage_error(invoke(log, option, value), option, "must not be empty")


@pytest.mark.parametrize("columns", ["0", "1", "-3", "junk"])
def test_a_zero_or_silly_terminal_width_still_prints_the_report(log, monkeypatch, columns):
    """COLUMNS=0 printed nothing at all (exit 1 with an empty report); 1 printed one
    character per line."""
    monkeypatch.setenv("COLUMNS", columns)
    res = invoke(log, "--steps-per-epoch", "50")
    assert res.exit_code == 1
    first = res.stdout.splitlines()[0]
    assert "epoch-aligned-spikes" in first and "run.csv" in first


def test_the_config_file_counts_have_the_command_lines_bound(tmp_path, monkeypatch, log):
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / ".git").mkdir()
    (proj / "pyproject.toml").write_text(f"[tool.spikecheck]\nsteps-per-epoch = {2**63}\n")
    monkeypatch.chdir(proj)
    res = invoke(log)
    assert res.exit_code == 2 and "at most 9223372036854775807" in res.stderr


def test_a_sane_timeout_leaves_the_analysis_as_it_was(log):
    res = invoke(log, "--timeout", "30", "--format", "json")
    assert res.exit_code == 1
    assert json.loads(res.stdout)["runs"][0]["verdict"] == "epoch-aligned-spikes"


def test_a_huge_jobs_value_is_capped_per_core_with_a_note(tmp_path, monkeypatch):
    """-j 1000 on a directory of 20 runs forked 20 worker processes on a 2-core machine (a
    run each, the memory of each); the pool now holds at most 4 per core."""
    import spikecheck.fleet as fleet

    seen = {}
    real = fleet.run_jobs

    def spy(jobs, settings, n_jobs, on_result):
        seen["n_jobs"] = n_jobs
        return real(jobs, settings, 1, on_result)

    monkeypatch.setattr(fleet, "default_jobs", lambda: 2)
    monkeypatch.setattr(fleet, "run_jobs", spy)
    for i in range(20):
        (tmp_path / f"r{i}.csv").write_bytes(bad.csv_bytes())
    res = invoke(tmp_path, "--jobs", "1000", "--quiet", "--steps-per-epoch", "50")
    assert res.exit_code == 1, res.output
    assert seen["n_jobs"] == 8
    assert "--jobs 1000 is more than 4 per core (2 cores here): 8 worker processes" in res.stderr
    small = invoke(tmp_path / "r0.csv", tmp_path / "r1.csv", "--jobs", "1000", "--quiet")
    assert "per core" not in small.stderr  # two runs never start more than two workers
