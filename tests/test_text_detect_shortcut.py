"""Detecting a text log's style skips learning a line layout that could not win: on every
text log of the repository and the shared corpus, the same style as learning it always."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spikecheck.readers import text
from spikecheck.readers.interface import InputSource

ROOT = Path(__file__).resolve().parents[1]
LOCAL = sorted(p for d in ("fixtures", "tests/data") for p in (ROOT / d).rglob("*")
               if p.suffix in (".log", ".txt", ".out") and p.name != "README.txt")


def _heads(path: Path) -> list[str]:
    src = InputSource.from_arg(str(path), None)
    return [text._decode_head(src, text.QUICK_TEXT), text._decode_head(src, text.SNIFF_TEXT)]


def _same_as_always_learning(path: Path, monkeypatch) -> None:
    for head in _heads(path):
        quick = text.detect_style(head)
        with monkeypatch.context() as m:
            # a bound no table count reaches: the layout is always learned
            m.setattr(text, "LOSS_ANY", re.compile(r"(?s)."))
            full = text.detect_style(head)
        assert (quick[1], quick[2]) == (full[1], full[2])
        assert (quick[0] and (quick[0].name, quick[0].regex)) == \
            (full[0] and (full[0].name, full[0].regex))


@pytest.mark.parametrize("path", LOCAL, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_repositorys_text_logs_get_the_style_learning_would_give(path, monkeypatch):
    _same_as_always_learning(path, monkeypatch)


def test_the_corpus_text_logs_get_the_style_learning_would_give(corpus, monkeypatch):
    logs = sorted((corpus / "text").iterdir())
    assert logs
    for path in logs:
        _same_as_always_learning(path, monkeypatch)


def test_a_table_style_that_explains_every_loss_line_is_taken_without_learning(monkeypatch):
    head = "".join(f"iter {i}: loss {2 - i / 1000:.4f}, time 12.0ms, mfu 40.1%\n"
                   for i in range(300))
    monkeypatch.setattr(text, "learn_layout", lambda t: pytest.fail("learned a layout"))
    style, n, _ = text.detect_style(head)
    assert style is not None and n == 300
