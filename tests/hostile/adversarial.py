"""Adversarial generators for the round-two hostile classes: outputs aimed at inputs, names
that carry escapes, links or workflow commands, logs that lose points silently, and text
that makes regular expressions backtrack. Used by tests/test_hostile_*.py and, through
tests/fuzz/targets.py, as seeds of `make fuzz`."""

from __future__ import annotations

import math
import re

import numpy as np

from hostile import badinputs as bad

# --- names: what a run directory, file, tag or column can be called -----------------------

HOSTILE_NAMES = [
    "\x1b]52;c;ZXZpbA==\x07run",  # OSC 52: writes the clipboard of the terminal
    "run\x1b[2J\x1b[H",  # clears the screen
    "run\n::error file=x::owned",  # a GitHub workflow command on its own line
    "\u202erun",  # bidi override (Trojan Source)
    "www.evil.example",  # GitHub autolinks these in markdown...
    "https://evil.example/x",
    "ops@evil.example",
]


def csv_with_column(name: str) -> bytes:
    """A valid CSV whose loss column is called `name` (--metric selects it)."""
    steps, values = bad.loss_curve()
    return bad.csv_bytes(steps, values, header="step," + name.replace("\n", " ")
                         .replace(",", ";"))


# --- silent loss ------------------------------------------------------------------------------


def float_steps_csv(scale: float = 0.5) -> bytes:
    """Steps 0.5, 1.0, 1.5, ...: truncation made pairs of points one step."""
    steps, values = bad.loss_curve()
    return bad.csv_bytes((steps + 1) * scale, values)


def int32_wrap_csv(before_wrap: int = 100) -> tuple[bytes, int]:
    """A step counter that overflows int32 after `before_wrap` points; and the points."""
    steps, values = bad.loss_curve()
    raw = steps + (2**31 - before_wrap)
    return bad.csv_bytes(np.where(raw >= 2**31, raw - 2**32, raw), values), steps.size


def csv_with_long_line(line_bytes: int, at: int = 80) -> bytes:
    """A valid CSV with one line of `line_bytes` junk after row `at` (longer than the
    reader holds: no line end in sight), then the rest of the rows."""
    steps, values = bad.loss_curve()
    head = bad.csv_bytes(steps[:at], values[:at])
    tail = bad.csv_bytes(steps[at:], values[at:]).split(b"\n", 1)[1]
    return head + b"x" * line_bytes + b"\n" + tail


# --- regular expressions ----------------------------------------------------------------------

CATASTROPHIC_PATTERNS = [
    r"(?P<step>a*)*(?P<loss>a*)*$",
    r"^(?P<step>\d+)(\d+)*(?P<loss>\d+)x",
    r"(?P<step>(a|aa)+)+(?P<loss>b)",
]


def catastrophic_log(size: int = 30_000) -> bytes:
    """A few ordinary lines, then one line that makes CATASTROPHIC_PATTERNS backtrack."""
    return ("\n".join(["iter 1: loss 2.0"] * 5 + ["a" * size + "!", "1" * size + "!"])
            + "\n").encode()


def regex_attack_texts(pattern: str, example_line: str, size: int = 1 << 20) -> dict[str, str]:
    """Single lines of `size` characters made to make `pattern` backtrack: runs of each
    character it names, its example line repeated with no newline, number-like runs."""
    def fill(unit: str) -> str:
        return (unit * (size // max(1, len(unit)) + 1))[:size]

    out = {f"run of {c!r}": fill(c)
           for c in sorted({c for c in pattern if c.isprintable()} | set("0123456789 .e-+:/"))}
    out["example, no newline"] = fill(example_line.strip() + " ")
    for unit in ("1-", "1 ", "1.", "1e1", "1/1 ", "1:", "it=1 ", "Epoch 1 1/1 ", "loss: "):
        out[f"repeated {unit!r}"] = fill(unit)
    return out


def suggested_patterns() -> list[tuple[str, str]]:
    """Every --pattern spikecheck suggests: its examples and those it builds from a log's
    own loss line, with the line each applies to (pattern, example line)."""
    from spikecheck.readers import text as T
    from spikecheck.readers.textlines import suggest_pattern

    out = [(T.EXAMPLE_PATTERN, "it=12 loss=2.5"),
           (T.EXAMPLE_EPOCH_PATTERN, "Epoch 1/10 12/100 loss: 2.5")]
    for data in bad.text_style_lines().values():
        text = data.decode("utf-8", errors="replace")
        pattern, _ = suggest_pattern(text)
        if pattern:
            out.append((pattern, text.splitlines()[0]))
    return out


def worst_seconds(pattern: str, example: str, size: int = 1 << 20) -> tuple[float, str]:
    """The slowest attack text for `pattern` (seconds, its name): a benchmark helper."""
    import time

    rx = re.compile(pattern, re.MULTILINE)
    top = (0.0, "")
    for name, text in regex_attack_texts(pattern, example, size).items():
        t = time.perf_counter()
        rx.findall(text)
        top = max(top, (time.perf_counter() - t, name))
    return top


def all_cases() -> dict[str, bytes]:
    """Every generated log above as bytes, for fuzz seeds (small sizes)."""
    cases = {f"column {i}": csv_with_column(n) for i, n in enumerate(HOSTILE_NAMES)}
    cases["float steps"] = float_steps_csv()
    cases["int32 wrap"] = int32_wrap_csv()[0]
    cases["long line"] = csv_with_long_line(4096)
    cases["catastrophic text"] = catastrophic_log(2000)
    cases["nan loss"] = bad.csv_bytes([1, 2, 3], [math.nan, 1.0, 2.0])
    return cases
