"""Two evaluation manifests (dev: fixtures/runs, test: fixtures/heldout) and the dev split's extra
manifests (fixtures/seedcase, fixtures/devtwin) are complete and every log they name reads
through the CLI's reader. Whether the engine gets the runs right is
`make eval`'s business, not a test's: the test split is reported, never tuned on."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import FIXTURES

from spikecheck.readers import ReadError, ReadOptions
from spikecheck.readers.registry import read_input

_spec = importlib.util.spec_from_file_location("evaluate", FIXTURES / "evaluate.py")
evaluate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evaluate)

VERDICTS = {"epoch-aligned-spikes", "periodic-not-epoch", "spikes-not-epoch-aligned", "clean",
            "inconclusive"}
CAUSES = {None, "partial-final-batch", "epoch-start-reset", "epoch-start-drop",
          "running-mean-logging", "unshuffled-data", "random-instability"}
# the summary-only fresh split has its own checks (tests/test_eval_fresh.py) and is never read here
ENTRIES = [(split, e) for split, path in evaluate.MANIFESTS.items()
           if split not in evaluate.SUMMARY_ONLY for e in json.loads(path.read_text())]
EXTRA_ENTRIES = [(split, e) for split, paths in evaluate.EXTRA.items() for path in paths
                 if path.exists() for e in json.loads(path.read_text())]
DEVTWIN = [e for _, e in EXTRA_ENTRIES if e.get("generator") == "devtwin"]


def test_the_test_split_is_a_different_and_large_enough_set():
    dev = [e for s, e in ENTRIES if s == "dev"]
    test = [e for s, e in ENTRIES if s == "test"]
    assert len(dev) == 45 and all(e["split"] == "dev" for e in dev)
    assert len(test) >= 40 and all(e["split"] == "test" for e in test)
    assert {e["file"] for e in dev}.isdisjoint({e["file"] for e in test})
    assert all(e["generator"] != "make_runs.py" and e["framework"] for e in test)


def test_the_devtwin_set_is_dev_and_no_copy_of_a_test_run():
    assert (FIXTURES / "devtwin" / "manifest.json") in evaluate.EXTRA["dev"]
    assert len(DEVTWIN) >= 30 and all(e["split"] == "dev" for e in DEVTWIN)
    test = [e for s, e in ENTRIES if s == "test"]
    assert all(e["file"].startswith("devtwin/") for e in DEVTWIN)
    test_bytes = {(FIXTURES / e["file"]).stat().st_size for e in test
                  if (FIXTURES / e["file"]).is_file()}
    for e in DEVTWIN:  # other seeds everywhere: no training of a test run is repeated
        assert e["training"]["seed"] not in {t["training"]["seed"] for t in test}, e["file"]
        path = FIXTURES / e["file"]
        if path.is_file() and path.stat().st_size in test_bytes:
            assert all(path.read_bytes() != (FIXTURES / t["file"]).read_bytes()
                       for t in test if (FIXTURES / t["file"]).is_file()), e["file"]
    # the groups of cases of the test split are there
    assert {e["group"] for e in test} <= {e["group"] for e in DEVTWIN}


@pytest.mark.parametrize("split,entry", ENTRIES + EXTRA_ENTRIES,
                         ids=[e["file"] for _, e in ENTRIES + EXTRA_ENTRIES])
def test_every_entry_names_a_log_that_reads(split, entry):
    assert entry["verdict"] in VERDICTS and entry["cause"] in CAUSES
    geo, read = evaluate.split_args(entry["cli_args"])  # every flag is one the CLI knows
    path = FIXTURES / entry["file"]
    assert path.exists(), entry["file"]
    try:
        series = evaluate.pick_series(read_input(str(path), ReadOptions(**read)),
                                      entry.get("metric"))
    except ReadError as exc:  # only a per-epoch log may be refused, as too little evidence
        assert "per-epoch" in str(exc) and entry["verdict"] == "inconclusive", exc
        return
    if entry.get("metric"):
        assert entry["metric"] in series.metric
    if not series.per_epoch:
        assert len(series) >= evaluate.MIN_POINTS
    else:  # a per-epoch log can only be a case of too little evidence
        assert entry["verdict"] == "inconclusive"


def test_a_bug_that_does_not_show_is_labelled_by_what_the_log_shows():
    hidden = [e for _, e in ENTRIES + EXTRA_ENTRIES if e.get("detectable") is False]
    assert hidden, "the strength sweep should reach bugs too weak to see"
    for e in hidden:
        assert e["intended_verdict"] != "clean"
        assert e["verdict"] == "clean"
        assert e["oracle"]["detectable"] is False and "twin" in e["notes"]


@pytest.mark.parametrize("folder", ["heldout", "devtwin"])
def test_the_generated_folders_stay_small(folder):
    total = sum(p.stat().st_size for p in (FIXTURES / folder).rglob("*") if p.is_file())
    assert total < 5 * 1024 * 1024
