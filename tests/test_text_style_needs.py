"""Sniffing skips a style whose needed literals (Style.needs) are absent from the text, so
each one must be in every match of the style's expression: checked here on the parse tree
of the expression itself, and on the repository's text logs against sniffing without the
shortcut."""

from __future__ import annotations

import re
from pathlib import Path
from re import _constants as C  # noqa: N812
from re import _parser

import pytest

from spikecheck.readers import text

ROOT = Path(__file__).resolve().parents[1]
KEYS = ("loss", "train/loss", "QQ key 7")
ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)


def required_runs(seq, out: list[str]) -> list[str]:
    """The runs of literal characters every match of a parsed sequence holds."""
    cur: list[str] = []

    def flush() -> None:
        if cur:
            out.append("".join(cur))
            cur.clear()

    for op, av in seq:
        if op is C.LITERAL:
            cur.append(chr(av))
        elif op in ZERO_WIDTH:
            continue  # consumes nothing: the characters either side stay adjacent
        else:
            flush()
            if op is C.SUBPATTERN:
                required_runs(av[3], out)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
                required_runs(av[2], out)
    flush()
    return out


def _cases():
    for style in text.STYLES:
        keys = KEYS + (style.metric, *style.alt_metrics) if style.keyed else (style.metric,)
        for key in keys:
            yield pytest.param(style, key, id=f"{style.name}-{key}")


@pytest.mark.parametrize(("style", "key"), list(_cases()))
def test_every_needed_literal_is_in_every_match(style, key):
    assert not style.flags & re.IGNORECASE
    src = text._compile(style, key).pattern
    runs = required_runs(_parser.parse(src, style.flags), [])
    for need in style.needs:
        literal = need.replace("{key}", key)
        assert any(literal in run for run in runs), (literal, runs)


def test_the_required_runs_are_found():
    """The walk itself: optional parts and alternatives are not required."""
    runs = required_runs(_parser.parse(r"ab(?:cd)?e(?=f)g(?:x|y)h{1,3}(?:ij){2}"), [])
    assert runs == ["ab", "eg", "h", "ij"]


def test_most_styles_need_a_literal():
    assert sum(1 for s in text.STYLES if s.needs) >= len(text.STYLES) - 1


LOCAL = sorted(p for d in ("fixtures", "tests/data") for p in (ROOT / d).rglob("*")
               if p.suffix in (".log", ".txt", ".out") and p.name != "README.txt")


@pytest.mark.parametrize("path", LOCAL, ids=lambda p: str(p.relative_to(ROOT)))
def test_sniffing_with_the_shortcut_finds_what_it_found_without(path, monkeypatch):
    head = path.read_text(errors="replace")[: text.SNIFF_TEXT]
    quick = text.detect_style(head)
    monkeypatch.setattr(text, "_may_match", lambda style, key, t: True)
    full = text.detect_style(head)
    assert (quick[1], quick[2]) == (full[1], full[2])
    assert (quick[0] and quick[0].name) == (full[0] and full[0].name)
