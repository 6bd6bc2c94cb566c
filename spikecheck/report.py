"""Report: what the engine found for one series, as plain dataclasses with to_dict() for JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from spikecheck.geometry import EpochGeometry
from spikecheck.notes import Note
from spikecheck.series import Normalization

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class SpikeEvent:
    """Consecutive flagged points: one spike (or drop) event."""

    start_step: int
    end_step: int
    peak_step: int
    peak_value: float
    baseline: float
    height: float  # peak value / baseline (a drop is < 1)
    z: float
    direction: str  # "up" or "down"
    epoch: int | None = None
    offset: int | None = None  # signed steps from the nearest epoch start (-1 = final step)
    aligned: bool = False

    def to_dict(self) -> dict:
        return {
            "start_step": self.start_step, "end_step": self.end_step,
            "peak_step": self.peak_step, "peak_value": _r(self.peak_value),
            "baseline": _r(self.baseline), "height": _r(self.height), "z": _r(self.z, 2),
            "direction": self.direction, "epoch": self.epoch, "offset": self.offset,
            "aligned": self.aligned,
        }


@dataclass(frozen=True)
class FoldedPoint:
    """The residual folded over all epochs at one offset from the epoch start."""

    offset: int  # in steps from the epoch start (median over epochs); -1 = final step
    rel_index: int  # in logged points from the first point of the epoch
    epochs: int  # how many epochs contribute a point here
    mean_z: float
    ratio: float  # median loss / baseline at this offset
    hits: int  # epochs where this point is a clear excursion (|z| > 3)

    def to_dict(self) -> dict:
        return {"offset": self.offset, "rel_index": self.rel_index, "epochs": self.epochs,
                "mean_z": _r(self.mean_z, 3), "ratio": _r(self.ratio, 4), "hits": self.hits}


@dataclass(frozen=True)
class Alignment:
    """How strongly the anomalies sit at epoch boundaries."""

    boundaries: int = 0
    boundaries_with_spike: int = 0
    events: int = 0
    events_on_boundary: int = 0
    chance_probability: float | None = None  # P(this much alignment by luck)
    folded_probability: float | None = None  # P of the strongest folded offset by luck
    folded_offset: int | None = None
    folded_direction: str | None = None
    position: str | None = None  # "final-step", "epoch-start", "spread", None
    direction: str | None = None  # "up" or "down"
    window: tuple[int, int] = (0, 0)
    profile: tuple[FoldedPoint, ...] = ()
    phase_structure_probability: float | None = None
    observed_boundaries: int = 0  # boundaries with logged points close on both sides

    @property
    def share_of_boundaries(self) -> float | None:
        return self.boundaries_with_spike / self.boundaries if self.boundaries else None

    @property
    def share_of_events(self) -> float | None:
        return self.events_on_boundary / self.events if self.events else None

    def to_dict(self) -> dict:
        return {
            "boundaries": self.boundaries,
            "observed_boundaries": self.observed_boundaries,
            "boundaries_with_spike": self.boundaries_with_spike,
            "share_of_boundaries": _r(self.share_of_boundaries, 4),
            "events": self.events,
            "events_on_boundary": self.events_on_boundary,
            "share_of_events": _r(self.share_of_events, 4),
            "chance_probability": _p(self.chance_probability),
            "folded_probability": _p(self.folded_probability),
            "folded_offset": self.folded_offset,
            "folded_direction": self.folded_direction,
            "position": self.position,
            "direction": self.direction,
            "window": list(self.window),
            "phase_structure_probability": _p(self.phase_structure_probability),
            "profile": [p.to_dict() for p in self.profile],
        }


@dataclass(frozen=True)
class Period:
    """The recurrence period found in the data, with no geometry assumed."""

    steps: float | None = None
    strength: float | None = None  # 0..1: share of events (or autocorrelation) it explains
    # "events", "level-shifts", "phase-scan", "level-scan", "step-count" or "autocorrelation"
    method: str | None = None
    matches_epoch: bool | None = None
    implied_dataset_sizes: tuple[int, int] | None = None

    def to_dict(self) -> dict:
        return {
            "steps": None if self.steps is None else round(float(self.steps), 2),
            "strength": _r(self.strength, 3), "method": self.method,
            "matches_epoch": self.matches_epoch,
            "implied_dataset_sizes": (
                list(self.implied_dataset_sizes) if self.implied_dataset_sizes else None
            ),
        }


@dataclass(frozen=True)
class Diagnosis:
    """One candidate cause, most likely first in a report."""

    cause: str
    confidence: float
    evidence: str
    fix: str
    expected_height: float | None = None
    measured_height: float | None = None

    def to_dict(self) -> dict:
        return {"cause": self.cause, "confidence": _r(self.confidence, 2),
                "evidence": self.evidence, "fix": self.fix,
                "expected_height": _r(self.expected_height),
                "measured_height": _r(self.measured_height)}


@dataclass(frozen=True)
class Report:
    """Everything found for one series."""

    source: str
    metric: str
    points: int
    first_step: int
    last_step: int
    verdict: str
    geometry: EpochGeometry
    normalization: Normalization
    spikes: tuple[SpikeEvent, ...] = ()
    alignment: Alignment = field(default_factory=Alignment)
    period: Period = field(default_factory=Period)
    diagnosis: tuple[Diagnosis, ...] = ()
    warnings: tuple[Note, ...] = ()  # reader, geometry and engine notes, in that order
    log_scale: bool = True
    inconclusive: str | None = None  # an Inconclusive code when the verdict is inconclusive
    inconclusive_detail: str | None = None
    geometry_mismatch: Note | None = None  # the period found contradicts the flags
    framework: str | None = None  # who wrote the log, when its reader knows (frameworks.py)

    @property
    def cause(self) -> str | None:
        return self.diagnosis[0].cause if self.diagnosis else None

    def to_frame(self):
        """The spike events as a pandas DataFrame (pandas is imported only here)."""
        import pandas as pd

        cols = ["start_step", "end_step", "peak_step", "peak_value", "baseline", "height",
                "z", "direction", "epoch", "offset", "aligned"]
        return pd.DataFrame([s.to_dict() for s in self.spikes], columns=cols)

    def _repr_html_(self) -> str:
        """Jupyter's view: verdict, causes and fixes, and the folded profile as SVG."""
        from spikecheck.render.html import report_html

        return report_html(self)

    def to_dict(self, max_spikes: int | None = None) -> dict:
        """The JSON run object (docs/output.md): notes as sentences and, beside them, codes."""
        from spikecheck.render.notes import note_text, note_texts

        mismatch = self.geometry_mismatch
        spikes = self.spikes if max_spikes is None else self.spikes[:max_spikes]
        return {
            "source": self.source,
            "metric": self.metric,
            "points": self.points,
            "first_step": self.first_step,
            "last_step": self.last_step,
            "verdict": self.verdict,
            "inconclusive": (None if self.inconclusive is None else
                             {"reason": self.inconclusive,
                              "detail": self.inconclusive_detail}),
            "cause": self.cause,
            "diagnosis": [d.to_dict() for d in self.diagnosis],
            "spikes": [s.to_dict() for s in spikes],
            "spike_count": len(self.spikes),
            "alignment": self.alignment.to_dict(),
            "period": self.period.to_dict(),
            "geometry": self.geometry.to_dict(),
            "geometry_mismatch": None if mismatch is None else note_text(mismatch),
            "geometry_mismatch_code": None if mismatch is None else mismatch.to_dict(),
            "framework": self.framework,
            "normalization": self.normalization.to_dict(),
            "warnings": note_texts(self.warnings),
            "warning_codes": [n.to_dict() for n in self.warnings],
            "log_scale": self.log_scale,
        }


def _r(x: float | None, nd: int = 4) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), nd)


def _p(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.3g}")
