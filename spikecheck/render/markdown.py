"""--format markdown, and the summary appended to $GITHUB_STEP_SUMMARY.

A heading that says how many runs fail, one table row per run, then for every run with a
finding: the key evidence, the cause and its fix, the geometry, and (folded away in a
<details>) the epoch profile and the largest spikes. Names from logs are escaped so they
cannot add markdown, HTML, links, images, math or mentions to the page.
"""

from __future__ import annotations

import re
from typing import TextIO

from spikecheck.render import sanitize
from spikecheck.render.interface import RenderOptions, RunOutcome
from spikecheck.render.words import (
    dropped_sentence,
    fmt_num,
    fmt_p,
    geometry_lines,
    headline,
    notes,
    status,
)
from spikecheck.report import Report

ICON = {"fail": "❌", "warn": "⚠️", "pass": "✅", "error": "❗"}
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;"}
# ASCII punctuation that markdown, GFM tables, autolinks or math give a meaning to.
_BACKSLASH = set("\\`*_{}[]()#+!|~:$^")
# GitHub turns bare `www.x`, `http://x` (and other schemes) and `a@b.c` into links, escaped
# or not: a zero-width joiner after the scheme or `www`, and before `@`, stops it.
ZWJ = "\u200d"
_AUTOLINK = re.compile(r"(?i)(?:www|https?|ftps?|mailto|xmpp|file|data|javascript)(?=[.:])")


def md(s: object, limit: int | None = None) -> str:
    """Untrusted text as literal markdown: one line, punctuation escaped, HTML and autolinks
    neutralized; clipped to `limit` characters."""
    out = []
    text = _AUTOLINK.sub(lambda m: m.group(0) + ZWJ, sanitize.clean(s, limit=limit))
    for ch in text:
        if ch == "@":
            out.append(ZWJ + _ENTITIES[ch])
        elif ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _BACKSLASH:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _code(token: str) -> str:
    """A verdict or cause id (our own vocabulary) as inline code."""
    return f"`{token}`"


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    align = align or "-" * len(header)
    seps = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(seps) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _name(s: object) -> str:
    """A run, file or metric name (from a log: a column may be named with a megabyte)."""
    return md(s, sanitize.MAX_NAME)


def _run_label(o: RunOutcome) -> str:
    if o.report is None:
        return _name(o.name)
    return f"{_name(o.report.source)} ({_name(o.report.metric)})"


def summary_lines(outcomes: list[RunOutcome], options: RenderOptions) -> list[str]:
    """The heading and the one-row-per-run table."""
    fails = sum(1 for o in outcomes if o.failed and o.report is not None)
    errors = sum(1 for o in outcomes if o.report is None)
    n = len(outcomes)
    head = f"## spikecheck: {fails} of {n} run{'s' if n != 1 else ''} fail"
    head += f" (`--fail-on {options.fail_on}`)"
    if errors:
        head += f", {errors} unreadable"
    rows = []
    for o in outcomes:
        st = status(o)
        if o.report is None:
            rows.append([ICON[st], _name(o.name), "", "", "**error**", md(o.error or "")])
            continue
        r = o.report
        cause = ""
        if r.diagnosis:
            cause = f"{_code(r.diagnosis[0].cause)} ({r.diagnosis[0].confidence:.2f})"
        rows.append([ICON[st], _name(r.source), _name(r.metric), str(r.points),
                     _code(r.verdict), cause])
    return [head, ""] + _table(["", "run", "metric", "points", "verdict", "cause"], rows,
                               "---r--")


def details_lines(o: RunOutcome, max_spikes: int = 6) -> list[str]:
    """The section for one run with a finding or an error (empty for a clean run)."""
    st = status(o)
    dropped = dropped_sentence(o.report) if o.report is not None else None
    if st == "pass" and not dropped:
        return []
    if o.report is None:
        return [f"### {ICON[st]} {_name(o.name)}: unreadable", "", md(o.error or ""), ""]
    r = o.report
    lines = [f"### {ICON[st]} {_run_label(o)}: {_code(r.verdict)}", ""]
    if dropped:
        lines += [f"> **Warning:** {md(dropped)}", ""]
    lines += [md(headline(r)), ""]
    for i, d in enumerate(r.diagnosis):
        if i == 0:
            lines.append(f"- **Cause:** {_code(d.cause)} (confidence {d.confidence:.2f}): "
                         f"{md(d.evidence)}")
            lines.append(f"- **Fix:** {md(d.fix)}")
        else:
            lines.append(f"- **Also possible:** {_code(d.cause)} ({d.confidence:.2f}): "
                         f"{md(d.evidence)}")
    for label, text in geometry_lines(r):
        lines.append(f"- **{label.capitalize()}:** {md(text)}")
    for n in notes(r):
        lines.append(f"- **Note:** {md(n)}")
    lines.append("")
    extra = _evidence_tables(r, max_spikes)
    if extra:
        lines += ["<details><summary>Folded epoch profile and largest spikes</summary>", ""]
        lines += extra
        lines += ["</details>", ""]
    return lines


def _evidence_tables(r: Report, max_spikes: int) -> list[str]:
    out: list[str] = []
    prof = r.alignment.profile
    if prof:
        n = max(p.epochs for p in prof)
        out.append(f"Loss around the epoch start, folded over {n} epochs, as a multiple of "
                   "the usual loss (offset in steps; -1 is the last step of an epoch):")
        out.append("")
        out += _table(["offset"] + [f"{p.offset:+d}" for p in prof],
                      [["x usual"] + [fmt_num(p.ratio) for p in prof]],
                      "-" + "r" * len(prof))
        a = r.alignment
        if a.folded_probability is not None:
            out.append("")
            out.append(f"Strongest offset {a.folded_offset:+d} "
                       f"({a.folded_direction}); chance by luck {fmt_p(a.folded_probability)}.")
        out.append("")
    if r.spikes:
        spikes = sorted(r.spikes, key=lambda s: -abs(s.z))[:max_spikes]
        spikes.sort(key=lambda s: s.peak_step)
        out.append(f"Largest {len(spikes)} of {len(r.spikes)} spike events:")
        out.append("")
        rows = [[str(s.peak_step), "" if s.epoch is None else str(s.epoch),
                 "" if s.offset is None else f"{s.offset:+d}", fmt_num(s.peak_value),
                 fmt_num(s.height), f"{s.z:.1f}", "yes" if s.aligned else ""]
                for s in spikes]
        out += _table(["step", "epoch", "offset", "loss", "x usual", "z", "on boundary"],
                      rows, "rrrrrr-")
        out.append("")
    return out


class MarkdownRenderer:
    """A markdown report for pull requests, wikis and the GitHub job summary."""

    def render(self, outcomes: list[RunOutcome], options: RenderOptions, out: TextIO) -> None:
        """Write the summary table, then a section per run with a finding (within
        options.max_bytes, when set)."""
        head = summary_lines(outcomes, options)
        sections = [] if options.quiet else [details_lines(o, options.max_spikes)
                                             for o in outcomes]
        lines = head + [""] + [ln for s in sections for ln in s]
        text = "\n".join(lines).rstrip("\n") + "\n\n"
        if options.max_bytes is not None and len(text.encode()) > options.max_bytes:
            text = _cut_to_fit(head, sections, options.max_bytes)
        out.write(text)


CUT_NOTE = ("*Cut to fit GitHub's 1 MiB limit for a step summary (over it, none of it "
            "would show): {rows} table rows and {sections} run sections left out. The full "
            "report: `--format markdown` or `--format json`.*")


def _cut_to_fit(head: list[str], sections: list[list[str]], max_bytes: int) -> str:
    """The heading, as many table rows and then run sections as fit in max_bytes with the
    note that says what was left out; "" when not even the heading and note fit."""
    def size(lines: list[str]) -> int:
        return sum(len(ln.encode()) + 1 for ln in lines)

    note_room = len(CUT_NOTE.encode()) + 64
    top, rows = head[:4], head[4:]  # heading, blank line, table header and separator
    room = max_bytes - note_room - size(top) - 2
    kept_rows = 0
    for row in rows:
        if size([row]) > room:
            break
        room -= size([row])
        kept_rows += 1
    kept: list[str] = []
    sections = [s for s in sections if s]
    kept_sections = 0
    if kept_rows == len(rows):
        for s in sections:
            if size(s) > room:
                break
            room -= size(s)
            kept += s
            kept_sections += 1
    if room < 0 or (not kept_rows and rows):
        return ""
    note = CUT_NOTE.format(rows=len(rows) - kept_rows, sections=len(sections) - kept_sections)
    lines = top + rows[:kept_rows] + [""] + kept + [note]
    return "\n".join(lines).rstrip("\n") + "\n\n"
