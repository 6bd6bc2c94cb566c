"""Hand-built reports for the renderer tests, independent of the engine's current numbers.

Snapshots of renderers must change only when a renderer changes, not when the engine
tunes a threshold, so the reports here are written out field by field. Other render
tests import these builders (`from test_render_samples import ...`).
"""

from __future__ import annotations

import json
import math

import numpy as np

from spikecheck.geometry import EpochGeometry
from spikecheck.notes import Note, NoteCode
from spikecheck.render.curve import Curve
from spikecheck.render.interface import RunOutcome
from spikecheck.report import (
    Alignment,
    Diagnosis,
    FoldedPoint,
    Period,
    Report,
    SpikeEvent,
)
from spikecheck.series import Normalization

SPE = 112
STEPS = 2240


def buggy_curve(spe: int = SPE, n: int = STEPS, height: float = 15.0) -> tuple[np.ndarray,
                                                                                np.ndarray]:
    """A falling loss with deterministic wiggle and a spike on the last step of each epoch."""
    steps = np.arange(n, dtype=np.int64)
    base = 2.0 * np.exp(-steps / 700.0) + 0.6
    wiggle = 1.0 + 0.04 * np.sin(steps * 1.7) * np.cos(steps * 0.31)
    vals = base * wiggle
    last = (steps % spe) == spe - 1
    vals[last] *= height
    return steps, vals


def _geometry(spe: float | None = SPE, source: str = "dataset-size", final: int | None = 1,
              n: int = STEPS) -> EpochGeometry:
    if spe is None:
        return EpochGeometry(steps_per_epoch=None, origin=0.0, source="none")
    bounds = np.arange(spe, n, spe, dtype=np.float64)
    return EpochGeometry(steps_per_epoch=float(spe), origin=0.0, source=source,
                         batch_size=16, dataset_size=1777 if final == 1 else None,
                         final_batch=final, boundaries=bounds)


def _profile(peak: float = 15.5) -> tuple[FoldedPoint, ...]:
    pts = []
    for off in range(-5, 11):
        ratio = peak if off == -1 else 1.0 + 0.01 * math.sin(off)
        z = 40.0 if off == -1 else 0.3 * math.cos(off)
        pts.append(FoldedPoint(off, off, 19, z, ratio, 19 if off == -1 else 0))
    return tuple(pts)


def buggy_report(source: str = "runs/buggy.csv", metric: str = "loss") -> Report:
    """epoch-aligned-spikes / partial-final-batch, as the engine reports the example."""
    steps, vals = buggy_curve()
    spikes = []
    for k, s in enumerate(range(SPE - 1, STEPS, SPE)):
        spikes.append(SpikeEvent(s, s, s, float(vals[s]), float(vals[s] / 15), 15.0 + k % 3,
                                 100.0 + k, "up", epoch=k, offset=-1, aligned=True))
    spikes.append(SpikeEvent(1000, 1000, 1000, 3.0, 1.0, 2.5, 9.0, "up", epoch=8, offset=+8,
                             aligned=False))
    spikes.sort(key=lambda e: e.peak_step)
    diag = (
        Diagnosis("partial-final-batch", 0.9,
                  "anomalies at 19 of 19 epoch boundaries; spikes sit on the final step of "
                  "each epoch; the final batch holds 1 of 16 samples, so a batch-size-"
                  "dependent loss would spike 16x; the log shows 15.5x, about as predicted",
                  "make the loss independent of the batch size, or drop the last batch "
                  "(drop_last=True)", 16.0, 15.5),
        Diagnosis("epoch-start-reset", 0.15, "less likely: the excess peaks before the "
                  "epoch starts", "keep optimizer state across epochs"),
    )
    return Report(
        source=source, metric=metric, points=STEPS, first_step=0, last_step=STEPS - 1,
        verdict="epoch-aligned-spikes", geometry=_geometry(), normalization=Normalization(),
        spikes=tuple(spikes),
        alignment=Alignment(boundaries=19, boundaries_with_spike=19, events=len(spikes),
                            events_on_boundary=len(spikes) - 1, chance_probability=5.2e-18,
                            folded_probability=1e-40, folded_offset=-1,
                            folded_direction="up", window=(-3, 3), profile=_profile()),
        period=Period(112.0, 0.95, "events", True, (1777, 1792)),
        diagnosis=diag, log_scale=True,
    )


def clean_report(source: str = "runs/fixed.csv", metric: str = "loss") -> Report:
    """clean, with two small anomalies at no fixed phase."""
    spikes = (SpikeEvent(300, 300, 300, 1.9, 1.2, 1.6, 7.0, "up", 2, +76, False),
              SpikeEvent(1500, 1500, 1500, 0.9, 0.8, 1.3, 6.1, "up", 13, +44, False))
    return Report(
        source=source, metric=metric, points=STEPS, first_step=0, last_step=STEPS - 1,
        verdict="clean", geometry=_geometry(final=16), normalization=Normalization(),
        spikes=spikes,
        alignment=Alignment(boundaries=19, boundaries_with_spike=0, events=2,
                            events_on_boundary=0, chance_probability=1.0,
                            folded_probability=0.5, folded_offset=3, folded_direction="up",
                            profile=_profile(peak=1.01)),
        log_scale=True,
    )


def unknown_geometry_report(source: str = "runs/noepoch.log", metric: str = "train/loss"
                            ) -> Report:
    """spikes-not-epoch-aligned with no epoch geometry at all."""
    spikes = (SpikeEvent(777, 777, 777, 9.0, 1.0, 6.2, 30.0, "up"),)
    return Report(
        source=source, metric=metric, points=1500, first_step=10, last_step=15000,
        verdict="spikes-not-epoch-aligned",
        geometry=EpochGeometry(steps_per_epoch=None, origin=0.0, source="none", log_every=10),
        normalization=Normalization(dropped_nonfinite=3, first_nonfinite_step=4000),
        spikes=spikes, alignment=Alignment(events=1),
        diagnosis=(Diagnosis("random-instability", 0.7, "1 spike at no fixed phase",
                             "not the epoch: look at the learning rate"),),
        warnings=(Note(NoteCode.NONFINITE_DROPPED, {"values": 3, "first_step": 4000}),),
        log_scale=True,
    )


def outcome(report: Report, failed: bool | None = None, curve: bool = True,
            path: str | None = None) -> RunOutcome:
    """A RunOutcome for a sample report, with a matching deterministic curve."""
    c = None
    if curve:
        if report.verdict == "epoch-aligned-spikes":
            steps, vals = buggy_curve()
        else:
            steps = np.linspace(report.first_step, report.last_step, report.points).astype(
                np.int64)
            vals = 2.0 * np.exp(-(steps - steps[0]) / (report.last_step / 3)) + 0.5
            vals = vals * (1.0 + 0.03 * np.sin(steps * 0.9))
            for s in report.spikes:
                i = int(np.searchsorted(steps, s.peak_step))
                if i < vals.size:
                    vals[i] = s.peak_value
        c = Curve.from_arrays(steps, vals)
    if failed is None:
        failed = report.verdict == "epoch-aligned-spikes"
    return RunOutcome(report.source, report, None, failed, curve=c, path=path, seconds=0.25)


def error_outcome(name: str = "runs/broken.csv",
                  error: str = "runs/broken.csv: no loss column found") -> RunOutcome:
    return RunOutcome(name, None, error, True, path=None)


def test_sample_reports_serialize():
    for r in (buggy_report(), clean_report(), unknown_geometry_report()):
        json.dumps(r.to_dict(), allow_nan=False)


def test_curve_thinning_keeps_every_spike():
    steps, vals = buggy_curve(spe=500, n=200_000)
    c = Curve.from_arrays(steps, vals, max_points=2000)
    assert c.thinned and c.values.size <= 2002 and c.points == 200_000
    assert c.values.max() == vals.max()
    spike_steps = set(steps[(steps % 500) == 499].tolist())
    # each bucket keeps its maximum, so every spike is still drawn
    assert spike_steps <= set(c.steps.tolist())
