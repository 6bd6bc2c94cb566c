"""The engine: pure numpy computation from a LossSeries to a Report (no I/O, no printing)."""

from spikecheck.engine.analyze import InsufficientData, analyze

__all__ = ["InsufficientData", "analyze"]
