"""Property-based checks of the analysis (hypothesis): invariances and verdict flips."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spikecheck.engine import analyze
from spikecheck.geometry import GeometryInputs
from spikecheck.series import normalize

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def runs(draw):
    """A noisy decaying loss over several epochs, with its steps per epoch."""
    seed = draw(st.integers(0, 2**31 - 1))
    spe = draw(st.integers(40, 150))
    epochs = draw(st.integers(8, 20))
    noise = draw(st.floats(0.02, 0.3))
    rng = np.random.default_rng(seed)
    n = spe * epochs
    steps = np.arange(n)
    loss = (0.2 + 2 * np.exp(-steps / (n / 4))) * np.exp(rng.normal(0, noise, n))
    return steps, loss, spe, rng


def verdict(steps, loss, spe, epochs=None):
    s = normalize(steps, loss, metric="loss", source="prop", epochs=epochs)
    return analyze(s, GeometryInputs(steps_per_epoch=spe))


@SETTINGS
@given(runs())
def test_row_order_and_duplicates_do_not_matter(run):
    steps, loss, spe, rng = run
    a = verdict(steps, loss, spe)
    perm = rng.permutation(steps.size)
    # duplicated rows written earlier with other values lose to the later, true ones
    dup = rng.choice(steps.size, 20, replace=False)
    s2 = np.concatenate([steps[dup], steps[perm]])
    v2 = np.concatenate([loss[dup] * 7.0, loss[perm]])
    # write order: the stale duplicates first, then every true row (shuffled)
    b = verdict(s2, v2, spe)
    assert b.points == a.points
    assert np.array_equal(b.spikes and [x.peak_step for x in b.spikes] or [],
                          a.spikes and [x.peak_step for x in a.spikes] or [])
    assert (a.verdict, a.cause) == (b.verdict, b.cause)


@SETTINGS
@given(runs(), st.floats(1e-3, 1e3))
def test_scaling_the_loss_keeps_the_verdict(run, c):
    steps, loss, spe, _ = run
    a = verdict(steps, loss, spe)
    b = verdict(steps, loss * c, spe)
    assert (a.verdict, a.cause) == (b.verdict, b.cause)


@SETTINGS
@given(runs(), st.floats(4.0, 30.0))
def test_spikes_at_every_boundary_flip_to_epoch_aligned(run, height):
    steps, loss, spe, _ = run
    spiked = loss.copy()
    spiked[spe - 1::spe] *= height
    assert verdict(steps, spiked, spe).verdict == "epoch-aligned-spikes"


@SETTINGS
@given(runs(), st.floats(4.0, 30.0), st.integers(2, 6))
def test_spikes_at_random_phases_are_never_epoch_aligned(run, height, count):
    steps, loss, spe, rng = run
    spiked = loss.copy()
    phases = np.arange(8, spe - 8)
    epochs = rng.choice(np.arange(1, steps.size // spe), count, replace=False)
    at = epochs * spe + rng.choice(phases, count)
    spiked[at] *= height
    assert verdict(steps, spiked, spe).verdict != "epoch-aligned-spikes"
