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
# Runs with a real, mild epoch effect that SOURCES.md's look for spikes did not cover.
# lightning-contrastive-100ep: within each of epochs 10-98 the loss climbs 7.5% from the
# first tenth to the last (per-epoch means of log loss: -0.040 +- 0.053 to +0.035 +- 0.052
# over 89 epochs) and steps back down at the boundary: the memorization stairs of the dev
# runs (steps of 10-21% there), found once its epoch column pinned the epoch start to the
# step instead of 24 steps off.
EPOCH_EFFECT = {"tensorboard/lightning-contrastive-100ep": "epoch-start-drop"}
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


@pytest.mark.parametrize("rel", sorted(EPOCH_EFFECT))
def test_real_runs_with_a_mild_epoch_effect_name_it(corpus, rel):
    res = CliRunner().invoke(main, [str(corpus / rel), "--format", "json"])
    doc = json.loads(res.stdout)
    assert [r["cause"] for r in doc["runs"] if r["metric"] == "train_loss"] == [EPOCH_EFFECT[rel]]
    # mild: the step at the boundary is under 15%
    run = next(r for r in doc["runs"] if r["metric"] == "train_loss")
    assert 0.85 < run["diagnosis"][0]["measured_height"] < 1.0


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
