"""The registry's sniff ceilings: no reader scores above the ceiling that lets it be skipped."""

from __future__ import annotations

from pathlib import Path

from spikecheck.readers.interface import InputSource
from spikecheck.readers.registry import READERS, SNIFF_CEILING, get_reader

ROOT = Path(__file__).resolve().parents[1]


def _logs() -> list[Path]:
    found = [p for d in ("fixtures", "tests") for p in sorted((ROOT / d).rglob("*"))
             if p.is_file() and p.suffix not in (".py", ".pyc", ".md", ".toml", ".yml")]
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        found += [p for p in sorted(corpus.rglob("*")) if p.is_file()]
    return found


def test_every_reader_has_a_ceiling():
    assert set(SNIFF_CEILING) == set(READERS)


def test_no_sniff_score_exceeds_its_ceiling():
    """A score above the ceiling would let choose_reader skip a reader that should win."""
    readers = {name: get_reader(name) for name in READERS}
    logs = _logs()
    assert len(logs) > 100
    top = dict.fromkeys(READERS, 0)
    for path in logs:
        src = InputSource.from_arg(str(path))
        if not src.head():
            continue
        for name, reader in readers.items():
            score = reader.sniff(src)
            assert score <= SNIFF_CEILING[name], (path, name, score)
            top[name] = max(top[name], score)
    assert top["csv"] == SNIFF_CEILING["csv"] and top["text"] == SNIFF_CEILING["text"]


def _paste(tmp_path: Path, body: str) -> str:
    p = tmp_path / "comment.md"
    p.write_text(body, encoding="utf-8")
    return str(p)


def test_a_fenced_csv_in_a_pasted_comment_is_read(tmp_path: Path):
    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import read_input

    rows = "\n".join(f"0,{i},,{2.0 - i / 100}," for i in range(10, 200, 10))
    path = _paste(tmp_path, "Here is my metrics.csv, the loss jumps:\n\n```csv\n"
                            "epoch,step,train_loss_epoch,train_loss_step,val_loss\n"
                            f"{rows}\n```\n\nAny idea?\n")
    (s,) = read_input(path, ReadOptions())
    assert s.steps.tolist() == list(range(10, 200, 10))
    assert s.values[0] == 1.9 and s.source == path


def test_a_fence_with_no_log_in_it_keeps_the_first_error(tmp_path: Path):
    import pytest

    from spikecheck.readers import ReadError, ReadOptions
    from spikecheck.readers.registry import read_input

    path = _paste(tmp_path, "My loss spikes.\n\n```python\nfor x in loader:\n    "
                            "loss.backward()\n```\n")
    with pytest.raises(ReadError) as err:
        read_input(path, ReadOptions())
    assert "comment.md" in str(err.value)
