"""A big plain ASCII CSV is handed to pyarrow as a path (read with its own threads) rather
than through the _CompleteLines stream: the same series either way, and the stream still
takes every file it must change (a cut last line, a line over HOLD, other bytes, gzip)."""

from __future__ import annotations

import dataclasses
import gzip
import random

import numpy as np
import pytest

from spikecheck.readers import ReadOptions
from spikecheck.readers import csv as C
from spikecheck.readers.interface import InputSource
from spikecheck.readers.registry import read_input


def _big_csv(rng: random.Random, rows: int, end: str = "\n") -> str:
    out = ["step,loss,lr,epoch"]
    for i in range(rows):
        loss = rng.choice([f"{rng.uniform(0, 9):.6f}", "nan", "", "inf", "1e-05", "-0.0"])
        step = str(i) if rng.random() > 0.001 else ""
        out.append(f"{step},{loss},{rng.uniform(0, 1):.6g},{i // 1390}")
    return end.join(out) + end


def _same(a, b) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert np.array_equal(x, y, equal_nan=True) and x.dtype == y.dtype, f.name
        else:
            assert x == y, f.name


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_big_plain_csv_reads_the_same_as_a_path(tmp_path, monkeypatch, end):
    monkeypatch.setattr(C, "BIG_BYTES", 1 << 20)  # a smaller "big" file, a faster test
    p = tmp_path / "metrics.csv"
    p.write_text(_big_csv(random.Random(0), 60_000, end), newline="")
    assert p.stat().st_size >= C.BIG_BYTES
    assert C._passes_through(InputSource.from_arg(str(p)), "utf-8") == str(p)
    direct = read_input(str(p), ReadOptions())
    monkeypatch.setattr(C, "_passes_through", lambda src, enc: None)
    streamed = read_input(str(p), ReadOptions())
    assert len(direct) == len(streamed) == 1
    _same(direct[0], streamed[0])


def test_files_the_stream_must_change_are_not_passed_through(tmp_path, monkeypatch):
    monkeypatch.setattr(C, "BIG_BYTES", 1 << 20)
    text = _big_csv(random.Random(1), 60_000)
    cut = tmp_path / "cut.csv"
    cut.write_text(text + "320000,0.4")  # a last line with no line end: held back
    other = tmp_path / "latin.csv"
    other.write_bytes(text.encode() + b"320000,0.5,0.1,230\n# caf\xe9\n")  # not ASCII
    gz = tmp_path / "m.csv.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    monkeypatch.setattr(C._CompleteLines, "HOLD", 1 << 20)
    long = tmp_path / "long.csv"
    long.write_text(text + "x" * (2 << 20) + "\n")  # a line over HOLD: skipped and counted
    for p in (cut, other, gz, long):
        assert C._passes_through(InputSource.from_arg(str(p)), "utf-8") is None, p.name
    (s,) = read_input(str(long), ReadOptions())
    assert any("longer than" in n for n in s.notes)
    (s,) = read_input(str(cut), ReadOptions())
    assert any("no line end" in n for n in s.notes)
