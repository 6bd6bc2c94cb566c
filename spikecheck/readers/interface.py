"""The reader interface: a reader knows one log format and nothing about spikes."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from spikecheck.series import LossSeries

SNIFF_BYTES = 256 * 1024
# Decompressed (gzip) and stdin bytes are capped: a 15 MB gzip file can inflate to 10 GB,
# and `spikecheck - < /dev/zero` would fill the temporary directory. --max-input-bytes.
DEFAULT_MAX_INPUT_BYTES = 2 << 30
_COPY_BLOCK = 1 << 20


class ReadError(Exception):
    """An input that cannot be read; the message is one line naming the file and problem."""


class NoTrainingLoss(ReadError):
    """A readable input that holds no training loss at all (no loss column, tag or line):
    inside a log directory it is a side file, not an error."""


class InputTooLarge(ReadError):
    """Decompressed or piped content beyond --max-input-bytes (raised while reading)."""

    def __init__(self, name: str, limit: int, what: str):
        super().__init__(f"{name}: {what.format(human_bytes(limit))} (the limit of "
                         "--max-input-bytes; raise it if the log really is that large)")


class DecompressionBomb(ReadError):
    """Gzip content inflating far beyond what any log compresses to (raised while reading)."""

    def __init__(self, name: str, inflated: int, compressed: int):
        super().__init__(f"{name}: gzip content inflates more than {BOMB_RATIO} times "
                         f"({inflated >> 20} MiB from {max(1, compressed >> 10)} KiB read "
                         "so far): a decompression bomb, not a training log "
                         "(--max-input-bytes 0 reads it anyway)")


# Training logs compress 3x (CSV) to 40x (repetitive consoles); a file past BOMB_RATIO once
# BOMB_FLOOR bytes are inflated is made to exhaust memory (readers hold every row read: a
# 150 KB gzip of one repeated CSV row took 1.2 GB). Off with --max-input-bytes 0.
BOMB_RATIO = 200
BOMB_FLOOR = 16 << 20


def human_bytes(n: int) -> str:
    """2147483648 -> '2 GiB' (exact binary units when they fit, else bytes)."""
    for unit, shift in (("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n} bytes"


@dataclass(frozen=True)
class ReadOptions:
    """What the user told us about how to read (all optional)."""

    metric: str | None = None
    step_column: str | None = None
    pattern: str | None = None
    log_every: int | None = None
    steps_per_epoch: int | None = None
    batch_size: int | None = None  # turns a samples counter (Keras 2, MNIST) into steps
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES  # 0: no limit


class InputSource:
    """A file (plain or gzip) or stdin, opened lazily, with the head kept for sniffing.

    stdin is spooled to a temporary file, so readers may seek and re-open it and memory
    does not grow with its size. Both the spool and decompression stop with InputTooLarge
    beyond `limit` bytes (0: no limit).
    """

    def __init__(self, path: Path | None, name: str, spool: BinaryIO | None = None,
                 limit: int = DEFAULT_MAX_INPUT_BYTES):
        self.path = path
        self.name = name
        self._spool = spool
        self._head: bytes | None = None
        self.gzipped = False
        self.limit = limit

    @classmethod
    def from_arg(cls, arg: str, limit: int = DEFAULT_MAX_INPUT_BYTES) -> InputSource:
        if arg == "-":
            return cls(None, "<stdin>", _spool_stdin(limit), limit)
        return cls(Path(arg), arg, limit=limit)

    def _raw(self) -> BinaryIO:
        if self._spool is not None:
            self._spool.seek(0)
            return _NoClose(self._spool)
        assert self.path is not None
        return open(self.path, "rb")

    def open(self) -> BinaryIO:
        """The content from the start, decompressed when gzip."""
        raw = self._raw()
        magic = raw.read(2)
        raw.seek(0)
        if magic == b"\x1f\x8b":
            import gzip  # imported on first use, as tempfile below: not a plain log's start-up

            self.gzipped = True
            return _Capped(gzip.GzipFile(fileobj=raw, mode="rb"), raw, self.limit,  # type: ignore[return-value]
                           self.name)
        return raw

    def as_file(self) -> BinaryIO:
        """The (decompressed) content as a seekable file of its own, for readers that
        work on file offsets (TensorBoard); the caller closes it.

        A plain file is opened again; gzip content is inflated into a temporary file,
        streamed and capped (never held in memory); the stdin spool is shared.
        """
        self.head(2)  # learns whether the content is gzip-compressed
        if not self.gzipped:
            if self.path is not None:
                return open(self.path, "rb", buffering=0)  # noqa: SIM115 - the caller closes
            try:
                return os.fdopen(os.dup(self._spool.fileno()), "rb", buffering=0)  # type: ignore[union-attr]
            except (AttributeError, OSError, io.UnsupportedOperation):
                pass  # a spool in memory (tests): copied below
        import tempfile

        out = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller
        try:
            with self.open() as f:
                while True:
                    try:
                        block = f.read(_COPY_BLOCK)
                    except (OSError, EOFError) as exc:
                        raise ReadError(f"{self.name}: cannot decompress ({exc})") from None
                    if not block:
                        break
                    _write_spool(out, block, self.name)
            out.seek(0)
        except BaseException:
            out.close()
            raise
        return out

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        """The first n bytes of the (decompressed) content."""
        if self._head is None or len(self._head) < n:
            with self.open() as f:
                try:
                    self._head = f.read(n)
                except (OSError, EOFError) as exc:
                    raise ReadError(f"{self.name}: cannot decompress ({exc})") from None
        return self._head[:n]

    def text_stream(self) -> io.TextIOBase:
        return io.TextIOWrapper(self.open(), encoding=_sniff_encoding(self.head(4096)),
                                errors="replace", newline=None)


def _spool_stdin(limit: int) -> BinaryIO:
    """stdin copied to a temporary file, at most `limit` bytes of it."""
    stdin = sys.stdin
    if stdin is None or getattr(stdin, "buffer", None) is None:
        raise ReadError("<stdin>: standard input is closed; pass a file or pipe a log in")
    import tempfile

    spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the InputSource
    total = 0
    try:
        while True:
            try:
                block = stdin.buffer.read(_COPY_BLOCK)
            except (OSError, ValueError) as exc:
                raise ReadError(f"<stdin>: cannot read standard input "
                                f"({getattr(exc, 'strerror', None) or exc})") from None
            if not block:
                break
            total += len(block)
            if limit and total > limit:
                raise InputTooLarge("<stdin>", limit, "more than {} on standard input")
            _write_spool(spool, block, "<stdin>")
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _write_spool(f: BinaryIO, block: bytes, name: str) -> None:
    try:
        f.write(block)
    except OSError as exc:
        import tempfile

        raise ReadError(f"{name}: cannot write to a temporary file in "
                        f"{tempfile.gettempdir()} ({exc.strerror or exc})") from None


class _Capped(io.BufferedIOBase):
    """A decompressing stream that stops with InputTooLarge beyond `limit` bytes."""

    def __init__(self, inner: BinaryIO, raw: BinaryIO, limit: int, name: str):
        self._inner = inner
        self._raw = raw
        self._limit = limit
        self._name = name
        self._count = 0

    def _took(self, n: int) -> None:
        self._count += n
        if not self._limit:
            return
        if self._count > self._limit:
            raise InputTooLarge(self._name, self._limit, "decompresses to more than {}")
        if self._count > BOMB_FLOOR:
            try:
                compressed = max(1, self._raw.tell())
            except (OSError, ValueError):
                return
            if self._count > BOMB_RATIO * compressed:
                raise DecompressionBomb(self._name, self._count, compressed)

    def read(self, n: int | None = -1) -> bytes:
        if n is None or n < 0:  # whole content: in blocks, so the cap applies before memory
            parts = []
            while block := self.read(_COPY_BLOCK):
                parts.append(block)
            return b"".join(parts)
        data = self._inner.read(n)
        self._took(len(data))
        return data

    def read1(self, n: int = -1) -> bytes:
        data = self._inner.read1(n if n is not None and n >= 0 else _COPY_BLOCK)
        self._took(len(data))
        return data

    def readinto(self, b) -> int:
        k = self._inner.readinto(b)
        self._took(k)
        return k

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                self._raw.close()
        super().close()


class _NoClose(io.BufferedIOBase):
    """Wraps the stdin spool so closing a reader's handle keeps the spool for re-reads."""

    def __init__(self, f: BinaryIO):
        self._f = f

    def read(self, n: int | None = -1) -> bytes:
        return self._f.read(n)

    def read1(self, n: int = -1) -> bytes:
        return self._f.read(n)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = 0) -> int:
        return self._f.seek(pos, whence)

    def tell(self) -> int:
        return self._f.tell()

    def fileno(self) -> int:
        return self._f.fileno()

    def close(self) -> None:
        pass


def sniff_encoding(head: bytes) -> str:
    """The text encoding of a log from its first bytes (BOMs, then UTF-8, else Latin-1)."""
    return _sniff_encoding(head)


# Byte order marks of the encodings whose text holds NUL bytes (not binary content).
WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _sniff_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"  # PowerShell's Out-File -Encoding utf32
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the head is still UTF-8.
        if exc.start >= len(head) - 4:
            return "utf-8"
        return "latin-1"


class Reader(Protocol):
    """One log format. `sniff` scores the content 0..100; `read` returns the series in it."""

    name: str

    def sniff(self, src: InputSource) -> int: ...

    def read(self, src: InputSource, options: ReadOptions) -> list[LossSeries]: ...

    def list_metrics(self, src: InputSource, options: ReadOptions) -> list[tuple[str, int]]:
        """The loss-like metrics found, with their point counts (for --list)."""
        ...
