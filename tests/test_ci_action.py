"""spikecheck/ci_action.py, the Action's step, run outside GitHub with its files pointed at tmp."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spikecheck.ci_action import (
    OUTPUTS,
    ActionInputError,
    cli_arguments,
    expand_paths,
    verdict_counts,
)

ROOT = Path(__file__).resolve().parents[1]


def step(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, dict, str]:
    """`python -m spikecheck.ci_action` as action.yml runs it; (process, outputs, summary)."""
    output, summary = tmp_path / "github-output", tmp_path / "step-summary.md"
    output.write_text("")
    summary.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    env.update(PYTHONPATH=str(ROOT), GITHUB_OUTPUT=str(output),
               GITHUB_STEP_SUMMARY=str(summary), RUNNER_TEMP=str(tmp_path), NO_COLOR="1")
    env.update({"INPUT_" + k.upper(): v for k, v in inputs.items()})
    done = subprocess.run([sys.executable, "-m", "spikecheck.ci_action"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return done, outputs, summary.read_text()


@pytest.fixture
def logs(tmp_path: Path, fixtures: Path) -> Path:
    """A repository's logs: the buggy and the fixed run of the bundled example."""
    d = tmp_path / "logs"
    d.mkdir()
    shutil.copy(fixtures / "example-buggy.csv", d / "buggy.csv")
    shutil.copy(fixtures / "example-fixed.csv", d / "fixed.csv")
    return d


def test_buggy_and_fixed_runs_give_annotations_summary_outputs_and_exit_1(tmp_path, logs):
    done, out, summary = step(tmp_path, paths="logs/*.csv", dataset_size="1777",
                              batch_size="16")
    assert done.returncode == 1
    assert set(out) == set(OUTPUTS)
    assert out["runs"] == "2" and out["failing"] == "1" and out["unreadable"] == "0"
    assert out["epoch-aligned-spikes"] == "1" and out["clean"] == "1"
    assert out["exit-code"] == "1"
    assert out["junit"] == str(tmp_path / "spikecheck-junit.xml")
    assert Path(out["junit"]).is_file()
    (error,) = [ln for ln in done.stdout.splitlines() if ln.startswith("::error")]
    assert "file=logs/buggy.csv" in error and "partial-final-batch" in error
    assert summary.startswith("## spikecheck: 1 of 2 runs fail")
    assert "buggy.csv" in summary and "fixed.csv" in summary


def test_fail_on_never_passes_and_still_counts(tmp_path, logs):
    done, out, _ = step(tmp_path, paths="logs/buggy.csv", dataset_size="1777",
                        batch_size="16", fail_on="never")
    assert done.returncode == 0
    assert out["runs"] == "1" and out["failing"] == "0"
    assert out["epoch-aligned-spikes"] == "1" and out["exit-code"] == "0"
    assert "::warning file=logs/buggy.csv" in done.stdout


def test_a_missing_log_is_exit_2_counted_unreadable(tmp_path, logs):
    done, out, _ = step(tmp_path, paths="logs/fixed.csv logs/nope.csv", dataset_size="1777",
                        batch_size="16")
    assert done.returncode == 2
    assert out["runs"] == "2" and out["unreadable"] == "1" and out["clean"] == "1"
    assert "::error" in done.stdout and "nope.csv" in done.stdout


def test_empty_inputs_leave_the_project_defaults_in_force(tmp_path, logs):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.spikecheck]\ndataset-size = 1777\nbatch-size = 16\nfail-on = "never"\n')
    done, out, _ = step(tmp_path, paths="logs/buggy.csv", dataset_size="", fail_on="")
    assert done.returncode == 0  # fail-on never from pyproject.toml
    assert out["epoch-aligned-spikes"] == "1"


def test_bad_drop_last_is_an_annotation_and_exit_2(tmp_path, logs):
    done, out, _ = step(tmp_path, paths="logs/buggy.csv", drop_last="yes")
    assert done.returncode == 2 and out == {"exit-code": "2"}
    assert done.stdout.startswith("::error title=spikecheck action::drop-last")


def test_a_file_name_with_a_newline_cannot_start_a_workflow_command(tmp_path, logs):
    (logs / "x\n::error::injected.csv").write_text("step,loss\n")
    done, _, _ = step(tmp_path, paths="logs/x*", dataset_size="1777", batch_size="16")
    assert done.returncode == 2
    assert not any(ln.startswith("::error::injected") for ln in done.stdout.splitlines())
    assert any(ln.startswith("::error") and "injected" in ln for ln in done.stdout.splitlines())


def test_inputs_become_options(tmp_path):
    env = {"INPUT_PATHS": "a.csv\n'my run.csv'", "INPUT_DATASET_SIZE": " 1777 ",
           "INPUT_DROP_LAST": "false", "INPUT_WORLD_SIZE": "", "INPUT_ARGS": "--first-step 0"}
    args = cli_arguments(env, "j.xml")
    assert args == ["a.csv", "my run.csv", "--dataset-size", "1777", "--no-drop-last",
                    "--first-step", "0", "--format", "github", "--junit", "j.xml"]
    assert "--drop-last" in cli_arguments({"INPUT_PATHS": "a", "INPUT_DROP_LAST": "True"}, "j")


def test_globs_expand_recursively_and_a_pattern_matching_nothing_is_kept(tmp_path,
                                                                          monkeypatch):
    (tmp_path / "runs" / "a").mkdir(parents=True)
    (tmp_path / "runs" / "a" / "train.csv").write_text("step,loss\n")
    (tmp_path / "runs" / "b.csv").write_text("step,loss\n")
    monkeypatch.chdir(tmp_path)
    assert expand_paths("runs/**/*.csv") == ["runs/a/train.csv", "runs/b.csv"]
    assert expand_paths("none/*.csv") == ["none/*.csv"]
    with pytest.raises(ActionInputError, match="paths"):
        expand_paths("  \n ")


def test_counts_of_a_missing_or_broken_report_are_zero(tmp_path):
    broken = tmp_path / "j.xml"
    broken.write_text("<testsuites")
    assert set(verdict_counts(str(broken)).values()) == {0}
    assert set(verdict_counts(str(tmp_path / "none.xml")).values()) == {0}
