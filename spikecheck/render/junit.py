"""--junit FILE (and --format junit): a JUnit XML report, one test case per run.

A run that fails --fail-on gets <failure>, an unreadable input <error>; a finding below
the threshold passes with its text in <system-out>. Each analysed run's test case carries
its verdict and cause ids as <properties> (as pytest's record_property writes them), which
the GitHub Action counts. CI dashboards (GitLab test reports, Jenkins, the GitHub
test-reporter actions) read this without a plug-in. ElementTree does the XML escaping;
sanitize removes what XML 1.0 cannot hold at all (control characters, lone surrogates).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from spikecheck.render import sanitize
from spikecheck.render.interface import RenderOptions, RunOutcome
from spikecheck.render.words import geometry_lines, headline, notes, status


def _x(s: object) -> str:
    return sanitize.clean(s, keep_newlines=True).replace("\r", "")


def run_text(o: RunOutcome) -> str:
    """Plain multi-line text for one run: verdict, evidence, cause, fix, geometry."""
    if o.report is None:
        return o.error or "unreadable input"
    r = o.report
    lines = [f"verdict: {r.verdict}", headline(r)]
    for i, d in enumerate(r.diagnosis):
        lines.append(f"{'cause' if i == 0 else 'also possible'}: {d.cause} "
                     f"(confidence {d.confidence:.2f}): {d.evidence}")
        if i == 0:
            lines.append(f"fix: {d.fix}")
    lines += [f"{k}: {v}" for k, v in geometry_lines(r)]
    lines += [f"note: {n}" for n in notes(r)]
    return "\n".join(lines)


def build(outcomes: list[RunOutcome], options: RenderOptions) -> ET.Element:
    """The <testsuites> element for all runs."""
    failures = sum(1 for o in outcomes if o.failed and o.report is not None)
    errors = sum(1 for o in outcomes if o.report is None)
    total_time = sum(o.seconds or 0.0 for o in outcomes)
    counts = {"tests": str(len(outcomes)), "failures": str(failures), "errors": str(errors),
              "time": f"{total_time:.3f}"}
    root = ET.Element("testsuites", {"name": "spikecheck", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "spikecheck", **counts, "skipped": "0"})
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "fail_on", "value": options.fail_on})
    for o in outcomes:
        if o.report is not None:
            name = f"{o.report.source} ({o.report.metric})"
        else:
            name = o.name
        attrs = {"classname": "spikecheck", "name": _x(name).replace("\n", " "),
                 "time": f"{o.seconds or 0.0:.3f}"}
        if o.path:
            attrs["file"] = _x(o.path).replace("\n", " ")
        case = ET.SubElement(suite, "testcase", attrs)
        if o.report is not None:  # the ids, for scripts that count verdicts (the Action)
            case_props = ET.SubElement(case, "properties")
            ET.SubElement(case_props, "property", {"name": "verdict", "value": o.report.verdict})
            if o.report.cause:
                ET.SubElement(case_props, "property", {"name": "cause",
                                                       "value": o.report.cause})
        st = status(o)
        text = _x(run_text(o))
        if st == "error":
            el = ET.SubElement(case, "error", {"type": "unreadable-input",
                                               "message": _x(o.error or "").replace("\n", " ")})
            el.text = text
        elif st == "fail":
            r = o.report
            assert r is not None
            msg = r.verdict + (f": {r.cause}" if r.cause else "") + f" - {headline(r)}"
            el = ET.SubElement(case, "failure", {"type": r.verdict,
                                                 "message": _x(msg).replace("\n", " ")})
            el.text = text
        else:
            ET.SubElement(case, "system-out").text = text
    return root


class JUnitRenderer:
    """JUnit XML for CI test dashboards."""

    def render(self, outcomes: list[RunOutcome], options: RenderOptions, out: TextIO) -> None:
        """Write a complete XML document with its declaration."""
        root = build(outcomes, options)
        ET.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(root, encoding="unicode"))
        out.write("\n")
