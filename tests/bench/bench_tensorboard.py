"""Benchmark the TensorBoard reader against TensorBoard's own EventAccumulator, same file.

`run(sizes)` takes the cached event files of tests/bench/generate.py (one tag per step,
and five tags per step, as SummaryWriter.add_scalar writes them; optionally the TF2
tensor-scalar flavour) and times, on the same file in the same run:

  - spikecheck read: the registry's read_input, end to end to a normalized LossSeries
    (the loss tag decoded with its epoch tag; every other record CRC-checked and counted);
  - spikecheck all tags: every scalar tag decoded (scan_path), like for like with
  - EventAccumulator: `EventAccumulator(path, size_guidance={scalars: 0, tensors: 0})`
    `.Reload()`, all scalars kept, timed inside a fresh subprocess (import excluded).

spikecheck's times are the median of `repeat` runs after one warm-up (which also puts
the file in the page cache for both); EventAccumulator runs once (it is slow). Wall and
CPU time are both reported: on a shared machine the CPU-time ratio is the steadier one.
Peak memory of the read is measured with tracemalloc and set against the size of the
series itself. Both readers' `loss` points are compared, so a fast wrong answer cannot
pass. Run `python tests/bench/bench_tensorboard.py [1M ...] [--tensor] [--no-ea]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import generate as gen  # noqa: E402

KINDS = ("tb-1tag-simple", "tb-5tag-simple")
TENSOR_KINDS = ("tb-1tag-tensor", "tb-5tag-tensor")
TARGET = {"tb-1tag-simple": 100, "tb-1tag-tensor": 100, "tb-5tag-simple": 150,
          "tb-5tag-tensor": 150}

EA_CODE = """
import json, sys, time
import numpy as np
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.util import tensor_util
t, c = time.perf_counter(), time.process_time()
acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
acc.Reload()
seconds, cpu = time.perf_counter() - t, time.process_time() - c
if "loss" in acc.Tags()["scalars"]:
    ev = acc.Scalars("loss")
    values = [e.value for e in ev]
else:
    ev = acc.Tensors("loss")
    values = [tensor_util.make_ndarray(e.tensor_proto).item() for e in ev]
np.save(sys.argv[2], np.array([[e.step for e in ev], values], dtype=np.float64))
print(json.dumps({"seconds": seconds, "cpu": cpu}))
"""


def _read(path: Path):
    from spikecheck.readers.interface import ReadOptions
    from spikecheck.readers.registry import read_input

    (series,) = read_input(str(path), ReadOptions())
    return series


def _scan_all(path: Path):
    """Every scalar tag of one event file (or of the event files of one run directory)."""
    from spikecheck.readers.tensorboard import TensorBoardReader, _Opened, scan_run

    if path.is_dir():
        return scan_run(TensorBoardReader._files(path), str(path), lambda tag: True,
                        strict=False)
    return scan_run([(str(path), lambda: _Opened(path=path))], str(path), lambda tag: True)


def _timed(fn, path: Path, repeat: int) -> tuple[float, float, list[float], object]:
    """Median wall and CPU seconds of `repeat` calls, all wall times, the last result."""
    times, cpus, out = [], [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn(path)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(times), statistics.median(cpus), times, out


def _peak_mb(fn, path: Path) -> float:
    tracemalloc.start()
    try:
        fn(path)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def event_accumulator(path: Path) -> tuple[float, float, np.ndarray, np.ndarray]:
    """EventAccumulator's Reload wall and CPU time (fresh process) and its `loss` points."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ea.npy"
        res = subprocess.run([sys.executable, "-c", EA_CODE, str(path), str(out)],
                             capture_output=True, text=True, check=True)
        times = json.loads(res.stdout.strip().splitlines()[-1])
        steps, values = np.load(out)
    return times["seconds"], times["cpu"], steps.astype(np.int64), values


def run(sizes=(1_000_000,), kinds=KINDS, repeat: int = 5, ea: bool = True,
        quiet: bool = False) -> list[dict]:
    """Rows of timings: one per tool, kind and size, with the ratio to EventAccumulator."""
    rows: list[dict] = []
    for size in sizes:
        n = gen.parse_size(size) if isinstance(size, str) else int(size)
        for kind in kinds:
            path = gen.ensure(kind, n, quiet=quiet)
            tags = 5 if "5tag" in kind else 1
            events = n * tags
            label = gen.TB_KINDS[kind] if hasattr(gen, "TB_KINDS") else kind
            _read(path)  # warm the page cache: both readers then read from memory
            read_s, read_cpu, read_all, series = _timed(_read, path, repeat)
            scan_s, scan_cpu, scan_all, run_data = _timed(_scan_all, path, repeat)
            peak = _peak_mb(_read, path)
            series_mb = (series.steps.nbytes + series.values.nbytes
                         + (series.epochs.nbytes if series.epochs is not None else 0)) / 1e6
            steps, values = run_data.points["loss"]
            base = {"kind": kind, "label": label, "steps": n, "events": events,
                    "file_mb": round(path.stat().st_size / 1e6, 1)}
            rows.append({**base, "tool": "spikecheck read (loss + epoch)",
                         "median_s": read_s, "cpu_s": read_cpu, "runs": repeat,
                         "times_s": [round(t, 4) for t in read_all], "peak_mb": round(peak, 1),
                         "series_mb": round(series_mb, 1),
                         "peak_over_series": round(peak / series_mb, 2)})
            rows.append({**base, "tool": "spikecheck all tags", "median_s": scan_s,
                         "cpu_s": scan_cpu, "runs": repeat,
                         "times_s": [round(t, 4) for t in scan_all]})
            if ea:
                ea_s, ea_cpu, ea_steps, ea_values = event_accumulator(path)
                same = bool(np.array_equal(ea_steps, steps)
                            and np.array_equal(ea_values, values))
                rows.append({**base, "tool": "EventAccumulator (all scalars)",
                             "median_s": ea_s, "cpu_s": ea_cpu, "runs": 1,
                             "same_points": same})
                for r in rows[-3:-1]:
                    r["ratio_vs_ea"] = round(ea_s / r["median_s"], 1)
                    r["cpu_ratio_vs_ea"] = round(ea_cpu / r["cpu_s"], 1)
                rows[-3]["target_ratio"] = TARGET.get(kind)
            if not quiet:
                for r in rows[-3 if ea else -2:]:
                    print(_line(r), file=sys.stderr, flush=True)
    return rows


def _line(r: dict) -> str:
    extra = ""
    if "ratio_vs_ea" in r:
        extra += (f"  {r['ratio_vs_ea']:>6.1f}x faster than EventAccumulator"
                  f" (CPU time: {r['cpu_ratio_vs_ea']:.1f}x)")
    if "peak_mb" in r:
        extra += f"  peak {r['peak_mb']} MB = {r['peak_over_series']}x the series"
    if "same_points" in r:
        extra += "  (same points)" if r["same_points"] else "  (POINTS DIFFER)"
    return (f"{r['kind']:<15} {gen.size_label(r['steps']):>5} steps {r['events']:>9,} events  "
            f"{r['tool']:<31} {r['median_s']:9.3f} s{extra}")


def main(argv: list[str] | None = None) -> int:
    """Print the timings and ratios; exit 1 if the two readers' points ever differ."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", default=["1M"], help="steps: 100k, 1M, or a number")
    ap.add_argument("--tensor", action="store_true", help="also the TF2 tensor-scalar files")
    ap.add_argument("--no-ea", action="store_true", help="skip EventAccumulator (minutes)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = ap.parse_args(argv)
    kinds = KINDS + (TENSOR_KINDS if args.tensor else ())
    rows = run(args.sizes, kinds, repeat=args.repeat, ea=not args.no_ea, quiet=args.json)
    if args.json:
        print(json.dumps(rows))
        return 0
    print()
    for r in rows:
        print(_line(r))
    bad = [r for r in rows if r.get("same_points") is False]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
