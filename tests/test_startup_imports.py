"""What a small log's whole command loads: the start-up a CI job pays on every run.

Each test runs the real command line in a fresh interpreter and looks, as it exits, at the
modules it imported and the threads it holds; a module pulled back into the path (an
import moved to the top of a file) fails here, whatever the machine's speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

# The bench's small-log rows (tests/bench/run.py bench_startup): one log per format.
SMALL_LOGS = {
    "csv": (FIXTURES / "example-buggy.csv", ["-N", "1777", "-B", "16"]),
    "text": (FIXTURES / "heldout/hf/hf-friedman-adamw-b16-r1-buggy.printed.log", []),
    "json": (FIXTURES / "heldout/hf/hf-friedman-adamw-b16-r1-buggy.trainer_state.json", []),
    "tensorboard": (FIXTURES / "tensorboard/torch-newstyle", []),
}
# Never needed to read and analyse a small local log and print JSON: pyarrow is for big
# CSVs, rich for the terminal, gzip/tempfile/shutil for compressed, piped or remote input.
# numpy.ma: numpy 2.x imports it on the first np.unique, np.median or np.quantile (6-10 ms);
# the engine uses spikecheck.nomask's copies of those instead.
NOT_FOR_A_SMALL_LOG = ("pyarrow", "pandas", "rich", "matplotlib", "scipy", "gzip",
                       "tempfile", "shutil", "numpy.ma")
# The other readers: a TensorBoard directory is read without importing them.
OTHER_READERS = ("spikecheck.readers.csv", "spikecheck.readers.json",
                 "spikecheck.readers.text")

PROBE = """
import atexit, json, os, sys
OUT = sys.argv[1]
def report():
    tasks = os.listdir("/proc/self/task") if os.path.isdir("/proc/self/task") else None
    text, lines = (sys.modules.get("spikecheck.readers." + m) for m in ("text", "textlines"))
    lazy = [v for v in vars(lines).values() if isinstance(v, lines.LazyPattern)] if lines else []
    lazy += [v for d in ("_EPOCH_RX", "_COUNTER_RX") for v in getattr(lines, d, {}).values()]
    with open(OUT, "w") as f:
        json.dump({"modules": sorted(sys.modules), "threads": len(tasks) if tasks else None,
                   "openblas": os.environ.get("OPENBLAS_NUM_THREADS"),
                   "styles_compiled": len(text._COMPILED) if text else 0,
                   "line_model_compiled": sum(p._rx is not None for p in lazy)}, f)
atexit.register(report)
sys.argv = ["spikecheck", *sys.argv[2:]]
from spikecheck.cli import run
run()
"""


def probe(tmp_path: Path, args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run `spikecheck args` in a fresh interpreter; its modules, threads and BLAS setting
    as it exits."""
    out = tmp_path / "probe.json"
    res = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], capture_output=True,
                         text=True, env=env, cwd=ROOT)  # `-c` imports this checkout's package
    assert res.returncode in (0, 1), res.stderr
    json.loads(res.stdout)  # the report was printed
    return json.loads(out.read_text())


@pytest.mark.parametrize("fmt", sorted(SMALL_LOGS))
def test_a_small_log_loads_only_what_its_path_needs(fmt, tmp_path):
    path, flags = SMALL_LOGS[fmt]
    seen = probe(tmp_path, [str(path), *flags, "--format", "json"])
    loaded = [m for m in NOT_FOR_A_SMALL_LOG if m in seen["modules"]]
    assert loaded == []
    if fmt == "tensorboard":
        assert [m for m in OTHER_READERS if m in seen["modules"]] == []


def test_a_small_text_log_compiles_only_the_styles_its_text_could_match(tmp_path):
    """Sniffing compiles a style's expression only where the text holds the literals every
    line of the style holds, and a log a listed style reads never compiles the line
    model's expressions (19 styles and the line model were 8-9 ms of the start-up)."""
    path, flags = SMALL_LOGS["text"]
    seen = probe(tmp_path, [str(path), *flags, "--format", "json"])
    assert 1 <= seen["styles_compiled"] <= 4
    assert seen["line_model_compiled"] == 0


def _without_blas_setting() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("OPENBLAS_NUM_THREADS", None)
    return env


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="threads counted in /proc")
def test_the_command_line_starts_no_blas_threads(tmp_path):
    path, flags = SMALL_LOGS["csv"]
    seen = probe(tmp_path, [str(path), *flags, "-f", "json"], env=_without_blas_setting())
    assert seen["openblas"] == "1"
    assert seen["threads"] == 1  # OpenBLAS would start one per core as numpy loads


def test_a_blas_thread_count_the_user_chose_is_kept(tmp_path):
    path, flags = SMALL_LOGS["csv"]
    env = {**_without_blas_setting(), "OPENBLAS_NUM_THREADS": "2"}
    seen = probe(tmp_path, [str(path), *flags, "-f", "json"], env=env)
    assert seen["openblas"] == "2"
