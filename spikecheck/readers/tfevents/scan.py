"""The scanner: an event file's frames decoded into scalar points per tag, many at a time.

Why: TensorBoard's own loader builds one protobuf object per event and needs tens of
seconds per million scalars. Here frames come from the walker in batches, are grouped by
record length, and each group is decoded by templates (numpy) or, when small, unique or
damaged, one record at a time in Python, where a real CRC mismatch is counted as
corruption.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from spikecheck.readers.tfevents.crc32c import masked_crc32c
from spikecheck.readers.tfevents.event import (
    EventInfo,
    Field,
    ParseError,
    decode_field,
    parse_event,
    version_number,
)
from spikecheck.readers.tfevents.frames import HEADER, FrameIssues, FrameWalker, Source, _Views
from spikecheck.readers.tfevents.protobuf import EventField, SessionStatus
from spikecheck.readers.tfevents.templates import _Template

ORDINAL_BITS = 10  # point key = (record index << ORDINAL_BITS) | value ordinal in record
# Groups of records of one length this small are decoded record by record in Python:
# learning and applying a template costs about as much as parsing a couple of dozen.
_PY_SMALL = 24
_LENGTH_KEY_CAP = 65535  # lengths are grouped as uint16; longer records go one by one
_TEMPLATE_MISSES = 2  # after this many new templates that fit only their own record,
# the rest of a group goes one by one (its records have no common layout)
_START = SessionStatus.START.value
_SUMMARY = EventField.SUMMARY.value
_SESSION_LOG = EventField.SESSION_LOG.value


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
        if len(parts) > 1:
            parts = _in_key_order(parts)
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


def _in_key_order(parts: list) -> list:
    """The pieces in the order of their keys when each holds increasing keys and their key
    ranges do not overlap (records of one length are decoded together, so the pieces of a
    file whose lengths alternate come out of order): joined in that order they need no
    sort, and keys are unique, so the result is the sorted one. Otherwise as given."""
    ordered = sorted((p for p in parts if p[0].size), key=lambda p: int(p[0][0]))
    last = None
    for k, _, _ in ordered:
        if (last is not None and int(k[0]) <= last) or \
                (k.size > 1 and not np.all(k[1:] > k[:-1])):
            return parts
        last = int(k[-1])
    return ordered or parts


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
        return (self.out.records is not None or info.session_status == _START
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
        key = np.minimum(lens, _LENGTH_KEY_CAP).astype(np.uint16)
        order = np.argsort(key, kind="stable")
        sk = key[order]
        cuts = np.flatnonzero(sk[1:] != sk[:-1]) + 1
        bounds = [0, *cuts.tolist(), sk.size]
        for a, b in zip(bounds[:-1], bounds[1:]):
            idx = order[a:b]
            length = int(lens[idx[0]])
            d = offs[idx] + HEADER
            rec = idx.astype(np.int64) + base
            if b - a <= _PY_SMALL or int(sk[a]) == _LENGTH_KEY_CAP:
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
            if remaining.size <= _PY_SMALL or misses >= _TEMPLATE_MISSES:
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
            out.versions.append((int(rec[0]), version_number(info.file_version)))
        if info.what == _SESSION_LOG and info.session_status == _START:
            out.starts.append((rec.copy(), steps))
        if out.records is not None:
            out.records.append((rec.copy(), steps, info.what == _SUMMARY, info.summary_tags))
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
            out.versions.append((rec, version_number(info.file_version)))
        if info.what == _SESSION_LOG and info.session_status == _START:
            out.starts.append((np.array([rec], np.int64), np.array([info.step], np.int64)))
        if out.records is not None:
            out.records.append((np.array([rec], np.int64), np.array([info.step], np.int64),
                                info.what == _SUMMARY, info.summary_tags))
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

