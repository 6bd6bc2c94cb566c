"""The reader interface: a reader knows one log format and nothing about spikes."""

from __future__ import annotations

import gzip
import io
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from spikecheck.series import LossSeries

SNIFF_BYTES = 256 * 1024


class ReadError(Exception):
    """An input that cannot be read; the message is one line naming the file and problem."""


@dataclass(frozen=True)
class ReadOptions:
    """What the user told us about how to read (all optional)."""

    metric: str | None = None
    step_column: str | None = None
    pattern: str | None = None
    log_every: int | None = None
    steps_per_epoch: int | None = None
    batch_size: int | None = None  # turns a samples counter (Keras 2, MNIST) into steps


class InputSource:
    """A file (plain or gzip) or stdin, opened lazily, with the head kept for sniffing.

    stdin is spooled to a temporary file, so readers may seek and re-open it and memory
    does not grow with its size.
    """

    def __init__(self, path: Path | None, name: str, spool: BinaryIO | None = None):
        self.path = path
        self.name = name
        self._spool = spool
        self._head: bytes | None = None
        self.gzipped = False

    @classmethod
    def from_arg(cls, arg: str) -> InputSource:
        if arg == "-":
            spool = tempfile.TemporaryFile()
            shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
            spool.seek(0)
            return cls(None, "<stdin>", spool)
        return cls(Path(arg), arg)

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
            self.gzipped = True
            return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
        return raw

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        """The first n bytes of the (decompressed) content."""
        if self._head is None or len(self._head) < n:
            with self.open() as f:
                try:
                    self._head = f.read(n)
                except (OSError, EOFError) as exc:
                    raise ReadError(f"{self.name}: cannot decompress ({exc})") from None
        return self._head[:n]

    def read_all(self) -> bytes:
        with self.open() as f:
            try:
                return f.read()
            except (OSError, EOFError) as exc:
                raise ReadError(f"{self.name}: cannot decompress ({exc})") from None

    def text_stream(self) -> io.TextIOBase:
        return io.TextIOWrapper(self.open(), encoding=_sniff_encoding(self.head(4096)),
                                errors="replace", newline=None)


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


def _sniff_encoding(head: bytes) -> str:
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
