"""--format github: GitHub Actions workflow commands, one annotation per finding.

    ::error file=runs/a.csv,title=spikecheck%3A epoch-aligned-spikes::runs/a.csv (loss): ...

`::error` for a run that fails --fail-on (or cannot be read), `::warning` for a finding
below it; clean runs print nothing. GitHub shows 10 error and 10 warning annotations a
step and drops the rest without a word (actions/toolkit, docs/problem-matchers.md): past
10 of a level a finding is a plain log line, and one `::notice` says how many were not
annotated. Escaping is the one GitHub documents (the runner's
CommandStringConvert): in the message % -> %25, CR -> %0D, LF -> %0A; in properties also
: -> %3A and , -> %2C. Text from logs is cleaned first, so with newlines encoded no name
can begin a line, and so cannot start a workflow command of its own.
"""

from __future__ import annotations

from typing import TextIO

from spikecheck.render import sanitize
from spikecheck.render.interface import RenderOptions, RunOutcome
from spikecheck.render.words import dropped_sentence, headline, status


def escape_data(s: str) -> str:
    """Escape a workflow command message."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """Escape a workflow command property value (file=, title=)."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: str | None) -> str:
    """One workflow command line: ::level k=v,...::message (properties that are None skipped).

    Both the message and the properties are cleaned of escape sequences and control
    characters except newlines, which the escaping then encodes.
    """
    parts = [f"{k}={escape_property(sanitize.clean(v, keep_newlines=True))}"
             for k, v in props.items() if v]
    head = f"::{level}" + (" " + ",".join(parts) if parts else "")
    return f"{head}::{escape_data(sanitize.clean(message, keep_newlines=True))}"


ANNOTATIONS_PER_LEVEL = 10  # GitHub's limit per step for each of error and warning


def annotation(o: RunOutcome) -> str | None:
    """The annotation for one run, or None for a clean run with nothing to say."""
    st = status(o)
    dropped = dropped_sentence(o.report) if o.report is not None else None
    if st == "pass" and not dropped:
        return None
    level = "error" if st in ("fail", "error") else "warning"
    if o.report is None:
        return command(level, o.error or "unreadable input", file=o.path,
                       title="spikecheck: unreadable input")
    r = o.report
    title = f"spikecheck: {r.verdict}" + (f" ({r.cause})" if r.cause else "")
    msg = f"{r.source} ({r.metric}): {headline(r)}"
    if dropped:
        msg += f"\nwarning: {dropped}"
    if r.diagnosis:
        d = r.diagnosis[0]
        msg += f"\ncause: {d.cause} (confidence {d.confidence:.2f}): {d.evidence}"
        msg += f"\nfix: {d.fix}"
    return command(level, msg, file=o.path, title=title)


class GithubRenderer:
    """Annotations on the pull request and the run page, then a one-line tally."""

    def render(self, outcomes: list[RunOutcome], options: RenderOptions, out: TextIO) -> None:
        """One ::error / ::warning line per finding (10 of each, then plain lines), then a
        plain tally line."""
        shown = {"error": 0, "warning": 0}
        plain = {"error": 0, "warning": 0}
        for o in outcomes:
            line = annotation(o)
            if not line:
                continue
            level = line[2:].split(" ", 1)[0].split(":", 1)[0]
            if shown[level] < ANNOTATIONS_PER_LEVEL:
                shown[level] += 1
                out.write(line + "\n")
                continue
            plain[level] += 1  # the same finding, as a log line GitHub does not drop
            message = line.split("::", 2)[2].replace("%0A", " | ").replace("%0D", " ")
            out.write(f"spikecheck: {level}: {message.replace('%25', '%')}\n")
        if plain["error"] or plain["warning"]:
            out.write(command(
                "notice", f"{plain['error']} failing runs and {plain['warning']} warnings "
                f"beyond the {ANNOTATIONS_PER_LEVEL} of each GitHub annotates in a step are "
                "in this log (spikecheck: error/warning lines) and the job summary",
                title="spikecheck: more findings than annotations") + "\n")
        fails = sum(1 for o in outcomes if o.failed)
        warns = sum(1 for o in outcomes if status(o) == "warn")
        out.write(f"spikecheck: {len(outcomes)} run{'s' if len(outcomes) != 1 else ''}, "
                  f"{fails} failing (--fail-on {options.fail_on}), {warns} with a warning\n")
