"""Decoded text read in chunks that end at line ends, for every line-oriented reader.

Text logs and JSON Lines are read through this: a multi-megabyte chunk at a time, newlines
unified (\\r\\n, \\r and Keras 2's backspace redraws become \\n, terminal colour codes go),
so memory follows the points kept, not the file, and an endless line is scanned in pieces.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from spikecheck.readers.interface import InputSource, ReadError, sniff_encoding

CHUNK_BYTES = 4 << 20  # bytes read per chunk
MAX_LINE = 8 << 20  # a "line" longer than this is scanned in pieces

ANSI = re.compile(r"\x1b\[[0-9;?]{0,40}[A-Za-z]")
_BACKSPACES = re.compile("\x08{1,100000}")


def text_encoding(src: InputSource) -> str:
    """The encoding of the input, sniffed from its head."""
    return sniff_encoding(src.head(4096))


def unify_newlines(text: str) -> str:
    """Progress-bar redraws (\\r, or runs of \\b as Keras 2 draws) become lines; terminal
    colour codes are removed."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x08" in text:
        text = _BACKSPACES.sub("\n", text)
    if "\x1b" in text:
        text = ANSI.sub("", text)
    return text


def iter_chunks(src: InputSource, held: list[str] | None = None) -> Iterator[str]:
    """The decoded content in chunks that end at a line end (\\r, \\r\\n become \\n).

    With `held` (a list), a final line with no line end is not yielded but appended to
    it: a log cut while being written may end in a number cut short (0.4312 as 0.4, step
    120 as 12), which must not be read as if it were whole.
    """
    decoder = codecs.getincrementaldecoder(text_encoding(src))(errors="replace")
    carry = ""
    with src.open() as f:
        while True:
            try:
                raw = f.read(CHUNK_BYTES)
            except (OSError, EOFError) as exc:
                raise ReadError(f"{src.name}: cannot decompress ({exc})") from None
            text = carry + unify_newlines(decoder.decode(raw, final=not raw))
            if not raw:
                if text and not text.endswith("\n") and held is not None:
                    end = text.rfind("\n") + 1
                    if text[end:].strip():
                        held.append(text[end:])
                    text = text[:end]
                if text:
                    yield text if text.endswith("\n") else text + "\n"
                return
            cut = text.rfind("\n")
            if cut < 0:
                if len(text) < MAX_LINE:
                    carry = text
                    continue
                yield text  # an endless line: scan it in pieces rather than hold it
                carry = ""
                continue
            yield text[: cut + 1]
            carry = text[cut + 1:]
