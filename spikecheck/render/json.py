"""--format json: one object, {"schema_version", "runs": [...]}, documented in the README."""

from __future__ import annotations

import json
from typing import TextIO

from spikecheck import __version__
from spikecheck.render.interface import RenderOptions, RunOutcome
from spikecheck.report import SCHEMA_VERSION

MAX_SPIKES = 1000


def outcome_to_dict(o: RunOutcome) -> dict:
    """A run object: the report's fields plus `failed`, or `error` for unreadable input."""
    if o.report is None:
        return {"source": o.name, "error": o.error, "failed": True}
    d = o.report.to_dict(max_spikes=MAX_SPIKES)
    d["failed"] = o.failed
    return d


class JsonRenderer:
    """Machine-readable output for scripts and CI."""

    def render(self, outcomes: list[RunOutcome], options: RenderOptions, out: TextIO) -> None:
        doc = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "spikecheck", "version": __version__},
            "fail_on": options.fail_on,
            "failed": any(o.failed for o in outcomes),
            "runs": [outcome_to_dict(o) for o in outcomes],
        }
        json.dump(doc, out, indent=2, allow_nan=False)
        out.write("\n")
