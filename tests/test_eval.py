"""Accuracy on the evaluation set of real training runs (fixtures/runs, see fixtures/README.md)."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import FIXTURES

_spec = importlib.util.spec_from_file_location("evaluate", FIXTURES / "evaluate.py")
evaluate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evaluate)

MANIFEST = json.loads((FIXTURES / "runs" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def rows():
    return {r["file"]: r for r in evaluate.evaluate()}


def test_every_clean_control_is_clean(rows):
    controls = [e["file"] for e in MANIFEST if e["verdict"] == "clean" and e["cause"] is None]
    assert len(controls) >= 10
    # a bug put in but rated too weak to show, found anyway, is no alarm
    wrong = [f for f in controls if rows[f]["verdict"] != "clean"
             and not rows[f]["found_hidden_bug"]]
    assert not wrong


def test_partial_final_batch_logged_every_step_is_found_with_its_cause(rows):
    runs = [e["file"] for e in MANIFEST if e["cause"] == "partial-final-batch"
            and e["geometry"]["log_every"] == 1 and e["measured_boundary_height"] > 1]
    assert len(runs) >= 8
    wrong = [(f, rows[f]["verdict"], rows[f]["cause"]) for f in runs
             if (rows[f]["verdict"], rows[f]["cause"])
             != ("epoch-aligned-spikes", "partial-final-batch")]
    assert not wrong


def test_mean_logged_partial_final_batch_is_found(rows):
    runs = [e["file"] for e in MANIFEST if e["cause"] == "partial-final-batch"
            and e["geometry"]["log_value"] == "mean" and e["geometry"]["log_every"] > 1]
    assert runs
    assert all(rows[f]["cause"] == "partial-final-batch" for f in runs)


def test_random_instabilities_are_never_epoch_aligned(rows):
    runs = [e["file"] for e in MANIFEST if e["cause"] == "random-instability"]
    assert runs
    assert all(rows[f]["verdict"] != "epoch-aligned-spikes" for f in runs)


def test_epoch_start_resets_and_unshuffled_data_are_named(rows):
    for cause in ("epoch-start-reset", "unshuffled-data"):
        runs = [e["file"] for e in MANIFEST if e["cause"] == cause]
        assert runs and all(rows[f]["cause"] == cause for f in runs), cause


def test_overall_accuracy_does_not_regress(rows):
    n = len(rows)
    verdicts = sum(r["verdict"] == r["expected_verdict"] for r in rows.values())
    causes = sum(r["cause"] == r["expected_cause"] for r in rows.values())
    assert verdicts / n >= 0.95 and causes / n >= 0.95


def test_stairs_and_running_means_are_named(rows):
    for cause in ("epoch-start-drop", "running-mean-logging"):
        runs = [e["file"] for e in MANIFEST if e["cause"] == cause]
        assert runs and all(rows[f]["cause"] == cause for f in runs), cause


def test_random_instabilities_are_reported_as_spikes(rows):
    runs = [e["file"] for e in MANIFEST if e["cause"] == "random-instability"
            and e["verdict"] == "spikes-not-epoch-aligned"]
    assert runs
    assert all(rows[f]["verdict"] == "spikes-not-epoch-aligned" for f in runs)
