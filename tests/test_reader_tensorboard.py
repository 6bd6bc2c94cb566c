"""TensorBoard reader: identical to EventAccumulator on every real file, robust to damage.

The corpus is read in place from ../shared/corpus/tensorboard; the fixtures were written
by real writers during real training (fixtures/tensorboard/README.md). TensorBoard is a
project dependency, so its EventAccumulator and protos are the reference here; torch and
tensorboardX are never imported.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import shutil
import struct
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from spikecheck.notes import NoteCode
from spikecheck.readers import tfrecord
from spikecheck.readers.interface import InputSource, ReadError, ReadOptions
from spikecheck.readers.registry import list_metrics, read_input
from spikecheck.readers.tensorboard import (
    RunData,
    TensorBoardReader,
    _Opened,
    choose_metric,
    event_files,
    find_runs,
    scan_run,
)
from spikecheck.series import normalize
from tests.note_checks import params_of

ROOT = Path(__file__).resolve().parents[1]


def scan_path(path, want=lambda tag: True) -> RunData:
    """The raw points of one event file, or of the event files directly in one directory:
    in write order with duplicates kept, exactly as EventAccumulator lists them."""
    p = Path(path)
    if p.is_dir():
        return scan_run(TensorBoardReader._files(p), str(p), want, strict=False)
    return scan_run([(str(p), lambda: _Opened(path=p))], str(p), want)
CORPUS_TB = ROOT.parent / "shared" / "corpus" / "tensorboard"
FIXTURES_TB = ROOT / "fixtures" / "tensorboard"

CORPUS_FILES = sorted(CORPUS_TB.glob("*/*tfevents*"))
CORPUS_DIRS = sorted(p for p in CORPUS_TB.iterdir() if p.is_dir()) if CORPUS_TB.is_dir() else []
FIXTURE_FILES = sorted(FIXTURES_TB.rglob("*tfevents*"))
FIXTURE_RUNS = find_runs(FIXTURES_TB)


def _ids(paths):
    return [str(p.relative_to(p.parents[1])) for p in paths]


# ----------------------------------------------------------------------------- reference


def ea_points(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """EventAccumulator's scalars (and single-number float tensors of scalar plugins)."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util

    ea = EventAccumulator(str(path), size_guidance={"scalars": 0, "tensors": 0})
    ea.Reload()
    out = {}
    for tag in ea.Tags()["scalars"]:
        ev = ea.Scalars(tag)
        out[tag] = (np.array([e.step for e in ev], dtype=np.int64),
                    np.array([e.value for e in ev], dtype=np.float64))
    for tag in ea.Tags()["tensors"]:
        try:
            plugin = ea.SummaryMetadata(tag).plugin_data.plugin_name
        except KeyError:
            plugin = ""
        ev = ea.Tensors(tag)
        if plugin not in ("", "scalars") or not ev:
            continue
        if ev[0].tensor_proto.dtype not in (1, 2, 19):
            continue
        arrays = [tensor_util.make_ndarray(e.tensor_proto) for e in ev]
        if any(a.size != 1 for a in arrays):
            continue
        assert tag not in out
        out[tag] = (np.array([e.step for e in ev], dtype=np.int64),
                    np.array([a.item() for a in arrays], dtype=np.float64))
    return out


def assert_same_points(mine, ref) -> None:
    assert sorted(mine) == sorted(ref)
    for tag in ref:
        s, v = mine[tag]
        rs, rv = ref[tag]
        assert np.array_equal(s, rs), tag
        assert np.array_equal(v, rv, equal_nan=True), tag


def my_points(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return scan_path(path).points


def write_records(path: Path, events) -> Path:
    """Frame serialized events as TFRecords with TensorBoard's own RecordWriter."""
    from tensorboard.summary.writer.record_writer import RecordWriter

    with open(path, "wb") as f:
        w = RecordWriter(f)
        for e in events:
            w.write(e if isinstance(e, bytes) else e.SerializeToString())
    return path


def scalar_event(step: int, *tag_values, wall: float = 1.7e9):
    from tensorboard.compat.proto import event_pb2, summary_pb2

    values = [summary_pb2.Summary.Value(tag=t, simple_value=v) for t, v in tag_values]
    return event_pb2.Event(wall_time=wall + step, step=step,
                           summary=summary_pb2.Summary(value=values))


def version_event(version: str = "brain.Event:2"):
    from tensorboard.compat.proto import event_pb2

    return event_pb2.Event(wall_time=1.7e9, file_version=version)


def start_event(step: int):
    from tensorboard.compat.proto import event_pb2

    return event_pb2.Event(wall_time=1.7e9 + step, step=step,
                           session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START))


def frames(path: Path) -> list[tuple[int, int]]:
    """(offset, data length) of every record, walked the plain way."""
    data = path.read_bytes()
    out, o = [], 0
    while o + 12 <= len(data):
        (n,) = struct.unpack_from("<Q", data, o)
        out.append((o, n))
        o += 16 + n
    return out


def src(path: Path) -> InputSource:
    return InputSource.from_arg(str(path))


HF = CORPUS_TB / "hf-trainer-t5-summarization"
# Without ../shared these name paths that do not exist; conftest skips the tests using them.
HF_FILE = next(HF.glob("*.0"), HF / "absent")
LSTM_FILE = next((CORPUS_TB / "lightning-lstm-textgen").glob("*tfevents*"),
                 CORPUS_TB / "absent")
RESUMED = FIXTURES_TB / "torch-resumed"
RESUMED_FIRST = event_files(RESUMED)[0]


# ----------------------------------------------------------------------------- corpus


def test_corpus_is_there(corpus):
    assert len(CORPUS_FILES) == 16 and len(CORPUS_DIRS) == 11


@pytest.mark.parametrize("path", CORPUS_FILES, ids=_ids(CORPUS_FILES))
def test_corpus_file_equals_event_accumulator(path):
    assert_same_points(my_points(path), ea_points(path))


@pytest.mark.parametrize("path", CORPUS_DIRS, ids=[p.name for p in CORPUS_DIRS])
def test_corpus_run_directory_equals_event_accumulator(path):
    assert_same_points(my_points(path), ea_points(path))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=_ids(CORPUS_FILES))
def test_list_metrics_counts_equal_event_accumulator(path):
    ref = {t: len(s) for t, (s, _) in ea_points(path).items()}
    assert dict(TensorBoardReader().list_metrics(src(path), ReadOptions())) == ref


@pytest.mark.parametrize("path", CORPUS_FILES, ids=_ids(CORPUS_FILES))
def test_sniff_event_files(path):
    assert TensorBoardReader().sniff(src(path)) == 100


def test_sniff_rejects_other_formats(tmp_path):
    reader = TensorBoardReader()
    for other in sorted((CORPUS_TB.parent / "csv").glob("*"))[:2] + \
            sorted((CORPUS_TB.parent / "json").glob("*"))[:2]:
        assert reader.sniff(src(other)) == 0
    fake = tmp_path / "events.out.tfevents.123.host"
    fake.write_bytes(b"step,loss\n1,2.0\n" * 10)
    assert reader.sniff(src(fake)) == 0  # the name alone is not enough


# The training-loss tag chosen in each corpus run, and what it is.
EXPECTED = {
    "detectron2-balloon-maskrcnn": ("total_loss", 15, False, False),
    "hf-trainer-t5-summarization": ("train/loss", 430, False, True),
    "keras-mlflow-autolog-speech": ("epoch_loss", 10, True, False),
    "keras-tf21-mnist-5ep": ("epoch_loss", 5, True, False),
    "lightning-contrastive-100ep": ("train_loss", 7738, False, True),
    "lightning-hmer-satd-240ep": ("train_loss", 240, True, True),
    "lightning-lstm-textgen": ("train_loss", 7691, False, True),
    "lightning-tft-optuna-trial0": ("train_loss_step", 30, False, True),
    "tf1-guild-mnist-train": ("loss", 28, False, False),
    "yolov5-resumed-5files": ("train/box_loss", 300, True, False),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_run_series(name):
    metric, points, per_epoch, has_epochs = EXPECTED[name]
    d = CORPUS_TB / name
    (series,) = read_input(str(d), ReadOptions())
    assert (series.metric, len(series), series.per_epoch) == (metric, points, per_epoch)
    assert (series.epochs is not None) == has_epochs
    assert series.source == str(d)
    # The series is EventAccumulator's points, normalized (last write wins, sorted).
    steps, values = ea_points(d)[metric]
    ref = normalize(steps, values, metric=metric, source="ref")
    assert np.array_equal(series.steps, ref.steps)
    assert np.array_equal(series.values, ref.values)
    if per_epoch:
        assert params_of(series.notes, NoteCode.PER_EPOCH_TAG) == [{"metric": metric}]


def test_epochs_come_from_the_epoch_tag_joined_on_step():
    (series,) = read_input(str(LSTM_FILE), ReadOptions())
    es, ev = ea_points(LSTM_FILE)["epoch"]
    last = {int(s): float(v) for s, v in zip(es, ev)}  # last write wins per step
    assert np.array_equal(series.epochs, [last[int(s)] for s in series.steps])
    assert series.epochs[0] == 0 and series.epochs[-1] == 28


def test_hugging_face_fractional_epochs_give_steps_per_epoch():
    (series,) = read_input(str(HF_FILE), ReadOptions())
    assert series.steps_per_epoch_hint == 71779


def test_yolov8_repeated_steps_are_points_within_the_epoch():
    # ultralytics writes each batch's running loss with step = epoch: 55 values per step.
    d = CORPUS_TB / "yolov8-fire-perbatch-dupsteps"
    (series,) = read_input(str(d), ReadOptions())
    steps, values = ea_points(d)["train/box_loss"]
    assert len(series) == steps.size == 1375 and not series.per_epoch
    assert np.array_equal(series.values, values)  # every write, in write order
    assert np.array_equal(series.steps, np.arange(1, 1376))
    assert np.array_equal(series.epochs, steps)  # the repeated step is the epoch
    assert series.steps_per_epoch_hint == 55
    assert series.normalization.duplicate_steps == 0
    assert not series.normalization.notable_drop
    assert params_of(series.notes, NoteCode.STEP_IS_EPOCH) == [
        {"values": 1375, "steps": 25, "per_step": 55}]


def test_yolov8_one_value_per_epoch_is_still_per_epoch(tmp_path):
    # Older ultralytics writes the epoch's mean once per epoch: that is a per-epoch log.
    d = CORPUS_TB / "yolov8-fire-perbatch-dupsteps"
    steps, values = ea_points(d)["train/box_loss"]
    from spikecheck.readers.tensorboard import RunData, build_series

    last = {int(s): float(v) for s, v in zip(steps, values)}
    s = np.array(sorted(last), dtype=np.int64)
    run = RunData("yolo", points={"train/box_loss": (s, np.array([last[k] for k in s]))})
    series = build_series(run, "train/box_loss")
    assert series.per_epoch and len(series) == 25


def test_one_file_of_a_resumed_run_says_where_the_rest_is():
    (series,) = read_input(str(RESUMED_FIRST), ReadOptions())
    assert len(series) == 8 * 111
    assert params_of(series.notes, NoteCode.ONE_OF_SEVERAL_EVENT_FILES) == [
        {"files": 2, "directory": str(RESUMED)}]
    lone = next((CORPUS_TB / "tf1-guild-mnist-train").glob("*tfevents*"))
    (alone,) = read_input(str(lone), ReadOptions())
    assert not params_of(alone.notes, NoteCode.ONE_OF_SEVERAL_EVENT_FILES)


def test_yolov5_five_resumed_files_join_in_write_order():
    d = CORPUS_TB / "yolov5-resumed-5files"
    names = [f.name for f in event_files(d)]
    assert names == sorted(names) and len(names) == 5
    (series,) = read_input(str(d), ReadOptions())
    assert np.array_equal(series.steps, np.arange(300))


# ----------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=_ids(FIXTURE_FILES))
def test_fixture_file_equals_event_accumulator(path):
    assert_same_points(my_points(path), ea_points(path))


@pytest.mark.parametrize("path", FIXTURE_RUNS, ids=[str(p.relative_to(FIXTURES_TB))
                                                    for p in FIXTURE_RUNS])
def test_fixture_run_equals_event_accumulator(path):
    assert_same_points(my_points(path), ea_points(path))


def test_tf2_tensor_scalars_of_every_encoding():
    d = FIXTURES_TB / "tf2-tensor-scalars"
    pts = my_points(d)
    assert sorted(pts) == ["epoch", "grad_norm", "loss", "loss_f16", "loss_f64",
                           "loss_scale", "lr"]
    loss = pts["loss"][1]
    assert np.array_equal(pts["loss_f64"][1].astype(np.float32), loss)  # same run, wider
    assert np.allclose(pts["loss_f16"][1], loss, rtol=1e-3, atol=1e-4)
    assert set(np.unique(pts["loss_scale"][1])) == {256.0, 512.0, 1024.0, 2048.0, 4096.0}
    (series,) = read_input(str(d), ReadOptions())
    assert series.metric == "loss" and series.epochs is not None


def test_resumed_run_later_write_wins():
    (series,) = read_input(str(RESUMED), ReadOptions())
    first, second = (my_points(f)["train/loss"] for f in event_files(RESUMED))
    overlap = np.intersect1d(first[0], second[0])
    assert overlap.size == 222
    by_step = dict(zip(series.steps.tolist(), series.values.tolist()))
    assert all(by_step[s] == v for s, v in zip(second[0].tolist(), second[1].tolist()))
    assert series.normalization.duplicate_steps == 222
    assert len(series) == 12 * 111


def test_log_directory_gives_one_series_per_training_run():
    series = read_input(str(FIXTURES_TB), ReadOptions())
    got = {Path(s.source).relative_to(FIXTURES_TB).as_posix(): s.metric for s in series}
    assert got == {
        "keras-style/train": "batch_loss",
        "tbx-5tags": "loss",
        "tbx-5tags/loss/train": "loss",
        "tf2-tensor-scalars": "loss",
        "torch-newstyle": "train/loss",
        "torch-resumed": "train/loss",
    }
    keras = next(s for s in series if s.source.endswith("keras-style/train"))
    assert keras.running_mean and not keras.per_epoch
    assert params_of(keras.notes, NoteCode.VALIDATION_RUNS_SKIPPED)


def test_keras_epoch_loss_is_per_epoch():
    (series,) = read_input(str(FIXTURES_TB / "keras-style"),
                           ReadOptions(metric="epoch_loss"))
    assert series.per_epoch and len(series) == 4


def test_metric_can_name_a_run_as_list_prints_it():
    found = dict(list_metrics(str(FIXTURES_TB / "keras-style"), ReadOptions()))
    assert found == {"train: batch_loss": 200, "train: epoch_loss": 4,
                     "validation: epoch_loss": 4}
    (series,) = read_input(str(FIXTURES_TB / "keras-style"),
                           ReadOptions(metric="validation: epoch_loss"))
    assert series.source.endswith("validation") and len(series) == 4


def test_list_directory_of_one_run_gives_plain_tags():
    found = dict(list_metrics(str(RESUMED), ReadOptions()))
    assert found == {"epoch": 1554, "train/loss": 1554, "val/loss": 14}


def test_metric_option_is_an_exact_tag():
    (series,) = read_input(str(HF_FILE), ReadOptions(metric="train/grad_norm"))
    assert series.metric == "train/grad_norm" and len(series) == 430
    with pytest.raises(ReadError) as e:
        read_input(str(HF_FILE), ReadOptions(metric="train/Loss"))
    msg = str(e.value)
    assert "\n" not in msg and HF_FILE.name in msg and "train/loss" in msg


def test_no_training_loss_tag_is_a_clear_error(tmp_path):
    f = write_records(tmp_path / "events.out.tfevents.1.h",
                      [version_event(), scalar_event(1, ("val/loss", 1.0), ("lr", 0.1))])
    with pytest.raises(ReadError, match="no training-loss tag found .*lr, val/loss"):
        read_input(str(f), ReadOptions())


@pytest.mark.parametrize("tags, want", [
    (["val_loss", "train_loss", "epoch"], "train_loss"),
    (["train_loss_epoch", "train_loss_step"], "train_loss_step"),
    (["epoch_loss", "batch_loss"], "batch_loss"),
    (["eval/loss", "train/train_loss", "train/loss"], "train/loss"),
    (["val/box_loss", "train/obj_loss", "train/box_loss"], "train/box_loss"),
    (["Loss/train", "Loss/val"], "Loss/train"),
    (["TRAIN/LOSS", "lr"], "TRAIN/LOSS"),
    (["my_recon_loss", "my_val_loss", "test/loss"], "my_recon_loss"),
    (["val_loss", "accuracy"], None),
    # a loss named for its function, where no tag says loss (a regression's train/mse)
    (["train/mse", "val/mse", "lr"], "train/mse"),
    (["train/mse", "train/loss"], "train/loss"),
    (["val/mse", "test_mae"], None),
    (["train/msec_per_step"], None),
])
def test_choose_metric(tags, want):
    assert choose_metric(tags) == want


# ----------------------------------------------------------------------------- errors


def test_empty_file_is_a_clear_error(tmp_path):
    f = tmp_path / "events.out.tfevents.1.host"
    f.write_bytes(b"")
    with pytest.raises(ReadError, match=r"events\.out\.tfevents\.1\.host: file is empty"):
        TensorBoardReader().read(src(f), ReadOptions())
    with pytest.raises(ReadError, match="empty"):
        read_input(str(f), ReadOptions())


def test_non_event_file_is_a_clear_error(tmp_path):
    f = tmp_path / "events.out.tfevents.2.host"
    f.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(ReadError) as e:
        TensorBoardReader().read(src(f), ReadOptions())
    assert str(e.value) == f"{f}: not a TensorBoard event file (no TFRecord framing)"
    with pytest.raises(ReadError) as e:
        read_input(str(f), ReadOptions())
    assert "\n" not in str(e.value) and str(f) in str(e.value)


def test_tfrecord_that_is_not_events_is_a_clear_error(tmp_path):
    # A tf.Example-like record: field 1 as a message, which an Event never holds.
    f = write_records(tmp_path / "data.tfrecord", [b"\x0a\x05\x0a\x03abc"] * 3)
    assert TensorBoardReader().sniff(src(f)) == 100
    with pytest.raises(ReadError, match="not TensorBoard events"):
        read_input(str(f), ReadOptions())


def test_directory_without_event_files(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ReadError, match="no TensorBoard event files"):
        read_input(str(tmp_path), ReadOptions())


def test_empty_file_in_a_run_directory_is_skipped_with_a_note(tmp_path):
    shutil.copy(RESUMED_FIRST, tmp_path / RESUMED_FIRST.name)
    (tmp_path / "events.out.tfevents.9999999999.host.1.0").write_bytes(b"")
    (series,) = read_input(str(tmp_path), ReadOptions())
    assert len(series) == 8 * 111
    assert any("file is empty" in p["error"]
               for p in params_of(series.notes, NoteCode.FILE_SKIPPED))


# ----------------------------------------------------------------------------- damage


def _damaged_copy(tmp_path: Path, edit) -> tuple[Path, list[tuple[int, int]]]:
    data = bytearray(RESUMED_FIRST.read_bytes())
    fr = frames(RESUMED_FIRST)
    edit(data, fr)
    out = tmp_path / RESUMED_FIRST.name
    out.write_bytes(bytes(data))
    return out, fr


def _points_without(records: set[int]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The original file's points with the given record numbers left out."""
    from tensorboard.compat.proto import event_pb2

    data = RESUMED_FIRST.read_bytes()
    out: dict[str, list] = {}
    for i, (o, n) in enumerate(frames(RESUMED_FIRST)):
        if i in records:
            continue
        ev = event_pb2.Event.FromString(data[o + 12: o + 12 + n])
        for v in ev.summary.value:
            out.setdefault(v.tag, []).append((ev.step, v.simple_value))
    return {t: (np.array([p[0] for p in pts], dtype=np.int64),
                np.array([p[1] for p in pts], dtype=np.float64)) for t, pts in out.items()}


def test_corrupted_records_are_skipped_and_counted(tmp_path):
    bad = {5, 400, 401, 1200}

    def edit(data, fr):
        for i in bad:
            o, n = fr[i]
            data[o + 12 + n - 2] ^= 0x40  # inside the value: only the data CRC notices

    f, _ = _damaged_copy(tmp_path, edit)
    run = scan_path(f)
    assert_same_points(run.points, _points_without(bad))
    assert [p["records"] for p in params_of(run.notes, NoteCode.CORRUPT_RECORDS)] == [4]
    (series,) = read_input(str(f), ReadOptions())
    assert [p["records"] for p in params_of(series.notes, NoteCode.CORRUPT_RECORDS)] == [4]


def test_corrupted_length_resyncs_at_the_next_record(tmp_path):
    def edit(data, fr):
        data[fr[300][0]] ^= 0x01  # the length: its CRC fails, the walk must resync

    f, fr = _damaged_copy(tmp_path, edit)
    run = scan_path(f)
    assert_same_points(run.points, _points_without({300}))
    n = fr[300][1] + 16
    assert [(p["bytes"], p["offset"]) for p in params_of(run.notes, NoteCode.UNREADABLE_BYTES)] \
        == [(n, fr[300][0])]


def test_truncated_final_record_is_normal(tmp_path):
    for cut in (5, 14, 30):  # inside the header, inside the data, just before the CRC
        def edit(data, fr, cut=cut):
            o, n = fr[-1]
            del data[o + min(cut, 12 + n + 3):]

        f, fr = _damaged_copy(tmp_path, edit)
        (series,) = read_input(str(f), ReadOptions())
        assert params_of(series.notes, NoteCode.LAST_RECORD_INCOMPLETE)
        assert_same_points(scan_path(f).points, _points_without({len(fr) - 1}))


def test_absurd_length_is_never_allocated(tmp_path):
    huge = (1 << 62) + 12345
    header = struct.pack("<Q", huge)
    header += struct.pack("<I", tfrecord.masked_crc32c(header))

    def middle(data, fr):
        o = fr[100][0]
        data[o:o] = header + b"\x00" * 20

    f, _ = _damaged_copy(tmp_path, middle)
    tracemalloc.start()
    run = scan_path(f)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 << 20
    assert_same_points(run.points, _points_without(set()))
    assert params_of(run.notes, NoteCode.UNREADABLE_BYTES)

    def end(data, fr):
        data += header + b"\x01" * 50

    f, _ = _damaged_copy(tmp_path, end)
    run = scan_path(f)
    assert_same_points(run.points, _points_without(set()))
    assert params_of(run.notes, NoteCode.LAST_RECORD_INCOMPLETE)


def test_garbage_before_the_first_record(tmp_path):
    def edit(data, fr):
        data[0:0] = b"\x07" * 100

    f, _ = _damaged_copy(tmp_path, edit)
    run = scan_path(f)
    assert_same_points(run.points, _points_without(set()))
    assert [(p["bytes"], p["offset"]) for p in params_of(run.notes, NoteCode.UNREADABLE_BYTES)] \
        == [(100, 0)]


def test_many_corrupted_records_among_same_length_tags(tmp_path):
    """Twenty tags of equal length: one layout, twenty CRC classes, damage among them."""
    tags = [f"loss_{i:02d}" for i in range(20)]
    events = [version_event()]
    rng = np.random.default_rng(0)
    for step in range(1, 700):
        for t in tags:
            events.append(scalar_event(step, (t, float(rng.random())), wall=1.7e9 + step))
    clean = write_records(tmp_path / "clean.tfevents", events)
    ref = ea_points(clean)
    data = bytearray(clean.read_bytes())
    fr = frames(clean)
    bad = set(rng.choice(np.arange(1, len(fr)), size=300, replace=False).tolist())
    for i in bad:
        o, n = fr[i]
        data[o + 12 + int(rng.integers(0, n))] ^= 1 << int(rng.integers(0, 8))
    dmg = tmp_path / "damaged.tfevents"
    dmg.write_bytes(bytes(data))
    run = scan_path(dmg)
    assert [p["records"] for p in params_of(run.notes, NoteCode.CORRUPT_RECORDS)] == [300]
    keep = {t: [] for t in tags}
    k = 1
    for step in range(1, 700):
        for t in tags:
            if k not in bad:
                keep[t].append(step)
            k += 1
    for t in tags:
        s, v = run.points[t]
        assert np.array_equal(s, keep[t])
        mask = np.isin(ref[t][0], keep[t])
        assert np.array_equal(v, ref[t][1][mask])


def test_random_damage_never_invents_points(tmp_path):
    """Bytes flipped, cut or inserted anywhere: what is read is a subset of the truth."""
    data = RESUMED_FIRST.read_bytes()
    truth = {(t, int(s), float(v)) for t, (ss, vv) in my_points(RESUMED_FIRST).items()
             for s, v in zip(ss, vv)}
    rng = np.random.default_rng(7)
    f = tmp_path / RESUMED_FIRST.name
    for trial in range(40):
        buf = bytearray(data)
        for _ in range(int(rng.integers(1, 20))):
            i = int(rng.integers(0, len(buf)))
            kind = trial % 3
            if kind == 0:
                buf[i] ^= 1 << int(rng.integers(0, 8))
            elif kind == 1:
                del buf[i: i + int(rng.integers(1, 40))]
            else:
                buf[i:i] = rng.integers(0, 256, int(rng.integers(1, 40))).astype(np.uint8).tobytes()
        f.write_bytes(bytes(buf))
        try:
            run = scan_path(f)
        except ReadError:
            continue
        got = {(t, int(s), float(v)) for t, (ss, vv) in run.points.items()
               for s, v in zip(ss, vv)}
        assert got <= truth
        assert len(got) > len(truth) // 3


@pytest.mark.parametrize("window", [64, 1000, 4096, 65536])
@pytest.mark.parametrize("path", [HF_FILE, next(
    (CORPUS_TB / "keras-mlflow-autolog-speech").glob("*"), CORPUS_TB / "absent"), RESUMED_FIRST,
    next((FIXTURES_TB / "tbx-5tags").glob("*tfevents*"))], ids=["hf", "keras-graph",
                                                               "torch", "tbx"])
def test_window_boundaries_do_not_matter(path, window):
    ref = tfrecord.scan(path)
    source = tfrecord.Source(path=path, window=window)
    try:
        got = tfrecord.scan(source)
    finally:
        source.close()
    assert got.n_records == ref.n_records and got.counts == ref.counts
    for key in ref.counts:
        for a, b in zip(got.tag_arrays(key), ref.tag_arrays(key)):
            assert np.array_equal(a, b)


# ----------------------------------------------------------------------------- EA rules


def test_session_start_purges_orphaned_points(tmp_path):
    events = [version_event()]
    events += [scalar_event(s, ("loss", s * 1.0), ("lr", 0.1)) for s in range(100)]
    events += [start_event(50)]  # a restart from the step-50 checkpoint
    events += [scalar_event(s, ("loss", -s * 1.0)) for s in range(50, 80)]
    f = write_records(tmp_path / "events.out.tfevents.1.h", events)
    ref = ea_points(f)
    assert len(ref["loss"][0]) == 80 and len(ref["lr"][0]) == 50
    assert_same_points(my_points(f), ref)
    assert dict(TensorBoardReader().list_metrics(src(f), ReadOptions())) == \
        {"loss": 80, "lr": 50}


def test_session_start_in_a_later_file_purges_the_earlier_file(tmp_path):
    write_records(tmp_path / "events.out.tfevents.100.h", [version_event()] + [
        scalar_event(s, ("loss", 1.0)) for s in range(60)])
    write_records(tmp_path / "events.out.tfevents.200.h", [version_event(), start_event(40)]
                  + [scalar_event(s, ("loss", 2.0)) for s in range(40, 50)])
    ref = ea_points(tmp_path)
    assert len(ref["loss"][0]) == 50
    assert_same_points(my_points(tmp_path), ref)


@pytest.mark.parametrize("version", [None, "brain.Event:1"])
def test_without_file_version_steps_going_back_purge_their_tags(tmp_path, version):
    events = [] if version is None else [version_event(version)]
    events += [scalar_event(s, ("loss", s * 1.0), ("acc", 0.5)) for s in range(100)]
    events += [scalar_event(s, ("loss", 7.0)) for s in range(60, 70)]
    events += [scalar_event(s, ("acc", 0.7)) for s in range(30, 35)]
    f = write_records(tmp_path / "events.out.tfevents.1.h", events)
    ref = ea_points(f)
    assert len(ref["loss"][0]) == 70
    assert_same_points(my_points(f), ref)


def test_steps_zero_negative_and_huge(tmp_path):
    steps = [0, 1, -1, 127, 128, -200, 16384, 1 << 40, 5, (1 << 63) - 1, -(1 << 63)]
    events = [version_event()] + [scalar_event(s, ("loss", float(i)), wall=1.7e9)
                                  for i, s in enumerate(steps)]
    f = write_records(tmp_path / "events.out.tfevents.1.h", events)
    assert_same_points(my_points(f), ea_points(f))


def test_several_values_of_one_tag_in_one_event(tmp_path):
    events = [version_event()] + [
        scalar_event(s, ("loss", s + 0.25), ("loss", s + 0.5), ("acc", 1.0)) for s in range(40)]
    f = write_records(tmp_path / "events.out.tfevents.1.h", events)
    mine, ref = my_points(f), ea_points(f)
    assert len(ref["loss"][0]) == 80
    assert_same_points(mine, ref)


def test_repeating_patterns_with_odd_records_between(tmp_path):
    """Lightning-like: a tag every step, a pair every 50, validation and histograms now and
    then; the walker verifies the 52-record cycle in bulk and resumes it after odd ones."""
    from tensorboard.compat.proto import summary_pb2

    rng = np.random.default_rng(1)
    events = [version_event()]
    for step in range(12_000):
        if step % 50 == 49:
            events.append(scalar_event(step, ("train_loss", float(rng.random()))))
            events.append(scalar_event(step, ("epoch", float(step // 1325))))
        if step % 1325 == 1324:
            events.append(scalar_event(step, ("val_loss", float(rng.random()))))
        events.append(scalar_event(step, ("lr-Adam", 1e-3 * (1 + step * 1e-3))))
        if step % 700 == 0:
            k = int(rng.integers(3, 30))
            h = summary_pb2.HistogramProto(min=0, max=1, num=k, bucket_limit=sorted(
                rng.random(k)), bucket=list(rng.random(k)))
            e = scalar_event(step)
            e.summary.value.add(tag="grads", histo=h)
            events.append(e)
    f = write_records(tmp_path / "events.out.tfevents.1.h", events)
    ref = ea_points(f)
    assert_same_points(my_points(f), ref)
    for window in (5000, 65536):
        source = tfrecord.Source(path=f, window=window)
        try:
            got = tfrecord.scan(source)
        finally:
            source.close()
        for tag, (steps, values) in ref.items():
            _, s, v = got.tag_arrays((tag, "simple"))
            assert np.array_equal(s, steps) and np.array_equal(v, values)


def _bench_generator():
    spec = importlib.util.spec_from_file_location("bench_generate",
                                                  ROOT / "tests" / "bench" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("tags, tensor, n", [(1, False, 20000), (1, True, 20000),
                                             (5, False, 3000), (5, True, 3000)])
def test_benchmark_files_equal_event_accumulator(tmp_path, tags, tensor, n):
    """The bench generator's files (16-bit CRC tables kick in at this size) vs EA."""
    gen = _bench_generator()
    f = tmp_path / "events.out.tfevents.1732560000.bench-host.1.0"
    gen.write_events(f, gen.curve(n), gen.TB_TAGS if tags == 5 else ("loss",), tensor=tensor)
    assert_same_points(my_points(f), ea_points(f))


# ----------------------------------------------------------------------------- inputs


def test_gzipped_event_file(tmp_path):
    gz = tmp_path / (HF_FILE.name + ".gz")
    gz.write_bytes(gzip.compress(HF_FILE.read_bytes()))
    assert TensorBoardReader().sniff(src(gz)) == 100
    (a,) = read_input(str(gz), ReadOptions())
    (b,) = read_input(str(HF_FILE), ReadOptions())
    assert np.array_equal(a.values, b.values) and a.metric == "train/loss"


def test_gzipped_event_file_in_a_run_directory(tmp_path):
    for f in event_files(RESUMED):
        (tmp_path / (f.name + ".gz")).write_bytes(gzip.compress(f.read_bytes()))
    (a,) = read_input(str(tmp_path), ReadOptions())
    (b,) = read_input(str(RESUMED), ReadOptions())
    assert np.array_equal(a.steps, b.steps) and np.array_equal(a.values, b.values)


def test_stdin_spool():
    spool = io.BytesIO(HF_FILE.read_bytes())
    s = InputSource(None, "<stdin>", spool)
    (series,) = TensorBoardReader().read(s, ReadOptions())
    assert series.metric == "train/loss" and series.source == "<stdin>" and len(series) == 430


def test_reader_module_needs_no_protobuf():
    code = (
        "import sys\n"
        "from spikecheck.readers.registry import read_input\n"
        "from spikecheck.readers.interface import ReadOptions\n"
        f"read_input({str(CORPUS_TB / 'lightning-lstm-textgen')!r}, ReadOptions())\n"
        f"read_input({str(FIXTURES_TB / 'tf2-tensor-scalars')!r}, ReadOptions())\n"
        "bad = [m for m in ('google.protobuf', 'tensorboard', 'pandas', 'torch') "
        "if m in sys.modules]\n"
        "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ----------------------------------------------------------------------------- CLI


def _cli():
    try:
        from click.testing import CliRunner

        from spikecheck.cli import main
    except ImportError:  # pragma: no cover - the CLI is built alongside
        pytest.skip("the CLI is not available")
    return CliRunner(), main


def test_cli_json_of_an_event_file():
    runner, main = _cli()
    res = runner.invoke(main, [str(HF_FILE), "--format", "json"])
    assert res.exit_code in (0, 1), res.output
    (run,) = json.loads(res.stdout)["runs"]
    assert run["metric"] == "train/loss" and run["points"] == 430


def test_cli_list_of_a_directory():
    runner, main = _cli()
    res = runner.invoke(main, [str(HF), "--list"])
    assert res.exit_code == 0, res.output
    assert "train/loss\t430" in res.stdout and "train/epoch\t432" in res.stdout


def test_cli_event_files_and_csv_twin_give_the_same_verdict():
    runner, main = _cli()
    args = ["--dataset-size", "1764", "--batch-size", "16", "--format", "json"]
    runs = []
    for target in (RESUMED, RESUMED / "metrics.csv"):
        res = runner.invoke(main, [str(target), *args])
        assert res.exit_code in (0, 1), res.output
        (run,) = json.loads(res.stdout)["runs"]
        runs.append(run)
    tb, csv_ = runs
    assert tb["points"] == csv_["points"] == 1332
    assert tb["verdict"] == csv_["verdict"] == "epoch-aligned-spikes"
    assert tb["diagnosis"][0]["cause"] == csv_["diagnosis"][0]["cause"] == \
        "partial-final-batch"
