"""Where one spikecheck command spends its time: cProfile of the whole CLI, imports included.

Prints the wall time split into imports, read, analyze and render (cumulative seconds of
the functions that do them) and the top functions by own time. With --memory (first
argument) it runs without the profiler and prints the process's peak RSS before and
after the read and the analysis instead.

    python tests/bench/profile_cli.py bench-results/data/train-10M.csv -N 22228 -B 16 -f json
    python tests/bench/profile_cli.py --memory bench-results/data/train-10M.csv -f json
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import resource
import sys
import time

STAGES = {  # label: (file suffix, function name) whose cumulative time is the stage
    "read": ("spikecheck/readers/registry.py", "read_input"),
    "analyze": ("spikecheck/engine/analyze.py", "analyze"),
    "render": ("spikecheck/cli.py", "_render"),
}


def profile(argv: list[str], top: int = 25) -> str:
    """Run `spikecheck argv` under cProfile; the stage split and the top functions."""
    sys.argv = ["spikecheck", *argv]
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    try:
        from spikecheck.cli import run

        run()
    except SystemExit:
        pass
    finally:
        prof.disable()
    wall = time.perf_counter() - t0
    sys.stdout = sys.__stdout__
    st = pstats.Stats(prof)
    out = io.StringIO()
    print(f"spikecheck {' '.join(argv)}\nwall {wall:.3f} s under cProfile", file=out)
    for label, (suffix, name) in STAGES.items():
        cum = sum(v[3] for k, v in st.stats.items() if k[0].endswith(suffix) and k[2] == name)
        print(f"  {label:<8} {cum:7.3f} s", file=out)
    imports = sum(v[3] for k, v in st.stats.items()
                  if k[2] == "_find_and_load" and "importlib" in k[0])
    print(f"  imports  {imports:7.3f} s (all imports; lazy ones overlap the stages)", file=out)
    st.stream = out
    st.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB."""
    with open("/proc/self/statm") as f:
        current = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(argv: list[str]) -> str:
    """Peak and current RSS around the read and the analysis of `spikecheck argv`."""
    import spikecheck.engine
    import spikecheck.readers.registry as registry

    log = []

    def wrap(owner, name, label):
        inner = getattr(owner, name)

        def hooked(*a, **kw):
            before = _rss_mb()
            t0 = time.perf_counter()
            out = inner(*a, **kw)
            if label == "read":
                out = list(out)
            after = _rss_mb()
            log.append(f"  {label:<8} {time.perf_counter() - t0:7.3f} s  RSS {before[0]:6.0f} -> "
                       f"{after[0]:6.0f} MB, peak {before[1]:6.0f} -> {after[1]:6.0f} MB")
            return out
        setattr(owner, name, hooked)

    wrap(registry, "read_input", "read")
    wrap(spikecheck.engine, "analyze", "analyze")
    log.append(f"  start    RSS {_rss_mb()[0]:.0f} MB (imports so far)")
    sys.argv = ["spikecheck", *argv]
    try:
        from spikecheck.cli import run

        run()
    except SystemExit:
        pass
    log.append(f"  end      peak {_rss_mb()[1]:.0f} MB")
    return f"spikecheck {' '.join(argv)}\n" + "\n".join(log) + "\n"


if __name__ == "__main__":
    args = sys.argv[1:]
    real_stdout = sys.stdout
    sys.stdout = io.StringIO()  # spikecheck's own report is not wanted here
    if args and args[0] == "--memory":
        report = memory(args[1:])
    else:
        report = profile(args)
    real_stdout.write(report)
