"""Notes as codes with parameters: every code has its sentence, JSON carries the code and
parameters beside each sentence (enough to remake it), and only Note objects get through."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from spikecheck.cli import main
from spikecheck.notes import Note, NoteCode
from spikecheck.render.notes import TEMPLATES, note_text
from spikecheck.series import normalize


def test_every_code_has_one_sentence_and_every_sentence_a_code():
    assert set(TEMPLATES) == set(NoteCode.ALL)


def test_the_json_schema_lists_every_code():
    schema = json.loads((ROOT / "docs" / "spikecheck-report.schema.json").read_text())
    assert set(schema["$defs"]["note_code"]["enum"]) == set(NoteCode.ALL)


def test_docs_name_every_code():
    doc = (ROOT / "docs" / "output.md").read_text()
    missing = [c for c in sorted(NoteCode.ALL) if f"`{c}`" not in doc]
    assert not missing, f"docs/output.md does not list: {missing}"


def test_an_unknown_code_or_a_non_scalar_parameter_is_refused():
    with pytest.raises(ValueError):
        Note("no-such-code")
    with pytest.raises(TypeError):
        Note(NoteCode.DECIMAL_COMMA, {"metric": object()})


def test_numpy_parameters_become_plain_json_values():
    n = Note(NoteCode.LOG_GAPS, {"gaps": np.int64(2), "first_from": np.int32(5),
                                 "first_to": np.float64(9.0)})
    assert [type(v) for v in n.params.values()] == [int, int, float]
    assert json.loads(json.dumps(n.to_dict())) == {
        "code": "log-gaps", "params": {"gaps": 2, "first_from": 5, "first_to": 9.0}}
    bad = Note(NoteCode.NONFINITE_DROPPED, {"values": 1, "first_step": float("nan")})
    assert bad.to_dict()["params"]["first_step"] is None  # JSON has no NaN


def test_equal_notes_are_one_in_a_report():
    a = Note(NoteCode.REPEATED_STEPS, {"steps": 3})
    b = Note(NoteCode.REPEATED_STEPS, {"steps": np.int64(3)})
    assert a == b and len({a, b}) == 1 and list(dict.fromkeys([a, b])) == [a]


def test_a_reader_handing_over_a_sentence_is_stopped():
    with pytest.raises(TypeError, match="Note"):
        normalize([1, 2, 3], [1.0, 2.0, 3.0], metric="loss", source="x",
                  notes=["3 rows skipped"])


def _json(args: list[str]) -> dict:
    res = CliRunner().invoke(main, [*args, "--format", "json"])
    doc = json.loads(res.stdout)
    assert doc["exit_code"] == res.exit_code
    return doc


# Real logs whose reports hold notes of many kinds: readers' (text, CSV, TensorBoard, JSON),
# normalization's, the geometry's disagreements and the engine's mismatch and recovery.
CASES = [
    [str(FIXTURES / "seedcase/seed-numpy-sgdm-ls1-buggy.csv"), "-N", "22225", "-B", "32"],
    [str(FIXTURES / "example-buggy.csv"), "--steps-per-epoch", "100"],
    [str(FIXTURES / "text/keras3-fit-verbose1.log")],
    [str(FIXTURES / "text/hf-trainer-state.json")],
    [str(FIXTURES / "tensorboard/torch-resumed")],
    [str(FIXTURES / "keras/keras3-fit-digits-n1601-b32-buggy.log"), "-N", "1601", "-B", "32"],
    [str(ROOT / "tests/data")],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: a[0].rsplit("/", 1)[-1])
def test_json_codes_stand_beside_the_sentences_and_remake_them(args):
    doc = _json(args)
    seen = 0
    for run in doc["runs"]:
        if run.get("error"):
            continue
        pairs = [(run["warnings"], run["warning_codes"]),
                 (run["geometry"]["notes"], run["geometry"]["note_codes"]),
                 (run["geometry"]["disagreements"], run["geometry"]["disagreement_codes"])]
        mismatch = run["geometry_mismatch_code"]
        pairs.append(([run["geometry_mismatch"]] if mismatch else [],
                      [mismatch] if mismatch else []))
        for sentences, codes in pairs:
            assert len(sentences) == len(codes)
            for sentence, code in zip(sentences, codes):
                remade = note_text(Note(code["code"], _from_json(code["params"])))
                assert re.sub(r"\s+", " ", remade) == re.sub(r"\s+", " ", sentence)
                seen += 1
    assert seen > 0


def _from_json(params: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def test_a_wrong_flag_is_a_code_a_script_can_act_on():
    doc = _json(CASES[0])
    (run,) = doc["runs"]
    m = run["geometry_mismatch_code"]
    assert m["code"] == "geometry-mismatch" and m["params"]["likely"] == "batch-size"
    assert (m["params"]["given"], m["params"]["fitting"]) == (32, 16)
    assert m in run["warning_codes"]


def test_two_sources_of_the_epoch_length_disagree_by_code():
    (run,) = _json(CASES[1])["runs"]
    (d,) = run["geometry"]["disagreement_codes"]
    assert d["code"] == "geometry-disagreement"
    assert (d["params"]["source"], d["params"]["other"]) == ("epoch-column", "steps-per-epoch")
    assert (d["params"]["steps_per_epoch"], d["params"]["other_steps_per_epoch"]) == (112, 100)
    assert d in run["warning_codes"]
