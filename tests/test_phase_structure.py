"""The within-epoch shape test holds its chance level on autocorrelated noise.

Real losses wander slowly (the residual is autocorrelated), so a bin's mean inside one
epoch moves by more than its point count suggests. The test takes each epoch as one
replicate; a test over the points as independent found "shapes" in plain AR(1) noise
(6 of these 40 seeds under 1e-4, one randomized-scan run called unshuffled data).
"""

from __future__ import annotations

import numpy as np
import pytest

from spikecheck.engine.folding import phase_structure


def ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    e = rng.normal(0, sd, n)
    out = np.empty(n)
    out[0] = e[0]
    for t in range(1, n):
        out[t] = phi * out[t - 1] + np.sqrt(1 - phi * phi) * e[t]
    return out


def log_curve(n: int) -> np.ndarray:
    steps = np.arange(n)
    return np.log(0.3 + 2 * np.exp(-steps / (n / 2)))


@pytest.mark.parametrize("phi", [0.8, 0.95])
def test_autocorrelated_noise_shows_no_shape(phi):
    spe, epochs = 30, 10
    n = spe * epochs
    probs = []
    for seed in range(40):
        y = log_curve(n) + ar1(np.random.default_rng(seed), n, phi, 0.2)
        probs.append(phase_structure(y, np.arange(n), float(spe), 0.0, 1).probability)
    assert min(probs) > 1e-4, sorted(probs)[:3]


def test_a_shape_repeated_every_epoch_in_the_same_noise_is_found():
    spe, epochs = 30, 10
    n = spe * epochs
    steps = np.arange(n)
    shape = 0.25 * np.sin(2 * np.pi * (steps % spe) / spe)  # the same path every epoch
    y = log_curve(n) + shape + ar1(np.random.default_rng(0), n, 0.95, 0.2)
    ps = phase_structure(y, steps, float(spe), 0.0, 1)
    assert ps.probability < 1e-8
    assert ps.split_half_r > 0.8
