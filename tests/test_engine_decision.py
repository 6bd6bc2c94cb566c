"""Issue 12: causes as explanations, geometry checked against the data, and `inconclusive`.

The seed case is read from fixtures/seedcase (a numpy MLP really trained with N = 22225,
B = 16, see make_numpy_seed.py); the rest is built from numpy arrays.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from spikecheck.cli import main
from spikecheck.engine import analyze
from spikecheck.engine.decision import THRESHOLDS, Thresholds
from spikecheck.geometry import GeometryInputs
from spikecheck.notes import NoteCode
from spikecheck.readers import ReadOptions
from spikecheck.readers.registry import read_input
from spikecheck.render.notes import note_text
from spikecheck.series import normalize
from tests.manifest_runs import manifest_run
from tests.note_checks import params_of

SEED = json.loads((FIXTURES / "seedcase" / "manifest.json").read_text())
SEED_GEOMETRY = GeometryInputs(dataset_size=22225, batch_size=16)


def seed_run(name: str):
    return read_input(str(FIXTURES / "seedcase" / f"{name}.csv"), ReadOptions())[0]


def curve(n: int, seed: int = 0, noise: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    return steps, (0.3 + 2.0 * np.exp(-steps / (n / 5))) * np.exp(rng.normal(0, noise, n))


def run(steps, loss, epochs=None, **geometry):
    s = normalize(steps, loss, metric="loss", source="synthetic", epochs=epochs)
    return analyze(s, GeometryInputs(**geometry))


@pytest.mark.parametrize("entry", SEED, ids=lambda e: e["file"])
def test_every_seed_case_variant_is_partial_final_batch_alone_and_its_twin_clean(entry):
    rep = analyze(seed_run(entry["file"].split("/")[-1][:-4]), SEED_GEOMETRY)
    if entry["verdict"] == "clean":
        assert rep.verdict == "clean", [d.evidence for d in rep.diagnosis]
    else:
        assert rep.verdict == "epoch-aligned-spikes"
        # one cause: the decaying excess after the spike is its aftermath, not a reset
        assert [d.cause for d in rep.diagnosis] == ["partial-final-batch"]
        assert rep.alignment.position == "final-step"
        assert rep.diagnosis[0].expected_height == pytest.approx(16.0)


@pytest.mark.parametrize("wrong", [32, 15])
def test_a_wrong_batch_size_is_named_and_corrected_not_confirmed(wrong):
    rep = analyze(seed_run("seed-numpy-sgdm-ls1-buggy"),
                  GeometryInputs(dataset_size=22225, batch_size=wrong))
    assert rep.geometry_mismatch is not None
    assert rep.geometry_mismatch.code == NoteCode.GEOMETRY_MISMATCH
    assert rep.geometry_mismatch.params["likely"] == "batch-size"
    assert (rep.geometry_mismatch.params["fitting"], rep.geometry_mismatch.params["given"]) \
        == (16, wrong)
    text = note_text(rep.geometry_mismatch)
    assert "--batch-size 16" in text and f"not {wrong}" in text
    assert rep.geometry.steps_per_epoch == 1390 and rep.geometry.final_batch == 1
    assert rep.verdict == "epoch-aligned-spikes"
    assert rep.cause == "partial-final-batch"
    # confidence is lowered: the geometry came from the data, not the flags
    assert rep.diagnosis[0].confidence < analyze(seed_run("seed-numpy-sgdm-ls1-buggy"),
                                                 SEED_GEOMETRY).diagnosis[0].confidence


def test_an_evaluation_every_k_steps_is_not_taken_for_a_wrong_flag():
    steps, loss = curve(12000, seed=3)
    loss[999::1000] *= 8  # something every 1000 steps; N=22225, B=16 gives 1390-step epochs
    rep = run(steps, loss, dataset_size=22225, batch_size=16)
    assert rep.geometry_mismatch is None
    assert rep.verdict == "periodic-not-epoch"


def test_one_epoch_boundary_is_inconclusive_not_clean():
    steps, loss = curve(180)
    rep = run(steps, loss, steps_per_epoch=100)
    assert rep.verdict == "inconclusive"
    assert rep.inconclusive == "few-boundaries"


def test_four_step_epochs_are_inconclusive():
    steps, loss = curve(400, seed=1)
    loss[3::4] *= 3
    rep = run(steps, loss, steps_per_epoch=4)
    assert (rep.verdict, rep.inconclusive) == ("inconclusive", "short-epochs")


def test_two_points_per_epoch_are_inconclusive_even_with_a_jump_at_each_boundary():
    steps = np.arange(0, 1400, 100)  # logged every 100 steps, epochs of 200
    loss = 1.0 + 0.01 * np.random.default_rng(2).normal(size=steps.size)
    loss[(steps % 200) == 0] *= 1.6
    rep = run(steps, loss, steps_per_epoch=200)
    assert (rep.verdict, rep.inconclusive) == ("inconclusive", "sparse-log")


def test_boundaries_inside_gaps_of_the_log_are_not_evidence():
    steps, loss = curve(2000, seed=4)
    loss[99::100] *= 10
    window = (steps < 250) | (steps > 1950)  # a pasted log: its start and its end
    rep = run(steps[window], loss[window], steps_per_epoch=100)
    assert rep.alignment.observed_boundaries == 2
    assert rep.verdict == "inconclusive" and rep.inconclusive == "few-boundaries"
    full = run(steps, loss, steps_per_epoch=100)
    assert full.verdict == "epoch-aligned-spikes"


def test_a_threshold_is_a_named_parameter_that_changes_the_decision():
    steps = np.arange(0, 1400, 100)
    loss = np.ones(steps.size)
    s = normalize(steps, loss, metric="loss", source="synthetic")
    strict = analyze(s, GeometryInputs(steps_per_epoch=200))
    lax = analyze(s, GeometryInputs(steps_per_epoch=200),
                  Thresholds(min_points_per_epoch=1.0, min_boundaries=1))
    assert strict.verdict == "inconclusive" and lax.verdict != "inconclusive"
    assert THRESHOLDS.min_boundaries == 3


@pytest.mark.parametrize("seed", range(20))
def test_two_spikes_at_random_phases_are_never_epoch_aligned(seed):
    rng = np.random.default_rng(seed)
    steps, loss = curve(720, seed=seed)
    at = rng.choice(np.arange(1, 8), 2, replace=False) * 90 + rng.integers(8, 82, 2)
    loss[at] *= rng.uniform(4, 30, 2)
    rep = run(steps, loss, steps_per_epoch=90)
    assert rep.verdict not in ("epoch-aligned-spikes", "periodic-not-epoch")


def test_a_correct_loss_with_a_one_sample_final_batch_is_clean():
    # hard negative: the final step is a single sample's loss, noisier and mostly lower
    rep = analyze(seed_run("seed-numpy-sgdm-ls0-fixed"), SEED_GEOMETRY)
    assert rep.verdict == "clean"
    assert rep.geometry.final_batch == 1


def test_a_reset_with_full_batches_is_epoch_start_reset_alone():
    steps, loss = curve(3000, seed=5)
    phase = steps % 100
    loss = loss * np.where(steps >= 100, 1 + 2.0 * np.exp(-phase / 15.0), 1.0)
    rep = run(steps, loss, dataset_size=1600, batch_size=16)  # 100 full batches
    assert rep.verdict == "epoch-aligned-spikes"
    assert [d.cause for d in rep.diagnosis] == ["epoch-start-reset"]


def test_hf_printed_dicts_with_fractional_epochs_get_steps_from_the_flags():
    path = FIXTURES / "text" / "hf-trainer-printed.log"
    series = read_input(str(path), ReadOptions())[0]
    rep = analyze(series, GeometryInputs(dataset_size=37, batch_size=4))
    # 37 samples in batches of 4: 10 steps an epoch; 5 rows an epoch: a row every 2 steps
    assert rep.geometry.steps_per_epoch == 10
    assert rep.geometry.log_every == 2
    assert (rep.first_step, rep.last_step) == (2, 30)
    assert not rep.geometry.disagreements
    assert params_of(rep.warnings, NoteCode.ROWS_NOT_STEPS) == [
        {"steps_per_epoch": 10.0, "every": 2}]


def test_fail_on_not_clean_fails_an_inconclusive_run(tmp_path):
    steps, loss = curve(180)
    p = tmp_path / "short.csv"
    p.write_text("step,loss\n" + "".join(f"{s},{v:.6g}\n" for s, v in zip(steps, loss)))
    default = CliRunner().invoke(main, [str(p), "--steps-per-epoch", "100", "-q"])
    assert default.exit_code == 0 and default.output.startswith("inconclusive")
    strict = CliRunner().invoke(main, [str(p), "--steps-per-epoch", "100", "-q",
                                       "--fail-on", "not-clean"])
    assert strict.exit_code == 1
    doc = json.loads(CliRunner().invoke(main, [str(p), "--steps-per-epoch", "100",
                                               "--format", "json"]).stdout)
    assert doc["runs"][0]["inconclusive"]["reason"] == "few-boundaries"


def _every_k_with_epoch_column(spe: int, k: int, epochs: int, mean_logged: bool,
                               final_spike: float = 0.0, reset: float = 0.0, seed: int = 0):
    """(steps, epoch column, loss) of a log written every k steps: each row the loss of its
    step or the mean of the last k steps, the epoch of that step beside it."""
    rng = np.random.default_rng(seed)
    every = np.arange(spe * epochs)
    loss = (0.3 + 2.0 * np.exp(-every / (spe * epochs / 5))) * np.exp(rng.normal(0, 0.05,
                                                                                  every.size))
    pos = every % spe
    loss[pos == spe - 1] *= 1 + final_spike
    loss *= 1 + reset * np.exp(-pos / (spe / 4))  # a jump at each start, decaying
    rows = every[k - 1::k]
    vals = np.array([loss[r - k + 1:r + 1].mean() for r in rows]) if mean_logged else loss[rows]
    return rows, rows // spe, vals


def test_sparse_epoch_column_pins_the_epoch_start_to_the_step():
    # Every 10 steps with 112-step epochs: each change of the epoch column falls at another
    # place in the logging cycle, and together they pin the start to step 0.
    from spikecheck.geometry import geometry_from_epochs

    rows, ep, _ = _every_k_with_epoch_column(112, 10, 20, mean_logged=False)
    assert geometry_from_epochs(rows, ep.astype(float)) == (112.0, 0.0)


def test_a_final_step_spike_in_a_k_step_mean_is_the_short_batch_not_a_reset():
    rows, ep, vals = _every_k_with_epoch_column(111, 10, 24, mean_logged=True, final_spike=3.0)
    rep = run(rows, vals, epochs=ep)
    assert rep.verdict == "epoch-aligned-spikes" and rep.cause == "partial-final-batch"


def test_a_jump_that_persists_through_the_next_rows_stays_a_reset():
    rows, ep, vals = _every_k_with_epoch_column(111, 10, 24, mean_logged=True, reset=0.6)
    rep = run(rows, vals, epochs=ep)
    assert rep.verdict == "epoch-aligned-spikes" and rep.cause == "epoch-start-reset"


def test_points_per_epoch_count_irregular_redraws():
    # four points an epoch at irregular places (a Keras bar's redraws): not a sparse log
    spe, epochs = 51, 12
    rows = np.concatenate([e * spe + np.array([0, 21, 44, 50]) for e in range(epochs)])
    _, loss = curve(rows.size)
    loss[3::4] *= 3  # the final step high in every epoch
    rep = run(rows, loss, epochs=rows // spe)
    assert rep.inconclusive != "sparse-log"


def test_a_final_step_noisier_both_ways_recurs_with_the_epoch_and_is_no_other_period():
    # A correct loss on a 1-sample final batch: the final step is far from the usual loss,
    # up in some epochs and down in others. It recurs with the epoch, so it is not
    # "something that runs every K steps", and in no one direction: clean.
    rng = np.random.default_rng(2)
    steps, loss = curve(81 * 20, seed=2, noise=0.03)
    final = np.arange(80, steps.size, 81)
    loss[final] *= np.exp(rng.choice([-1, 1], final.size) * rng.uniform(0.35, 0.6, final.size))
    rep = run(steps, loss, dataset_size=5121, batch_size=64)
    assert rep.verdict == "clean", (rep.verdict, rep.diagnosis)


def test_a_running_mean_recognised_from_the_data_is_weighted_by_samples():
    # A real Keras fit (devhard) logged per batch by a CSV callback: its running mean weighs
    # the 1-sample final batch by 1 of 24. Recovered as if weighted by steps, the falling
    # loss's final step read as the epoch's mean: a false partial-final-batch on the fixed
    # twin. Weighted by samples, the fixed twin is clean and the buggy one is found.
    base = FIXTURES / "devhard" / "keras" / "dh-keras-circleseasy-rmsprop-b24-r1-{}-batchloss.csv"
    geometry = GeometryInputs(dataset_size=1441, batch_size=24)
    got = {}
    for twin in ("fixed", "buggy"):
        series = read_input(str(base).format(twin), ReadOptions())[0]
        rep = analyze(series, geometry)
        assert rep.normalization.running_mean_recovery is not None
        got[twin] = (rep.verdict, rep.cause)
    assert got["fixed"][0] == "clean"
    assert got["buggy"] == ("epoch-aligned-spikes", "partial-final-batch")


def test_with_no_flags_a_low_final_step_every_epoch_is_a_small_batch_not_a_drop():
    # A correct loss on a 1-sample final batch: one sample's loss sits mostly below the
    # batch mean (some far above). The epoch is found on that step, and a low final step
    # is a small batch, not the model meeting samples it has seen.
    rng = np.random.default_rng(7)
    steps, loss = curve(81 * 20, seed=7, noise=0.03)
    final = np.arange(80, steps.size, 81)
    loss[final] *= np.where(rng.random(final.size) < 0.2, 1.6, 0.6)
    rep = run(steps, loss)
    assert rep.geometry.steps_per_epoch == 81
    assert rep.verdict == "clean", (rep.verdict, rep.diagnosis)


def test_a_jump_in_the_first_steps_is_start_up_not_an_instability():
    # Adagrad's first update is a full-size step: the loss triples at step 1 and settles.
    # The same jump later in the run is an instability.
    steps, loss = curve(2000, seed=9)
    early, late = loss.copy(), loss.copy()
    early[1] *= 5
    late[1200] *= 5
    assert run(steps, early).verdict == "clean"
    assert run(steps, late).verdict == "spikes-not-epoch-aligned"


@pytest.mark.parametrize("name", ["devhard/plain/dh-period-swissroll-adam-stepcycle-k110.csv",
                                  "devhard/plain/dh-period-swissroll-sgdm-cos-k30.csv",
                                  "devhard/plain/dh-period-swissroll-rmsprop-cos-k45.csv"])
def test_a_learning_rate_restarted_every_k_steps_is_periodic_not_the_epoch(name):
    # real runs (devhard): restarts lift the loss for a stretch, by less than single-step
    # noise; the level-jump scan finds K at one phase of every cycle
    series, geo, entry = manifest_run(name)
    rep = analyze(series, geo)
    assert rep.verdict == "periodic-not-epoch", rep.verdict
    assert rep.period.method == "level-scan"
    assert rep.period.steps == pytest.approx(entry["training"]["period"], abs=0.5)
    # the restart period is not explained away as a batch size nobody types
    assert rep.geometry_mismatch is None
    from spikecheck.render.words import headline

    assert "learning-rate schedule restarted every K steps" in headline(rep)


def test_a_restart_cycle_is_not_blamed_on_an_odd_batch_size():
    from spikecheck.engine.geometry_check import plausible_batch_sizes

    # 1200 samples: ceil(1200/27) = 45 steps, the restart cycle of the k45 run; 27 is no
    # batch size a user who typed 20 meant, 16, 19, 21, 32 and 40 are
    sizes = plausible_batch_sizes(20)
    assert 27 not in sizes and {16, 19, 21, 32, 40, 10} <= set(sizes)
    assert plausible_batch_sizes(15)[0] in (14, 16) and 32 in plausible_batch_sizes(16)
    assert all(4 <= b <= 64 for b in plausible_batch_sizes(16))


@pytest.mark.parametrize("seed", range(8))
def test_the_level_scan_finds_no_period_in_wandering_noise(seed):
    # autocorrelated noise and a step-decay schedule: slow structure at no period
    from spikecheck.engine.analyze import _period_from_level_scan
    from spikecheck.engine.spikes import detrend

    rng = np.random.default_rng(seed)
    n = 3000
    e = rng.normal(0, 0.3, n)
    phi = 0.5 + 0.06 * seed
    ar = np.empty(n)
    ar[0] = e[0]
    for t in range(1, n):
        ar[t] = phi * ar[t - 1] + np.sqrt(1 - phi * phi) * e[t]
    ar[1000:] -= 0.5
    ar[2200:] -= 0.4
    loss = (0.2 + 2 * np.exp(-np.arange(n) / 700)) * np.exp(ar)
    assert _period_from_level_scan(np.arange(n), detrend(loss), 3) is None
    # the same noise with a lift for 15 steps after every 130th step is found
    lifted = loss * np.where(np.arange(n) % 130 < 15, 2.0, 1.0)
    fit = _period_from_level_scan(np.arange(n), detrend(lifted), 3)
    assert fit is not None and fit.period == 130 and fit.method == "level-scan"


@pytest.mark.parametrize("seed", range(4))
def test_with_no_flags_a_lift_after_every_kth_step_is_a_reset_at_the_epoch_start(seed):
    # a 60% lift decaying over 20 steps, too small for any one step to be a spike: the
    # level scan makes K the epoch, its start where the lift begins (not a final step)
    rng = np.random.default_rng(seed)
    n, k = 2600, 130
    steps = np.arange(n)
    lift = np.where(steps >= k, 1 + 0.6 * np.exp(-(steps % k) / 20), 1.0)
    loss = (0.3 + 2 * np.exp(-steps / 600)) * lift * np.exp(rng.normal(0, 0.3, n))
    rep = analyze(normalize(steps, loss, metric="loss", source="lifted"))
    assert rep.geometry.steps_per_epoch == k and rep.geometry.source == "inferred"
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "epoch-start-reset")


@pytest.mark.parametrize("path,cause", [
    # cosine warm restarts every epoch: lowest on the epoch's first step (the cycle's end),
    # high from the next one (the restart's first update): a reset, not memorisation
    ("freshtwin/plain/restarts-epoch-friedmanclean-sgdm-b64.csv", "epoch-start-reset"),
    # random labels memorised: the level stays down after the boundary
    ("runs/stairs-digits-mlp-adam-randlabels.csv", "epoch-start-drop"),
])
def test_a_low_first_step_then_a_jump_is_a_restart_and_a_level_that_stays_down_is_a_drop(
        path, cause):
    series, geo, _ = manifest_run(path)
    rep = analyze(series, geo)
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", cause)


def test_spikes_seen_through_a_k_step_mean_are_not_taken_for_running_mean_resets():
    # logged every 6 steps as the mean of the last 6: the 20x final-step spike lands in
    # the first point of each epoch, a big change near each start as a running mean's
    # reset makes, but the changes anti-correlate as per-step values do
    series, geo, _ = manifest_run("freshtwin/plain/logevery6-mean-cls5-adam-b20-r1-double.csv")
    rep = analyze(series, geo)
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")
    assert "running-mean-logging" not in [d.cause for d in rep.diagnosis]


def test_a_summed_loss_dips_to_r_over_b_on_the_short_final_batch():
    # loss summed over the batch and divided by the constant B = 50: the 2-sample final
    # batch reads 2/50 of a full one in every epoch (a real run, freshtwin)
    series, geo, _ = manifest_run("freshtwin/plain/reg-friedmanclean-adagrad-b50-r2-sum.csv")
    rep = analyze(series, geo)
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")
    assert rep.diagnosis[0].expected_height == pytest.approx(2 / 50)
    assert rep.alignment.position == "final-step"


@pytest.mark.parametrize("seed", range(6))
def test_a_mean_loss_on_a_short_final_batch_is_no_dip(seed):
    # a correct mean over r = 3 of 32 skewed per-sample losses: noisier at the final step,
    # lower in some epochs, not r/B = 0.09 in most
    rng = np.random.default_rng(seed)
    spe, epochs, b, r = 60, 10, 32, 3
    n = spe * epochs
    trend = 0.3 + 2 * np.exp(-np.arange(n) / 200)
    per_sample = rng.lognormal(-0.5, 1.0, (n, b))
    per_sample /= np.exp(-0.5 + 0.5)  # mean 1
    size = np.where(np.arange(n) % spe == spe - 1, r, b)
    loss = trend * np.array([row[:k].mean() for row, k in zip(per_sample, size)])
    rep = run(np.arange(n), loss, dataset_size=(spe - 1) * b + r, batch_size=b)
    assert rep.verdict != "epoch-aligned-spikes", [d.evidence for d in rep.diagnosis]


def test_a_predicted_final_step_spike_leads_a_shape_it_leaves_behind():
    # a GRU with the loss divided twice: 24x at the 1-sample final batch, and the loss
    # depressed for steps after it (the oversized update): the shape beside the spike is
    # its aftermath, the spike the cause
    series, geo, _ = manifest_run("freshtwin/plain/gru-seqsum-adam-b24-r1-double.csv")
    rep = analyze(series, geo)
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")
    # unshuffled data keeps its own runs: sorted data is still named first there
    series, geo, _ = manifest_run("runs/unshuf-digits-mlp-sgdm-sorted.csv")
    assert analyze(series, geo).cause == "unshuffled-data"


def test_huge_counts_stay_cheap_in_the_new_checks():
    # a batch size of 2^62 must not list every multiple of 8 below 2^64, and an epoch of
    # 2^63 - 1 steps must not overflow the same-order test (it needs two whole epochs)
    from spikecheck.engine.geometry_check import plausible_batch_sizes
    from spikecheck.engine.same_order import same_order

    sizes = plausible_batch_sizes(2**62)
    assert len(sizes) < 100  # a few dozen candidates, not 2^59 multiples of 8
    assert 2**63 in sizes and 2**62 + 8 in sizes
    steps = np.arange(500)
    assert same_order(np.zeros(500), steps, float(2**63 - 1), 0.0, 1) is None


@pytest.mark.parametrize("gap,noted", [(16, True), (1, False), (10, False)])
def test_steps_that_advance_by_whole_batches_are_said_to_look_like_samples(gap, noted):
    # a CSV whose step column counts samples seen (0, 16, 32, ...) with -N 800 -B 16:
    # 50-step epochs leave 3 points an epoch (inconclusive); the note says why
    rng = np.random.default_rng(gap)
    steps = np.arange(0, 800 * 8, gap)
    rep = run(steps, 1 + 0.1 * rng.random(steps.size), dataset_size=800, batch_size=16)
    codes = {n.code for n in rep.warnings}
    assert (NoteCode.STEPS_LOOK_LIKE_SAMPLES in codes) is noted
    if noted:
        assert "--steps-per-epoch 800" in note_text(
            next(n for n in rep.warnings if n.code == NoteCode.STEPS_LOOK_LIKE_SAMPLES))


def test_with_epochs_from_the_log_a_high_final_step_before_the_jump_is_the_short_batch():
    # Keras batch losses with an epoch column and no flags: the final step of each epoch
    # is high (a 1-sample batch under a loss divided twice) and the loss stays high after
    # it. A reset leaves the final step alone (it happens after it), so the short batch
    # explains both; with no --batch-size the height cannot be checked, only named.
    series, _, _ = manifest_run(
        "devhard/keras/dh-keras-labelnoise-sgdm-b16-r1-buggy-batchloss.csv")
    assert series.epochs is not None
    rep = analyze(series, GeometryInputs())
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")
    assert rep.diagnosis[0].expected_height is None


def test_with_epochs_from_the_log_a_reset_that_spares_the_final_step_stays_a_reset():
    steps, loss = curve(3000, seed=5)
    phase = steps % 100
    loss = loss * np.where((steps >= 100) & (phase >= 1), 1 + 2.0 * np.exp(-phase / 15.0), 1.0)
    rep = run(steps, loss, epochs=steps // 100)
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "epoch-start-reset")


def test_a_dataset_size_far_off_is_named_beside_the_other_periodic_causes():
    # the seed case with --dataset-size 20000 (the true 22225 is 11% more): the flags'
    # epoch is 1250 steps, the spikes recur every 1390. No one flag fixes it exactly, so
    # the verdict stays periodic, but the sizes that would make 1390 the epoch are said.
    rep = analyze(seed_run("seed-numpy-sgdm-ls1-buggy"),
                  GeometryInputs(dataset_size=20000, batch_size=16))
    assert rep.verdict == "periodic-not-epoch"
    evidence = rep.diagnosis[0].evidence
    assert "--dataset-size" in evidence
    lo, hi = (int(x.replace(",", "")) for x in
              evidence.split("epoch of 1390 steps is ")[1].split(" samples")[0].split("-"))
    assert lo <= 22225 <= hi and hi - lo == 15


def test_with_no_flags_the_raised_level_after_an_isolated_final_step_peak_is_its_aftermath():
    # the seed case with SGD momentum and no label smoothing (seed 1), no flags: the epoch
    # is found on the recurring peak, and the loss stays raised for a while after it (the
    # oversized update, carried by momentum). The level-shift test is the strongest, but
    # a one-step peak standing alone is the short batch, not a reset.
    rep = analyze(seed_run("seed-numpy-sgdm-ls0-buggy-s1"), GeometryInputs())
    assert rep.geometry.steps_per_epoch == 1390
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")
    assert rep.alignment.position == "final-step"


def test_a_run_that_ends_on_an_epoch_end_counts_that_final_step():
    # seed 5, SGD momentum, no label smoothing: the single-sample losses are heavy-tailed,
    # so the 16x bug shows hugely in some epochs only. The run stops on the final step of
    # its eighth epoch; that step (z 7) is evidence though no point follows it: with it,
    # two of eight final steps are huge and their median is 1.8x (not 1.7x of seven).
    rep = analyze(seed_run("seed-numpy-sgdm-ls0-buggy-s5"), SEED_GEOMETRY)
    assert rep.alignment.profile[4].offset == -1 and rep.alignment.profile[4].epochs == 8
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")


def test_dips_found_on_the_final_step_are_placed_there_not_at_the_folds_deepest_offset():
    # seed 6, Adam with label smoothing, the loss fixed: the 1-sample final batch is lower
    # in three of eight epochs (a correct loss, noisier), and a chance low two steps into
    # the epoch is deeper in the fold. The exact test found the final step: no drop.
    rep = analyze(seed_run("seed-numpy-adam-ls1-fixed-s6"), SEED_GEOMETRY)
    assert rep.verdict == "clean", [d.evidence for d in rep.diagnosis]


def test_with_no_flags_a_few_spikes_a_whole_number_of_steps_apart_are_pointed_out():
    # three 30x spikes at 1999, 3999 and 7999: the final steps of 2000-step epochs counted
    # from step 0 (a short final batch that shows in some epochs): the epoch they give
    steps, loss = curve(10000, seed=4)
    spiky = loss.copy()
    spiky[[1999, 3999, 7999]] *= 30
    rep = run(steps, spiky)
    assert (rep.geometry.source, rep.geometry.steps_per_epoch) == ("inferred", 2000)
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")
    assert rep.period.method == "step-count"
    # 2000 apart but 300 steps off the counter's multiples: too few to tell a period from
    # chance, and the report names the gap
    shifted = loss.copy()
    shifted[[2299, 4299, 8299]] *= 30
    rep = run(steps, shifted)
    assert rep.verdict == "spikes-not-epoch-aligned"
    assert "--steps-per-epoch 2000" in rep.diagnosis[0].evidence
    # the same spikes at unrelated steps: nothing to point at
    other = loss.copy()
    other[[1999, 4321, 7003]] *= 30
    rep = run(steps, other)
    assert rep.verdict == "spikes-not-epoch-aligned"
    assert "--steps-per-epoch" not in rep.diagnosis[0].evidence


def _seed_case_variant(opt: str, buggy: bool, mode: str, seed: int = 21,
                       smoothing: float = 0.0):
    """A seed-case run (N = 22225, B = 16) trained in numpy and logged
    as fixtures/seedcase/sweep_variants.py logs it (seed 21 is one of its dev seeds)."""
    import importlib.util

    path = FIXTURES / "seedcase" / "sweep_variants.py"
    spec = importlib.util.spec_from_file_location("sweep_variants", path)
    sweep = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sweep)
    rows = sweep.seed_case.train(opt, buggy, smoothing, seed=seed)
    steps, values = sweep.logged(np.array([r[2] for r in rows]), mode, 1390)
    return normalize(steps, values, metric="loss", source=f"{opt}-{mode}")


def test_a_correct_loss_on_a_one_sample_batch_logged_every_10_steps_is_no_finding():
    # The final step is logged in every epoch: 0.12x, 0.18x and 6.6x in three of them, as a
    # single sample's loss is against the batch mean. That was 'epoch-aligned / unknown'.
    rep = analyze(_seed_case_variant("adam", False, "inst:10"), SEED_GEOMETRY)
    assert rep.verdict == "clean", [d.evidence for d in rep.diagnosis]
    on = [s for s in rep.spikes if s.aligned]
    assert {s.direction for s in on} == {"up", "down"} and all(s.offset == -1 for s in on)


def test_a_jump_after_a_final_step_the_log_never_holds_is_the_short_batch_it_predicts():
    # Lightning's default: that step's loss every 50 steps. The final step of a 1390-step
    # epoch is logged in one epoch of seven; the momentum-carried jump after it in all.
    series = _seed_case_variant("sgdm", True, "inst:50")
    rep = analyze(series, SEED_GEOMETRY)
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")
    assert [d.cause for d in rep.diagnosis] == ["partial-final-batch"]
    assert "too few to check" in rep.diagnosis[0].evidence
    # with no short final batch (N a multiple of B) the same jump is a reset
    full = analyze(series, GeometryInputs(steps_per_epoch=1390))
    assert full.cause == "epoch-start-reset"


def test_a_spike_on_the_one_logged_final_step_of_a_short_batch_is_no_random_instability():
    # Logged every 50 steps, the final step shows in 1 epoch of 7, 8x there: the short batch
    # the flags predict, seen once. That was 'spikes-not-epoch-aligned / random-instability'.
    series = _seed_case_variant("adam", True, "inst:50", smoothing=0.1)
    rep = analyze(series, SEED_GEOMETRY)
    assert (rep.verdict, rep.inconclusive) == ("inconclusive", "final-step-unseen")
    assert "1 of 7 epochs" in rep.inconclusive_detail and "16x" in rep.inconclusive_detail
    assert [s.offset for s in rep.spikes if s.height > 2] == [-1]
    # the same spike with no short batch in the geometry stays an isolated spike
    full = analyze(series, GeometryInputs(steps_per_epoch=1390))
    assert full.verdict == "spikes-not-epoch-aligned"


def test_a_final_step_spike_is_measured_against_the_level_before_it_not_its_aftermath():
    # 16x on the final step, then 12 steps at about 3x (the oversized update carried on by
    # momentum): a centred rolling median sits in that aftermath and read the spike as ~5x.
    rng = np.random.default_rng(7)
    spe, epochs = 200, 8
    steps = np.arange(spe * epochs)
    loss = 0.5 * np.exp(rng.normal(0, 0.05, steps.size))
    for end in range(spe - 1, steps.size - 1, spe):
        loss[end] *= 16
        loss[end + 1:end + 13] *= 3 * np.exp(-np.arange(12) / 20)
    rep = run(steps, loss, dataset_size=(spe - 1) * 16 + 1, batch_size=16)
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")
    assert rep.diagnosis[0].measured_height == pytest.approx(16, rel=0.15)
    assert "about as predicted" in rep.diagnosis[0].evidence


def test_an_inferred_epoch_is_the_whole_step_count_most_spikes_share_not_a_fit_through_all():
    # Logged as `running_loss / 10` every 10 steps: one epoch's spike row falls a row late
    # (its aftermath row higher than the spike's own), and a fit through all eight peaks
    # said 1390.95 steps: each boundary drifted a step further from its spike (3 of 6 hit).
    series = _seed_case_variant("sgd", True, "mean:10", seed=20, smoothing=0.1)
    rep = analyze(series, GeometryInputs())
    assert rep.geometry.steps_per_epoch == 1390
    assert rep.alignment.boundaries_with_spike == rep.alignment.boundaries == 7


@pytest.mark.parametrize("peaks, inconclusive", [
    ((938, 1877), True),   # two 939-step epochs' final steps: the log ends on the second
    ((500, 1400), False),  # 900 apart but 501 steps into the log: not an epoch's end
    ((1877,), True),       # the only spike on the last logged step
    ((1200,), False),      # one spike inside the log
])
def test_with_no_flags_spikes_where_a_short_log_would_end_its_epochs_are_inconclusive(
        peaks, inconclusive):
    steps, loss = curve(1878, seed=5)
    for p in peaks:
        loss[p] *= 15
    rep = run(steps, loss)
    if inconclusive:
        assert (rep.verdict, rep.inconclusive) == ("inconclusive", "few-boundaries")
        assert "--steps-per-epoch" in rep.inconclusive_detail
    else:
        assert rep.verdict == "spikes-not-epoch-aligned"


def test_with_no_flags_a_few_spikes_on_whole_multiples_of_the_step_count_give_the_epoch():
    # The seed case logged every 10 steps: its 1-sample batch spikes in four epochs of eight
    # (steps 1389, 4169, 8339, 9729), too few for the events fit; all four are exact
    # multiples of 1390 steps counted from 0 minus one: the final steps of 1390-step epochs.
    series = _seed_case_variant("sgdm", True, "inst:10")
    rep = analyze(series, GeometryInputs())
    assert rep.geometry.source == "inferred" and rep.geometry.steps_per_epoch == 1390
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")


def test_spikes_whose_steps_share_only_a_small_divisor_give_no_epoch():
    steps, loss = curve(11120, seed=9)
    for p in (1379, 4141, 8327, 9733):  # near the seed case's, on no common step count
        loss[p] *= 20
    rep = run(steps, loss)
    assert rep.geometry.source != "inferred"
    assert rep.verdict == "spikes-not-epoch-aligned"


def test_the_aftermath_of_a_short_batch_the_log_never_holds_is_tested_where_it_shows():
    # Nesterov, logged every 50 steps: the 1-sample final step is logged in 1 epoch of 7,
    # and no spike stands out, but the first logged point after every boundary is high
    # (1.7x: the oversized update carried on). The flags predict it there: one test.
    rep = analyze(_seed_case_variant("nesterov", True, "inst:50", seed=20), SEED_GEOMETRY)
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "partial-final-batch")
    assert "too few to check" in rep.diagnosis[0].evidence
    # the fixed twin, and the same run with no short batch in the geometry, are clean
    twin = analyze(_seed_case_variant("nesterov", False, "inst:50", seed=20), SEED_GEOMETRY)
    assert twin.verdict == "clean"
    full = analyze(_seed_case_variant("nesterov", True, "inst:50", seed=20),
                   GeometryInputs(steps_per_epoch=1390))
    assert full.verdict == "clean"


def test_logged_every_k_steps_the_step_count_period_is_counted_in_rows():
    # Every 50 steps, every logged step + 1 is a multiple of 50: spikes on rows 12, 24 and 48
    # share 600 steps but only 12 rows, no rarer than any three rows; no epoch from them.
    steps, loss = curve(200, seed=11)
    steps = steps * 50 + 49
    for row in (11, 23, 47):
        loss[row] *= 20
    rep = run(steps, loss)
    assert rep.geometry.source != "inferred"
    assert rep.verdict == "spikes-not-epoch-aligned"
