"""Every string reaching an output goes through render.sanitize, on the paths the first pass
did not cover: `--show-config` (it prints the project file's path and its strings) and
`spikecheck plan` (its sentences), the notebook view, and a pyproject.toml that cannot be
parsed."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hostile import badinputs as bad

import spikecheck.render.plan as plan_words
from spikecheck.cli import main
from spikecheck.cli_group import entry

HOSTILE = "\x1b]52;c;cHduZWQ=\x07\x1b[2J\u202e\r::error::x"
INVISIBLE = ("\x1b", "\x07", "\u202e", "\r")


def project(tmp_path, body: bytes, dirname: str = "proj"):
    d = tmp_path / dirname
    d.mkdir()
    (d / ".git").mkdir()  # the search for pyproject.toml stops here
    (d / "pyproject.toml").write_bytes(body)
    return d


def shown(res, code: int = 0) -> str:
    """The output of a command that ended with `code`, holding no invisible character."""
    assert res.exit_code == code, res.output
    for ch in INVISIBLE:
        assert ch not in res.output, (ch, res.output)
    return res.output


def test_show_config_cleans_the_project_files_strings(tmp_path, monkeypatch):
    escaped = HOSTILE.replace("\x1b", "\\u001b").replace("\x07", "\\u0007").replace("\r", "\\r")
    toml = f'[tool.spikecheck]\nmetric = "loss{escaped}"\ninclude = ["\\u001b[31m*.csv"]\n'
    monkeypatch.chdir(project(tmp_path, toml.encode()))
    out = shown(CliRunner().invoke(main, ["--show-config"]))
    metric = next(ln for ln in out.splitlines() if ln.startswith("metric"))
    assert '"loss' in metric and "pyproject.toml" in metric  # still says what and where
    assert len(out.splitlines()) == 11  # the header and one line per key: nothing injected


def test_show_config_cleans_the_path_of_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, b'[tool.spikecheck]\nbatch-size = 16\n',
                              dirname="p\x1b]0;title\x07q"))
    out = shown(CliRunner().invoke(main, ["--show-config", "--metric", "\x1b[31mred"]))
    assert "# project file:" in out and "pq/pyproject.toml" in out


@pytest.mark.parametrize("body,words", [
    (b'[tool.spikecheck]\nmetric = "\xff\xfe"\n', "not valid TOML"),
    (b"[tool.x]\na = " + b"[" * 50_000 + b"]" * 50_000 + b"\n", "nested too deeply"),
    (b"[tool.spikecheck]\ndataset-size = " + b"9" * 30 + b"\n", "at most"),
])
def test_a_pyproject_that_cannot_be_used_is_one_line_not_an_internal_error(
        tmp_path, monkeypatch, body, words):
    """Not UTF-8, nested past the recursion limit, a number no option takes: these were
    'internal error: UnicodeDecodeError / RecursionError' or an OverflowError later."""
    monkeypatch.chdir(project(tmp_path, body))
    res = CliRunner().invoke(main, ["x.csv"])
    assert res.exit_code == 2 and not isinstance(res.exception, (RecursionError, ValueError))
    (line,) = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert line.startswith("spikecheck: error: ") and "pyproject.toml" in line
    assert words in line and "internal error" not in line


def test_plan_output_goes_through_the_sanitiser(monkeypatch):
    """The plan's sentences hold no input today; the one sanitiser still sees every line,
    so a fix text that ever quotes a user's value cannot reach the terminal raw."""
    monkeypatch.setitem(plan_words.DROP_LAST, "torch", f"drop_last=True{HOSTILE}")
    out = shown(CliRunner().invoke(entry, ["plan", "-N", "22225", "-B", "16"]), code=1)
    assert "drop_last=True" in out and "WARNING [partial-final-batch]" in out


def test_plan_json_stays_json(monkeypatch):
    monkeypatch.setitem(plan_words.DROP_LAST, "torch", f"drop_last=True{HOSTILE}")
    res = CliRunner().invoke(entry, ["plan", "-N", "22225", "-B", "16", "-f", "json"])
    doc = json.loads(res.output)
    assert doc["plan"]["steps_per_epoch"] == 1390


@pytest.mark.parametrize("n", [2**53 + 1, 2**61 + 1])
def test_plan_arithmetic_is_exact_above_2_53(n):
    """N = 2^53 + 1, B = 2: ceil(N / B) through a float said 2^52 steps and a full batch."""
    res = CliRunner().invoke(entry, ["plan", "-N", str(n), "-B", "2", "-f", "json"])
    plan = json.loads(res.output)["plan"]
    assert plan["steps_per_epoch"] == (n + 1) // 2
    assert plan["final_batch"] == 1 and res.exit_code == 1


@pytest.mark.parametrize("value", [str(2**63), "1" + "0" * 400])
def test_plan_refuses_a_count_no_machine_holds(value):
    res = CliRunner().invoke(entry, ["plan", "-N", value, "-B", "3"])
    assert res.exit_code == 2 and "is too large (at most 2^63-1)" in res.output
    assert "internal error" not in res.output


def test_the_notebook_view_goes_through_the_sanitiser(tmp_path):
    """Report._repr_html_ escaped HTML but let bidi overrides and escapes through: a
    right-to-left override reorders what a notebook shows as well as a terminal."""
    from dataclasses import replace

    from spikecheck.engine import analyze
    from spikecheck.geometry import GeometryInputs
    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import read_input

    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    (series,) = read_input(str(p), ReadOptions())
    report = replace(analyze(series, GeometryInputs(steps_per_epoch=50)),
                     metric=f"loss{HOSTILE}<b>", source=f"run\u202e{HOSTILE}.csv")
    page = report._repr_html_()
    for ch in INVISIBLE:
        assert ch not in page, ch
    assert "&lt;b&gt;" in page and "epoch-aligned-spikes" in page
