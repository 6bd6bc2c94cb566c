"""The JSON contract as a JSON Schema file (docs/spikecheck-report.schema.json), validated
against real output of every kind: a finding, a clean run, an inconclusive per-epoch log, a
Keras log with recovered running means, a fleet directory and an unreadable input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from spikecheck.cli import main

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = json.loads((ROOT / "docs" / "spikecheck-report.schema.json").read_text())


@pytest.mark.parametrize("args", [
    ["example-buggy.csv", "-N", "1777", "-B", "16"],
    ["example-fixed.csv", "-N", "1777", "-B", "16"],
    ["keras/keras3-fit-digits-n1601-b32-buggy.log", "-N", "1601", "-B", "32"],
    ["text/keras3-fit-verbose2.log"],
    ["text/hf-trainer-state.json"],
    ["tensorboard/torch-resumed"],
    ["runs"],
    ["does-not-exist.csv"],
], ids=lambda a: a[0])
def test_real_output_matches_the_schema(args):
    path, *flags = args
    res = CliRunner().invoke(main, [str(FIXTURES / path), "--format", "json", *flags])
    doc = json.loads(res.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["exit_code"] == res.exit_code


def test_the_schema_rejects_what_the_contract_forbids():
    res = CliRunner().invoke(main, [str(FIXTURES / "example-buggy.csv"), "--format", "json"])
    doc = json.loads(res.stdout)
    doc["runs"][0]["verdict"] = "spiky"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)
