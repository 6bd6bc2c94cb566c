"""The terminal report: the verdict in one line, then geometry, evidence and the fix.

Layout, top to bottom: verdict line (the only line with --quiet); one sentence of key
evidence; geometry (steps per epoch and where that came from, the final batch); evidence
(the whole loss curve with boundaries and spikes marked, the folded epoch profile, the
largest spike events); diagnosis (cause, evidence, fix). Several runs end with a summary
table. It fits 80 columns and uses more when the terminal has them.

Every string from a log (file, tag and column names, and engine sentences quoting them)
is cleaned by sanitize and placed in rich Text objects, never parsed as markup, so a
column named "[bold red]x[/]" prints literally. With NO_COLOR, TERM=dumb or a pipe the
console has no colour system and writes plain text without a single escape code.
"""

from __future__ import annotations

from typing import TextIO

from rich import box
from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from spikecheck.render import sanitize
from spikecheck.render.charts import Glyphs, curve_chart, profile_chart
from spikecheck.render.interface import RenderOptions, RunOutcome
from spikecheck.render.words import (
    INCONCLUSIVE_ADVICE,
    VERDICT_WORDS,
    common_dir,
    dropped_sentence,
    fmt_num,
    geometry_lines,
    headline,
    notes,
    status,
)
from spikecheck.report import Report

MAX_WIDTH = 120
MIN_WIDTH = 60  # COLUMNS=0 (or 1) gave an empty (or one-letter-wide) report

STATUS_STYLE = {"fail": "bold red", "warn": "bold yellow", "pass": "bold green",
                "error": "bold red"}
MARK = {"fail": ("✗", "bold red"), "warn": ("!", "bold yellow"), "pass": ("✓", "bold green"),
        "error": ("✗", "bold red")}  # the summary table's status marks
SEVERITY = {"error": 0, "fail": 1, "warn": 2, "pass": 3}  # summary table order
ASCII_MARK = {"fail": "X", "warn": "!", "pass": "+", "error": "X"}


def make_console(out: TextIO, options: RenderOptions) -> Console:
    """A console on `out`: plain when options.color is False, width capped for reading."""
    kwargs: dict = {"file": out, "highlight": False, "emoji": False, "markup": False,
                    "soft_wrap": False}
    if options.color is False:
        kwargs["color_system"] = None
    elif options.color is True:
        kwargs["force_terminal"] = True
    console = Console(**kwargs)
    width = options.width or max(MIN_WIDTH, min(console.width, MAX_WIDTH))
    console.width = width
    return console


def verdict_line(o: RunOutcome, width: int = 80, unicode: bool = True) -> Text:
    """Verdict, cause and run on one line that fits `width` (the name is shortened).

    The verdict id comes first, literally, so `spikecheck -q run.csv | cut -d' ' -f1`
    works; colour (red fails --fail-on, yellow a finding below it) is only decoration.
    """
    st = status(o)
    if o.report is None:
        line = Text("error", "bold red")
        line.append(": ")
        line.append(sanitize.clean(o.error or "unreadable input"))
        line.truncate(width, overflow="ellipsis")
        return line
    r = o.report
    line = Text(r.verdict, STATUS_STYLE[st])
    if r.cause:
        line.append(" · " if unicode else " - ")
        line.append(r.cause, "bold")
    name = f"{sanitize.name(r.source)} ({sanitize.name(r.metric)})"
    room = width - line.cell_len - 2
    if room >= 8:
        if len(name) > room:
            name = ("…" if unicode else "~") + name[-(room - 1):]
        line.append("  ")
        line.append(name, "dim")
    line.truncate(width, overflow="ellipsis")
    return line


def _section(title: str, unicode: bool) -> Rule:
    return Rule(Text(title, "bold"), align="left", characters="─" if unicode else "-",
                style="dim")


def _pairs(rows: list[tuple[str, Text | str]]) -> Table:
    """Label: text rows with a hanging indent, so wrapped lines stay readable."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, text in rows:
        grid.add_row(Text(label), text if isinstance(text, Text) else Text(text))
    return grid


def report_body(o: RunOutcome, width: int, glyphs: Glyphs,
                max_spikes: int = 6) -> list[RenderableType]:
    """Everything under the verdict line for one run."""
    if o.report is None:
        return []
    r = o.report
    parts: list[RenderableType] = []
    dropped = dropped_sentence(r)
    if dropped:
        parts.append(Padding(Text("! " + sanitize.clean(dropped), "bold yellow"), (0, 0, 0, 2)))
    parts.append(Padding(Text(headline(r)), (0, 0, 0, 2)))
    parts.append(_section("geometry", glyphs.unicode))
    rows: list[tuple[str, Text | str]] = [(k, v) for k, v in geometry_lines(r)]
    rows += [("note", Text(n, "yellow")) for n in notes(r)]
    parts.append(_pairs(rows))

    parts.append(_section("evidence", glyphs.unicode))
    if o.curve is not None and o.curve.values.size >= 2:
        parts.extend(curve_chart(r, o.curve, width, glyphs=glyphs))
    a = r.alignment
    if a.boundaries and a.events:
        s = (f"{a.boundaries_with_spike} of {a.boundaries} epoch boundaries have an anomaly; "
             f"{a.events_on_boundary} of {a.events} anomalies sit on a boundary")
        parts.append(Text(s))
    elif a.boundaries:
        parts.append(Text(f"no single anomaly stands out at the {a.boundaries} epoch "
                          "boundaries; the folded profile below compares them all at once"))
    if a.profile:
        n = max(p.epochs for p in a.profile)
        parts.append(Text(""))
        parts.append(Text(f"loss around the epoch start, folded over {n} epochs "
                          "(x the usual loss)", "bold"))
        parts.extend(profile_chart(r, width, glyphs=glyphs))
        parts.append(Text("offset: steps from the epoch start; -1 is the last step of an "
                          "epoch, +0 the first of the next", "dim"))
    if r.spikes:
        parts.append(Text(""))
        parts.append(spike_table(r, max_spikes, glyphs))
        rest = len(r.spikes) - min(len(r.spikes), max_spikes)
        if rest:
            on_b = sum(1 for s in r.spikes if s.aligned)
            tail = f"… and {rest} more" if glyphs.unicode else f"... and {rest} more"
            if r.geometry.known:
                tail += f" ({on_b} of all {len(r.spikes)} on an epoch boundary)"
            parts.append(Text(tail, "dim"))
    else:
        parts.append(Text("no spike events found"))

    parts.append(_section("diagnosis", glyphs.unicode))
    parts.append(diagnosis_table(r))
    return parts


def spike_table(r: Report, limit: int, glyphs: Glyphs) -> Table:
    """The largest `limit` events by |z|, in step order."""
    spikes = sorted(r.spikes, key=lambda s: -abs(s.z))[:limit]
    spikes.sort(key=lambda s: s.peak_step)
    known = r.geometry.known
    title = (f"largest {len(spikes)} of {len(r.spikes)} spike events" if len(r.spikes) > limit
             else f"{len(r.spikes)} spike event{'s' if len(r.spikes) != 1 else ''}")
    table = Table(title=Text(title, "bold"), title_justify="left",
                  box=box.SIMPLE_HEAD if glyphs.unicode else box.ASCII2, pad_edge=False,
                  show_edge=False)
    table.add_column("step", justify="right")
    if known:
        table.add_column("epoch", justify="right")
        table.add_column("offset", justify="right")
    table.add_column("loss", justify="right")
    table.add_column("x usual", justify="right")
    table.add_column("z", justify="right")
    if known:
        table.add_column("on boundary")
    for s in spikes:
        row = [str(s.peak_step)]
        if known:
            row += ["" if s.epoch is None else str(s.epoch),
                    "" if s.offset is None else f"{s.offset:+d}"]
        row += [fmt_num(s.peak_value), fmt_num(s.height), f"{s.z:.1f}"]
        if known:
            row.append("yes" if s.aligned else "")
        table.add_row(*row, style="red" if s.aligned else None)
    return table


def diagnosis_table(r: Report) -> Table:
    """Cause, its evidence and its fix; the alternatives after, one line each."""
    if r.verdict == "inconclusive":
        return _pairs([("verdict", f"{r.verdict}: {VERDICT_WORDS[r.verdict]}"),
                       ("why", sanitize.clean(r.inconclusive_detail or "")),
                       ("next", Text(INCONCLUSIVE_ADVICE.get(r.inconclusive or "", ""),
                                     "green"))])
    if not r.diagnosis:
        return _pairs([("verdict", f"{r.verdict}: {VERDICT_WORDS[r.verdict]}; nothing to fix")])
    d = r.diagnosis[0]
    rows: list[tuple[str, Text | str]] = [
        ("cause", Text.assemble((d.cause, "bold magenta"), f" (confidence {d.confidence:.2f})")),
        ("evidence", sanitize.clean(d.evidence)),
        ("fix", Text(sanitize.clean(d.fix), "green")),
    ]
    for alt in r.diagnosis[1:]:
        rows.append(("also", Text.assemble((alt.cause, "magenta"),
                                           f" ({alt.confidence:.2f}): ",
                                           sanitize.clean(alt.evidence))))
    return _pairs(rows)


def summary_table(outcomes: list[RunOutcome], unicode: bool = True, width: int = 80) -> Table:
    """One row per run, worst first (error, failing, warning, passing; then in run order):
    run, metric, points, verdict, cause; names relative to a shared dir.

    Under 110 columns the cause goes under the verdict in the same cell, leaving the run
    name room to be read.
    """
    outcomes = sorted(outcomes, key=lambda o: SEVERITY[status(o)])  # stable: run order kept
    names = [o.report.source if o.report else o.name for o in outcomes]
    prefix = common_dir(names)
    if outcomes and all(o.run for o in outcomes):  # runs found in one directory: their names
        names, prefix = [o.run or "" for o in outcomes], ""
    fails = sum(1 for o in outcomes if o.failed)
    title = f"{len(outcomes)} runs, {fails} failing"
    if prefix:
        title += f", in {sanitize.name(prefix)}"
    wide = width >= 110
    table = Table(title=Text(title, "bold"), title_justify="left",
                  box=box.SIMPLE_HEAD if unicode else box.ASCII2, pad_edge=False,
                  show_edge=False, padding=(0, 1, 0, 0))
    table.add_column("run", overflow="fold")
    table.add_column("metric", overflow="fold", max_width=16)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("verdict" if wide else "verdict / cause", no_wrap=True)
    if wide:
        table.add_column("cause", no_wrap=True)
    for o, n in zip(outcomes, names):
        st = status(o)
        mark = (MARK[st][0] if unicode else ASCII_MARK[st]) + " "
        short = sanitize.name(n[len(prefix):] if prefix and n.startswith(prefix) else n)
        run = Text(short)
        if o.report is None:
            verdict = Text(mark + "error", "bold red")
            cause = Text(sanitize.clean(o.error or ""), "red")
            if wide:
                table.add_row(run, "", "", verdict, cause)
            else:
                run.append("\n")
                run.append(cause)
                table.add_row(run, "", "", verdict)
            continue
        r = o.report
        verdict = Text(mark + r.verdict, STATUS_STYLE[st])
        cause = Text(r.cause or "")
        if wide:
            table.add_row(run, Text(sanitize.name(r.metric)), str(r.points), verdict, cause)
        else:
            if r.cause:
                verdict.append("\n  ")
                verdict.append(cause)
            table.add_row(run, Text(sanitize.name(r.metric)), str(r.points), verdict)
    return table


class TerminalRenderer:
    """The human-readable report; plain text when not a terminal or NO_COLOR is set."""

    def render(self, outcomes: list[RunOutcome], options: RenderOptions, out: TextIO) -> None:
        """Print each run's report (or only its verdict line with quiet), then a summary."""
        console = make_console(out, options)
        width = console.width
        unicode = console.encoding.lower().replace("-", "").startswith("utf")
        glyphs = Glyphs(unicode)
        for i, o in enumerate(outcomes):
            if i and not options.quiet:
                console.print()
            console.print(verdict_line(o, width, unicode), crop=True, overflow="ellipsis")
            if options.quiet:
                continue
            for part in report_body(o, width, glyphs, options.max_spikes):
                console.print(part, crop=True)
        if len(outcomes) > 1 and not options.quiet:
            console.print()
            console.print(summary_table(outcomes, unicode, width))
