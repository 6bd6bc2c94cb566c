"""Numbers at the edges of what a float or a JSON parser holds: a loss made of denormals
(whose half is 0), values of both signs near 1e308 (whose differences overflow), integers
past Python's 4300-digit limit in valid JSON. Each gives an analysis, never an internal
error, and the rest of the file is still read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hostile import badinputs as bad
from hostile.harness import graceful, invoke, runs

ROOT = Path(__file__).resolve().parents[1]


def analysed(res) -> dict:
    assert graceful(res) == "analysis", res.output
    (run,) = runs(res)
    return run


@pytest.mark.parametrize("scale", [5e-324, 1e-320, 2.5e-308])
def test_a_loss_of_denormals_is_analysed(tmp_path, scale):
    """Half the smallest denormal is 0: the log-scale floor became log(0) = -inf, then NaN
    in the period search ('cannot convert float NaN to integer')."""
    steps, values = bad.loss_curve()
    p = tmp_path / "tiny.csv"
    p.write_bytes(bad.csv_bytes(steps, values * scale))
    run = analysed(invoke(p, "--format", "json", "--steps-per-epoch", "50"))
    assert run["points"] == steps.size


@pytest.mark.parametrize("name,values", [
    ("alternating", lambda s: np.where(s % 2, 1e308, -1e308)),
    ("negative-huge", lambda s: -1e308 * (1 + 0.5 * (s % 50 == 49))),
    ("max-and-zero", lambda s: np.where(s % 50 == 49, np.finfo(float).max, 0.0)),
])
def test_values_of_both_signs_near_the_float_limit_are_analysed(tmp_path, name, values):
    """On the linear scale (a value <= 0) 1e308 - (-1e308) = inf, then inf - inf = NaN."""
    steps = np.arange(500)
    p = tmp_path / f"{name}.csv"
    p.write_bytes(bad.csv_bytes(steps, values(steps).astype(float)))
    run = analysed(invoke(p, "--format", "json", "--steps-per-epoch", "50"))
    assert run["points"] == steps.size


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "github", "junit"])
def test_every_format_draws_values_of_both_signs_near_the_float_limit(tmp_path, fmt):
    """The terminal chart scaled by hi - lo = inf: NaN rows, an index of -2^61, and the
    run became 'internal error while writing the terminal report'."""
    steps = np.arange(500)
    p = tmp_path / "extreme.csv"
    p.write_bytes(bad.csv_bytes(steps, np.where(steps % 50 == 49, 1.7e308, -1.7e308)))
    res = invoke(p, "--format", fmt, "--steps-per-epoch", "50")
    assert graceful(res) == "analysis", res.output
    assert "internal error" not in res.output


def test_a_valid_json_document_with_a_huge_integer_is_read(tmp_path):
    """One 5000-digit integer anywhere in a trainer_state.json (valid JSON) made the whole
    file 'not valid JSON (Exceeds the limit (4300 digits)...)'."""
    doc = bad.trainer_state_bytes()
    at = doc.index(b'"logging_steps"')
    p = tmp_path / "trainer_state.json"
    p.write_bytes(doc[:at] + b'"total_flos": 1' + b"0" * 5000 + b", " + doc[at:])
    run = analysed(invoke(p, "--format", "json", "--steps-per-epoch", "50"))
    assert run["points"] == bad.SPE * bad.EPOCHS


def test_a_huge_integer_on_one_json_line_costs_only_that_line(tmp_path):
    lines = bad.jsonl_bytes().split(b"\n")
    lines[7] = lines[7][:-1] + b', "flops": 9' + b"9" * 6000 + b"}"
    p = tmp_path / "metrics.json"
    p.write_bytes(b"\n".join(lines))
    run = analysed(invoke(p, "--format", "json", "--steps-per-epoch", "50"))
    assert run["points"] == bad.SPE * bad.EPOCHS  # the line itself is read, its loss kept


@pytest.mark.parametrize("name,values", [
    ("both-signs", lambda s: np.where(s % 50 == 49, 1.7e308, -1.7e308)),
    ("denormal-floor", lambda s: np.where(s % 50 == 49, 1.7e308, 5e-324)),
])
def test_plot_draws_extreme_values_with_no_internal_error_or_stray_warning(tmp_path, name,
                                                                         values):
    """matplotlib's transforms went singular on a +-1.7e308 axis (LinAlgError: internal
    error while drawing), and a denormal floor set a zero log limit (a UserWarning on
    stderr, outside the one-line contract)."""
    pytest.importorskip("matplotlib")
    steps = np.arange(500)
    p = tmp_path / f"{name}.csv"
    p.write_bytes(bad.csv_bytes(steps, values(steps)))
    png = tmp_path / f"{name}.png"
    # the real process: pytest would capture a warning that a user's terminal shows
    res = subprocess.run([sys.executable, "-m", "spikecheck", str(p), "--steps-per-epoch",
                          "50", "--plot", str(png), "--quiet"], capture_output=True, text=True,
                         timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert res.returncode == 1, res.stderr
    assert res.stderr == ""  # --quiet: not even the "wrote" line
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("bulk", [False, True], ids=["per-line", "bulk"])
def test_a_text_log_with_a_decimal_comma_is_read_whole_or_not_at_all(tmp_path, monkeypatch,
                                                                      bulk):
    """`iter 5: loss 2,3087` (a C++ trainer under a German locale) was read as loss 2: every
    value cut at its comma, the analysis run on integers, nothing said. Now 2.3087 and a
    note; a thousands separator (1,234.5) leaves its line unread and counted, never 1."""
    import re

    from spikecheck.readers import text_bulk

    if bulk:
        monkeypatch.setattr(text_bulk, "BULK_MIN_BYTES", 0)
    steps, values = bad.loss_curve()
    comma = re.sub(rb"loss (\d+)\.", rb"loss \1,", bad.nanogpt_bytes())
    p = tmp_path / "train.log"
    p.write_bytes(comma)
    run = analysed(invoke(p, "--format", "json", "--steps-per-epoch", bad.SPE))
    assert run["points"] == steps.size
    assert any("uses a decimal comma" in w for w in run["warnings"])
    first = run["spikes"][0]
    assert first["peak_value"] == pytest.approx(values[first["peak_step"]], abs=1e-4)

    lines = bad.nanogpt_bytes().split(b"\n")
    lines[7] = b"iter 7: loss 1,234.5, time 12.3ms, mfu 30.1%"
    p.write_bytes(b"\n".join(lines))
    run = analysed(invoke(p, "--format", "json", "--steps-per-epoch", bad.SPE))
    assert run["points"] == steps.size - 1
    assert any("1 other lines skipped" in w for w in run["warnings"])
