"""The round-two adversarial generators (tests/hostile/adversarial.py) through the fuzz
check, and hostile column names through the whole CLI in every format."""

from __future__ import annotations

import re

import pytest
from fuzz import targets
from hostile import adversarial as adv
from hostile.harness import invoke


@pytest.mark.parametrize("case", sorted(adv.all_cases()))
def test_every_generated_case_passes_the_fuzz_check(tmp_path, case):
    data = adv.all_cases()[case]
    reader = "text" if case == "catastrophic text" else "csv"
    targets.check(data, reader, tmp_path)  # raises Crash on a traceback or a bad exit


def test_the_generators_are_fuzz_seeds():
    seeds = set(targets.generated_seeds("csv")) | set(targets.generated_seeds("text"))
    assert all(v in seeds for v in adv.all_cases().values())


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "github", "junit"])
@pytest.mark.parametrize("name", adv.HOSTILE_NAMES)
def test_hostile_column_names_through_the_cli(tmp_path, name, fmt):
    p = tmp_path / "run.csv"
    p.write_bytes(adv.csv_with_column(name))
    metric = name.replace("\n", " ").replace(",", ";")
    res = invoke(p, "--metric", metric, "--format", fmt, "--steps-per-epoch", "20")
    assert res.exit_code in (0, 1), res.output
    out = res.stdout + res.stderr
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    if fmt == "github":
        commands = [ln for ln in res.stdout.splitlines() if ln.startswith("::")]
        assert all(ln.startswith("::error file=") or ln.startswith("::warning")
                   or ln.startswith("::notice") for ln in commands), commands
    if fmt == "markdown":
        assert re.search(r"(?<![\w\u200d])www\.|https?://|\w@", res.stdout, re.I) is None
