"""The GitHub Action's step (action.yml): its inputs -> one spikecheck run -> step outputs.

action.yml passes its inputs as INPUT_* environment variables (never spliced into the
script, so an input cannot inject shell) and runs `python -m spikecheck.ci_action`, which:

- runs `spikecheck PATHS [options] --format github --junit FILE`: annotations go to the
  log, and the CLI itself appends the markdown summary to $GITHUB_STEP_SUMMARY;
- counts the verdicts from the JUnit report and appends them to $GITHUB_OUTPUT (runs,
  failing, unreadable, one count per verdict id, exit-code, junit);
- exits with the CLI's code (0 pass, 1 findings at or above fail-on, 2 unreadable input).

An empty input is an option not given, so `[tool.spikecheck]` in the repository's
pyproject.toml (or the built-in default) applies. It runs the same outside GitHub, which
is how the tests check it.
"""

from __future__ import annotations

import glob
import os
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from spikecheck.render.sanitize import clean
from spikecheck.verdicts import Verdict

# action input -> the CLI option it sets (value options; drop-last is a switch)
VALUE_INPUTS = {
    "dataset-size": "--dataset-size",
    "batch-size": "--batch-size",
    "grad-accum": "--grad-accum",
    "world-size": "--world-size",
    "steps-per-epoch": "--steps-per-epoch",
    "fail-on": "--fail-on",
    "metric": "--metric",
}
OUTPUTS = ("runs", "failing", "unreadable", *Verdict.ALL, "exit-code", "junit")


class ActionInputError(ValueError):
    """An input the action cannot turn into a command line."""


def env_name(name: str) -> str:
    """The environment variable action.yml sets for an input: INPUT_DATASET_SIZE."""
    return "INPUT_" + name.replace("-", "_").upper()


def get_input(env: Mapping[str, str], name: str) -> str:
    """An input's value, stripped; empty when not given."""
    return env.get(env_name(name), "").strip()


def expand_paths(text: str) -> list[str]:
    """The `paths` input: whitespace- or newline-separated, shell quoting, globs expanded
    (`**` too); a pattern that matches nothing is kept, so spikecheck says it is missing."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ActionInputError(f"paths: {exc}") from None
    out: list[str] = []
    for word in words:
        matches = sorted(glob.glob(word, recursive=True)) if glob.has_magic(word) else []
        out.extend(matches or [word])
    if not out:
        raise ActionInputError("paths: no log given (set `paths:` to files, directories "
                               "or globs)")
    return out


def cli_arguments(env: Mapping[str, str], junit: str) -> list[str]:
    """The spikecheck command line for these inputs (without the program name)."""
    args = expand_paths(get_input(env, "paths"))
    for name, option in VALUE_INPUTS.items():
        value = get_input(env, name)
        if value:
            args += [option, value]
    drop_last = get_input(env, "drop-last").lower()
    if drop_last in ("true", "false"):
        args.append("--drop-last" if drop_last == "true" else "--no-drop-last")
    elif drop_last:
        raise ActionInputError(f"drop-last: {drop_last!r} is not true or false")
    try:
        args += shlex.split(get_input(env, "args"))
    except ValueError as exc:
        raise ActionInputError(f"args: {exc}") from None
    return [*args, "--format", "github", "--junit", junit]


def verdict_counts(junit: str) -> dict[str, int]:
    """Runs, failing, unreadable and one count per verdict, read from the JUnit report."""
    counts = dict.fromkeys(("runs", "failing", "unreadable", *Verdict.ALL), 0)
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return counts
    for case in root.iter("testcase"):
        counts["runs"] += 1
        if case.find("error") is not None:
            counts["unreadable"] += 1
            continue
        if case.find("failure") is not None:
            counts["failing"] += 1
        for prop in case.iterfind("properties/property"):
            if prop.get("name") == "verdict" and prop.get("value") in counts:
                counts[prop.get("value")] += 1  # type: ignore[index]
    return counts


def write_outputs(path: str | None, outputs: Mapping[str, object]) -> None:
    """Append name=value lines to $GITHUB_OUTPUT (nothing when it is not set)."""
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        for name, value in outputs.items():
            f.write(f"{name}={value}\n")


def _own_report(path: str) -> bool:
    """A JUnit report spikecheck wrote (safe to remove): never any other file, so a `junit`
    input naming a log is refused by spikecheck itself, not deleted here first."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return head.startswith(b"<?xml") and b'<testsuites name="spikecheck"' in head


def main(env: Mapping[str, str] | None = None) -> int:
    """Run the action's step; the exit code the step ends with."""
    env = os.environ if env is None else env
    junit = get_input(env, "junit") or os.path.join(
        env.get("RUNNER_TEMP") or tempfile.gettempdir(), "spikecheck-junit.xml")
    try:
        args = cli_arguments(env, junit)
    except ActionInputError as exc:
        print(f"::error title=spikecheck action::{clean(exc)}", flush=True)
        write_outputs(env.get("GITHUB_OUTPUT"), {"exit-code": 2})
        return 2
    if _own_report(junit):
        os.remove(junit)  # a report left from an earlier step must not be counted
    # one line: a file name holding a newline cannot start a workflow command of its own
    print(clean("spikecheck " + shlex.join(args)), flush=True)
    code = subprocess.run([sys.executable, "-m", "spikecheck", *args], env=dict(env)).returncode
    outputs: dict[str, object] = dict(verdict_counts(junit))
    outputs["exit-code"] = code
    outputs["junit"] = clean(junit) if os.path.exists(junit) else ""
    write_outputs(env.get("GITHUB_OUTPUT"), {name: outputs[name] for name in OUTPUTS})
    return code


if __name__ == "__main__":
    sys.exit(main())
