"""Which number of a text log's line is the training loss, where the line model has to
decide: a name holding "loss" that is not listed, several of them with no total (exit 2
naming them, --metric picks one, --list shows them), evaluation lines, a process tag that
looks like a counter, epoch-only lines (per-epoch), a table's loss column."""

from __future__ import annotations

import numpy as np
from click.testing import CliRunner

from spikecheck.cli import main
from spikecheck.notes import NoteCode
from tests.test_reader_text_lines import read  # one log written and read, with options

TWO_PARTS = "".join(f"step {i} | loss_cls: {0.5 + i % 3 * 0.01:.4f} | loss_bbox: "
                    f"{0.2 + i % 5 * 0.01:.4f}\n" for i in range(1, 61))
SPACY_TWO = ("E    #       LOSS TOK2VEC  LOSS NER  ENTS_F  SCORE \n"
             "---  ------  ------------  --------  ------  ------\n"
             + "".join(f"{i // 5:>3}  {200 * i:>6}  {30 + i:>12.2f}  {2000 - 10 * i:>8.2f}  "
                       f"{50.0:>6.2f}  {0.5:>6.2f}\n" for i in range(40)))


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_two_loss_parts_and_no_total_stop_with_their_names(tmp_path):
    p = tmp_path / "train.log"
    p.write_text(TWO_PARTS)
    r = cli(p)
    assert r.exit_code == 2
    assert "loss_cls" in r.output and "loss_bbox" in r.output and "--metric" in r.output


def test_metric_picks_one_of_the_undecided_names(tmp_path):
    s = read(tmp_path, TWO_PARTS, metric="loss_bbox")
    assert s.metric == "loss_bbox"
    assert s.steps.tolist() == list(range(1, 61))
    assert np.allclose(s.values, [0.2 + i % 5 * 0.01 for i in range(1, 61)])


def test_list_shows_the_undecided_names(tmp_path):
    p = tmp_path / "train.log"
    p.write_text(TWO_PARTS)
    r = cli(p, "--list")
    assert r.exit_code == 0
    assert "loss_cls" in r.output and "loss_bbox" in r.output


def test_a_table_with_two_loss_columns_is_undecided_until_metric(tmp_path):
    p = tmp_path / "train.log"
    p.write_text(SPACY_TWO)
    r = cli(p)
    assert r.exit_code == 2 and "LOSS TOK2VEC" in r.output and "LOSS NER" in r.output
    s = read(tmp_path, SPACY_TWO, metric="LOSS NER")
    assert s.steps.tolist() == [200 * i for i in range(40)]
    assert np.allclose(s.values, [2000 - 10 * i for i in range(40)])
    assert s.epochs.tolist() == [i // 5 for i in range(40)]


def test_the_only_unlisted_loss_name_is_the_loss(tmp_path):
    text = "".join(f"Steps: {i // 6:3d}%| {i}/600 [00:01<00:09, 1.6it/s, lr=1e-5, step_loss="
                   f"{0.1 + i % 7 * 0.001:.3f}]\n" for i in range(1, 601))
    s = read(tmp_path, text)
    assert s.metric == "step_loss"
    assert s.steps.tolist() == list(range(1, 601))  # not the percentage before the bar


def test_evaluation_lines_are_not_training_loss(tmp_path):
    text = "".join(f"Step {i}/9000, Total Loss: {1.5 + i / 1e4:.4f}\n"
                   + (f"Validation Step {i}, Total Loss: 9.9999\n" if i % 1000 == 0 else "")
                   for i in range(100, 5001, 100))
    s = read(tmp_path, text)
    assert 9.9999 not in s.values.tolist()
    assert s.steps.tolist() == list(range(100, 5001, 100))


def test_a_constant_bracket_tag_is_not_a_counter(tmp_path):
    text = "".join(f"[0] Epoch {i // 10} loss: {0.5 + i / 100:.2f}\n" for i in range(30))
    s = read(tmp_path, text)
    assert len(s) == 30  # not 30 redraws of one step "0"
    assert s.epochs.tolist() == [i // 10 for i in range(30)]
    assert NoteCode.STEPS_ARE_ROW_NUMBERS in {n.code for n in s.notes}


def test_epoch_only_lines_are_one_point_per_epoch(tmp_path):
    text = "".join(f"Epoch: {e:03d}, Loss: {1.9 - e / 100:.4f}, Train: 0.9, Val: 0.7\n"
                   for e in range(1, 31))
    s = read(tmp_path, text)
    assert s.per_epoch
    assert s.steps.tolist() == list(range(1, 31))
    assert s.epochs.tolist() == list(range(30))


def test_epoch_lines_printed_every_batch_are_not_per_epoch(tmp_path):
    text = "".join(f"epoch {e}, loss {1 + (e * 7 + b) % 5 / 10:.2f}\n"
                   for e in range(1, 6) for b in range(8))
    s = read(tmp_path, text)
    assert not s.per_epoch
    assert len(s) == 40 and s.epochs.tolist() == [e for e in range(5) for _ in range(8)]
