#!/usr/bin/env python
"""Time every regular expression spikecheck runs over log text on the worst input we can
construct for it, and print seconds per MB (a benchmark, not a test: timings vary).

    python tests/hostile/regex_worst_case.py [--mb 1] [--budget 0.5]

For each expression the candidates are: a run of every character its source names;
its style's example line repeated with no newline; that line with the loss key removed
(anchors that never find their key: the case that made the 4000-character gap cost 4000
steps per anchor); its prefix up to the value; runs of digits, dots and exponents. The
worst candidate of each expression is printed; any over the budget is flagged and the
exit code is 1. Expressions: every text style (with each alternative key), the --list
key/value expressions, line anchors, the Keras epoch header, ANSI stripping, and the CSV
reader's cell expressions.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from spikecheck.readers import chunks  # noqa: E402
from spikecheck.readers import csv as csvr  # noqa: E402
from spikecheck.readers import text as T  # noqa: E402


def candidates(rx: re.Pattern[str], example: str, key: str | None, size: int
               ) -> dict[str, str]:
    def fill(unit: str) -> str:
        return (unit * (size // max(1, len(unit)) + 1))[:size]

    out: dict[str, str] = {}
    chars = sorted({c for c in rx.pattern if c.isprintable()} | set("0123456789 .e-+\t"))
    for c in chars:
        out[f"run of {c!r}"] = fill(c)
    line = example.split("  then  ")[-1]
    out["example, no newline"] = fill(line + " ")
    if key and key in line:
        out["example without its key"] = fill(line.replace(key, "xx") + " ")
        out["prefix up to the key"] = fill(line[: line.index(key)])
        out["anchor + 4000 chars, no key"] = fill(line[: line.index(key)] + "x" * 4000 + " ")
    out["digits"] = fill("1234567890")
    out["digits and dots"] = fill("1.")
    out["exponents"] = fill("1e1")
    out["numbers with spaces"] = fill("1 ")
    out["slashes"] = fill("1/1 ")
    return out


def worst(rx: re.Pattern[str], example: str, key: str | None, size: int
          ) -> tuple[float, str]:
    top = (0.0, "")
    for name, text in candidates(rx, example, key, size).items():
        t = time.perf_counter()
        rx.findall(text)
        dt = time.perf_counter() - t
        if dt > top[0]:
            top = (dt, name)
    return top


def expressions() -> list[tuple[str, re.Pattern[str], str, str | None]]:
    out = []
    for st in T.STYLES:
        for key in dict.fromkeys((st.metric, *st.alt_metrics)):
            out.append((f"style {st.name} [{key}]", T._rx(st, key), st.example, key))
        if st.kv:
            out.append((f"--list kv {st.name}", re.compile(st.kv), st.example, None))
        anchor = re.compile(r"^[^\n]*?(?:" + T._line_anchor(st) + r")[^\n]*", re.MULTILINE)
        out.append((f"--list line {st.name}", anchor, st.example, None))
        if st.header:
            out.append((f"header {st.name}", re.compile(st.header, re.MULTILINE),
                        "Epoch 3/20", None))
    out.append(("ANSI stripping", chunks.ANSI, "\x1b[31mloss\x1b[0m", None))
    for name in ("KV_CELL", "THOUSANDS", "DECIMAL_COMMA", "TENSOR_CELL", "NOT_TRAIN",
                 "WANDB_SUFFIX"):
        rx = getattr(csvr, name)
        out.append((f"csv {name}", rx, "run - train/loss: 1,234.5 tensor(0.5)", None))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0, help="size of each input (MB)")
    ap.add_argument("--budget", type=float, default=0.5, help="flag above this s/MB")
    args = ap.parse_args()
    size = int(args.mb * (1 << 20))
    over = 0
    print(f"{'expression':45s} {'s/MB':>8s}  worst input")
    for name, rx, example, key in expressions():
        dt, which = worst(rx, example, key, size)
        per_mb = dt / args.mb
        flag = "  OVER BUDGET" if per_mb > args.budget else ""
        over += bool(flag)
        print(f"{name:45s} {per_mb:8.3f}  {which}{flag}")
    print(f"{over} expression(s) over {args.budget} s/MB")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
