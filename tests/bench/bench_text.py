"""Benchmark the text reader against a plain `re.finditer` scan and `grep -c`, same file.

`run(sizes)` generates a nanoGPT-style log of each size (in lines, with a warning line
every 50 lines as real logs have) and times three ways of getting its losses:
  - spikecheck: TextReader sniff + read, end to end to a normalized LossSeries;
  - re.finditer: read the file, one regex match object per line, int()/float() per match
    into lists (the plain Python way; it holds the whole file in memory);
  - grep -c: counting matching lines only (a floor: no parsing at all).
Run `python tests/bench/bench_text.py [lines ...]` to print the table and the ratios.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAIN = re.compile(r"iter (\d+): loss ([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")


def make_log(path: Path, lines: int, seed: int = 0) -> None:
    """A nanoGPT-style log with a warning line every 50 lines."""
    rnd = random.Random(seed)
    with open(path, "w") as f:
        buf = []
        for i in range(lines):
            if i % 50 == 49:
                buf.append("UserWarning: torch.cuda.amp.GradScaler is deprecated\n")
            else:
                buf.append(f"iter {i}: loss {2 + rnd.random():.4f}, time {300 + rnd.random():.2f}ms"
                           f", mfu {30 + rnd.random():.2f}%\n")
            if len(buf) >= 100_000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))


def time_spikecheck(path: Path) -> tuple[float, int]:
    from spikecheck.readers.interface import InputSource, ReadOptions
    from spikecheck.readers.text import TextReader

    t = time.perf_counter()
    src = InputSource.from_arg(str(path))
    reader = TextReader()
    reader.sniff(src)
    (s,) = reader.read(src, ReadOptions())
    return time.perf_counter() - t, len(s)


def time_finditer(path: Path) -> tuple[float, int]:
    t = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        data = f.read()
    steps, losses = [], []
    for m in PLAIN.finditer(data):
        steps.append(int(m.group(1)))
        losses.append(float(m.group(2)))
    return time.perf_counter() - t, len(steps)


def time_grep(path: Path) -> tuple[float, int] | None:
    if shutil.which("grep") is None:
        return None
    t = time.perf_counter()
    out = subprocess.run(["grep", "-c", "loss", str(path)], capture_output=True, text=True)
    return time.perf_counter() - t, int(out.stdout.strip() or 0)


def run(sizes: list[int]) -> list[dict]:
    """One row per size: seconds and points for each method, and the ratios."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"train-{n}.log"
            make_log(path, n)
            mb = os.path.getsize(path) / 1e6
            sc, sc_n = min((time_spikecheck(path) for _ in range(2)), key=lambda r: r[0])
            fi, fi_n = min((time_finditer(path) for _ in range(2)), key=lambda r: r[0])
            gr = time_grep(path)
            assert sc_n == fi_n, (sc_n, fi_n)
            rows.append({
                "lines": n, "mb": round(mb, 1), "points": sc_n,
                "spikecheck_s": round(sc, 3), "finditer_s": round(fi, 3),
                "grep_s": None if gr is None else round(gr[0], 3),
                "spikecheck_mb_s": round(mb / sc, 1),
                "spikecheck_vs_finditer": round(fi / sc, 2),
                "spikecheck_vs_grep": None if gr is None else round(gr[0] / sc, 3),
            })
            path.unlink()
    return rows


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [100_000, 1_000_000]
    rows = run(sizes)
    print(f"{'lines':>10} {'MB':>7} {'spikecheck s':>13} {'finditer s':>11} {'grep -c s':>10} "
          f"{'MB/s':>7} {'x finditer':>11} {'x grep':>8}")
    for r in rows:
        print(f"{r['lines']:>10} {r['mb']:>7} {r['spikecheck_s']:>13} {r['finditer_s']:>11} "
              f"{r['grep_s']!s:>10} {r['spikecheck_mb_s']:>7} "
              f"{r['spikecheck_vs_finditer']:>11} {r['spikecheck_vs_grep']!s:>8}")
    print("x finditer > 1: spikecheck is faster than the plain re.finditer scan")
    return 0 if all(r["spikecheck_vs_finditer"] >= 1 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
