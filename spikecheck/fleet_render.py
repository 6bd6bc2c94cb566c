"""A fleet's report rendered run by run where each run was analysed, put together in order.

The terminal report of a run (its verdict line, spikes, chart and diagnosis through rich)
costs about as much CPU as reading and analysing a small run, so with --jobs the workers
render their own runs' parts in parallel and the parent only joins them and adds the
summary table: the same text `TerminalRenderer.render` prints for all the runs at once
(tests/test_fleet.py checks that they are equal). --format jsonl lines are rendered the
same way. A part a worker could not render is rendered by the parent, and a run it cannot
render either becomes an error, as a run does in any report.
"""

from __future__ import annotations

from typing import TextIO

PER_RUN = ("terminal", "jsonl")  # formats whose report is its runs' parts, in order


def part(fmt: str, outcome, options, like: TextIO | None) -> str:
    """One run's part of the `fmt` report, rendered for a stream like `like`."""
    if fmt == "jsonl":
        from spikecheck.render.jsonl import line

        return line(outcome)
    from spikecheck.cli import _Deferred
    from spikecheck.render.terminal import TerminalRenderer

    out = _Deferred(like)
    TerminalRenderer().render([outcome], options, out)
    return out.text()


def part_or_none(fmt: str, outcome, options, like: TextIO | None) -> str | None:
    """part(), or None when it cannot be rendered: the parent renders it again, and makes
    the run an error if it fails there too."""
    try:
        return part(fmt, outcome, options, like)
    except Exception:  # noqa: BLE001 - rendered again, and isolated, by the parent
        return None


def terminal_report(parts: list[str], outcomes: list, options, like: TextIO | None) -> str:
    """What TerminalRenderer.render prints for `outcomes`, from each one's part: the parts
    a blank line apart (no blank line with quiet), then the summary table."""
    from spikecheck.cli import _Deferred
    from spikecheck.render.terminal import make_console, summary_table

    text = ("" if options.quiet else "\n").join(parts)
    if len(outcomes) > 1 and not options.quiet:
        out = _Deferred(like)
        console = make_console(out, options)
        unicode = console.encoding.lower().replace("-", "").startswith("utf")
        console.print()
        console.print(summary_table(outcomes, unicode, console.width))
        text += out.text()
    return text
