"""CSV tables of unusual shape: a header longer than the head the layout was sniffed on
(100 000 columns, a megabyte column name), a first line too long to be a header, one
column, and tables so wide that each block of a read held a few rows (a chunk per column
per block: minutes to list). Each is read, or refused with a line that says why."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hostile import badinputs as bad
from hostile.harness import error_line, graceful, invoke, runs

from spikecheck.readers.csv import _CompleteLines, _read_columns, sniff_layout
from spikecheck.readers.interface import InputSource

SPE, EPOCHS = 10, 6


def wide_csv(path, columns: int, loss_at: str = "first"):
    """A run of SPE x EPOCHS rows beside `columns` other columns (zeros)."""
    steps, values = bad.loss_curve(spe=SPE, epochs=EPOCHS)
    others = [f"c{i}" for i in range(columns)]
    zeros = ",".join("0" for _ in range(columns))
    with open(path, "w") as f:
        if loss_at == "first":
            f.write(",".join(["step", "loss", *others]) + "\n")
            f.writelines(f"{s},{v!r},{zeros}\n" for s, v in zip(steps, values.tolist()))
        else:
            f.write(",".join([*others, "step", "loss"]) + "\n")
            f.writelines(f"{zeros},{s},{v!r}\n" for s, v in zip(steps, values.tolist()))
    return path


@pytest.mark.parametrize("loss_at", ["first", "last"])
def test_a_header_of_100k_columns_is_read(tmp_path, loss_at):
    """The header (690 KB) is longer than the 256 KB head: "not a delimited table"."""
    p = wide_csv(tmp_path / "wide.csv", 100_000, loss_at)
    res = invoke(p, "--format", "json", "--steps-per-epoch", SPE)
    assert graceful(res) == "analysis", res.output
    (run,) = runs(res)
    assert run["points"] == SPE * EPOCHS and run["metric"] == "loss"


def test_a_megabyte_column_name(tmp_path):
    """Over the csv module's field limit (128 KB): the header was no table at all."""
    steps, values = bad.loss_curve()
    p = tmp_path / "run.csv"
    p.write_bytes(b"step,loss," + b"x" * (1 << 20) + b"\n" +
                  b"".join(b"%d,%r,0\n" % (s, v) for s, v in zip(steps, values.tolist())))
    (run,) = runs(invoke(p, "--format", "json", "--steps-per-epoch", bad.SPE))
    assert run["points"] == steps.size


def test_a_first_line_too_long_for_a_header_says_so(tmp_path, monkeypatch):
    """(The 8 MB limit made 64 KB, the header 330 KB: the same path.) Once the text
    reader's "no training-loss lines" about a table."""
    monkeypatch.setattr(_CompleteLines, "HOLD", 1 << 16)
    p = tmp_path / "run.csv"
    p.write_bytes(b",".join(b"c%d" % i for i in range(50_000)) + b",step,loss\n1,2\n")
    res = invoke(p)
    assert graceful(res, p) == "error"
    assert "its first line is longer than" in error_line(res)
    assert "not a table header" in error_line(res)


@pytest.mark.parametrize("log_every", [None, 10])
def test_one_loss_column(tmp_path, log_every):
    """`loss` then a number a line: refused as "not a delimited table", even with
    --log-every."""
    steps, values = bad.loss_curve()
    p = tmp_path / "loss.csv"
    p.write_bytes(b"loss\n" + b"".join(b"%r\n" % v for v in values.tolist()))
    args = ["--log-every", log_every] if log_every else []
    (run,) = runs(invoke(p, "--format", "json", *args))
    assert run["points"] == steps.size
    step = log_every or 1
    assert run["last_step"] - run["first_step"] == (steps.size - 1) * step


def test_a_header_line_then_numbers_is_not_one_column_of_another_name(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_bytes(b"accuracy\n0.5\n0.6\n0.7\n")
    assert sniff_layout(p.read_bytes()) is None


def test_reads_return_whole_blocks(tmp_path):
    """What one read returns is what pyarrow parses as a block: reads of up to 1 MB made
    blocks of a few rows of a wide table, and a chunk per column per block."""
    p = wide_csv(tmp_path / "wide.csv", 20_000)
    stream = _CompleteLines(io.BytesIO(p.read_bytes()), "utf-8", lambda line: True)
    sizes = []
    while chunk := stream.read(4 << 20):
        sizes.append(len(chunk))
    assert all(s == 4 << 20 for s in sizes[:-1]) and sum(sizes) == p.stat().st_size
    src = InputSource.from_arg(str(p))
    layout = sniff_layout(p.read_bytes()[:1 << 20], cut=True)
    table, _ = _read_columns(src, layout, list(range(len(layout.header))))
    assert max(len(col.chunks) for col in table.values()) == 1
    assert np.asarray(table[1]).size == SPE * EPOCHS
