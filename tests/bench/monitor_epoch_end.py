"""The cost of SpikeMonitor.epoch_end() with 1M recorded steps (docs/python.md, Callbacks).

720 epochs of 1390 steps (the seed bug: a 16x final-step spike) are recorded through
update(); the engine then runs once, with the default window (max_points=200,000) and on
every point. Prints update()'s cost per step and epoch_end()'s time.

    PYTHONPATH=. python tests/bench/monitor_epoch_end.py
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from spikecheck import SpikeMonitor

N, B, STEPS_PER_EPOCH, EPOCHS = 22225, 16, 1390, 720


def measure(max_points: int, rng: np.random.Generator) -> None:
    m = SpikeMonitor(dataset_size=N, batch_size=B, max_points=max_points, min_epochs=EPOCHS)
    spent, step = 0.0, 0
    for e in range(EPOCHS):
        base = 0.5 + 2 * np.exp(-(step + np.arange(STEPS_PER_EPOCH)) / 200_000)
        values = base * np.exp(0.1 * rng.standard_normal(STEPS_PER_EPOCH))
        values[-1] *= B  # the final batch holds 1 sample
        t0 = time.perf_counter()
        for v in values.tolist():
            m.update(step, v)
            step += 1
        spent += time.perf_counter() - t0
        if e < EPOCHS - 1:
            m.epoch_end()  # below min_epochs: no engine run
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        report = m.epoch_end()
        took = time.perf_counter() - t0
    print(f"max_points={max_points:>9,}: {len(m):,} steps recorded; update() "
          f"{1e6 * spent / len(m):.2f} us/step; epoch_end() {took:.2f} s on "
          f"{report.points:,} points -> {report.verdict} ({report.cause})")


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    for max_points in (200_000, 2_000_000):
        measure(max_points, rng)
