"""`make bench` fleet rows: 1,000 small runs of mixed formats end to end, --jobs 1 and 2, Dask.

The runs are tests/bench/fleet_runs.py's tree (copies of the real fixtures, built once
into the bench cache). Each command is a fresh `python -m spikecheck DIR --format jsonl`
process, timed from outside, its CPU seconds (the workers' included) from os.wait4.

On a shared machine the cores a pool gets depend on everyone else, so the runs are paired
with two ceilings measured in the same minutes: the same fleet as two independent
`--jobs 1` processes at once, one per half of the tree (a perfect split: no pool, nothing
shared), and a pure-CPU numpy loop, the same work in one process and split over two.
Each repeat runs them all back to back (the order alternates between repeats); the
speed-ups reported are the medians of each repeat's own ratios. The results of every
command are checked equal to the first --jobs 1 run's, sorted by run (the halves' run
names prefixed with their half).

    python tests/bench/bench_fleet.py --runs 1000 --repeats 3     # prints JSON rows
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fleet_runs  # noqa: E402

REPO = fleet_runs.REPO
TREE_VERSION = 2  # bump when fleet_runs.build writes a different tree
CACHE = Path(os.environ.get("SPIKECHECK_BENCH_DIR", REPO / "bench-results" / "data"))
BUSY = """
import sys, time
import numpy as np
a = np.random.default_rng(0).standard_normal(20_000)
t = time.perf_counter()
for _ in range(int(sys.argv[1])):
    np.sort(a)
    np.median(a)
print(time.perf_counter() - t)
"""
DASK = """
import json, sys, time
t0 = time.perf_counter()
import distributed
import spikecheck.dask as sd
root, out = sys.argv[1], sys.argv[2]
with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, \\
        distributed.Client(cluster) as client:
    client.run(lambda: __import__("spikecheck.dask"))  # workers up and importing
    t1 = time.perf_counter()
    results = client.compute(sd.check_many([root])).result()
    t2 = time.perf_counter()
with open(out, "w") as f:
    json.dump({"startup_s": t1 - t0, "compute_s": t2 - t1, "runs": results}, f)
"""


def ensure_tree(n: int) -> Path:
    """The fleet of n runs in the bench cache, built once (atomically renamed into place)."""
    root = CACHE / f"fleet-{n}-v{TREE_VERSION}"
    if root.is_dir():
        return root
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".fleet-", dir=CACHE))
    fleet_runs.build(tmp / "runs", n)
    (tmp / "runs").rename(root)
    shutil.rmtree(tmp)
    return root


def timed(cmd: list[str], stdout: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system, reaped children included) and exit code
    of one fresh process."""
    wall, cpu, codes = timed_together([(cmd, stdout)])
    return wall, cpu, codes[0]


def timed_together(commands: list[tuple[list[str], Path | None]]
                   ) -> tuple[float, float, list[int]]:
    """Fresh processes started at once: wall seconds until the last ends, their CPU
    seconds summed, their exit codes."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("SPIKECHECK_JOBS", None)
    outs = [open(path or os.devnull, "w") for _, path in commands]
    try:
        t0 = time.perf_counter()
        procs = [subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL,
                                  stdin=subprocess.DEVNULL, cwd=REPO, env=env)
                 for (cmd, _), out in zip(commands, outs)]
        cpu, codes = 0.0, []
        for p in procs:
            _, status, usage = os.wait4(p.pid, 0)
            cpu += usage.ru_utime + usage.ru_stime
            p.returncode = os.waitstatus_to_exitcode(status)
            codes.append(p.returncode)
        wall = time.perf_counter() - t0
    finally:
        for out in outs:
            out.close()
    return wall, cpu, codes


def ceiling(loops: int) -> tuple[float, float]:
    """Wall seconds of the numpy loop run 2*loops times in one process, and loops times in
    each of two processes at once (start-up included in both)."""
    t1, _, _ = timed([sys.executable, "-c", BUSY, str(2 * loops)])
    env = {**os.environ}
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", BUSY, str(loops)], env=env,
                              stdout=subprocess.DEVNULL) for _ in range(2)]
    for p in procs:
        p.wait()
    return t1, time.perf_counter() - t0


def calibrate(target_s: float) -> int:
    """Loops of BUSY that take about target_s in one process here, now."""
    out = subprocess.run([sys.executable, "-c", BUSY, "200"], capture_output=True, text=True)
    per_loop = max(float(out.stdout.strip() or 1.0) / 200, 1e-5)
    return max(50, int(target_s / per_loop))


def by_run(*paths: Path, prefixes: tuple[str, ...] = ("",)) -> list[dict]:
    """jsonl outputs' run objects sorted by run name (each output's names prefixed)."""
    runs = []
    for path, prefix in zip(paths, prefixes):
        with open(path) as f:
            for x in f:
                if x.strip():
                    r = json.loads(x)
                    r["run"] = prefix + r["run"]
                    runs.append(r)
    return sorted(runs, key=lambda r: r["run"])


def pressure() -> str:
    """The kernel's CPU pressure (share of time some task waited for a CPU, last 10 s)."""
    try:
        text = Path("/proc/pressure/cpu").read_text()
    except OSError:
        return "n/a"
    some = text.split()[1]  # "avg10=74.32"
    return some.split("=")[1] + "%"


def run(runs: int = 1000, repeats: int = 3, dask_python: str | None = None,
        progress=print) -> list[dict]:
    """The fleet rows as dicts (tool, input, size, runs, times_s, median_s, note, output)."""
    tree = ensure_tree(runs)
    size = f"{runs:,} runs"
    label = "fleet: mixed formats"
    out = Path(tempfile.mkdtemp(prefix="spikecheck-fleet-bench-"))
    cmd = [sys.executable, "-m", "spikecheck", str(tree), "--format", "jsonl", "--jobs"]
    walls: dict[str, list[float]] = {"1": [], "2": [], "halves": [], "c1": [], "c2": []}
    cpus: dict[str, list[float]] = {"1": [], "2": [], "halves": []}
    loads, pressures, mismatched = [], [], []
    reference = None
    loops = calibrate(2.0)
    try:
        for rep in range(repeats):
            order = ("1", "2", "halves", "numpy")
            order = order if rep % 2 == 0 else order[::-1]
            loads.append(os.getloadavg()[0])
            pressures.append(pressure())
            for what in order:
                if what == "numpy":
                    c1, c2 = ceiling(loops)
                    walls["c1"].append(c1)
                    walls["c2"].append(c2)
                    progress(f"  ceiling (numpy loop): 1 process {c1:.2f} s, 2 processes "
                             f"{c2:.2f} s")
                    continue
                if what == "halves":
                    targets = [out / f"{h}-{rep}.jsonl" for h in fleet_runs.HALVES]
                    wall, cpu, codes = timed_together(
                        [([*cmd[:3], str(tree / h), *cmd[4:], "1"], t)
                         for h, t in zip(fleet_runs.HALVES, targets)])
                    got = by_run(*targets, prefixes=tuple(f"{h}/" for h in fleet_runs.HALVES))
                    label_ = "two --jobs 1 processes on the halves at once"
                else:
                    targets = [out / f"jobs{what}-{rep}.jsonl"]
                    wall, cpu, code = timed([*cmd, what], targets[0])
                    codes = [code]
                    got = by_run(targets[0])
                    label_ = f"--jobs {what}"
                if any(c not in (0, 1) for c in codes):
                    raise RuntimeError(f"spikecheck ({label_}) exited {codes}")
                walls[what].append(wall)
                cpus[what].append(cpu)
                reference = reference if reference is not None else got
                if got != reference:
                    mismatched.append(f"{label_} (repeat {rep + 1})")
                progress(f"  fleet, {label_}: {wall:.2f} s, CPU {cpu:.2f} s, "
                         f"load {os.getloadavg()[0]:.1f}")
        loads.append(os.getloadavg()[0])
        rows = _rows(walls, cpus, loads, pressures, mismatched, reference, size, label, runs)
        rows.append(dask_row(tree, reference, dask_python, size, label, runs, progress))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return rows


def _rows(walls, cpus, loads, pressures, mismatched, reference, size, label, runs):
    """The table rows: --jobs 1, --jobs 2 (speed-up, ceilings, checks), the two ceilings."""
    def each(a: str, b: str) -> list[float]:
        return [x / y for x, y in zip(walls[a], walls[b])]

    ratios, halves_x, numpy_x = each("1", "2"), each("1", "halves"), each("c1", "c2")
    speedup, halves, numpy_ = (statistics.median(x) for x in (ratios, halves_x, numpy_x))
    same = "identical results (sorted by run)" if not mismatched else \
        "DIFFERENT results: " + ", ".join(mismatched)
    machine = (f"load average {min(loads):.1f}-{max(loads):.1f}, CPU pressure "
               f"{'/'.join(pressures)}")
    verdicts: dict[str, int] = {}
    for r in reference or []:
        verdicts[str(r.get("verdict"))] = verdicts.get(str(r.get("verdict")), 0) + 1
    common = {"load_avg": loads, "cpu_pressure": pressures, "verdicts": verdicts}
    cpu1 = statistics.median(cpus["1"])
    rows = []
    for what in ("1", "2", "halves"):
        med = statistics.median(walls[what])
        cpu = statistics.median(cpus[what])
        out = {"runs_per_s": round(runs / med, 1), "cpu_s": [round(c, 2) for c in cpus[what]],
               **common}
        note = f"{runs / med:.0f} runs/s, CPU {cpu:.1f} s"
        if what == "halves":
            tool = "ceiling: 2 processes --jobs 1, a half of the runs each"
            out.update(speedup=round(halves, 2), speedup_each=[round(x, 2) for x in halves_x],
                       cpu_ratio=round(cpu / cpu1, 3))
            note += (f"; {halves:.2f}x --jobs 1 on the whole: what the machine gave two "
                     "independent processes in this run")
        else:
            tool = f"spikecheck DIR --jobs {what} --format jsonl"
            out["jobs"] = int(what)
        if what == "2":
            out.update(speedup=round(speedup, 2), speedup_each=[round(x, 2) for x in ratios],
                       ceiling=round(halves, 2), ceiling_numpy=round(numpy_, 2),
                       cpu_ratio=round(cpu / cpu1, 3), identical=not mismatched)
            note += (f"; {speedup:.2f}x --jobs 1 (each repeat "
                     f"{', '.join(f'{x:.2f}' for x in ratios)}); the machine gave two "
                     f"processes {halves:.2f}x (the halves) and {numpy_:.2f}x (numpy loop); "
                     f"{same}; {machine}")
        rows.append({"tool": tool, "input": label, "size": size, "steps": runs,
                     "role": "fleet", "runs": len(walls[what]),
                     "times_s": [round(t, 3) for t in walls[what]],
                     "median_s": round(med, 3), "note": note, "output": out})
    c1, c2 = statistics.median(walls["c1"]), statistics.median(walls["c2"])
    rows.append({"tool": "ceiling: numpy loop, 1 process vs 2", "input": label, "size": "-",
                 "role": "fleet", "runs": len(walls["c1"]),
                 "times_s": [round(t, 3) for t in walls["c2"]], "median_s": round(c2, 3),
                 "note": f"1 process {c1:.2f} s, the same work in 2 processes {c2:.2f} s: "
                         f"{numpy_:.2f}x (pure CPU work, no I/O, no pool)",
                 "output": {"ceiling": round(numpy_, 2), "one_s": walls["c1"],
                            "two_s": walls["c2"]}})
    return rows


def dask_python_for(wanted: str | None) -> tuple[str | None, str]:
    """A Python that imports dask.bag and distributed (and how it was chosen), or None and
    why the Dask row is skipped."""
    candidates = [wanted, os.environ.get("SPIKECHECK_DASK_PYTHON"), sys.executable,
                  str(REPO / ".venv-dask" / "bin" / "python")]
    tried = []
    for py in dict.fromkeys(c for c in candidates if c):
        if not os.access(py, os.X_OK):
            continue
        tried.append(py)
        probe = subprocess.run([py, "-c", "import dask.bag, distributed"],
                               capture_output=True)
        if probe.returncode == 0:
            return py, ""
    return None, ("dask and distributed are not importable in " + ", ".join(tried) +
                  " (make test-dask builds .venv-dask; or --dask-python PATH)")


def dask_row(tree: Path, reference, wanted: str | None, size: str, label: str, runs: int,
             progress=print) -> dict:
    """check_many over the same runs on a 2-worker LocalCluster, checked against the CLI."""
    row = {"tool": "spikecheck.dask.check_many, LocalCluster 2 workers", "input": label,
           "size": size, "steps": runs, "role": "fleet", "runs": 0, "times_s": [],
           "median_s": None, "note": "", "output": {}}
    py, why = dask_python_for(wanted)
    if py is None:
        row["note"] = f"skipped: {why}"
        progress(f"  dask: {row['note']}")
        return row
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        wall, cpu, code = timed([py, "-c", DASK, str(tree), out.name])
        if code != 0:
            row["note"] = f"failed (exit {code}) with {py}"
            return row
        got = json.loads(Path(out.name).read_text())
    results = sorted(got["runs"], key=lambda r: r["run"])
    same = results == reference
    compute = got["compute_s"]
    row.update(runs=1, times_s=[round(compute, 3)], median_s=round(compute, 3),
               output={"python": py, "startup_s": round(got["startup_s"], 2),
                       "process_s": round(wall, 2), "runs_per_s": round(runs / compute, 1),
                       "identical": same, "results": len(results)})
    row["note"] = (f"{runs / compute:.0f} runs/s computing (cluster start-up "
                   f"{got['startup_s']:.1f} s more, {wall:.1f} s the whole process); "
                   + ("identical results to the CLI's" if same else
                      f"DIFFERENT results from the CLI's ({len(results)} runs)"))
    progress(f"  dask: {row['note']}")
    return row


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dask-python", help="a Python with dask and distributed")
    args = ap.parse_args()
    rows = run(args.runs, args.repeats, args.dask_python,
               progress=lambda s: print(s, file=sys.stderr, flush=True))
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
