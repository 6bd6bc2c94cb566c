"""The memory budget the docs state, measured the way a user would check it: the peak
resident memory of one `spikecheck FILE` process (what `/usr/bin/time -v` prints as
"Maximum resident set size"), read here from a wrapper process's RUSAGE_CHILDREN.

    peak <= BASE_MB + BYTES_PER_POINT x points read
           (BYTES_PER_ENTRY for a JSON document such as trainer_state.json, parsed whole)

Points read: the rows of a CSV, the loss records of a text log, the records of JSON Lines,
the scalar records of the event files' tag. The base covers the interpreter, numpy and
pyarrow, and the fixed windows every hostile input is read through (a line longer than a
chunk, a 64 MB record, a gzip bomb stopped by its ratio). Each log is analysed twice, at
two sizes: the peak stays under the budget at both, and what the extra points cost is
under the stated bytes a point (the slope, not only the total). No wall-clock assertion.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import adversarial as adv
from hostile import badinputs as bad
from hostile import claims, sized

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20
BASE_MB = 350
BYTES_PER_POINT = 250
BYTES_PER_ENTRY = 600  # JSON documents (trainer_state.json)

WRAPPER = """
import resource, subprocess, sys
res = subprocess.run([sys.executable, "-m", "spikecheck", *sys.argv[1:]],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
print(res.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(res.stderr[-2000:], file=sys.stderr)
"""


def peak_mb(path: Path, *args) -> tuple[int, float]:
    """(exit code, peak RSS in MB) of `spikecheck path args -f json` in its own process."""
    res = subprocess.run([sys.executable, "-c", WRAPPER, str(path), "-f", "json", *map(str, args)],
                         capture_output=True, text=True, timeout=600, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert res.returncode == 0, res.stderr
    code, kb = res.stdout.split()
    return int(code), int(kb) / 1024


# Both sizes take the same path (a text log of 200k lines is past the bulk scan's 8 MB),
# far enough apart that the arrays' growth in steps averages out.
@pytest.mark.parametrize("fmt,small,large", [
    ("csv", 200_000, 800_000),
    ("text", 200_000, 800_000),
    ("jsonl", 200_000, 800_000),
    ("tensorboard", 200_000, 800_000),
    ("trainer_state", 100_000, 400_000),
])
def test_the_peak_stays_within_the_stated_budget(tmp_path, fmt, small, large):
    per_point = BYTES_PER_ENTRY if fmt == "trainer_state" else BYTES_PER_POINT
    peaks = []
    for n in (small, large):
        d = tmp_path / str(n)
        d.mkdir()
        path = sized.write(d, fmt, n)
        code, peak = peak_mb(path, "--steps-per-epoch", 1000)
        assert code in (0, 1), (fmt, n, code)
        assert peak <= BASE_MB + per_point * n / MB, (fmt, n, peak)
        peaks.append(peak)
        path.unlink()
    slope = (peaks[1] - peaks[0]) * MB / (large - small)
    assert slope <= per_point, (fmt, peaks, f"{slope:.0f} bytes a point")


def endless_wide_line(tmp_path: Path) -> Path:
    """A nanoGPT log, then a last line of 40 MB of 4-byte characters with no line end (10M
    characters: read in pieces, 4 bytes each in memory)."""
    p = tmp_path / "train.log"
    p.write_bytes(bad.nanogpt_bytes() + b"iter 1: loss 1 " + "\U0001f600".encode() * (10 << 20))
    return p


def long_csv_line(tmp_path: Path) -> Path:
    p = tmp_path / "long.csv"
    p.write_bytes(adv.csv_with_long_line(64 << 20))
    return p


def large_record(tmp_path: Path) -> Path:
    """An event file whose last record is 60 MB (under the 64 MB a record may be)."""
    p = tmp_path / bad.EVENT_NAME
    p.write_bytes(bad.event_file_bytes() + claims.unknown_field_file(1, 60 << 20))
    return p


def gzip_bomb(tmp_path: Path) -> Path:
    return claims.gzip_stream(tmp_path / "run.csv.gz", b"1,0.5\n", 1 << 30, level=1,
                              prefix=b"step,loss\n")


def long_jsonl_record(tmp_path: Path) -> Path:
    p = tmp_path / "metrics.jsonl"
    p.write_bytes(bad.jsonl_bytes() + b'{"iteration": 9999, "blob": "' + b"a" * (50 << 20)
                  + b'"}\n')
    return p


@pytest.mark.parametrize("make", [endless_wide_line, long_csv_line, large_record, gzip_bomb,
                                  long_jsonl_record])
def test_hostile_inputs_of_few_points_stay_within_the_base(tmp_path, make):
    code, peak = peak_mb(make(tmp_path), "--steps-per-epoch", bad.SPE)
    assert code in (0, 1, 2)
    assert peak <= BASE_MB + BYTES_PER_POINT * bad.SPE * bad.EPOCHS / MB, (make.__name__, peak)


def test_the_docs_state_these_numbers():
    """The budget a user reads is the one measured here."""
    text = " ".join((ROOT / "docs/broken-logs.md").read_text().split())
    stated = re.search(r"at most (\d+) MB plus (\d+) bytes per point read.*?(\d+) bytes per "
                       r"entry of a JSON document", text)
    assert stated, "docs/broken-logs.md states no memory budget"
    assert tuple(map(int, stated.groups())) == (BASE_MB, BYTES_PER_POINT, BYTES_PER_ENTRY)
    assert "Maximum resident set size" in text
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"at most {BASE_MB} MB plus {BYTES_PER_POINT} bytes per point read" in readme
