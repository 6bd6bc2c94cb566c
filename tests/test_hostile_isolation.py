"""One input's failure never suppresses the others' reports, in any output.

A failure inside the engine or a renderer is made on purpose (monkeypatched) for one run
of two, whatever the engine does with extreme numbers; then the real extreme-number logs
of the red-team pass, whose crashes the engine itself must stop (xfail until it does)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hostile import badinputs as bad
from hostile.harness import graceful, invoke

import spikecheck.engine
import spikecheck.render.terminal


@pytest.fixture()
def two_runs(tmp_path):
    good = tmp_path / "good.csv"
    broken = tmp_path / "broken.csv"
    good.write_bytes(bad.csv_bytes())
    broken.write_bytes(bad.csv_bytes())
    return good, broken


def check_both_reported(res, good, broken, junit, fmt):
    """Exit 2; one error line naming the broken run; the good run analysed in the report
    and both runs in the JUnit file (the broken one as an error)."""
    assert graceful(res, broken) == "error"
    assert "internal error" in res.stderr and str(good) not in res.stderr
    if fmt == "json":
        runs = {r["source"]: r for r in json.loads(res.stdout)["runs"]}
        assert runs[str(good)]["verdict"] == "epoch-aligned-spikes"
        assert "internal error" in runs[str(broken)]["error"]
    else:
        assert "epoch-aligned-spikes" in res.stdout
    cases = ET.parse(junit).getroot().iter("testcase")
    by_name = {c.get("name"): c for c in cases}
    assert len(by_name) == 2
    (good_case,) = [c for n, c in by_name.items() if "good" in n]
    (broken_case,) = [c for n, c in by_name.items() if "broken" in n]
    assert good_case.find("failure") is not None  # its spikes fail --fail-on
    assert broken_case.find("error") is not None


@pytest.mark.parametrize("fmt", ["terminal", "json", "markdown", "github"])
def test_an_engine_crash_on_one_input(two_runs, tmp_path, monkeypatch, fmt):
    good, broken = two_runs
    real = spikecheck.engine.analyze

    def analyze(series, inputs):
        if "broken" in series.source:
            raise OverflowError("math range error")
        return real(series, inputs)

    monkeypatch.setattr(spikecheck.engine, "analyze", analyze)
    junit = tmp_path / "report.xml"
    res = invoke(broken, good, "--steps-per-epoch", bad.SPE, "--format", fmt,
                 "--junit", junit)
    check_both_reported(res, good, broken, junit, fmt)


def test_a_renderer_crash_on_one_run(two_runs, tmp_path, monkeypatch):
    """The terminal report fails on one run: that run becomes an error, the other is
    shown, and nothing half-rendered reaches stdout."""
    good, broken = two_runs
    real = spikecheck.render.terminal.verdict_line

    def verdict_line(o, *a, **kw):
        if "broken" in o.name and o.report is not None:
            raise OverflowError((34, "Numerical result out of range"))
        return real(o, *a, **kw)

    monkeypatch.setattr(spikecheck.render.terminal, "verdict_line", verdict_line)
    junit = tmp_path / "report.xml"
    res = invoke(good, broken, "--steps-per-epoch", bad.SPE, "--junit", junit)
    check_both_reported(res, good, broken, junit, "terminal")
    assert "while writing the terminal report" in res.stderr


def test_a_drawing_crash_on_one_run(two_runs, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import spikecheck.render.plot as plot

    good, broken = two_runs
    real = plot.figure

    def figure(o, plt=None):
        if "broken" in o.name and o.report is not None:
            raise ValueError("arange: cannot compute length")
        return real(o, plt)

    monkeypatch.setattr(plot, "figure", figure)
    res = invoke(broken, good, "--steps-per-epoch", bad.SPE, "--plot", tmp_path / "p.png")
    assert res.exit_code == 2
    assert (tmp_path / "p-2.png").stat().st_size > 0 and not (tmp_path / "p-1.png").exists()
    assert "broken.csv: internal error while drawing" in res.stderr


def extreme(kind: str) -> list[float]:
    """The red-team's finite extremes, on the spiky curve (4x at each epoch's end)."""
    steps, v = bad.loss_curve()
    v = v.copy()
    if kind == "1e308-every-7th":
        v[::7] = 1e308
    elif kind == "denormal-baseline":
        v = np.full(steps.size, 5e-324)
        v[bad.SPE - 1::bad.SPE] = 1.0
    elif kind == "1e308-and-denormals":
        v[::2], v[1::2] = 1e308, 5e-324
    elif kind == "max-float-spikes":
        v[bad.SPE - 1::bad.SPE] = np.finfo(np.float64).max
    elif kind == "one-1e308":
        v[100] = 1e308
    elif kind == "one-denormal":
        v[100] = 5e-324
    elif kind == "scaled-1e300":
        v *= 1e300
    elif kind == "scaled-1e-310":
        v *= 1e-310
    elif kind == "negative-1e308":
        v = -v
        v[::7] = -1e308
    elif kind == "flat-max-float":
        v[:] = np.finfo(np.float64).max
    elif kind == "all-1e308":
        v[:] = 1e308
        v[bad.SPE - 1::bad.SPE] = 1.7e308
    return v.tolist()


@pytest.mark.parametrize("kind", [
    "1e308-every-7th",
    "denormal-baseline",
    "1e308-and-denormals",
    "max-float-spikes",
    "flat-max-float",
    "one-1e308", "one-denormal", "scaled-1e300", "scaled-1e-310", "negative-1e308",
    "all-1e308",
])
def test_extreme_finite_losses_are_analysed(tmp_path, kind):
    """Every finite float gives an analysis or a clear skip of that run, never an
    internal error; the run beside it is reported either way."""
    steps, _ = bad.loss_curve()
    p = tmp_path / f"{kind}.csv"
    p.write_bytes(bad.csv_bytes(steps, extreme(kind)))
    good = tmp_path / "good.csv"
    good.write_bytes(bad.csv_bytes())
    res = invoke(p, good, "--steps-per-epoch", bad.SPE, "--format", "json")
    runs = {r["source"]: r for r in json.loads(res.stdout)["runs"]}
    assert runs[str(good)]["verdict"] == "epoch-aligned-spikes"
    assert "internal error" not in res.stderr, res.stderr
    assert graceful(res) in ("analysis", "error")
    res = invoke(p, "--steps-per-epoch", bad.SPE)  # the terminal report, with its chart
    assert "internal error" not in res.stderr, res.stderr


@pytest.mark.parametrize("kind", ["all-1e308",
                                  "one-1e308", "scaled-1e-310"])
def test_extreme_finite_losses_are_drawn(tmp_path, kind):
    pytest.importorskip("matplotlib")
    steps, _ = bad.loss_curve()
    p = tmp_path / f"{kind}.csv"
    p.write_bytes(bad.csv_bytes(steps, extreme(kind)))
    res = invoke(p, "--steps-per-epoch", bad.SPE, "--plot", tmp_path / "p.png")
    assert "internal error" not in res.stderr, res.stderr
    assert (tmp_path / "p.png").stat().st_size > 0
