"""Reading notes in tests by code: what a reader or the engine said, not how it worded it."""

from __future__ import annotations

from collections.abc import Iterable

from spikecheck.notes import Note


def params_of(notes: Iterable[Note], code: str) -> list[dict]:
    """The parameters of each note with this code, in order (empty when none has it)."""
    return [dict(n.params) for n in notes if n.code == code]


def codes_of(notes: Iterable[Note]) -> list[str]:
    """The notes' codes, in order."""
    return [n.code for n in notes]
