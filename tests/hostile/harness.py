"""Run the CLI the way a user does and check that it ended gracefully."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from spikecheck.cli import main

ERROR_PREFIX = "spikecheck: error: "


def invoke(*args, input=None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def graceful(res: Result, name: str | Path | None = None) -> str:
    """'error' (exit 2, one line per unreadable input naming it) or 'analysis' (0/1).

    Fails on any escaped exception, any traceback, and any other exit code.
    """
    exc = res.exception
    assert exc is None or isinstance(exc, SystemExit), f"exception escaped: {exc!r}"
    assert "Traceback" not in res.output, res.output
    assert res.exit_code in (0, 1, 2), (res.exit_code, res.output)
    if res.exit_code == 2:
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.startswith(ERROR_PREFIX)]
        assert errors, f"exit 2 without an error line: {lines}"
        for ln in lines:  # errors, and notes on side runs skipped in a log directory
            assert ln.startswith("spikecheck: "), ln
        if name is not None:
            assert any(str(name) in ln for ln in errors), (name, errors)
        return "error"
    return "analysis"


def error_line(res: Result) -> str:
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith(ERROR_PREFIX)]
    assert len(lines) == 1, lines
    return lines[0]


def runs(res: Result) -> list[dict]:
    """The runs of a --format json report."""
    return json.loads(res.stdout)["runs"]
