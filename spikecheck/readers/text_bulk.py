"""Text logs at vectorized speed: every line of one shape read at once, exactly as the
per-line scan (text._scan) reads it.

A line's *shape* is its bytes with every ASCII digit written as 0. Two lines of one shape
differ only in which digits they hold, and a style expression that cannot tell one digit
from another and never looks past its own line (checked on its parse tree: `eligible`)
matches them alike: at the same places, with groups of the same spans. So the expression
runs once per shape, on the shape's first line; every other line of that shape has its
groups cut out at those byte offsets and turned into numbers with numpy (integers, and
decimals by the exact fast path: a mantissa below 2^53 times or over an exact power of
ten is the correctly rounded value, the one float() gives; anything else goes through the
same int()/float() conversion as the per-line scan). Shapes are found in bulk by hashing
the masked lines (pyarrow's dictionary_encode), a block of chunks.CHUNK_BYTES at a time.

Lines the bulk path does not read are read by the per-line scan, in place: a shape seen
once, a line holding several matches, an epoch header line, a line that is not valid
UTF-8. `BulkStats` counts them, so nothing is left out silently. The result is the same
arrays, match count, line count and header epochs as text._scan, and the tests compare the
two on every style of the reading corpus.

Where it does not apply (an expression that could cross a line or tell digits apart, a
UTF-16 log, a line longer than chunks.MAX_LINE allows, a log smaller than
BULK_MIN_BYTES, where importing pyarrow would cost more than it saves) `scan_bulk` returns
None and the reader uses the per-line scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import numpy as np

from spikecheck.nomask import distinct
from spikecheck.readers import chunks, memory
from spikecheck.readers.interface import InputSource, ReadError

try:  # the regular-expression parser (re._parser from 3.11, sre_parse before)
    import re._constants as _sre_c  # type: ignore[import-not-found]
    import re._parser as _sre_p  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

BULK_MIN_BYTES = 8 << 20  # smaller logs: the per-line scan is as fast and imports less
# A block is one chunks.CHUNK_BYTES read (4 MB): measured on 10M lines, larger blocks
# were no faster (their temporaries fall out of the cache) and held more memory.
NEWLINE_SLICE = 1 << 20  # newlines are found a megabyte at a time (a small mask)
PAD = 16  # bytes a block holds after its last line end (groups are read as 8-byte words)
MAX_SHAPE_BYTES = 4096  # a longer line is read per line (its shape is not looked up)
MAX_SHAPES = 100_000  # shapes remembered across blocks (a hostile log cannot grow this)
MAX_DIGITS = 18  # digits of an integer or a mantissa read in int64 (10^18 < 2^63)
_EXACT = 2 ** 53  # float64 holds every integer up to here exactly
_POW10 = 10.0 ** np.arange(23)  # 10^0..10^22: exact in float64 (the decimal fast path)

_DIGIT_AS_ZERO = bytes(48 if 48 <= i <= 57 else i for i in range(256))
_SPECIAL = (b"\r", b"\x08", b"\x1b")  # bytes chunks.unify_newlines rewrites
_ANSI = re.compile(chunks.ANSI.pattern.encode())
_BACKSPACES = re.compile(b"\x08{1,100000}")
_INT_LAYOUT = re.compile(rb"([-+]?)(0+)")
_FLOAT_LAYOUT = re.compile(rb"([-+]?)(0*)(?:\.(0*))?(?:[eE]([-+]?)(0+))?")

NONE, ONE, PER_LINE = 0, 1, 2  # what a shape's lines hold: no match, one match, read per line


class BulkStats:
    """How the last bulk scan read its lines: in bulk, per line, and the shapes seen.

    (Plain classes in this module rather than dataclasses: it is imported on every text
    log's path, and building a dataclass costs a little start-up.)"""

    __slots__ = ("lines", "bulk_lines", "per_line_lines", "shapes", "blocks", "matched_lines")

    def __init__(self) -> None:
        self.lines = self.bulk_lines = self.per_line_lines = self.shapes = self.blocks = 0
        self.matched_lines = 0  # lines holding at least one match (text._scan's count)

    def __repr__(self) -> str:
        return "BulkStats(" + ", ".join(f"{k}={getattr(self, k)}" for k in self.__slots__) + ")"


LAST_STATS = BulkStats()  # the most recent scan's counts (for tests and the benchmark)


class _Bail(Exception):
    """The bulk path cannot mirror the per-line scan on this input: use that scan."""


# --------------------------------------------------------------------------- eligibility


def eligible(rx: re.Pattern[str], header: re.Pattern[str] | None = None) -> bool:
    """Whether lines of one shape are matched alike by rx (and the header expression).

    True when no part of the expression can match a newline (a match never leaves its
    line, lookarounds included), no part tells one ASCII digit from another, it has no
    back-reference and no string anchor (only line anchors in MULTILINE mode), and it
    cannot match the empty string.
    """
    if header is not None and (header.groups != 1 or not eligible(header)):
        return False
    try:
        tree = _sre_p.parse(rx.pattern, rx.flags)
    except Exception:  # noqa: BLE001 - an expression the parser does not take: per line
        return False
    if tree.getwidth()[0] == 0:
        return False
    try:
        return _items_ok(list(tree), rx.flags)
    except _Unknown:
        return False


class _Unknown(Exception):
    """A construct this check does not know: not eligible."""


_DIGITS = "0123456789"


def _items_ok(items: list, flags: int) -> bool:
    c = _sre_c
    for op, av in items:
        if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
            if not _one_char_ok(op, av, flags):
                return False
        elif op is c.AT:
            if av in (c.AT_BEGINNING, c.AT_END):
                if not flags & re.MULTILINE:
                    return False
            elif av not in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY):
                return False
        elif op is c.BRANCH:
            if not all(_items_ok(list(p), flags) for p in av[1]):
                return False
        elif op is c.SUBPATTERN:
            _group, add, delete, p = av
            if not _items_ok(list(p), (flags | add) & ~delete):
                return False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
            if not _items_ok(list(av[2]), flags):
                return False
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if not _items_ok(list(av[1]), flags):
                return False
        elif op is getattr(c, "ATOMIC_GROUP", None):
            if not _items_ok(list(av), flags):
                return False
        else:  # GROUPREF, GROUPREF_EXISTS and anything newer
            return False
    return True


def _one_char_ok(op, av, flags: int) -> bool:
    """A one-character node: never matches a newline, all ten digits or none of them."""
    hits = [_char_in(op, av, ch, flags) for ch in "\n" + _DIGITS]
    return not hits[0] and len(set(hits[1:])) == 1


def _char_in(op, av, ch: str, flags: int) -> bool:
    c = _sre_c
    if op is c.LITERAL:
        return ord(ch) == av
    if op is c.NOT_LITERAL:
        return ord(ch) != av
    if op is c.ANY:
        return ch != "\n" or bool(flags & re.DOTALL)
    if op is c.IN:
        negate = False
        hit = False
        for iop, iav in av:
            if iop is c.NEGATE:
                negate = True
            elif iop is c.LITERAL:
                hit |= ord(ch) == iav
            elif iop is c.RANGE:
                hit |= iav[0] <= ord(ch) <= iav[1]
            elif iop is c.CATEGORY:
                hit |= _category_has(iav, ch)
            else:
                raise _Unknown(iop)
        return hit != negate
    raise _Unknown(op)


def _category_has(cat, ch: str) -> bool:
    name = str(cat).upper()
    if "LINEBREAK" in name:
        has = ch == "\n"
    elif "DIGIT" in name:
        has = ch.isdigit()
    elif "SPACE" in name:
        has = ch.isspace()
    elif "WORD" in name:
        has = ch.isalnum() or ch == "_"
    else:
        raise _Unknown(cat)
    return has != ("NOT" in name)


# --------------------------------------------------------------------------- reading blocks


def _unify(raw: bytes) -> bytes:
    """chunks.unify_newlines on bytes (the bytes it rewrites are ASCII in UTF-8 and Latin-1)."""
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if b"\x08" in raw:
        raw = _BACKSPACES.sub(b"\n", raw)
    if b"\x1b" in raw:
        raw = _ANSI.sub(b"", raw)
    return raw


def _iter_blocks(src: InputSource, encoding: str, held: list[str], bom: bool = False
                 ) -> Iterator[tuple[bytes | bytearray, int]]:
    """The content in blocks (data, end) whose lines are data[:end], ending at a line end:
    the same lines, line ends and held last line as chunks.iter_chunks gives (newlines
    unified per CHUNK_BYTES read, as it does), one read per block. A line of MAX_LINE bytes
    or more, which iter_chunks may cut into pieces (MAX_LINE characters): _Bail, here or in
    _Scan.block. With `bom` a UTF-8 byte order mark that opens the content is dropped (as
    the utf-8-sig decoder drops it).
    """
    size = chunks.CHUNK_BYTES
    carry = b""
    first = True
    aligned = True  # every read so far was whole: our reads start where iter_chunks' do
    buffer = bytearray()  # reused for every block: no new pages per block
    with src.open() as f:
        while True:
            k = len(carry)
            if len(buffer) < k + size + PAD:
                buffer = bytearray(k + size + (1 << 16))
            buffer[:k] = carry
            try:
                with memoryview(buffer) as view:
                    got = f.readinto(view[k: k + size])
            except (OSError, EOFError) as exc:
                raise ReadError(f"{src.name}: cannot decompress ({exc})") from None
            if not got:
                if carry:  # a last line with no line end: held, not read
                    tail = carry.decode(encoding, errors="replace")
                    if tail.strip():
                        held.append(tail)
                return
            data: bytes | bytearray = buffer
            stop = k + got
            opens = bom and first and buffer[k: k + 3] == b"\xef\xbb\xbf"
            if opens or any(buffer.find(s, k, stop) >= 0 for s in _SPECIAL):
                if not aligned:
                    raise _Bail("a short read: chunk boundaries unknown")
                raw = _unify(bytes(buffer[k:stop]))
                if opens and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                data = carry + raw + bytes(PAD)
                stop = len(data) - PAD
            first = False
            aligned = aligned and got == size
            cut = data.rfind(b"\n", 0, stop)
            carry = bytes(data[cut + 1: stop])
            if len(carry) >= chunks.MAX_LINE:
                raise _Bail("an endless line")
            if cut >= 0:
                yield data, cut + 1


def _newlines(buf: np.ndarray, end: int) -> np.ndarray:
    """Positions of the line ends in buf[:end] (found a slice at a time: a small mask)."""
    if end <= NEWLINE_SLICE:
        return np.flatnonzero(buf[:end] == 10)
    return np.concatenate([np.flatnonzero(buf[a: min(a + NEWLINE_SLICE, end)] == 10) + a
                           for a in range(0, end, NEWLINE_SLICE)])


class _Sink:
    """Columns filled block by block into arrays sized from the first blocks (no list of
    parts and no final concatenation: the points are held once)."""

    def __init__(self, dtypes: list[type], total_bytes: int | None):
        self.dtypes = dtypes
        self.total_bytes = total_bytes
        self.cols = [np.empty(0, dt) for dt in dtypes]
        self.n = 0

    def add(self, cols: list[np.ndarray], consumed: int) -> None:
        """Append one block's columns; `consumed` is the bytes read so far."""
        k = cols[0].size if cols else 0
        need = self.n + k
        if self.cols and need > self.cols[0].size:  # grow: to the size the file implies
            if self.total_bytes and consumed:
                guess = int(need / consumed * self.total_bytes * 1.02) + 4096
            else:
                guess = 0
            size = max(guess, 2 * need, 4096)
            for i, (old, dt) in enumerate(zip(self.cols, self.dtypes)):
                new = np.empty(size, dt)
                new[: self.n] = old[: self.n]
                self.cols[i] = new
        for out, col in zip(self.cols, cols):
            out[self.n: need] = col
        self.n = need

    def result(self) -> list[np.ndarray]:
        return [c[: self.n] for c in self.cols]


# --------------------------------------------------------------------------- numbers


class _Layout:
    """How one group's text is laid out in a shape (digits as 0), and how to read it:
    kind "int", "float", or "python" (int()/float() on each value); the offsets of the
    mantissa (or integer) digits, the digits after the point, the exponent's digits."""

    __slots__ = ("kind", "width", "negative", "mantissa", "fraction", "exp_negative",
                 "exponent")

    def __init__(self, kind: str, width: int, negative: bool = False,
                 mantissa: tuple[int, ...] = (), fraction: int = 0, exp_negative: bool = False,
                 exponent: tuple[int, ...] = ()):
        self.kind, self.width, self.negative = kind, width, negative
        self.mantissa, self.fraction = mantissa, fraction
        self.exp_negative, self.exponent = exp_negative, exponent


def _layout(masked: bytes, is_int: bool) -> _Layout:
    """The reading of a group whose text, digits as 0, is `masked` (it holds a digit)."""
    w = len(masked)
    if is_int:
        m = _INT_LAYOUT.fullmatch(masked)
        if m and len(m[2]) <= MAX_DIGITS:
            return _Layout("int", w, m[1] == b"-", tuple(range(m.start(2), m.end(2))))
        return _Layout("python", w)
    m = _FLOAT_LAYOUT.fullmatch(masked)
    if m is None:
        return _Layout("python", w)
    whole, frac = m[2], m[3] or b""
    digits = len(whole) + len(frac)
    if digits == 0 or digits > MAX_DIGITS or len(m[5] or b"") > 4:
        return _Layout("python", w)
    mant = tuple(range(m.start(2), m.end(2)))
    if m[3] is not None:
        mant += tuple(range(m.start(3), m.end(3)))
    exp = tuple(range(m.start(5), m.end(5))) if m[5] is not None else ()
    return _Layout("float", w, m[1] == b"-", mant, len(frac), m[4] == b"-", exp)


def _horner(cells: np.ndarray, cols: tuple[int, ...]) -> np.ndarray:
    """The decimal integer whose digits are the given columns of a (lines x width) array of
    ASCII bytes (the 48 of each '0' taken off once at the end: 18 digits of up to 57 each
    still fit int64)."""
    out = cells[:, cols[0]].astype(np.int64)
    for j in cols[1:]:
        out *= 10
        out += cells[:, j]
    out -= 48 * int("1" * len(cols))
    return out


def _read_layout(lay: _Layout, cells: np.ndarray, dtype: type, texts: Callable[[], list[str]],
                 column: Callable) -> np.ndarray:
    """The values of one group on many lines: cells are the group's bytes, one row a line."""
    if lay.kind == "python":
        return column([(t,) for t in texts()], 0, dtype)
    if lay.kind == "int":
        v = _horner(cells, lay.mantissa)
        return np.negative(v, out=v) if lay.negative else v
    mant = _horner(cells, lay.mantissa)
    if not lay.exponent and len(lay.mantissa) <= 15:
        # every mantissa is below 2^53 and 10^fraction is exact: one correctly rounded
        # division, the value float() gives
        v = mant.astype(np.float64)
        if lay.fraction:
            v /= _POW10[lay.fraction]
        return np.negative(v, out=v) if lay.negative else v
    if lay.exponent:
        exp = _horner(cells, lay.exponent)
        if lay.exp_negative:
            np.negative(exp, out=exp)
        exp -= lay.fraction
    else:
        exp = np.full(mant.shape, -lay.fraction, dtype=np.int64)
    fast = (mant <= _EXACT) & (np.abs(exp) <= 22)
    m = mant.astype(np.float64)
    k = np.clip(np.abs(exp), 0, 22)
    v = np.where(exp < 0, m / _POW10[k], m * _POW10[k])
    if not fast.all():
        slow = np.flatnonzero(~fast)
        all_texts = texts()
        v[slow] = [float(all_texts[i]) for i in slow]
    return np.negative(v, out=v) if lay.negative else v


# --------------------------------------------------------------------------- shapes


class _Plan:
    """What one shape's lines hold: no match, one match (its groups), or read per line;
    for one match, each group's byte offset in the line and layout (-1: the group is the
    same text on every line of the shape, its value in `constants`)."""

    __slots__ = ("kind", "offsets", "layouts", "constants")

    def __init__(self, kind: int, offsets: tuple[int, ...] = (), layouts: tuple[int, ...] = (),
                 constants: tuple = ()):
        self.kind, self.offsets, self.layouts, self.constants = kind, offsets, layouts, constants


_PER_LINE = _Plan(PER_LINE)


class _Scan:
    """One bulk scan's state across blocks: the plans of the shapes seen, the layouts of
    their groups, the epoch of the last header line, the counts."""

    def __init__(self, rx: re.Pattern[str], header: re.Pattern[str] | None, names: list[str],
                 dtypes: list[type], encoding: str, column: Callable):
        self.rx, self.header, self.names, self.dtypes = rx, header, names, dtypes
        self.encoding, self.column = encoding, column
        self.plans: dict[bytes, _Plan] = {}
        self.layouts: list[_Layout] = []
        self.layout_ids: dict[tuple[bool, bytes], int] = {}
        self.current = -1
        self.stats = BulkStats()

    def plan(self, shape: bytes, line: bytes) -> _Plan:
        """The plan of a shape, from its line `line` (bytes, with the line end)."""
        try:
            text = line.decode(self.encoding)
        except UnicodeDecodeError:
            return _PER_LINE
        if self.header is not None and self.header.search(text):
            return _PER_LINE
        found = list(self.rx.finditer(text))
        if not found:
            return _Plan(NONE)
        if len(found) > 1:
            return _PER_LINE
        m = found[0]
        ascii_line = len(text) == len(line)
        offsets, layouts, constants = [], [], []
        for name, dtype in zip(self.names, self.dtypes):
            a, b = m.span(name)
            value = m.group(name) or ""
            if a >= 0 and not ascii_line:
                a, b = len(text[:a].encode(self.encoding)), len(text[:b].encode(self.encoding))
            masked = shape[a:b] if a >= 0 else b""
            if b"0" not in masked:  # no digit: the same text on every line of the shape
                offsets.append(-1)
                layouts.append(-1)
                constants.append(self.column([(value,)], 0, dtype)[0])
                continue
            key = (dtype is np.int64, masked)
            if key not in self.layout_ids:
                self.layout_ids[key] = len(self.layouts)
                self.layouts.append(_layout(masked, dtype is np.int64))
            offsets.append(a)
            layouts.append(self.layout_ids[key])
            constants.append(0)
        return _Plan(ONE, tuple(offsets), tuple(layouts), tuple(constants))

    def block(self, data: bytes | bytearray, end: int
              ) -> tuple[list[np.ndarray], int, np.ndarray | None]:
        """The columns (one array per group), match count and header epochs of the lines
        data[:end]."""
        import pyarrow as pa

        buf = np.frombuffer(data, dtype=np.uint8)
        ends = _newlines(buf, end)
        n = ends.size
        starts = np.empty(n, dtype=np.int64)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        if int((ends - starts).max()) >= chunks.MAX_LINE:
            raise _Bail("a line iter_chunks may cut into pieces")
        self.stats.lines += n
        self.stats.blocks += 1
        masked = data.translate(_DIGIT_AS_ZERO)
        offs = np.empty(n + 1, dtype=np.int64)
        offs[0] = 0
        offs[1:] = ends + 1
        lines = pa.Array.from_buffers(pa.large_binary(), n,
                                      [None, pa.py_buffer(offs), pa.py_buffer(masked)])
        enc = lines.dictionary_encode()
        del lines
        shape_of = enc.indices.to_numpy()
        shapes = enc.dictionary
        k = len(shapes)
        counts = np.bincount(shape_of, minlength=k)
        # dictionary_encode numbers shapes in order of first appearance: a line is a
        # shape's first where the running maximum of the numbers goes up
        top = np.maximum.accumulate(shape_of)
        first = np.flatnonzero(np.concatenate(([True], top[1:] > top[:-1])))
        if first.size != k or not np.array_equal(shape_of[first], np.arange(k)):
            first = np.unique(shape_of, return_index=True)[1]
        shape_offs = np.frombuffer(shapes.buffers()[1], dtype=np.int64)[
            shapes.offset: shapes.offset + k + 1]
        shape_len = np.diff(shape_offs)
        shape_data = shapes.buffers()[2]
        kinds = np.empty(k, dtype=np.int8)
        plans: list[_Plan] = []
        for c in range(k):
            if shape_len[c] > MAX_SHAPE_BYTES:
                plan = _PER_LINE
            else:
                shape = shape_data[int(shape_offs[c]): int(shape_offs[c + 1])].to_pybytes()
                plan = self.plans.get(shape)
                if plan is None:
                    if counts[c] < 2:
                        plan = _PER_LINE
                    else:
                        i = first[c]
                        plan = self.plan(shape, data[starts[i]: ends[i] + 1])
                        if len(self.plans) < MAX_SHAPES:
                            self.plans[shape] = plan
            plans.append(plan)
            kinds[c] = plan.kind
        self.stats.shapes += k
        del enc, shapes, masked
        line_kind = kinds[shape_of]
        bulk = np.flatnonzero(line_kind == ONE)
        per_line = np.flatnonzero(line_kind == PER_LINE)
        self.stats.bulk_lines += int(np.count_nonzero(line_kind != PER_LINE))
        self.stats.per_line_lines += per_line.size
        del line_kind
        cols = self._bulk_columns(buf, starts[bulk], shape_of[bulk], plans)
        del shape_of
        if per_line.size:
            fl, fcols, f_epochs, heads = self._per_line(data, starts, ends, per_line)
        else:
            fl, fcols, f_epochs, heads = np.empty(0, np.int64), None, None, None
        epochs = None
        if self.header is not None:
            epochs = self._bulk_epochs(bulk, heads)
        if fcols is not None and fl.size:
            order = np.argsort(np.concatenate([bulk, fl]), kind="stable")
            cols = [np.concatenate([a, b])[order] for a, b in zip(cols, fcols)]
            if epochs is not None:
                epochs = np.concatenate([epochs, f_epochs])[order]
        if heads is not None and heads[0].size:
            self.current = int(heads[1][-1])
        count = bulk.size + fl.size
        # fl is sorted (lines in order, matches within a line in order): its distinct lines
        self.stats.matched_lines += bulk.size + (int(np.count_nonzero(np.diff(fl))) + 1
                                                 if fl.size else 0)
        return cols, count, epochs

    def _bulk_columns(self, buf: np.ndarray, starts: np.ndarray, shape_of: np.ndarray,
                      plans: list[_Plan]) -> list[np.ndarray]:
        """Each group's values on the lines read in bulk (one match each): `starts` and
        `shape_of` are those lines' starts and shapes."""
        # every 8 bytes of the block as one word, from every offset: a group of up to 8
        # bytes is one word gathered per line (4x faster than gathering its bytes)
        words = np.ndarray((buf.size - 7,), dtype="<u8", buffer=buf, strides=(1,))
        cols = []
        ones = [p if p.kind == ONE else None for p in plans]
        for g, dtype in enumerate(self.dtypes):
            lay_of = np.array([-1 if p is None else p.layouts[g] for p in ones], np.int32)
            out = np.empty(shape_of.size, dtype=dtype)
            if (lay_of < 0).any():
                const_of = np.array([0 if p is None else p.constants[g] for p in ones], dtype)
                out[:] = const_of[shape_of]
            present = distinct(lay_of[lay_of >= 0])
            if not present.size:
                cols.append(out)
                continue
            off_of = np.array([0 if p is None else p.offsets[g] for p in ones], np.int64)
            at_all = starts + off_of[shape_of]  # where the group starts on each line
            if present.size == 1 and not (lay_of < 0).any():
                groups = [(int(present[0]), None)]
            else:  # the lines of each layout: one counting sort, then a slice per layout
                lay = lay_of[shape_of].astype(np.int16)
                order = np.argsort(lay, kind="stable")
                bounds = np.searchsorted(lay[order], np.append(present, present[-1] + 1))
                groups = [(int(lid), order[bounds[i]: bounds[i + 1]])
                          for i, lid in enumerate(present.tolist())]
            for lid, sel in groups:
                at = at_all if sel is None else at_all[sel]
                layout = self.layouts[lid]
                cells = _cells(words, at, layout.width)
                values = _read_layout(layout, cells, dtype, _texts(cells, self.encoding),
                                      self.column)
                if sel is None:
                    out = values.astype(dtype, copy=False)
                else:
                    out[sel] = values
            cols.append(out)
        return cols

    def _per_line(self, data: bytes, starts: np.ndarray, ends: np.ndarray,
                  which: np.ndarray):
        """The lines not read in bulk, scanned as text._scan scans: line of each match,
        columns, header epoch of each match, and the header lines (index, epoch)."""
        breaks = np.flatnonzero(np.diff(which) != 1) + 1
        run_first = which[np.concatenate(([0], breaks))]
        run_last = which[np.concatenate((breaks - 1, [which.size - 1]))]
        raw = b"".join(data[s:e] for s, e in zip(starts[run_first].tolist(),
                                                 (ends[run_last] + 1).tolist()))
        text = raw.decode(self.encoding, errors="replace")
        if len(text) == len(raw):
            line_at = np.concatenate(([0], np.cumsum(ends[which] + 1 - starts[which])[:-1]))
        else:
            nl = np.flatnonzero(np.frombuffer(text.encode("utf-32-le"), np.uint32) == 10)
            line_at = np.concatenate(([0], nl[:-1] + 1))
        found: list[tuple] = []
        at: list[int] = []
        epochs: list[int] = []
        head_at: list[int] = []
        head_epoch: list[int] = []
        current = self.current
        names = self.names
        pos = 0
        pieces = self.header.finditer(text) if self.header is not None else ()
        for h in [*pieces, None]:
            end = len(text) if h is None else h.start()
            piece = text[pos:end]
            for m in self.rx.finditer(piece):
                found.append(tuple(m.group(nm) or "" for nm in names))
                at.append(pos + m.start())
                epochs.append(current)
            if h is not None:
                current = int(h.group(1))
                head_at.append(h.start())
                head_epoch.append(current)
                pos = h.end()
        lines = which[np.searchsorted(line_at, np.array(at, dtype=np.int64), "right") - 1] \
            if at else np.empty(0, np.int64)
        cols = [self.column(found, i, dt) if found else np.empty(0, dt)
                for i, dt in enumerate(self.dtypes)]
        heads = (which[np.searchsorted(line_at, np.array(head_at, dtype=np.int64), "right") - 1]
                 if head_at else np.empty(0, np.int64), np.array(head_epoch, dtype=np.int64))
        return lines, cols, np.array(epochs, dtype=np.int64), heads

    def _bulk_epochs(self, bulk: np.ndarray, heads) -> np.ndarray:
        """The header epoch of each line read in bulk: the last header line before it."""
        if heads is None or not heads[0].size:
            return np.full(bulk.size, self.current, dtype=np.int64)
        hl, he = heads
        k = np.searchsorted(hl, bulk, "left") - 1
        return np.where(k >= 0, he[np.maximum(k, 0)], self.current)


def _cells(words: np.ndarray, at: np.ndarray, width: int) -> np.ndarray:
    """The `width` bytes from each offset `at`, one row per offset (read as 8-byte words;
    the block has at least 16 bytes after its last line end)."""
    k = -(-width // 8)
    if k == 1:
        rows = words[at]
    else:
        rows = np.empty((at.size, k), dtype="<u8")
        for i in range(k):
            rows[:, i] = words[at + 8 * i]
    return rows.view(np.uint8).reshape(at.size, 8 * k)[:, :width]


def _texts(cells: np.ndarray, encoding: str) -> Callable[[], list[str]]:
    """The group's text on each line, made only when a value needs int()/float()."""
    def make() -> list[str]:
        w = cells.shape[1]
        raw = np.ascontiguousarray(cells).tobytes()
        return [raw[i:i + w].decode(encoding, errors="replace")
                for i in range(0, len(raw), w)] if w else [""] * cells.shape[0]
    return make


# --------------------------------------------------------------------------- the scan


def scan_bulk(src: InputSource, rx: re.Pattern[str], header: re.Pattern[str] | None,
              int_groups: frozenset[str], cut: list[str], column: Callable
              ) -> tuple[dict[str, np.ndarray], int, int, np.ndarray, int] | None:
    """text._scan's result (columns, matches, lines, header epochs, lines with a match)
    read in bulk, or None where the bulk path does not apply (the caller then scans per
    line)."""
    global LAST_STATS
    encoding = chunks.text_encoding(src)
    if encoding not in ("utf-8", "utf-8-sig", "latin-1"):
        return None
    bom = encoding == "utf-8-sig"  # dropped once at the start; lines are plain UTF-8
    encoding = "utf-8" if bom else encoding
    total = _size(src)
    if total is None:  # gzip or a pipe: as much of the content as the threshold asks
        small = len(src.head(BULK_MIN_BYTES)) < BULK_MIN_BYTES
    else:
        small = total < BULK_MIN_BYTES
    if small or not eligible(rx, header):
        return None
    memory.reuse_freed_memory()  # a big log: blocks, then the engine's arrays, reuse memory
    names = sorted(rx.groupindex, key=rx.groupindex.get)
    dtypes = [np.int64 if n in int_groups else np.float64 for n in names]
    scan = _Scan(rx, header, names, dtypes, encoding, column)
    sink = _Sink(dtypes, total)
    epoch_sink = _Sink([np.int64], total) if header is not None else None
    held: list[str] = []
    consumed = 0
    try:
        for data, end in _iter_blocks(src, encoding, held, bom):
            cols, n, epochs = scan.block(data, end)
            consumed += end
            sink.add(cols, consumed)
            if epoch_sink is not None:
                epoch_sink.add([epochs], consumed)
            del cols, epochs
    except _Bail:
        return None
    finally:
        LAST_STATS = scan.stats
    cut.extend(held)
    memory.release()  # the blocks' buffers, before the analysis allocates its own
    out = dict(zip(names, sink.result()))
    he = epoch_sink.result()[0] if epoch_sink is not None else np.empty(0, dtype=np.int64)
    return out, sink.n, scan.stats.lines, he, scan.stats.matched_lines


def _size(src: InputSource) -> int | None:
    """The byte size of a plain file (None for gzip and pipes: unknown until read)."""
    try:
        if src.path is None or src.head(2) == b"\x1f\x8b":
            return None
        return src.path.stat().st_size
    except OSError:
        return None
