"""Readers turn a file, a directory or stdin into LossSeries; see registry.py."""

from spikecheck.readers.interface import InputSource, ReadError, ReadOptions

__all__ = ["InputSource", "ReadError", "ReadOptions"]
