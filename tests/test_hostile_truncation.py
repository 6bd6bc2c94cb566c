"""A valid log cut at every byte offset near its end (a run still writing, a disk that
filled): either a ReadError, or series whose every point is a point of the whole file
with its value unchanged. A number cut short (0.4312 read as 0.4, step 120 as 12) would
be a wrong answer; so would a verdict from data that is not there."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hostile import badinputs as bad
from hostile.harness import graceful, invoke

from spikecheck.readers import ReadError, ReadOptions
from spikecheck.readers.registry import read_input

OPTS = ReadOptions(steps_per_epoch=bad.SPE)
TAIL = 100  # bytes cut off the end, one offset at a time


def points(path) -> dict[int, float]:
    (s,) = read_input(str(path), OPTS)
    return dict(zip(s.steps.tolist(), s.values.tolist()))


def lines_left(data: bytes, cut: int) -> int:
    """Lines wholly after the cut."""
    return data[cut:].count(b"\n")


def check_cuts(tmp_path, name: str, data: bytes, offsets=None, min_points: int = 8,
               left=lines_left):
    whole_path = tmp_path / ("whole-" + name)
    whole_path.write_bytes(data)
    whole = points(whole_path)
    path = tmp_path / name
    errors = 0
    for cut in offsets if offsets is not None else range(len(data) - TAIL, len(data)):
        path.write_bytes(data[:cut])
        try:
            got = points(path)
        except ReadError:
            errors += 1
            continue
        assert len(got) >= min(min_points, len(whole)) or not got
        wrong = {s: v for s, v in got.items() if whole.get(s) != v}
        assert not wrong, f"cut at {cut}: points not in the whole file: {list(wrong.items())[:3]}"
        # only the records cut off, and the one cut through, are lost
        assert len(got) >= len(whole) - left(data, cut) - 1, (cut, len(got), len(whole))
    return errors


@pytest.mark.parametrize("name,make", [
    ("run.csv", bad.csv_bytes),
    ("run.tsv", lambda: bad.csv_bytes(delim="\t")),
    ("metrics.json", bad.jsonl_bytes),
])
def test_tables_and_json_lines_cut_near_the_end(tmp_path, name, make):
    assert check_cuts(tmp_path, name, make()) == 0


@pytest.mark.parametrize("style", sorted(bad.text_style_lines()))
def test_text_logs_cut_near_the_end(tmp_path, style):
    data = bad.text_style_lines()[style]
    assert check_cuts(tmp_path, "train.log", data, range(len(data) - TAIL, len(data), 3)) == 0


def test_trainer_state_cut_anywhere_is_an_error(tmp_path):
    """A JSON document cut short is not JSON: exit 2, never a partial answer."""
    data = bad.trainer_state_bytes()
    p = tmp_path / "trainer_state.json"
    for cut in list(range(len(data) - 40, len(data) - 1)) + [1, 10, len(data) // 2]:
        p.write_bytes(data[:cut])
        if data[:cut].rstrip().endswith(b"}") and cut >= len(data) - 2:
            continue
        res = invoke(p)
        assert graceful(res, p) == "error"


@pytest.mark.parametrize("name,make", [
    ("run.csv.gz", bad.csv_bytes),
    ("train.log.gz", bad.nanogpt_bytes),
    ("metrics.json.gz", bad.jsonl_bytes),
])
def test_gzip_cut_near_the_end(tmp_path, name, make):
    """A gzip stream cut short: exit 2 'cannot decompress', or the points before the cut."""
    data = gzip.compress(make(), mtime=0)
    whole = tmp_path / "whole"
    whole.write_bytes(data)
    full = points(whole)
    p = tmp_path / name
    for cut in list(range(len(data) - 40, len(data))) + [len(data) // 2, 30]:
        p.write_bytes(data[:cut])
        res = invoke(p, "--steps-per-epoch", bad.SPE)
        if graceful(res, p) == "analysis":
            got = points(p)
            assert all(full.get(s) == v for s, v in got.items())


def test_cut_csv_row_is_named_in_a_warning(tmp_path):
    data = bad.csv_bytes()
    p = tmp_path / "run.csv"
    p.write_bytes(data[:-4])
    res = invoke(p, "--steps-per-epoch", bad.SPE, "--format", "json")
    assert graceful(res) == "analysis"
    assert "no line end" in res.stdout


def test_a_final_row_without_line_end_is_read_when_it_cannot_be_cut(tmp_path):
    """W&B exports end without a line end; a last field closed by a quote is whole."""
    steps, values = bad.loss_curve()
    text = "step,loss,run\n" + "".join(f'{s},{v},"a"\n' for s, v in zip(steps, values))
    (tmp_path / "w.csv").write_bytes(text.rstrip("\n").encode())
    assert len(points(tmp_path / "w.csv")) == steps.size
    text = "step,loss\n" + "".join(f'{s},"{v}"\n' for s, v in zip(steps, values))
    (tmp_path / "q.csv").write_bytes(text.rstrip("\n").encode())
    got = points(tmp_path / "q.csv")
    assert len(got) == steps.size and np.isclose(got[int(steps[-1])], values[-1])
