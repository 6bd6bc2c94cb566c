"""No dead code in the package: vulture finds nothing in spikecheck/ beyond the names
tests/vulture_whitelist.py shows it are used from where it cannot see (`make deadcode`)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT


def test_vulture_finds_no_dead_code():
    pytest.importorskip("vulture", reason="vulture is a dev extra: pip install -e '.[dev]'")
    done = subprocess.run(
        [sys.executable, "-m", "vulture", "spikecheck", "tests/vulture_whitelist.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout == "" and done.returncode == 0, done.stdout + done.stderr

