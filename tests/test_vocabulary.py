"""One vocabulary for every reader: training-loss names, per-epoch logs, restarts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spikecheck.readers import ReadOptions
from spikecheck.readers.registry import read_input
from spikecheck.readers.tensorboard import loss_rank
from spikecheck.readers.vocabulary import (
    is_perplexity_name,
    is_training_loss_name,
    per_epoch_only,
    resolve_restarts,
)


@pytest.mark.parametrize("name", ["dev_loss", "val_loss", "eval/loss", "test_loss",
                                  "Loss/validation", "holdout-loss", "loss (test)",
                                  "eval_loss", "valid/total_loss"])
def test_evaluation_names_are_not_training_loss_anywhere(name, tmp_path):
    assert not is_training_loss_name(name)
    assert loss_rank(name) is None  # TensorBoard tags
    # CSV columns: the evaluation column is passed over for the training one.
    p = tmp_path / "m.csv"
    p.write_text(f"step,{name},mlm_loss\n" + "".join(f"{i},{1 + i},{2 + i}\n"
                                                     for i in range(20)))
    (s,) = read_input(str(p), ReadOptions())
    assert s.metric == "mlm_loss"
    # JSON Lines keys, likewise.
    p = tmp_path / "m.jsonl"
    p.write_text("".join(json.dumps({"step": i, name: 1.0 + i, "mlm_loss": 2.0 + i}) + "\n"
                         for i in range(20)))
    (s,) = read_input(str(p), ReadOptions())
    assert s.metric == "mlm_loss"


@pytest.mark.parametrize("name", ["loss", "train_loss", "total_loss", "train/loss_step",
                                  "lm_loss", "developer_loss"])
def test_training_loss_names(name):
    assert is_training_loss_name(name)


def test_one_rule_for_per_epoch_logs():
    assert per_epoch_only(np.arange(5.0))  # one point in each of consecutive epochs
    assert not per_epoch_only(np.array([0, 0, 1, 1, 2.0]))  # several points per epoch
    assert not per_epoch_only(np.array([1, 3, 4, 6, 8.0]))  # a sparse per-step log
    assert not per_epoch_only(np.array([0.1, 0.2, 0.3]))  # fractional epochs (HF)
    assert per_epoch_only(None, "train/epoch_loss") and per_epoch_only(None, "loss_epoch")
    assert per_epoch_only(None, "epoch_loss") and not per_epoch_only(None, "loss")
    assert per_epoch_only(None, "train/box_loss", step_is_epoch=True, steps=np.arange(1, 26))
    assert not per_epoch_only(None, "train/box_loss", step_is_epoch=True,
                              steps=np.repeat(np.arange(1, 26), 55))


def test_per_epoch_logs_are_judged_alike_in_csv_and_json(tmp_path):
    rows = "".join(f"{e},{(e + 1) * 100},{2.0 - e / 10}\n" for e in range(10))
    p = tmp_path / "m.csv"
    p.write_text("epoch,step,loss\n" + rows)
    (c,) = read_input(str(p), ReadOptions())
    p = tmp_path / "m.jsonl"
    p.write_text("".join(json.dumps({"epoch": e, "step": (e + 1) * 100, "loss": 2.0 - e / 10})
                         + "\n" for e in range(10)))
    (j,) = read_input(str(p), ReadOptions())
    assert c.per_epoch and j.per_epoch


def test_restarts_drop_what_the_resumed_run_superseded():
    keys = np.array([0, 1, 2, 3, 4, 5, 2, 3, 4])
    keep, restarts, dropped = resolve_restarts(keys)
    assert restarts == 1 and dropped == 1  # step 5 of the abandoned run
    assert list(keys[keep]) == [0, 1, 2, 3, 4, 2, 3, 4]  # the rest: last write wins later


# ------------------------------------------------------------------ every reader alike

TRAINING, NOT_TRAINING, PERPLEXITY = "training loss", "not training loss", "perplexity"
SAME_NAMES = {"loss": TRAINING, "train_loss": TRAINING, "total_loss": TRAINING,
              "dev_loss": NOT_TRAINING, "val_loss": NOT_TRAINING, "eval/loss": NOT_TRAINING,
              "test_loss": NOT_TRAINING, "ppl": PERPLEXITY}
VALUES = [2.0 + 0.01 * ((7 * i) % 11) for i in range(30)]


def _csv(path, name):
    path.write_text(f"step,{name}\n" + "".join(f"{i},{v}\n" for i, v in enumerate(VALUES)))


def _jsonl(path, name):
    path.write_text("".join(json.dumps({"step": i, name: v}) + "\n"
                            for i, v in enumerate(VALUES)))


def _text(path, name):
    # A common custom print: an epoch marker and a counter that restarts every epoch.
    path.write_text("".join(f"Epoch {i // 10 + 1}/3 - step {i % 10 + 1}/10 - {name}: {v}\n"
                            for i, v in enumerate(VALUES)))


def _tensorboard(path, name):
    pytest.importorskip("tensorboard")
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.record_writer import RecordWriter

    with open(path, "wb") as f:
        w = RecordWriter(f)
        w.write(event_pb2.Event(wall_time=1.7e9, file_version="brain.Event:2")
                .SerializeToString())
        for i, v in enumerate(VALUES):
            value = summary_pb2.Summary.Value(tag=name, simple_value=v)
            w.write(event_pb2.Event(wall_time=1.7e9 + i, step=i,
                                    summary=summary_pb2.Summary(value=[value]))
                    .SerializeToString())


WRITERS = {"csv": ("m.csv", _csv), "json": ("m.jsonl", _jsonl), "text": ("train.log", _text),
           "tensorboard": ("events.out.tfevents.1700000000.host", _tensorboard)}


def _judged(path) -> str:
    """What a reader made of a log whose only metric is the name under test."""
    from spikecheck.readers.interface import ReadError

    try:
        (s,) = read_input(str(path), ReadOptions())
    except ReadError:
        return NOT_TRAINING
    if s.metric.startswith("log("):
        assert np.allclose(s.values, np.log(VALUES))
        return PERPLEXITY
    assert np.allclose(s.values, VALUES)  # read as loss, every point
    return TRAINING


@pytest.mark.parametrize("reader", sorted(WRITERS))
@pytest.mark.parametrize("name", sorted(SAME_NAMES))
def test_every_reader_judges_a_metric_name_alike(name, reader, tmp_path):
    filename, write = WRITERS[reader]
    path = tmp_path / filename
    write(path, name)
    from spikecheck.readers.interface import InputSource
    from spikecheck.readers.registry import choose_reader

    assert choose_reader(InputSource.from_arg(str(path))).name == reader  # the reader tested
    got = _judged(path)
    expected = SAME_NAMES[name]
    assert is_training_loss_name(name) == (expected == TRAINING)
    assert is_perplexity_name(name) == (expected == PERPLEXITY)
    # A perplexity-only log is read as log(perplexity), the loss it stands for, everywhere.
    assert got == expected
