"""CSV reader: every header style, on the public corpus in place and on small samples."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from spikecheck.notes import NoteCode
from spikecheck.readers import InputSource, ReadError, ReadOptions
from spikecheck.readers.csv import CsvReader, sniff_layout
from spikecheck.readers.registry import read_input
from tests.note_checks import params_of


def read(path, **kw):
    return read_input(str(path), ReadOptions(**kw))


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize("delim", [",", "\t", ";"])
def test_delimiter_is_sniffed(tmp_path, delim):
    rows = "\n".join(delim.join([str(i), f"{1.0 / (i + 1):.4f}"]) for i in range(20))
    p = write(tmp_path, "log.txt", f"step{delim}loss\n{rows}\n")
    (s,) = read(p)
    assert s.steps.tolist() == list(range(20))
    assert s.values[3] == pytest.approx(0.25)


@pytest.mark.parametrize("step_name", ["step", "global_step", "iteration", "iter", "it",
                                       "_step", "trainer/global_step", "Step", "STEP"])
@pytest.mark.parametrize("loss_name", ["loss", "train_loss", "train/loss", "training_loss",
                                       "train_loss_step", "loss_step"])
def test_step_and_loss_names(tmp_path, step_name, loss_name):
    p = write(tmp_path, "m.csv", f"lr,{loss_name},{step_name}\n" +
              "".join(f"0.1,{2.0 - i / 100},{i * 10}\n" for i in range(15)))
    (s,) = read(p)
    assert s.metric == loss_name
    assert s.steps[:3].tolist() == [0, 10, 20]
    assert s.values[1] == pytest.approx(1.99)


def test_tensorboard_export_step_value(tmp_path):
    p = write(tmp_path, "run-train-tag-loss.csv", "Wall time,Step,Value\n" +
              "".join(f"1700000000.{i},{i},{3 - i / 10}\n" for i in range(12)))
    (s,) = read(p)
    assert s.metric == "Value" and s.steps[-1] == 11


def test_metric_and_step_column_override(tmp_path):
    p = write(tmp_path, "m.csv", "a,b,c\n" + "".join(f"{i},{i * 2},{1 + i}\n" for i in range(10)))
    (s,) = read(p, metric="c", step_column="b")
    assert s.steps.tolist() == [i * 2 for i in range(10)] and s.values[0] == 1
    with pytest.raises(ReadError, match="no column 'zz'"):
        read(p, metric="zz")


def test_no_step_column_uses_row_index_and_says_so(tmp_path):
    p = write(tmp_path, "m.csv", "loss,lr\n" + "".join(f"{1 + i % 3},0.1\n" for i in range(10)))
    (s,) = read(p)
    assert s.normalization.step_from_row_index
    assert params_of(s.notes, NoteCode.STEPS_ARE_ROW_NUMBERS) == [{"missing": "column"}]


def test_quoted_numbers_empty_cells_and_nan_strings(tmp_path):
    p = write(tmp_path, "m.csv", '"step","loss"\n"0","1.5"\n"1",""\n"2","nan"\n"3","1.2"\n')
    (s,) = read(p)
    assert s.steps.tolist() == [0, 3]  # the empty row is skipped, nan dropped and counted
    assert s.normalization.dropped_nonfinite == 1
    assert s.normalization.first_nonfinite_step == 2


def test_padded_yolo_style_header_and_cells(tmp_path):
    p = write(tmp_path, "m.csv", "   step,      loss\n" +
              "".join(f"{i:>7},{0.5 + i / 100:>10.5f}\n" for i in range(10)))
    (s,) = read(p)
    assert s.metric == "loss" and s.values[2] == pytest.approx(0.52)


def test_epoch_column_is_read(tmp_path):
    p = write(tmp_path, "m.csv", "step,epoch,loss\n" +
              "".join(f"{i},{i // 4},{1.0}\n" for i in range(12)))
    (s,) = read(p)
    assert s.epochs is not None and s.epochs.tolist()[4] == 1


def test_keras_csvlogger_per_epoch_is_read_and_flagged_per_epoch(tmp_path):
    p = write(tmp_path, "training.log", "epoch,accuracy,loss,val_accuracy,val_loss\n" +
              "".join(f"{i},0.9,{1 / (i + 1)},0.8,0.5\n" for i in range(5)))
    (s,) = read(p)
    assert s.per_epoch and s.metric == "loss" and s.values.tolist()[1] == 0.5
    from spikecheck.engine import analyze

    rep = analyze(s)
    assert (rep.verdict, rep.inconclusive) == ("inconclusive", "per-epoch-log")


def test_gzip_csv(tmp_path):
    p = tmp_path / "m.csv.gz"
    with gzip.open(p, "wt") as f:
        f.write("step,loss\n" + "".join(f"{i},{1 + i}\n" for i in range(10)))
    (s,) = read(p)
    assert s.values.tolist() == [float(1 + i) for i in range(10)]


def test_duplicate_steps_last_write_wins(tmp_path):
    p = write(tmp_path, "m.csv", "step,loss\n0,5\n1,4\n2,3\n1,9\n2,8\n3,7\n")
    (s,) = read(p)
    assert s.steps.tolist() == [0, 1, 2, 3]
    assert s.values.tolist() == [5, 9, 8, 7]
    assert s.normalization.duplicate_steps == 2 and s.normalization.step_resets == 1


def test_sniff_rejects_prose():
    assert sniff_layout(b"hello world\nthis is a log\n") is None


# --- the public corpus, read in place --------------------------------------------------------


def test_lightning_sparse_metrics_csv(corpus):
    (s,) = read(corpus / "csv/lightning-csvlogger-slm-10ep-sparse.csv")
    assert s.metric == "train_loss_step"
    assert len(s) == 2814  # only the step rows; epoch and validation rows are skipped
    assert s.steps[0] == 49 and s.steps[-1] == 140699
    assert np.all(np.diff(s.steps) > 0)
    assert s.epochs is not None and s.epochs.max() == 9
    assert params_of(s.notes, NoteCode.ROWS_WITHOUT_VALUE)[0]["rows"] > 0


def test_lightning_resumed_version_keeps_counting(corpus):
    (s,) = read(corpus / "csv/lightning-csvlogger-slm-resumed-ep10-13.csv")
    # the last rows (step 197035) are epoch and validation rows with no train loss
    assert len(s) == 1126 and s.steps[0] == 140749 and s.steps[-1] == 196999


def test_gan_nan_counts_non_finite(corpus):
    (s,) = read(corpus / "csv/lightning-csvlogger-gan-nan-diverged.csv")
    assert s.metric == "train_disc_loss"
    assert s.normalization.dropped_nonfinite == 319
    assert s.normalization.first_nonfinite_step == 1
    # the other loss column is named
    assert params_of(s.notes, NoteCode.OTHER_LOSS_COLUMNS) == [{"columns": ("train_gen_loss",)}]


def test_wgan_negative_losses_are_kept(corpus):
    (s,) = read(corpus / "csv/lightning-csvlogger-wgan-negative-loss.csv")
    assert len(s) == 320 and (s.values < 0).any()


def test_wandb_export_gives_one_series_per_run(corpus):
    series = read(corpus / "csv/wandb-export-nanogpt-8runs-train-loss.csv")
    assert len(series) == 8
    assert all(s.metric.endswith(" - train/loss") for s in series)
    assert not any("__MIN" in s.metric or "__MAX" in s.metric for s in series)
    assert len({s.source for s in series}) == 8
    assert max(len(s) for s in series) == 386  # runs of different lengths leave "" cells


@pytest.mark.parametrize("name", ["yolov5-results-resumed-300ep.csv",
                                  "yolov8-results-fire-25ep.csv"])
def test_yolo_results_are_per_epoch(corpus, name):
    series = read(corpus / "csv" / name)
    assert series and all(s.per_epoch for s in series)
    assert series[0].metric.strip() == "train/box_loss"


def test_yolo_padded_header_metric_override(corpus):
    # A user who insists can still read a padded YOLO column by its stripped name.
    (s,) = read(corpus / "csv/yolov8-results-fire-25ep.csv", metric="train/box_loss",
                step_column="epoch")
    assert len(s) == 25 and s.values[0] > s.values[-1]


def test_list_metrics(corpus):
    src = InputSource.from_arg(str(corpus / "csv/lightning-csvlogger-slm-10ep-sparse.csv"))
    found = dict(CsvReader().list_metrics(src, ReadOptions()))
    assert found["train_loss_step"] == 2814 and found["val_loss"] == 10


def test_reading_a_csv_does_not_import_pandas(fixtures):
    # importing pandas costs about half a second; arrow's buffers are read directly
    import subprocess
    import sys

    code = ("import sys; from spikecheck.readers.registry import read_input; "
            "from spikecheck.readers import ReadOptions; "
            f"s = read_input({str(fixtures / 'example-buggy.csv')!r}, ReadOptions())[0]; "
            "assert len(s) == 2240; print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def _csv_logs() -> list:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    corpus = root.parent / "shared" / "corpus"
    found = sorted((root / "fixtures").rglob("*.csv")) + sorted((root / "tests").rglob("*.csv"))
    if corpus.is_dir():
        found += sorted(corpus.rglob("*.csv"))
    return found


def _read_or_error(path, monkeypatch, small_bytes):
    import spikecheck.readers.csv as csvmod

    monkeypatch.setattr(csvmod, "SMALL_BYTES", small_bytes)
    try:
        return [(s.metric, s.steps.tolist(), s.values.tolist(), s.notes,
                 None if s.epochs is None else s.epochs.tolist())
                for s in read_input(str(path), ReadOptions(), forced="csv")]
    except ReadError as exc:
        return str(exc)


def test_small_files_read_without_pyarrow_give_the_pyarrow_result(monkeypatch):
    """Small plain CSVs skip pyarrow (start-up): every CSV log here reads the same both ways."""
    paths = _csv_logs()
    assert len(paths) > 50
    light = 0
    for path in paths:
        import spikecheck.readers.csv as csvmod

        monkeypatch.setattr(csvmod, "SMALL_BYTES", 1 << 20)
        layout = sniff_layout(InputSource.from_arg(str(path)).head())
        if layout is not None:
            cols = list(range(len(layout.raw_header)))
            light += csvmod._read_small(InputSource.from_arg(str(path)), layout, cols,
                                        lambda line: False) is not None
        assert _read_or_error(path, monkeypatch, 1 << 20) == \
            _read_or_error(path, monkeypatch, 0), path
    assert light > 20  # the light path is really taken, not always deferred to pyarrow


def test_a_loss_named_for_its_function_is_read_where_no_column_says_loss(tmp_path):
    # a regression's CSV: train_mse is the training loss, val_mse evaluation
    p = tmp_path / "reg.csv"
    p.write_text("step,val_mse,train_mse\n" + "".join(
        f"{i},{0.5 + i / 100:.3f},{1.0 / (i + 1):.4f}\n" for i in range(40)))
    (s,) = read_input(str(p), ReadOptions())
    assert s.metric == "train_mse"
    assert s.values[0] == 1.0
    only_eval = tmp_path / "eval.csv"
    only_eval.write_text("step,val_mse\n" + "".join(f"{i},0.5\n" for i in range(40)))
    with pytest.raises(ReadError, match="no loss column"):
        read_input(str(only_eval), ReadOptions())
