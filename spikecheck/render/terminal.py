"""The rich terminal report: verdict first, then geometry, evidence, and the fix.

Every string that came from a log (file, tag and column names) goes into rich `Text`
objects, never into markup, so a tag named "[bold red]x" prints literally.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spikecheck.render.interface import RenderOptions, RunOutcome
from spikecheck.report import Report

VERDICT_STYLE = {
    "epoch-aligned-spikes": "bold red",
    "periodic-not-epoch": "bold yellow",
    "spikes-not-epoch-aligned": "bold yellow",
    "clean": "bold green",
}
VERDICT_WORDS = {
    "epoch-aligned-spikes": "loss spikes recur at epoch boundaries",
    "periodic-not-epoch": "anomalies recur, but not with the epoch",
    "spikes-not-epoch-aligned": "isolated spikes, not tied to the epoch",
    "clean": "no epoch-aligned spikes",
}


def safe(s: str) -> str:
    """Drop control characters (terminal escape sequences) from untrusted text."""
    return "".join(ch if ch.isprintable() else "?" for ch in s)


def verdict_line(o: RunOutcome) -> Text:
    """The one line a person reads first."""
    if o.report is None:
        return Text.assemble(("error", "bold red"), "  ", safe(o.error or ""))
    r = o.report
    t = Text.assemble((r.verdict, VERDICT_STYLE[r.verdict]), "  ")
    t.append(VERDICT_WORDS[r.verdict])
    if r.cause:
        t.append(" — cause: ")
        t.append(r.cause, style="bold")
    t.append(f"  ({safe(r.source)}: {safe(r.metric)})", style="dim")
    return t


def geometry_text(r: Report) -> Text:
    g = r.geometry
    t = Text()
    if g.known:
        t.append(f"{g.steps_per_epoch:g} steps per epoch", style="bold")
        t.append(f" (from {g.source.replace('-', ' ')})")
        if g.final_batch is not None and g.batch_size:
            t.append(f"; final batch {g.final_batch} of {g.batch_size} samples")
        if g.final_window is not None and g.grad_accum > 1:
            t.append(f"; final accumulation window {g.final_window} of {g.grad_accum}")
        t.append(f"; {g.boundaries.size} epoch boundaries in steps {r.first_step}–{r.last_step}")
    else:
        t.append("epochs unknown", style="bold")
        t.append(" (pass --dataset-size and --batch-size, or --steps-per-epoch)")
    if g.log_every > 1:
        t.append(f"; logged every {g.log_every} steps")
    t.append(f"; {r.points} points")
    return t


def evidence(r: Report) -> Group:
    parts = []
    a = r.alignment
    if a.boundaries:
        line = Text(f"spikes at {a.boundaries_with_spike} of {a.boundaries} epoch boundaries; "
                    f"{a.events_on_boundary} of {a.events} anomalies on a boundary")
        if a.chance_probability is not None and a.events_on_boundary >= 2:
            line.append(f"; chance of that by luck: {a.chance_probability:.1e}")
        if a.folded_probability is not None:
            line.append(f"; folded over all epochs: p={a.folded_probability:.1e} at offset "
                        f"{a.folded_offset}")
        parts.append(line)
    if r.period.steps is not None:
        pt = Text(f"recurrence period found in the data: {r.period.steps:.1f} steps "
                  f"({r.period.method}, strength {r.period.strength:.2f})")
        if r.period.implied_dataset_sizes:
            lo, hi = r.period.implied_dataset_sizes
            pt.append(f"; implies a dataset of {lo}–{hi} samples")
        parts.append(pt)
    if r.alignment.profile:
        parts.append(profile_chart(r))
    if r.spikes:
        parts.append(spike_table(r))
    return Group(*parts)


def profile_chart(r: Report) -> Table:
    """The folded epoch profile around the boundary as a row of bars."""
    prof = r.alignment.profile
    table = Table(title="loss around the epoch boundary, folded over all epochs",
                  title_justify="left", box=None, pad_edge=False, show_header=True)
    table.add_column("offset", justify="right")
    table.add_column("× baseline", justify="right")
    table.add_column("", justify="left")
    peak = max((abs(p.ratio - 1) for p in prof), default=0) or 1
    for p in prof:
        width = int(round(20 * abs(p.ratio - 1) / peak))
        bar = ("█" * width) if p.ratio >= 1 else ("░" * width)
        style = "red" if abs(p.mean_z) >= 3 else ""
        label = f"{p.offset:+d}" + (" ← final step" if p.offset == -1 else
                                    " ← epoch start" if p.offset == 0 else "")
        table.add_row(label, f"{p.ratio:.3g}", Text(bar, style=style))
    return table


def spike_table(r: Report, limit: int = 10) -> Table:
    spikes = sorted(r.spikes, key=lambda s: -abs(s.z))[:limit]
    spikes.sort(key=lambda s: s.peak_step)
    title = f"largest {len(spikes)} of {len(r.spikes)} anomalies" if len(r.spikes) > limit \
        else f"{len(r.spikes)} anomalies"
    table = Table(title=title, title_justify="left")
    table.add_column("step", justify="right")
    table.add_column("epoch", justify="right")
    table.add_column("offset", justify="right")
    table.add_column("height", justify="right")
    table.add_column("z", justify="right")
    for s in spikes:
        table.add_row(
            str(s.peak_step), "" if s.epoch is None else str(s.epoch),
            "" if s.offset is None else f"{s.offset:+d}",
            f"{s.height:.3g}x", f"{s.z:.1f}",
            style="red" if s.aligned else None,
        )
    return table


def diagnosis_text(r: Report) -> Group:
    parts = []
    for i, d in enumerate(r.diagnosis):
        head = Text.assemble(("cause: " if i == 0 else "also possible: ", "bold"),
                             (d.cause, "bold magenta" if i == 0 else "magenta"),
                             f"  (confidence {d.confidence:.2f})")
        parts.append(head)
        parts.append(Text("  evidence: ") + Text(safe(d.evidence)))
        if i == 0:
            parts.append(Text("  fix: ", style="bold green") + Text(d.fix))
    return Group(*parts)


class TerminalRenderer:
    """Human-readable report; plain text when not a terminal or NO_COLOR is set."""

    def render(self, outcomes: list[RunOutcome], options: RenderOptions, out: TextIO) -> None:
        console = Console(file=out, width=options.width, no_color=options.color is False,
                          highlight=False, emoji=False)
        for o in outcomes:
            console.print(verdict_line(o))
            if options.quiet or o.report is None:
                continue
            r = o.report
            body = [geometry_text(r)]
            for w in r.warnings:
                body.append(Text("note: ", style="yellow") + Text(safe(w)))
            body.append(evidence(r))
            if r.diagnosis:
                body.append(diagnosis_text(r))
            console.print(Panel(Group(*body), title=Text(safe(r.source)), title_align="left",
                                expand=True))
        if len(outcomes) > 1 and not options.quiet:
            console.print(summary_table(outcomes))


def summary_table(outcomes: list[RunOutcome]) -> Table:
    table = Table(title="summary", title_justify="left")
    for col in ("run", "metric", "points", "verdict", "cause"):
        table.add_column(col)
    for o in outcomes:
        if o.report is None:
            table.add_row(Text(safe(o.name)), "", "", Text("error", style="bold red"),
                          Text(safe(o.error or "")))
            continue
        r = o.report
        table.add_row(Text(safe(r.source)), Text(safe(r.metric)), str(r.points),
                      Text(r.verdict, style=VERDICT_STYLE[r.verdict]), r.cause or "")
    return table
