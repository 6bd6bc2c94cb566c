"""Signals, pipes and broken streams, as a shell or CI step meets them: the real process
(python -m spikecheck) in a subprocess, judged by its exit code and its stderr.

    | head -1 that closes early   141, nothing on stderr (--junit still written)
    Ctrl-C (SIGINT)               130, one line "spikecheck: interrupted"
    stdout on a full disk         2, one line naming the problem
    stdout or stdin closed        2, one line naming the problem
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import badinputs as bad

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
CMD = [sys.executable, "-m", "spikecheck"]
SPE = str(bad.SPE)


@pytest.fixture()
def run_csv(tmp_path) -> Path:
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    return p


def only_line(stderr: bytes) -> str:
    lines = [ln for ln in stderr.decode().splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    return lines[0]


@pytest.mark.parametrize("extra", [[], ["--list"], ["--format", "json"]])
def test_a_reader_that_closes_the_pipe_early(run_csv, tmp_path, extra):
    """The reader is gone before the report is written: exit 141, silent; not 1, which
    a CI script would take for findings."""
    junit = tmp_path / "report.xml"
    p = subprocess.Popen([*CMD, str(run_csv), "--steps-per-epoch", SPE, "--junit", str(junit),
                          *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    p.stdout.close()  # before the process has even imported: it will write to no one
    err = p.stderr.read()
    assert p.wait(timeout=120) == 141
    assert err == b""
    if "--list" not in extra:
        assert junit.read_text().count("<testcase") == 1  # side outputs still written


def _blocked_reading_stdin(pid: int, limit: float = 60.0) -> None:
    """Wait until the process sleeps in a read of its stdin pipe (Linux: /proc/PID/wchan);
    elsewhere, or if it never shows, after at least 2 s."""
    start = time.monotonic()
    wchan = Path(f"/proc/{pid}/wchan")
    while time.monotonic() - start < limit:
        try:
            if "pipe" in wchan.read_text():
                return
        except OSError:
            if time.monotonic() - start >= 2:
                return
        time.sleep(0.05)


def test_ctrl_c_exits_130_with_one_line(run_csv):
    """Ctrl-C while waiting on stdin: 130 and one line, never "Aborted!" and exit 1."""
    p = subprocess.Popen([*CMD, "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=ENV)
    # A fixed 2 s sleep sent the signal while a loaded machine was still importing: exit 1
    # and a traceback (the imports sat outside run()'s guard), one run in a few dozen.
    _blocked_reading_stdin(p.pid)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130
    assert only_line(err) == "spikecheck: interrupted"
    assert out == b""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("extra", [[], ["--list"]])
def test_stdout_on_a_full_disk(run_csv, extra):
    with open("/dev/full", "w") as full:
        res = subprocess.run([*CMD, str(run_csv), "--steps-per-epoch", SPE, *extra],
                             stdout=full, stderr=subprocess.PIPE, env=ENV, timeout=120)
    assert res.returncode == 2
    assert only_line(res.stderr) == ("spikecheck: error: cannot write the report to standard "
                                     "output (No space left on device)")


def test_stdout_closed(run_csv):
    res = subprocess.run([*CMD, str(run_csv), "--steps-per-epoch", SPE],
                         stderr=subprocess.PIPE, env=ENV, timeout=120,
                         preexec_fn=lambda: os.close(1))
    assert res.returncode == 2
    assert "standard output is closed" in only_line(res.stderr)


def test_stdin_closed():
    res = subprocess.run([*CMD, "-"], capture_output=True,
                         env=ENV, timeout=120, preexec_fn=lambda: os.close(0))
    assert res.returncode == 2
    assert only_line(res.stderr) == ("spikecheck: error: <stdin>: standard input is closed; "
                                     "pass a file or pipe a log in")


@pytest.mark.parametrize("module", ["spikecheck.cli", "spikecheck.cli_group"])
def test_ctrl_c_while_the_command_line_is_importing_exits_130_with_one_line(module):
    """A Ctrl-C that lands while the command line still loads (seconds, on a loaded CI
    machine) ends as one after it: 130 and one line, not a traceback and exit 1."""
    script = (
        "import os, signal, sys\n"
        "class Hook:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {module!r}:\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Hook())\n"
        "sys.argv = ['spikecheck', '-']\n"
        "from spikecheck.__main__ import main\n"
        "main()\n")
    res = subprocess.run([sys.executable, "-c", script], input=b"", capture_output=True,
                         env=ENV, timeout=120)
    assert res.returncode == 130
    assert only_line(res.stderr) == "spikecheck: interrupted"
