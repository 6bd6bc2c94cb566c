"""One run of a fixture manifest, read and given its flags the way `make eval` does."""

from __future__ import annotations

import importlib.util
import json

from conftest import FIXTURES

from spikecheck.geometry import GeometryInputs
from spikecheck.readers import ReadOptions
from spikecheck.readers.registry import read_input

_spec = importlib.util.spec_from_file_location("evaluate", FIXTURES / "evaluate.py")
evaluate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evaluate)


def manifest_run(path: str):
    """(series, GeometryInputs, manifest entry) for `path`, relative to fixtures/: the
    manifest of its first folder, the reader and flags of evaluate.py (split_args)."""
    manifest = FIXTURES / path.split("/")[0] / "manifest.json"
    entry = next(e for e in json.loads(manifest.read_text()) if e["file"] == path)
    geo, read = evaluate.split_args(entry["cli_args"])
    series = evaluate.pick_series(read_input(str(FIXTURES / path), ReadOptions(**read)),
                                  entry.get("metric"))
    return series, GeometryInputs(**geo), entry
