"""action.yml run as a composite step by tests/ci_runner.py: inputs, install, outputs, summary."""

from __future__ import annotations

import shutil

from spikecheck.ci_action import OUTPUTS, VALUE_INPUTS, env_name
from tests.ci_runner import ROOT, Runner, load_yaml, run_action


def test_every_input_reaches_the_script_and_every_output_is_set():
    action = load_yaml(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    run_step = next(s for s in action["runs"]["steps"] if s.get("id") == "spikecheck")
    cli_inputs = {"paths", "drop-last", "args", "junit", *VALUE_INPUTS}
    assert cli_inputs <= set(action["inputs"])
    for name in cli_inputs:
        assert run_step["env"][env_name(name)] == "${{ inputs." + name + " }}"
    assert set(action["outputs"]) == set(OUTPUTS)
    for name, spec in action["outputs"].items():
        assert spec["value"] == "${{ steps.spikecheck.outputs." + name + " }}"


def test_the_action_on_the_bundled_example(tmp_path, fixtures):
    work = tmp_path / "repo"
    (work / "logs").mkdir(parents=True)
    shutil.copy(fixtures / "example-buggy.csv", work / "logs" / "buggy.csv")
    shutil.copy(fixtures / "example-fixed.csv", work / "logs" / "fixed.csv")
    runner = Runner(work, tmp_path / "runner")
    steps, outputs = run_action(runner, {"paths": "logs/*.csv", "dataset-size": 1777,
                                         "batch-size": 16}, runner.base_env())
    setup, install, check = steps
    assert setup.name.startswith("actions/setup-python@")
    assert install.code == 0 and runner.pip_calls() == [
        f"install --disable-pip-version-check --quiet {ROOT}"]
    assert check.code == 1
    assert "::error file=logs/buggy.csv" in check.stdout
    assert outputs["runs"] == "2" and outputs["failing"] == "1"
    assert outputs["epoch-aligned-spikes"] == "1" and outputs["clean"] == "1"
    assert outputs["exit-code"] == "1"
    assert runner.summary.read_text().startswith("## spikecheck: 1 of 2 runs fail")


def test_the_package_input_replaces_the_action_checkout(tmp_path, fixtures):
    work = tmp_path / "repo"
    work.mkdir()
    shutil.copy(fixtures / "example-fixed.csv", work / "train.csv")
    runner = Runner(work, tmp_path / "runner")
    steps, outputs = run_action(runner, {"paths": "train.csv", "dataset-size": 1777,
                                         "batch-size": 16, "package": "spikecheck==0.1.0",
                                         "setup-python": False}, runner.base_env())
    assert runner.pip_calls() == ["install --disable-pip-version-check --quiet "
                                  "spikecheck==0.1.0"]
    assert [s.name for s in steps] == ["Install spikecheck", "Run spikecheck"]  # no set-up
    assert steps[-1].code == 0 and outputs["clean"] == "1" and outputs["failing"] == "0"
