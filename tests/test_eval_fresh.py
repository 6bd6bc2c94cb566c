"""The fresh evaluation split (fixtures/fresh, issue 12) is complete and stays an exam: every run
it names exists, its labels are valid ids, its flags are ones the CLI knows; its generators
share no code with the other splits'; and `make eval` shows only its summary lines unless
`--show-misses fresh` asks for its runs. What spikecheck says about the runs is `make eval`'s
business: these tests never analyse them."""

from __future__ import annotations

import importlib.util
import json
import re
import sys

import pytest
from conftest import FIXTURES

_spec = importlib.util.spec_from_file_location("evaluate", FIXTURES / "evaluate.py")
evaluate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evaluate)

from spikecheck.verdicts import Cause, Verdict  # noqa: E402

FRESH = FIXTURES / "fresh"
MANIFEST = json.loads((FRESH / "manifest.json").read_text())
OTHER_FILES = {e["file"] for split, path in evaluate.MANIFESTS.items() if split != "fresh"
               for e in json.loads(path.read_text())} | \
    {e["file"] for paths in evaluate.EXTRA.values() for path in paths if path.exists()
     for e in json.loads(path.read_text())}


def test_the_fresh_split_is_large_new_and_reported_only():
    assert evaluate.MANIFESTS["fresh"] == FRESH / "manifest.json"
    assert "fresh" in evaluate.SUMMARY_ONLY
    assert len(MANIFEST) >= 60
    assert all(e["split"] == "fresh" and e["file"].startswith("fresh/") for e in MANIFEST)
    assert len({e["file"] for e in MANIFEST}) == len(MANIFEST)
    assert {e["file"] for e in MANIFEST}.isdisjoint(OTHER_FILES)


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_every_fresh_entry_exists_with_valid_labels_and_flags(entry):
    assert (FIXTURES / entry["file"]).exists(), entry["file"]
    assert entry["verdict"] in Verdict.ALL
    assert entry["cause"] is None or entry["cause"] in Cause.ALL
    assert entry["intended_verdict"] in Verdict.ALL
    assert entry["intended_cause"] is None or entry["intended_cause"] in Cause.ALL
    geo, read = evaluate.split_args(entry["cli_args"])  # raises on a flag the CLI lacks
    assert geo["dataset_size"] == entry["geometry"]["dataset_size"]
    assert geo["batch_size"] == entry["geometry"]["batch_size"]
    assert (FIXTURES / entry["generator"]).is_file()
    if not entry["detectable"]:  # a bug put in that the oracle did not see in the log
        assert entry["verdict"] == "clean" and entry["intended_verdict"] != "clean"
        assert entry["oracle"]["detectable"] is False and "twin" in entry["notes"]


def test_the_seed_case_is_there_twelve_ways_with_its_fixed_twins():
    seed = [e for e in MANIFEST if e["group"] == "seed-case"]
    assert len(seed) == 12
    assert all(e["geometry"]["dataset_size"] == 22225 and e["geometry"]["batch_size"] == 16
               for e in seed)
    buggy = [e for e in seed if e["training"]["reduction"] == "double"]
    assert len(buggy) == 6 and all(e["cause"] == "partial-final-batch" for e in buggy)
    assert all(e["verdict"] == "clean" for e in seed if e not in buggy)


def test_the_generators_share_no_code_with_the_other_splits():
    imports = re.compile(r"^\s*(from|import)\s+([\w.]+)", re.M)
    banned = ("heldout", "devtwin", "make_runs", "seedcase", "make_numpy_seed")
    for path in FRESH.glob("*.py"):
        for _, module in imports.findall(path.read_text()):
            assert not any(b in module for b in banned), (path.name, module)


def _fake_rows(split: str) -> list[dict]:
    row = {"found_hidden_bug": False, "split": split, "expected_verdict": "clean",
           "verdict": "epoch-aligned-spikes", "expected_cause": None,
           "cause": "partial-final-batch", "detectable": True, "group": "", "note": ""}
    return [dict(row, file=f"{split}/a-run-it-got-wrong"), dict(row, file=f"{split}/other",
                                                                 verdict="clean", cause=None)]


@pytest.mark.parametrize("flags,listed", [([], False), (["--show-misses", "fresh"], True)])
def test_make_eval_prints_fresh_misses_only_when_asked(monkeypatch, capsys, flags, listed):
    monkeypatch.setattr(evaluate, "evaluate", lambda manifest, mode, split: _fake_rows(split))
    monkeypatch.setattr(evaluate, "EXTRA", {})
    monkeypatch.setattr(sys, "argv", ["evaluate.py", *flags])
    assert evaluate.main() == 0
    out = capsys.readouterr().out
    assert "[fresh / geometry] verdicts right: 1/2" in out
    assert "[fresh / no-geometry] verdicts right: 1/2" in out
    assert "miss: dev/a-run-it-got-wrong" in out  # the dev split's misses are listed
    assert "miss: test/a-run-it-got-wrong" not in out  # the test split is summary-only too
    assert ("miss: fresh/a-run-it-got-wrong" in out) is listed
    assert ("fresh/other" in out) is False


def test_json_output_keeps_fresh_rows_out_unless_asked(monkeypatch, capsys):
    monkeypatch.setattr(evaluate, "evaluate", lambda manifest, mode, split: _fake_rows(split))
    monkeypatch.setattr(evaluate, "EXTRA", {})
    monkeypatch.setattr(sys, "argv", ["evaluate.py", "--json"])
    evaluate.main()
    data = json.loads(capsys.readouterr().out)
    assert {r["split"] for r in data["rows"]} == {"dev"}  # test and fresh: summary only
    assert {s["split"] for s in data["summary"]} == {"dev", "test", "fresh"}


def test_show_misses_takes_only_a_summary_only_split(monkeypatch, capsys):
    monkeypatch.setattr(evaluate, "evaluate", lambda manifest, mode, split: _fake_rows(split))
    monkeypatch.setattr(sys, "argv", ["evaluate.py", "--show-misses", "nonsense"])
    with pytest.raises(SystemExit) as exc:
        evaluate.main()
    assert exc.value.code == 2
    assert "--show-misses takes one of fresh, test" in capsys.readouterr().err


def test_the_fresh_folder_stays_small():
    total = sum(p.stat().st_size for p in FRESH.rglob("*") if p.is_file())
    assert total < 6 * 1024 * 1024
