"""Broken TensorBoard event files: empty, garbage, cut at every byte near the end, a
length field claiming 2^63 bytes, a bad CRC in the middle. The README promises: a cut
final record is normal, a bad-CRC record is skipped and counted, a length field larger
than the file is never allocated. (The event files are built byte by byte by
tests/hostile/badinputs.py; the reader itself is spikecheck/readers/tensorboard.py.)"""

from __future__ import annotations

import struct
import tracemalloc

import pytest
from hostile import badinputs as bad
from hostile.harness import error_line, graceful, invoke, runs

from spikecheck.readers import ReadError, ReadOptions
from spikecheck.readers.registry import read_input

NAME = bad.EVENT_NAME
FULL = bad.SPE * bad.EPOCHS
OPTS = ReadOptions(steps_per_epoch=bad.SPE)


def write(tmp_path, data: bytes, name: str = NAME):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def analyse(path):
    res = invoke(path, "--steps-per-epoch", bad.SPE, "--format", "json")
    assert graceful(res, path) == "analysis", res.output
    (run,) = runs(res)
    return run


def records_left(data: bytes, cut: int) -> int:
    """TFRecords wholly after the cut."""
    n, pos = 0, 0
    while pos < len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        n += pos >= cut
        pos += 16 + length
    return n


def test_empty_event_file(tmp_path):
    assert "file is empty" in error_line(invoke(write(tmp_path, b"")))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_garbage_named_like_an_event_file(tmp_path, seed):
    p = write(tmp_path, bad.garbage(10000, seed))
    assert graceful(invoke(p), p) == "error"
    assert graceful(invoke(p, "--input-format", "tensorboard"), p) == "error"


def test_a_run_directory_of_empty_and_garbage_event_files(tmp_path):
    write(tmp_path, b"", NAME)
    write(tmp_path, bad.garbage(), NAME.replace(".0", ".1"))
    res = invoke(tmp_path)
    assert graceful(res, tmp_path) == "error"


def test_cut_at_every_byte_near_the_end(tmp_path):
    """Every point read is a point of the whole file; only the cut record is lost."""
    data = bad.event_file_bytes()
    whole = read_input(str(write(tmp_path, data, "whole." + NAME)), OPTS)[0]
    full = dict(zip(whole.steps.tolist(), whole.values.tolist()))
    p = tmp_path / NAME
    for cut in range(len(data) - 200, len(data)):
        p.write_bytes(data[:cut])
        (s,) = read_input(str(p), OPTS)
        got = dict(zip(s.steps.tolist(), s.values.tolist()))
        assert all(full[k] == v for k, v in got.items()), cut
        assert len(got) >= len(full) - records_left(data, cut) - 1, cut


def test_cut_in_the_first_records(tmp_path):
    data = bad.event_file_bytes()
    p = tmp_path / NAME
    for cut in range(1, 300):
        p.write_bytes(data[:cut])
        graceful(invoke(p), p)


def test_cut_file_warns_that_the_last_record_is_incomplete(tmp_path):
    run = analyse(write(tmp_path, bad.event_file_bytes()[:-7]))
    assert run["points"] == FULL - 1
    assert any("incomplete" in w or "cut" in w for w in run["warnings"])


@pytest.mark.parametrize("where", ["end", "middle"])
def test_a_length_field_claiming_2_to_the_63_is_not_allocated(tmp_path, where):
    p = write(tmp_path, bad.event_file_huge_length(where))
    tracemalloc.start()
    try:
        (s,) = read_input(str(p), OPTS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 << 20, f"peak {peak / 2**20:.0f} MB"
    assert len(s) >= FULL // 2
    run = analyse(p)
    assert run["verdict"] == "epoch-aligned-spikes"
    assert run["warnings"], "the bad record must be reported"


def test_a_length_field_claiming_2_to_the_63_first(tmp_path):
    n = struct.pack("<Q", 1 << 63)
    data = n + struct.pack("<I", bad.masked_crc(n)) + b"\0" * 64
    p = write(tmp_path, data)
    res = invoke(p)
    assert graceful(res, p) == "error"


def test_a_bad_crc_in_the_middle_is_skipped_and_counted(tmp_path):
    mid = FULL // 2
    p = write(tmp_path, bad.event_file_bytes(bad_crc_at=mid))
    (s,) = read_input(str(p), OPTS)
    assert len(s) == FULL - 1 and mid not in s.steps.tolist()
    run = analyse(p)
    assert run["verdict"] == "epoch-aligned-spikes"
    assert any("CRC" in w for w in run["warnings"])


def test_a_bad_length_crc_in_the_middle(tmp_path):
    data = bytearray(bad.event_file_bytes())
    pos = 0
    for _ in range(FULL // 2):
        (length,) = struct.unpack_from("<Q", data, pos)
        pos += 16 + length
    data[pos + 8] ^= 0xFF  # the masked CRC of the length field
    run = analyse(write(tmp_path, bytes(data)))
    assert run["points"] >= FULL // 2 - 1
    assert run["warnings"]


def test_garbage_appended_after_valid_records(tmp_path):
    run = analyse(write(tmp_path, bad.event_file_bytes() + bad.garbage(3000)))
    assert run["points"] == FULL
    assert run["warnings"]


def test_nan_and_inf_scalars(tmp_path):
    steps, values = bad.loss_curve()
    values = values.copy()
    values[100::50] = float("nan")
    values[101::50] = float("inf")
    run = analyse(write(tmp_path, bad.event_file_bytes(steps, values)))
    assert run["normalization"]["dropped_nonfinite"] == 16
    assert run["normalization"]["first_nonfinite_step"] == 100


def test_steps_going_backwards_in_an_event_file(tmp_path):
    steps, values = bad.loss_curve()
    first = bad.event_file_bytes(steps[:300], values[:300] * 5)
    # a second writer session starting over at step 200 (resumed from a checkpoint)
    second = b"".join(bad.tfrecord(bad.event(int(s), "train/loss", float(v), 2e9 + i))
                      for i, (s, v) in enumerate(zip(steps[200:], values[200:])))
    run = analyse(write(tmp_path, first + second))
    assert run["points"] == FULL
    assert run["verdict"] == "epoch-aligned-spikes"


def test_read_errors_are_read_errors(tmp_path):
    """Only ReadError leaves read_input for a broken event file."""
    p = write(tmp_path, bad.garbage(5000))
    with pytest.raises(ReadError):
        read_input(str(p), OPTS)
