"""Issue 15 item 4: the fix is worded in the framework that wrote the log, when the reader
knows it (Keras progress bar, Lightning CSVLogger, Hugging Face trainer_state.json)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from spikecheck.cli import main
from spikecheck.engine.diagnosis import fix_for
from spikecheck.readers import ReadOptions
from spikecheck.readers.registry import read_input


@pytest.mark.parametrize("path, framework", [
    ("keras/keras3-fit-digits-n1601-b32-buggy.log", "keras"),
    ("text/hf-trainer-state.json", "hf"),
    ("text/hf-trainer-printed.log", "hf"),
    ("text/lightning-csvlogger-metrics.csv", "lightning"),
    ("example-buggy.csv", None),
])
def test_readers_say_which_framework_wrote_the_log(path, framework):
    series = read_input(str(FIXTURES / path), ReadOptions())
    assert {s.framework for s in series} == {framework}


def test_a_keras_log_gets_the_keras_fix_and_a_plain_csv_the_pytorch_one():
    keras = CliRunner().invoke(main, [str(FIXTURES / "keras/keras3-fit-digits-n1601-b32-buggy.log"),
                                      "-N", "1601", "-B", "32", "--format", "json"])
    run = json.loads(keras.stdout)["runs"][0]
    assert (run["framework"], run["cause"]) == ("keras", "partial-final-batch")
    assert "drop_remainder=True" in run["diagnosis"][0]["fix"]
    assert "DataLoader" not in run["diagnosis"][0]["fix"]
    plain = CliRunner().invoke(main, [str(FIXTURES / "example-buggy.csv"), "-N", "1777", "-B",
                                      "16", "--format", "json"])
    run = json.loads(plain.stdout)["runs"][0]
    assert run["framework"] is None and "drop_last=True" in run["diagnosis"][0]["fix"]


@pytest.mark.parametrize("framework, words", [
    ("hf", "dataloader_drop_last=True"), ("lightning", "LightningDataModule"),
    ("keras", "drop_remainder=True"), (None, "DataLoader(drop_last=True)"),
])
def test_each_framework_names_its_own_setting(framework, words):
    assert words in fix_for("partial-final-batch", framework)
    assert fix_for("epoch-start-reset", framework) == fix_for("epoch-start-reset", None)
