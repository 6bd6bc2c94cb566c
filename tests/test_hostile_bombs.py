"""Decompression bombs in every format: gzip content that inflates hundreds of times over is
stopped early with one line, in the memory of its first megabytes, at the default limit.

Readers keep every row they read until repeated steps are resolved (about 100 bytes a row
for CSV), so a 150 KB gzip of one repeated CSV row, inflating to 100 MB, took 1.2 GB, and
to the 2 GiB default cap would have taken tens of GB. Real logs compress 3x to about 80x
(the most repetitive console in the public corpus: 77x); the bound is 200x, checked once
16 MiB are inflated. Memory is measured as peak RSS growth in a child interpreter.
"""

from __future__ import annotations

import gzip
import shutil

import pytest
from hostile import badinputs as bad
from hostile import claims
from hostile.harness import graceful, invoke, runs
from test_hostile_budgets import FULL, MB, child

BOMBS = [
    ("run.csv.gz", b"499,1.5\n", lambda: bad.csv_bytes()),
    ("train.log.gz", b"iter 499: loss 1.5000, time 1.0ms, mfu 1.0%\n", bad.nanogpt_bytes),
    ("metrics.json.gz", b'{"iteration": 499, "total_loss": 1.5}\n', bad.jsonl_bytes),
    (bad.EVENT_NAME + ".gz", None, bad.event_file_bytes),
]


@pytest.mark.parametrize("name,unit,head", BOMBS, ids=[b[0] for b in BOMBS])
def test_a_bomb_of_valid_records_stops_early_in_little_memory(tmp_path, name, unit, head):
    """A valid log, then one record repeated to 96 MB: every record parses, so nothing
    but the inflation ratio tells it from a log."""
    if unit is None:
        unit = bad.tfrecord(bad.event(499, "train/loss", 1.5, 1.7e9))
    p = claims.gzip_stream(tmp_path / name, unit, 96 * MB, prefix=head())
    assert p.stat().st_size < 1 * MB
    got = child("read(args[0])", p)
    assert "decompression bomb" in got.get("error", ""), got
    assert "--max-input-bytes 0" in got["error"]
    assert got["grew_mb"] < 150, got


def test_a_bomb_is_one_line_and_exit_2_through_the_command(tmp_path):
    p = claims.gzip_bomb(tmp_path / "run.csv.gz", 64 * MB, prefix=bad.csv_bytes())
    res = invoke(p, "--format", "json")
    assert graceful(res, p.name) == "error"
    assert "decompression bomb" in runs(res)[0]["error"]


def test_real_gzipped_logs_are_far_below_the_bound(tmp_path, fixtures):
    """The bundled logs, gzipped at the highest level, read as before (the bound sits far
    above what a log compresses to)."""
    for src in (fixtures / "example-buggy.csv",
                fixtures / "keras" / "keras3-fit-digits-n1601-b32-buggy.log"):
        p = tmp_path / (src.name + ".gz")
        with open(src, "rb") as f, gzip.open(p, "wb", compresslevel=9) as g:
            shutil.copyfileobj(f, g)
        res = invoke(p, "--format", "json")
        assert graceful(res) == "analysis", res.output


def test_a_repetitive_but_real_sized_log_is_not_a_bomb(tmp_path):
    """A 37 MB nanoGPT-style console whose lines differ only in their numbers (10x at
    gzip -9): read in full."""
    steps, values = bad.loss_curve(spe=40_000, epochs=20)
    p = tmp_path / "train.log.gz"
    with gzip.open(p, "wb", compresslevel=9) as g:
        g.write(bad.nanogpt_bytes(steps, values))
    got = child("read(args[0])", p)
    assert got.get("error") is None, got
    assert got["points"] == [steps.size]


def test_no_limit_reads_a_bomb_as_asked(tmp_path):
    p = claims.gzip_bomb(tmp_path / (bad.EVENT_NAME + ".gz"), 32 * MB,
                         prefix=bad.event_file_bytes())
    got = child("read(args[0], max_input_bytes=0)", p)
    assert got["points"] == [FULL], got
