"""The renderer interface and registry: adding an output format is one file plus one line."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from spikecheck.render import RENDERERS
from spikecheck.report import Report


@dataclass(frozen=True)
class RunOutcome:
    """One analysed input: its report (or the error that stopped it) and whether it fails."""

    name: str
    report: Report | None
    error: str | None = None
    failed: bool = False


@dataclass(frozen=True)
class RenderOptions:
    """What every renderer may need to know about the invocation."""

    fail_on: str = "epoch-aligned"
    quiet: bool = False
    width: int | None = None
    color: bool | None = None
    max_spikes: int = 10
    extras: dict = field(default_factory=dict)


class Renderer(Protocol):
    """Writes all outcomes of one invocation to a text stream."""

    def render(self, outcomes: list[RunOutcome], options: RenderOptions, out: TextIO) -> None:
        ...


def get_renderer(name: str) -> Renderer:
    module, cls = RENDERERS[name].split(":")
    return getattr(importlib.import_module(module), cls)()
