"""End to end in a real terminal: tmux runs spikecheck at 80 columns, capture-pane reads it.

Skips when tmux is not installed (apt-get install -y tmux). This is the check that rich
detects a real terminal: colour on a TTY, none with NO_COLOR, and the report fits.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SGR = re.compile(r"\x1b\[[0-9;]*m")
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")


def run_in_tmux(args: list[str], env: dict[str, str] | None = None, width: int = 80,
                escapes: bool = False) -> tuple[str, int]:
    """Run `python -m spikecheck args` in a detached tmux pane; return (screen, exit code).

    A private tmux server (-L) per call, so no other tmux session is ever touched.
    """
    session = f"spikecheck-test-{uuid.uuid4().hex[:8]}"
    marker = "__SPIKECHECK_DONE__"
    envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
    cmd = (f"cd {shlex.quote(str(ROOT))} && env {envs} {shlex.quote(sys.executable)} -m "
           f"spikecheck {' '.join(shlex.quote(a) for a in args)}; echo {marker} $?")
    base_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR",
                                                                 "COLUMNS", "TMUX")}
    tmux = ["tmux", "-L", session]
    subprocess.run(tmux + ["-f", "/dev/null", "new-session", "-d", "-s", session, "-x",
                           str(width), "-y", "200", "bash", "--norc", "--noprofile"],
                   check=True, env=base_env)
    try:
        subprocess.run(tmux + ["send-keys", "-t", session, cmd, "Enter"], check=True)
        deadline = time.monotonic() + 60
        screen = ""
        while time.monotonic() < deadline:
            screen = subprocess.run(
                ["tmux", "-L", session, "capture-pane", "-p", "-J", "-t", session, "-S", "-200"]
                + (["-e"] if escapes else []),
                capture_output=True, text=True, check=True).stdout
            lines = screen.splitlines()
            plain = [SGR.sub("", ln) for ln in lines]
            done = [i for i, ln in enumerate(plain) if ln.startswith(marker)]
            if done:
                end = done[-1]
                code = int(plain[end].split()[1])
                start = max(i for i in range(end) if "-m spikecheck" in plain[i])
                return "\n".join(lines[start + 1:end]), code
            time.sleep(0.2)
        raise AssertionError(f"spikecheck did not finish in tmux:\n{screen}")
    finally:
        subprocess.run(["tmux", "-L", session, "kill-server"], check=False)


ARGS = ["fixtures/example-buggy.csv", "--dataset-size", "1777", "--batch-size", "16"]


def test_report_in_a_real_80_column_terminal():
    out, code = run_in_tmux(ARGS)
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert code == 1
    start = next(i for i, ln in enumerate(lines) if ln.startswith("epoch-aligned-spikes"))
    report = lines[start:]
    assert "partial-final-batch" in report[0]
    assert all(len(ln.rstrip()) <= 80 for ln in report)
    text = "\n".join(report)
    for word in ("geometry", "evidence", "diagnosis", "final batch 1 of 16", "fix",
                 "drop_last=True", "┴ epoch start"):
        assert word in text, word


def test_a_terminal_gets_colour_and_no_color_removes_it():
    coloured, _ = run_in_tmux(ARGS + ["-q"], escapes=True)
    assert "\x1b[" in coloured
    plain, code = run_in_tmux(ARGS + ["-q"], env={"NO_COLOR": "1"}, escapes=True)
    assert code == 1
    line = next(ln for ln in plain.splitlines() if "epoch-aligned-spikes" in ln)
    assert "\x1b[" not in line
