"""Nothing dropped silently: every reader counts what it leaves out, every report says so."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import CORPUS

from spikecheck.cli import main
from spikecheck.notes import NoteCode
from spikecheck.readers import ReadOptions
from spikecheck.readers.registry import read_input
from spikecheck.series import normalize
from tests.note_checks import params_of

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")


def run_cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return res.exit_code, res.output


# ------------------------------------------------------------------ normalization counts


def test_identical_repeats_lose_nothing_but_changed_repeats_do():
    # A progress bar drawing its last step twice repeats the value: nothing is lost.
    s = normalize([1, 2, 3, 3, 4], [5.0, 4.0, 3.0, 3.0, 2.0], metric="loss", source="x")
    n = s.normalization
    assert n.duplicate_steps == 1 and n.identical_repeats == 1
    assert n.dropped == {} and n.kept_fraction == 1.0 and not n.notable_drop
    # A restart writing other values at the same steps loses the earlier ones.
    s = normalize([1, 2, 3, 2, 3], [5.0, 4.0, 3.0, 4.5, 3.5], metric="loss", source="x")
    n = s.normalization
    assert n.dropped == {"repeated_steps": 2} and n.points_kept == 3
    assert n.kept_fraction == pytest.approx(3 / 5) and n.notable_drop
    assert list(s.values) == [5.0, 4.5, 3.5]


def test_reader_counts_join_the_denominator_and_the_threshold_is_five_percent():
    steps = np.arange(100)
    n = normalize(steps, np.ones(100), metric="l", source="x", unparsable=5).normalization
    assert n.points_dropped == 5 and n.kept_fraction == pytest.approx(100 / 105)
    assert not n.notable_drop  # 4.8%
    n = normalize(steps, np.ones(100), metric="l", source="x", unparsable=3,
                  superseded=3).normalization
    assert n.dropped == {"superseded_by_restart": 3, "unparsable": 3} and n.notable_drop
    d = n.to_dict()
    assert d["points_kept"] == 100 and d["points_dropped"] == 6 and d["notable_drop"] is True
    assert d["raw_points"] == 100  # the existing field keeps its meaning


# ------------------------------------------------------------------ every reader counts


def test_csv_counts_unreadable_rows_bad_cells_and_restarts(tmp_path):
    # A Lightning-style CSV: a run logged to step 80, resumed from step 50 and stopped at
    # 70 (steps 71..80 of the abandoned run are superseded), with a torn row and a cell
    # that is not a number.
    rows = ["epoch,step,train_loss_step"]
    rows += [f"{s // 20},{s},{2.0 - s / 100:.4f}" for s in range(0, 81)]
    rows += [f"{s // 20},{s},{1.9 - s / 100:.4f}" for s in range(50, 71)]
    rows[10] = "0,9"  # torn: too few fields
    rows[20] = "0,19,loss"  # a cell that is not a number
    p = tmp_path / "metrics.csv"
    p.write_text("\n".join(rows) + "\n")
    (s,) = read_input(str(p), ReadOptions())
    n = s.normalization
    assert n.unparsable == 2
    assert n.superseded == 10  # 71..80 of the abandoned run
    assert n.dropped["repeated_steps"] == 21  # 50..70 written again
    assert s.steps[-1] == 70 and s.values[-1] == pytest.approx(1.9 - 0.70)
    assert n.notable_drop
    assert params_of(s.notes, NoteCode.LOG_RESTARTS) == [
        {"counter": "step", "restarts": 1, "dropped": 10}]


def test_csv_rows_of_other_metrics_are_not_drops(tmp_path):
    # Sparse Lightning logging: validation rows carry no training loss; nothing is lost.
    rows = ["epoch,step,train_loss_step,val_loss"]
    for s in range(60):
        rows.append(f"{s // 20},{s},{1.0 + (s % 3) / 10},")
        if s % 20 == 19:
            rows.append(f"{s // 20},{s},,0.9")
    p = tmp_path / "metrics.csv"
    p.write_text("\n".join(rows) + "\n")
    (s,) = read_input(str(p), ReadOptions())
    assert len(s) == 60 and s.normalization.dropped == {}


def test_json_lines_count_broken_lines_and_records_without_a_step(tmp_path):
    lines = [json.dumps({"iteration": i, "total_loss": 1.0 / (i + 1), "lr": 0.01})
             for i in range(0, 200, 5)]
    lines[3] = lines[3][:-9]  # a write cut mid-record
    lines[7] = json.dumps({"total_loss": 0.5})  # a loss with no step
    p = tmp_path / "metrics.json"
    p.write_text("\n".join(lines) + "\n")
    (s,) = read_input(str(p), ReadOptions())
    assert s.normalization.unparsable == 2 and len(s) == 38
    assert s.normalization.notable_drop


@needs_corpus
def test_json_restarted_detectron2_run_counts_the_superseded_point():
    (s,) = read_input(str(CORPUS / "json/detectron2-metrics-balloon-restarted.json"),
                      ReadOptions())
    n = s.normalization
    assert n.points_dropped >= 1 and n.points_kept == len(s)


@needs_corpus
def test_text_log_with_appended_restarts_is_said_prominently():
    path = str(CORPUS / "text/swav-cifar10-appended-restarts.log")
    code, out = run_cli(path, "--format", "json")
    run = json.loads(out)["runs"][0]
    norm = run["normalization"]
    assert norm["notable_drop"] is True and norm["dropped"]["repeated_steps"] > 0
    # The abandoned runs' points dropped by restart resolution are counted too.
    assert norm["dropped"]["superseded_by_restart"] == norm["superseded"] > 0
    assert norm["points_kept"] == run["points"]
    assert 0 < norm["kept_fraction"] < 0.95
    code, out = run_cli(path, "--format", "terminal", "--fail-on", "never")
    lines = out.splitlines()
    assert "were not analysed" in lines[1]  # right under the verdict line
    said = " ".join(" ".join(line.split()) for line in lines[1:4])
    assert f"the verdict rests on the {run['points']} that remain" in said


@needs_corpus
def test_csv_of_a_diverged_run_says_how_little_was_analysed():
    (s,) = read_input(str(CORPUS / "csv/lightning-csvlogger-gan-nan-diverged.csv"),
                      ReadOptions())
    n = s.normalization
    assert n.dropped.get("nonfinite", 0) > 300 and n.notable_drop


def test_tensorboard_purged_points_of_a_restart_are_counted(tmp_path):
    tb = pytest.importorskip("spikecheck.readers.tensorboard")
    run = tb.RunData("run", points={"train/loss": (np.arange(1, 61), np.linspace(2, 1, 60))},
                     purged_points={"train/loss": 20}, unreadable_records=1)
    s = tb.build_series(run, "train/loss")
    assert s.normalization.superseded == 20 and s.normalization.unparsable == 1
    assert s.normalization.notable_drop


# ------------------------------------------------------------------ every renderer says it


def _outcome(series):
    from spikecheck.engine import analyze
    from spikecheck.render.interface import RunOutcome

    return RunOutcome(series.source, analyze(series), None, False)


def _dropped_series():
    rng = np.random.default_rng(0)
    steps = np.concatenate([np.arange(200), np.arange(100, 200)])  # restarted at 100
    values = 1.0 + 0.05 * rng.standard_normal(steps.size)
    return normalize(steps, values, metric="loss", source="run.csv")


def test_markdown_and_github_warn_even_for_a_clean_run():
    from spikecheck.render.github import GithubRenderer
    from spikecheck.render.interface import RenderOptions
    from spikecheck.render.markdown import MarkdownRenderer

    o = _outcome(_dropped_series())
    assert o.report.verdict == "clean"
    out = io.StringIO()
    MarkdownRenderer().render([o], RenderOptions(), out)
    assert "**Warning:** 100 of 300 logged points" in out.getvalue()
    out = io.StringIO()
    GithubRenderer().render([o], RenderOptions(), out)
    first = out.getvalue().splitlines()[0]
    assert first.startswith("::warning ") and "the verdict rests on the 200 that remain" in first


def test_no_line_when_nothing_notable_was_dropped():
    from spikecheck.render.words import dropped_sentence

    rng = np.random.default_rng(1)
    s = normalize(np.arange(300), 1.0 + 0.05 * rng.standard_normal(300), metric="loss",
                  source="run.csv", unparsable=3)
    assert dropped_sentence(_outcome(s).report) is None
