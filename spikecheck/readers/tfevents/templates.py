"""Templates: records of one layout checked and decoded many at a time with numpy.

Why: one record is parsed in Python to learn which bytes hold the wall time, the step and
each value; then every record of that length is fetched as one span, its structure bytes
compared word by word with those of a known class of the layout, and its data CRC
computed from the template's CRC plus per-byte tables for the bytes that vary (CRC32C is
affine over GF(2)) and compared with the stored one. A record that passes both is
exactly what its class says it is; any other goes to the one-by-one Python path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from spikecheck.readers.tfevents.crc32c import _T8, _unmask, crc32c
from spikecheck.readers.tfevents.event import EventInfo, Field
from spikecheck.readers.tfevents.frames import _Views

# From this many records of a layout on, the CRC of byte pairs is looked up in 16-bit
# tables (65536 entries, built once per pair): half the lookups of the 8-bit tables,
# worth the table's cost only over thousands of records.
_T16_MIN = 8_192
# Records are checked in blocks of about this many bytes so a block's byte matrix and
# its per-row temporaries stay in cache.
_BLOCK_BYTES = 1 << 20
_MIN_BLOCK_RECORDS = 4096  # ...but never fewer records than this (numpy call overhead)
_GOLDEN64 = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: the multiplier of the class hash
_MAX_NEW_CLASSES = 64  # classes (tags) discovered per block at most, the most frequent first
_CLASS_SAMPLE = 512  # rows whose hash votes for the next class to learn


def _typed(mat: np.ndarray, col: int, dtype: str, count: int | None = None) -> np.ndarray:
    """Bytes from column `col` of a C-contiguous (K, W) byte matrix read as dtype.

    One value per row as a (K,) array, or `count` consecutive values as (K, count).
    """
    k, w = mat.shape
    size = np.dtype(dtype).itemsize
    shape = (k,) if count is None else (k, count)
    strides = (w,) if count is None else (w, size)
    return np.ndarray(shape, dtype=dtype, buffer=mat, offset=col, strides=strides)


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
        block = max(_MIN_BLOCK_RECORDS, _BLOCK_BYTES // self.width)
        big = k >= _T16_MIN
        rows = v.rows(self.width)
        for s in range(0, k, block):
            dd = d[s: s + block]
            m = rows[dd - self.pre].view(np.uint8).reshape(dd.size, self.width)
            self._classify(m, cls[s: s + dd.size], big, lambda i, s=s: verify(s + i))
            if any(needs(c.info) for c in self.classes):
                self._decode_block(m, dec, k, s)
        return cls, dec

    def _classify(self, m: np.ndarray, out: np.ndarray, big: bool,
                  verify: Callable[[int], EventInfo | None]) -> None:
        """Set out[i] to the class of row i of the block's byte matrix m (-1 stays: none)."""
        res = self._crc_residual(m, big)
        words = m.view("<u8")
        acc = np.zeros(m.shape[0], dtype=np.uint64)
        for j, t, mask in self.words:  # word by word: far faster than 2-D ops
            x = words[:, j] ^ t
            if mask is not None:
                x &= mask
            acc |= x
        out[(acc == 0) & (res == 0)] = 0
        rest = np.flatnonzero(out < 0)
        if rest.size:
            diff = (words[rest] ^ self.t64) & self.m64
            self._other_classes(diff, res[rest], rest, out, verify)

    def _crc_residual(self, m: np.ndarray, big: bool) -> np.ndarray:
        """Each row's stored data CRC XOR the template's CRC moved by the row's varying
        bytes: 0 when they agree (pairs of bytes via 16-bit tables when `big`)."""
        est = np.full(m.shape[0], self.crc, dtype=np.uint32)
        for f in self.fields:
            c = self.pre + f.pos
            done = self._xor_pairs(est, m, f) if big and f.size >= 2 else 0
            for j in range(done, f.size):
                _lookup(est, m[:, c + j], self.t8[f.pos + j])
        return _unmask(_typed(m, self.pre + self.length, "<u4")) ^ est

    def _xor_pairs(self, est: np.ndarray, m: np.ndarray, f: Field) -> int:
        """est ^= the CRC contribution of field f's bytes two at a time; the bytes done."""
        npairs = f.size // 2
        pairs = _typed(m, self.pre + f.pos, "<u2", npairs)
        for j in range(npairs):
            col = pairs[:, j]
            a = f.pos + 2 * j
            if a not in self.varies and self._constant_pair(est, a, col):
                continue
            est ^= np.take(self._t16(a), col)
        return 2 * npairs

    def _constant_pair(self, est: np.ndarray, a: int, col: np.ndarray) -> bool:
        """When the pair at a is constant in the block (the wall time's top), xor its
        contribution into est and say so; else remember that it varies."""
        first = int(col[0])
        if np.all(col == first):
            est ^= self.t8[a][first & 0xFF] ^ self.t8[a + 1][first >> 8]
            return True
        self.varies.add(a)  # seen varying: no more checks
        return False

    def _decode_block(self, m: np.ndarray, dec: dict[int, np.ndarray], k: int, s: int) -> None:
        """Decode the steps and values of the block (rows s.. of k) into dec, by position."""
        kb = m.shape[0]
        for f in self.fields:
            if f.codec == "raw":
                continue
            if f.pos not in dec:
                dec[f.pos] = np.zeros(k, dtype=np.int64 if f.codec == "varint" else np.float64)
            dec[f.pos][s: s + kb] = _decode(m, self.pre + f.pos, f)

    def _other_classes(self, diff, res, rest, out, verify) -> None:
        """Records of this layout whose structure differs: other tags, or damage.

        diff and res are given for the rows `rest` of the block only.
        """
        sig = np.zeros(rest.size, dtype=np.uint64)
        for j in range(diff.shape[1]):
            sig *= np.uint64(_GOLDEN64)
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
        for _ in range(_MAX_NEW_CLASSES):  # discover new classes, the most frequent first
            left = np.flatnonzero(out[rest] < 0)
            if left.size < 2:
                return
            vals, cnt = np.unique(sig[left[:_CLASS_SAMPLE]], return_counts=True)
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

