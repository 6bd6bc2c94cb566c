"""No false alarms on the public real-run corpus (read in place; see ../shared/corpus/SOURCES.md).

SOURCES.md checked each of these runs for boundary effects and found none: a tool that
called any of them broken would teach a team to ignore it.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from spikecheck.cli import main

CLEAN = [
    "csv/lightning-csvlogger-slm-10ep-sparse.csv",
    "csv/lightning-csvlogger-slm-resumed-ep10-13.csv",
    "text/detectron2-faster-c4-90k-log.txt",
    "text/llmc-gpt2-124m-fineweb-main.log",
    "text/mmdet2-faster-rcnn-12ep.log",
    "text/nanogpt-gpt2-output-interrupted.log",
    "text/ssd-pytorch-voc-train-inline-warnings.log",
    "json/detectron2-metrics-medwaste-4000it.json",
    "json/hf-trainer-state-whisper-tiny-100k-steps.json",
    "json/mmdet2-faster-rcnn-12ep.log.json",
    "tensorboard/detectron2-balloon-maskrcnn",
    "tensorboard/lightning-contrastive-100ep",
    "tensorboard/lightning-lstm-textgen",
    "tensorboard/tf1-guild-mnist-train",
]
# Runs whose logs cannot decide: clean would be a claim they do not back (issue 12).
INCONCLUSIVE = {
    "csv/lightning-csvlogger-wgan-negative-loss.csv": "short-epochs",  # 4 steps an epoch
    "text/swav-cifar10-appended-restarts.log": "sparse-log",  # 2 points an epoch
    "json/hf-trainer-state-t5-summarization-3ep.json": "few-boundaries",  # 3 epochs
    "json/hf-trl-sft-trainer-state-tinyllama-2ep.json": "few-boundaries",  # 2 epochs
    "tensorboard/hf-trainer-t5-summarization": "few-boundaries",
    "tensorboard/lightning-tft-optuna-trial0": "sparse-log",  # 30 points over 50 epochs
}
PER_EPOCH = [
    "csv/yolov5-results-resumed-300ep.csv",
    "tensorboard/keras-tf21-mnist-5ep",
    "tensorboard/lightning-hmer-satd-240ep",
    "tensorboard/yolov5-resumed-5files",
]


@pytest.mark.parametrize("rel", CLEAN)
def test_real_runs_without_boundary_effects_are_clean(corpus, rel):
    res = CliRunner().invoke(main, [str(corpus / rel), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [r["verdict"] for r in doc["runs"]] == ["clean"] * len(doc["runs"])
    assert all(r["points"] >= 10 for r in doc["runs"])


@pytest.mark.parametrize("rel", sorted(INCONCLUSIVE))
def test_real_runs_too_short_or_sparse_are_inconclusive_not_clean(corpus, rel):
    res = CliRunner().invoke(main, [str(corpus / rel), "--format", "json"])
    assert res.exit_code == 0, res.output  # inconclusive fails only --fail-on not-clean
    doc = json.loads(res.stdout)
    assert [r["verdict"] for r in doc["runs"]] == ["inconclusive"] * len(doc["runs"])
    assert {r["inconclusive"]["reason"] for r in doc["runs"]} == {INCONCLUSIVE[rel]}
    failing = CliRunner().invoke(main, [str(corpus / rel), "-q", "--fail-on", "not-clean"])
    assert failing.exit_code == 1


@pytest.mark.parametrize("rel", PER_EPOCH)
def test_per_epoch_logs_are_inconclusive_and_say_why(corpus, rel):
    res = CliRunner().invoke(main, [str(corpus / rel), "--format", "json"])
    assert res.exit_code == 0, res.output
    runs = json.loads(res.stdout)["runs"]
    assert runs and all(r["verdict"] == "inconclusive" for r in runs)
    assert {r["inconclusive"]["reason"] for r in runs} == {"per-epoch-log"}
    assert all("per epoch" in r["inconclusive"]["detail"] for r in runs)
