"""Engine micro benchmark: numpy arrays in, Report out, timed in-process.

Times normalize() and analyze() on N points (with the epoch geometry, and with period
discovery), and for comparison the in-process read of the same-sized CSV and text logs.
`--profile` prints where analyze() spends its time (cProfile, top functions).

    python tests/bench/engine_bench.py --steps 10M --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate as gen  # noqa: E402


def _timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(round(time.perf_counter() - t0, 4))
    return times, result


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _pandas_arrow(path: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(path, engine="pyarrow"))


def _finditer_scan(path: Path) -> int:
    """What run.py's REGEX anchor does, in-process."""
    import re

    with open(path) as f:
        text = f.read()
    steps, losses = [], []
    for m in re.finditer(r"^iter (\d+): loss ([-+.\deE]+)", text, re.M):
        steps.append(int(m[1]))
        losses.append(float(m[2]))
    return len(steps)


ANCHORS = {"csv": ("pandas.read_csv(pyarrow)", _pandas_arrow),
           "text": ("re.finditer scan", _finditer_scan)}


def run(n: int, runs: int = 3, reads: bool = True) -> list[dict]:
    """Rows {tool, input, runs, times_s, median_s, peak_mb, note} for n points.

    peak_mb is this process's peak RSS so far (it only grows from row to row).
    """
    from spikecheck.engine import analyze
    from spikecheck.geometry import GeometryInputs
    from spikecheck.series import normalize

    rows = []

    def row(tool, inp, times, note=""):
        rows.append({"tool": tool, "input": inp, "runs": len(times), "times_s": times,
                     "median_s": statistics.median(times), "peak_mb": _peak_mb(),
                     "note": note})

    if reads:  # first, while the process is fresh: the read is compared with the analysis
        from spikecheck.readers import ReadOptions
        from spikecheck.readers.registry import available, read_input

        for kind in ("csv", "text"):
            if kind not in available():
                continue
            read_input(str(gen.ensure(kind, 100_000)), ReadOptions())  # imports, not timed
            path = gen.ensure(kind, n)
            # the read and its anchor in turns, three times each: the same minutes
            ours, theirs = [], []
            name, anchor = ANCHORS[kind]
            anchor(gen.ensure(kind, 100_000))  # its imports, not timed
            for _ in range(runs):
                t, got = _timed(lambda p=path: read_input(str(p), ReadOptions()), 1)
                ours += t
                points = len(got[0])
                del got
                t, count = _timed(lambda p=path, a=anchor: a(p), 1)
                theirs += t
            row(f"in-process read: {kind}", kind, ours, f"{points} points")
            row(f"in-process anchor: {name}", kind, theirs, f"{count} points")
    data = gen.curve(n)
    times, series = _timed(lambda: normalize(data["step"], data["loss"], metric="loss",
                                             source="bench"), runs)
    row("engine: normalize", "numpy arrays", times)
    geo = GeometryInputs(dataset_size=gen.DATASET_SIZE, batch_size=gen.BATCH_SIZE)
    times, rep = _timed(lambda: analyze(series, geo), runs)
    row("engine: analyze (geometry)", "numpy arrays", times, f"verdict {rep.verdict}")
    times, rep = _timed(lambda: analyze(series, GeometryInputs()), runs)
    row("engine: analyze (period discovery)", "numpy arrays", times, f"verdict {rep.verdict}")
    return rows


def profile(n: int, top: int = 15) -> str:
    """cProfile of analyze() with geometry and with period discovery, top functions."""
    from spikecheck.engine import analyze
    from spikecheck.geometry import GeometryInputs
    from spikecheck.series import normalize

    data = gen.curve(n)
    series = normalize(data["step"], data["loss"], metric="loss", source="bench")
    out = io.StringIO()
    for name, geo in (("geometry", GeometryInputs(dataset_size=gen.DATASET_SIZE,
                                                  batch_size=gen.BATCH_SIZE)),
                      ("period discovery", GeometryInputs())):
        prof = cProfile.Profile()
        prof.enable()
        analyze(series, geo)
        prof.disable()
        print(f"\n== analyze ({name}), {gen.size_label(n)} points ==", file=out)
        st = pstats.Stats(prof, stream=out)
        st.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", default="10M")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-reads", action="store_true", help="skip the in-process reads")
    ap.add_argument("--json", action="store_true", help="print rows as JSON")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of analyze()")
    args = ap.parse_args(argv)
    n = gen.parse_size(args.steps)
    if args.profile:
        print(profile(n))
        return 0
    rows = run(n, args.runs, reads=not args.no_reads)
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            print(f"{r['tool']:<36} {r['input']:<14} {r['median_s']:8.3f} s  "
                  f"(runs {r['times_s']})  {r['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
