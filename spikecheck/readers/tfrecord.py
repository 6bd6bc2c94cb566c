"""TFRecord frames and TensorBoard `Event` records decoded many at a time with numpy.

Why: TensorBoard's own loader builds one protobuf object per event and needs tens of
seconds per million scalars. Here no protobuf is imported and no object is made per
event:

- The file is read through a reused buffer of a few MB (cache-sized: the gathers below
  then hit the cache), or taken whole when it is already in memory (gzip, stdin).
- Frames are found by a walk over the length fields; when the last record lengths repeat
  with some period (one tag per step, or five...), whole runs of the pattern are verified
  at once with strided numpy compares instead of one Python step per record.
- Records of one length are decoded by *templates*: one record is parsed in Python to
  learn which bytes hold the wall time, the step and each value, then every record of
  that length is fetched as one span and checked and decoded with vectorized numpy.

Integrity is never assumed; every record's header and data CRC32C are checked. For a
template, a record's non-varying bytes (tags, lengths, the header CRC, the continuation
bits of its varints) must equal those of a known class of the layout exactly, word by
word, and its data CRC is computed from the template's CRC plus per-byte tables for the
bytes that vary (CRC32C is affine over GF(2)) and compared with the stored one. A record
that passes both is exactly what its class says it is; any other goes one by one through
Python, where a real CRC mismatch means a corrupted record (skipped and counted). Length
fields are checked against their own CRC and against the file size before use, so a
corrupted length never causes an allocation or a read past the end.
"""

from __future__ import annotations

import errno
import os
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

MASK_DELTA = 0xA282EAD8
HEADER = 12  # uint64 length + uint32 masked crc of the length
FOOTER = 4  # uint32 masked crc of the data
WINDOW_BYTES = 2 << 20  # the file is read through a buffer of this size (cache-sized)
CHUNK_RECORDS = 1 << 20  # at most this many records are decoded per batch
# A record larger than this is stepped over by its (CRC-checked) length, never read: no
# scalar event comes near it (a graph or an image might), and reading it would make
# memory follow a length written in the file.
MAX_RECORD_BYTES = 64 << 20
# Looking for the next record after damage checks the data CRC of each candidate frame;
# the bytes so checked are capped at a multiple of the file size, so frames that each
# claim megabytes cannot turn the search quadratic. Past the cap the rest is skipped.
RESYNC_BUDGET_FILES = 2
RESYNC_BUDGET_MIN = 64 << 20
MAX_PERIOD = 64  # longest repeating pattern of record lengths the walker looks for
ORDINAL_BITS = 10  # point key = (record index << ORDINAL_BITS) | value ordinal in record
_PY_SMALL = 24  # groups this small are decoded record by record in Python
_T16_MIN = 8_192  # from this many records on, 16-bit CRC tables pay for themselves
_BLOCK_BYTES = 1 << 20  # records are checked in blocks of about this many bytes (cache)

# Scalar-capable TensorProto dtypes: DT_FLOAT, DT_DOUBLE, DT_HALF.
_DTYPE_CODEC = {1: "f32", 2: "f64", 19: "f16"}
_CODEC_SIZE = {"f32": 4, "f64": 8, "f16": 2}


class ParseError(ValueError):
    """A record whose CRC is fine but whose bytes are not a valid Event message."""


# ----------------------------------------------------------------------------- CRC32C


def _make_table() -> np.ndarray:
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> np.uint32(1)) ^ np.uint32(0x82F63B78), t >> np.uint32(1))
    return t.astype(np.uint32)


_T8 = _make_table()


def crc32c(data: bytes) -> int:
    """CRC32C of `data` (google_crc32c's C implementation when available)."""
    try:
        import google_crc32c
    except ImportError:  # pragma: no cover - google-crc32c is a dependency
        return _crc32c_py(data)
    return google_crc32c.value(bytes(data))


def _crc32c_py(data: bytes) -> int:
    crc = 0xFFFFFFFF
    table = _T8.tolist()
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: rotate right 15 bits and add a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + MASK_DELTA) & 0xFFFFFFFF


def _unmask(masked: np.ndarray) -> np.ndarray:
    x = masked.astype(np.uint32, copy=False) - np.uint32(MASK_DELTA)
    return (x >> np.uint32(17)) | (x << np.uint32(15))


def _masked_crc8_all(buf: np.ndarray, start: int, count: int) -> np.ndarray:
    """Masked CRC32C of the 8 bytes at every offset start..start+count-1 (for resync)."""
    crc = np.full(count, 0xFFFFFFFF, dtype=np.uint32)
    for k in range(8):
        b = buf[start + k: start + k + count]
        crc = _T8[(crc ^ b) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
    crc ^= np.uint32(0xFFFFFFFF)
    return ((crc >> np.uint32(15)) | (crc << np.uint32(17))) + np.uint32(MASK_DELTA)


# ------------------------------------------------------------------- protobuf parsing


class Field(NamedTuple):
    """Bytes of one record that vary between records of a layout: where, how many, how."""

    pos: int
    size: int
    codec: str  # raw | varint | f32 | f64 | f16 | h16v (a half_val varint)


class Val(NamedTuple):
    """One Summary.Value that may be a scalar: its tag, kind and where its number is."""

    tag: str
    kind: str  # "simple" (simple_value) or "tensor" (single-element float tensor)
    field: Field | None  # None: a constant (an empty float tensor reads as `const`)
    const: float
    ordinal: int


@dataclass
class EventInfo:
    """What one Event record holds, and where its varying bytes sit."""

    wall: Field | None = None
    step: int = 0
    step_field: Field | None = None
    what: int = 0  # the Event oneof field number that is set (5 summary, 7 session_log...)
    file_version: str | None = None
    session_status: int = 0
    summary_tags: tuple[str, ...] = ()
    values: list[Val] = field(default_factory=list)
    plugins: list[tuple[str, str]] = field(default_factory=list)  # (tag, plugin_name)
    event_like: bool = False

    def fields(self) -> list[Field]:
        """The varying bytes of this record, in order (wall time, step, values)."""
        out = [f for f in (self.wall, self.step_field) if f is not None]
        out += [v.field for v in self.values if v.field is not None]
        return sorted(out)

    def layout_key(self) -> tuple:
        """Records with equal keys (and length) differ only in structure bytes or tags."""
        return tuple(self.fields())


def _varint(b: bytes, i: int, end: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if i >= end or shift > 63:
            raise ParseError("bad varint")
        c = b[i]
        i += 1
        result |= (c & 0x7F) << shift
        if c < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, i
        shift += 7


def _skip(b: bytes, i: int, end: int, wt: int) -> int:
    if wt == 0:
        return _varint(b, i, end)[1]
    if wt == 1:
        i += 8
    elif wt == 2:
        n, i = _varint(b, i, end)
        i += n
    elif wt == 5:
        i += 4
    else:
        raise ParseError(f"unsupported wire type {wt}")
    if i > end:
        raise ParseError("field runs past its message")
    return i


def _len_field(b: bytes, i: int, end: int) -> tuple[int, int]:
    n, i = _varint(b, i, end)
    if i + n > end:
        raise ParseError("field runs past its message")
    return i, i + n


def parse_event(b: bytes) -> EventInfo:
    """Parse one serialized tensorboard Event into an EventInfo (raises ParseError)."""
    info = EventInfo()
    end = len(b)
    i = 0
    values: list[Val] = []
    tags: list[str] = []
    plugins: list[tuple[str, str]] = []
    while i < end:
        key, i = _varint(b, i, end)
        fn, wt = key >> 3, key & 7
        if fn == 1 and wt == 1:
            if i + 8 > end:
                raise ParseError("truncated wall_time")
            info.wall = Field(i, 8, "raw")
            info.event_like = True
            i += 8
        elif fn == 2 and wt == 0:
            start = i
            v, i = _varint(b, i, end)
            info.step = v - (1 << 64) if v >= 1 << 63 else v
            info.step_field = Field(start, i - start, "varint")
            info.event_like = True
        elif fn in (3, 4, 5, 6, 7, 8, 9) and wt == 2:
            s, e = _len_field(b, i, end)
            if info.what != fn:  # a different oneof member replaces the previous one
                values, tags, plugins = [], [], []
                info.file_version = None
                info.session_status = 0
            info.what = fn
            info.event_like = True
            if fn == 3:
                info.file_version = b[s:e].decode("utf-8", "replace")
            elif fn == 5:
                _parse_summary(b, s, e, values, tags, plugins)
            elif fn == 7:
                info.session_status = _parse_session_status(b, s, e)
            i = e
        elif fn == 10 and wt == 2:  # source_metadata: not part of the oneof
            i = _len_field(b, i, end)[1]
        else:
            i = _skip(b, i, end, wt)
    if i != end:
        raise ParseError("message overruns the record")
    info.values = [v._replace(ordinal=k) for k, v in enumerate(values)]
    info.summary_tags = tuple(tags)
    info.plugins = plugins
    return info


def _parse_session_status(b: bytes, i: int, end: int) -> int:
    status = 0
    while i < end:
        key, i = _varint(b, i, end)
        if key == 0x08:
            status, i = _varint(b, i, end)
        else:
            i = _skip(b, i, end, key & 7)
    return status


def _parse_summary(b: bytes, i: int, end: int, values: list, tags: list, plugins: list) -> None:
    while i < end:
        key, i = _varint(b, i, end)
        if key == 0x0A:
            s, e = _len_field(b, i, end)
            _parse_value(b, s, e, values, tags, plugins)
            i = e
        else:
            i = _skip(b, i, end, key & 7)


def _parse_value(b: bytes, i: int, end: int, values: list, tags: list, plugins: list) -> None:
    tag = ""
    node_name = ""
    kind = None  # oneof `value`: the last member set wins
    simple: Field | None = None
    tensor: tuple | None = None
    plugin = None
    while i < end:
        key, i = _varint(b, i, end)
        fn, wt = key >> 3, key & 7
        if fn == 1 and wt == 2:
            s, i = _len_field(b, i, end)
            tag = b[s:i].decode("utf-8", "replace")
        elif fn == 7 and wt == 2:
            s, i = _len_field(b, i, end)
            node_name = b[s:i].decode("utf-8", "replace")
        elif fn == 2 and wt == 5:
            if i + 4 > end:
                raise ParseError("truncated simple_value")
            simple = Field(i, 4, "f32")
            kind = "simple"
            i += 4
        elif fn in (3, 4, 5, 6) and wt == 2:
            i = _len_field(b, i, end)[1]
            kind = "other"
        elif fn == 8 and wt == 2:
            s, i = _len_field(b, i, end)
            tensor = _parse_tensor(b, s, i)
            kind = "tensor"
        elif fn == 9 and wt == 2:
            s, i = _len_field(b, i, end)
            plugin = _parse_plugin_name(b, s, i)
        else:
            i = _skip(b, i, end, wt)
    if kind == "tensor" and not tag:
        tag = node_name  # EventAccumulator files tensors without a tag under node_name
    tags.append(tag)
    if plugin is not None:
        plugins.append((tag, plugin))
    if kind == "simple" and simple is not None:
        values.append(Val(tag, "simple", simple, 0.0, 0))
    elif kind == "tensor" and tensor is not None:
        values.append(Val(tag, "tensor", tensor[0], tensor[1], 0))


def _parse_plugin_name(b: bytes, i: int, end: int) -> str:
    name = ""
    while i < end:
        key, i = _varint(b, i, end)
        if key == 0x0A:  # plugin_data
            s, e = _len_field(b, i, end)
            j = s
            while j < e:
                k2, j = _varint(b, j, e)
                if k2 == 0x0A:
                    s2, j = _len_field(b, j, e)
                    name = b[s2:j].decode("utf-8", "replace")
                else:
                    j = _skip(b, j, e, k2 & 7)
            i = e
        else:
            i = _skip(b, i, end, key & 7)
    return name


# A run of further elements of a repeated (not packed) float/double/half field, skipped
# in one C-speed match instead of one Python step per element.
_ELEMENT_RUNS = {
    5: re.compile(rb"(?:\x2d.{4})*", re.S),
    6: re.compile(rb"(?:\x31.{8})*", re.S),
    13: re.compile(rb"(?:\x68[\x80-\xff]{0,9}[\x00-\x7f])*"),
}
_HIGH_BYTES = bytes(range(128, 256))
_MAX_RANK = 64  # a shape with more dims than this is not a scalar's (skipped by length)


def _parse_tensor(b: bytes, i: int, end: int) -> tuple[Field | None, float] | None:
    """The value of a single-element float tensor as (field, const), else None.

    Work is per field, not per element: packed values are counted from their length and
    runs of repeated elements are skipped in one match, so a large tensor (a histogram)
    costs about as much as a small one.
    """
    dtype = 0
    dims: list[int] = []
    unknown_rank = False
    content: tuple[int, int] | None = None
    count = {5: 0, 6: 0, 13: 0}  # elements of float_val, double_val, half_val
    first: dict[int, Field] = {}
    while i < end:
        key, i = _varint(b, i, end)
        fn, wt = key >> 3, key & 7
        if fn == 1 and wt == 0:
            dtype, i = _varint(b, i, end)
        elif fn == 2 and wt == 2:
            s, e = _len_field(b, i, end)
            dims = []  # a repeated message field merges; dims accumulate within it
            j = s
            while j < e:
                if len(dims) > _MAX_RANK:
                    break
                k2, j = _varint(b, j, e)
                if k2 == 0x12:
                    s2, e2 = _len_field(b, j, e)
                    size = 0
                    jj = s2
                    while jj < e2:
                        k3, jj = _varint(b, jj, e2)
                        if k3 == 0x08:
                            size, jj = _varint(b, jj, e2)
                            if size >= 1 << 63:
                                size -= 1 << 64
                        else:
                            jj = _skip(b, jj, e2, k3 & 7)
                    dims.append(size)
                    j = e2
                elif k2 == 0x18:
                    v, j = _varint(b, j, e)
                    unknown_rank = bool(v)
                else:
                    j = _skip(b, j, e, k2 & 7)
            i = e
        elif fn == 4 and wt == 2:
            s, e = _len_field(b, i, end)
            content = (s, e - s)
            i = e
        elif (fn, wt) in ((5, 5), (6, 1), (13, 0)):
            s = i
            if fn == 13:
                _, i = _varint(b, i, end)
            else:
                i += 4 if fn == 5 else 8
                if i > end:
                    raise ParseError("tensor overruns its message")
            first.setdefault(fn, Field(s, i - s, {5: "f32", 6: "f64", 13: "h16v"}[fn]))
            count[fn] += 1
            run = _ELEMENT_RUNS[fn].match(b, i, end)
            if run is not None and run.end() > i:
                count[fn] += 1  # more than one: which, and how many, does not matter
                i = run.end()
        elif fn in (5, 6, 13) and wt == 2:  # packed repeated
            s, e = _len_field(b, i, end)
            if fn == 13:
                if e > s and b[e - 1] >= 0x80:
                    raise ParseError("bad packed field")
                k = len(bytes(b[s:e]).translate(None, _HIGH_BYTES))  # varints end in a low byte
                if k:
                    _, j = _varint(b, s, e)
                    first.setdefault(13, Field(s, j - s, "h16v"))
            else:
                width = 4 if fn == 5 else 8
                if (e - s) % width:
                    raise ParseError("bad packed field")
                k = (e - s) // width
                if k:
                    first.setdefault(fn, Field(s, width, "f32" if fn == 5 else "f64"))
            count[fn] += k
            i = e
        else:
            i = _skip(b, i, end, wt)
        if i > end:
            raise ParseError("tensor overruns its message")
    codec = _DTYPE_CODEC.get(dtype)
    if codec is None or unknown_rank or len(dims) > _MAX_RANK:
        return None
    n = 1
    for d in dims:
        n *= d
    if n != 1:
        return None
    if content is not None and content[1] > 0:  # make_ndarray prefers tensor_content
        if content[1] != _CODEC_SIZE[codec]:
            return None
        return Field(content[0], content[1], codec), 0.0
    fn = {"f32": 5, "f64": 6, "f16": 13}[codec]
    if count[fn] != 1:
        return None
    return first[fn], 0.0


def decode_field(b: bytes, f: Field) -> float | int:
    """Decode one field of a record in Python (the slow path)."""
    raw = b[f.pos: f.pos + f.size]
    if f.codec == "f32":
        return float(struct.unpack("<f", raw)[0])
    if f.codec == "f64":
        return float(struct.unpack("<d", raw)[0])
    if f.codec == "f16":
        return float(np.frombuffer(raw, dtype="<f2")[0])
    v, _ = _varint(b, f.pos, f.pos + f.size)
    if f.codec == "h16v":
        return float(np.array([v & 0xFFFF], dtype=np.uint16).view(np.float16)[0])
    return v


# ------------------------------------------------------------------------ frame walk


@dataclass
class FrameIssues:
    """What the walk met besides good frames (reported as notes)."""

    skipped: list[tuple[int, int]] = field(default_factory=list)  # (offset, bytes)
    truncated: tuple[int, int] | None = None  # (offset, bytes) of an incomplete last record
    first_bad: bool = False  # the file does not start with a valid frame
    oversized: list[tuple[int, int]] = field(default_factory=list)  # (offset, bytes) unread
    gave_up: bool = False  # the search for a record after damage ran out of budget


class _Views:
    """Overlapping numpy views of a buffer: an unsigned integer starting at every byte."""

    def __init__(self, buf: np.ndarray):
        self.buf = buf
        n = buf.size
        self.n = n
        self._rows: dict[int, np.ndarray] = {}

        def view(dt: str, size: int) -> np.ndarray:
            if n < size:
                return np.zeros(0, dtype=dt)
            return np.ndarray((n - size + 1,), dtype=dt, buffer=buf, offset=0, strides=(1,))

        self.u32 = view("<u4", 4)
        self.u64 = view("<u8", 8)

    def rows(self, width: int) -> np.ndarray:
        """Element i is the `width` bytes starting at byte i (a void view: fast gathers)."""
        r = self._rows.get(width)
        if r is None:
            count = max(self.n - width + 1, 0)
            r = np.ndarray((count,), dtype=f"V{width}", buffer=self.buf, offset=0,
                           strides=(1,)) if count else np.zeros(0, dtype=f"V{width}")
            self._rows[width] = r
        return r


def _typed(mat: np.ndarray, col: int, dtype: str, count: int | None = None) -> np.ndarray:
    """Bytes from column `col` of a C-contiguous (K, W) byte matrix read as dtype.

    One value per row as a (K,) array, or `count` consecutive values as (K, count).
    """
    k, w = mat.shape
    size = np.dtype(dtype).itemsize
    shape = (k,) if count is None else (k, count)
    strides = (w,) if count is None else (w, size)
    return np.ndarray(shape, dtype=dtype, buffer=mat, offset=col, strides=strides)


class Source:
    """The bytes of one event file, handed out as windows of a reused buffer.

    A regular file is read window by window (a few MB at a time), so memory stays small
    and the buffer is ordinary process memory, which numpy gathers from much faster than
    from a memory map; bytes already in memory (tests) are one window. Nothing is memory
    mapped: a file truncated while read (a run being rotated) then reads short, where a
    map would kill the process with SIGBUS.
    """

    def __init__(self, path: str | os.PathLike | None = None, data: bytes | None = None,
                 window: int = WINDOW_BYTES, file=None):
        self.path = path
        self.window_bytes = window
        self._data = data
        self._file = file
        self._buf: np.ndarray | None = None
        if data is not None:
            self.size = len(data)
        else:
            if file is None:
                self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed in close()
            self.size = os.fstat(self._file.fileno()).st_size

    def window(self, pos: int, need: int) -> np.ndarray:
        """The bytes from `pos`: at least `need` of them (up to the end of the file)."""
        if self._data is not None:
            return np.frombuffer(self._data, dtype=np.uint8, offset=pos) if pos < self.size \
                else np.zeros(0, np.uint8)
        length = max(0, min(self.size - pos, max(self.window_bytes, need)))
        if self._buf is None or self._buf.size < length:
            self._buf = np.empty(length, dtype=np.uint8)  # a small file: a small buffer
        view = self._buf[:length]
        got = 0
        mv = memoryview(view)
        self._file.seek(pos)
        while got < length:
            k = self._file.readinto(mv[got:])
            if not k:
                break
            got += k
        if got < length:  # the file shrank while being read: it ends here now
            self.size = pos + got
        return view[:got]

    def read_at(self, pos: int, n: int) -> bytes:
        """Up to n bytes from pos, apart from the window buffer (short at the end)."""
        if self._data is not None:
            return bytes(self._data[pos: pos + n])
        try:
            return os.pread(self._file.fileno(), n, pos)
        except (AttributeError, OSError):
            self._file.seek(pos)
            return self._file.read(n) or b""

    def data_from(self, pos: int) -> int:
        """The first offset >= pos that may hold data: holes of a sparse file are skipped."""
        if self._data is not None or not hasattr(os, "SEEK_DATA"):
            return pos
        try:
            return os.lseek(self._file.fileno(), pos, os.SEEK_DATA)
        except OSError as exc:  # ENXIO: only a hole follows; anything else: assume data
            return self.size if exc.errno == errno.ENXIO else pos

    def crc_ok(self, pos: int, length: int) -> bool:
        """Whether the `length` data bytes at pos match the masked CRC after them (streamed)."""
        import google_crc32c

        crc = 0
        done = 0
        while done < length:
            block = self.read_at(pos + done, min(4 << 20, length - done))
            if not block:
                return False
            crc = google_crc32c.extend(crc, block)
            done += len(block)
        stored = self.read_at(pos + length, 4)
        if len(stored) < 4:
            return False
        masked = (((crc >> 15) | (crc << 17)) + MASK_DELTA) & 0xFFFFFFFF
        return masked == struct.unpack("<I", stored)[0]

    def close(self) -> None:
        """Release the file and the window buffer."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._buf = None


class FrameWalker:
    """Finds TFRecord frames, checking whole runs of repeating record lengths at once.

    It works on one window of the file at a time (offsets are window-relative) and stops
    (`stop`) at a record that does not fit, so the caller can move the window there.
    """

    def __init__(self, source: Source):
        self.source = source
        self.total = source.size
        self.hist: list[int] = []
        self.hcrc: dict[int, int] = {}
        self.countdown = 0
        self.fails = 0
        self.reps = 16
        self.resume: list[int] = []  # the last long pattern, from where it stopped
        self.resume_tries = 0
        self.done = self.total == 0
        self.stop = False
        self.need = 0
        self.issues = FrameIssues()
        self.budget = max(RESYNC_BUDGET_MIN, RESYNC_BUDGET_FILES * source.size)
        self.set_window(np.zeros(0, np.uint8), 0)

    def set_window(self, buf: np.ndarray, base: int) -> None:
        """Walk `buf`, which holds the file's bytes from offset `base`."""
        self.v = _Views(buf)
        self.mem = buf
        self.base = base
        self.n = buf.size
        self.total = self.source.size
        self.o = 0
        self.stop = False
        self.need = 0
        self.eof = base + buf.size >= self.total
        if self.countdown > 1 << 20:
            self.countdown = 0

    def _expected_hcrc(self, length: int) -> int:
        c = self.hcrc.get(length)
        if c is None:
            c = masked_crc32c(struct.pack("<Q", length))
            if len(self.hcrc) < 65536:
                self.hcrc[length] = c
        return c

    def chunk(self, limit: int = CHUNK_RECORDS) -> tuple[np.ndarray, np.ndarray]:
        """Up to `limit` more frames as (window offsets, data lengths), in file order."""
        parts_o: list[np.ndarray] = []
        parts_l: list[np.ndarray] = []
        so: list[int] = []
        sl: list[int] = []
        count = 0
        while count < limit and not self.done and not self.stop:
            got = None
            if self.resume and self.resume_tries < 8 and self.n - self.o >= 8 and \
                    int(self.v.u64[self.o]) == self.resume[0]:
                # The pattern that was running resumes after a few odd records.
                self.resume_tries += 1
                got = self._bulk_pattern(self.resume, limit - count)
                if got is not None:
                    self._keep(so, sl, parts_o, parts_l, got)
                    so, sl = [], []
                    count += got[0].size
                    continue
            if self.countdown <= 0 and len(self.hist) >= 2:
                p = self._period()
                got = self._bulk(p, limit - count) if p else None
                if got is not None:
                    self._keep(so, sl, parts_o, parts_l, got)
                    so, sl = [], []
                    count += got[0].size
                    continue
                if not p:  # nothing repeats: look again later, less often each time
                    self.fails += 1
                    self.countdown = min(256, 1 << self.fails)
            self.countdown -= 1
            r = self._step()
            if r is not None:
                so.append(r[0])
                sl.append(r[1])
                count += 1
        if so:
            parts_o.append(np.array(so, dtype=np.int64))
            parts_l.append(np.array(sl, dtype=np.int64))
        if not parts_o:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(parts_o), np.concatenate(parts_l)

    def _period(self) -> int:
        """The period of the recent record lengths that explains the most of them, or 0.

        Five tags per step repeat every 5 records; 49 steps of one tag and then a step
        with three repeat every 52, though runs of 1 are seen too: the period whose
        repetition reaches furthest back is the one worth verifying in bulk.
        """
        h = self.hist
        cands = [p for p in range(1, min(MAX_PERIOD, len(h) // 2) + 1)
                 if h[-p:] == h[-2 * p: -p]]
        if len(cands) < 2:
            return cands[0] if cands else 0
        a = np.asarray(h)
        best, reach = 0, -1
        for p in (cands[0], cands[-1]):  # inside a run every p repeats: compare the ends
            breaks = np.flatnonzero(a[p:] != a[:-p])
            r = a.size - p - (int(breaks[-1]) + 1 if breaks.size else 0)
            if r > reach:
                best, reach = p, r
        return best

    @staticmethod
    def _keep(so: list, sl: list, parts_o: list, parts_l: list, got: tuple) -> None:
        if so:
            parts_o.append(np.array(so, dtype=np.int64))
            parts_l.append(np.array(sl, dtype=np.int64))
        parts_o.append(got[0])
        parts_l.append(got[1])

    def _bulk(self, p: int, budget: int) -> tuple[np.ndarray, np.ndarray] | None:
        return self._bulk_pattern(self.hist[-p:], budget)

    def _bulk_pattern(self, pat: list[int], budget: int
                      ) -> tuple[np.ndarray, np.ndarray] | None:
        """Verify repetitions of `pat` (record lengths) from here at once; take the good."""
        p = len(pat)
        o, n = self.o, self.n
        stride = sum(pat) + (HEADER + FOOTER) * p
        pos = [0]
        for ln in pat[:-1]:
            pos.append(pos[-1] + ln + HEADER + FOOTER)
        reps = min(self.reps, (n - o) // stride, max(1, budget // p))
        if reps < 1:
            self.countdown = 1 << 30  # near the window's end: walk one by one
            return None
        # Lengths only: each record's header CRC is checked later, with its data CRC.
        at = None
        if p <= 4:
            ok = np.empty((reps, p), dtype=bool)
            span = (reps - 1) * stride + 1
            for j in range(p):
                a = o + pos[j]
                ok[:, j] = self.v.u64[a: a + span: stride] == pat[j]
        else:
            at = (o + stride * np.arange(reps, dtype=np.int64))[:, None] + np.asarray(
                pos, dtype=np.int64)
            ok = self.v.u64[at] == np.asarray(pat, dtype=np.uint64)
        flat = ok.ravel()
        good = flat.size if flat.all() else int(flat.argmin())
        if good == 0:
            self.fails += 1
            self.countdown = min(256, 1 << self.fails)
            self.reps = 16
            return None
        self.fails = 0
        full = -(-good // p)
        if at is not None:
            offs = at.ravel()[:good]
        else:
            offs = ((o + stride * np.arange(full, dtype=np.int64))[:, None]
                    + np.asarray(pos, dtype=np.int64)).ravel()[:good]
        lens = (np.full(good, pat[0], dtype=np.int64) if p == 1 else
                np.tile(np.asarray(pat, dtype=np.int64), full)[:good])
        self.o = o + (good // p) * stride + pos[good % p]
        self.hist = (self.hist + lens[-4 * MAX_PERIOD:].tolist())[-4 * MAX_PERIOD:]
        if good == flat.size:
            self.reps = min(self.reps * 4, max(1, CHUNK_RECORDS // p))
        if p > 1:  # where it stopped (an odd record, the window's end) it may resume
            k = good % p
            self.resume = pat[k:] + pat[:k]
            self.resume_tries = 0
        return offs, lens

    def _halt(self, need: int) -> None:
        self.stop = True
        self.need = need

    def _step(self) -> tuple[int, int] | None:
        o, n = self.o, self.n
        g = self.base + o  # offset in the file
        if g >= self.total:
            self.done = True
            return None
        if o >= n or n - o < HEADER:
            if not self.eof:
                return self._halt(HEADER)
            self.issues.truncated = (g, self.total - g)
            self.done = True
            return None
        length, hcrc = struct.unpack_from("<QI", self.mem, o)
        if hcrc != self._expected_hcrc(length):
            if g == 0:
                self.issues.first_bad = True
            return self._jump(g, self._resync(g + 1))
        if length > self.total - g - HEADER - FOOTER:
            # The length's own CRC is fine but it runs past the end of the file: a record
            # still being written (normal), or a frame claiming an absurd size.
            q = self._resync(g + HEADER)
            if q is None:
                self.issues.truncated = (g, self.total - g)
                self.done = True
                return None
            return self._jump(g, q)
        if length > MAX_RECORD_BYTES:  # stepped over unread (a graph, or a lie that fits)
            self.issues.oversized.append((g, length))
            self.hist = []
            self.o = o + HEADER + FOOTER + length
            return None
        if length > n - o - HEADER - FOOTER:
            return self._halt(HEADER + FOOTER + length)
        self.o = o + HEADER + FOOTER + length
        self.hist.append(length)
        if self.resume and length == self.resume[0]:
            self.resume = self.resume[1:] + self.resume[:1]  # the pattern goes on
        if len(self.hist) > 8 * MAX_PERIOD:
            del self.hist[: -4 * MAX_PERIOD]
        return o, length

    def _jump(self, g: int, q: int | None) -> None:
        """Skip unreadable bytes from file offset g to the next good frame q (or the end)."""
        self.hist = []
        if q is None:
            self.issues.skipped.append((g, self.total - g))
            self.done = True
            return None
        self.issues.skipped.append((g, q - g))
        self.o = q - self.base
        if self.o + HEADER > self.n:
            self._halt(HEADER)
        return None

    def _resync(self, start: int) -> int | None:
        """The next file offset holding a whole, CRC-valid frame (searched vectorized).

        The file is read in blocks apart from the walk's window. Holes of a sparse file
        are skipped unread and runs of zero bytes cost one compare (no header is all
        zeros); the data CRCs checked are capped by `budget` (see RESYNC_BUDGET_FILES).
        """
        src = self.source
        n = self.total
        window = 1 << 16
        pos = start
        while pos + HEADER + FOOTER <= n:
            data_at = src.data_from(pos)
            if data_at > pos + HEADER:  # a hole: a header may end just inside the data
                pos = data_at - (HEADER - 1)
                continue
            count = min(window, n - HEADER - FOOTER - pos + 1)
            raw = src.read_at(pos, count + HEADER - 1)
            if len(raw) < HEADER:  # the file shrank while being read
                self.total = src.size = min(src.size, pos + len(raw))
                return None
            count = min(count, len(raw) - HEADER + 1)
            buf = np.frombuffer(raw, dtype=np.uint8)
            nz = np.flatnonzero(buf)
            if nz.size == 0:
                at = np.zeros(0, np.int64)
            elif nz.size * HEADER < count // 4:  # mostly zeros: only near the others
                at = np.unique((nz[:, None] - np.arange(HEADER)).ravel())
                at = at[(at >= 0) & (at < count)]
            else:
                at = None
            if at is None:
                crc = _masked_crc8_all(buf, 0, count)
                idx = np.arange(count, dtype=np.int64)
            else:
                crc = _masked_crc8_at(buf, at)
                idx = at
            u32 = np.ndarray((buf.size - 3,), dtype="<u4", buffer=buf, strides=(1,))
            u64 = np.ndarray((buf.size - 7,), dtype="<u8", buffer=buf, strides=(1,))
            stored = u32[idx + 8]
            lens = u64[idx]
            room = ((n - HEADER - FOOTER) - (pos + idx)).astype(np.uint64)
            cand = np.flatnonzero((crc == stored) & (lens <= room))
            for c in cand.tolist():
                q = pos + int(idx[c])
                length = int(lens[c])
                if length > self.budget:
                    self.issues.gave_up = True
                    return None
                self.budget -= length + FOOTER
                if src.crc_ok(q + HEADER, length):
                    return q
            pos += count
            window = min(window * 2, 1 << 24)
        return None


def _masked_crc8_at(buf: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Masked CRC32C of the 8 bytes at each offset in `at` (a sparse _masked_crc8_all)."""
    crc = np.full(at.size, 0xFFFFFFFF, dtype=np.uint32)
    for k in range(8):
        b = buf[at + k]
        crc = _T8[(crc ^ b) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
    crc ^= np.uint32(0xFFFFFFFF)
    return ((crc >> np.uint32(15)) | (crc << np.uint32(17))) + np.uint32(MASK_DELTA)


# --------------------------------------------------------------------------- decoding


@dataclass
class FileScan:
    """Everything decoded from one event file, per (tag, kind), plus what went wrong."""

    n_records: int = 0
    points: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = field(
        default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    plugins: dict[str, tuple[int, str]] = field(default_factory=dict)  # tag -> (key, plugin)
    starts: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # (rec, step)
    versions: list[tuple[int, float]] = field(default_factory=list)  # (rec, file_version)
    records: list[tuple[np.ndarray, np.ndarray, bool, tuple[str, ...]]] | None = None
    corrupt: int = 0
    undecodable: int = 0
    event_like: int = 0
    issues: FrameIssues = field(default_factory=FrameIssues)

    def tag_arrays(self, key: tuple[str, str], consume: bool = False
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point keys, steps, values) of one (tag, kind) in write order.

        With consume=True the pieces are released as they are joined (less memory).
        """
        parts = self.points.pop(key, []) if consume else self.points.get(key, [])
        if not parts:
            z = np.zeros(0, np.int64)
            return z, z.copy(), np.zeros(0, np.float64)
        if len(parts) == 1:
            k, s, v = parts[0]
        else:  # one column at a time, each list dropped once joined
            ks, ss, vs = ([p[i] for p in parts] for i in range(3))
            del parts
            k = np.concatenate(ks)
            del ks
            s = np.concatenate(ss)
            del ss
            v = np.concatenate(vs)
            del vs
        if k.size > 1 and not np.all(k[1:] > k[:-1]):
            order = np.argsort(k, kind="stable")
            k, s, v = k[order], s[order], v[order]
        return k, s, v


def _version_number(fv: str) -> float:
    try:
        return float(fv.split("brain.Event:")[-1])
    except ValueError:
        return -1.0


class _Class(NamedTuple):
    """Records of one layout that share their non-varying bytes (one tag of that layout)."""

    info: EventInfo
    pattern: np.ndarray  # (structure bytes XOR the template's), as uint64 words
    sig: int  # a hash of `pattern` (0 for the template's own class)
    residual: int  # their CRC residual against the template


class _Template:
    """A record layout learnt from one record; checks and decodes many records at once.

    Each record is fetched whole, as one 8-byte-aligned span from inside its header to
    its data CRC. Its structure bytes (everything but the wall time, step and values,
    including the length and its CRC) must equal those of a known class exactly, word by
    word; its varying bytes must agree with its data CRC, which is computed from the
    template's CRC plus per-byte tables (CRC32C is affine). Both, or the record is not
    taken here (and ends in the one-by-one Python path, which reports real damage).
    """

    def __init__(self, length: int, framed: bytes, pre: int, info: EventInfo):
        self.length = length
        self.pre = pre
        self.width = len(framed)
        data = framed[pre: pre + length]
        self.data = np.frombuffer(data, dtype=np.uint8)
        self.key = info.layout_key()
        self.fields = list(self.key)
        self.crc = crc32c(data)
        mask = np.full(self.width, 0xFF, dtype=np.uint8)
        for f in self.fields:
            # A varint's continuation bits are structure: checking them with the other
            # structure bytes proves the record parses like the template.
            mask[pre + f.pos: pre + f.pos + f.size] = 0x80 if f.codec in ("varint",
                                                                            "h16v") else 0
        mask[pre + length:] = 0  # the data CRC varies
        self.t64 = np.frombuffer(framed, dtype="<u8").copy()
        self.m64 = mask.view("<u8").copy()
        full = np.uint64(0xFFFFFFFFFFFFFFFF)
        self.words = [(j, self.t64[j], None if self.m64[j] == full else self.m64[j])
                      for j in range(self.t64.size) if self.m64[j]]
        self.classes: list[_Class] = [_Class(info, np.zeros_like(self.t64), 0, 0)]
        self.tried: set[int] = set()
        self.varies: set[int] = set()  # byte pairs seen to vary within a block
        self.t8: dict[int, np.ndarray] = {}  # byte position -> 256-entry contribution table
        self.t16: dict[int, np.ndarray] = {}  # pair start -> 65536-entry table
        self._build_t8()

    @staticmethod
    def span(length: int) -> tuple[int, int]:
        """(bytes before the data, total width): [-pre, length + 4), width a multiple of 8."""
        pre = 4 + (-(length + 8)) % 8
        return pre, length + 4 + pre

    def _build_t8(self) -> None:
        positions = sorted({f.pos + k for f in self.fields for k in range(f.size)},
                           reverse=True)
        if not positions:
            return
        # W_j = contribution of byte value v at position j: Z^(L-1-j)(table[v]).
        r = _T8.copy()
        j = self.length - 1
        want = set(positions)
        lowest = positions[-1]
        while j >= lowest:
            if j in want:
                self.t8[j] = r[np.arange(256, dtype=np.uint32) ^ np.uint32(self.data[j])]
            r = _T8[r & np.uint32(0xFF)] ^ (r >> np.uint32(8))
            j -= 1

    def _t16(self, a: int) -> np.ndarray:
        t = self.t16.get(a)
        if t is None:
            u = np.arange(65536, dtype=np.uint32)
            t = self.t8[a][u & np.uint32(0xFF)] ^ self.t8[a + 1][u >> np.uint32(8)]
            self.t16[a] = t
        return t

    def evaluate(self, v: _Views, d: np.ndarray, verify: Callable[[int], EventInfo | None],
                 needs: Callable[[EventInfo], bool]) -> tuple[np.ndarray, dict]:
        """The class of each record with data at offsets d (-1: none), and decoded fields.

        `verify(i)` checks record i the slow, exact way and returns its EventInfo; it is
        called for one record of each new class before the class is accepted. Steps and
        values are decoded only when `needs` says a class present wants them.
        """
        k = d.size
        cls = np.full(k, -1, dtype=np.int16)
        dec: dict[int, np.ndarray] = {}
        block = max(4096, _BLOCK_BYTES // self.width)
        big = k >= _T16_MIN
        rows = v.rows(self.width)
        pre = self.pre
        for s in range(0, k, block):
            dd = d[s: s + block]
            kb = dd.size
            m = rows[dd - pre].view(np.uint8).reshape(kb, self.width)
            est = np.full(kb, self.crc, dtype=np.uint32)
            for f in self.fields:
                c = pre + f.pos
                done = 0
                if big and f.size >= 2:
                    npairs = f.size // 2
                    pairs = _typed(m, c, "<u2", npairs)
                    for j in range(npairs):
                        col = pairs[:, j]
                        a = f.pos + 2 * j
                        if a not in self.varies:  # constant so far (the wall time's top)
                            first = int(col[0])
                            if np.all(col == first):
                                est ^= self.t8[a][first & 0xFF] ^ self.t8[a + 1][first >> 8]
                                continue
                            self.varies.add(a)  # seen varying: no more checks
                        est ^= np.take(self._t16(a), col)
                    done = 2 * npairs
                for j in range(done, f.size):
                    _lookup(est, m[:, c + j], self.t8[f.pos + j])
            res = _unmask(_typed(m, pre + self.length, "<u4")) ^ est
            words = m.view("<u8")
            acc = np.zeros(kb, dtype=np.uint64)
            for j, t, mask in self.words:  # word by word: far faster than 2-D ops
                x = words[:, j] ^ t
                if mask is not None:
                    x &= mask
                acc |= x
            out = cls[s: s + kb]
            out[(acc == 0) & (res == 0)] = 0
            rest = np.flatnonzero(out < 0)
            if rest.size:
                diff = (words[rest] ^ self.t64) & self.m64
                self._other_classes(diff, res[rest], rest, out, lambda i, s=s: verify(s + i))
            if any(needs(c.info) for c in self.classes):
                for f in self.fields:
                    if f.codec != "raw":
                        if f.pos not in dec:
                            dec[f.pos] = np.zeros(k, dtype=np.int64 if f.codec == "varint"
                                                  else np.float64)
                        dec[f.pos][s: s + kb] = _decode(m, pre + f.pos, f)
        return cls, dec

    def _other_classes(self, diff, res, rest, out, verify) -> None:
        """Records of this layout whose structure differs: other tags, or damage.

        diff and res are given for the rows `rest` of the block only.
        """
        sig = np.zeros(rest.size, dtype=np.uint64)
        for j in range(diff.shape[1]):
            sig *= np.uint64(0x9E3779B97F4A7C15)
            sig ^= diff[:, j]
        sig |= np.uint64(1)  # never 0: that is the template's own class

        def match(ci: int, c: _Class) -> None:
            cand = np.flatnonzero((sig == np.uint64(c.sig)) & (res == c.residual)
                                  & (out[rest] < 0))
            if cand.size:
                exact = np.all(diff[cand] == c.pattern, axis=1)
                out[rest[cand[exact]]] = ci

        for ci in range(1, len(self.classes)):
            match(ci, self.classes[ci])
        for _ in range(64):  # discover new classes, the most frequent first
            left = np.flatnonzero(out[rest] < 0)
            if left.size < 2:
                return
            vals, cnt = np.unique(sig[left[:512]], return_counts=True)
            order = [int(vals[i]) for i in np.argsort(-cnt, kind="stable") if cnt[i] >= 2]
            order = [x for x in order if x not in self.tried]
            if not order:
                return
            target = order[0]
            self.tried.add(target)
            i = int(left[np.flatnonzero(sig[left] == np.uint64(target))[0]])
            info = verify(int(rest[i]))
            if info is None or info.layout_key() != self.key:
                continue
            c = _Class(info, diff[i].copy(), target, int(res[i]))
            self.classes.append(c)
            self.tried.discard(target)
            match(len(self.classes) - 1, c)


def _lookup(est: np.ndarray, col: np.ndarray, table: np.ndarray) -> None:
    """est ^= table[col], cheaper when the column is constant (the wall time's top bytes)."""
    first = col[0]
    if np.all(col == first):
        est ^= table[first]
    else:
        est ^= np.take(table, col)


def _decode(m: np.ndarray, c: int, f: Field) -> np.ndarray:
    """Decode field f from column c of a block's byte matrix."""
    if f.codec in ("f32", "f64", "f16"):
        return _typed(m, c, {"f32": "<f4", "f64": "<f8", "f16": "<f2"}[f.codec])
    if f.size <= 4 and c + 4 <= m.shape[1]:  # one word: drop each byte's top bit
        w = _typed(m, c, "<u4")
        acc = w & np.uint32(0x7F)
        for j in range(1, f.size):
            acc |= (w >> np.uint32(j)) & np.uint32(0x7F << (7 * j))
        acc = acc.astype(np.uint64)
    else:
        acc = (m[:, c] & np.uint8(0x7F)).astype(np.uint64)
        for j in range(1, f.size):
            acc |= (m[:, c + j] & np.uint8(0x7F)).astype(np.uint64) << np.uint64(7 * j)
    if f.codec == "h16v":
        return (acc & np.uint64(0xFFFF)).astype(np.uint16).view(np.float16)
    return acc.view(np.int64)


class Scanner:
    """Decodes one event file (a Source) into a FileScan."""

    def __init__(self, source: Source, want: Callable[[str], bool], record_info: bool = False):
        self.source = source
        self.want_fn = want
        self._want: dict[str, bool] = {}
        self.out = FileScan(records=[] if record_info else None)
        self.templates: dict[int, list[_Template]] = {}
        self._py: dict[tuple[str, str], tuple[list, list, list]] = {}
        self.v = _Views(np.zeros(0, np.uint8))
        self.mem = self.v.buf

    def _needs(self, info: EventInfo) -> bool:
        """Whether records like `info` need their steps and values decoded."""
        return (self.out.records is not None or info.session_status == 1
                or any(self.want(val.tag) for val in info.values))

    def want(self, tag: str) -> bool:
        """Whether the caller wants the values of this tag (asked once per tag)."""
        w = self._want.get(tag)
        if w is None:
            w = self._want[tag] = bool(self.want_fn(tag))
        return w

    def run(self) -> FileScan:
        """Walk and decode the whole file, window by window."""
        walker = FrameWalker(self.source)
        pos, need, base = 0, 0, 0
        while not walker.done and pos < self.source.size:
            buf = self.source.window(pos, need)
            walker.set_window(buf, pos)
            self.v = walker.v
            self.mem = buf
            while not (walker.done or walker.stop):
                offs, lens = walker.chunk()
                if offs.size:
                    self._chunk(offs, lens, base)
                    base += offs.size
            pos += walker.o
            need = walker.need
        self.out.n_records = base
        self.out.issues = walker.issues
        for key, (ks, ss, vs) in self._py.items():
            if ks:
                self.out.points.setdefault(key, []).append(
                    (np.array(ks, np.int64), np.array(ss, np.int64), np.array(vs, np.float64)))
        self._py = {}
        self.v = _Views(np.zeros(0, np.uint8))
        self.mem = self.v.buf
        return self.out

    # -- grouping

    def _chunk(self, offs: np.ndarray, lens: np.ndarray, base: int) -> None:
        key = np.minimum(lens, 65535).astype(np.uint16)
        order = np.argsort(key, kind="stable")
        sk = key[order]
        cuts = np.flatnonzero(sk[1:] != sk[:-1]) + 1
        bounds = [0, *cuts.tolist(), sk.size]
        for a, b in zip(bounds[:-1], bounds[1:]):
            idx = order[a:b]
            length = int(lens[idx[0]])
            d = offs[idx] + HEADER
            rec = idx.astype(np.int64) + base
            if b - a <= _PY_SMALL or int(sk[a]) == 65535:
                for dd, rr, ll in zip(d.tolist(), rec.tolist(), lens[idx].tolist()):
                    self._one(dd, ll, rr)
            else:
                self._group(length, d, rec)

    def _group(self, length: int, d: np.ndarray, rec: np.ndarray) -> None:
        remaining = np.arange(d.size)
        known = self.templates.get(length, [])
        for tpl in list(known):
            if remaining.size == 0:
                return
            before = remaining.size
            remaining = self._apply(tpl, d, rec, remaining)
            if remaining.size < before and known[0] is not tpl:
                known.remove(tpl)  # move to front: the layout in use is tried first
                known.insert(0, tpl)
        misses = 0
        pre, width = _Template.span(length)
        while remaining.size:
            if remaining.size <= _PY_SMALL or misses >= 2:
                break
            pick = remaining[0] if misses == 0 else remaining[remaining.size // 2]
            dd = int(d[pick])
            info = self._verified_info(dd, length)
            if info is None or dd - pre < 0:
                self._one(dd, length, int(rec[pick]))
                remaining = remaining[remaining != pick]
                continue
            framed = self.mem[dd - pre: dd - pre + width].tobytes()
            tpl = _Template(length, framed, pre, info)
            before = remaining.size
            remaining = self._apply(tpl, d, rec, remaining)
            if before - remaining.size > 1:
                self.templates.setdefault(length, []).insert(0, tpl)
                misses = 0
            else:
                misses += 1
        for j in remaining.tolist():
            self._one(int(d[j]), length, int(rec[j]))

    def _apply(self, tpl: _Template, d: np.ndarray, rec: np.ndarray,
               remaining: np.ndarray) -> np.ndarray:
        """Decode every record of `remaining` that fits a class of `tpl`; return the rest."""
        dd = d[remaining]
        if dd.size and int(dd.min()) < tpl.pre:
            bad = dd < tpl.pre  # too close to the window's start for the span: one by one
            for j in np.flatnonzero(bad).tolist():
                self._one(int(dd[j]), tpl.length, int(rec[remaining[j]]))
            remaining = remaining[~bad]
            dd = dd[~bad]
        cls, dec = tpl.evaluate(self.v, dd,
                                lambda i: self._verified_info(int(dd[i]), tpl.length),
                                self._needs)
        recs = rec[remaining]
        for ci, c in enumerate(tpl.classes):
            mask = cls == ci
            if mask.any():
                self._emit_class(c.info, dec, mask, recs)
        return remaining[cls < 0]

    def _intact(self, dd: int, length: int) -> bytes | None:
        """The record's data when both its header CRC and its data CRC check out."""
        (hcrc,) = struct.unpack_from("<I", self.mem, dd - 4)
        if hcrc != masked_crc32c(struct.pack("<Q", length)):
            return None
        data = self.mem[dd: dd + length].tobytes()
        (stored,) = struct.unpack_from("<I", self.mem, dd + length)
        return data if masked_crc32c(data) == stored else None

    def _verified_info(self, dd: int, length: int) -> EventInfo | None:
        data = self._intact(dd, length)
        if data is None:
            return None
        try:
            return parse_event(data)
        except ParseError:
            return None

    def _emit_class(self, info: EventInfo, dec: dict[int, np.ndarray], mask: np.ndarray,
                    recs: np.ndarray) -> None:
        out = self.out
        rec = recs[mask]
        n = rec.size
        if info.event_like:
            out.event_like += n

        def field_values(f: Field) -> np.ndarray:
            return dec[f.pos][mask]

        need_step = self._needs(info)
        steps = None
        if need_step:
            if info.step_field is None:
                steps = np.zeros(n, dtype=np.int64)
            else:
                steps = field_values(info.step_field)
        if info.file_version is not None:
            out.versions.append((int(rec[0]), _version_number(info.file_version)))
        if info.what == 7 and info.session_status == 1:
            out.starts.append((rec.copy(), steps))
        if out.records is not None:
            out.records.append((rec.copy(), steps, info.what == 5, info.summary_tags))
        for tag, plugin in info.plugins:
            k = int(rec[0]) << ORDINAL_BITS
            if tag not in out.plugins or out.plugins[tag][0] > k:
                out.plugins[tag] = (k, plugin)
        for val in info.values:
            key = (val.tag, val.kind)
            out.counts[key] = out.counts.get(key, 0) + n
            if not self.want(val.tag):
                continue
            if val.field is None:
                values = np.full(n, val.const, dtype=np.float64)
            else:
                values = field_values(val.field)
            keys = (rec << ORDINAL_BITS) | min(val.ordinal, (1 << ORDINAL_BITS) - 1)
            out.points.setdefault(key, []).append((keys, steps, values))

    def _one(self, dd: int, length: int, rec: int) -> None:
        """Decode one record in Python (unique layouts, leftovers, corrupt records)."""
        out = self.out
        data = self._intact(dd, length)
        if data is None:
            out.corrupt += 1
            return
        try:
            info = parse_event(data)
        except ParseError:
            out.undecodable += 1
            return
        if info.event_like:
            out.event_like += 1
        if info.file_version is not None:
            out.versions.append((rec, _version_number(info.file_version)))
        if info.what == 7 and info.session_status == 1:
            out.starts.append((np.array([rec], np.int64), np.array([info.step], np.int64)))
        if out.records is not None:
            out.records.append((np.array([rec], np.int64), np.array([info.step], np.int64),
                                info.what == 5, info.summary_tags))
        for tag, plugin in info.plugins:
            k = rec << ORDINAL_BITS
            if tag not in out.plugins or out.plugins[tag][0] > k:
                out.plugins[tag] = (k, plugin)
        for val in info.values:
            key = (val.tag, val.kind)
            out.counts[key] = out.counts.get(key, 0) + 1
            if not self.want(val.tag):
                continue
            value = val.const if val.field is None else float(decode_field(data, val.field))
            lists = self._py.get(key)
            if lists is None:
                lists = self._py[key] = ([], [], [])
            lists[0].append((rec << ORDINAL_BITS) | min(val.ordinal, (1 << ORDINAL_BITS) - 1))
            lists[1].append(info.step)
            lists[2].append(value)


def scan(source: Source | bytes | str | os.PathLike,
         want: Callable[[str], bool] = lambda tag: True,
         record_info: bool = False) -> FileScan:
    """Decode every frame of an event file: a path, bytes in memory, or a Source."""
    own = not isinstance(source, Source)
    if own:
        source = Source(data=source) if isinstance(source, (bytes, bytearray)) \
            else Source(path=source)
    try:
        return Scanner(source, want, record_info).run()
    finally:
        if own:
            source.close()


def looks_like_tfrecord(head: bytes) -> bool:
    """True when `head` starts with a TFRecord frame header whose length CRC checks out."""
    if len(head) < HEADER:
        return False
    length, hcrc = struct.unpack_from("<QI", head, 0)
    return masked_crc32c(head[:8]) == hcrc
