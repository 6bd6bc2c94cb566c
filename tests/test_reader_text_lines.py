"""Text logs whose counter restarts every epoch, the line model's edges, pasted logs,
--pattern with structure, sniffing against CSV, and the registry's loud import errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from spikecheck.cli import main
from spikecheck.notes import NoteCode
from spikecheck.readers import InputSource, ReadOptions
from spikecheck.readers.registry import choose_reader, read_input
from tests.note_checks import params_of
from tests.text_styles import FORMATS

STEP_LOG = "".join(f"Epoch {e}/30 - step {i}/50 - loss: {2.3 - e * 0.05 + (i % 7) * 0.01:.4f}\n"
                   for e in range(1, 31) for i in range(1, 51))


def cli(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def read(tmp_path, text, **kw):
    p = tmp_path / "train.log"
    p.write_text(text)
    (s,) = read_input(str(p), ReadOptions(**kw))
    return s


def fmt(name):
    return next(f for f in FORMATS if f.name == name)


def test_restarting_counter_keeps_all_1500_points(tmp_path):
    p = tmp_path / "train.log"
    p.write_text(STEP_LOG)
    res = cli(p, "--format", "json")
    assert res.exit_code in (0, 1), res.output
    (run,) = json.loads(res.output)["runs"]
    assert run["points"] == 1500
    (s,) = read_input(str(p), ReadOptions())
    assert s.normalization.duplicate_steps == 0 and s.steps_per_epoch_hint == 50
    assert s.steps[0] == 1 and s.steps[-1] == 1500 and s.epochs[-1] == 29


def test_run_restarted_within_the_log_is_last_write_wins(tmp_path):
    first = "".join(f"Epoch {e}, Batch {b}, Loss: 9.{b:02d}\n" for e in (1, 2, 3)
                    for b in range(0, 100, 10))
    again = "".join(f"Epoch {e}, Batch {b}, Loss: 1.{b:02d}\n" for e in (2, 3)
                    for b in range(0, 100, 10))
    s = read(tmp_path, first + again)
    assert len(s) == 30 and s.epochs.tolist() == [0] * 10 + [1] * 10 + [2] * 10
    assert s.values[:10].min() >= 9 and s.values[10:].max() < 2  # the restarted run wins
    assert params_of(s.notes, NoteCode.LOG_RESTARTS)[0]["restarts"] >= 1


def test_samples_counter_becomes_steps_with_batch_size(tmp_path):
    text, _ = fmt("pytorch-examples mnist").write()
    s = read(tmp_path, text)
    assert s.steps_per_epoch_hint == 60000 and params_of(s.notes, NoteCode.SAMPLES_COUNTER)
    s = read(tmp_path, text, batch_size=64)
    assert s.steps_per_epoch_hint == 938  # ceil(60000 / 64)
    assert s.steps[:3].tolist() == [0, 10, 20] and s.steps[93] == 938 + 0
    assert params_of(s.notes, NoteCode.SAMPLES_TO_STEPS) == [
        {"batch_size": 64, "steps_per_epoch": 938}]


def test_cli_batch_size_reaches_the_reader(tmp_path):
    text, _ = fmt("pytorch-examples mnist").write()
    p = tmp_path / "mnist.log"
    p.write_text(text)
    res = cli(p, "--batch-size", "64", "--format", "json")
    assert res.exit_code in (0, 1), res.output
    (run,) = json.loads(res.output)["runs"]
    assert run["geometry"]["steps_per_epoch"] == 938


def test_keras2_samples_counter_seen_from_its_multiples(tmp_path):
    text, _ = fmt("Keras 2 Progbar (samples)").write()
    s = read(tmp_path, text)
    assert params_of(s.notes, NoteCode.SAMPLES_COUNTER) == [{"multiple_of": 1184}]
    s = read(tmp_path, text, batch_size=32)
    assert s.steps_per_epoch_hint == 1875 and s.steps[0] == 37


def test_perplexity_only_is_read_as_log(tmp_path):
    text, want = fmt("OpenNMT-py (2017) trainEpoch").write()
    s = read(tmp_path, text)
    assert s.metric == "log(ppl)"
    (learned,) = params_of(s.notes, NoteCode.LEARNED_STYLE)
    assert learned["key"] == "ppl" and learned["perplexity"]
    assert s.values[0] == pytest.approx(want[0][2])


def test_current_and_average_pairs_read_current(tmp_path):
    text, want = fmt("fairseq 2018 (pasted)").write()
    s = read(tmp_path, text)
    assert s.values.tolist() == [w[2] for w in want]  # not the 4.30 in parentheses
    assert params_of(s.notes, NoteCode.LEARNED_STYLE)[0]["running_mean_pairs"]


def test_header_epoch_lines(tmp_path):
    text, _ = fmt("custom: Cycle header + Batch/Cost").write()
    s = read(tmp_path, text)
    assert s.metric == "Cost" and s.epochs.tolist() == [0] * 40 + [1] * 40 + [2] * 40


def test_elided_paste_records_gaps(tmp_path):
    lines = STEP_LOG.splitlines()
    kept = lines[:120] + ["...", "[output truncated]"] + lines[700:]  # epochs 3.. 14 elided
    s = read(tmp_path, "\n".join(kept) + "\n")
    assert len(s) == 120 + 800
    assert s.gaps == ((120, 701),)
    # epochs with no point are absent from the per-point epochs
    assert not set(range(3, 14)) & set(s.epochs.tolist()) and {2, 14} <= set(s.epochs.tolist())
    assert params_of(s.notes, NoteCode.LOG_GAPS) == [{"gaps": 1, "first_from": 120,
                                                      "first_to": 701}]


def test_tqdm_records_joined_by_carriage_returns(tmp_path):
    recs = [f"Epoch {e}/10:  {i}%|###| {i}/300 [00:10<00:15, 11.70it/s, loss={1 + i / 1000:.4f}]"
            for e in (1, 2, 3) for i in range(1, 301)]
    # tqdm redraws the last record again when the bar closes
    text = "\r".join(recs[:300]) + "\r" + recs[299] + "\n" + "\r".join(recs[300:]) + "\n"
    s = read(tmp_path, text)
    assert len(s) == 900 and s.normalization.duplicate_steps == 0
    assert params_of(s.notes, NoteCode.REDRAWS_COLLAPSED) == [{"redraws": 1}]


def test_wrapped_lines(tmp_path):
    lines = []
    for e in (1, 2, 3):
        for i in range(0, 200, 10):
            lines += [f"Epoch {e}, Batch {i}, Time 0.4123 s, Data 0.0123 s, LR 0.01000,",
                      f"   Loss: {1 + i / 1000:.4f}"]
    s = read(tmp_path, "\n".join(lines) + "\n")
    assert len(s) == 60 and s.values[1] == pytest.approx(1.01)
    assert s.steps[20] == 200 and params_of(s.notes, NoteCode.LEARNED_STYLE)[0]["wrapped"]


def test_pattern_with_epoch_and_iter_groups(tmp_path):
    p = tmp_path / "custom.log"
    p.write_text("".join(f"[ep {e}] it {i} of 40 :: L={2 + i / 100:.3f}\n"
                         for e in (0, 1, 2) for i in range(40)))
    pat = r"\[ep (?P<epoch>\d+)\] it (?P<iter>\d+) of (?P<total>\d+) :: L=(?P<loss>\S+)"
    res = cli(p, "--pattern", pat, "--format", "json")
    assert res.exit_code in (0, 1), res.output
    (run,) = json.loads(res.output)["runs"]
    assert run["points"] == 120 and run["geometry"]["steps_per_epoch"] == 40
    (s,) = read_input(str(p), ReadOptions(pattern=pat))
    assert s.steps[-1] == 2 * 40 + 39 and s.epochs[-1] == 2


def test_pattern_iter_without_epoch_counts_restarts(tmp_path):
    p = tmp_path / "custom.log"
    p.write_text("".join(f"it {i} L={2 + i / 100:.3f}\n" for _ in range(3) for i in range(25)))
    (s,) = read_input(str(p), ReadOptions(pattern=r"it (?P<iter>\d+) L=(?P<loss>\S+)"))
    assert len(s) == 75 and s.epochs.tolist() == [0] * 25 + [1] * 25 + [2] * 25


def test_pattern_needs_loss_and_a_counter(tmp_path):
    p = tmp_path / "x.log"
    p.write_text("it 1 L=2\n")
    res = cli(p, "--pattern", r"L=(?P<loss>\S+)")
    assert res.exit_code == 2 and "step (or iter)" in res.output


def test_unrecognised_log_names_what_it_found_and_suggests_a_pattern(tmp_path):
    p = tmp_path / "odd.log"
    p.write_text("".join(f"[worker-3] round {r} | objective=0.{r:03d} | loss={1 + r / 100:.3f}\n"
                         for r in range(90)))
    res = cli(p)
    assert res.exit_code == 2
    msg = res.output
    assert "found 90 lines with 'loss' values" in msg and "--pattern '" in msg
    suggested = msg.split("--pattern '")[1].rsplit("'", 1)[0]
    res = cli(p, "--pattern", suggested, "--format", "json")
    assert res.exit_code in (0, 1), res.output  # the suggestion itself reads the file


@pytest.mark.parametrize("line", ["Epoch 3, Batch 40, Loss: 0.41",
                                  "Train Epoch: 3 [2560/60000 (4%)]\tLoss: 0.41",
                                  "Epoch  3,   50/  725; acc:  41.2; ppl:  61.3"])
def test_log_lines_with_commas_or_tabs_are_not_csv(tmp_path, line):
    p = tmp_path / "train.log"
    p.write_text((line + "\n") * 30)
    assert choose_reader(InputSource.from_arg(str(p))).name == "text"


def test_a_consistent_csv_is_still_csv(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("epoch,step,loss\n" + "".join(f"0,{i},{1 + i / 100}\n" for i in range(30)))
    assert choose_reader(InputSource.from_arg(str(p))).name == "csv"


def test_every_registered_reader_imports():
    from spikecheck.readers import registry

    assert registry.available() == list(registry.READERS)


def test_a_reader_that_fails_to_import_is_loud(tmp_path, monkeypatch):
    from spikecheck.readers import registry

    (tmp_path / "broken_reader_mod.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(registry.READERS, "broken", "broken_reader_mod:Reader")
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
        registry.available()
    monkeypatch.setitem(registry.READERS, "broken", "not_written_yet_reader_mod:Reader")
    assert "broken" not in registry.available()  # a module not written yet is skipped


@pytest.mark.parametrize("name", [
    "pytorch-examples mnist", "pytorch-examples word_language_model", "MXNet Speedometer",
    "fairseq 2018 (pasted)", "OpenNMT-py (2017) trainEpoch", "custom: Epoch, Batch, Loss",
    "custom: Cycle header + Batch/Cost", "custom: Epoch E/T - step i/N - loss"])
def test_issue_examples_analyse_with_no_flags(tmp_path, name):
    text, want = fmt(name).write()
    p = tmp_path / "pasted.log"
    p.write_text(text)
    res = cli(p, "--format", "json")
    assert res.exit_code in (0, 1), res.output
    (run,) = json.loads(res.output)["runs"]
    assert run["points"] == len(want)


def test_ppl_value_transform_matches_math_log(tmp_path):
    s = read(tmp_path, "".join(f"Epoch {e}, {i:5d}/  100; ppl: {math.e ** 2:6.2f}\n"
                               for e in (1, 2, 3) for i in range(10, 101, 10)))
    assert np.allclose(s.values, math.log(7.39))


def test_loss_key_scan_matches_the_expression_without_its_first_character_check(fixtures):
    """LOSS_ANY checks that a key can start at a position before its six lookbehinds run
    there (for speed): its matches are those of the expression without that check, on
    every text log of the repository and on keys next to validation words and dashes."""
    import re

    from spikecheck.readers import textlines

    fast = textlines.LOSS_ANY
    plain = re.compile(fast.pattern.removeprefix(textlines._KEY_START), fast.flags)
    assert plain.pattern != fast.pattern
    texts = [p.read_text(errors="replace")[:256 * 1024]
             for p in sorted([*fixtures.rglob("*.log"), *fixtures.rglob("*.txt")])]
    texts.append("val loss: 1.5 loss: 2.0 -loss: 3 train-loss=4 Loss 5 ppl=6 ce: 7 eval_ce 8\n"
                 "step 3 | lm loss: 2.504220E+00 | xent 0.5 (0.6) nll=1e-3 cost: nan\n")
    found = 0
    for text in texts:
        got = [(m.span(), m.groupdict()) for m in fast.finditer(text)]
        assert got == [(m.span(), m.groupdict()) for m in plain.finditer(text)]
        found += len(got)
    assert len(texts) > 50 and found > 10_000
