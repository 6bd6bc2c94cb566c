"""No output ever lands on an input or on another output, whatever name reaches it: the GitHub
step summary (appended to), --plot's numbered names for several runs (x-1.png, x-2.png...),
hard and symbolic links, --junit. Each clash is exit 2 before anything is read, and the
files involved are untouched. Spikecheck's own reports saved beside the logs are not
read back as logs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hostile import badinputs as bad
from hostile.harness import error_line, graceful, invoke

from spikecheck.ci_action import main as action_main


@pytest.fixture
def log(tmp_path):
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    return p


def refused(res) -> str:
    """Exit 2, one error line, no report: nothing was read."""
    assert graceful(res) == "error"
    assert res.stdout == ""
    return error_line(res)


def test_the_step_summary_pointed_at_an_input_leaves_it_alone(log, monkeypatch):
    before = log.read_bytes()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(log))
    line = refused(invoke(log, "--steps-per-epoch", "50"))
    assert "GITHUB_STEP_SUMMARY" in line and "is the input" in line
    assert log.read_bytes() == before  # it used to end with a markdown table


def test_the_step_summary_on_the_junit_file_would_corrupt_the_xml(log, tmp_path, monkeypatch):
    junit = tmp_path / "report.xml"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(junit))
    line = refused(invoke(log, "--junit", junit))
    assert "--junit" in line
    assert not junit.exists()


def test_the_step_summary_elsewhere_is_appended_as_before(log, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    res = invoke(log, "--steps-per-epoch", "50")
    assert res.exit_code == 1, res.output
    text = summary.read_text()
    assert text.startswith("# earlier step\n") and "epoch-aligned-spikes" in text


def test_numbered_plot_names_never_land_on_an_input(log, tmp_path):
    """Two runs with --plot x.png write x-1.png and x-2.png: an input named x-2.png (a log
    can be called anything) was overwritten by a picture."""
    second = tmp_path / "x-2.png"
    second.write_bytes(bad.csv_bytes())
    before = second.read_bytes()
    line = refused(invoke(log, second, "--plot", tmp_path / "x.png"))
    assert "one PNG per run" in line and "x-2.png" in line
    assert second.read_bytes() == before
    assert not (tmp_path / "x-1.png").exists()


def test_numbered_plot_names_never_land_on_the_junit_file(log, tmp_path):
    line = refused(invoke(log, log, "--plot", tmp_path / "y.png",
                          "--junit", tmp_path / "y-1.png"))
    assert "--junit" in line and "one PNG per run" in line


def test_a_numbered_plot_name_linked_to_an_input_is_refused(log, tmp_path):
    (tmp_path / "p-1.png").symlink_to(log)
    before = log.read_bytes()
    line = refused(invoke(log, log, "--plot", tmp_path / "p.png"))
    assert "link to an input" in line
    assert log.read_bytes() == before


def test_a_hard_link_to_the_input_is_the_input(log, tmp_path):
    link = tmp_path / "looks-new.xml"
    os.link(log, link)
    before = log.read_bytes()
    line = refused(invoke(log, "--junit", link))
    assert "is the input" in line
    assert log.read_bytes() == before


@pytest.mark.parametrize("option", ["--junit", "--plot"])
def test_an_empty_output_name_is_an_error_not_no_output(log, option):
    """`--junit "$REPORT"` with REPORT unset used to write nothing and say nothing."""
    res = invoke(log, option, "")
    assert res.exit_code == 2
    assert option in res.output and "must not be empty" in res.output


def test_own_reports_beside_the_logs_are_not_read_back_as_logs(tmp_path):
    """`spikecheck runs/ -f json > runs/report.json` (and jsonl, markdown, --junit) then the
    same command again: the saved reports used to be read as logs, and exit 2."""
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "a.csv").write_bytes(bad.csv_bytes())
    (runs / "b.log").write_bytes(bad.nanogpt_bytes())
    first = invoke(runs, "--steps-per-epoch", "50", "--format", "json", "--junit",
                   runs / "report.xml")
    assert first.exit_code == 1, first.output
    (runs / "report.json").write_text(first.stdout)
    for fmt, name in (("jsonl", "report.jsonl"), ("markdown", "summary.txt")):
        (runs / name).write_text(invoke(runs, "--steps-per-epoch", "50", "-f", fmt).stdout)
    again = invoke(runs, "--steps-per-epoch", "50", "--format", "json", "--verbose")
    assert again.exit_code == 1, again.output
    assert sorted(r["run"] for r in json.loads(again.stdout)["runs"]) == ["a.csv", "b.log"]
    for name in ("report.json", "report.jsonl", "summary.txt", "report.xml"):
        assert f"skipped {name}" in again.stderr, (name, again.stderr)


def test_the_action_never_deletes_a_file_that_is_not_its_report(log, tmp_path):
    """action.yml's `junit:` input pointed at a log: the step removed it before running
    spikecheck (to clear an old report); now spikecheck refuses it and it stays."""
    before = log.read_bytes()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    env.update(INPUT_PATHS=str(log), INPUT_JUNIT=str(log), INPUT_STEPS_PER_EPOCH="50",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    code = action_main(env)
    assert code == 2
    assert log.read_bytes() == before
