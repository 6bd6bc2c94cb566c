"""TFRecord framing: where each record of an event file is, checked, found again after damage.

Why: a frame is a uint64 length, the masked CRC32C of those 8 bytes, the data and the
masked CRC32C of the data. The walk here finds frames many at a time (when the record
lengths repeat with some period, whole runs are verified with strided numpy compares
instead of one Python step per record) and never trusts a length before its own CRC and
the file size agree with it, so a damaged length cannot cause a big allocation or a read
past the end. After damage, the next whole, CRC-valid frame is searched for under a
budget. The file is read through a reused window buffer and nothing is memory mapped.
"""

from __future__ import annotations

import errno
import os
import struct
from dataclasses import dataclass, field

import numpy as np

from spikecheck.readers.tfevents.crc32c import (
    _masked_crc8_all,
    _masked_crc8_at,
    mask,
    masked_crc32c,
)

HEADER = 12  # uint64 length + uint32 masked crc of the length
FOOTER = 4  # uint32 masked crc of the data
# The file is read through a buffer of this size: big enough that a window holds
# thousands of scalar records (few reads, few walk restarts), small enough to stay in
# cache so the template gathers from it are fast.
WINDOW_BYTES = 2 << 20
# At most this many records are handed to the decoder per batch: it bounds the offset
# and length arrays (16 MB) while keeping numpy's per-call overhead negligible.
CHUNK_RECORDS = 1 << 20
# A record larger than this is stepped over by its (CRC-checked) length, never read: no
# scalar event comes near it (a graph or an image might), and reading it would make
# memory follow a length written in the file.
MAX_RECORD_BYTES = 64 << 20
# Looking for the next record after damage checks the data CRC of each candidate frame;
# the bytes so checked are capped at a multiple of the file size, so frames that each
# claim megabytes cannot turn the search quadratic. Past the cap the rest is skipped.
RESYNC_BUDGET_FILES = 2
RESYNC_BUDGET_MIN = 64 << 20  # ...and at least this much, so small files resync fully
# Longest repeating pattern of record lengths the walker looks for: a step logging up to
# 64 tags (one record each) is verified in bulk; longer patterns walk one by one.
MAX_PERIOD = 64
# Repetitions of a pattern verified by the first bulk try: few, so a pattern that breaks
# soon costs little; each try that passes whole takes 4x more.
FIRST_REPS = 16
MAX_RESUME_TRIES = 8  # tries to resume a broken pattern after odd records (per pattern)
# When nothing repeats, the walker steps 2, 4, ... up to this many records one by one
# between period searches (a search costs far more than a step).
MAX_BACKOFF = 256
HCRC_CACHE = 65536  # distinct lengths whose header CRC is remembered (bounded memory)
RESYNC_FIRST_BLOCK = 1 << 16  # the damaged-record search reads blocks from this size...
RESYNC_MAX_BLOCK = 1 << 24  # ...doubling up to this one (16 MB of candidates at once)
CRC_STREAM_BLOCK = 4 << 20  # a big candidate's data CRC is computed over blocks this big
WALK_TO_WINDOW_END = 1 << 30  # a countdown no window reaches: no bulk try until the next


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
            block = self.read_at(pos + done, min(CRC_STREAM_BLOCK, length - done))
            if not block:
                return False
            crc = google_crc32c.extend(crc, block)
            done += len(block)
        stored = self.read_at(pos + length, 4)
        if len(stored) < 4:
            return False
        return mask(crc) == struct.unpack("<I", stored)[0]

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
        self.reps = FIRST_REPS
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
        if self.countdown > 1 << 20:  # WALK_TO_WINDOW_END: a new window may bulk again
            self.countdown = 0

    def _expected_hcrc(self, length: int) -> int:
        c = self.hcrc.get(length)
        if c is None:
            c = masked_crc32c(struct.pack("<Q", length))
            if len(self.hcrc) < HCRC_CACHE:
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
            if self.resume and self.resume_tries < MAX_RESUME_TRIES and \
                    self.n - self.o >= 8 and int(self.v.u64[self.o]) == self.resume[0]:
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
                    self.countdown = min(MAX_BACKOFF, 1 << self.fails)
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
            self.countdown = WALK_TO_WINDOW_END  # near the window's end: one by one
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
            self.countdown = min(MAX_BACKOFF, 1 << self.fails)
            self.reps = FIRST_REPS
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
        window = RESYNC_FIRST_BLOCK
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
            window = min(window * 2, RESYNC_MAX_BLOCK)
        return None


def looks_like_tfrecord(head: bytes) -> bool:
    """True when `head` starts with a TFRecord frame header whose length CRC checks out."""
    if len(head) < HEADER:
        return False
    length, hcrc = struct.unpack_from("<QI", head, 0)
    return masked_crc32c(head[:8]) == hcrc
