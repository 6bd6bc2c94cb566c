"""markdown, JSON, JUnit and GitHub outputs, each parsed back and checked."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

from test_render_samples import (
    buggy_report,
    clean_report,
    error_outcome,
    outcome,
    unknown_geometry_report,
)

from spikecheck.render.github import command, escape_data, escape_property
from spikecheck.render.interface import RenderOptions, get_renderer
from spikecheck.render.markdown import md


def render(fmt: str, outcomes, **opts) -> str:
    out = io.StringIO()
    get_renderer(fmt).render(outcomes, RenderOptions(**opts), out)
    return out.getvalue()


def runs():
    return [outcome(buggy_report("runs/buggy.csv"), path="runs/buggy.csv"),
            outcome(clean_report("runs/fixed.csv"), path="runs/fixed.csv"),
            outcome(unknown_geometry_report("runs/noepoch.log")),
            error_outcome("runs/broken.csv")]


def md_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table in a markdown document as rows of cells (separator rows dropped)."""
    tables, cur = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = _split_row(line)
            if not all(set(c) <= set("-: ") for c in cells):
                cur.append(cells)
        elif cur:
            tables.append(cur)
            cur = []
    if cur:
        tables.append(cur)
    return tables


def _split_row(line: str) -> list[str]:
    cells, buf, i = [], "", 1
    body = line.rstrip()
    while i < len(body) - 1:
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            buf += body[i:i + 2]
            i += 2
            continue
        if ch == "|":
            cells.append(buf.strip())
            buf = ""
        else:
            buf += ch
        i += 1
    cells.append(buf.strip())
    return cells


# --- markdown ------------------------------------------------------------------------------


def test_markdown_summary_table_has_a_row_per_run():
    text = render("markdown", runs())
    assert text.startswith("## spikecheck: 1 of 4 runs fail (`--fail-on epoch-aligned`)")
    summary = md_tables(text)[0]
    assert summary[0] == ["", "run", "metric", "points", "verdict", "cause"]
    rows = summary[1:]
    assert len(rows) == 4 and all(len(r) == 6 for r in rows)
    assert rows[0][4] == "`epoch-aligned-spikes`" and rows[0][5].startswith(
        "`partial-final-batch`")
    assert rows[1][4] == "`clean`" and rows[1][0] == "✅"
    assert rows[3][4] == "**error**"


def test_markdown_details_for_findings_only():
    text = render("markdown", runs())
    heads = [line for line in text.splitlines() if line.startswith("### ")]
    assert len(heads) == 3  # buggy, noepoch, broken: the clean run has no section
    assert "**Fix:**" in text and "drop\\_last=True" in text
    assert text.count("<details>") == text.count("</details>") == 2
    profile = [t for t in md_tables(text) if t[0][0] == "offset"][0]
    assert len(profile[0]) == len(profile[1]) == 17 and profile[1][5] == "15.5"


def test_markdown_quiet_is_the_summary_only():
    text = render("markdown", runs(), quiet=True)
    assert "###" not in text and len(md_tables(text)) == 1


def test_md_escapes_markup_html_and_mentions():
    s = md("a|b [x](http://e.com) <img src=x> @team `c` *d* $e$\nnext")
    zwj = "\u200d"  # after a scheme and before @: GitHub makes no autolink of them
    assert s == (f"a\\|b \\[x\\]\\(http{zwj}\\://e.com\\) &lt;img src=x&gt; {zwj}&#64;team "
                 "\\`c\\` \\*d\\* \\$e\\$ next")


# --- JSON ----------------------------------------------------------------------------------


def test_json_document_shape():
    doc = json.loads(render("json", runs()))
    assert doc["schema_version"] and doc["tool"]["name"] == "spikecheck"
    assert doc["failed"] is True and doc["exit_code"] == 2 and len(doc["runs"]) == 4
    r = doc["runs"][0]
    for key in ("source", "metric", "points", "verdict", "cause", "diagnosis", "spikes",
                "spike_count", "alignment", "period", "geometry", "normalization",
                "warnings", "failed", "error", "file"):
        assert key in r, key
    assert r["diagnosis"][0] == {"cause": "partial-final-batch", "confidence": 0.9,
                                 "evidence": r["diagnosis"][0]["evidence"],
                                 "fix": r["diagnosis"][0]["fix"], "expected_height": 16.0,
                                 "measured_height": 15.5}
    assert r["alignment"]["boundaries_with_spike"] == 19
    assert r["alignment"]["profile"][4]["offset"] == -1
    assert r["period"]["steps"] == 112.0 and r["geometry"]["final_batch"] == 1
    assert r["file"] == "runs/buggy.csv" and r["error"] is None


def test_json_error_run_keeps_the_keys_scripts_read():
    doc = json.loads(render("json", [error_outcome()]))
    r = doc["runs"][0]
    assert r["verdict"] is None and r["error"] and r["failed"] is True
    assert r["diagnosis"] == [] and r["points"] == 0 and doc["exit_code"] == 2


def test_json_exit_code_without_errors():
    assert json.loads(render("json", runs()[:2]))["exit_code"] == 1
    assert json.loads(render("json", runs()[1:2]))["exit_code"] == 0


# --- JUnit ---------------------------------------------------------------------------------


def test_junit_one_testcase_per_run():
    root = ET.fromstring(render("junit", runs()))
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "runs/buggy.csv (loss)", "runs/fixed.csv (loss)", "runs/noepoch.log (train/loss)",
        "runs/broken.csv"]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "epoch-aligned-spikes"
    assert "partial-final-batch" in failure.get("message") and "fix:" in failure.text
    assert cases[0].get("file") == "runs/buggy.csv"
    assert cases[1].find("failure") is None and cases[1].find("system-out") is not None
    # a finding below --fail-on passes, with its text kept
    assert cases[2].find("failure") is None
    assert "random-instability" in cases[2].find("system-out").text
    err = cases[3].find("error")
    assert err is not None and err.get("type") == "unreadable-input"
    # each analysed run carries its verdict and cause ids (the Action counts them)
    props = [{p.get("name"): p.get("value") for p in c.iterfind("properties/property")}
             for c in cases]
    assert props[0] == {"verdict": "epoch-aligned-spikes", "cause": "partial-final-batch"}
    assert props[1] == {"verdict": "clean"}
    assert props[2]["verdict"] == "spikes-not-epoch-aligned"
    assert props[3] == {}


def test_junit_fail_on_any_spike_fails_the_isolated_spike_run():
    o = outcome(unknown_geometry_report(), failed=True)
    root = ET.fromstring(render("junit", [o], fail_on="any-spike"))
    case = root.find("testsuite/testcase")
    assert case.find("failure").get("type") == "spikes-not-epoch-aligned"
    assert root.find("testsuite/properties/property").get("value") == "any-spike"


# --- GitHub --------------------------------------------------------------------------------


def test_github_one_annotation_per_finding():
    lines = render("github", runs()).splitlines()
    assert lines[0].startswith("::error file=runs/buggy.csv,title=spikecheck%3A "
                               "epoch-aligned-spikes (partial-final-batch)::")
    assert lines[1].startswith("::warning title=spikecheck%3A spikes-not-epoch-aligned")
    assert lines[2].startswith("::error title=spikecheck%3A unreadable input::")
    assert lines[3].startswith("spikecheck: 4 runs, 2 failing")
    assert len(lines) == 4  # the clean run has no annotation
    assert "%0Afix: make the loss independent" in lines[0]


def test_github_escaping_is_the_documented_one():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = command("warning", "x\n::set-env name=A::1", file="we:ird,name.csv", title="t")
    assert line == ("::warning file=we%3Aird%2Cname.csv,title=t::x%0A::set-env name=A::1")
    assert "\n" not in line
