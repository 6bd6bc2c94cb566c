"""Check --plot and --junit targets before any input is read, so a bad target costs nothing.

An output never overwrites an input (`--junit run.csv` used to replace the log with XML), a
directory is not a file name, --plot draws PNG only, and a directory that cannot take a new
file is found now rather than after minutes of analysis. Every failure is one line, exit 2.
"""

from __future__ import annotations

import os
import tempfile

PLOT_EXTENSIONS = (".png",)


class OutputPathError(ValueError):
    """An output path that cannot or must not be written (the message is the error line)."""


def check_output_paths(inputs: tuple[str, ...], plot_path: str | None,
                       junit_path: str | None) -> None:
    """Raise OutputPathError when --plot or --junit could not be written or names an input."""
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


def _default(option: str) -> str:
    return "spikecheck.png" if option == "--plot" else "spikecheck.xml"


def _same(a: str, b: str) -> bool:
    """Two paths naming one file, whether or not it exists yet."""
    return os.path.realpath(a) == os.path.realpath(b)


def _input_named(path: str, inputs: tuple[str, ...]) -> str | None:
    """The input that `path` would overwrite: an input file itself, or a log file (by its
    name, as a directory walk would take it) under an input directory."""
    target = os.path.realpath(path)
    for arg in inputs:
        if arg == "-":
            continue
        real = os.path.realpath(arg)
        if target == real:
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
