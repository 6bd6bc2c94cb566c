"""Pasted-log evaluation: every excerpt of tests/pasted_logs.py written to a file and read
with no flags, as `spikecheck paste.log` would; per excerpt pass/fail and what went wrong,
and a score per half.

    python tests/pasted_eval.py            # both halves: dev, test
    python tests/pasted_eval.py dev -v     # one half, with the reader's notes on failures

An excerpt passes when it reads as one series with the expected number of points, its
first and last value as printed, the epochs it shows (when 2 or more), no value of a line
that is not training loss, and the per-epoch mark when it has one line per epoch. An
excerpt with no training loss (`points` 0) passes when it stops with ReadError. A log
that cannot be read must stop with ReadError (exit 2), never another exception: that is
counted apart (`crash`).

Scores (before: the base commit's reader, ffc60b8; round 2 was appended later and run
first on the round-1 fixes, with the same result as on the base). The excerpts were later
re-typed (tests/retype.py: new digits, shifted timestamps, neutral names and prose, the
format kept); every figure below, and each excerpt's pass or fail, stayed the same:

    round 1 (50)     before: dev 23/25  test 22/25    after: dev 25/25  test 22/25
    round 2 (14)     before: dev 6/7    test 7/7      after: dev 6/7    test 7/7
    all (64)         before: dev 29/32  test 29/32    after: dev 31/32  test 29/32  (0 crashes)

    python tests/pasted_eval.py --noise    # the clean reads again under console noise

    before: dev (27 clean) ansi 27, crlf 27, rank 26, srun 26, docker 26, warning 27,
            wrapped-80 21; test (29 clean) 29 under each, wrapped-80 25
    after:  dev (29 clean) 29 under each; test (29 clean) 29 under each, wrapped-80 27
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spikecheck.readers import ReadOptions  # noqa: E402
from spikecheck.readers.interface import ReadError  # noqa: E402
from spikecheck.readers.registry import read_input  # noqa: E402
from tests import pasted_logs  # noqa: E402
from tests.pasted_logs import PastedLog  # noqa: E402

SETS: dict[str, tuple[PastedLog, ...]] = {"dev": pasted_logs.DEV, "test": pasted_logs.TEST}


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)[:60] + ".log"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def check_pasted(entry: PastedLog, workdir: Path) -> tuple[str, str, list[str]]:
    """('pass' | 'fail' | 'crash', what went wrong, the reader's notes) for one excerpt."""
    path = workdir / _slug(entry.name)
    path.write_text(entry.text, encoding="utf-8")
    try:
        series = read_input(str(path), ReadOptions())
    except ReadError as exc:
        if entry.points == 0:
            return "pass", "", []
        return "fail", f"not read (exit 2): {str(exc)[:200]}", []
    except Exception as exc:  # noqa: BLE001 - anything but ReadError is a crash here
        return "crash", f"{type(exc).__name__}: {str(exc)[:200]}", []
    if len(series) != 1:
        return "fail", f"{len(series)} series, not 1", []
    (s,) = series
    if entry.points == 0:
        return "fail", f"read {len(s.values)} points (metric {s.metric!r}) from a log with " \
                       "no training loss: it must stop with exit 2", []
    notes = [str(getattr(n, "code", n)) for n in s.notes]
    values = s.values.tolist()
    if len(values) != entry.points:
        head = f" (first {values[0]!r}, last {values[-1]!r})" if values else ""
        return "fail", f"{len(values)} points, want {entry.points}{head} " \
                       f"(metric {s.metric!r})", notes
    if not _close(values[0], entry.first) or not _close(values[-1], entry.last):
        return "fail", (f"first/last {values[0]!r}/{values[-1]!r}, want "
                        f"{entry.first!r}/{entry.last!r} (metric {s.metric!r})"), notes
    wrong = [v for v in entry.not_loss if any(_close(x, v) for x in values)]
    if wrong:
        return "fail", f"read values of lines that are not training loss: {wrong}", notes
    if entry.epochs is not None and entry.epochs > 1:
        if s.epochs is None:
            return "fail", f"epochs: none read, want {entry.epochs}", notes
        got = len(set(np.asarray(s.epochs)[np.isfinite(s.epochs)].tolist()))
        if got != entry.epochs:
            return "fail", f"epochs: {got} read, want {entry.epochs}", notes
    if entry.per_epoch and not s.per_epoch:
        return "fail", "per-epoch log not marked per-epoch", notes
    return "pass", "", notes


def _ansi(text: str) -> str:
    """Colour as rich/loguru/mmengine consoles do: the first word green, numbers bold."""
    out = []
    for line in text.split("\n"):
        head, sep, rest = line.partition(" ")
        out.append(f"\x1b[32m{head}\x1b[0m{sep}{rest}" if head else line)
    return "\n".join(out)


_WARNING = ("/opt/conda/lib/python3.10/site-packages/torch/optim/lr_scheduler.py:139: "
            "UserWarning: Detected call of `lr_scheduler.step()` before `optimizer.step()`.\n"
            "  warnings.warn(\"Detected call of `lr_scheduler.step()` before\")")


def _interleave_warning(text: str) -> str:
    lines = text.split("\n")
    mid = len(lines) // 2
    return "\n".join(lines[:mid] + _WARNING.split("\n") + lines[mid:])


def _wrap80(text: str) -> str:
    """A terminal copy of long lines: hard breaks every 80 columns."""
    out = []
    for line in text.split("\n"):
        while len(line) > 80:
            out.append(line[:80])
            line = line[80:]
        out.append(line)
    return "\n".join(out)


def _prefix(p: str):
    return lambda text: "\n".join(p + line for line in text.split("\n"))


# Console noise real logs carry and rendered pastes lose; the ground truth is unchanged.
NOISES = {
    "ansi-colour": _ansi,
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "rank-prefix": _prefix("[rank0]: "),
    "srun-prefix": _prefix("0: "),
    "docker-timestamps": _prefix("2024-03-01T10:00:00.123456789Z "),
    "warning-inside": _interleave_warning,
    "wrapped-80": _wrap80,
}


def run_noise(names: list[str], verbose: bool = False) -> dict[str, dict[str, int]]:
    """Each excerpt that reads clean, read again under each noise: passes per noise."""
    from dataclasses import replace

    table: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            clean = [e for e in SETS[name] if e.points and
                     check_pasted(e, Path(tmp))[0] == "pass"]
            row = {}
            for noise, fn in NOISES.items():
                ok = 0
                for e in clean:
                    result, why, _ = check_pasted(replace(e, text=fn(e.text)), Path(tmp))
                    ok += result == "pass"
                    if verbose and result != "pass":
                        print(f"  {noise:18s} {result.upper():5s} {e.name}: {why}")
                row[noise] = ok
            table[name] = row
            print(f"{name} noise ({len(clean)} excerpts that read clean): "
                  + "  ".join(f"{k} {v}" for k, v in row.items()))
    return table


def run(names: list[str], verbose: bool = False) -> dict[str, tuple[int, int, int]]:
    """Print every excerpt's result and each half's score: (passed, total, crashes)."""
    scores: dict[str, tuple[int, int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            entries = SETS[name]
            passed = crashed = 0
            print(f"== {name} ({len(entries)} pasted logs)")
            for entry in entries:
                result, why, notes = check_pasted(entry, Path(tmp))
                passed += result == "pass"
                crashed += result == "crash"
                tag = {"pass": "PASS", "fail": "FAIL", "crash": "CRASH"}[result]
                print(f"  {tag:5s} {entry.name}" + ("" if result == "pass" else f": {why}"))
                if verbose and result != "pass" and notes:
                    print("        notes: " + ", ".join(notes))
            scores[name] = (passed, len(entries), crashed)
    for name, (p, n, c) in scores.items():
        print(f"{name} {p}/{n}" + (f" ({c} crashes)" if c else ""))
    return scores


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    if "--noise" in sys.argv:
        run_noise(args or list(SETS), verbose="-v" in sys.argv)
    else:
        run(args or list(SETS), verbose="-v" in sys.argv)
