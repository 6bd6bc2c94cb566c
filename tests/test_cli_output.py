"""Output wiring of the CLI with click's CliRunner: quiet, colour, CI side outputs, many
runs, --plot, untrusted names end to end, and a fast --help."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from spikecheck.cli import main

EXAMPLE = ["--dataset-size", "1777", "--batch-size", "16"]
SGR = re.compile(r"\x1b\[[0-9;]*m")


def run(*args, env=None, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, input=input)


def write_csv(path, column="loss", spe=100, n=600, step_header="step"):
    """A loss curve with a 10x spike on the last step of every epoch of `spe` steps."""
    import csv
    import math

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([step_header, column])
        for s in range(n):
            v = 2 * math.exp(-s / 300) + 0.5 + 0.02 * math.sin(s * 12.9898)
            if s % spe == spe - 1:
                v *= 10
            w.writerow([s, f"{v:.5f}"])
    return path


# --- terminal -------------------------------------------------------------------------------


def test_quiet_prints_the_verdict_line_only(fixtures):
    res = run(fixtures / "example-buggy.csv", *EXAMPLE, "-q")
    assert res.exit_code == 1
    (line,) = res.stdout.splitlines()
    assert line.startswith("epoch-aligned-spikes · partial-final-batch")


def test_piped_output_is_plain_and_fits_80_columns(fixtures):
    res = run(fixtures / "example-buggy.csv", *EXAMPLE)
    assert "\x1b" not in res.stdout
    assert all(len(line.rstrip()) <= 80 for line in res.stdout.splitlines())
    assert "fix" in res.stdout and "final batch" in res.stdout


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_color_and_dumb_terminal_win_over_force_color(fixtures, env):
    forced = run(fixtures / "example-buggy.csv", *EXAMPLE, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout  # the check below can see escapes when there are some
    res = run(fixtures / "example-buggy.csv", *EXAMPLE, env={"FORCE_COLOR": "1", **env})
    assert "\x1b" not in res.stdout


def test_no_progress_bar_when_stderr_is_not_a_terminal(fixtures):
    res = run(fixtures / "example-buggy.csv", fixtures / "example-fixed.csv", *EXAMPLE)
    assert "reading" not in res.stderr


def test_many_runs_one_summary_and_the_worst_exit_code(fixtures, tmp_path):
    res = run(fixtures / "example-buggy.csv", fixtures / "example-fixed.csv", *EXAMPLE)
    assert res.exit_code == 1
    assert "2 runs, 1 failing, in fixtures/" in res.stdout or "2 runs, 1 failing" in res.stdout
    res = run(fixtures / "example-fixed.csv", tmp_path / "missing.csv", *EXAMPLE)
    assert res.exit_code == 2
    assert "✗ error" in res.stdout and res.stderr.count("spikecheck: error") == 1
    res = run(fixtures / "example-fixed.csv", fixtures / "example-fixed.csv", *EXAMPLE, "-q")
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 2


def test_format_choices_include_the_ci_formats():
    res = run("--help")
    for name in ("terminal", "json", "markdown", "github", "junit", "--plot", "--junit"):
        assert name in res.stdout


# --- CI side outputs ------------------------------------------------------------------------


def test_github_step_summary_is_appended_whatever_the_format(fixtures, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    res = run(fixtures / "example-buggy.csv", *EXAMPLE, "-f", "json",
              env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert res.exit_code == 1
    json.loads(res.stdout)  # stdout stays pure JSON
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## spikecheck: 1 of 1 run fail")
    assert "`partial-final-batch`" in text


def test_junit_file_is_written_beside_the_terminal_report(fixtures, tmp_path):
    out = tmp_path / "report.xml"
    res = run(fixtures / "example-buggy.csv", fixtures / "example-fixed.csv", *EXAMPLE,
              "--junit", out)
    assert res.exit_code == 1 and res.stdout.startswith("epoch-aligned-spikes")
    root = ET.parse(out).getroot()
    cases = root.findall("testsuite/testcase")
    assert len(cases) == 2
    assert cases[0].find("failure") is not None and cases[1].find("failure") is None


def test_junit_unwritable_is_a_one_line_error(fixtures, tmp_path):
    res = run(fixtures / "example-fixed.csv", *EXAMPLE, "--junit", tmp_path / "no" / "x.xml")
    assert res.exit_code == 2
    assert "spikecheck: error: cannot write --junit" in res.stderr
    assert "Traceback" not in res.output


def test_github_format_end_to_end(fixtures):
    res = run(fixtures / "example-buggy.csv", fixtures / "example-fixed.csv", *EXAMPLE,
              "-f", "github")
    lines = res.stdout.splitlines()
    assert res.exit_code == 1
    assert lines[0].startswith("::error file=")
    assert "example-buggy.csv" in lines[0]
    assert lines[-1].startswith("spikecheck: 2 runs, 1 failing")


# --- --plot ---------------------------------------------------------------------------------


def test_plot_without_matplotlib_is_a_clear_exit_2(fixtures, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    res = run(fixtures / "example-buggy.csv", *EXAMPLE, "--plot", tmp_path / "x.png")
    assert res.exit_code == 2
    (err,) = [ln for ln in res.stderr.splitlines() if ln]
    assert err.startswith("spikecheck: error: --plot needs matplotlib")
    assert "pip install 'spikecheck[plot]'" in err
    assert res.stdout == ""  # fails before reading anything


def test_plot_writes_a_png(fixtures, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "run.png"
    res = run(fixtures / "example-buggy.csv", *EXAMPLE, "--plot", out, "-q")
    assert res.exit_code == 1
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_plot_of_many_runs_writes_one_file_each(fixtures, tmp_path):
    pytest.importorskip("matplotlib")
    res = run(fixtures / "example-buggy.csv", fixtures / "example-fixed.csv", *EXAMPLE,
              "--plot", tmp_path / "runs.png")
    assert res.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs-1.png", "runs-2.png"]
    assert res.stderr.count("spikecheck: wrote") == 2


def test_plot_linear_axis_for_non_positive_values(tmp_path):
    pytest.importorskip("matplotlib")
    from test_render_samples import clean_report, outcome

    from spikecheck.render.curve import Curve
    from spikecheck.render.plot import figure

    o = outcome(clean_report())
    o = type(o)(**{**o.__dict__, "curve": Curve.from_arrays(o.curve.steps,
                                                             o.curve.values - 1.0)})
    fig = figure(o)
    assert fig.axes[0].get_yscale() == "linear"


# --- untrusted names end to end -------------------------------------------------------------


def test_rich_markup_in_a_column_name_prints_literally(tmp_path):
    p = write_csv(tmp_path / "m.csv", column="[bold red]x[/]")
    res = run(p, "--metric", "[bold red]x[/]", "--steps-per-epoch", "100",
              env={"FORCE_COLOR": "1"})
    assert res.exit_code == 1
    assert "[bold red]x[/]" in SGR.sub("", res.stdout)
    md = run(p, "--metric", "[bold red]x[/]", "--steps-per-epoch", "100", "-f", "markdown")
    assert "\\[bold red\\]x\\[/\\]" in md.stdout


def test_escape_sequences_in_a_file_name_are_removed(tmp_path):
    p = write_csv(tmp_path / "run\x1b[2J\x1b]0;pwned\x07\x1b[31m.csv")
    res = run(p, "--steps-per-epoch", "100", env={"FORCE_COLOR": "1"})
    assert res.exit_code == 1
    assert "\x1b" not in SGR.sub("", res.stdout)  # only our own colour codes
    assert "\x07" not in res.stdout and "pwned" not in res.stdout  # the OSC title is gone
    assert "\x1b[2J" not in res.stdout and "\x1b[31m.csv" not in res.stdout


def test_a_file_name_cannot_start_a_workflow_command(tmp_path):
    p = write_csv(tmp_path / "evil\n::set-env name=X::1\r\n::error::fake.csv")
    res = run(p, "--steps-per-epoch", "100", "-f", "github")
    lines = res.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::error file=")
    assert "%0A%3A%3Aset-env name=X%3A%3A1%0D%0A%3A%3Aerror%3A%3Afake.csv" in lines[0]
    assert not any(ln.startswith(("::set-env", "::error::")) for ln in lines)


def test_junit_with_hostile_names_is_well_formed(tmp_path):
    p = write_csv(tmp_path / 'a<b>&"c\'.csv', column="lo\x01ss<&>")
    out = tmp_path / "r.xml"
    res = run(p, "--metric", "lo\x01ss<&>", "--steps-per-epoch", "100", "--junit", out)
    assert res.exit_code in (1, 2), res.output
    root = ET.parse(out).getroot()
    (case,) = root.findall("testsuite/testcase")
    assert 'a<b>&"c\'.csv' in case.get("name")


def test_markdown_with_hostile_names_keeps_the_table_shape(tmp_path):
    p = write_csv(tmp_path / "x|y.csv", column="<img src=x onerror=alert(1)>|a")
    res = run(p, "--metric", "<img src=x onerror=alert(1)>|a", "--steps-per-epoch", "100",
              "-f", "markdown")
    assert "<img" not in res.stdout
    row = [ln for ln in res.stdout.splitlines() if ln.startswith("| ❌")][0]
    assert len(re.split(r"(?<!\\)\|", row)) == 8  # 6 cells between 7 unescaped pipes


# --- start-up cost --------------------------------------------------------------------------


def test_help_imports_nothing_heavy():
    code = ("import sys, spikecheck.cli; "
            "print(sorted(m for m in ('rich', 'numpy', 'matplotlib', 'pandas') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
