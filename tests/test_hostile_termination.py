"""SIGTERM and SIGHUP (a cancelled CI job, `timeout 60 spikecheck ...`, a closed terminal):
the command ends with 128 + the signal and one line, and no worker of its pool is left
running its job orphaned (they used to run on for their whole job, holding CPU and memory).

The real process runs in a subprocess; the workers are kept busy by a --pattern that
backtracks (stopped by its own limit after about 5 s), so they are mid-job when the
signal comes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import adversarial as adv

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def children(pid: int) -> set[int]:
    """The live child processes of `pid` (from /proc)."""
    out = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(entry))
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find the workers")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_fleet_stops_its_workers(tmp_path, sig):
    logs = []
    for i in range(3):
        p = tmp_path / f"run{i}.log"
        p.write_bytes(adv.catastrophic_log())
        logs.append(str(p))
    proc = subprocess.Popen(
        [sys.executable, "-m", "spikecheck", *logs, "--jobs", "3", "--pattern",
         adv.CATASTROPHIC_PATTERNS[0]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        workers = children(proc.pid)
    assert len(workers) >= 3, "the pool did not start"
    time.sleep(1.0)  # each worker is inside its backtracking match now
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig
    lines = [ln for ln in err.decode().splitlines() if ln.strip()]
    assert lines == [f"spikecheck: terminated ({sig.name})"], lines
    assert out == b""
    time.sleep(0.5)
    left = [w for w in workers if alive(w)]
    for w in left:  # do not leave them behind even when the assertion fails
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers still running after {sig.name}: {left}"


def test_sigterm_while_reading_stdin_is_143_and_one_line():
    proc = subprocess.Popen([sys.executable, "-m", "spikecheck", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    time.sleep(2)  # blocked on stdin
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert err.decode().strip() == "spikecheck: terminated (SIGTERM)"
