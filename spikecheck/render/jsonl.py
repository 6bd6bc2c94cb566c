"""--format jsonl: one JSON object per run per line (the `run` objects of --format json).

The command line writes each line as soon as its run is analysed and flushes it, so a
script or `jq` sees results while the rest of a fleet is still running; the line order is
then the order runs finish in. Rendered after the fact (this class), lines are in run order.
"""

from __future__ import annotations

import json
from typing import TextIO

from spikecheck.render.interface import RenderOptions, RunOutcome
from spikecheck.render.json import outcome_to_dict


def line(o: RunOutcome) -> str:
    """One run as one line of JSON, newline included."""
    return json.dumps(outcome_to_dict(o), allow_nan=False, separators=(",", ":")) + "\n"


class JsonLinesRenderer:
    """Machine-readable output, one run per line."""

    def render(self, outcomes: list[RunOutcome], options: RenderOptions, out: TextIO) -> None:
        for o in outcomes:
            out.write(line(o))
