"""GitHub's limits for one step. $GITHUB_STEP_SUMMARY: past 1 MiB GitHub shows none of the
step's summary (the other commands' parts included); a fleet of failing runs, a megabyte
column name or a summary file already near full once wrote past it, and the summary is now
cut to the room left, saying what was left out. Annotations: 10 errors and 10 warnings a
step, the rest dropped without a word; past 10 a finding is a plain log line and a notice
says how many."""

from __future__ import annotations

import pytest
from hostile import badinputs as bad
from hostile.harness import graceful, invoke

from spikecheck.cli import STEP_SUMMARY_LIMIT


def failing_runs(tmp_path, n: int):
    logs = tmp_path / "runs"
    for i in range(n):
        (logs / f"run{i:03d}").mkdir(parents=True)
        (logs / f"run{i:03d}" / "metrics.csv").write_bytes(bad.csv_bytes())
    return logs


def summary_after(tmp_path, monkeypatch, *args, held: int = 0) -> tuple[object, str]:
    path = tmp_path / "summary.md"
    path.write_bytes(b"x" * held)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    res = invoke(*args)
    return res, path.read_bytes()[held:].decode()


def test_a_summary_that_does_not_fit_is_cut_to_the_room_left(tmp_path, monkeypatch):
    """12 failing runs (each section about 2 KB) with 10 KB left in the file."""
    held = STEP_SUMMARY_LIMIT - 10_000
    res, text = summary_after(tmp_path, monkeypatch, failing_runs(tmp_path, 12), "-j", "1",
                              "--steps-per-epoch", bad.SPE, held=held)
    assert graceful(res) == "analysis"
    assert held + len(text.encode()) <= STEP_SUMMARY_LIMIT
    assert text.count("| ❌ |") == 12  # every table row kept
    assert text.count("### ❌") < 12
    assert f"0 table rows and {12 - text.count('### ❌')} run sections left out" in text


def test_a_summary_that_fits_is_whole(tmp_path, monkeypatch):
    res, text = summary_after(tmp_path, monkeypatch, failing_runs(tmp_path, 3), "-j", "1",
                              "--steps-per-epoch", bad.SPE)
    assert text.count("### ❌") == 3 and "left out" not in text


def test_a_full_summary_file_gets_a_warning_not_a_summary(tmp_path, monkeypatch):
    res, text = summary_after(tmp_path, monkeypatch, failing_runs(tmp_path, 1), "-j", "1",
                              "--steps-per-epoch", bad.SPE, held=STEP_SUMMARY_LIMIT - 100)
    assert text == ""
    assert "no room for the summary under GitHub's 1 MiB limit" in res.stderr


@pytest.mark.parametrize("fmt", ["markdown", "summary"])
def test_a_megabyte_column_name_is_clipped(tmp_path, monkeypatch, fmt):
    """A CSV whose loss column is named with a megabyte: the markdown held it twice (2 MB)."""
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes().replace(b"step,loss", b"step,train_" + b"loss" * (1 << 18)))
    if fmt == "markdown":
        res = invoke(p, "--steps-per-epoch", bad.SPE, "--format", "markdown")
        text = res.stdout
    else:
        res, text = summary_after(tmp_path, monkeypatch, p, "--steps-per-epoch", bad.SPE)
    assert graceful(res) == "analysis"
    assert "train\\_losslossloss" in text and "…" in text
    assert len(text.encode()) < 50_000


def test_findings_past_ten_annotations_are_log_lines_and_a_notice(tmp_path):
    res = invoke(failing_runs(tmp_path, 13), "-j", "1", "--steps-per-epoch", bad.SPE,
                 "--format", "github")
    assert graceful(res) == "analysis"
    lines = res.stdout.splitlines()
    assert sum(ln.startswith("::error ") for ln in lines) == 10
    plain = [ln for ln in lines if ln.startswith("spikecheck: error: ")]
    assert len(plain) == 3 and all("anomalies recur" in ln for ln in plain)
    assert [ln.split()[2] for ln in plain] == [f"{tmp_path}/runs/run{i:03d}/metrics.csv"
                                               for i in (10, 11, 12)]
    (notice,) = [ln for ln in lines if ln.startswith("::notice ")]
    assert "3 failing runs and 0 warnings beyond the 10" in notice


def test_ten_findings_are_all_annotations(tmp_path):
    res = invoke(failing_runs(tmp_path, 10), "-j", "1", "--steps-per-epoch", bad.SPE,
                 "--format", "github")
    lines = res.stdout.splitlines()
    assert sum(ln.startswith("::error ") for ln in lines) == 10
    assert not any(ln.startswith(("::notice", "spikecheck: error")) for ln in lines)
