"""Budgets instead of trust: work and memory follow the bytes a file holds, never a length
written inside it. Each case runs in a child interpreter and measures work by counting
(bytes checksummed, positions searched, varints parsed) and memory by peak RSS or an
address-space limit; no wall-clock assertion (the timeout only stops a hang)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hostile import badinputs as bad
from hostile import claims

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
MB = 1 << 20
FULL = bad.SPE * bad.EPOCHS


def child(code: str, *args, limit_as: int | None = None, timeout: int = 240) -> dict:
    """Run `code` in a fresh interpreter with counters on the reader's hot spots.

    It sets `out`; the result adds peak RSS growth (MB) and the counters: bytes given to
    CRC32C, header positions checked by the resync search, varints parsed and value
    fields noted in Python.
    """
    prog = textwrap.dedent(f"""
        import json, resource, sys
        sys.path.insert(0, {str(TESTS)!r})
        if {limit_as!r}:
            resource.setrlimit(resource.RLIMIT_AS, ({limit_as!r}, {limit_as!r}))
        import google_crc32c, numpy
        from spikecheck.readers import tfrecord, ReadError, ReadOptions
        from spikecheck.readers.registry import read_input
        count = {{"crc_bytes": 0, "searched": 0, "varints": 0, "fields": 0}}
        def counting(fn, key, size):
            def wrapped(*a):
                count[key] += size(*a)
                return fn(*a)
            return wrapped
        google_crc32c.value = counting(google_crc32c.value, "crc_bytes", lambda d: len(d))
        google_crc32c.extend = counting(google_crc32c.extend, "crc_bytes", lambda c, d: len(d))
        tfrecord._masked_crc8_all = counting(tfrecord._masked_crc8_all, "searched",
                                             lambda b, s, n: n)
        if hasattr(tfrecord, "_masked_crc8_at"):
            tfrecord._masked_crc8_at = counting(tfrecord._masked_crc8_at, "searched",
                                                lambda b, at: at.size)
        tfrecord._varint = counting(tfrecord._varint, "varints", lambda *a: 1)
        tfrecord.Field = counting(tfrecord.Field, "fields", lambda *a: 1)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = {{}}
        args = sys.argv[1:]
        def read(path, **kw):
            try:
                series = read_input(path, ReadOptions(**kw))
                out["points"] = [len(s) for s in series]
                out["notes"] = [n.code for s in series for n in s.notes]
            except ReadError as exc:
                out["error"] = str(exc)
    """) + textwrap.dedent(code) + textwrap.dedent("""
        out["grew_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
        out.update(count)
        print(json.dumps(out))
    """)
    res = subprocess.run([sys.executable, "-c", prog, *map(str, args)], capture_output=True,
                         text=True, timeout=timeout, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def event_path(tmp_path, prefix: str = "") -> Path:
    return tmp_path / (prefix + bad.EVENT_NAME)


def test_record_headers_that_each_claim_megabytes(tmp_path):
    """A valid run, then 1M CRC-valid headers 12 bytes apart, each claiming 4 MB: once
    every header was copied and checksummed in full (1M x 4 MB). The data CRCs checked
    are now capped near the file's size, and what was not searched is said."""
    p = event_path(tmp_path)
    p.write_bytes(bad.event_file_bytes() + claims.claiming_headers(1 << 20, 4 * MB))
    size = p.stat().st_size
    got = child("read(args[0])", p)
    assert got["points"] == [FULL]
    assert got["crc_bytes"] <= 3 * size + 64 * MB, got
    assert "resync-gave-up" in got["notes"], got["notes"]


def test_a_length_field_over_a_sparse_hole_is_not_allocated(tmp_path):
    """A header claiming 1.5 GB over a 1.5 GB hole: stepped over unread (once 3 GB)."""
    p = claims.sparse_claim(event_path(tmp_path), 1536 * MB)
    got = child("read(args[0])", p, limit_as=1 << 30)
    assert got["points"] == [FULL], got
    assert got["crc_bytes"] < 16 * MB, got
    assert "oversized-record" in got["notes"], got["notes"]


@pytest.mark.parametrize("sparse", [True, False], ids=["hole", "zero-bytes"])
def test_a_zero_filled_tail_is_passed_over_without_searching_it(tmp_path, sparse):
    """A preallocated file: a valid run then zeros (2 GB of hole, or 48 MB written out).
    No frame header is all zeros, so no position of the tail is checked as one."""
    p = event_path(tmp_path)
    if sparse:
        claims.zero_tail(p, 2048 * MB)
    else:
        with open(p, "wb") as f:
            f.write(bad.event_file_bytes())
            for _ in range(48):
                f.write(b"\0" * MB)
    got = child("read(args[0])", p)
    assert got["points"] == [FULL], got
    assert got["searched"] < MB, got
    assert "unreadable-bytes" in got["notes"], got["notes"]


@pytest.mark.parametrize("wire", ["ld", "packed", "repeated"])
def test_a_large_field_inside_each_record_is_skipped_not_parsed(tmp_path, wire):
    """Each record also holds a 256 KB field: unknown, or a 64k-float tensor (packed, or
    one field per float). Parsing work is per field, not per byte or per element."""
    p = event_path(tmp_path)
    p.write_bytes(claims.unknown_field_file(100, 256 << 10, wire))
    got = child("read(args[0])", p)
    assert got["points"] == [100], got
    assert got["varints"] < 100 * 200, got
    assert got["fields"] < 100 * 20, got


def test_a_gzipped_event_file_is_streamed_not_held(tmp_path):
    """A gzipped event file inflating to 400 MB (a run, then zeros) takes no more memory
    than its window: it is inflated to a temporary file, never into memory. (With no
    limit: by default its 1000x inflation is a decompression bomb, test_hostile_bombs.)"""
    p = claims.gzip_bomb(tmp_path / (bad.EVENT_NAME + ".gz"), 400 * MB,
                         prefix=bad.event_file_bytes())
    got = child("read(args[0], max_input_bytes=0)", p)
    assert got["points"] == [FULL], got
    assert got["grew_mb"] < 100, got


@pytest.mark.parametrize("name,unit", [
    ("run.csv.gz", b"1,0.5\n"),
    ("train.log.gz", b"iter 1: loss 0.5000, time 1.0ms, mfu 1.0%\n"),
    ("metrics.json.gz", b'{"iteration": 1, "total_loss": 0.5}\n'),
    (bad.EVENT_NAME + ".gz", b"\0"),
])
def test_gzip_inflation_stops_at_the_limit(tmp_path, name, unit):
    """A gzip bomb (256 MB from a few hundred KB) against --max-input-bytes 16M: one
    clear error, and memory bounded by the limit, not by the bomb."""
    p = tmp_path / name
    if unit == b"\0":
        claims.gzip_bomb(p, 256 * MB, prefix=bad.event_file_bytes())
    else:
        claims.gzip_stream(p, unit, 256 * MB, level=1,
                           prefix=b"step,loss\n" if name == "run.csv.gz" else b"")
    got = child("read(args[0], max_input_bytes=16 << 20)", p)
    assert "decompresses to more than 16 MiB" in got.get("error", ""), got
    assert "--max-input-bytes" in got["error"]
    assert got["grew_mb"] < 200, got


def run_cli(*args, stdin=None, input_bytes=None, timeout: int = 120):
    return subprocess.run([sys.executable, "-m", "spikecheck", *map(str, args)],
                          input=input_bytes, stdin=stdin, capture_output=True,
                          timeout=timeout, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_stdin_spooling_stops_at_the_limit(tmp_path):
    """`spikecheck - < /dev/zero` once filled the temporary directory."""
    res = run_cli("-", "--max-input-bytes", "1M", input_bytes=b"1,2\n" * (1 << 20))
    assert res.returncode == 2
    err = res.stderr.decode()
    assert "<stdin>: more than 1 MiB on standard input" in err and "Traceback" not in err


def test_the_default_limit_is_stated_and_parsed():
    from spikecheck.cli import ByteSize
    from spikecheck.readers.interface import DEFAULT_MAX_INPUT_BYTES, ReadOptions

    assert ReadOptions().max_input_bytes == DEFAULT_MAX_INPUT_BYTES == ByteSize().convert(
        "2G", None, None)
    assert ByteSize().convert("500M", None, None) == 500 << 20
    res = run_cli("x.csv", "--max-input-bytes", "lots")
    assert res.returncode == 2 and b"not a size" in res.stderr


def test_a_gzipped_event_file_on_stdin(tmp_path):
    data = gzip.compress(bad.event_file_bytes())
    res = run_cli("-", "--steps-per-epoch", bad.SPE, "--format", "json", input_bytes=data)
    assert res.returncode in (0, 1), res.stderr
    (run,) = json.loads(res.stdout)["runs"]
    assert run["points"] == FULL


SHRINK = """
    import os
    from spikecheck.readers.tfrecord import Source, scan
    path, cut = args[0], int(args[1])
    original = Source.window
    def shrinking(self, pos, need):
        if pos > 0 and os.path.getsize(path) > cut:
            os.truncate(path, cut)  # the run is rotated while we read it
        return original(self, pos, need)
    Source.window = shrinking
    src = Source(path=path, window=4096)
    res = scan(src)
    out["points"] = sum(len(v) for parts in res.points.values() for _, _, v in parts)
"""


def test_a_file_that_shrinks_while_read(tmp_path):
    """Damage near the start (the search after it once memory-mapped the file), then a
    truncation while reading: once SIGBUS and nothing printed; now the points before
    the new end."""
    good = bad.event_file_bytes()
    data = good[:100] + bad.garbage(300) + good[100:] + bad.garbage(300) + good
    p = event_path(tmp_path)
    p.write_bytes(data)
    got = child(SHRINK, p, len(data) * 3 // 4)
    assert 0 < got["points"] < 2 * FULL, got
