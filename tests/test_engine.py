"""The engine on plain numpy arrays: no files, no CLI."""

from __future__ import annotations

import numpy as np
import pytest

from spikecheck.engine import InsufficientData, analyze
from spikecheck.engine.period import period_from_events
from spikecheck.engine.spikes import detrend, find_events, rolling_median
from spikecheck.engine.stats import binom_sf, norm_sf
from spikecheck.geometry import GeometryInputs
from spikecheck.notes import NoteCode
from spikecheck.series import normalize
from tests.note_checks import params_of

SPE = 100


def curve(n=3000, seed=0, noise=0.05):
    """A decaying loss with multiplicative noise, per step."""
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    loss = (0.3 + 2.0 * np.exp(-steps / 600)) * np.exp(rng.normal(0, noise, n))
    return steps, loss


def series(steps, loss, epochs=None):
    return normalize(steps, loss, metric="loss", source="synthetic", epochs=epochs)


def test_a_spike_on_the_last_point_is_not_its_own_baseline():
    # Padding with the end value made the last window half that value: a final-step spike
    # on the last logged step (an epoch's end) had a residual of exactly zero.
    rng = np.random.default_rng(3)
    x = 1 + 0.05 * rng.normal(size=300)
    x[-1] = 8.0
    d = detrend(x)
    assert d.resid[-1] > np.log(5)
    assert find_events(d) and find_events(d)[-1].peak == 299


def test_rolling_median_matches_a_naive_one():
    x = np.random.default_rng(1).normal(size=500)
    got = rolling_median(x, 11)
    pad = np.concatenate([np.full(5, x[0]), x, np.full(5, x[-1])])
    want = np.array([np.median(pad[i:i + 11]) for i in range(500)])
    assert np.allclose(got[:-5], want[:-5])  # the end continues the series instead


def test_a_trend_goes_on_straight_through_the_end():
    # a steady decline is no spike at the last point
    x = np.linspace(5, 1, 200)
    assert np.allclose(rolling_median(x, 21)[-10:], x[-10:])


def test_events_group_consecutive_points():
    steps, loss = curve()
    loss[500:503] *= 5
    loss[1500] *= 4
    ev = find_events(detrend(loss))
    peaks = sorted(e.peak for e in ev if e.direction > 0)
    assert 1500 in peaks and sum(500 <= p <= 502 for p in peaks) == 1


def test_final_step_spikes_are_epoch_aligned_partial_final_batch():
    steps, loss = curve()
    loss[SPE - 1::SPE] *= 8  # every final step, 8x
    r = analyze(series(steps, loss), GeometryInputs(dataset_size=SPE * 16 - 14, batch_size=16))
    assert r.geometry.final_batch == 2
    assert r.verdict == "epoch-aligned-spikes"
    assert r.cause == "partial-final-batch"
    assert r.diagnosis[0].expected_height == 8
    assert r.diagnosis[0].measured_height == pytest.approx(8, rel=0.2)
    assert r.alignment.boundaries_with_spike == r.alignment.boundaries


def test_subthreshold_spikes_are_found_by_folding():
    steps, loss = curve(n=6000, noise=0.1)
    loss[SPE - 1::SPE] *= 1.25  # 2.5 sigma at any one boundary: never flagged alone
    r = analyze(series(steps, loss), GeometryInputs(steps_per_epoch=SPE))
    assert r.alignment.events_on_boundary < 5
    assert r.alignment.folded_probability < 1e-6
    assert r.verdict == "epoch-aligned-spikes"


def test_intermittent_spikes_still_count():
    steps, loss = curve(n=6000)
    loss[np.arange(SPE - 1, 6000, SPE)[::3]] *= 6  # a third of the boundaries
    r = analyze(series(steps, loss), GeometryInputs(steps_per_epoch=SPE))
    assert r.verdict == "epoch-aligned-spikes"


def test_epoch_start_jump_that_decays_is_a_reset():
    steps, loss = curve(n=4000)
    phase = steps % SPE
    bump = np.where(steps >= SPE, 1 + 1.5 * np.exp(-phase / 6.0), 1.0)
    r = analyze(series(steps, loss * bump), GeometryInputs(steps_per_epoch=SPE))
    assert r.verdict == "epoch-aligned-spikes"
    assert r.cause == "epoch-start-reset"


def test_drop_at_epoch_start_is_epoch_start_drop():
    steps, loss = curve(n=4000)
    phase = steps % SPE
    dip = np.where(steps >= SPE, 1 - 0.5 * np.exp(-phase / 5.0), 1.0)
    r = analyze(series(steps, loss * dip), GeometryInputs(steps_per_epoch=SPE))
    assert r.verdict == "epoch-aligned-spikes"
    assert r.cause == "epoch-start-drop"


def test_random_spikes_are_never_epoch_aligned():
    for seed in range(5):
        steps, loss = curve(seed=seed)
        rng = np.random.default_rng(100 + seed)
        at = rng.choice(np.arange(50, 3000), 6, replace=False)
        at = at[np.abs((at % SPE) - SPE / 2) < SPE / 2 - 8]  # keep them off the boundaries
        loss[at] *= 20
        r = analyze(series(steps, loss), GeometryInputs(steps_per_epoch=SPE))
        assert r.verdict == "spikes-not-epoch-aligned", seed
        assert r.cause == "random-instability"


def test_clean_noise_is_clean_across_seeds():
    for seed in range(8):
        steps, loss = curve(seed=seed, noise=0.2)
        r = analyze(series(steps, loss), GeometryInputs(steps_per_epoch=SPE))
        assert r.verdict == "clean", (seed, r.alignment)


def test_periodic_but_not_the_epoch():
    steps, loss = curve(n=6000)
    loss[::250] *= 10  # every 250 steps, an evaluation or a loss-scaler skip
    r = analyze(series(steps, loss), GeometryInputs(steps_per_epoch=SPE * 3 + 7))
    assert r.period.steps == pytest.approx(250, abs=1)
    assert r.verdict == "periodic-not-epoch"


def test_period_disagreeing_with_geometry_is_reported():
    steps, loss = curve(n=1389 * 8)
    loss[1388::1389] *= 10  # the log's epoch is 1389 steps (drop_last=True) ...
    r = analyze(series(steps, loss), GeometryInputs(dataset_size=22225, batch_size=16))
    # ... but N=22225, B=16 without --drop-last gives 1390
    (mismatch,) = params_of(r.warnings, NoteCode.GEOMETRY_MISMATCH)
    assert mismatch["likely"] == "drop-last" and round(mismatch["period"]) == 1389
    assert mismatch["fitting"] is True and mismatch["given"] is False
    assert r.verdict == "epoch-aligned-spikes"


def test_period_from_events_finds_the_fundamental():
    t = np.array([99, 199, 299, 499, 599, 899, 999])  # some epochs skipped
    fit = period_from_events(t, np.ones(t.size), tol=3)
    assert fit.period == pytest.approx(100, abs=0.5)


def test_logged_every_k_steps_as_means():
    steps, loss = curve(n=8000)
    loss[SPE - 1::SPE] *= 16
    k = 10
    means = loss.reshape(-1, k).mean(axis=1)
    logged = steps.reshape(-1, k)[:, -1]
    r = analyze(series(logged, means), GeometryInputs(steps_per_epoch=SPE))
    assert r.geometry.log_every == 10
    assert r.verdict == "epoch-aligned-spikes"


def test_scaling_the_loss_keeps_the_verdict():
    steps, loss = curve()
    loss[SPE - 1::SPE] *= 5
    a = analyze(series(steps, loss), GeometryInputs(steps_per_epoch=SPE))
    b = analyze(series(steps, loss * 1000), GeometryInputs(steps_per_epoch=SPE))
    assert (a.verdict, a.cause) == (b.verdict, b.cause)


def test_negative_losses_use_a_linear_scale():
    steps, loss = curve()
    vals = -loss
    vals[SPE - 1::SPE] += 5
    r = analyze(series(steps, vals), GeometryInputs(steps_per_epoch=SPE))
    assert not r.log_scale and r.verdict == "epoch-aligned-spikes"


def test_constant_and_zero_losses_are_clean():
    for v in (np.full(500, 0.7), np.zeros(500)):
        r = analyze(series(np.arange(500), v), GeometryInputs(steps_per_epoch=50))
        assert r.verdict == "clean"


def test_too_few_points():
    with pytest.raises(InsufficientData):
        analyze(series(np.arange(3), np.ones(3)))


def test_tail_probabilities():
    assert norm_sf(0) == pytest.approx(0.5)
    assert norm_sf(10) < 1e-22
    assert binom_sf(12, 12, 7 / 1390) == pytest.approx((7 / 1390) ** 12, rel=1e-6)
    assert binom_sf(0, 5, 0.1) == 1.0


def test_no_geometry_final_step_spike_vs_decaying_reset():
    steps, loss = curve(n=6000)
    spiky = loss.copy()
    spiky[SPE - 1::SPE] *= 6
    r = analyze(series(steps, spiky))
    assert r.geometry.source == "inferred"
    assert r.geometry.steps_per_epoch == pytest.approx(SPE, abs=0.5)
    assert r.cause == "partial-final-batch"
    phase = steps % SPE
    reset = loss * np.where(steps >= SPE, 1 + 3.0 * np.exp(-phase / 8.0), 1.0)
    r = analyze(series(steps, reset))
    assert r.verdict == "epoch-aligned-spikes"
    assert r.cause == "epoch-start-reset"


def _weak_final_step_spikes(seed: int, spike: float, heavy: bool = False
                            ) -> tuple[np.ndarray, np.ndarray]:
    """The seed case's shape: 8 epochs of 1390 steps, a noisy batch loss, and a final-step
    value only `spike` times the usual one: too weak to be an event on its own."""
    rng = np.random.default_rng(seed)
    steps = np.arange(8 * 1390)
    noise = rng.standard_t(3, steps.size) * 0.2 if heavy else rng.normal(0, 0.35, steps.size)
    loss = np.exp(noise)
    loss[1389::1390] *= spike
    return steps, loss


def test_the_phase_scan_finds_weak_spikes_that_recur_every_epoch():
    from spikecheck.engine.period import period_from_phase_scan

    steps, loss = _weak_final_step_spikes(0, 3.0)
    assert not find_events(detrend(loss))  # no single spike stands out
    fit = period_from_phase_scan(steps, detrend(loss).z, min_period=24)
    assert fit is not None and fit.period == 1390 and fit.origin % 1390 == 1389
    assert fit.method == "phase-scan" and fit.probability < 1e-4


@pytest.mark.parametrize("seed", range(6))
def test_the_phase_scan_finds_nothing_in_noise_whatever_its_tails(seed):
    from spikecheck.engine.period import period_from_phase_scan

    steps, loss = _weak_final_step_spikes(seed, 1.0, heavy=seed % 2 == 0)
    loss[np.random.default_rng(seed).integers(0, steps.size, 5)] *= 50  # odd huge points
    assert period_from_phase_scan(steps, detrend(loss).z, min_period=24) is None


def test_with_no_flags_the_seed_shape_is_found_and_placed_on_the_final_step():
    steps, loss = _weak_final_step_spikes(1, 3.0)
    rep = analyze(normalize(steps, loss, metric="loss", source="weak"))
    assert rep.verdict == "epoch-aligned-spikes"
    assert rep.geometry.steps_per_epoch == 1390
    assert rep.alignment.position == "final-step"


