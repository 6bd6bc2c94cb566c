"""Every CI recipe of the README and docs/ci.md, extracted and run as written against the
bundled example.

The blocks marked ```lang title="recipe: NAME"``` are the recipes. Each runs in a fresh
repository holding the example as logs/train.csv: the buggy run must fail the job and
leave the reports the recipe promises, the fixed run must pass. A recipe that drifts from
the CLI (a renamed option, a file no longer written) fails here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from spikecheck.config import tomllib, validate
from tests.ci_runner import (
    ROOT,
    Runner,
    hook_command,
    load_yaml,
    pre_commit_files,
    run_gitlab_job,
    run_workflow_job,
)

RECIPE = re.compile(r'^```(\w+) title="recipe: ([\w-]+)"\n(.*?)^```$', re.M | re.S)
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI_DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
CONFIG_DOC = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
RECIPES = {name: (lang, body) for lang, name, body in RECIPE.findall(README + CI_DOC)}
# run: the example's run is buggy (the job must fail) or fixed (it must pass)
RUNS = {"buggy": True, "fixed": False}


def test_the_readme_has_every_recipe():
    assert set(RECIPES) == {"github-action", "github-cli", "gitlab", "pyproject", "shell",
                            "pre-commit"}
    in_readme = {name for _, name, _ in RECIPE.findall(README)}
    assert in_readme == {"github-action", "gitlab", "pyproject", "shell"}
    assert [lang for lang, _ in RECIPES.values()].count("yaml") == 4


def recipe(name: str) -> str:
    return RECIPES[name][1]


def repository(tmp_path: Path, fixtures: Path, run: str, with_pyproject: bool) -> Runner:
    """A fresh clone: .git, logs/train.csv (the example's run), maybe the pyproject recipe."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "logs").mkdir()
    shutil.copy(fixtures / f"example-{run}.csv", repo / "logs" / "train.csv")
    if with_pyproject:
        (repo / "pyproject.toml").write_text(recipe("pyproject"), encoding="utf-8")
    return Runner(repo, tmp_path / "runner")


def only_job(workflow: dict) -> dict:
    assert workflow["on"], "a workflow needs its triggers"
    (job,) = workflow["jobs"].values()
    assert job["runs-on"]
    assert job["steps"][0]["uses"].startswith("actions/checkout@")
    return job


@pytest.mark.parametrize("run, fails", RUNS.items())
def test_github_action_recipe(tmp_path, fixtures, run, fails):
    runner = repository(tmp_path, fixtures, run, with_pyproject=False)
    job = only_job(load_yaml(recipe("github-action")))
    failed, steps = run_workflow_job(runner, job)
    assert failed is fails
    checkout, action, upload = steps
    assert upload.code == 0, upload.stderr  # the JUnit report's path exists, even on failure
    assert runner.pip_calls() == [f"install --disable-pip-version-check --quiet {ROOT}"]
    out = action.outputs
    assert out["runs"] == "1" and out["exit-code"] == ("1" if fails else "0")
    assert out["epoch-aligned-spikes" if fails else "clean"] == "1"
    assert ("::error file=logs/train.csv" in action.stdout) is fails
    summary = runner.summary.read_text()
    assert summary.startswith(f"## spikecheck: {int(fails)} of 1 run fail")


@pytest.mark.parametrize("run, fails", RUNS.items())
def test_github_cli_recipe(tmp_path, fixtures, run, fails):
    runner = repository(tmp_path, fixtures, run, with_pyproject=False)
    job = only_job(load_yaml(recipe("github-cli")))
    failed, steps = run_workflow_job(runner, job)
    assert failed is fails
    assert runner.pip_calls() == ["install spikecheck"]
    check = next(s for s in steps if "spikecheck " in s.name or s.name.startswith("Check"))
    assert check.code == (1 if fails else 0), check.stderr
    assert ("::error file=logs/train.csv" in check.stdout) is fails
    assert steps[-1].code == 0, steps[-1].stderr  # upload-artifact found the report
    junit = (runner.workspace / "spikecheck-junit.xml").read_text()
    assert ('<failure type="epoch-aligned-spikes"' in junit) is fails
    assert runner.summary.read_text().startswith("## spikecheck:")


@pytest.mark.parametrize("run, fails", RUNS.items())
def test_gitlab_recipe(tmp_path, fixtures, run, fails):
    runner = repository(tmp_path, fixtures, run, with_pyproject=False)
    (job,) = load_yaml(recipe("gitlab")).values()
    done = run_gitlab_job(runner, job)
    assert done.returncode == (1 if fails else 0), done.stderr
    assert runner.pip_calls() == ["install spikecheck"]
    artifacts = job["artifacts"]
    assert artifacts["when"] == "always"
    for path in [*artifacts["paths"], artifacts["reports"]["junit"]]:
        assert (runner.workspace / path).is_file(), path
    md = (runner.workspace / "spikecheck.md").read_text()
    assert md.startswith(f"## spikecheck: {int(fails)} of 1 run fail")
    junit = (runner.workspace / artifacts["reports"]["junit"]).read_text()
    assert ('<failure type="epoch-aligned-spikes"' in junit) is fails


@pytest.mark.parametrize("run, fails", RUNS.items())
def test_shell_recipe_with_the_pyproject_recipe(tmp_path, fixtures, run, fails):
    runner = repository(tmp_path, fixtures, run, with_pyproject=True)
    done = runner.shell(recipe("shell"), runner.base_env())
    assert done.returncode == (1 if fails else 0), done.stderr
    assert runner.pip_calls() == ["install spikecheck"]
    shown = done.stdout.splitlines()
    assert any(re.match(r"dataset-size\s+1777\s+.*pyproject\.toml", ln) for ln in shown)
    doc = json.loads((runner.workspace / "spikecheck.json").read_text())
    (r,) = doc["runs"]
    assert r["geometry"]["steps_per_epoch"] == 112  # the geometry came from pyproject.toml
    assert r["verdict"] == ("epoch-aligned-spikes" if fails else "clean")
    assert (runner.workspace / "spikecheck-junit.xml").is_file()


@pytest.mark.parametrize("run, fails", RUNS.items())
def test_pre_commit_recipe(tmp_path, fixtures, run, fails):
    runner = repository(tmp_path, fixtures, run, with_pyproject=True)
    (repo,) = load_yaml(recipe("pre-commit"))["repos"]
    assert repo["rev"]
    (configured,) = repo["hooks"]
    manifest = {h["id"]: h for h in load_yaml(ROOT / ".pre-commit-hooks.yaml")}
    hook = {**manifest[configured["id"]], **configured}  # the config overrides the manifest
    files = pre_commit_files(hook["files"], hook.get("exclude"), runner.workspace)
    assert files == ["logs/train.csv"]  # not pyproject.toml
    done = subprocess.run(hook_command(hook, files), cwd=runner.workspace,
                          env=runner.base_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == (1 if fails else 0), done.stderr
    verdict = "epoch-aligned-spikes" if fails else "clean"
    assert done.stdout.startswith(verdict) and "logs/train.csv" in done.stdout


def test_every_tool_spikecheck_table_in_the_readme_is_valid():
    """The pyproject examples (recipe or not) hold only keys and types spikecheck accepts."""
    blocks = re.findall(r"^```toml[^\n]*\n(.*?)^```$", README + CI_DOC + CONFIG_DOC,
                        re.M | re.S)
    tables = [tomllib.loads(b)["tool"]["spikecheck"] for b in blocks if "[tool.spikecheck]" in b]
    assert len(tables) >= 2
    for table in tables:
        validate(table, Path("README.md"))
