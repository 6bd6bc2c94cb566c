"""JSON reader: trainer_state.json and JSON Lines, on the real corpus in place and samples."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from spikecheck.notes import NoteCode
from spikecheck.readers import InputSource, ReadError, ReadOptions
from spikecheck.readers.json import JsonReader
from spikecheck.readers.registry import choose_reader, read_input
from tests.note_checks import params_of

DATA = "tests/data/json"


def read(path, **kw):
    (s,) = JsonReader().read(InputSource.from_arg(str(path)), ReadOptions(**kw))
    return s


def value_at(s, step):
    i = int(np.searchsorted(s.steps, step))
    assert s.steps[i] == step
    return float(s.values[i])


def test_hf_whisper_streaming_epoch_resets(corpus):
    s = read(corpus / "json/hf-trainer-state-whisper-tiny-100k-steps.json")
    assert len(s) == 2000 and s.steps[0] == 50 and s.steps[-1] == 100000
    assert s.epochs is None  # epoch falls back to ~0 at 5050, 52050 and 66050
    assert params_of(s.notes, NoteCode.EPOCH_FALLS_BACK) == [{"steps": (5050, 52050, 66050)}]
    assert value_at(s, 50) == pytest.approx(2.936)
    assert value_at(s, 5050) == pytest.approx(1.4062)
    assert params_of(s.notes, NoteCode.EVAL_ENTRIES_SKIPPED) == [{"entries": 100}]


def test_hf_t5_three_epochs(corpus):
    s = read(corpus / "json/hf-trainer-state-t5-summarization-3ep.json")
    assert len(s) == 430 and s.steps[-1] == 215000
    assert s.steps_per_epoch_hint == 71779  # max_steps 215337 / 3 epochs
    assert s.epochs[0] == pytest.approx(500 / 71779)
    assert value_at(s, 1000) == pytest.approx(1.907)


def test_hf_predict_entries_without_step(corpus):
    s = read(corpus / "json/hf-trainer-state-cpt-predict-entries-10ep.json")
    assert s.steps.tolist() == list(range(500, 5001, 500))
    assert s.values[0] == pytest.approx(1.1409) and s.steps_per_epoch_hint == 549


def test_hf_trl_sft(corpus):
    s = read(corpus / "json/hf-trl-sft-trainer-state-tinyllama-2ep.json")
    assert len(s) == 186 and s.steps[0] == 15 and s.steps_per_epoch_hint == 1404
    assert value_at(s, 1410) == pytest.approx(1.156, abs=5e-4)  # the bump at the boundary
    assert params_of(s.notes, NoteCode.EVAL_ENTRIES_SKIPPED) == [{"entries": 14}]


def test_hf_other_metric(corpus):
    s = read(corpus / "json/hf-trl-sft-trainer-state-tinyllama-2ep.json", metric="grad_norm")
    assert len(s) == 186 and s.metric == "grad_norm"


def test_detectron2_metrics_appended_run(corpus):
    s = read(corpus / "json/detectron2-metrics-balloon-restarted.json")
    # 16 lines, iteration 19 twice: line 1 is the aborted run, line 2 wins
    assert len(s) == 15 and s.steps.tolist() == list(range(19, 300, 20))
    assert s.normalization.duplicate_steps == 1
    line2 = json.loads(open(corpus / "json/detectron2-metrics-balloon-restarted.json")
                       .readlines()[1])
    assert s.values[0] == pytest.approx(line2["total_loss"])
    assert s.metric == "total_loss"


def test_detectron2_metrics_other_key(corpus):
    s = read(corpus / "json/detectron2-metrics-medwaste-4000it.json", metric="loss_cls")
    assert len(s) == 200 and s.steps[-1] == 3999
    assert s.values[0] == pytest.approx(1.8930914402008057)
    s = read(corpus / "json/detectron2-metrics-medwaste-4000it.json")
    assert s.values[-1] == pytest.approx(1.0374564621597528)


def test_mmdet_log_json(corpus):
    s = read(corpus / "json/mmdet2-faster-rcnn-12ep.log.json")
    assert len(s) == 7200 and s.steps_per_epoch_hint == 30045  # from the 12 val records
    assert s.epochs.min() == 0 and s.epochs.max() == 11
    assert value_at(s, 11 * 30045 + 30000) == pytest.approx(0.27816)
    assert {"records": 12, "kind": "val records"} in params_of(s.notes, NoteCode.RECORDS_SKIPPED)


@pytest.mark.parametrize("name", ["detectron2-metrics-balloon-restarted.json",
                                  "detectron2-metrics-medwaste-4000it.json",
                                  "hf-trainer-state-cpt-predict-entries-10ep.json",
                                  "hf-trainer-state-t5-summarization-3ep.json",
                                  "hf-trainer-state-whisper-tiny-100k-steps.json",
                                  "hf-trl-sft-trainer-state-tinyllama-2ep.json",
                                  "mmdet2-faster-rcnn-12ep.log.json"])
def test_every_corpus_json_file_is_claimed_by_json(corpus, name):
    path = corpus / "json" / name
    assert choose_reader(InputSource.from_arg(str(path))).name == "json"
    (s,) = read_input(str(path), ReadOptions())
    assert len(s) >= 10


def test_mmengine_vis_data():
    s = read(f"{DATA}/mmengine-vis-data-scalars.json")
    assert s.steps.tolist() == [50, 100, 150, 180, 230, 280, 330, 360]  # val records skipped
    assert s.epochs.tolist() == [0] * 4 + [1] * 4
    assert s.values[0] == pytest.approx(1.45)


def test_generic_jsonl():
    s = read(f"{DATA}/wandb-history.jsonl")
    assert s.metric == "train/loss" and len(s) == 10 and s.values[-1] == pytest.approx(1.1)


def test_no_loss_is_a_clear_error():
    with pytest.raises(ReadError, match="no per-step loss") as e:
        read(f"{DATA}/jsonl-no-loss.jsonl")
    assert "\n" not in str(e.value)
    with pytest.raises(ReadError, match="eval_loss is evaluation"):
        read(f"{DATA}/hf-trainer-state-eval-only.json")


def test_gzip_trainer_state(tmp_path, corpus):
    p = tmp_path / "trainer_state.json.gz"
    p.write_bytes(gzip.compress((corpus / "json/hf-trainer-state-t5-summarization-3ep.json")
                                .read_bytes()))
    (s,) = read_input(str(p), ReadOptions())
    assert len(s) == 430


def test_list_metrics(corpus):
    found = dict(JsonReader().list_metrics(
        InputSource.from_arg(str(corpus / "json/detectron2-metrics-balloon-restarted.json")),
        ReadOptions()))
    assert found["total_loss"] == 16 and found["loss_mask"] == 16


def test_text_does_not_claim_json(corpus):
    from spikecheck.readers.text import TextReader

    for p in (corpus / "json").iterdir():
        src = InputSource.from_arg(str(p))
        assert TextReader().sniff(src) < JsonReader().sniff(src)


def test_numbers_written_as_strings_are_read(tmp_path):
    # fairseq's JSON logs quote every float ("loss": "3.180"); the valid records hold no
    # "loss". A quoted step stays unusable (tests/test_hostile_inputs.py).
    p = tmp_path / "fairseq.json"
    rows = []
    for e, (n, loss) in enumerate([(100, "9.125"), (200, "8.5"), (300, "8.25")], 1):
        rows.append({"epoch": e, "loss": loss, "nll_loss": "7.9", "num_updates": n,
                     "clip": "100%"})
        rows.append({"epoch": e, "valid_loss": "9.9", "num_updates": n})
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    s = read(p)
    assert s.metric == "loss"
    assert s.steps.tolist() == [100, 200, 300]
    assert s.values.tolist() == [9.125, 8.5, 8.25]
    assert s.epochs is not None and sorted(set(s.epochs.tolist())) == [1.0, 2.0, 3.0]


def test_a_quoted_word_is_no_value(tmp_path):
    p = tmp_path / "words.json"
    p.write_text("\n".join(json.dumps({"step": i, "loss": "high"}) for i in range(5)) + "\n")
    with pytest.raises(ReadError):
        read(p)
