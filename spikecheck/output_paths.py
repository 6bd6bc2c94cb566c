"""Check --plot and --junit targets before any input is read, so a bad target costs nothing.

An output never overwrites an input (`--junit run.csv` used to replace the log with XML) or
another output: not through another spelling, a symbolic or a hard link, --plot's numbered
names for several runs (x-1.png, x-2.png...), or $GITHUB_STEP_SUMMARY (appended to). A
directory is not a file name, --plot draws PNG only, and a directory that cannot take a new
file is found now rather than after minutes of analysis. Every failure is one line, exit 2.
"""

from __future__ import annotations

import os
import re
import tempfile

PLOT_EXTENSIONS = (".png",)


class OutputPathError(ValueError):
    """An output path that cannot or must not be written (the message is the error line)."""


def check_output_paths(inputs: tuple[str, ...], plot_path: str | None,
                       junit_path: str | None, summary_path: str | None = None) -> None:
    """Raise OutputPathError when --plot or --junit could not be written, or when any
    output (--plot with its numbered names, --junit, the GitHub step summary) would
    replace an input or another output."""
    from spikecheck.render.sanitize import name

    targets = [(opt, p) for opt, p in (("--plot", plot_path), ("--junit", junit_path)) if p]
    for option, path in targets:
        shown = f"{option} {name(path)}"
        if os.path.isdir(path):
            raise OutputPathError(f"{shown} is a directory: give a file name "
                                  f"(e.g. {name(os.path.join(path, _default(option)))})")
        if option == "--plot" and not path.lower().endswith(PLOT_EXTENSIONS):
            raise OutputPathError(f"{shown}: --plot draws PNG images only; give a file name "
                                  "ending in .png")
        clash = _input_named(path, inputs)
        if clash is not None:
            raise OutputPathError(f"{shown} is the input {name(clash)}: writing it would "
                                  "overwrite the log; choose another file")
        _check_writable(shown, path)
    if len(targets) == 2 and _same(plot_path, junit_path):  # type: ignore[arg-type]
        raise OutputPathError("--plot and --junit name the same file")
    if plot_path:
        _check_numbered_plots(plot_path, inputs, junit_path)
    if summary_path:
        _check_summary(summary_path, inputs, plot_path, junit_path)


def numbered_plot_pattern(plot_path: str) -> re.Pattern[str]:
    """The names --plot takes for several runs (x.png -> x-1.png, x-2.png, ...; the rule of
    render.plot.plot_paths), as a pattern on real paths."""
    where = os.path.realpath(os.path.dirname(os.path.abspath(plot_path)))
    stem, ext = os.path.splitext(os.path.join(where, os.path.basename(plot_path)))
    return re.compile(re.escape(stem) + r"-[0-9]+" + re.escape(ext or ".png") + r"\Z")


def _check_numbered_plots(plot_path: str, inputs: tuple[str, ...],
                          junit_path: str | None) -> None:
    """With several runs --plot writes x-1.png, x-2.png...: none of them may be an input
    (under any name: a symbolic or hard link too) or the --junit file."""
    from spikecheck.render.sanitize import name

    family = numbered_plot_pattern(plot_path)
    shown = f"--plot {name(plot_path)}"
    for arg in inputs:
        if arg != "-" and os.path.isfile(arg) and family.match(os.path.realpath(arg)):
            raise OutputPathError(f"{shown} writes one PNG per run, named like the input "
                                  f"{name(arg)}: it could overwrite the log; choose another "
                                  "name")
    if junit_path and family.match(os.path.realpath(junit_path)):
        raise OutputPathError(f"{shown} writes one PNG per run, named like --junit "
                              f"{name(junit_path)}; choose another name")
    parent = os.path.realpath(os.path.dirname(os.path.abspath(plot_path)))
    try:
        siblings = [os.path.join(parent, e) for e in os.listdir(parent)]
    except OSError:
        return
    files = [a for a in inputs if a != "-" and os.path.isfile(a)]
    for sibling in siblings:
        if family.match(sibling) and any(_same_file(sibling, a) for a in files):
            raise OutputPathError(f"{shown} writes one PNG per run: {name(sibling)} is a "
                                  "link to an input and would overwrite the log; choose "
                                  "another name")


def _check_summary(summary: str, inputs: tuple[str, ...], plot_path: str | None,
                   junit_path: str | None) -> None:
    """$GITHUB_STEP_SUMMARY is appended to: never an input, --junit or a --plot file."""
    from spikecheck.render.sanitize import name

    shown = f"GITHUB_STEP_SUMMARY={name(summary)}"
    clash = _input_named(summary, inputs)
    if clash is not None:
        raise OutputPathError(f"{shown} is the input {name(clash)}: appending the summary "
                              "would change the log; unset it or point it elsewhere")
    for option, path in (("--junit", junit_path), ("--plot", plot_path)):
        if path and _same(summary, path):
            raise OutputPathError(f"{shown} is the {option} file: the summary would be "
                                  "appended to it; choose another file")
    if plot_path and numbered_plot_pattern(plot_path).match(os.path.realpath(summary)):
        raise OutputPathError(f"{shown} is named like a --plot file (one PNG per run); "
                              "choose another --plot name")


def _default(option: str) -> str:
    return "spikecheck.png" if option == "--plot" else "spikecheck.xml"


def _same(a: str, b: str) -> bool:
    """Two paths naming one file, whether or not it exists yet (hard links included)."""
    return os.path.realpath(a) == os.path.realpath(b) or _same_file(a, b)


def _same_file(a: str, b: str) -> bool:
    """Both exist and are one file (the same inode: a hard link, a bind mount)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _input_named(path: str, inputs: tuple[str, ...]) -> str | None:
    """The input that `path` would overwrite: an input file itself, or a log file (by its
    name, as a directory walk would take it) under an input directory."""
    target = os.path.realpath(path)
    for arg in inputs:
        if arg == "-":
            continue
        real = os.path.realpath(arg)
        if target == real or (os.path.isfile(real) and _same_file(target, real)):
            return arg
        if os.path.isdir(real) and os.path.isfile(target) and _looks_like_log(target) and \
                target.startswith(real.rstrip(os.sep) + os.sep):
            return target
    return None


LOG_SUFFIXES = (".csv", ".tsv", ".log", ".txt", ".out", ".json", ".jsonl", ".gz")


def _looks_like_log(path: str) -> bool:
    base = os.path.basename(path).lower()
    return base.endswith(LOG_SUFFIXES) or "tfevents" in base


def _check_writable(shown: str, path: str) -> None:
    """The file can be created (or replaced): its directory exists and takes a new file."""
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise OutputPathError(f"cannot write {shown}: no such directory {parent}")
    if os.path.exists(path):
        if not os.access(path, os.W_OK):
            raise OutputPathError(f"cannot write {shown}: the file is not writable")
        return
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(f"cannot write {shown}: cannot create a file in {parent} "
                              "(permission denied)")
    try:  # the real test (read-only file systems, root squash): create and remove a probe
        fd, probe = tempfile.mkstemp(prefix=".spikecheck-probe-", dir=parent)
    except OSError as exc:
        raise OutputPathError(f"cannot write {shown}: cannot create a file in "
                              f"{parent} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)
