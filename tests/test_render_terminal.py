"""The terminal report at a fixed width, compared with snapshot files in tests/snapshots/.

Regenerate after an intended change with:

    SPIKECHECK_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_render_terminal.py

then read the diff of tests/snapshots/ before committing it. The reports are hand-built
(test_render_samples), so engine tuning never changes these files.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from test_render_samples import (
    buggy_report,
    clean_report,
    error_outcome,
    outcome,
    unknown_geometry_report,
)

from spikecheck.render.interface import RenderOptions
from spikecheck.render.terminal import TerminalRenderer

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = bool(os.environ.get("SPIKECHECK_UPDATE_SNAPSHOTS"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Ascii(io.StringIO):
    encoding = "ascii"


def render(outcomes, width=80, color=False, quiet=False, stream=None) -> str:
    out = stream if stream is not None else io.StringIO()
    TerminalRenderer().render(outcomes, RenderOptions(width=width, color=color, quiet=quiet),
                              out)
    return out.getvalue()


def check_snapshot(name: str, text: str) -> None:
    """Compare with tests/snapshots/<name>.txt (trailing spaces ignored: rich pads cells)."""
    text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {path.name} was missing and has been written; rerun")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from {path}; if intended, regenerate with "
        "SPIKECHECK_UPDATE_SNAPSHOTS=1")


CASES = {
    "buggy-80": lambda: [outcome(buggy_report())],
    "clean-80": lambda: [outcome(clean_report())],
    "no-geometry-80": lambda: [outcome(unknown_geometry_report())],
    "many-runs-80": lambda: [outcome(buggy_report("runs/a/buggy.csv")),
                             outcome(clean_report("runs/a/fixed.csv")),
                             outcome(unknown_geometry_report("runs/a/noepoch.log")),
                             error_outcome("runs/a/broken.csv")],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_snapshot(name):
    check_snapshot(name, render(CASES[name]()))


def test_snapshot_wide_terminal_uses_the_width():
    text = render([outcome(buggy_report())], width=120)
    check_snapshot("buggy-120", text)
    assert max(len(line.rstrip()) for line in text.splitlines()) > 100


def test_snapshot_quiet_many_runs():
    text = render(CASES["many-runs-80"](), quiet=True)
    check_snapshot("many-runs-quiet-80", text)
    assert len(text.splitlines()) == 4


def test_snapshot_ascii_output():
    text = render([outcome(buggy_report())], stream=_Ascii())
    check_snapshot("buggy-ascii-80", text)
    assert text.isascii()


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_line_fits_80_columns(name):
    for line in render(CASES[name]()).splitlines():
        assert len(line.rstrip()) <= 80, line


@pytest.mark.parametrize("width", [60, 80, 100, 160])
def test_fits_any_width(width):
    for line in render(CASES["many-runs-80"](), width=width).splitlines():
        assert len(line.rstrip()) <= width, line


def test_report_order_verdict_geometry_evidence_diagnosis():
    text = render([outcome(buggy_report())])
    lines = text.splitlines()
    assert lines[0].startswith("epoch-aligned-spikes · partial-final-batch")
    assert "runs/buggy.csv (loss)" in lines[0]
    order = [text.index(w) for w in ("geometry", "evidence", "diagnosis", "fix ")]
    assert order == sorted(order)
    assert "1 of 16 samples (1777 = 111 x 16 + 1)" in text
    assert "from --dataset-size 1777 and --batch-size 16" in text
    assert "drop_last=True" in text
    assert "largest 6 of 21 spike events" in text and "and 15 more" in text


def test_plain_output_has_no_escape_codes():
    text = render(CASES["many-runs-80"](), color=False)
    assert "\x1b" not in text


def test_colour_output_only_uses_sgr_codes():
    text = render([outcome(buggy_report())], color=True)
    assert "\x1b[" in text
    assert "\x1b" not in ANSI.sub("", text)


def test_curve_chart_marks_boundaries_and_spikes():
    text = render([outcome(buggy_report())])
    assert "┴ epoch start" in text and "▼ spike at a boundary" in text
    axis = next(line for line in text.splitlines() if "└" in line)
    assert axis.count("┴") == 19
    marks = next(line for line in text.splitlines() if "▼" in line and "spike" not in line)
    assert marks.count("▼") >= 15


def test_no_curve_still_renders():
    o = outcome(buggy_report(), curve=False)
    text = render([o])
    assert "loss (log scale)" not in text and "diagnosis" in text
