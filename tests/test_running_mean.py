"""Running means since the epoch began: recognised from the data, and what they hide recovered."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import CORPUS, FIXTURES

from spikecheck.cli import main
from spikecheck.engine import analyze
from spikecheck.engine.running_mean import (
    Positions,
    looks_like_running_mean,
    positions_in_epoch,
    recover,
    sample_weights,
    value_resolution,
)
from spikecheck.geometry import GeometryInputs
from spikecheck.notes import Note, NoteCode
from spikecheck.readers import ReadOptions
from spikecheck.readers.registry import read_input
from spikecheck.render.notes import note_text
from spikecheck.series import normalize
from tests.note_checks import params_of

KERAS = FIXTURES / "keras"
BUGGY = KERAS / "keras3-fit-digits-n1601-b32-buggy.log"
FIXED = KERAS / "keras3-fit-digits-n1601-b32-fixed.log"
YOLO = CORPUS / "tensorboard" / "yolov8-fire-perbatch-dupsteps"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")


def per_step_losses(epochs: int = 12, spe: int = 60, seed: int = 0) -> np.ndarray:
    """A falling loss with multiplicative noise, one value per step."""
    rng = np.random.default_rng(seed)
    t = np.arange(epochs * spe)
    return (0.3 + 2.0 * np.exp(-t / 300)) * np.exp(0.15 * rng.standard_normal(t.size))


def running_means(x: np.ndarray, spe: int) -> np.ndarray:
    """The mean since each epoch began, as a Keras bar or a `total / (i + 1)` print logs."""
    m = np.empty_like(x)
    for e in range(x.size // spe):
        seg = x[e * spe:(e + 1) * spe]
        m[e * spe:(e + 1) * spe] = np.cumsum(seg) / np.arange(1, spe + 1)
    return m


def positions(n: int, spe: int) -> Positions:
    i = np.arange(n)
    return Positions(i // spe, i % spe + 1)


# ------------------------------------------------------------------ recognition


def test_a_running_mean_is_recognised_and_per_step_values_are_not():
    x = per_step_losses()
    pos = positions(x.size, 60)
    assert looks_like_running_mean(running_means(x, 60), pos)
    assert not looks_like_running_mean(x, pos)


def test_noise_that_calms_down_through_each_epoch_is_not_a_running_mean():
    # After a warm restart the per-step loss is noisy early in the epoch and calm late:
    # changes shrink through the epoch, but successive changes anti-correlate.
    rng = np.random.default_rng(3)
    spe, epochs = 60, 12
    k = np.tile(np.arange(1, spe + 1), epochs)
    x = 1.0 + (0.5 / k) * rng.standard_normal(k.size)
    assert not looks_like_running_mean(x, positions(x.size, spe))


# ------------------------------------------------------------------ recovery


def test_per_step_values_come_back_exactly_within_the_rounding_bound():
    x = per_step_losses()
    m = np.round(running_means(x, 60), 4)  # printed with 4 decimals, as Keras does
    res = value_resolution(m)
    assert res.decimals == 4
    rec = recover(m, positions(x.size, 60), res)
    assert rec is not None and rec.keep.all()
    assert np.all(np.abs(rec.values - x) <= rec.error + 1e-12)  # the bound holds
    assert np.median(np.abs(rec.values - x)) < 0.05 * np.median(x)


def test_a_bar_that_skips_redraws_gives_window_means():
    x = per_step_losses(spe=50)
    m = np.round(running_means(x, 50), 4)
    rng = np.random.default_rng(5)
    shown = np.sort(np.unique(np.concatenate([rng.choice(x.size, 300, replace=False),
                                              np.arange(49, x.size, 50)])))
    pos = positions(x.size, 50)
    sub = Positions(pos.epoch[shown], pos.count[shown])
    rec = recover(m[shown], sub, value_resolution(m))
    kept = shown[rec.keep]  # each kept point ends a window of steps_covered steps
    truth = np.array([x[b - c + 1:b + 1].mean() for b, c in zip(kept, rec.steps_covered)])
    assert np.all(np.abs(rec.values - truth) <= rec.error + 1e-12)
    assert rec.steps_covered.max() > 1


def test_sample_weights_recover_a_short_final_batch_exactly():
    # Keras weighs each batch by its samples: the final batch of 1 sample moves the mean
    # little, yet its loss is recovered when the weights are known.
    spe, batch, n = 51, 32, 1601
    rng = np.random.default_rng(2)
    x = 0.07 * np.exp(0.1 * rng.standard_normal(spe * 4))
    x[spe - 1::spe] *= 32  # a batch-size-dependent loss on the final batch of 1
    pos = positions(x.size, spe)
    w_step = sample_weights(pos, batch, n)
    assert w_step[spe - 1] == n and w_step[spe - 2] == n - 1
    per = np.diff(np.concatenate(([0.0], w_step[:spe])))
    m = np.concatenate([np.cumsum(x[e * spe:(e + 1) * spe] * per) / w_step[:spe]
                        for e in range(4)])
    rec = recover(np.round(m, 4), pos, value_resolution(np.round(m, 4)), w_step)
    final = rec.values[spe - 1::spe]
    assert np.all(np.abs(final - x[spe - 1::spe]) <= rec.error[spe - 1::spe] + 1e-12)
    assert np.all(final > 10 * np.median(rec.values))


def test_positions_follow_the_epoch_column_not_a_guessed_origin():
    # Keras steps are e*N + i with i from 1: origin 0 would put i = N in the next epoch.
    steps = np.array([1, 2, 5, 51, 52, 60, 102])
    epochs = np.array([0, 0, 0, 0, 1, 1, 1], dtype=float)
    pos = positions_in_epoch(steps, 51, 0.0, epochs)
    assert pos is not None
    assert list(pos.count) == [1, 2, 5, 51, 1, 9, 51]
    assert list(pos.epoch - pos.epoch[0]) == [0, 0, 0, 0, 1, 1, 1]


def test_analyze_reports_the_recovery_and_names_the_running_mean():
    x = per_step_losses()
    m = np.round(running_means(x, 60), 5)
    s = normalize(np.arange(x.size), m, metric="loss", source="run.csv",
                  epochs=np.arange(x.size) // 60)
    r = analyze(s)
    info = r.normalization.running_mean_recovery
    assert info["recognised"] == "data" and info["per_step_share"] == 1.0
    assert info["decimals"] == 5 and info["median_error"] < 1e-3
    assert r.verdict == "clean" and r.cause == "running-mean-logging"
    (note,) = params_of(r.warnings, NoteCode.RUNNING_MEAN_RECOVERED)
    assert note["per_step_share"] == 1.0 and note["recognised"] == "data"
    assert "analysed instead: the value of each step" in note_text(
        Note(NoteCode.RUNNING_MEAN_RECOVERED, note))


# ------------------------------------------------------------------ real logs


def test_keras_progress_bar_hides_a_partial_final_batch_that_recovery_finds():
    for args in (["--dataset-size", "1601", "--batch-size", "32"], []):
        code, out = _cli(str(BUGGY), "--format", "json", *args)
        run = json.loads(out)["runs"][0]
        assert (run["verdict"], run["cause"]) == ("epoch-aligned-spikes", "partial-final-batch")
        assert code == 1
        rec = run["normalization"]["running_mean_recovery"]
        assert rec["recognised"] == "declared" and rec["decimals"] == 4
        assert rec["weights"] == ("samples" if args else "steps")
        assert run["alignment"]["position"] == "final-step"
        causes = [d["cause"] for d in run["diagnosis"]]
        assert causes[-1] == "running-mean-logging"


def test_keras_fixed_twin_is_clean():
    for args in (["--dataset-size", "1601", "--batch-size", "32"], []):
        code, out = _cli(str(FIXED), "--format", "json", *args)
        run = json.loads(out)["runs"][0]
        assert (run["verdict"], run["cause"]) == ("clean", "running-mean-logging")
        assert code == 0


def test_keras_log_without_recovery_shows_only_the_sawtooth():
    # What the bar itself shows: the final batch barely moves the sample-weighted mean.
    (s,) = read_input(str(BUGGY), ReadOptions())
    assert s.running_mean
    end = np.flatnonzero(np.r_[np.diff(s.epochs) > 0, True])  # last point of each epoch
    assert end.size == 10
    assert np.all(s.values[end] / s.values[end - 1] < 1.1)


@needs_corpus
def test_yolov8_per_batch_running_losses_are_recognised_from_the_data():
    (s,) = read_input(str(YOLO), ReadOptions())
    assert not s.running_mean  # nothing in the tag says so
    r = analyze(s, GeometryInputs())
    info = r.normalization.running_mean_recovery
    assert info is not None and info["recognised"] == "data"
    assert info["decimals"] is None and info["relative_error"] < 1e-3  # float32 values
    assert r.cause == "running-mean-logging"


def _cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def test_a_declared_running_mean_shows_its_own_epochs_with_no_flags():
    from spikecheck.engine.running_mean import epochs_from_resets

    rng = np.random.default_rng(5)
    spe, epochs = 120, 8
    x = np.exp(rng.normal(0, 0.3, spe * epochs)) * np.repeat(np.linspace(2, 1, epochs), spe)
    x[spe - 1::spe] *= 6  # a final-step spike the running mean hides
    m = np.concatenate([np.cumsum(e) / np.arange(1, spe + 1) for e in x.reshape(epochs, spe)])
    steps = np.arange(1, spe * epochs + 1)  # Keras counts steps from 1
    series = normalize(steps, m, metric="batch_loss", source="keras", running_mean=True)
    assert epochs_from_resets(series) == (float(spe), 1.0)
    rep = analyze(series)
    assert rep.geometry.steps_per_epoch == spe
    assert rep.verdict == "epoch-aligned-spikes" and rep.cause == "partial-final-batch"


def test_resets_are_found_when_the_loss_falls_a_hundredfold():
    # absolute changes of late epochs are far below early epochs' ordinary changes: the
    # resets are found by relative change
    from spikecheck.engine.running_mean import epochs_from_resets

    rng = np.random.default_rng(6)
    spe, epochs = 61, 15
    t = np.arange(spe * epochs)
    x = np.exp(rng.normal(0, 0.3, t.size)) * np.exp(-t / 150)
    m = np.concatenate([np.cumsum(e) / np.arange(1, spe + 1) for e in x.reshape(epochs, spe)])
    series = normalize(t + 1, m, metric="batch_loss", source="keras", running_mean=True)
    assert epochs_from_resets(series) == (float(spe), 1.0)


@pytest.mark.parametrize("twin,want", [("fixed", ("clean", "running-mean-logging")),
                                       ("buggy", ("epoch-aligned-spikes",
                                                  "partial-final-batch"))])
def test_with_no_flags_a_light_final_step_is_left_out_but_a_heavy_one_is_found(twin, want):
    # Real Keras 3 TensorBoard logs (fixtures/devhard): a running mean weighted by samples
    # over a 1-of-24 final batch. The fixed twin's final step barely moves the mean, so its
    # value is unknown without the batch sizes and is left out; the buggy twin's 24x loss
    # moves it like any other step, and the spike is found.
    path = FIXTURES / "devhard" / "keras" / f"dh-keras-circleseasy-rmsprop-b24-r1-{twin}-tb"
    code, out = _cli(str(path), "--format", "json")
    run = json.loads(out)["runs"][0]
    assert (run["verdict"], run["cause"]) == want
    left_out = any(c["code"] == "running-mean-final-steps-left-out" for c in run["warning_codes"])
    assert left_out == (twin == "fixed")


def test_an_undeclared_running_mean_shows_its_own_epochs_with_no_flags():
    # a Keras LossHistory callback saved as CSV: no header says the values are running
    # means and no flags give the epoch; the resets show it and the signature confirms it
    f = FIXTURES / "devclean" / "keras" / "dc-keras-losshistory-ae-digits-adamw-b40-r3.losses.csv"
    series = read_input(str(f), ReadOptions())[0]
    assert not series.running_mean
    rep = analyze(series)
    assert rep.geometry.steps_per_epoch == 31  # N = 1203, B = 40
    assert (rep.verdict, rep.cause) == ("clean", "running-mean-logging")
    assert NoteCode.EPOCHS_FROM_RUNNING_MEAN_RESETS in {n.code for n in rep.warnings}


@pytest.mark.parametrize("seed", range(4))
def test_per_step_values_with_no_flags_are_not_taken_for_running_means(seed):
    from spikecheck.engine.running_mean import _changes_not_anticorrelated, recover_running_mean

    x = per_step_losses(seed=seed)
    x[59::60] *= 5  # final-step spikes: large changes recurring with the epoch
    series = normalize(np.arange(x.size), x, metric="loss", source="per-step")
    assert not _changes_not_anticorrelated(x)
    assert recover_running_mean(series, GeometryInputs()) is None
    # the same values as running means are recognised and recovered
    m = running_means(x, 60)
    rec = recover_running_mean(normalize(np.arange(m.size), m, metric="loss", source="rm"),
                               GeometryInputs())
    assert rec is not None and rec.normalization.running_mean_recovery is not None
