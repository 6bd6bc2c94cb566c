"""Untrusted names (tags, columns, files) through every renderer: nothing they hold may
become markup, a terminal escape, a workflow command, or broken XML/markdown."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from test_render_samples import buggy_report, error_outcome, outcome

from spikecheck.render.interface import RenderOptions, get_renderer
from spikecheck.render.sanitize import clean

SGR = re.compile(r"\x1b\[[0-9;]*m")
HOSTILE = [
    "[bold red]x[/]",
    "loss\n::set-env name=X::1",
    "loss\r\n::error file=a::owned",
    "lo\x1b[2Jss\x1b]8;;http://evil.example\x07link\x1b]8;;\x07",
    "\x1b]0;window title\x07loss",
    "\u202eevil\u202c",
    "bad\udcffname",
    "<script>alert(1)</script>|`x`",
    "a,b:c%d",
]


def render(fmt, outcomes, color=False):
    out = io.StringIO()
    get_renderer(fmt).render(outcomes, RenderOptions(width=80, color=color), out)
    return out.getvalue()


def hostile_runs(name):
    return [outcome(buggy_report(source=f"dir/{name}.csv", metric=name),
                    path=f"dir/{name}.csv"),
            error_outcome(f"{name}.csv", f"{name}.csv: no loss column ({name})")]


@pytest.mark.parametrize("name", HOSTILE)
def test_terminal(name):
    text = render("terminal", hostile_runs(name), color=True)
    plain = SGR.sub("", text)
    assert "\x1b" not in plain and "\x07" not in plain and "\r" not in plain
    assert "\u202e" not in plain and "\udcff" not in plain
    if name.startswith("[bold"):
        assert "[bold red]x[/]" in plain
    assert all(len(line.rstrip()) <= 80 for line in plain.splitlines())


@pytest.mark.parametrize("name", HOSTILE)
def test_github(name):
    lines = render("github", hostile_runs(name)).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("::error file=dir/")
    assert lines[1].startswith("::error title=spikecheck%3A unreadable input::")
    assert lines[2].startswith("spikecheck: 2 runs")
    props = lines[0].split("::")[1]
    assert props.count(",") == 1  # file=...,title=...: a comma in the name is escaped


@pytest.mark.parametrize("name", HOSTILE)
def test_junit(name):
    root = ET.fromstring(render("junit", hostile_runs(name)))
    cases = root.findall("testsuite/testcase")
    assert len(cases) == 2 and cases[0].find("failure") is not None
    assert " ".join(clean(name).split()) in " ".join(cases[0].get("name").split())


@pytest.mark.parametrize("name", HOSTILE)
def test_markdown(name):
    text = render("markdown", hostile_runs(name))
    assert "<script" not in text and "\x1b" not in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| ❌") or ln.startswith("| ❗")]
    assert len(rows) == 2
    for row in rows:
        assert len(re.split(r"(?<!\\)\|", row)) == 8, row
    headings = [ln for ln in text.splitlines() if ln.startswith("#")]
    assert len(headings) == 3  # summary + one section per run: no injected heading


@pytest.mark.parametrize("name", HOSTILE)
def test_json_round_trips(name):
    doc = json.loads(render("json", hostile_runs(name)))
    assert doc["runs"][0]["metric"] == name or "\udcff" in name


def test_clean_removes_escapes_and_controls():
    assert clean("a\x1b[31mb\x1b[0m") == "ab"
    assert clean("a\x1b]8;;http://x\x07b\x1b]8;;\x07c") == "abc"
    assert clean("a\x00b\x7fc\u2028d") == "a?b?c?d"
    assert clean("x\ny\r\tz") == "x y  z"
    assert clean("x\ny", keep_newlines=True) == "x\ny"
    assert clean("\u202eabc\u200b") == "abc"
    assert clean("a" * 300, limit=10) == "a" * 9 + "…"
