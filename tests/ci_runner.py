"""A small stand-in for a CI runner, so the action and the README recipes run in the tests.

It does what GitHub Actions and GitLab CI do with the parts the recipes use: expressions
`${{ inputs.x }}`, `${{ github.action_path }}` and `${{ steps.id.outputs.x }}`; `env:`;
`run:` / `script:` lines in bash (GitHub's `bash -e -o pipefail`); step `if:` with
`always()`; a fresh $GITHUB_OUTPUT per step and one $GITHUB_STEP_SUMMARY per job; the
composite action of this repository run from its action.yml. Nothing is fetched: `pip`
and `python -m pip` only record what they were asked to install, `spikecheck` runs this
checkout (`python -m spikecheck`), and third-party actions are checked, not run.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is in the dev extra: pip install -e '.[dev]'")

ROOT = Path(__file__).resolve().parents[1]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load_yaml(path_or_text: Path | str) -> dict:
    """A YAML document (a workflow's `on:` key stays "on", not YAML 1.1's True)."""
    text = path_or_text.read_text() if isinstance(path_or_text, Path) else path_or_text
    doc = yaml.safe_load(text)
    if isinstance(doc, dict) and True in doc:
        doc["on"] = doc.pop(True)
    return doc


@dataclass
class Runner:
    """A job's machine: a workspace, a temp dir, shims on PATH, the recorded installs."""

    workspace: Path
    temp: Path
    installs: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bin = self.temp / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        self.pip_log = self.temp / "pip-calls"
        python = sys.executable
        self._shim("spikecheck", f'exec "{python}" -m spikecheck "$@"')
        self._shim("pip", f'printf "%s\\n" "$*" >> "{self.pip_log}"')
        # `python -m pip ...` is recorded; any other python is this test's interpreter
        self._shim("python", f'if [ "$1 $2" = "-m pip" ]; then shift 2; exec pip "$@"; fi\n'
                             f'exec "{python}" "$@"')
        self.summary = self.temp / "step-summary.md"
        self.summary.touch()
        self.runner_temp = self.temp / "runner-temp"
        self.runner_temp.mkdir(exist_ok=True)

    def _shim(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!/usr/bin/env bash\n{body}\n")
        path.chmod(path.stat().st_mode | stat.S_IEXEC)

    def base_env(self) -> dict[str, str]:
        """What every step sees: the runner's variables and this checkout on the path."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_", "CI"))}
        env.update(PATH=f"{self.bin}{os.pathsep}{env.get('PATH', '')}",
                   PYTHONPATH=str(ROOT), NO_COLOR="1", CI="true",
                   RUNNER_TEMP=str(self.runner_temp), GITHUB_WORKSPACE=str(self.workspace),
                   GITHUB_STEP_SUMMARY=str(self.summary), GITHUB_ACTIONS="true")
        return env

    def shell(self, script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        """A `run:` block as GitHub runs it: bash --noprofile --norc -eo pipefail FILE."""
        path = self.temp / "step.sh"
        path.write_text(script)
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)],
                              cwd=self.workspace, env=env, capture_output=True, text=True,
                              timeout=300)

    def pip_calls(self) -> list[str]:
        """The arguments of each pip call so far (nothing was installed)."""
        return self.pip_log.read_text().splitlines() if self.pip_log.exists() else []


def evaluate(text: str, context: dict[str, object]) -> str:
    """Replace ${{ a.b.c }} by its value in `context` (a dotted lookup); unknown -> error."""
    def value(match: re.Match) -> str:
        expr = match.group(1)
        node: object = context
        for part in expr.split("."):
            if not isinstance(node, dict) or part not in node:
                raise AssertionError(f"expression the test runner does not know: {expr}")
            node = node[part]
        return "" if node is None else str(node)

    return EXPRESSION.sub(value, str(text))


def read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT's name=value lines."""
    out = {}
    for line in path.read_text().splitlines():
        name, _, value = line.partition("=")
        out[name] = value
    return out


@dataclass
class StepResult:
    """One step: its exit code, its output and the outputs it set."""

    name: str
    code: int
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


def _condition(text: str, inputs: dict[str, str]) -> bool:
    """An action step's `if:` of the form inputs.NAME == 'value' (all action.yml uses)."""
    m = re.fullmatch(r"inputs\.([\w-]+)\s*==\s*'([^']*)'", text.strip())
    assert m, f"a condition the test runner does not know: {text}"
    return inputs[m.group(1)] == m.group(2)


def run_action(runner: Runner, with_inputs: dict[str, object], env: dict[str, str]
               ) -> tuple[list[StepResult], dict[str, str]]:
    """This repository's action.yml as a composite step: its steps and its outputs."""
    action = load_yaml(ROOT / "action.yml")
    unknown = set(with_inputs) - set(action["inputs"])
    assert not unknown, f"inputs the action does not have: {unknown}"
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    inputs.update({k: ("true" if v is True else "false" if v is False else str(v))
                   for k, v in with_inputs.items()})
    missing = [k for k, v in action["inputs"].items() if v.get("required") and not inputs[k]]
    assert not missing, f"required inputs not given: {missing}"
    context: dict[str, object] = {"inputs": inputs, "github": {"action_path": str(ROOT)},
                                  "steps": {}}
    results: list[StepResult] = []
    for step in action["runs"]["steps"]:
        if "if" in step and not _condition(step["if"], inputs):
            continue
        if "uses" in step:
            assert step["uses"].startswith("actions/setup-python@")
            assert evaluate(step["with"]["python-version"], context)
            results.append(StepResult(step["uses"], 0))
            continue
        assert step["shell"] == "bash" and "${{" not in step["run"], \
            "inputs reach the script through env:, never spliced into it"
        step_env = {**env, "GITHUB_ACTION_PATH": str(ROOT)}
        step_env.update({k: evaluate(v, context) for k, v in step.get("env", {}).items()})
        output_file = runner.temp / f"output-{len(results)}"
        output_file.write_text("")
        step_env["GITHUB_OUTPUT"] = str(output_file)
        done = runner.shell(step["run"], step_env)
        result = StepResult(step.get("name", ""), done.returncode, done.stdout, done.stderr,
                            read_outputs(output_file))
        results.append(result)
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": result.outputs}  # type: ignore[index]
        if result.code:
            break
    outputs = {name: evaluate(spec["value"], context) if context["steps"] else ""
               for name, spec in action["outputs"].items()}
    return results, outputs


def run_workflow_job(runner: Runner, job: dict, workflow_env: dict | None = None
                     ) -> tuple[bool, list[StepResult]]:
    """A GitHub job's steps in order; (the job failed, each step's result)."""
    context: dict[str, object] = {"steps": {}}
    failed = False
    results: list[StepResult] = []
    for step in job["steps"]:
        condition = str(step.get("if", ""))
        if failed and "always()" not in condition and "failure()" not in condition:
            continue
        env = runner.base_env()
        for scope in (workflow_env or {}, job.get("env", {}), step.get("env", {})):
            env.update({k: evaluate(v, context) for k, v in scope.items()})
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            result = StepResult(uses, 0)  # the workspace is the checkout
        elif uses.startswith("actions/setup-python@"):
            result = StepResult(uses, 0)
        elif uses.startswith("actions/upload-artifact@"):
            paths = evaluate(step["with"]["path"], context).split()
            missing = [p for p in paths if not (runner.workspace / p).exists()] or (
                [] if paths else ["(an empty path)"])
            result = StepResult(uses, 1 if missing else 0, stderr=f"missing: {missing}")
        elif re.fullmatch(r"[\w.-]+/spikecheck@[\w.-]+", uses):
            steps, outputs = run_action(runner, step.get("with", {}), env)
            result = StepResult(uses, steps[-1].code, "".join(s.stdout for s in steps),
                                "".join(s.stderr for s in steps), outputs)
        elif "run" in step:
            output_file = runner.temp / f"job-output-{len(results)}"
            output_file.write_text("")
            env["GITHUB_OUTPUT"] = str(output_file)
            done = runner.shell(evaluate(step["run"], context), env)
            result = StepResult(step.get("name", ""), done.returncode, done.stdout,
                                done.stderr, read_outputs(output_file))
        else:
            raise AssertionError(f"a step the test runner does not know: {step}")
        results.append(result)
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": result.outputs}  # type: ignore[index]
        failed = failed or (result.code != 0 and not step.get("continue-on-error"))
    return failed, results


def run_gitlab_job(runner: Runner, job: dict) -> subprocess.CompletedProcess:
    """A GitLab job's script: its lines in one shell, stopping at the first failure."""
    env = runner.base_env()
    env.update({k: str(v) for k, v in job.get("variables", {}).items()})
    script = "\n".join(job.get("before_script", []) + job["script"])
    return runner.shell(script, env)


def pre_commit_files(regex: str, exclude: str | None, workspace: Path) -> list[str]:
    """The files pre-commit would pass: tracked paths (here, all files) matching `files`."""
    found = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*")
                   if p.is_file())
    return [f for f in found if re.search(regex, f) and not (exclude and re.search(exclude, f))]


def hook_command(hook: dict, files: list[str]) -> list[str]:
    """The command pre-commit runs for a hook: entry, args, then the file names."""
    return [*shlex.split(hook["entry"]), *hook.get("args", []), *files]
