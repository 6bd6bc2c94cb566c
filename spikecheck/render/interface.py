"""The renderer interface and registry: adding an output format is one file plus one line."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

from spikecheck.render import RENDERERS
from spikecheck.report import Report

if TYPE_CHECKING:
    from spikecheck.render.curve import Curve


@dataclass(frozen=True)
class RunOutcome:
    """One analysed input: its report (or the error that stopped it) and whether it fails.

    `curve` is the loss thinned for drawing (terminal chart, --plot); `path` is the file
    the run was read from, for CI annotations (None for stdin); `seconds` is the time the
    read and analysis took (JUnit reports it); `run` is the run's name relative to the
    directory it was found in (None for a log given directly).
    """

    name: str
    report: Report | None
    error: str | None = None
    failed: bool = False
    curve: Curve | None = None
    path: str | None = None
    seconds: float | None = None
    run: str | None = None


@dataclass(frozen=True)
class RenderOptions:
    """What every renderer may need to know about the invocation."""

    fail_on: str = "epoch-aligned"
    quiet: bool = False
    width: int | None = None
    color: bool | None = None
    max_spikes: int = 6
    max_bytes: int | None = None  # markdown: cut to fit (GitHub's step-summary limit)


class Renderer(Protocol):
    """Writes all outcomes of one invocation to a text stream."""

    def render(self, outcomes: list[RunOutcome], options: RenderOptions, out: TextIO) -> None:
        ...


def get_renderer(name: str) -> Renderer:
    """The renderer registered under --format `name`, imported on demand."""
    module, cls = RENDERERS[name].split(":")
    return getattr(importlib.import_module(module), cls)()
