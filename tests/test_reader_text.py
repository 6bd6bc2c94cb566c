"""Text reader: every line style on the real corpus (in place), real-library fixtures and
hand-made samples; restarts, --pattern, gzip, stdin, hostile input."""

from __future__ import annotations

import gzip
import io
import re
import time

import numpy as np
import pytest

from spikecheck.notes import NoteCode
from spikecheck.readers import InputSource, ReadError, ReadOptions
from spikecheck.readers.registry import choose_reader, read_input
from spikecheck.readers.text import STYLES, TextReader, compile_pattern
from spikecheck.readers.vocabulary import resolve_restarts
from tests.note_checks import params_of

DATA = "tests/data/text"


def read(path, **kw):
    (s,) = TextReader().read(InputSource.from_arg(str(path)), ReadOptions(**kw))
    return s


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


def value_at(s, step):
    i = int(np.searchsorted(s.steps, step))
    assert s.steps[i] == step
    return float(s.values[i])


# --------------------------------------------------------------------------- real corpus


def test_nanogpt_interrupted(corpus):
    s = read(corpus / "text/nanogpt-gpt2-output-interrupted.log")
    assert len(s) == 2547 and s.steps[0] == 0 and s.steps[-1] == 2546
    assert value_at(s, 0) == pytest.approx(10.9766)  # not the eval line "step 0: train loss"
    assert value_at(s, 2546) == pytest.approx(3.5074)
    assert s.metric == "loss"
    # 13 eval lines, checkpoint messages and the KeyboardInterrupt traceback are skipped
    assert params_of(s.notes, NoteCode.OTHER_LINES_SKIPPED)[0]["skipped"] == 47


def test_llmc_compact_train_not_validation(corpus):
    s = read(corpus / "text/llmc-gpt2-124m-fineweb-main.log")
    assert len(s) == 19552 and s.steps[-1] == 19551
    assert value_at(s, 0) == pytest.approx(11.0116)  # trl:, not "s:0 tel:11.0095"
    assert value_at(s, 19551) == pytest.approx(3.2813)


def test_detectron2_resumed_twice(corpus):
    s = read(corpus / "text/detectron2-faster-c4-90k-log.txt")
    # 4628 lines; iterations 70019..72559 (128) logged twice: the last run wins
    assert len(s) == 4500 and s.steps[0] == 19 and s.steps[-1] == 89999
    assert s.normalization.duplicate_steps == 128
    assert value_at(s, 70019) == pytest.approx(0.664)  # line 5629, not 0.634 at line 4931
    assert s.metric == "total_loss"
    assert params_of(s.notes, NoteCode.LOG_RESTARTS)[0]["restarts"] >= 1


def test_detectron2_other_metric(corpus):
    s = read(corpus / "text/detectron2-faster-c4-90k-log.txt", metric="loss_cls")
    assert len(s) == 4500 and s.metric == "loss_cls"
    assert value_at(s, 19) == pytest.approx(3.018)


def test_ssd_loss_shares_line_with_warning(corpus):
    s = read(corpus / "text/ssd-pytorch-voc-train-inline-warnings.log")
    assert len(s) == 1400 and s.steps[-1] == 13990
    assert value_at(s, 0) == pytest.approx(19.4798)
    assert value_at(s, 5000) == pytest.approx(0.2497)
    assert value_at(s, 13990) == pytest.approx(0.0290)


def test_swav_appended_restarts_keep_last_run(corpus):
    s = read(corpus / "text/swav-cifar10-appended-restarts.log")
    # 16 logger restarts; the last run covers epochs 0..399 logging iterations 0 and 50
    assert len(s) == 800
    assert s.normalization.duplicate_steps == 344
    assert s.epochs[0] == 0 and s.epochs[-1] == 399
    assert s.values[0] == pytest.approx(2.6397)  # the last run's [0][0], not 4.2811
    assert s.values[1] == pytest.approx(2.6187)
    assert s.values[-1] == pytest.approx(2.1086)  # [399][50], the current value not the avg
    assert params_of(s.notes, NoteCode.ITERATIONS_PER_EPOCH_ASSUMED)


def test_mmdet_text_epochs_and_iters(corpus):
    s = read(corpus / "text/mmdet2-faster-rcnn-12ep.log")
    assert len(s) == 7200
    assert s.steps_per_epoch_hint == 30045
    assert s.steps[0] == 50 and s.values[0] == pytest.approx(1.0361)
    assert value_at(s, 4 * 30045 + 30000) == pytest.approx(0.3450)  # Epoch [5][30000/30045]
    assert value_at(s, 11 * 30045 + 30000) == pytest.approx(0.2782)
    assert s.epochs.min() == 0 and s.epochs.max() == 11


def test_mmdet_text_and_json_twins_agree(corpus):
    from spikecheck.readers.json import JsonReader

    t = read(corpus / "text/mmdet2-faster-rcnn-12ep.log")
    twin = corpus / "json/mmdet2-faster-rcnn-12ep.log.json"
    (j,) = JsonReader().read(InputSource.from_arg(str(twin)), ReadOptions())
    assert np.array_equal(t.steps, j.steps)
    assert np.allclose(t.values, j.values, atol=5e-5)  # text rounds to 4 decimals


def test_mlflow_metric_file(corpus):
    s = read(corpus / "text/mlflow-metric-loss-keras-speech.txt")
    assert len(s) == 10 and s.steps.tolist() == list(range(10))
    assert s.values[-1] == pytest.approx(234.7978057861328)
    assert s.metric == "loss"


@pytest.mark.parametrize("name", ["detectron2-faster-c4-90k-log.txt",
                                  "llmc-gpt2-124m-fineweb-main.log",
                                  "mlflow-metric-loss-keras-speech.txt",
                                  "mmdet2-faster-rcnn-12ep.log",
                                  "nanogpt-gpt2-output-interrupted.log",
                                  "ssd-pytorch-voc-train-inline-warnings.log",
                                  "swav-cifar10-appended-restarts.log"])
def test_every_corpus_text_file_is_claimed_by_text(corpus, name):
    src = InputSource.from_arg(str(corpus / "text" / name))
    assert choose_reader(src).name == "text"
    (s,) = read_input(str(corpus / "text" / name), ReadOptions())
    assert len(s) >= 10


@pytest.mark.parametrize("name", ["lightning-csvlogger-slm-10ep-sparse.csv",
                                  "yolov5-results-resumed-300ep.csv",
                                  "wandb-export-nanogpt-8runs-train-loss.csv"])
def test_csv_is_not_claimed_by_text(corpus, name):
    src = InputSource.from_arg(str(corpus / "csv" / name))
    assert TextReader().sniff(src) <= 1
    assert choose_reader(src).name != "text"


# --------------------------------------------------------------------------- real libraries


def test_hf_trainer_printed_dicts(fixtures):
    p = fixtures / "text/hf-trainer-printed.log"
    s = read(p)  # transformers 5 prints values as strings: {'loss': '3.9', ...}
    assert len(s) == 15 and s.normalization.step_from_row_index
    assert s.epochs[0] == pytest.approx(0.2) and s.epochs[-1] == pytest.approx(3.0)
    s2 = read(p, log_every=2)
    assert s2.steps.tolist() == list(range(2, 31, 2))
    assert not s2.normalization.step_from_row_index
    # the same run's trainer_state.json holds the unrounded values at the same steps
    from spikecheck.readers.json import JsonReader

    (j,) = JsonReader().read(InputSource.from_arg(str(fixtures / "text/hf-trainer-state.json")),
                             ReadOptions())
    assert np.array_equal(j.steps, s2.steps)
    assert np.allclose(j.values, s2.values, rtol=1e-3)


def test_keras3_progress_bar(fixtures):
    s = read(fixtures / "text/keras3-fit-verbose1.log")  # ANSI colours, \r and \b redraws
    assert s.running_mean and s.steps_per_epoch_hint == 250
    assert set(s.epochs.tolist()) == {0, 1, 2}
    assert s.steps.max() == 750
    assert params_of(s.notes, NoteCode.STYLE_REMARK)[0]["style"] == "keras"  # running means
    # model.evaluate's 4-step bar
    assert params_of(s.notes, NoteCode.OTHER_TOTAL_LINES_SKIPPED)[0]["total"] == 250
    text = (fixtures / "text/keras3-fit-verbose1.log").read_text()
    last = re.findall(r"250/250\S* .*?loss: ([0-9.]+)", text)[-1]
    assert s.values[-1] == pytest.approx(float(last))


def test_keras3_verbose2_is_per_epoch(fixtures):
    p = fixtures / "text/keras3-fit-verbose2.log"
    s = read(p)
    assert s.per_epoch and len(s) == 3 and s.steps.tolist() == [250, 500, 750]
    want = [float(x) for x in re.findall(r"loss: ([0-9.]+)", p.read_text())]
    assert s.values.tolist() == pytest.approx(want)


def test_lightning_tqdm_matches_its_csv(fixtures):
    s = read(fixtures / "text/lightning-progress.log")
    assert s.metric == "train_loss_step" and len(s) == 18 and s.steps_per_epoch_hint == 6
    import csv

    rows = [r for r in csv.DictReader(open(fixtures / "text/lightning-csvlogger-metrics.csv"))
            if r["train_loss_step"]]
    want = [float(r["train_loss_step"]) for r in rows]
    # the bar shows 3 significant digits of the value logged at each step
    assert np.allclose(s.values, want, rtol=6e-3, atol=1e-3)


# --------------------------------------------------------------------------- other styles


def test_llmc_verbose_styles():
    s = read(f"{DATA}/llmc-train-gpt2cu.log")
    assert len(s) == 40 and s.values[0] == pytest.approx(9.9)  # "val loss" lines skipped
    s = read(f"{DATA}/llmc-train-gpt2py.log")
    assert len(s) == 10 and s.values[-1] == pytest.approx(4.9)


def test_pytorch_tutorial_steps_inferred():
    s = read(f"{DATA}/pytorch-tutorial-cifar10.log")
    assert len(s) == 12 and s.epochs.tolist() == [0] * 6 + [1] * 6
    assert s.steps[0] == 2000 and s.steps[6] == 13999 + 2000  # assumed 13999 per epoch
    assert params_of(s.notes, NoteCode.ITERATIONS_PER_EPOCH_ASSUMED)[0]["steps_per_epoch"] \
        == 13999


def test_pytorch_tutorial_steps_per_epoch_option():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Opts(ReadOptions):
        steps_per_epoch: int | None = None

    (s,) = TextReader().read(InputSource.from_arg(f"{DATA}/pytorch-tutorial-cifar10.log"),
                             Opts(steps_per_epoch=12500))
    assert s.steps[6] == 12500 + 2000 and s.steps_per_epoch_hint == 12500


def test_mmengine_epoch_and_iter_styles():
    s = read(f"{DATA}/mmengine-epoch-train.log")
    assert len(s) == 12 and s.steps_per_epoch_hint == 292
    assert s.steps[5] == 292 and s.steps[6] == 292 + 50  # [1][292/292] then [2][50/292]
    assert s.values[0] == pytest.approx(1.35)  # not loss_rpn_cls / loss_cls
    s = read(f"{DATA}/mmengine-iter-train.log")
    assert s.steps.tolist() == list(range(50, 501, 50)) and s.values[-1] == pytest.approx(0.5)


def test_fairseq_uses_num_updates():
    s = read(f"{DATA}/fairseq-train.log")
    assert s.steps.tolist() == [100, 199, 299, 399, 499, 599]  # one overflowed update
    assert s.steps_per_epoch_hint == 300 and s.epochs.tolist() == [0, 0, 0, 1, 1, 1]
    assert s.values[0] == pytest.approx(10.4)  # train_inner loss, not nll_loss or valid
    assert read(f"{DATA}/fairseq-train.log", metric="nll_loss").values[0] == pytest.approx(11.3)


def test_megatron_lm_loss():
    s = read(f"{DATA}/megatron-gpt.log")
    assert s.metric == "lm loss" and s.steps.tolist() == list(range(10, 101, 10))
    assert s.values[0] == pytest.approx(9.9)  # not "lm loss value" of the validation line


def test_keras2_bracket_bar_with_backspaces():
    s = read(f"{DATA}/keras2-tf-progbar.log")
    assert len(s) == 8 and s.running_mean and s.steps_per_epoch_hint == 100
    assert s.steps.tolist() == [1, 40, 80, 100, 101, 140, 180, 200]
    assert s.values[3] == pytest.approx(0.9)  # loss, not val_loss


def test_hf_printed_dicts_resumed():
    s = read(f"{DATA}/hf-printed-resumed.log", log_every=5)
    # 8 rows, crash, resume at epoch 1.75: rows at epochs 1.75 and 2.0 of the first run go
    assert len(s) == 12 and s.steps[-1] == 60
    assert s.values[6] == pytest.approx(0.93) and s.epochs[6] == pytest.approx(1.75)
    assert s.values[-1] == pytest.approx(0.88)  # eval_loss and train_loss lines skipped


def test_style_table_examples_match_their_own_style():
    for style in STYLES:
        if style.name in ("keras", "mlflow"):
            continue
        from spikecheck.readers.text import _rx

        assert _rx(style).search(style.example), style.name


# --------------------------------------------------------------------------- --pattern


def test_pattern(tmp_path):
    p = write(tmp_path, "custom.log", "".join(f"it={i} | epoch {i // 5} | L={1 / (i + 1):.5f}\n"
                                              for i in range(20)))
    s = read(p, pattern=r"it=(?P<step>\d+) \| epoch (?P<epoch>\d+) \| L=(?P<loss>[0-9.]+)")
    assert len(s) == 20 and s.values[1] == pytest.approx(0.5) and s.epochs[-1] == 3


def test_pattern_errors(tmp_path):
    p = write(tmp_path, "custom.log", "it=1 L=0.5\n")
    with pytest.raises(ReadError, match="not a valid regular expression"):
        read(p, pattern=r"it=(?P<step>\d+")
    with pytest.raises(ReadError, match="named groups step and loss"):
        read(p, pattern=r"it=(?P<step>\d+)")
    with pytest.raises(ReadError, match="matched no line"):
        read(p, pattern=r"step=(?P<step>\d+) loss=(?P<loss>\S+)")
    with pytest.raises(ReadError):
        compile_pattern("(?P<loss>x)")


def test_unknown_format_names_styles_and_pattern(tmp_path):
    p = write(tmp_path, "odd.log", "hello\nworld 1 2 3\n")
    with pytest.raises(ReadError) as e:
        read(p)
    msg = str(e.value)
    assert "\n" not in msg and "odd.log" in msg and "--pattern" in msg
    assert "nanoGPT" in msg and "keras" in msg and "detectron2" in msg


def test_metric_not_in_style(tmp_path):
    p = write(tmp_path, "n.log", "iter 1: loss 2.0, time 1ms\n" * 3)
    with pytest.raises(ReadError, match="one loss"):
        read(p, metric="accuracy")


# --------------------------------------------------------------------------- mechanics


def test_restarts_supersede():
    keep, restarts, dropped = resolve_restarts(np.array([1, 2, 3, 4, 5, 3, 4, 6]))
    assert restarts == 1 and dropped == 1  # 5 is orphaned; 3 and 4 go to last-write-wins
    assert keep.tolist() == [True, True, True, True, False, True, True, True]
    keep, _, _ = resolve_restarts(np.array([0, 10, 20, 0, 10]))  # restarted from scratch
    assert keep.tolist() == [True, True, False, True, True]


def test_nan_and_inf_losses(tmp_path):
    p = write(tmp_path, "n.log", "iter 0: loss 2.0\niter 1: loss nan\niter 2: loss inf\n"
                                 "iter 3: loss 1.5\n")
    s = read(p)
    assert s.steps.tolist() == [0, 3] and s.normalization.dropped_nonfinite == 2


def test_crlf_and_utf16(tmp_path):
    text = "".join(f"iter {i}: loss {2 - i / 10:.3f}, time 1ms\r\n" for i in range(10))
    p = tmp_path / "w.log"
    p.write_bytes(text.encode("utf-16"))
    s = read(p)
    assert len(s) == 10 and s.values[9] == pytest.approx(1.1)


def test_gzip_and_stdin(tmp_path, monkeypatch):
    text = "".join(f"iter {i}: loss {2 - i / 100:.3f}, time 1ms\n" for i in range(100))
    p = tmp_path / "train.log.gz"
    p.write_bytes(gzip.compress(text.encode()))
    assert len(read_input(str(p), ReadOptions())[0]) == 100

    class Stdin:
        buffer = io.BytesIO(text.encode())

    monkeypatch.setattr("sys.stdin", Stdin)
    (s,) = read_input("-", ReadOptions())
    assert len(s) == 100 and s.source == "<stdin>"


def test_chunk_boundaries(tmp_path, monkeypatch):
    import spikecheck.readers.chunks as C

    monkeypatch.setattr(C, "CHUNK_BYTES", 1000)  # many chunks, lines cut everywhere
    text = "".join(f"iter {i}: loss {i % 7 + 0.25}, time 1ms\n" for i in range(5000))
    s = read(write(tmp_path, "c.log", text))
    assert len(s) == 5000 and s.values[4999] == pytest.approx(4999 % 7 + 0.25)


@pytest.mark.parametrize("filler", ["x", "7", " ", "iter 1"])
def test_hostile_long_line_is_linear(tmp_path, filler):
    # 100 MB without a newline, between two good lines: no catastrophic backtracking and
    # memory bounded by the chunk size.
    p = tmp_path / "h.log"
    with open(p, "w") as f:
        f.write("iter 1: loss 2.0, time 1ms\n")
        block = (filler * (1 << 20))[: 1 << 20]
        for _ in range(100):
            f.write(block)
        f.write("\niter 2: loss 1.0, time 1ms\n")
    t = time.perf_counter()
    s = read(p)
    assert time.perf_counter() - t < 20
    assert s.steps.tolist()[-1] == 2 and s.values[-1] == pytest.approx(1.0)


def test_list_metrics(corpus):
    src = InputSource.from_arg(str(corpus / "text/detectron2-faster-c4-90k-log.txt"))
    found = dict(TextReader().list_metrics(src, ReadOptions()))
    assert found["total_loss"] == 4628 and found["loss_cls"] == 4628
    assert "lr" not in found


# --------------------------------------------------------------------------- end to end


def _spiky_nanogpt(epochs: int = 12, spe: int = 112) -> str:
    """A nanoGPT log whose final step of each epoch spikes 16x (final batch of 1 of 16)."""
    rnd = np.random.default_rng(0)
    lines = ["step 0: train loss 10.9, val loss 10.9\n"]
    for i in range(epochs * spe):
        v = 2.0 + 0.05 * rnd.normal()
        if i % spe == spe - 1:
            v *= 16
        lines.append(f"iter {i}: loss {v:.4f}, time 300.00ms, mfu 30.00%\n")
        if i % 300 == 0:
            lines.append("/usr/lib/python3/warnings.py:1: UserWarning: something\n")
    return "".join(lines)


def _cli(args, input=None):
    from click.testing import CliRunner

    from spikecheck.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_cli_stdin_text_log():
    import json

    res = _cli(["-", "--dataset-size", "1777", "--batch-size", "16", "--format", "json"],
               input=_spiky_nanogpt())
    assert res.exit_code == 1, res.output
    (run,) = json.loads(res.output)["runs"]
    assert run["verdict"] == "epoch-aligned-spikes" and run["points"] == 12 * 112
    assert run["diagnosis"][0]["cause"] == "partial-final-batch"


def test_cli_gzip_text_log(tmp_path):
    import json

    p = tmp_path / "train.log.gz"
    p.write_bytes(gzip.compress(_spiky_nanogpt().encode()))
    res = _cli([p, "--dataset-size", "1777", "--batch-size", "16", "--format", "json"])
    assert res.exit_code == 1, res.output
    assert json.loads(res.output)["runs"][0]["verdict"] == "epoch-aligned-spikes"


def test_cli_unknown_text_and_pattern(tmp_path):
    p = write(tmp_path, "odd.log", "".join(f"it={i} L={2 + (i % 7) / 100}\n" for i in range(300)))
    res = _cli([p])
    assert res.exit_code == 2 and "--pattern" in res.output
    res = _cli([p, "--pattern", r"it=(?P<step>\d+) L=(?P<loss>\S+)", "--format", "json"])
    assert res.exit_code in (0, 1), res.output
    res = _cli([p, "--pattern", r"it=(?P<step>\d+"])
    assert res.exit_code == 2 and "regular expression" in res.output


@pytest.mark.parametrize("name", ["text/nanogpt-gpt2-output-interrupted.log",
                                  "text/detectron2-faster-c4-90k-log.txt",
                                  "json/hf-trainer-state-whisper-tiny-100k-steps.json",
                                  "json/mmdet2-faster-rcnn-12ep.log.json"])
def test_cli_corpus_end_to_end(corpus, name):
    import json

    res = _cli([corpus / name, "--format", "json"])
    assert res.exit_code in (0, 1), res.output
    assert json.loads(res.output)["runs"][0]["points"] >= 10


# ------------------------------------------------------------ nothing dropped silently


def test_a_cut_last_loss_line_is_counted_unparsable(tmp_path):
    text = "".join(f"iter {i}: loss {2 + i / 100:.4f}, time 1ms\n" for i in range(40))
    s = read(write(tmp_path, "cut.log", text + "iter 40: loss 2.4"))  # no line end
    assert len(s) == 40
    assert s.normalization.unparsable == 1 and s.normalization.dropped == {"unparsable": 1}
    s = read(write(tmp_path, "whole.log", text))
    assert s.normalization.unparsable == 0 and not s.normalization.dropped


def test_pattern_matches_without_a_number_are_counted_unparsable(tmp_path):
    text = "".join(f"it={'x' if i % 4 == 0 else i} loss={1 + i / 100}\n" for i in range(40))
    p = write(tmp_path, "p.log", text)
    (s,) = read_input(str(p), ReadOptions(pattern=r"it=(?P<step>\S+) loss=(?P<loss>\S+)"))
    assert len(s) == 30 and s.normalization.unparsable == 10
    assert s.normalization.notable_drop  # 10 of 40 points: said in the report


def test_text_restarts_are_counted_superseded(tmp_path):
    # A run resumed from step 10 after logging to step 29, now logging every other step:
    # the abandoned run's odd steps 11..29 are dropped (superseded) and its even steps
    # 10..28 rewritten (repeated steps), all counted so the report can say so.
    lines = [f"iter {i}: loss {2 + i / 100:.4f}\n" for i in range(30)]
    lines += [f"iter {i}: loss {3 + i / 100:.4f}\n" for i in range(10, 50, 2)]
    s = read(write(tmp_path, "r.log", "".join(lines)))
    n = s.normalization
    assert n.superseded == 10 and n.duplicate_steps == 10
    assert n.dropped == {"superseded_by_restart": 10, "repeated_steps": 10} and n.notable_drop
    assert list(s.steps[9:12]) == [9, 10, 12] and s.values[-1] == pytest.approx(3.48)


def test_keras_progress_bars_are_running_means_weighted_by_samples(tmp_path):
    rows = []
    for e in range(1, 4):
        rows.append(f"Epoch {e}/3\n")
        rows += [f"{i}/20 [==>...] - ETA: 1s - loss: {1 / (e + i):.4f}\n" for i in range(1, 21)]
    s = read(write(tmp_path, "keras.log", "".join(rows)))
    assert s.running_mean and s.running_mean_weights == "samples"
    custom = "".join(f"Epoch {e}/3 - step {i}/20 - loss: {1 / (e + i):.4f}\n"
                     for e in range(1, 4) for i in range(1, 21))
    s = read(write(tmp_path, "custom.log", custom))
    assert not s.running_mean and s.running_mean_weights is None


def _mnist_example_log(n: int = 977, b: int = 32, epochs: int = 4, every: int = 3) -> str:
    """Lines as pytorch/examples mnist/main.py prints them: `batch_idx * len(data)`, so
    the final short batch (r = n mod b samples) shows (steps - 1) x r, not x b."""
    steps = -(-n // b)
    out = []
    for e in range(1, epochs + 1):
        for i in range(steps):
            if i % every:
                continue
            size = b if i < steps - 1 else n - (steps - 1) * b
            out.append("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(  # noqa: UP032 (as printed)
                e, i * size, n, 100.0 * i / steps, 2.0 - 0.01 * (e * steps + i) / 10))
        out.append("\nTest set: Average loss: 1.7640, Accuracy: 56/256 (22%)\n")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("n,b,every", [(977, 32, 3), (1605, 20, 8)])
@pytest.mark.parametrize("given", [True, False])
def test_the_mnist_examples_final_short_batch_row_is_not_a_restart(tmp_path, n, b, every,
                                                                   given):
    # (1605, 20): the final row prints 80 x 5 = 400 samples, itself a multiple of 20
    f = tmp_path / "train.log"
    f.write_text(_mnist_example_log(n, b, 4, every))
    s = read_input(str(f), ReadOptions(batch_size=b if given else None))[0]
    steps = -(-n // b)
    rows = len(range(0, steps, every))
    assert len(s) == 4 * rows  # every logged row kept
    assert s.normalization.points_dropped == 0
    assert np.all(np.diff(s.steps) > 0)
    unit = 1 if given else b  # optimizer steps with --batch-size, samples without
    # the final batch sits at the end of its epoch, not back at (steps - 1) x r samples
    assert s.steps[rows - 1] - s.steps[0] == (steps - 1) * unit
    assert s.steps[rows] - s.steps[rows - 1] == (1 if given else n - (steps - 1) * b)
