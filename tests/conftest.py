"""Shared paths: the bundled fixtures and the public corpus, read in place (never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run on a fixed, derandomized set of examples, with no example database:
# `make test` gives the same answer on every run and every clone. The wide randomized
# scan of the engine's false-alarm rate is `make eval` (fixtures/scan.py).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.load_profile("repeatable")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"

collect_ignore = ["bench", "fuzz", "hostile"]


@pytest.fixture(autouse=True)
def in_process_by_default(monkeypatch):
    """Tests see every run analysed in the test's own process (audit hooks, monkeypatched
    readers) unless they ask for a pool with --jobs, as tests/test_fleet.py does."""
    monkeypatch.setenv("SPIKECHECK_JOBS", "1")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The public real-log corpus beside the project (CI has it too)."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside this clone ({CORPUS}); CI has it")
    return CORPUS


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
