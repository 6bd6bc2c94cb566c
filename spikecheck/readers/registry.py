"""The reader registry: sniff the content, pick the reader that explains it best.

Adding a format: write readers/<format>.py with a class following interface.Reader and add
one line to READERS below. Reader modules must import heavy packages inside `read`, not at
import time: every reader is imported to sniff.
"""

from __future__ import annotations

import importlib
import io
import os
import re
from pathlib import Path

from spikecheck.readers.interface import (
    InputSource,
    InputTooLarge,
    NoTrainingLoss,
    Reader,
    ReadError,
    ReadOptions,
)
from spikecheck.series import LossSeries, SeriesError

# name -> "module:Class"; the order breaks ties in sniff scores.
READERS: dict[str, str] = {
    "tensorboard": "spikecheck.readers.tensorboard:TensorBoardReader",
    "json": "spikecheck.readers.json:JsonReader",
    "csv": "spikecheck.readers.csv:CsvReader",
    "text": "spikecheck.readers.text:TextReader",
}
# The highest score each reader's sniff can return: a reader that cannot beat the best score
# so far is neither imported nor asked (a CSV sniffed at 80 never loads the text reader).
# tests/test_reader_registry.py checks these against every log in the repository.
SNIFF_CEILING: dict[str, int] = {"tensorboard": 100, "json": 95, "csv": 80, "text": 60}
# A text that reads as no log may be one packaged by a console or a comment: its lines
# unprefixed (launchers tag every line), colour codes removed, its Markdown code blocks
# read on their own. Only this much of it is looked at (a paste, not a training log).
PASTE_MAX_BYTES = 4 << 20
# What launchers put before every line of a process's output.
_LAUNCHER_PREFIX = re.compile(
    rb"(?:\[(?:rank|default)\d{1,6}\]:[ \t]?"  # torchrun --tee, torch elastic
    rb"|\[\d{1,6},\d{1,6}\]<std(?:out|err)>:"  # mpirun --tag-output (Horovod)
    rb"|\d{1,6}: "  # srun -l
    rb"|\((?:\w{1,40} )?pid=\d{1,10}(?:, ip=[\d.]{7,15})?\) "  # Ray workers
    rb"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z )"  # docker logs -t, kubectl
)
_ANSI = re.compile(rb"\x1b\[[0-9;?]{0,40}[A-Za-z]")


def get_reader(name: str) -> Reader:
    module, cls = READERS[name].split(":")
    return getattr(importlib.import_module(module), cls)()


def _present(name: str) -> bool:
    """Whether a reader's module exists (importing it); a module that exists but fails to
    import (a missing dependency, a syntax error, a broken import inside it) raises: it
    must not vanish from sniffing."""
    module = READERS[name].split(":")[0]
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return False
    return True


def available() -> list[str]:
    """Reader names whose module is present (a format whose module file does not exist yet
    is skipped)."""
    return [name for name in READERS if _present(name)]


def choose_reader(src: InputSource, forced: str | None = None) -> Reader:
    """The reader named by --input-format, or the best sniff score."""
    if forced:
        return get_reader(forced)
    head = src.head()
    if not head:
        raise ReadError(f"{src.name}: file is empty")
    best, best_score = None, 0
    for name in READERS:
        if SNIFF_CEILING.get(name, 100) <= best_score or not _present(name):
            continue
        reader = get_reader(name)
        score = reader.sniff(src)
        if score > best_score:
            best, best_score = reader, score
    if best is None:
        if b"\x00" in head[:4096]:
            raise ReadError(f"{src.name}: binary content that is not a TensorBoard event file")
        raise NoTrainingLoss(
            f"{src.name}: not a recognised training log (tried {', '.join(available())}); "
            "use --pattern with named groups step and loss for a custom text format"
        )
    return best


def check_path(arg: str) -> None:
    """Clear one-line errors for paths that are not readable files or directories."""
    import errno
    import stat

    if arg == "-":
        return
    if not arg:
        raise ReadError("an empty path was given (an unset variable?); pass a log file, a "
                        "directory or - for stdin")
    try:
        mode = os.stat(arg).st_mode
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(arg):
            raise ReadError(f"{arg}: dangling symbolic link") from None
        if exc.errno == errno.ENOENT:
            raise ReadError(f"{arg}: no such file or directory") from None
        if exc.errno == errno.ELOOP:
            raise ReadError(f"{arg}: a loop of symbolic links") from None
        raise ReadError(f"{arg}: {exc.strerror or exc}") from None
    if not os.access(arg, os.R_OK):
        raise ReadError(f"{arg}: permission denied")
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise ReadError(f"{arg}: not a regular file (a pipe or device: pipe it to "
                        "`spikecheck -` instead)" if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)
                        else f"{arg}: not a regular file")


def read_input(arg: str, options: ReadOptions, forced: str | None = None) -> list[LossSeries]:
    """Every series in a path (file or directory), '-' (stdin) or a URL (through fsspec)."""
    from spikecheck.readers.remote import is_remote

    if is_remote(arg):
        return _read_remote(arg, options, forced)
    check_path(arg)
    if options.pattern and forced is None:
        forced = "text"  # --pattern only means something to the text reader
    if arg != "-" and Path(arg).is_dir():
        if forced not in (None, "tensorboard"):
            raise ReadError(f"{arg}: is a directory; pass the log file itself")
        reader = get_reader("tensorboard") if _present("tensorboard") else None
        if reader is None:
            raise ReadError(f"{arg}: is a directory; pass the log file itself")
        _step_column_applies(arg, "tensorboard", options)
        return _guard(arg, lambda: reader.read_directory(Path(arg), options))  # type: ignore[attr-defined]
    src = InputSource.from_arg(arg, options.max_input_bytes)
    if forced is None:
        src = _guard(src.name, lambda: _untagged(src))
    try:
        reader = choose_reader(src, forced)
    except OSError as exc:
        raise ReadError(f"{arg}: {exc.strerror or exc}") from None
    _step_column_applies(src.name, reader.name, options)
    try:
        return _guard(src.name, lambda: reader.read(src, options))
    except InputTooLarge:
        raise
    except ReadError:
        series = _read_pasted(src, options, forced)
        if series is None:
            raise
        return series


def _unpackaged(data: bytes) -> bytes:
    """The text without colour codes and without the launcher tag that most of its lines
    carry (`[rank0]: `, `[1,0]<stdout>:`, `0: `, `(pid=12) `, a docker timestamp)."""
    if b"\x1b" in data:
        data = _ANSI.sub(b"", data)
    lines = data.splitlines(keepends=True)
    for _ in range(3):  # a docker timestamp before a rank tag: each layer comes off
        if not _mostly_tagged(lines):
            break
        lines = [line[m.end():] if (m := _LAUNCHER_PREFIX.match(line)) else line
                 for line in lines]
    return b"".join(lines)


def _larger_than_a_paste(src: InputSource) -> bool:
    """A plain file past PASTE_MAX_BYTES on disk (gzip and stdin are measured as read)."""
    if src.path is None or src.head(2) == b"\x1f\x8b":
        return False
    try:
        return src.path.stat().st_size > PASTE_MAX_BYTES
    except OSError:
        return False


def _mostly_tagged(lines: list[bytes]) -> bool:
    """Whether half the non-blank lines or more carry a launcher tag."""
    filled = sum(1 for line in lines if line.strip())
    tagged = sum(1 for line in lines if _LAUNCHER_PREFIX.match(line))
    return filled > 0 and tagged * 2 >= filled


def _untagged(src: InputSource) -> InputSource:
    """The input with the launcher tag its lines carry taken off, and lines a terminal
    surely hard-wrapped joined back, before it is sniffed (JSON Lines behind `[rank0]: `
    are JSON Lines; `loss: 0.33` wrapped before `80` is 0.3380); a large log is left to
    the readers."""
    head = src.head()
    if b"\x00" in head:  # binary: an event file, not a console's text
        return src
    lines = _ANSI.sub(b"", head).splitlines(keepends=True)[:200]
    tagged = _mostly_tagged(lines)
    if not tagged and not _surely_wrapped(lines[:-1]) or _larger_than_a_paste(src):
        return src
    with src.open() as f:
        data = f.read(PASTE_MAX_BYTES + 1)
    if len(data) > PASTE_MAX_BYTES:
        return src
    plain = _unpackaged(data)
    if _surely_wrapped(plain.splitlines(keepends=True)):
        plain = _unwrapped(plain)
    return InputSource(None, src.name, io.BytesIO(plain), src.limit)


def _widths(lines: list[bytes]) -> list[int]:
    return [len(line.rstrip(b"\r\n").decode("utf-8", "replace")) for line in lines]


def _wrap_width(lines: list[bytes], widths: list[int]) -> int:
    """The width a terminal hard-wrapped these lines at, or 0: no line is wider, 3 or more
    are exactly that wide (60 columns or more) and end in a character, not a blank."""
    width = max(widths, default=0)
    full = [i for i, w in enumerate(widths) if w == width and i + 1 < len(lines)
            and not lines[i].rstrip(b"\r\n")[-1:].isspace()]
    return width if width >= 60 and len(full) >= 3 else 0


def _splits_a_word(end: bytes, start: bytes) -> bool:
    """Whether a line break between these two characters (neither blank) cuts a token in
    two: the next line does not open as a sentence or a record would."""
    return not start.isupper() and start not in b"[<({"


def _shape(line: bytes) -> bytes:
    return bytes(b"0"[0] if 48 <= c <= 57 else c for c in line.lstrip()[:6])


def _surely_wrapped(lines: list[bytes]) -> bool:
    """A hard wrap beyond doubt: where a full-width line meets the next with no blank
    between (a break at a blank tells nothing), most cut a token in two; and the lines
    after them do not start as they do (a fixed-width log's next record would)."""
    widths = _widths(lines)
    width = _wrap_width(lines, widths)
    if not width:
        return False
    full = [i for i, w in enumerate(widths) if w == width and i + 1 < len(lines)]
    joins = [(lines[i].rstrip(b"\r\n")[-1:], lines[i + 1][:1]) for i in full]
    telling = [(a, b) for a, b in joins if a and b and not a.isspace() and not b.isspace()]
    cuts = sum(_splits_a_word(a, b) for a, b in telling)
    same = sum(_shape(lines[i + 1]) == _shape(lines[i]) for i in full)
    return len(telling) >= 2 and cuts * 3 >= len(telling) * 2 and same * 3 < len(full)


def _unwrapped(data: bytes) -> bytes:
    """A terminal copy joined back: each line as wide as the wrap width continues on the
    next (see _wrap_width)."""
    lines = data.splitlines(keepends=True)
    widths = _widths(lines)
    width = _wrap_width(lines, widths)
    if not width:
        return data
    out: list[bytes] = []
    joining = False
    for line, w in zip(lines, widths):
        if joining:
            out[-1] = out[-1].rstrip(b"\r\n") + line
        else:
            out.append(line)
        joining = w == width
    return b"".join(out)


def _fenced_blocks(data: bytes) -> list[bytes]:
    """The Markdown code blocks (``` or ~~~ fences) of a pasted comment, largest first."""
    blocks: list[bytes] = []
    body: list[bytes] = []
    fence = b""
    for line in data.splitlines(keepends=True):
        bare = line.strip()
        if not fence:
            if bare.startswith((b"```", b"~~~")):
                fence, body = bare[:3], []
        elif bare.startswith(fence) and not bare.strip(fence[:1]):
            blocks.append(b"".join(body))
            fence = b""
        else:
            body.append(line)
    if fence:
        blocks.append(b"".join(body))  # a paste cut before its closing fence
    return sorted((b for b in blocks if b.strip()), key=len, reverse=True)


def _pasted_candidates(src: InputSource) -> list[bytes]:
    """What a console or a comment may have wrapped the log in, taken off: the text
    unpackaged, then its code blocks; none when nothing changes or it is no paste."""
    if _larger_than_a_paste(src):
        return []
    with src.open() as f:
        data = f.read(PASTE_MAX_BYTES + 1)
    if len(data) > PASTE_MAX_BYTES or b"\x00" in data[:4096]:
        return []
    plain = _unpackaged(data)
    joined = _unwrapped(plain)
    out = [c for c in dict.fromkeys((plain, joined)) if c.strip() != data.strip()]
    if b"```" in joined or b"~~~" in joined:
        out += [b for b in _fenced_blocks(joined) if b.strip() != data.strip()]
    return out


def _read_pasted(src: InputSource, options: ReadOptions, forced: str | None
                 ) -> list[LossSeries] | None:
    """The series of a log that reads once unpackaged, or of a code block that does."""
    for content in _pasted_candidates(src):
        inner = InputSource(None, src.name, io.BytesIO(content), src.limit)
        try:
            reader = choose_reader(inner, forced)
            return _guard(src.name, lambda r=reader, i=inner: r.read(i, options))
        except ReadError:
            continue
    return None


def _step_column_applies(name: str, format_name: str, options: ReadOptions) -> None:
    """--step-column names a CSV column; on any other log it would be ignored in silence."""
    if options.step_column and format_name != "csv":
        raise ReadError(f"{name}: --step-column names a CSV column, and this is a "
                        f"{format_name} log (its steps come from the log itself); "
                        "leave --step-column out")


def _read_remote(url: str, options: ReadOptions, forced: str | None) -> list[LossSeries]:
    """A URL's series, read from a temporary local copy; sources and errors name the URL."""
    from dataclasses import replace

    from spikecheck.readers.remote import local_copy

    with local_copy(url, options.max_input_bytes) as local:
        try:
            series = read_input(local, options, forced)
        except ReadError as exc:
            raise ReadError(str(exc).replace(local, url)) from None
    return [replace(s, source=url + s.source[len(local):]) if s.source.startswith(local)
            else s for s in series]


def list_metrics(arg: str, options: ReadOptions, forced: str | None = None
                 ) -> list[tuple[str, int]]:
    check_path(arg)
    if arg != "-" and Path(arg).is_dir():
        if forced not in (None, "tensorboard"):  # as read_input says it
            raise ReadError(f"{arg}: is a directory; pass the log file itself")
        reader = get_reader("tensorboard")
        return _guard(arg, lambda: reader.list_directory(Path(arg), options))  # type: ignore[attr-defined]
    src = InputSource.from_arg(arg, options.max_input_bytes)
    if forced is None:
        src = _guard(src.name, lambda: _untagged(src))
    reader = _guard(src.name, lambda: choose_reader(src, forced))  # opening it may fail too
    return _guard(src.name, lambda: reader.list_metrics(src, options))


def _guard(name: str, fn):
    try:
        return fn()
    except ReadError:
        raise
    except SeriesError as exc:
        raise ReadError(str(exc)) from None
    except IsADirectoryError:
        raise ReadError(f"{name}: is a directory") from None
    except PermissionError:
        raise ReadError(f"{name}: permission denied") from None
    except MemoryError:
        raise ReadError(f"{name}: too large to read into memory") from None
    except UnicodeDecodeError as exc:
        raise ReadError(f"{name}: undecodable text ({exc.reason})") from None
    except OSError as exc:
        raise ReadError(f"{name}: {exc.strerror or exc}") from None
    finally:
        from spikecheck.readers import memory

        memory.settle()  # the reader's temporaries are freed now it has returned
