"""Make untrusted text (file, tag and column names, anything quoted from a log) harmless.

Names come from logs anyone could have written. Before any renderer shows them they lose
terminal escape sequences (colour, cursor moves, OSC 8 links, window titles), control
characters, bidirectional overrides (which reorder what a reader sees) and lone surrogates
(undecodable file names, which would crash a UTF-8 write). Each renderer then applies the
escaping its own format needs (rich Text, markdown, GitHub workflow commands, XML).
"""

from __future__ import annotations

import re
import unicodedata

# ESC sequences: CSI (ESC [ ... final), OSC / DCS / SOS / PM / APC strings (ended by BEL or
# ESC \), and two-character escapes; plus the 8-bit CSI and OSC introducers.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?              # CSI
  | \x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?   # OSC, DCS, SOS, PM, APC
  | \x1b[ -/]*[0-~]?                      # other escapes (ESC 7, ESC ( B, ...)
  | \x9b[0-?]*[ -/]*[@-~]?                # 8-bit CSI
  | \x9d[^\x07\x9c]*(?:\x07|\x9c)?        # 8-bit OSC
    """,
    re.VERBOSE,
)
# Format characters that reorder or hide text (Trojan Source): bidi embeddings, overrides,
# isolates and marks.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

MAX_NAME = 200


def strip_escapes(s: str) -> str:
    """Remove terminal escape sequences, keeping the printable text around them."""
    return _ESCAPES.sub("", s)


def clean(s: object, *, keep_newlines: bool = False, limit: int | None = None) -> str:
    """Printable text only: escapes removed, control characters shown as '?'.

    Tabs become spaces; newlines become spaces unless keep_newlines (the GitHub renderer
    keeps them so its own escaping can encode them). `limit` clips very long names.
    """
    text = strip_escapes(str(s))
    out = []
    for ch in text:
        if ch == "\t":
            out.append(" ")
        elif ch in "\r\n":
            out.append(ch if keep_newlines else " ")
        elif ch in _BIDI:
            continue
        elif "\ud800" <= ch <= "\udfff":
            out.append("\ufffd")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif unicodedata.category(ch) == "Cf":
            continue  # zero-width and other invisible format characters
        else:
            out.append("?")
    result = "".join(out)
    if limit is not None and len(result) > limit:
        result = result[: max(1, limit - 1)] + "…"
    return result


def name(s: object) -> str:
    """A file, tag or column name: cleaned, on one line, and at most MAX_NAME characters."""
    return clean(s, limit=MAX_NAME)
