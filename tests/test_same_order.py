"""The same batches in the same order every epoch, found in the step-to-step wiggles."""

from __future__ import annotations

import numpy as np
import pytest

from spikecheck.engine import analyze
from spikecheck.engine.decision import same_batches
from spikecheck.engine.same_order import same_order
from spikecheck.engine.spikes import detrend
from spikecheck.geometry import GeometryInputs
from spikecheck.series import normalize
from tests.manifest_runs import manifest_run


def batch_losses(seed: int, fixed_order: bool, spe: int = 50, epochs: int = 8,
                 b: int = 16) -> np.ndarray:
    """Mean loss of each batch of a 800-sample set whose samples differ in difficulty."""
    rng = np.random.default_rng(seed)
    difficulty = rng.lognormal(0, 0.8, spe * b)
    order = rng.permutation(difficulty.size)
    out = []
    for e in range(epochs):
        if not fixed_order:
            order = rng.permutation(difficulty.size)
        per_batch = difficulty[order].reshape(spe, b).mean(axis=1)
        out.append(per_batch * (0.3 + 2 * np.exp(-(e * spe + np.arange(spe)) / 150)))
    return np.concatenate(out)


@pytest.mark.parametrize("seed", range(5))
def test_a_fixed_order_is_found_and_a_reshuffled_one_is_not(seed):
    for fixed in (True, False):
        loss = batch_losses(seed, fixed)
        steps = np.arange(loss.size)
        so = same_order(detrend(loss).resid, steps, 50.0, 0.0, 1)
        assert so is not None and so.pairs == 3  # epochs 1-2, 3-4, 5-6 (epoch 0 left out)
        assert same_batches(so) is fixed, so


def test_the_verdict_names_the_data_order():
    loss = batch_losses(0, True)
    rep = analyze(normalize(np.arange(loss.size), loss, metric="loss", source="fixed"),
                  GeometryInputs(steps_per_epoch=50))
    assert (rep.verdict, rep.cause) == ("epoch-aligned-spikes", "unshuffled-data")
    assert "same order" in rep.diagnosis[0].evidence


def _run(path: str):
    series, geo, _ = manifest_run(path)
    return analyze(series, geo)


@pytest.mark.parametrize("path,cause", [
    # shuffle=False over a set in one generated order: the within-epoch shape is small
    # against the noise (the bin test misses it), the batch-by-batch agreement is not
    ("freshtwin/plain/noshuffle-cls5-rmsprop-b24.csv", "unshuffled-data"),
    # shuffled, with a short final batch whose aftermath repeats: agreement 0.45, no more
    ("runs/pfb-digits-cnn-sgdm-b32-r1.csv", "partial-final-batch"),
])
def test_real_runs(path, cause):
    assert _run(path).cause == cause


def test_a_long_run_compares_a_bounded_number_of_epoch_pairs():
    # 400 epochs: 32 pairs spread over the run, not 199, and still no order found in noise
    from spikecheck.engine.same_order import MAX_PAIRS

    rng = np.random.default_rng(1)
    n = 400 * 50
    so = same_order(rng.normal(size=n), np.arange(n), 50.0, 0.0, 1)
    assert so is not None and so.pairs == MAX_PAIRS and not same_batches(so)
