"""Inputs whose size claims outrun their content: the generators of the budget tests.

Each builds, small and in a tmp dir, a file that once made a reader's time or memory
follow a number written inside the file instead of the bytes it holds: record headers
claiming megabytes, a length field over a sparse hole, a zero-filled tail, a record made
of one large unknown field, a gzip bomb. Sparse files take no disk space for their holes.

    python tests/hostile/claims.py OUTDIR     # write them all to look at
"""

from __future__ import annotations

import gzip
import struct
import sys
import zlib
from pathlib import Path

from hostile import badinputs as bad

MB = 1 << 20


def header(length: int) -> bytes:
    """A TFRecord header (length, masked CRC of the length) with no data after it."""
    n = struct.pack("<Q", length)
    return n + struct.pack("<I", bad.masked_crc(n))


def claiming_headers(count: int, claim: int = 16 * MB) -> bytes:
    """`count` CRC-valid record headers back to back, each claiming `claim` bytes of data.

    Every 12 bytes a header that checks out, so a reader that copies and checksums each
    claim from every place it looks for a record does count x claim work.
    """
    return header(claim) * count


def gzip_stream(path: Path, unit: bytes, total: int, level: int = 9, prefix: bytes = b""
                ) -> Path:
    """A gzip file that inflates to `prefix` then `unit` repeated to `total` bytes."""
    block = unit * max(1, MB // len(unit))
    with gzip.open(path, "wb", compresslevel=level) as f:
        f.write(prefix)
        left = total - len(prefix)
        while left > 0:
            f.write(block[: min(left, len(block))])
            left -= len(block)
    return path


def gzip_bomb(path: Path, inflated: int, prefix: bytes = b"") -> Path:
    """`prefix` then zeros, gzip-compressed: a few KB per GB (zlib's best ratio)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (4 * MB)
    with open(path, "wb") as f:
        f.write(comp.compress(prefix))
        left = inflated - len(prefix)
        while left > 0:
            f.write(comp.compress(zeros[: min(left, len(zeros))]))
            left -= len(zeros)
        f.write(comp.flush())
    return path


def sparse_claim(path: Path, claim: int) -> Path:
    """A valid event file, then a header claiming `claim` bytes, then a hole that long."""
    data = bad.event_file_bytes() + header(claim)
    with open(path, "wb") as f:
        f.write(data)
        f.truncate(len(data) + claim + 4)
    return path


def zero_tail(path: Path, tail: int) -> Path:
    """A valid event file followed by `tail` zero bytes (a hole: a preallocated file)."""
    data = bad.event_file_bytes()
    with open(path, "wb") as f:
        f.write(data)
        f.truncate(len(data) + tail)
    return path


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def event_with_unknown_field(step: int, value: float, size: int, wire: str = "ld") -> bytes:
    """A scalar event that also carries a large field spikecheck does not know.

    wire "ld": one length-delimited field 15 of `size` bytes (skipped by its length);
    "packed": a Summary.Value tensor of `size` // 4 float32 values, packed;
    "repeated": the same tensor with each float written as its own field.
    """
    ev = bad.event(step, "train/loss", value, 1.7e9 + step)
    if wire == "ld":
        return ev + _varint(15 << 3 | 2) + _varint(size) + b"\x07" * size
    floats = struct.pack(f"<{size // 4}f", *([0.5] * (size // 4)))
    if wire == "packed":
        body = _varint(5 << 3 | 2) + _varint(len(floats)) + floats
    else:
        body = b"".join(b"\x2d" + floats[i:i + 4] for i in range(0, len(floats), 4))
    tensor = b"\x08\x01" + body  # dtype DT_FLOAT, then the values
    val = bad._ld(1, b"hist") + bad._ld(8, tensor)
    return ev + bad._ld(5, bad._ld(1, val))


def unknown_field_file(count: int, size: int, wire: str = "ld") -> bytes:
    """An event file of `count` scalar records, each also holding a `size`-byte field."""
    steps, values = bad.loss_curve(spe=max(1, count // 10), epochs=10)
    recs = [bad.tfrecord(bad.event(0, file_version="brain.Event:2"))]
    recs += [bad.tfrecord(event_with_unknown_field(int(s), float(v), size, wire))
             for s, v in zip(steps[:count], values[:count])]
    return b"".join(recs)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / ("claims." + bad.EVENT_NAME)).write_bytes(claiming_headers(4096))
    sparse_claim(out / ("sparse." + bad.EVENT_NAME), 1536 * MB)
    zero_tail(out / ("zerotail." + bad.EVENT_NAME), 2048 * MB)
    (out / ("unknown." + bad.EVENT_NAME)).write_bytes(unknown_field_file(200, 64 << 10))
    gzip_bomb(out / "bomb.csv.gz", 256 * MB, b"step,loss\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main(Path(sys.argv[1]))
