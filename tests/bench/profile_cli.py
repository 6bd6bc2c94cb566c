"""Where one spikecheck command spends its time: cProfile of the whole CLI, imports included.

Prints the wall time split into imports, read, analyze and render (cumulative seconds of
the functions that do them) and the top functions by own time.

    python tests/bench/profile_cli.py bench-results/data/train-10M.csv -N 22228 -B 16 -f json
"""

from __future__ import annotations

import cProfile
import io
import pstats
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


if __name__ == "__main__":
    args = sys.argv[1:]
    real_stdout = sys.stdout
    sys.stdout = io.StringIO()  # spikecheck's own report is not wanted here
    report = profile(args)
    real_stdout.write(report)
