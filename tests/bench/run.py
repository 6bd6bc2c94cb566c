"""`make bench`: spikecheck timed side by side with the tools users would use instead.

Every measurement is a fresh subprocess (interpreter start-up included) timed with
perf_counter, its peak RSS taken from os.wait4; the median of several runs is reported
(fewer runs when one run is slow). The ratios compare spikecheck with each anchor on the
same file in the same run, so they hold on a noisy machine where absolute times drift.

    python tests/bench/run.py                 # everything (100k, 1M, 10M), ~15 min
    python tests/bench/run.py --quick         # 100k only
    python tests/bench/run.py --sizes 1M --formats csv,text
    python tests/bench/run.py --formats fleet  # 1,000 small runs: --jobs 1, --jobs 2, Dask
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_fleet  # noqa: E402
import generate as gen  # noqa: E402
import install_check  # noqa: E402

REPO = gen.REPO
OUT = REPO / "bench-results"
PY = sys.executable
SPIKECHECK = str(Path(PY).with_name("spikecheck"))
GEOM = ["--dataset-size", str(gen.DATASET_SIZE), "--batch-size", str(gen.BATCH_SIZE)]
FORMATS = ("startup", "tensorboard", "csv", "text", "json", "engine", "install", "fleet")
TB_KINDS = {
    "tb-1tag-simple": "tb 1 tag, simple_value",
    "tb-1tag-tensor": "tb 1 tag, TF2 tensor",
    "tb-5tag-simple": "tb 5 tags, simple_value",
    "tb-5tag-tensor": "tb 5 tags, TF2 tensor",
}
READER_MODULE = {"tensorboard": "spikecheck.readers.tensorboard", "csv": "spikecheck.readers.csv",
                 "text": "spikecheck.readers.text", "json": "spikecheck.readers.json"}
READER_BENCH = {"tensorboard": "bench_tensorboard", "text": "bench_text"}
MAX_RUN_S = 1800

# ------------------------------------------------------------------ anchors (what users write)

EA = """
import sys
from tensorboard.backend.event_processing import event_accumulator as ea
acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
acc.Reload()
if "loss" in acc.Tags()["scalars"]:
    pts = [(e.step, e.value) for e in acc.Scalars("loss")]
else:
    pts = [(e.step, e.tensor_proto.float_val[0]) for e in acc.Tensors("loss")]
print(len(pts))
"""
TBPARSE = """
import sys
from tbparse import SummaryReader
reader = SummaryReader(sys.argv[1])
df = reader.scalars
if df.empty:  # TF2 writes scalars as tensors
    df = reader.tensors
print(int((df["tag"] == "loss").sum()))
"""
PANDAS = """
import sys
import pandas as pd
print(len(pd.read_csv(sys.argv[1])))
"""
PANDAS_ARROW = """
import sys
import pandas as pd
print(len(pd.read_csv(sys.argv[1], engine="pyarrow")))
"""
REGEX = """
import re, sys
text = open(sys.argv[1]).read()
steps, losses = [], []
for m in re.finditer(r"^iter (\\d+): loss ([-+.\\deE]+)", text, re.M):
    steps.append(int(m[1]))
    losses.append(float(m[2]))
print(len(steps))
"""
JSON_LOOP = """
import json, sys
steps, losses = [], []
with open(sys.argv[1]) as f:
    for line in f:
        rec = json.loads(line)
        steps.append(rec["iteration"])
        losses.append(rec["total_loss"])
print(len(steps))
"""
PANDAS_JSON = """
import sys
import pandas as pd
print(len(pd.read_json(sys.argv[1], lines=True)))
"""


@dataclass
class Row:
    """One measured command: a table line and a JSON record."""

    tool: str
    input: str
    size: str
    steps: int | None = None
    role: str = "anchor"  # spikecheck | anchor | startup | engine | reader | install | fleet
    runs: int = 0
    times_s: list[float] = field(default_factory=list)
    median_s: float | None = None
    peak_mb: float | None = None
    ratio: float | None = None  # spikecheck (geometry) / this anchor
    x_faster: float | None = None  # this anchor / spikecheck (geometry)
    x_faster_nogeom: float | None = None  # this anchor / spikecheck (period discovery)
    note: str = ""
    command: list[str] = field(default_factory=list)
    output: dict = field(default_factory=dict)


# ------------------------------------------------------------------ measuring


TIME = "/usr/bin/time"  # GNU time: reports the child's own peak RSS (%M, KB)
# Why not wait4's rusage: Linux carries the pre-exec RSS of the forked parent into the
# child's ru_maxrss, so a child of this (numpy-holding) process would never report less
# than this process. GNU time is a small C parent; without it a bare `python -S` stub
# forks instead, which sets a floor of about 8 MB.
SPAWN = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measure_once(cmd: list[str]) -> tuple[float, float, int, str, str]:
    """Wall seconds, peak RSS in MB, exit code, stdout, stderr of one fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        if os.access(TIME, os.X_OK):
            full = [TIME, "-f", "%M", "-o", rss.name, *cmd]
        else:
            full = [PY, "-S", "-c", SPAWN, rss.name, *cmd]
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=REPO)
        # A blocking wait, the time limit kept by a timer thread: Popen.wait(timeout) polls
        # with sleeps that double up to 50 ms (1, 3, 7, 15, 31, 63, 113, 163, ... ms), so it
        # rounded every time up to the next poll, up to 50 ms more than the process took
        # (a 0.21-0.25 s small log was measured as 0.26 or 0.31 s).
        killer = threading.Timer(MAX_RUN_S, p.kill)
        killer.start()
        try:
            code = p.wait()
        finally:
            killer.cancel()
        elapsed = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        lines = rss.read().split()
        kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        return (elapsed, kb / 1024, code,
                out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def planned_runs(first_s: float, cap: int, subject: bool = False) -> int:
    """How many runs in all, given the first: slow commands run fewer times.

    spikecheck itself (subject) keeps three runs up to a minute; anchors run once past 30 s
    (EventAccumulator on 1M events), so a ratio is a median of three where it can be.
    """
    if first_s > (60 if subject else 30):
        return 1
    if first_s > 2:
        return min(cap, 3)
    return cap


def measure(row: Row, cmd: list[str], cap: int, ok_codes=(0,), check=None) -> Row:
    """Run cmd until planned_runs, fill the row (median time, max peak memory)."""
    row.command = [os.path.relpath(c, REPO) if c.startswith(str(REPO)) else c for c in cmd]
    peaks = []
    while True:
        t, mb, code, out, err = measure_once(cmd)
        if code not in ok_codes:
            last = (err.strip().splitlines() or out.strip().splitlines() or ["?"])[-1]
            row.note = f"failed (exit {code}): {last[:160]}"
            break
        row.times_s.append(round(t, 4))
        peaks.append(mb)
        if check and not row.output:
            row.output = check(out)
        if len(row.times_s) >= planned_runs(row.times_s[0], cap, row.role == "spikecheck"):
            break
    row.runs = len(row.times_s)
    if row.times_s:
        row.median_s = round(statistics.median(row.times_s), 4)
        row.peak_mb = round(max(peaks), 1)
    if isinstance(row.output, dict) and row.output.get("problem"):
        row.note = (row.note + "; " if row.note else "") + row.output["problem"]
    _progress(row)
    return row


def measure_interleaved(entries: list[tuple], cap: int) -> list[Row]:
    """Measure several commands on one input in turns (a, b, c, a, b, c, ...), so a ratio
    between two of them is taken over the same minutes of a noisy machine. Each entry is
    (row, cmd, ok_codes, check); each row gets its own planned number of runs."""
    state = []
    for row, cmd, ok_codes, check in entries:
        row.command = [os.path.relpath(c, REPO) if c.startswith(str(REPO)) else c for c in cmd]
        state.append([row, cmd, ok_codes, check, [], False])  # ..., peaks, done
    while not all(st[5] for st in state):
        for st in state:
            row, cmd, ok_codes, check, peaks, done = st
            if done:
                continue
            t, mb, code, out, err = measure_once(cmd)
            if code not in ok_codes:
                last = (err.strip().splitlines() or out.strip().splitlines() or ["?"])[-1]
                row.note = f"failed (exit {code}): {last[:160]}"
                st[5] = True
                continue
            row.times_s.append(round(t, 4))
            peaks.append(mb)
            if check and not row.output:
                row.output = check(out)
            st[5] = len(row.times_s) >= planned_runs(row.times_s[0], cap,
                                                     row.role == "spikecheck")
    for row, _cmd, _ok, _check, peaks, _done in state:
        row.runs = len(row.times_s)
        if row.times_s:
            row.median_s = round(statistics.median(row.times_s), 4)
            row.peak_mb = round(max(peaks), 1)
        if isinstance(row.output, dict) and row.output.get("problem"):
            row.note = (row.note + "; " if row.note else "") + row.output["problem"]
        _progress(row)
    return [st[0] for st in state]


def _progress(row: Row) -> None:
    t = f"{row.median_s:8.3f} s" if row.median_s is not None else "       — "
    m = f"{row.peak_mb:7.0f} MB" if row.peak_mb is not None else ""
    print(f"  {row.size:>5}  {row.input:<26} {row.tool:<34} {row.runs}x {t} {m} {row.note}",
          file=sys.stderr, flush=True)


def check_spikecheck(steps: int):
    """Parse spikecheck's JSON: points read, verdict, period; flag a wrong point count."""
    def check(out: str) -> dict:
        try:
            run = json.loads(out)["runs"][0]
        except (ValueError, KeyError, IndexError):
            return {"problem": "no JSON report on stdout"}
        got = {"points": run.get("points"), "verdict": run.get("verdict"),
               "cause": run.get("cause"), "period": (run.get("period") or {}).get("steps")}
        if got["points"] != steps:
            got["problem"] = f"read {got['points']} points, expected {steps}"
        return got
    return check


def check_count(steps: int, exact: bool = True):
    """An anchor prints how many points it read."""
    def check(out: str) -> dict:
        try:
            n = int(out.split()[0])
        except (ValueError, IndexError):
            return {"problem": "printed no count"}
        if exact and n != steps:
            return {"count": n, "problem": f"read {n} points, expected {steps}"}
        return {"count": n}
    return check


# ------------------------------------------------------------------ the plan


def have_reader(fmt: str) -> bool:
    return importlib.util.find_spec(READER_MODULE[fmt]) is not None


def ensure_tbparse(allow_install: bool) -> str | None:
    """None when tbparse is importable (installed now if needed), else why it is skipped."""
    if importlib.util.find_spec("tbparse") is not None:
        return None
    if not allow_install:
        return "tbparse not installed (--no-install)"
    print("installing tbparse into this venv (a bench-only anchor, not a spikecheck "
          "dependency) ...", file=sys.stderr, flush=True)
    r = subprocess.run([PY, "-m", "pip", "install", "--quiet", "tbparse"],
                       capture_output=True, text=True)
    importlib.invalidate_caches()
    if r.returncode != 0 or importlib.util.find_spec("tbparse") is None:
        last = (r.stderr.strip().splitlines() or ["pip failed"])[-1]
        return f"tbparse could not be installed: {last[:120]}"
    return None


def spikecheck_entries(path: Path, label: str, size: str, n: int) -> list[tuple]:
    """The two spikecheck commands on one input, as measure_interleaved entries."""
    ok = (0, 1)  # 1 = findings, expected: the generated run has the partial-final-batch bug
    return [
        (Row("spikecheck (geometry)", label, size, n, role="spikecheck"),
         [SPIKECHECK, str(path), *GEOM, "--format", "json"], ok, check_spikecheck(n)),
        (Row("spikecheck (period discovery)", label, size, n, role="spikecheck"),
         [SPIKECHECK, str(path), "--format", "json"], ok, check_spikecheck(n)),
    ]


def spikecheck_rows(path: Path, label: str, size: str, n: int, cap: int) -> list[Row]:
    return measure_interleaved(spikecheck_entries(path, label, size, n), cap)


def skipped(tool: str, label: str, size: str, n: int, why: str, role: str = "anchor") -> Row:
    row = Row(tool, label, size, n, role=role, note=f"skipped: {why}")
    _progress(row)
    return row


def compile_package() -> Path:
    """Byte-compile the spikecheck package the timed commands import, as pip does when it
    installs one. A checkout run with PYTHONDONTWRITEBYTECODE set (or from a read-only
    tree) never writes its .pyc files, so every run compiled each module again: about
    0.1 s of a small log's run, a cost no installed spikecheck pays."""
    import compileall

    package = Path(importlib.util.find_spec("spikecheck").origin).parent
    compileall.compile_dir(package, quiet=1)
    return package


def bench_startup(cap: int) -> list[Row]:
    """Start-up: bare interpreters and imports, and a small real log of each format end to
    end (JSON out), all in turns so each ratio to `import numpy` is of the same minutes."""
    entries = [
        (Row('python -c "import numpy"', "start-up", "-"), [PY, "-c", "import numpy"], (0,),
         None),
        (Row("spikecheck --help", "start-up", "-", role="startup"), [SPIKECHECK, "--help"],
         (0,), None),
        (Row('python -c "import spikecheck"', "start-up", "-", role="startup"),
         [PY, "-c", "import spikecheck"], (0,), None),
        (Row('python -c "pass"', "start-up", "-"), [PY, "-c", "pass"], (0,), None),
    ]
    # A small real log of each format end to end (JSON out): the start-up a CI job pays,
    # so the import cost of each reader path shows (goal: <= 0.35 s whole process).
    small = (("csv (bundled example, 2,240 points)", "fixtures/example-buggy.csv",
              ["-N", "1777", "-B", "16"]),
             ("text (HF printed dicts)",
              "fixtures/heldout/hf/hf-friedman-adamw-b16-r1-buggy.printed.log", []),
             ("json (HF trainer_state.json)",
              "fixtures/heldout/hf/hf-friedman-adamw-b16-r1-buggy.trainer_state.json", []),
             ("tensorboard (torch SummaryWriter)", "fixtures/tensorboard/torch-newstyle", []))
    for label, path, flags in small:
        if (REPO / path).exists():
            entries.append((Row(f"spikecheck small log: {label}", "start-up", "-",
                                role="startup"),
                            [SPIKECHECK, str(REPO / path), *flags, "--format", "json"], (0, 1),
                            None))
    rows = measure_interleaved(entries, cap)
    rows += [
        measure(Row('python -c "import pandas"', "start-up", "-"),
                [PY, "-c", "import pandas"], cap),
        measure(Row('python -c "import tensorboard EventAccumulator"', "start-up", "-"),
                [PY, "-c", "from tensorboard.backend.event_processing import "
                 "event_accumulator"], cap),
    ]
    return rows


def bench_install() -> list[Row]:
    """The default install (tests/bench/install_check.py: a wheel into a fresh venv, its
    dependencies from the registry), its site-packages against the 594 MB before issue 17."""
    before = Row("pip install spikecheck, before issue 17", "site-packages", "-",
                 role="install", note=f"{install_check.ORIGINAL_INSTALL_MB} MB (pandas and "
                 "tensorboard were runtime dependencies)",
                 output={"site_packages_mb": install_check.ORIGINAL_INSTALL_MB})
    _progress(before)
    try:
        r = install_check.run_check()
    except (install_check.CheckFailed, OSError, ValueError) as exc:
        return [before, skipped("pip install spikecheck (default)", "site-packages", "-", None,
                                str(exc)[:200], role="install")]
    row = Row("pip install spikecheck (default)", "site-packages", "-", role="install", runs=1,
              times_s=[r.install_s], median_s=r.install_s,
              note=f"{r.site_packages_mb:.0f} MB, "
                   f"{install_check.ORIGINAL_INSTALL_MB / r.site_packages_mb:.1f}x smaller; "
                   "time: wheel install with downloads",
              output=asdict(r))
    _progress(row)
    return [before, row]


# Anchor runs that would push `make bench` past 20 minutes on 2 cores; --full-anchors
# runs them too. Measured once each (docs/performance.md): EventAccumulator on the 1M
# 5-tag TF2-tensor file 166-177 s and 7 GB; tbparse on the 1M 5-tag file ~110 s, on the
# 100k 5-tag TF2-tensor file 28-39 s and 910 MB.
BUDGET_SKIPS = {
    ("EventAccumulator", "tb-5tag-tensor", 1_000_000),
    ("tbparse", "tb-5tag-simple", 1_000_000),
    ("tbparse", "tb-5tag-tensor", 100_000),
    ("tbparse", "tb-1tag-tensor", 1_000_000),
    ("tbparse", "tb-5tag-tensor", 1_000_000),
}


def bench_tensorboard(n: int, size: str, cap: int, tbparse_skip: str | None,
                      full: bool) -> list[Row]:
    rows: list[Row] = []
    for kind, label in TB_KINDS.items():
        if n > gen.TB_MAX:
            continue
        path = gen.ensure(kind, n)
        entries = []
        if not have_reader("tensorboard"):
            rows.append(skipped("spikecheck", label, size, n,
                                "no TensorBoard reader yet (spikecheck/readers/tensorboard.py)",
                                role="spikecheck"))
        else:
            entries += spikecheck_entries(path, label, size, n)
        skip_ea = not full and ("EventAccumulator", kind, n) in BUDGET_SKIPS
        if not skip_ea:
            entries.append((Row("EventAccumulator (all scalars)", label, size, n),
                            [PY, "-c", EA, str(path)], (0,), check_count(n)))
        rows += measure_interleaved(entries, cap)
        if skip_ea:
            rows.append(skipped("EventAccumulator (all scalars)", label, size, n,
                                "time budget (--full-anchors)"))
        if tbparse_skip:
            rows.append(skipped("tbparse", label, size, n, tbparse_skip))
        elif not full and ("tbparse", kind, n) in BUDGET_SKIPS:
            rows.append(skipped("tbparse", label, size, n, "time budget (--full-anchors)"))
        else:
            rows.append(measure(Row("tbparse", label, size, n), [PY, "-c", TBPARSE, str(path)],
                                cap, check=check_count(n)))
    return rows


def bench_csv(n: int, size: str, cap: int) -> list[Row]:
    path = gen.ensure("csv", n)
    label = "csv step,loss,lr,epoch"
    return measure_interleaved(spikecheck_entries(path, label, size, n) + [
        (Row("pandas.read_csv (default C engine)", label, size, n),
         [PY, "-c", PANDAS, str(path)], (0,), check_count(n)),
        (Row('pandas.read_csv(engine="pyarrow")', label, size, n),
         [PY, "-c", PANDAS_ARROW, str(path)], (0,), check_count(n)),
    ], cap)


def bench_text(n: int, size: str, cap: int) -> list[Row]:
    path = gen.ensure("text", n)
    label = "text iter N: loss X"
    anchors = [
        (Row("python re.finditer scan", label, size, n), [PY, "-c", REGEX, str(path)], (0,),
         check_count(n)),
        (Row("grep -c", label, size, n), ["grep", "-c", "^iter [0-9]*: loss", str(path)], (0,),
         check_count(n)),
    ]
    if not have_reader("text"):
        return [skipped("spikecheck", label, size, n,
                        "no text reader yet (spikecheck/readers/text.py)", role="spikecheck"),
                *measure_interleaved(anchors, cap)]
    return measure_interleaved(spikecheck_entries(path, label, size, n) + anchors, cap)


def bench_json(n: int, size: str, cap: int) -> list[Row]:
    path = gen.ensure("jsonl", n)
    label = "json lines (detectron2)"
    if not have_reader("json"):
        rows = [skipped("spikecheck", label, size, n,
                        "no JSON reader yet (spikecheck/readers/json.py)", role="spikecheck")]
    else:
        rows = spikecheck_rows(path, label, size, n, cap)
    rows.append(measure(Row("python json.loads per line", label, size, n),
                        [PY, "-c", JSON_LOOP, str(path)], cap, check=check_count(n)))
    rows.append(measure(Row("pandas.read_json(lines=True)", label, size, n),
                        [PY, "-c", PANDAS_JSON, str(path)], cap, check=check_count(n)))
    return rows


def bench_engine(n: int, size: str, reads: bool = True) -> list[Row]:
    """The in-process engine micro benchmark (engine_bench.py) in its own process: the
    analysis, and (with reads) the in-process reads of CSV and text beside their anchors."""
    cmd = [PY, str(Path(__file__).with_name("engine_bench.py")), "--steps", str(n), "--json",
           *([] if reads else ["--no-reads"])]
    t, mb, code, out, err = measure_once(cmd)
    if code != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        return [skipped("engine micro benchmark", "numpy arrays", size, n, f"failed: {last}",
                        role="engine")]
    rows = []
    for r in json.loads(out):
        row = Row(r["tool"], r["input"], size, n, role="engine", runs=r["runs"],
                  times_s=r["times_s"], median_s=r["median_s"], peak_mb=r.get("peak_mb"),
                  note=r.get("note", ""))
        _progress(row)
        rows.append(row)
    return rows


def reader_benches(fmt: str, sizes: list[int]) -> list[Row]:
    """Rows of the reader engineers' own reader-only benchmarks, when they have landed.

    Their rows may be long (one tool per row, `median_s`) or wide (one size per row with
    several `<tool>_s` columns, as bench_text.py writes): both become table rows. Keyword
    arguments their run() accepts are used to skip what this harness already measures
    (EventAccumulator) and to cover every event-file flavour.
    """
    module = READER_BENCH.get(fmt)
    here = Path(__file__).resolve().parent
    if module is None or not (here / f"{module}.py").exists():
        return []
    wanted = {"ea": False, "quiet": True, "kinds": list(TB_KINDS)}
    code = (
        "import inspect, json, sys; sys.path.insert(0, sys.argv[1]); import " + module +
        " as m; kw = {k: v for k, v in json.loads(sys.argv[3]).items() "
        "if k in inspect.signature(m.run).parameters}; "
        "print(json.dumps(m.run(json.loads(sys.argv[2]), **kw), default=str))")
    cmd = [PY, "-c", code, str(here), json.dumps(sizes), json.dumps(wanted)]
    t, mb, rc, out, err = measure_once(cmd)
    label = f"{fmt} reader only"
    if rc != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        return [skipped(f"{module}.run", label, "-", None, f"failed: {last[:120]}",
                        role="reader")]
    try:
        records = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return [skipped(f"{module}.run", label, "-", None, "printed no JSON rows", role="reader")]
    rows = []
    for r in records:
        n = next((r[k] for k in ("steps", "lines", "points", "size")
                  if isinstance(r.get(k), int)), None)
        size = gen.size_label(n) if n else str(r.get("size", "-"))
        inp = TB_KINDS.get(r.get("kind"), label)
        extra = {k: v for k, v in r.items() if not k.endswith("_s")}
        if "median_s" in r or "seconds" in r:
            tools = [(f"{module}: {r.get('tool', r.get('name', 'run'))}",
                      r.get("median_s", r.get("seconds")))]
        else:
            tools = [(f"{module}: {k[:-2].replace('_', ' ')}", v) for k, v in r.items()
                     if k.endswith("_s") and not k.endswith("mb_s")]
        for i, (tool, secs) in enumerate(tools):
            note = "in-process"
            if r.get("peak_mb") is not None:
                note += ", peak: tracemalloc"
            if i == 0 and len(tools) > 1:
                note += "; " + ", ".join(f"{k} {v}" for k, v in r.items() if "_vs_" in k)
            row = Row(tool, inp, size, n, role="reader", runs=int(r.get("runs", 1) or 1),
                      times_s=r.get("times_s") or [], median_s=secs,
                      peak_mb=r.get("peak_mb"), note=note, output=extra)
            _progress(row)
            rows.append(row)
    return rows


def bench_fleets(runs: int, repeats: int, dask_python: str | None) -> list[Row]:
    """Many small runs of mixed formats in one command (bench_fleet.py): --jobs 1 and 2
    with the machine's ceiling measured beside them, and the Dask row."""
    rows = []
    for r in bench_fleet.run(runs, repeats, dask_python,
                             progress=lambda s: print(s, file=sys.stderr, flush=True)):
        row = Row(**r)
        _progress(row)
        rows.append(row)
    return rows


def add_ratios(rows: list[Row]) -> None:
    """Each anchor's ratio to spikecheck on the same input and size."""
    sc = {(r.input, r.size, r.tool): r.median_s for r in rows if r.role == "spikecheck"}
    for r in rows:
        if r.role != "anchor" or r.median_s is None or r.input == "start-up":
            continue
        geo = sc.get((r.input, r.size, "spikecheck (geometry)"))
        nogeo = sc.get((r.input, r.size, "spikecheck (period discovery)"))
        if geo:
            r.ratio = round(geo / r.median_s, 3)
            r.x_faster = round(r.median_s / geo, 2)
        if nogeo:
            r.x_faster_nogeom = round(r.median_s / nogeo, 2)


# ------------------------------------------------------------------ targets


def targets(rows: list[Row]) -> list[dict]:
    """The issue's targets, one row each: spikecheck beside its anchor from the same run,
    the ratio, the goal, and whether it is met. Whole-process rows unless the target says
    "in-process"."""
    def find(tool, inp, size):
        for r in rows:
            if r.tool == tool and r.input == inp and r.size == size and r.median_s:
                return r
        return None

    out = []

    def add(name, sc="-", anchor="-", ratio="-", goal="-", met=None, detail=""):
        status = "not measured" if met is None else ("met" if met else "MISSED")
        if met is None and goal == "-":
            status = "for reference"
        out.append({"target": name, "spikecheck": sc, "anchor": anchor, "ratio": ratio,
                    "goal": goal, "status": status, "detail": detail})

    def secs(r):
        return f"{r.median_s:.3f} s" if r.median_s < 1 else f"{r.median_s:.2f} s"

    # start-up: a small log of each format, beside a bare `import numpy`
    numpy_row = find('python -c "import numpy"', "start-up", "-")
    for r in rows:
        if r.tool.startswith("spikecheck small log") and r.median_s:
            what = r.tool.removeprefix("spikecheck small log: ")
            add(f"small log, {what}", secs(r),
                f"import numpy {secs(numpy_row)}" if numpy_row else "-",
                f"{r.median_s / numpy_row.median_s:.1f}x" if numpy_row else "-", "<= 0.35 s",
                r.median_s <= 0.35)
    h = find("spikecheck --help", "start-up", "-")
    if h:
        add("spikecheck --help", secs(h), "-", "-", "< 0.3 s", h.median_s < 0.3)

    imp = find('python -c "import tensorboard EventAccumulator"', "start-up", "-")
    for kind, label in TB_KINDS.items():
        a = find("EventAccumulator (all scalars)", label, "1M")
        s = find("spikecheck (geometry)", label, "1M")
        name = f"{label}, 1M events"
        if a and s:
            x = a.median_s / s.median_s
            add(name, secs(s), f"EventAccumulator {secs(a)}", f"{x:.0f}x faster", ">= 90x",
                x >= 90)
        else:
            add(name, secs(s) if s else "-", "-", "-", ">= 90x", None,
                "EventAccumulator not run by default (--full-anchors)"
                if kind == "tb-5tag-tensor" else "not run")
        # The reading itself: the reader in-process, all scalars kept, against
        # EventAccumulator's process less its interpreter start-up and tensorboard import.
        rd = find("bench_tensorboard: spikecheck all tags", label, "1M")
        if a and rd:
            ea = a.median_s - (imp.median_s if imp else 0.0)
            x = ea / rd.median_s
            add(f"{name}, reading (in-process)", f"{rd.median_s:.3f} s",
                f"EventAccumulator {ea:.2f} s less start-up", f"{x:.0f}x faster", ">= 100x",
                x >= 100)

    for size in ("10M", "1M", "100k"):
        label = "csv step,loss,lr,epoch"
        p = find('pandas.read_csv(engine="pyarrow")', label, size)
        s = find("spikecheck (geometry)", label, size)
        if p and s:
            x = s.median_s / p.median_s
            add(f"CSV {size} rows", secs(s), f"pandas.read_csv(pyarrow) {secs(p)}",
                f"{x:.2f}x", "<= 1.3x", x <= 1.3)
            break
    else:
        add("CSV 10M rows", goal="<= 1.3x", detail="not run")
    eng = {r.tool: r for r in rows if r.role == "engine" and r.size == "10M"}
    rd, an = eng.get("in-process read: csv"), eng.get("in-process anchor: pandas.read_csv(pyarrow)")
    if rd and an and rd.median_s and an.median_s:
        x = rd.median_s / an.median_s
        add("CSV 10M rows, reading (in-process)", secs(rd), f"pandas.read_csv(pyarrow) "
            f"{secs(an)}", f"{x:.2f}x", "<= 1.3x", x <= 1.3)

    label = "text iter N: loss X"
    for size in ("10M", "1M", "100k"):
        a = find("python re.finditer scan", label, size)
        s = find("spikecheck (geometry)", label, size)
        g = find("grep -c", label, size)
        if a and s:
            x = s.median_s / a.median_s
            add(f"text {size} lines", secs(s), f"re.finditer scan {secs(a)}", f"{x:.2f}x",
                "<= 0.5x", x <= 0.5)
            if g:
                add(f"text {size} lines, the floor", secs(s), f"grep -c {secs(g)}",
                    f"{s.median_s / g.median_s:.1f}x")
            break
    else:
        add("text 10M lines", goal="<= 0.5x", detail="not run")
    rd, an = eng.get("in-process read: text"), eng.get("in-process anchor: re.finditer scan")
    if rd and an and rd.median_s and an.median_s:
        x = rd.median_s / an.median_s
        add("text 10M lines, reading (in-process)", secs(rd),
            f"re.finditer scan {secs(an)}", f"{x:.2f}x", "<= 0.5x", x <= 0.5)

    for size, goal in (("1M", 0.3), ("10M", 2.5)):
        e = next((r for r in rows if r.role == "engine" and r.size == size
                  and r.tool == "engine: analyze (geometry)" and r.median_s), None)
        add(f"analysis of {size} points (in-process)", secs(e) if e else "-", "-", "-",
            f"<= {goal} s", (e.median_s <= goal) if e else None, "" if e else "not run")

    # peak memory: each format at the largest size it was run at
    for inp in ["csv step,loss,lr,epoch", "text iter N: loss X", *TB_KINDS.values(),
                "json lines (detectron2)"]:
        mine = [r for r in rows if r.role == "spikecheck" and r.input == inp and r.peak_mb]
        if not mine:
            continue
        top = max(gen.parse_size(r.size) for r in mine)
        size = gen.size_label(top)
        worst = max((r for r in mine if r.size == size), key=lambda r: r.peak_mb)
        anchors = [r for r in rows if r.role == "anchor" and r.input == inp and r.size == size
                   and r.peak_mb and not r.tool.startswith("grep")]
        best = min(anchors, key=lambda r: r.peak_mb) if anchors else None
        add(f"peak memory, {inp}, {size}", f"{worst.peak_mb:.0f} MB",
            f"{best.tool} {best.peak_mb:.0f} MB" if best else "-",
            f"{worst.peak_mb / best.peak_mb:.2f}x" if best else "-", "<= 600 MB",
            worst.peak_mb <= 600, worst.tool)

    def add_value(name, value, goal, met, detail=""):
        """A target with no anchor (the install's size, the fleet's speed-up)."""
        add(name, sc=value, goal=goal, met=met, detail=detail)

    installed = next((r for r in rows if r.tool == "pip install spikecheck (default)"
                      and r.output.get("site_packages_mb")), None)
    half = install_check.ORIGINAL_INSTALL_MB / 2
    if installed:
        mb = installed.output["site_packages_mb"]
        add_value("default install: site-packages", f"{mb:.0f} MB", f"<= {half:.0f} MB (half)",
                  mb <= half, f"{install_check.ORIGINAL_INSTALL_MB} MB before issue 17")
    else:
        add_value("default install: site-packages", "-", f"<= {half:.0f} MB (half)", None,
                  "not run")
    fleet_targets(rows, add_value)
    return out


def fleet_targets(rows: list[Row], add) -> None:
    """Issue 16: --jobs 2 at least 1.7x --jobs 1 on 1,000 runs, the same results, Dask's too."""
    two = next((r for r in rows if r.role == "fleet" and r.output.get("jobs") == 2), None)
    dask = next((r for r in rows if r.role == "fleet" and r.tool.startswith("spikecheck.dask")),
                None)
    if two is None:
        add("fleet: --jobs 2 / --jobs 1, x faster", "-", ">= 1.7x", None, "not run")
        return
    o = two.output
    x, ceiling = o["speedup"], o["ceiling"]
    loads = o.get("load_avg") or [0.0]
    add(f"fleet of {two.size}: --jobs 2, x faster than --jobs 1", f"{x:.2f}x", ">= 1.7x",
        x >= 1.7, f"each repeat {', '.join(map(str, o['speedup_each']))}; the machine gave "
        f"2 processes {ceiling:.2f}x (two --jobs 1 on the halves) and "
        f"{o['ceiling_numpy']:.2f}x (numpy loop) in the same run, load average "
        f"{min(loads):.1f}-{max(loads):.1f}")
    add("fleet: --jobs 2 / two independent processes (same run)", f"{x / ceiling:.2f}",
        ">= 0.9", x / ceiling >= 0.9,
        f"CPU seconds --jobs 2 / --jobs 1: {o['cpu_ratio']:.2f}")
    same = o.get("identical")
    dask_same = dask.output.get("identical") if dask and dask.median_s else None
    add("fleet: identical results --jobs 1, --jobs 2" + (", Dask" if dask_same is not None
                                                         else ""),
        "yes" if same and dask_same is not False else "NO", "identical",
        bool(same) and dask_same is not False,
        dask.note if dask and dask_same is None else "sorted by run, every field")


# ------------------------------------------------------------------ output


def _fmt(v, spec):
    return "" if v is None else format(v, spec)


def table_lines(rows: list[Row], markdown: bool = False) -> list[str]:
    head = ["tool", "input", "size", "runs", "median s", "peak MB", "sc ÷ anchor",
            "x faster", "x faster (discovery)", "note"]
    body = []
    for r in rows:
        body.append([r.tool, r.input, r.size, str(r.runs or ""), _fmt(r.median_s, ".3f"),
                     _fmt(r.peak_mb, ".0f"), _fmt(r.ratio, ".3f"),
                     f"{r.x_faster:,.1f}x" if r.x_faster is not None else "",
                     f"{r.x_faster_nogeom:,.1f}x" if r.x_faster_nogeom is not None else "",
                     _row_note(r)])
    if markdown:
        lines = ["| " + " | ".join(head) + " |",
                 "|" + "|".join("---:" if 3 <= i <= 8 else "---" for i in range(len(head))) + "|"]
        return lines + ["| " + " | ".join(c.replace("|", "\\|") for c in b) + " |" for b in body]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    fmt = "  ".join(("{:>%d}" if 3 <= i <= 8 else "{:<%d}") % w for i, w in enumerate(widths))
    return [fmt.format(*head), fmt.format(*("-" * w for w in widths))] + \
        [fmt.format(*b).rstrip() for b in body]


def _row_note(r: Row) -> str:
    bits = [r.note] if r.note else []
    if r.role == "spikecheck" and r.output.get("verdict"):
        p = r.output.get("period")
        bits.append(f"{r.output['verdict']}" + (f", period {p:g}" if p else ""))
    return "; ".join(bits)


TARGET_HEAD = ["target", "spikecheck", "anchor (same run)", "ratio", "goal", "status"]
TARGET_KEYS = ["target", "spikecheck", "anchor", "ratio", "goal", "status"]


def target_lines(tgts: list[dict], markdown: bool = False) -> list[str]:
    """The one table: each target, spikecheck beside its anchor, ratio, goal, status."""
    body = [[str(t.get(k, "")) for k in TARGET_KEYS] for t in tgts]
    if markdown:
        lines = ["| " + " | ".join(TARGET_HEAD) + " |",
                 "|---|---:|---|---:|---:|---|"]
        return lines + ["| " + " | ".join(c.replace("|", "\\|") for c in b) + " |"
                        for b in body]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(TARGET_HEAD)]
    right = {1, 3, 4}
    fmt = "  ".join(("{:>%d}" if i in right else "{:<%d}") % w for i, w in enumerate(widths))
    return [fmt.format(*TARGET_HEAD), fmt.format(*("-" * w for w in widths))] + \
        [fmt.format(*b).rstrip() for b in body]


DOCS = REPO / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def write_docs(path: Path, meta: dict, rows: list[Row], tgts: list[dict]) -> None:
    """Replace the generated block of docs/performance.md (between the markers)."""
    block = "\n".join([
        BEGIN,
        f"Made by `make bench` (`{meta['command']}`) at commit `{meta['sha']}` on "
        f"{meta['date'][:10]}: {meta['cpus']} CPUs, Python {meta['python']}, load average "
        f"{meta['loadavg_start'][0]:.1f} at start and {meta['loadavg_end'][0]:.1f} at end; "
        f"{meta['total_s'] / 60:.1f} minutes in all (data generation "
        f"{meta['generation_s']:.0f} s).",
        "",
        *target_lines(tgts, markdown=True),
        "",
        *table_lines(rows, markdown=True),
        END,
    ])
    text = path.read_text() if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(head + block + tail)


def git_sha() -> str:
    r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                       text=True)
    return r.stdout.strip() or "nogit"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100k steps only, for iterating")
    ap.add_argument("--sizes", default="100k,1M,10M", help="comma list: 100k,1M,10M")
    ap.add_argument("--formats", default=",".join(FORMATS),
                    help=f"comma list of {','.join(FORMATS)}")
    ap.add_argument("--runs", type=int, default=5, help="runs of fast commands (median)")
    ap.add_argument("--full-anchors", action="store_true",
                    help="also the slowest anchor runs skipped for the 20-minute budget")
    ap.add_argument("--reader-bench-max", type=gen.parse_size, default="1M",
                    help="largest size passed to bench_tensorboard/bench_text run()")
    ap.add_argument("--no-install", action="store_true", help="do not pip install tbparse")
    ap.add_argument("--fleet-runs", type=int, default=1000, help="runs in the fleet rows")
    ap.add_argument("--fleet-repeats", type=int, default=3,
                    help="repeats of --jobs 1, --jobs 2 and the ceiling (medians)")
    ap.add_argument("--dask-python", metavar="PATH",
                    help="a Python with dask and distributed for the Dask row (default: this "
                         "one, $SPIKECHECK_DASK_PYTHON or .venv-dask/bin/python)")
    ap.add_argument("--all-rows", action="store_true",
                    help="also print every measurement (the targets table is always printed)")
    ap.add_argument("--write-docs", action="store_true",
                    help="put the table and targets into docs/performance.md")
    ap.add_argument("--docs-from", type=Path, metavar="JSON",
                    help="only write docs/performance.md from a saved bench-<sha>.json")
    ap.add_argument("--out", type=Path, help="JSON path (default bench-results/bench-<sha>.json)")
    args = ap.parse_args(argv)
    if args.docs_from:
        saved = json.loads(args.docs_from.read_text())
        rows = [Row(**r) for r in saved["rows"]]
        write_docs(DOCS, saved["meta"], rows, targets(rows))  # targets as defined now
        print(f"table of {args.docs_from.name} written to {DOCS.relative_to(REPO)}")
        return 0

    sizes = [gen.parse_size(s) for s in ("100k" if args.quick else args.sizes).split(",")]
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        ap.error(f"unknown formats: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    load_start = os.getloadavg()
    sha = git_sha()
    print(f"spikecheck bench @ {sha}: sizes {', '.join(map(gen.size_label, sizes))}; "
          f"formats {', '.join(formats)}; data in {gen.CACHE}", file=sys.stderr)
    for fmt in ("tensorboard", "text"):
        if fmt in formats and not have_reader(fmt):
            print(f"note: {READER_MODULE[fmt]} does not exist yet: spikecheck on {fmt} "
                  "is skipped, the anchors still run", file=sys.stderr)

    t0 = time.perf_counter()
    for n in sizes:  # generate (or find cached) everything first, so timings are not mixed in
        for kind in gen.KINDS:
            fmt = {"jsonl": "json"}.get(kind, "tensorboard" if kind.startswith("tb-") else kind)
            if fmt in formats and not (fmt in ("tensorboard", "json") and n > gen.TB_MAX):
                gen.ensure(kind, n)
    gen_s = time.perf_counter() - t0

    compile_package()  # every row times spikecheck as installed: its modules byte-compiled
    rows: list[Row] = []
    if "startup" in formats:
        rows += bench_startup(max(args.runs, 7))
    tbparse_skip = ensure_tbparse(not args.no_install) if "tensorboard" in formats else None
    for n in sizes:
        size = gen.size_label(n)
        if "tensorboard" in formats and n <= gen.TB_MAX:
            rows += bench_tensorboard(n, size, args.runs, tbparse_skip, args.full_anchors)
        if "csv" in formats:
            rows += bench_csv(n, size, args.runs)
        if "text" in formats:
            rows += bench_text(n, size, args.runs)
        if "json" in formats and n <= gen.TB_MAX:
            rows += bench_json(n, size, args.runs)
    if "engine" in formats:
        if max(sizes) > 1_000_000:  # the 1M analysis target, arrays only
            rows += bench_engine(1_000_000, "1M", reads=False)
        rows += bench_engine(max(sizes), gen.size_label(max(sizes)))
    if "install" in formats:
        rows += bench_install()
    if "fleet" in formats:
        rows += bench_fleets(args.fleet_runs, args.fleet_repeats, args.dask_python)
    for fmt in ("tensorboard", "text"):
        if fmt in formats:
            rows += reader_benches(fmt, [n for n in sizes if n <= args.reader_bench_max])
    add_ratios(rows)
    tgts = targets(rows)
    total_s = time.perf_counter() - started

    cmdline = "python tests/bench/run.py" + ("" if argv is None and len(sys.argv) == 1
                                             else " " + " ".join(argv or sys.argv[1:]))
    print()
    print(f"spikecheck bench @ {sha} — {platform.node()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; each row a fresh process (start-up "
          f"included) unless it says in-process; median of runs taken in turns with its "
          f"anchor; warm page cache")
    print("\n".join(target_lines(tgts)))
    print(f"\ntotal {total_s:.0f} s (data generation {gen_s:.0f} s); load average "
          f"{load_start[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end; every "
          "measurement (runs, peak MB, both spikecheck modes, all anchors) is in the files "
          "below, and printed with --all-rows")
    if args.all_rows:
        print()
        print("\n".join(table_lines(rows)))

    OUT.mkdir(exist_ok=True)
    out = args.out or OUT / f"bench-{sha}.json"
    meta = {"sha": sha, "date": dt.datetime.now().isoformat(timespec="seconds"),
            "host": platform.node(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "command": cmdline,
            "total_s": round(total_s, 1), "generation_s": round(gen_s, 1),
            "loadavg_start": load_start, "loadavg_end": os.getloadavg()}
    out.write_text(json.dumps({"meta": meta, "rows": [asdict(r) for r in rows],
                               "targets": tgts}, indent=1))
    md = out.with_suffix(".md")
    md.write_text("\n".join(target_lines(tgts, markdown=True)) + "\n\n" +
                  "\n".join(table_lines(rows, markdown=True)) + "\n")
    print(f"rows written to {out.relative_to(REPO) if REPO in out.parents else out} "
          f"(markdown: {md.name})")
    if args.write_docs:
        write_docs(DOCS, meta, rows, tgts)
        print(f"table written to {DOCS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
