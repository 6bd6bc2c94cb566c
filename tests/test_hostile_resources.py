"""Bounded resources: memory follows the points kept, not what a line, a length field or
a step claims; a 100 MB line with no newline is read in linear time. Memory is measured
in a child process (ru_maxrss after the imports), so one test cannot hide another's."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hostile import badinputs as bad
from hostile.harness import graceful, invoke

TESTS = Path(__file__).resolve().parent
MB = 1 << 20


def child(code: str, *args, limit_as: int | None = None) -> dict:
    """Run code in a fresh interpreter; it sets `out`; returns out plus the RSS growth."""
    prog = textwrap.dedent(f"""
        import json, resource, sys
        sys.path.insert(0, {str(TESTS)!r})
        if {limit_as!r}:
            resource.setrlimit(resource.RLIMIT_AS, ({limit_as!r}, {limit_as!r}))
        import numpy, spikecheck.readers.registry, spikecheck.engine
        from spikecheck.readers import ReadError, ReadOptions
        from spikecheck.readers.registry import read_input
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = {{}}
        args = sys.argv[1:]
    """) + textwrap.dedent(code) + textwrap.dedent("""
        out["grew_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
        print(json.dumps(out))
    """)
    res = subprocess.run([sys.executable, "-c", prog, *map(str, args)], capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


READ = """
    try:
        out["points"] = [len(s) for s in read_input(args[0], ReadOptions())]
    except ReadError as exc:
        out["error"] = str(exc)
"""


def test_a_100_mb_line_with_no_newline(tmp_path):
    p = bad.write_big_line(tmp_path / "train.log", 100 * MB)
    got = child(READ, p)
    assert "no training-loss lines" in got["error"]
    assert got["grew_mb"] < 80, got  # chunks of a few MB, never the line


@pytest.mark.parametrize("forced", ["csv", "json", "text"])
def test_a_100_mb_line_with_each_reader_forced(tmp_path, forced):
    p = bad.write_big_line(tmp_path / "x", 100 * MB, b"1,2,3;")
    res = invoke(p, "--input-format", forced)
    assert graceful(res, p) == "error"


def test_a_long_line_of_anchors_that_never_find_their_key(tmp_path):
    """`iter: 1 iter: 1 ...`: each anchor once cost a 4000-character scan (4000x the line;
    1 MB took seconds). Now each anchor scans to the next. Timings live in
    tests/hostile/regex_worst_case.py; here 8 MB of it must simply finish."""
    for unit in (b"iter: 1 ", b"Epoch [1][1/2] ", b"1/2 ", b"epoch 001: 1 / 2 ",
                 b"Epoch: [1][1/2] ", b"iteration 1/ 2 |"):
        p = bad.write_big_line(tmp_path / "train.log", 8 * MB, unit)
        (tmp_path / "train.log").open("ab").write(b"\n")
        graceful(invoke(p), p)


def test_memory_follows_the_points_kept_in_a_noisy_text_log(tmp_path):
    """60 MB of warnings around 2000 loss lines: memory for the points, not the file."""
    noise = b"WARNING: something happened in a module far away " * 40 + b"\n"
    steps, values = bad.loss_curve(spe=200, epochs=10)
    lines = bad.nanogpt_bytes(steps, values).splitlines(keepends=True)
    p = tmp_path / "train.log"
    with open(p, "wb") as f:
        for line in lines:
            f.write(noise * 15 + line)
    assert p.stat().st_size > 55 * MB
    got = child(READ, p)
    assert got["points"] == [2000]
    assert got["grew_mb"] < 60, got


def test_memory_of_a_wide_csv_follows_the_columns_read(tmp_path):
    """200 columns, of which two are read."""
    steps, values = bad.loss_curve(spe=1000, epochs=10)
    other = ",".join(["123456.789"] * 198)
    p = tmp_path / "run.csv"
    with open(p, "w") as f:
        f.write("step,loss," + ",".join(f"c{i}" for i in range(198)) + "\n")
        for s, v in zip(steps, values):
            f.write(f"{s},{v},{other}\n")
    assert p.stat().st_size > 19 * MB
    got = child(READ, p)
    assert got["points"] == [10000]
    assert got["grew_mb"] < 120, got


def test_memory_of_json_lines_follows_the_points(tmp_path):
    big = "x" * 20000
    steps, values = bad.loss_curve(spe=300, epochs=10)
    p = tmp_path / "metrics.json"
    with open(p, "w") as f:
        for s, v in zip(steps, values):
            f.write(f'{{"iteration": {s}, "total_loss": {v}, "blob": "{big}"}}\n')
    assert p.stat().st_size > 55 * MB
    got = child(READ, p)
    assert got["points"] == [3000]
    assert got["grew_mb"] < 60, got


def test_an_event_file_claiming_huge_records_everywhere(tmp_path):
    """Every length field says 2^63 - 1: nothing is allocated for them."""
    import struct

    n = struct.pack("<Q", (1 << 63) - 1)
    rec = n + struct.pack("<I", bad.masked_crc(n)) + b"\0" * 16
    p = tmp_path / bad.EVENT_NAME
    p.write_bytes(bad.event_file_bytes() + rec * 2000)
    got = child(READ, p)
    assert got.get("points") == [bad.SPE * bad.EPOCHS] or "error" in got
    assert got["grew_mb"] < 40, got


def test_an_outlier_step_does_not_allocate_per_step_of_the_span():
    got = child("""
        import numpy as np
        from hostile.badinputs import loss_curve
        from spikecheck.engine import analyze
        from spikecheck.geometry import GeometryInputs
        from spikecheck.series import normalize
        s, v = loss_curve()
        s = s.copy(); s[-1] = 10**10
        try:
            r = analyze(normalize(s, v, metric="loss", source="x"),
                        GeometryInputs(steps_per_epoch=50))
            out["verdict"] = r.verdict
        except MemoryError as exc:
            out["error"] = str(exc)
    """, limit_as=3 << 29)
    assert got.get("verdict") == "epoch-aligned-spikes", got
    assert got["grew_mb"] < 200, got


def test_an_outlier_step_is_one_line_not_a_crash(tmp_path):
    """A step of 1e17 with one step per epoch: analysed or one line, never a crash."""
    steps, values = bad.loss_curve()
    steps = steps.copy()
    steps[-1] = 10**17
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes(steps, values))
    graceful(invoke(p, "--steps-per-epoch", 1), p)
