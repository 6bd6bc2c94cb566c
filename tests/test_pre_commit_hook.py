""".pre-commit-hooks.yaml: a valid hook whose command, run as pre-commit runs it, checks logs."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from spikecheck.config import tomllib
from tests.ci_runner import ROOT, Runner, hook_command, load_yaml, pre_commit_files

# The keys pre-commit's manifest schema knows (pre_commit/clientlib.py, MANIFEST_HOOK_DICT).
MANIFEST_KEYS = {
    "id", "name", "entry", "language", "alias", "files", "exclude", "types", "types_or",
    "exclude_types", "additional_dependencies", "args", "always_run", "fail_fast",
    "pass_filenames", "description", "language_version", "log_file", "require_serial",
    "stages", "verbose", "minimum_pre_commit_version",
}


@pytest.fixture(scope="module")
def hook() -> dict:
    (only,) = load_yaml(ROOT / ".pre-commit-hooks.yaml")
    return only


def test_the_hook_definition_is_one_pre_commit_would_accept(hook):
    assert set(hook) <= MANIFEST_KEYS
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["id"] == "spikecheck" and hook["language"] == "python"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert hook["entry"].split()[0] in scripts  # what `pip install .` puts on PATH
    assert all(isinstance(a, str) for a in hook["args"])
    assert "--fail-on" not in hook["args"]  # would override the project's [tool.spikecheck]
    re.compile(hook["files"])


@pytest.mark.parametrize("path, matched", [
    ("logs/train.csv", True),
    ("logs/reference/resnet50/metrics.csv", True),
    ("experiments/runs/a/train.log.gz", True),
    ("training_logs/trainer_state.json", True),
    ("tb/run1/events.out.tfevents.1700000000.host.123.0", True),
    ("src/data/labels.csv", False),
    ("logs/plot.png", False),
    ("README.md", False),
    ("catalogs/x.csv", False),
])
def test_files_pattern_picks_training_logs(hook, path, matched):
    assert bool(re.search(hook["files"], path)) is matched


def reference_repo(tmp_path, fixtures, *logs: str):
    """A repository with the example's geometry in pyproject.toml and these logs committed."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[tool.spikecheck]\ndataset-size = 1777\n'
                                         'batch-size = 16\n')
    (repo / "logs" / "reference").mkdir(parents=True)
    for name in logs:
        shutil.copy(fixtures / f"example-{name}.csv", repo / "logs" / "reference" / f"{name}.csv")
    (repo / "src").mkdir()
    (repo / "src" / "labels.csv").write_text("id,label\n1,cat\n")  # not a log: not passed
    return repo


def test_the_hook_fails_a_commit_of_the_buggy_log(tmp_path, fixtures, hook):
    repo = reference_repo(tmp_path, fixtures, "buggy", "fixed")
    files = pre_commit_files(hook["files"], hook.get("exclude"), repo)
    assert files == ["logs/reference/buggy.csv", "logs/reference/fixed.csv"]
    runner = Runner(repo, tmp_path / "runner")
    done = subprocess.run(hook_command(hook, files), cwd=repo, env=runner.base_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(ln.startswith("epoch-aligned-spikes") and "buggy.csv" in ln for ln in lines)
    assert any(ln.startswith("clean") and "fixed.csv" in ln for ln in lines)


def test_the_hook_passes_the_fixed_log(tmp_path, fixtures, hook):
    repo = reference_repo(tmp_path, fixtures, "fixed")
    runner = Runner(repo, tmp_path / "runner")
    files = pre_commit_files(hook["files"], hook.get("exclude"), repo)
    done = subprocess.run(hook_command(hook, files), cwd=repo, env=runner.base_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("clean")
