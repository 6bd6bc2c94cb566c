"""The fresh-twin dev set (fixtures/freshtwin) is complete and a twin of the fresh split, not a
copy: every run it names exists with well-formed labels and flags the CLI knows, it is scored
with the dev split, it covers every group of cases of the fresh split with trainings of its own
(no seed, and no data/size/batch/seed combination, of a fresh run), its labels follow the fresh
split's rule (construction, the oracle against the twin), and its generator re-runs the fresh
generators by importing them, never the engine. How spikecheck does on the runs is `make
eval`'s business: these tests never analyse them."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest
from conftest import FIXTURES

from spikecheck.verdicts import Cause, Verdict

_spec = importlib.util.spec_from_file_location("evaluate", FIXTURES / "evaluate.py")
evaluate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evaluate)

TWIN = FIXTURES / "freshtwin"
MANIFEST = json.loads((TWIN / "manifest.json").read_text())
FRESH = json.loads((FIXTURES / "fresh" / "manifest.json").read_text())


def test_the_freshtwin_set_is_dev_and_scored_with_the_dev_split():
    assert TWIN / "manifest.json" in evaluate.EXTRA["dev"]
    assert 90 <= len(MANIFEST) <= 120
    assert all(e["split"] == "dev" and e["file"].startswith("freshtwin/") for e in MANIFEST)
    assert all(e["made_by"] == "freshtwin/make_freshtwin.py" for e in MANIFEST)
    assert len({e["file"] for e in MANIFEST}) == len(MANIFEST)


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_every_freshtwin_entry_exists_with_valid_labels_and_flags(entry):
    assert (FIXTURES / entry["file"]).exists(), entry["file"]
    assert entry["verdict"] in Verdict.ALL
    assert entry["cause"] is None or entry["cause"] in Cause.ALL
    assert entry["intended_verdict"] in Verdict.ALL
    assert entry["intended_cause"] is None or entry["intended_cause"] in Cause.ALL
    geo, _ = evaluate.split_args(entry["cli_args"])  # raises on a flag the CLI lacks
    assert geo["dataset_size"] == entry["geometry"]["dataset_size"]
    assert geo["batch_size"] == entry["geometry"]["batch_size"]
    assert entry["generator"].startswith("fresh/")  # the fresh script that made it
    assert (FIXTURES / entry["generator"]).is_file()
    assert entry["position"] == "none" or entry["verdict"] != "clean"


def test_no_fresh_training_is_repeated():
    fresh_seeds = {e["training"]["seed"] for e in FRESH}
    twin_seeds = {e["training"]["seed"] for e in MANIFEST}
    assert not fresh_seeds & twin_seeds
    assert all(12000 <= s < 20000 for s in twin_seeds)

    def setup(e: dict) -> tuple:
        t = e["training"]
        return t["data"], t["n"], t.get("batch"), t["seed"]

    assert not {setup(e) for e in FRESH} & {setup(e) for e in MANIFEST}
    fresh_names = {e["file"].split("/", 1)[1] for e in FRESH}
    assert not fresh_names & {e["file"].split("/", 1)[1] for e in MANIFEST}


def test_every_group_of_the_fresh_split_is_there_with_runs_that_show():
    groups = {e["group"] for e in MANIFEST}
    assert {e["group"] for e in FRESH} <= groups
    for group in groups - {"family-clean", "hard-negative", "inconclusive"}:
        shown = [e for e in MANIFEST if e["group"] == group and e["verdict"] != "inconclusive"
                 and (e["verdict"], e["cause"]) != ("clean", None)]
        assert shown, f"no run of group {group} shows what was put in"
    for label in (("epoch-aligned-spikes", "epoch-start-reset"), ("periodic-not-epoch", None),
                  ("epoch-aligned-spikes", "unshuffled-data"),
                  ("spikes-not-epoch-aligned", "random-instability"),
                  ("epoch-aligned-spikes", "epoch-start-drop"), ("clean", "running-mean-logging"),
                  ("inconclusive", None), ("clean", None)):
        assert any((e["verdict"], e["cause"]) == label for e in MANIFEST), label


def test_the_seed_case_variants_come_with_fixed_twins():
    seed = [e for e in MANIFEST if e["group"] == "seed-case"]
    assert len(seed) >= 10
    buggy = [e for e in seed if e["training"]["reduction"] == "double"]
    fixed = [e for e in seed if e["training"]["reduction"] == "mean"]
    assert len(buggy) == len(fixed) == len(seed) // 2
    for e in seed:
        g = e["geometry"]
        assert g["final_batch_samples"] == 1 and g["dataset_size"] != 22225
        assert g["steps_per_epoch"] >= 500 and e["training"]["epochs"] >= 4
    assert all((e["verdict"], e["cause"]) == ("epoch-aligned-spikes", "partial-final-batch")
               for e in buggy)
    assert all(e["verdict"] == "clean" for e in fixed)
    twins = {e["file"].replace("-fixed", "-buggy") for e in fixed}
    assert twins == {e["file"] for e in buggy}
    assert len({e["training"]["opt"] for e in seed}) >= 3
    assert len({e["geometry"]["batch_size"] for e in seed}) >= 2


def test_labels_follow_the_fresh_rule():
    for e in MANIFEST:
        o = e["oracle"]
        if e["verdict"] == "inconclusive":  # by construction: the log cannot decide
            g, t = e["geometry"], e["training"]
            S, every = g["steps_per_epoch"], g["log_every"]
            assert (t["epochs"] <= 3 or S < 8 or S / every < 4
                    or g["log_value"] == "epoch-mean"), e["file"]
        elif e["intended_verdict"] == "clean" and e["intended_cause"] is None:
            assert e["verdict"] == "clean" and o is None, e["file"]  # no bug put in
        elif e["detectable"]:  # a bug put in, seen by the oracle against the twin
            assert o["detectable"] is True, e["file"]
            assert (e["verdict"], e["cause"]) == (e["intended_verdict"], e["intended_cause"])
        else:  # put in, not in the log: labelled by what the log shows
            assert e["verdict"] == "clean" and o["detectable"] is False, e["file"]
            assert e["intended_verdict"] != "clean" and "twin" in e["notes"]


def test_the_generator_reuses_the_fresh_scripts_and_never_the_engine():
    imports = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.M)
    banned = ("spikecheck", "heldout", "devtwin", "make_runs", "seedcase", "devhard",
              "devclean")
    found = set()
    for path in TWIN.glob("*.py"):
        text = path.read_text()
        for module in imports.findall(text):
            assert not module.startswith(banned), (path.name, module)
            found.add(module)
        assert "def train(" not in text and "import torch" not in text, path.name
    assert {"fresh_core", "fresh_runner", "fresh_manifest", "make_seed",
            "make_causes"} <= found
    launcher = (TWIN / "make_freshtwin.py").read_text()
    assert "fresh_manifest.retarget(" in launcher and 'f"make_{part}"' in launcher
    for path in (FIXTURES / "fresh").glob("*.py"):  # nor do the fresh generators
        assert not any(m.startswith("spikecheck")
                       for m in imports.findall(path.read_text())), path.name


def test_the_freshtwin_folder_stays_small():
    total = sum(p.stat().st_size for p in TWIN.rglob("*") if p.is_file())
    assert total < 6 * 1024 * 1024
