"""--pattern is bounded: a catastrophic expression ends in exit 2 naming it, and every
pattern spikecheck suggests is linear-time on a 1 MB line. Both run in a subprocess with a
generous timeout, so a regression fails instead of hanging the suite."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hostile import adversarial as adv

ROOT = Path(__file__).resolve().parents[1]
HANG = 120  # seconds: a linear run takes well under 5, a catastrophic one hours


def python(code: str, *args: str, timeout: float = HANG) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={"PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}", "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize("pattern", adv.CATASTROPHIC_PATTERNS)
def test_a_catastrophic_pattern_is_stopped_with_a_clear_line(tmp_path, pattern):
    log = tmp_path / "train.log"
    log.write_bytes(adv.catastrophic_log())
    res = python("""
        import sys
        import spikecheck.readers.deadline as deadline
        deadline.BASE_SECONDS, deadline.SECONDS_PER_MB = 1.0, 0.0  # the default is 5 s + 5 s/MB
        from spikecheck.cli import run
        sys.argv = ["spikecheck", *sys.argv[1:]]
        run()
        """, str(log), "--pattern", pattern, timeout=60)
    assert res.returncode == 2, res.stderr
    (line,) = res.stderr.splitlines()
    assert line.startswith("spikecheck: error: ") and "Traceback" not in res.stderr
    assert repr(pattern) in line and "took more than" in line


def test_a_fine_pattern_is_not_stopped(tmp_path):
    from hostile import badinputs as bad
    from hostile.harness import invoke, runs

    log = tmp_path / "train.log"
    log.write_bytes(bad.text_style_lines()["nanoGPT"])
    res = invoke(log, "--pattern", r"iter (?P<step>\d+): loss (?P<loss>[0-9.]+)",
                 "--format", "json")
    assert res.exit_code in (0, 1) and runs(res)[0]["points"] > 100


def test_the_suggested_patterns_are_linear_on_a_1mb_line():
    """Every suggestion against every attack text of 1 MB, in one subprocess: the budget
    is the timeout (the patterns suggested before took about a minute on 4 KB)."""
    patterns = adv.suggested_patterns()
    assert len(patterns) >= 10
    res = python("""
        from hostile import adversarial as adv
        for pattern, example in adv.suggested_patterns():
            seconds, worst = adv.worst_seconds(pattern, example, 1 << 20)
            print(f"{seconds:.3f} {worst!r} {pattern[:40]!r}")
        """)
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) == len(patterns)


def test_the_suggestion_still_reads_the_log_it_was_made_from(tmp_path):
    """Linear and still right: each suggestion, given back as --pattern, reads its log."""
    from hostile import badinputs as bad
    from hostile.harness import invoke, runs

    from spikecheck.readers.textlines import suggest_pattern

    read = 0
    for name, data in bad.text_style_lines().items():
        pattern, _ = suggest_pattern(data.decode("utf-8", errors="replace"))
        if not pattern or "(?P<step>" not in pattern:
            continue
        log = tmp_path / f"{name.replace('/', '_')}.log"
        log.write_bytes(data)
        res = invoke(log, "--pattern", pattern, "--format", "json")
        if res.exit_code in (0, 1):
            read += 1
            assert runs(res)[0]["points"] >= 8
    assert read >= 8
