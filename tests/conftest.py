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


def _under_corpus(value: object) -> bool:
    """A path (or a collection of paths) inside the shared corpus."""
    if isinstance(value, (str, Path)):
        try:
            return Path(value).resolve().is_relative_to(CORPUS.resolve())
        except (OSError, ValueError):
            return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_under_corpus(v) for v in value)
    return False


def _global_names(code) -> set[str]:
    """Global names a test's code (and the code nested in it) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _global_names(const)
    return names


def pytest_collection_modifyitems(config, items):
    """Without ../shared, a test that reads the corpus skips with the reason, whether it
    asks for the `corpus` fixture, takes corpus paths as parameters or names a module-level
    corpus path: a clone of the repository alone passes `make test`."""
    if CORPUS.is_dir():
        return
    skip = pytest.mark.skip(reason=f"needs the shared corpus at {CORPUS} (CI has it)")
    for item in items:
        fn = getattr(item, "function", None)
        params = getattr(getattr(item, "callspec", None), "params", {})
        uses = "corpus" in getattr(item, "fixturenames", ()) or \
            any(_under_corpus(v) for v in params.values())
        if fn is not None and not uses:
            glob = fn.__globals__
            uses = any(_under_corpus(glob.get(n)) for n in _global_names(fn.__code__))
        if uses:
            item.add_marker(skip)


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
