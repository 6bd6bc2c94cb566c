"""Where a fleet's time goes: the parent's phases, each worker's fixed costs, the runs.

Runs `spikecheck DIR --format jsonl --jobs N` in this process with `spikecheck.fleet.work`
wrapped (the pool forks, so the workers run the wrapper too). Each run records its own CPU
seconds and its result's pickled size; each worker its CPU before its first run (fork,
imports not inherited) and in all; the parent its CPU before the pool (start-up, imports,
the directory walk), while it (dispatching, receiving, writing the lines) and after.
CPU seconds drift less than wall seconds on a shared machine.

    python tests/bench/profile_fleet.py bench-results/data/fleet-1000-v2 --jobs 2
    python tests/bench/profile_fleet.py bench-results/data/fleet-1000-v2 --format terminal
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import pickle
import resource
import statistics
import sys
import time


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu_thread() -> float:
    return time.thread_time()


_REAL: list = []  # spikecheck.fleet.work, before it is replaced
_FIRST_SEEN: dict[int, float] = {}


def profiled_work(index, job, settings):
    """fleet.work, timed (module level: the pool pickles the function by its name)."""
    pid = os.getpid()
    if pid not in _FIRST_SEEN:
        _FIRST_SEEN[pid] = _cpu_self()  # this worker's CPU before its first run
    start = _cpu_thread()
    result = _REAL[0](index, job, settings)
    result.profile = {"pid": pid, "cpu": _cpu_thread() - start,
                      "before_first": _FIRST_SEEN[pid], "worker_cpu": _cpu_self(),
                      "bytes": len(pickle.dumps(result))}
    return result


def profile(root: str, jobs: int, fmt: str = "jsonl") -> dict:
    """The figures of one run of the command (see the module docstring)."""
    t0, c0 = time.perf_counter(), _cpu_self()
    import spikecheck.fleet as fleet
    from spikecheck.cli import main

    real_work = fleet.work
    _REAL.append(real_work)
    fleet.work = profiled_work
    marks: dict[str, float] = {}
    real_run_jobs = fleet.run_jobs
    results: list = []

    def run_jobs(*args, **kwargs):
        marks["pool_start"], marks["pool_wall"] = _cpu_self(), time.perf_counter()
        out = real_run_jobs(*args, **kwargs)
        marks["pool_end"], marks["pool_wall_end"] = _cpu_self(), time.perf_counter()
        results.extend(out)
        return out

    fleet.run_jobs = run_jobs
    sys.argv = ["spikecheck", root, "--format", fmt, "--jobs", str(jobs)]
    try:
        with contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            main(standalone_mode=False)
    except SystemExit:
        pass
    finally:
        fleet.work, fleet.run_jobs = real_work, real_run_jobs
    wall = time.perf_counter() - t0
    c_end = _cpu_self()
    profiles = [r.profile for r in results if hasattr(r, "profile")]
    workers: dict[int, dict] = {}
    for p in profiles:
        w = workers.setdefault(p["pid"], {"runs": 0, "cpu_in_runs": 0.0, "cpu": 0.0,
                                          "before_first": p["before_first"]})
        w["runs"] += 1
        w["cpu_in_runs"] += p["cpu"]
        w["cpu"] = max(w["cpu"], p["worker_cpu"])
    pool_cpu = marks["pool_end"] - marks["pool_start"]
    in_process = list(workers) == [os.getpid()]
    return {
        "jobs": jobs, "format": fmt, "runs": len(profiles), "wall_s": wall,
        "pool_wall_s": marks["pool_wall_end"] - marks["pool_wall"],
        "parent_before_pool_cpu_s": marks["pool_start"] - c0,
        "parent_pool_cpu_s": pool_cpu,
        "parent_after_pool_cpu_s": c_end - marks["pool_end"],
        "cpu_in_runs_s": sum(p["cpu"] for p in profiles),
        "median_run_cpu_ms": 1000 * statistics.median(p["cpu"] for p in profiles),
        "result_bytes_median": statistics.median(p["bytes"] for p in profiles),
        "result_bytes_max": max(p["bytes"] for p in profiles),
        "workers": {} if in_process else workers,
        "load_avg": os.getloadavg()[0],
    }


def report(f: dict) -> str:
    """The figures as lines of text."""
    n = f["runs"]
    lines = [f"--jobs {f['jobs']} --format {f['format']}: {n} runs in {f['wall_s']:.2f} s wall "
             f"(pool {f['pool_wall_s']:.2f} s), load average {f['load_avg']:.1f}",
             f"  parent CPU: {f['parent_before_pool_cpu_s']:.2f} s before the pool (start-up, "
             f"imports, the walk), {f['parent_pool_cpu_s']:.2f} s during it, "
             f"{f['parent_after_pool_cpu_s']:.2f} s after (the report, rendered)",
             f"  runs: {f['cpu_in_runs_s']:.2f} s CPU in all, median "
             f"{f['median_run_cpu_ms']:.1f} ms; results {f['result_bytes_median'] / 1024:.1f} KB "
             f"pickled (median), {f['result_bytes_max'] / 1024:.1f} KB at most"]
    if f["workers"]:
        per_run = (f["parent_pool_cpu_s"] / n * 1000) if n else 0.0
        lines.append(f"  parent during the pool: {per_run:.2f} ms CPU per run (dispatching, "
                     "receiving, writing the line)")
        for pid, w in sorted(f["workers"].items()):
            fixed = w["cpu"] - w["cpu_in_runs"]
            lines.append(f"  worker {pid}: {w['runs']} runs, {w['cpu']:.2f} s CPU in all, "
                         f"{w['before_first']:.2f} s before its first run, "
                         f"{fixed:.2f} s outside runs")
        busiest = max(w["cpu"] for w in f["workers"].values())
        bound = f["parent_before_pool_cpu_s"] + busiest + \
            f["parent_pool_cpu_s"] / len(f["workers"]) + f["parent_after_pool_cpu_s"]
        lines.append(f"  on {len(f['workers'])} free cores this would take about {bound:.2f} s "
                     "(the parent's start and walk, the busiest worker sharing its core with "
                     "the parent's dispatching, the report): a bound from CPU time, not a "
                     "measurement")
    else:
        bound = f["parent_before_pool_cpu_s"] + f["parent_pool_cpu_s"] + \
            f["parent_after_pool_cpu_s"]
        lines.append(f"  on a free core this would take about {bound:.2f} s (its CPU time)")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--format", default="jsonl", help="any spikecheck --format")
    args = ap.parse_args()
    print(report(profile(args.root, args.jobs, args.format)))


if __name__ == "__main__":
    main()
