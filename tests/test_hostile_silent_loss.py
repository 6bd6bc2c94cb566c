"""No silent loss: what reading leaves out is counted in a note (the JSON's warnings), and
step counters that are floats or that overflowed keep every point in write order."""

from __future__ import annotations

import builtins
import json
import os
from pathlib import Path

import numpy as np
import pytest
from hostile import badinputs as bad
from hostile.harness import graceful, invoke, runs

import spikecheck.readers.interface as reader_io
from spikecheck.readers.csv import _CompleteLines

ROOT = Path(__file__).resolve().parents[1]


def analysed(res) -> dict:
    assert graceful(res) == "analysis", res.output
    (run,) = runs(res)
    return run


def warning_with(run: dict, *words: str) -> str:
    hits = [w for w in run["warnings"] if all(x in w for x in words)]
    assert hits, (words, run["warnings"])
    return hits[0]


# --- unreadable parts of a log directory ---------------------------------------------------


def log_dir(tmp_path):
    logdir = tmp_path / "logs"
    for name in ("good", "locked"):
        (logdir / name).mkdir(parents=True)
        (logdir / name / bad.EVENT_NAME).write_bytes(bad.event_file_bytes())
    return logdir


def test_an_unreadable_run_directory_is_a_note(tmp_path, monkeypatch):
    """Simulated (root reads a chmod 000 directory): listing it raises PermissionError."""
    logdir = log_dir(tmp_path)
    locked = str(logdir / "locked")
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    res = invoke(logdir, "--format", "json", "--steps-per-epoch", "20")
    run = analysed(res)
    assert run["source"].endswith("good")
    assert "locked" in warning_with(run, "could not be read", "Permission denied")


def test_an_unreadable_event_file_in_a_log_directory_is_a_note(tmp_path, monkeypatch):
    logdir = log_dir(tmp_path)
    locked = str(logdir / "locked" / bad.EVENT_NAME)

    def guarded_open(file, *args, **kwargs):
        if os.fspath(file) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(reader_io, "open", guarded_open, raising=False)
    res = invoke(logdir, "--format", "json", "--steps-per-epoch", "20")
    # each run of a log directory is its own job: the locked one is an error naming the
    # file (exit 2), the readable one is analysed beside it; nothing is dropped silently
    assert graceful(res, locked) == "error"
    by_error = {bool(r["error"]): r for r in runs(res)}
    assert by_error[False]["verdict"] is not None
    assert "Permission denied" in by_error[True]["error"] and "locked" in by_error[True]["error"]


def test_a_chmod_000_run_directory_for_real(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads a chmod 000 directory; the monkeypatched test covers it")
    logdir = log_dir(tmp_path)
    (logdir / "locked").chmod(0)
    try:
        run = analysed(invoke(logdir, "--format", "json", "--steps-per-epoch", "20"))
    finally:
        (logdir / "locked").chmod(0o755)
    warning_with(run, "could not be read")


@pytest.mark.parametrize("odd", ["fifo", "dangling", "socket"])
def test_an_event_file_that_is_no_regular_file_is_skipped_with_a_note(tmp_path, odd,
                                                                      monkeypatch):
    """A FIFO (or a dangling link, a socket) named like an event file beside a real one:
    once left out without a word; never opened (a FIFO nobody writes would block)."""
    import socket
    import subprocess
    import sys

    logdir = log_dir(tmp_path)
    name = bad.EVENT_NAME.replace("1700000000", "1700000009")
    other = logdir / "good" / name
    if odd == "fifo":
        os.mkfifo(other)
    elif odd == "dangling":
        other.symlink_to(tmp_path / "nowhere")
    else:
        monkeypatch.chdir(other.parent)  # a socket's path is limited to 108 bytes
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(name)
        sock.close()  # the socket file stays
    res = subprocess.run([sys.executable, "-m", "spikecheck", str(logdir), "--format", "json",
                          "--steps-per-epoch", "20"], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert res.returncode in (0, 1), res.stderr
    by_run = {r["run"]: r for r in json.loads(res.stdout)["runs"]}
    assert by_run["good"]["points"] == by_run["locked"]["points"] == bad.SPE * bad.EPOCHS
    skipped = [w["params"]["error"] for w in by_run["good"]["warning_codes"]
               if w["code"] == "file-skipped"]
    what = {"fifo": "a named pipe (FIFO)", "dangling": "a dangling symbolic link",
            "socket": "a socket"}[odd]
    assert skipped == [f"{other}: {what}, not opened"]
    assert not any(w["code"] == "file-skipped" for w in by_run["locked"]["warning_codes"])


# --- step counters -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_float_steps_keep_every_point_in_order(tmp_path, fmt):
    steps, values = bad.loss_curve()
    p = tmp_path / f"half.{fmt}"
    half = steps * 0.5 + 0.5  # 0.5, 1.0, 1.5, ...
    p.write_bytes(bad.csv_bytes(half, values) if fmt == "csv" else bad.jsonl_bytes(half, values))
    run = analysed(invoke(p, "--format", "json"))
    assert run["points"] == steps.size  # truncation kept half of them
    assert run["normalization"]["points_dropped"] == 0
    assert "multiplied by 10" in warning_with(run, "not whole numbers")


def test_float_steps_no_power_of_ten_makes_whole_are_refused(tmp_path):
    steps, values = bad.loss_curve()
    p = tmp_path / "third.csv"
    p.write_bytes(bad.csv_bytes(np.round(steps / 3, 12), values))
    res = invoke(p)
    assert graceful(res, p.name) == "error"
    assert "not whole numbers" in res.stderr and "--step-column" in res.stderr


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_32_bit_step_counter_that_wraps_is_unwrapped(tmp_path, fmt):
    steps, values = bad.loss_curve()
    raw = steps + (2**31 - 100)
    wrapped = np.where(raw >= 2**31, raw - 2**32, raw)  # int32 overflow after 100 points
    p = tmp_path / f"wrap.{fmt}"
    p.write_bytes(bad.csv_bytes(wrapped, values) if fmt == "csv"
                  else bad.jsonl_bytes(wrapped, values))
    run = analysed(invoke(p, "--format", "json"))
    assert run["points"] == steps.size
    assert run["first_step"] == 2**31 - 100 and run["last_step"] == int(raw[-1])
    warning_with(run, "wrapped at 2^31")


def test_a_restart_from_zero_is_still_a_restart_not_a_wrap(tmp_path):
    steps, values = bad.loss_curve()
    big = steps + 2**31 - 2 * steps.size
    p = tmp_path / "restart.csv"
    p.write_bytes(bad.csv_bytes(np.concatenate([big, steps]), np.concatenate([values, values])))
    run = analysed(invoke(p, "--format", "json"))
    assert not any("wrapped" in w for w in run["warnings"])


# --- one very long line in a CSV ------------------------------------------------------------


def test_one_unterminated_very_long_line_is_counted_and_the_rest_read(tmp_path, monkeypatch):
    monkeypatch.setattr(_CompleteLines, "HOLD", 1 << 16)  # the same code path, smaller
    monkeypatch.setattr(_CompleteLines, "BLOCK", 1 << 12)
    steps, values = bad.loss_curve()
    head = bad.csv_bytes(steps[:80], values[:80])
    tail = bad.csv_bytes(steps[80:], values[80:]).split(b"\n", 1)[1]
    p = tmp_path / "long.csv"
    p.write_bytes(head + b"x" * (5 << 16) + b"\n" + tail)
    run = analysed(invoke(p, "--format", "json"))
    assert run["points"] == steps.size
    assert run["normalization"]["unparsable"] >= 1
    warning_with(run, "longer than", "skipped unread")


def test_a_64mb_line_is_skipped_in_bounded_memory(tmp_path):
    """The real size, in a subprocess: points read, the line counted, and peak RSS growth
    (pyarrow's import included) far below the line's size times the copies it used to take."""
    from hostile import adversarial as adv
    from test_hostile_budgets import child

    p = tmp_path / "long.csv"
    p.write_bytes(adv.csv_with_long_line(64 << 20))
    out = child("read(args[0])", p, timeout=120)
    assert out.get("error") is None, out
    assert out["points"] == [bad.SPE * bad.EPOCHS]
    assert "long-lines-skipped" in out["notes"]
    assert out["grew_mb"] < 150, out["grew_mb"]


# --- text logs: a line holding many records ---------------------------------------------------


def hf_records(n: int) -> bytes:
    """`n` Hugging Face printed dicts on one line (a `print(trainer.state.log_history)`)."""
    return "".join(f"{{'loss': {2 + (i % 7) / 10}, 'learning_rate': 5e-05, 'epoch': "
                   f"{i / 1000:.3f}}}" for i in range(n)).encode() + b"\n"


def text_run(res) -> tuple[dict, dict]:
    run = analysed(res)
    return run, {w["code"]: w["params"] for w in run["warning_codes"]}


@pytest.mark.parametrize("records", [20_000, 200_000])
def test_one_line_of_many_records_does_not_choose_the_style(tmp_path, records):
    """A line of printed dicts before a nanoGPT log: once the dict style won on matches
    (each record one) and the 500 loss lines after it were neither read nor counted.
    200k records make the line longer than the head the style is chosen on."""
    p = tmp_path / "train.log"
    p.write_bytes(hf_records(records) + bad.nanogpt_bytes())
    run, codes = text_run(invoke(p, "--format", "json"))
    assert codes["text-style"]["style"] == "nanoGPT"
    assert run["points"] == bad.SPE * bad.EPOCHS
    assert codes["other-lines-skipped"] == {"read": bad.SPE * bad.EPOCHS, "skipped": 1}


@pytest.mark.parametrize("bulk", [False, True], ids=["per-line", "bulk"])
def test_lines_of_another_style_are_counted_beside_a_line_of_many_records(
        tmp_path, monkeypatch, bulk):
    """The chosen style's lines, one line holding 1000 of its records, then 200 lines of
    another logger: the skipped count was lines minus matches (700 - 1500 < 0) and no note
    said 200 lines were not read. On both scans (per line, and bulk by line shape)."""
    from spikecheck.readers import text_bulk

    if bulk:
        monkeypatch.setattr(text_bulk, "BULK_MIN_BYTES", 0)
    steps, values = bad.loss_curve()
    many = "".join(f"iter {s}: loss {v:.4f} " for s, v in zip(steps + 1000, values)) + "\n"
    other = "".join(f"{{'loss': {v:.4f}, 'epoch': {s / 50:.2f}}}\n"
                    for s, v in zip(steps[:200], values))
    p = tmp_path / "train.log"
    p.write_bytes(bad.nanogpt_bytes() + many.encode() + other.encode())
    run, codes = text_run(invoke(p, "--format", "json"))
    assert codes["text-style"]["style"] == "nanoGPT"
    assert run["points"] == 2 * steps.size
    assert codes["other-lines-skipped"] == {"read": steps.size + 1, "skipped": 200}
    if bulk:  # the bulk scan really read it
        assert text_bulk.LAST_STATS.bulk_lines > steps.size
        assert text_bulk.LAST_STATS.matched_lines == steps.size + 1


def test_pattern_lines_are_counted_once_however_many_matches(tmp_path):
    steps, values = bad.loss_curve()
    many = "".join(f"it={s} loss={v:.4f} " for s, v in zip(steps + 1000, values)) + "\n"
    p = tmp_path / "train.log"
    p.write_bytes(many.encode() + b"warning: something\n" * 30)
    res = invoke(p, "--format", "json", "--pattern",
                 r"it=(?P<step>[0-9]+) loss=(?P<loss>[0-9.]+)")
    run, codes = text_run(res)
    assert run["points"] == steps.size
    assert codes["pattern-other-lines-skipped"] == {"matched": 1, "skipped": 30}


# --- text logs: a line longer than a chunk --------------------------------------------------


def long_line_log(tmp_path, monkeypatch, tail: bytes) -> dict:
    """A nanoGPT log, then `tail`; lines over 256 KB come in pieces (the real 8 MB made
    small, the same code path)."""
    from spikecheck.readers import chunks

    monkeypatch.setattr(chunks, "MAX_LINE", 1 << 18)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 1 << 16)
    p = tmp_path / "train.log"
    p.write_bytes(bad.nanogpt_bytes() + tail)
    return analysed(invoke(p, "--format", "json"))


@pytest.mark.parametrize("filler", ["9", "\U0001f600"])
def test_a_last_line_longer_than_a_chunk_without_line_end_is_not_read(
        tmp_path, monkeypatch, filler):
    """`iter 1: loss 1` then a megabyte with no line end (a log cut while written, or a
    hostile tail): its first piece was read, step 1 restarted the run and the 500 points
    before it were dropped as superseded (exit 2, too few points)."""
    run = long_line_log(tmp_path, monkeypatch,
                        b"iter 1: loss 1" + filler.encode() * (1 << 20))
    assert run["points"] == bad.SPE * bad.EPOCHS
    assert run["normalization"]["superseded"] == 0
    assert run["normalization"]["unparsable"] == 1
    assert "iter 1: loss 1" in warning_with(run, "no line end", "not read")


def test_records_on_a_line_longer_than_a_chunk_are_read_whole(tmp_path, monkeypatch):
    """Printed dicts on one 4 MB line (16 pieces): a record across a piece's end was lost
    or its number read short; now every value is the printed one."""
    from spikecheck.readers import chunks
    from spikecheck.readers.interface import InputSource
    from spikecheck.readers.text import STYLES, _rx, _scan

    monkeypatch.setattr(chunks, "MAX_LINE", 1 << 18)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 1 << 16)
    rng = np.random.default_rng(1)
    values = np.round(rng.uniform(1, 3, 60_000), 7)
    line = "".join(f"{{'loss': {v!r}, 'learning_rate': 5e-05, 'epoch': 0.5}}"
                   for v in values.tolist())
    p = tmp_path / "history.log"
    p.write_text(line + "\n")
    hf = next(s for s in STYLES if s.name == "hf-trainer")
    cols, n, lines, _, matched = _scan(InputSource.from_arg(str(p)), _rx(hf), None,
                                       frozenset({"step"}), [])
    assert (n, lines, matched) == (values.size, 1, 1)
    assert np.array_equal(cols["loss"], values)


@pytest.mark.parametrize("name,text", [
    ("train.log", "".join(f"step {i} loss {2 - i / 100:.3f}\n" for i in range(60))),
    ("train.jsonl", "".join(f'{{"step": {i}, "loss": {2 - i / 100:.3f}}}\n' for i in range(60))),
])
def test_step_column_on_a_log_that_is_no_csv_is_an_error_not_ignored(tmp_path, name, text):
    """Round 3 left it: --step-column was ignored without a word on text and JSON logs."""
    from click.testing import CliRunner

    from spikecheck.cli import main

    f = tmp_path / name
    f.write_text(text)
    res = CliRunner().invoke(main, [str(f), "--step-column", "iteration"])
    assert res.exit_code == 2
    assert "--step-column names a CSV column" in res.output
