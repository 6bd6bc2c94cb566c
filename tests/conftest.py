"""Shared paths: the bundled fixtures and the public corpus, read in place (never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"

collect_ignore = ["bench", "fuzz", "hostile"]


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The public real-log corpus beside the project (CI has it too)."""
    assert CORPUS.is_dir(), f"the shared corpus is missing at {CORPUS}"
    return CORPUS


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
