"""The bulk text path (readers/text_bulk.py) reads exactly what the per-line scan reads:
the same series on every line format of the reading corpus and every real log of the
shared corpus, and the same scan (columns, counts, header epochs, the held last line) on
logs built to trip it: two matches on a line, odd numbers, bytes that are not UTF-8,
carriage returns, colour codes, chunk boundaries in the middle of everything."""

from __future__ import annotations

import dataclasses
import gzip
import random
import re

import numpy as np
import pytest

from spikecheck.readers import ReadOptions, text_bulk
from spikecheck.readers import chunks as C
from spikecheck.readers.interface import InputSource
from spikecheck.readers.registry import read_input
from spikecheck.readers.text import INT_GROUPS, STYLES, _column, _rx, _scan, layout_style
from spikecheck.readers.textlines import learn_layout
from tests.test_text_styles_heldout import KNOWN_MISSES
from tests.text_styles import FORMATS
from tests.text_styles_heldout import FORMATS as HELDOUT


def _same_series(a, b) -> None:
    """Every field of two LossSeries equal (arrays by value and dtype, NaN equal to NaN)."""
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert isinstance(x, np.ndarray) and isinstance(y, np.ndarray), f.name
            assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), f.name
        else:
            assert x == y, f.name


def _read_both(path, monkeypatch, **options):
    """The series read with the bulk path forced, with it disabled, and the bulk counts."""
    monkeypatch.setattr(text_bulk, "BULK_MIN_BYTES", 0)
    text_bulk.LAST_STATS = text_bulk.BulkStats()
    bulk = read_input(str(path), ReadOptions(**options))
    stats = text_bulk.LAST_STATS
    with monkeypatch.context() as m:
        m.setattr(text_bulk, "scan_bulk", lambda *a, **k: None)
        per_line = read_input(str(path), ReadOptions(**options))
    assert len(bulk) == len(per_line)
    for a, b in zip(bulk, per_line):
        _same_series(a, b)
    return stats


# --------------------------------------------------------------------------- whole series


BULK_SHARE: dict[str, float] = {}


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_every_corpus_format_reads_the_same_in_bulk(tmp_path, monkeypatch, fmt):
    text, _ = fmt.write()
    p = tmp_path / "train.log"
    p.write_text(text)
    stats = _read_both(p, monkeypatch)
    assert stats.lines == C.unify_newlines(text).count("\n")  # the bulk scan ran to the end
    assert stats.bulk_lines + stats.per_line_lines == stats.lines
    BULK_SHARE[fmt.name] = stats.bulk_lines / stats.lines


def test_most_corpus_lines_are_read_in_bulk():
    """The comparison above is not vacuous: on most formats most lines took the bulk path."""
    if len(BULK_SHARE) < len(FORMATS):
        pytest.skip("needs the corpus format tests of this module to run first")
    mostly = [n for n, share in BULK_SHARE.items() if share >= 0.8]
    assert len(mostly) >= 0.8 * len(FORMATS), BULK_SHARE


HELDOUT_READ = [f for f in HELDOUT if f.name not in KNOWN_MISSES]


@pytest.mark.parametrize("fmt", HELDOUT_READ, ids=[f.name for f in HELDOUT_READ])
def test_every_heldout_format_reads_the_same_in_bulk(tmp_path, monkeypatch, fmt):
    """The layouts learned for formats the reader was not built against (epoch-only rows,
    tables, [N] counters, key pairs) read the same in bulk, and in bulk: only a layout
    whose loss sits on the line after its counter (OLMo) is read per line."""
    text, _ = fmt.write()
    p = tmp_path / "train.log"
    p.write_text(text)
    stats = _read_both(p, monkeypatch)
    assert stats.bulk_lines + stats.per_line_lines == stats.lines
    if not fmt.name.startswith("OLMo"):
        assert stats.bulk_lines >= 0.6 * stats.lines, stats


@pytest.mark.parametrize("fmt", FORMATS[::4], ids=[f.name for f in FORMATS[::4]])
def test_runs_appended_to_one_log_read_the_same_in_bulk(tmp_path, monkeypatch, fmt):
    """Counter restarts: a run, then a resumed run, then one from scratch, in one log."""
    first, _ = fmt.write(seed=1)
    second, _ = fmt.write(seed=2)
    lines = second.splitlines(keepends=True)
    p = tmp_path / "train.log"
    p.write_text(first + "".join(lines[len(lines) // 2:]) + second)
    _read_both(p, monkeypatch)


def test_the_shared_corpus_reads_the_same_in_bulk(corpus, monkeypatch):
    for path in sorted((corpus / "text").iterdir()):
        stats = _read_both(path, monkeypatch)
        assert stats.lines > 0, path.name


# --------------------------------------------------------------------------- the scan itself


NANOGPT = next(s for s in STYLES if s.name == "nanoGPT")


def _scan_both(path, style=NANOGPT, key=None, monkeypatch=None):
    """text._scan and text_bulk.scan_bulk on one file: the same five results."""
    rx = _rx(style, key)
    header = re.compile(style.header, re.MULTILINE) if style.header else None
    groups = INT_GROUPS if style.kind != "row" else frozenset({"step"})
    src = InputSource.from_arg(str(path))
    cut_a: list[str] = []
    cut_b: list[str] = []
    want = _scan(src, rx, header, groups, cut_a)
    if monkeypatch is not None:
        monkeypatch.setattr(text_bulk, "BULK_MIN_BYTES", 0)
    got = text_bulk.scan_bulk(src, rx, header, groups, cut_b, _column)
    assert got is not None
    assert got[1:3] == want[1:3]
    assert got[4] == want[4]  # the lines holding a match
    assert list(got[0]) == list(want[0])
    for name in want[0]:
        assert got[0][name].dtype == want[0][name].dtype, name
        assert np.array_equal(got[0][name], want[0][name], equal_nan=True), name
        # float() and the decimal fast path agree to the last bit (and on the sign of 0)
        assert np.array_equal(np.signbit(got[0][name]), np.signbit(want[0][name])), name
    assert np.array_equal(got[3], want[3])
    assert cut_b == cut_a
    return text_bulk.LAST_STATS


ODD_NUMBERS = ["4.7002", "1e-05", "1E+3", "-0.0", "+4.5", "nan", "NaN", "inf", "Infinity",
               "1.2.3", "12345678901234567890.5", "0.000000000000000000000000001234",
               "7", "7.", ".5", "9007199254740993", "1.7976931348623157e308", "1e400",
               "123456789012.345678", "0.1e-3", "3.14159265358979323846"]


def _odd_log(rng: random.Random, lines: int) -> str:
    """nanoGPT lines with every kind of number, steps of 1 to 16 digits, two matches on a
    line, a lookbehind that must fail, non-ASCII text, other lines; each line kind many
    times so that its shape repeats."""
    out = []
    for i in range(lines):
        step = rng.choice([i, rng.randrange(10 ** rng.randrange(1, 17))])
        v = rng.choice(ODD_NUMBERS) if rng.random() < 0.3 else f"{rng.uniform(0, 9):.4f}"
        kind = rng.randrange(10)
        if kind == 0:
            out.append(f"iter {step}: loss {v}, iter {step + 1}: loss {v}\n")
        elif kind == 1:
            out.append(f"xiter {step}: loss {v}, time 1ms\n")
        elif kind == 2:
            out.append(f"\u00e9t\u00e9 \u2588\u2588 iter {step}: loss {v}, mfu 3%\n")
        elif kind == 3:
            out.append(f"[rank0]:W1125 19:58:01.{i % 1000:03d} torch warning {i}\n")
        elif kind == 4:
            out.append("\n")
        else:
            out.append(f"iter {step}: loss {v}, time {rng.uniform(1, 999):.2f}ms\n")
    return "".join(out)


def test_odd_numbers_and_lines_scan_the_same(tmp_path, monkeypatch):
    p = tmp_path / "train.log"
    p.write_text(_odd_log(random.Random(0), 20000))
    stats = _scan_both(p, monkeypatch=monkeypatch)
    assert stats.bulk_lines > 0.5 * stats.lines
    assert stats.per_line_lines > 0  # the lines holding two matches: read per line, counted


def test_bytes_that_are_not_utf8_and_carriage_returns(tmp_path, monkeypatch):
    rng = random.Random(1)
    text = _odd_log(rng, 6000).encode()
    lines = text.splitlines(keepends=True)
    for i in range(1, len(lines), 7):
        lines[i] = lines[i].replace(b"iter", b"\xff\xfeiter", 1)  # not UTF-8
    for i in range(3, len(lines), 11):
        lines[i] = lines[i].replace(b"\n", b"\r\n")
    for i in range(5, len(lines), 13):
        lines[i] = b"\x1b[32m" + lines[i].replace(b"\n", b"\r")  # a bar redrawn, coloured
    for i in range(9, len(lines), 17):
        lines[i] = lines[i].replace(b": loss", b"\x08\x08: loss")
    p = tmp_path / "train.log"
    p.write_bytes(b"".join(lines))
    _scan_both(p, monkeypatch=monkeypatch)


@pytest.mark.parametrize("chunk", [97, 1000, 4096])
def test_chunk_boundaries_anywhere(tmp_path, monkeypatch, chunk):
    """Reads of a few bytes: lines, \\r\\n pairs and colour codes cut by a read."""
    monkeypatch.setattr(C, "CHUNK_BYTES", chunk)
    rng = random.Random(chunk)
    text = _odd_log(rng, 3000).replace("mfu", "\x1b[1mmfu\x1b[0m").replace("\n", "\r\n")
    p = tmp_path / "train.log"
    p.write_bytes(text.encode())
    _scan_both(p, monkeypatch=monkeypatch)


@pytest.mark.parametrize("ending", ["", "iter 99: loss 1.5", "iter 99: loss 1.", "   "])
def test_the_last_line_without_a_line_end_is_held(tmp_path, monkeypatch, ending):
    p = tmp_path / "train.log"
    p.write_text(_odd_log(random.Random(2), 500) + ending)
    _scan_both(p, monkeypatch=monkeypatch)


def test_gzip_bom_and_latin1(tmp_path, monkeypatch):
    text = _odd_log(random.Random(3), 3000)
    gz = tmp_path / "train.log.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    _scan_both(gz, monkeypatch=monkeypatch)
    bom = tmp_path / "bom.log"
    bom.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\n\ufeff", 50).encode())
    _scan_both(bom, monkeypatch=monkeypatch)
    latin = tmp_path / "latin.log"
    latin.write_bytes(b"caf\xe9 \xb5s\n" + text.encode("utf-8").replace(b"\xc3\xa9", b"\xe9"))
    _scan_both(latin, monkeypatch=monkeypatch)


def test_stdin_scans_the_same(tmp_path, monkeypatch):
    """A pipe has no size to plan the columns from: they grow as blocks come."""
    import io

    text = _odd_log(random.Random(5), 20000).encode()

    class Stdin:
        buffer = io.BytesIO(text)

    monkeypatch.setattr("sys.stdin", Stdin)
    monkeypatch.setattr(C, "CHUNK_BYTES", 4096)  # many blocks: the columns grow many times
    monkeypatch.setattr(text_bulk, "BULK_MIN_BYTES", 0)
    src = InputSource.from_arg("-")
    rx = _rx(NANOGPT)
    cut_a: list[str] = []
    cut_b: list[str] = []
    want = _scan(src, rx, None, INT_GROUPS, cut_a)
    got = text_bulk.scan_bulk(src, rx, None, INT_GROUPS, cut_b, _column)
    assert got is not None and got[1:3] == want[1:3] and got[4] == want[4] and cut_a == cut_b
    for name in want[0]:
        assert np.array_equal(got[0][name], want[0][name], equal_nan=True), name


def _style(name):
    return next(s for s in STYLES if s.name == name)


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_every_format_scans_the_same_with_odd_values(tmp_path, monkeypatch, fmt):
    """Each corpus format with its loss printed in odd ways and lines of other formats
    between: the scan of the style the reader picks, both ways."""
    text, _ = fmt.write()
    rng = random.Random(len(text))
    lines = text.splitlines(keepends=True)
    other = FORMATS[(FORMATS.index(fmt) + 1) % len(FORMATS)].write()[0].splitlines(True)
    mixed = []
    for i, line in enumerate(lines):
        if rng.random() < 0.2:
            line = re.sub(r"\d+\.\d+", lambda m: rng.choice(ODD_NUMBERS), line, count=1)
        mixed.append(line)
        if i % 9 == 0:
            mixed.append(other[i % len(other)])
    p = tmp_path / "train.log"
    p.write_text("".join(mixed))
    from spikecheck.readers.text import TextReader
    src = InputSource.from_arg(str(p))
    reader = TextReader()
    reader.sniff(src)
    try:
        style, key = reader._style_for(src)
    except Exception:  # noqa: BLE001 - mixing made it unreadable: nothing to compare
        pytest.skip("no style in the mixed log")
    _scan_both(p, style, key, monkeypatch)


def test_header_epochs_scan_the_same(tmp_path, monkeypatch):
    """Keras: epoch header lines (read per line) between counter lines (read in bulk)."""
    rng = random.Random(4)
    out = []
    for e in range(1, 30):
        out.append(f"Epoch {e}/30\n")
        for i in range(1, 200, 7):
            out.append(f"{i:4d}/1875 [{'=' * (i // 100)}>{'.' * 3}] - ETA: 1s - loss: "
                       f"{rng.uniform(0, 3):.4f}\n")
        if e % 5 == 0:
            out.append(f"1875/1875 - 2s - loss: {rng.uniform(0, 3):.4f} - val_loss: 0.3\n")
    p = tmp_path / "keras.log"
    p.write_text("".join(out))
    stats = _scan_both(p, _style("keras"), monkeypatch=monkeypatch)
    assert stats.bulk_lines > 0.8 * stats.lines


@pytest.mark.parametrize("name", ["detectron2", "mmcv", "hf-trainer", "mlflow", "megatron",
                                  "yolo-console", "lightning-tqdm", "fairseq"])
def test_table_styles_scan_the_same(tmp_path, monkeypatch, name):
    style = _style(name)
    fmt = next((f for f in FORMATS if f.line(1, 3, 0.5) and _rx(style).search(
        f.line(1, 3, 0.5))), None)
    if fmt is None:
        pytest.skip(f"no corpus format of style {name}")
    text = "".join(fmt.write(seed=s)[0] for s in range(3))
    p = tmp_path / "train.log"
    p.write_text(text)
    _scan_both(p, style, monkeypatch=monkeypatch)


def test_a_line_model_layout_scans_the_same(tmp_path, monkeypatch):
    fmt = next(f for f in FORMATS if f.name == "DGL GraphSAGE")
    text, _ = fmt.write()
    layout = learn_layout(text)
    assert layout is not None
    p = tmp_path / "train.log"
    p.write_text(text * 3)
    _scan_both(p, layout_style(layout), layout.key, monkeypatch)


# --------------------------------------------------------------------------- where it applies


def test_every_table_style_is_eligible():
    for style in STYLES:
        header = re.compile(style.header, re.MULTILINE) if style.header else None
        assert text_bulk.eligible(_rx(style), header), style.name


@pytest.mark.parametrize("pattern", [
    r"iter (?P<step>\d+)\n(?P<loss>[0-9.]+)",  # crosses a line end
    r"iter (?P<step>\d+)[^x]*loss (?P<loss>[0-9.]+)",  # [^x] takes a line end
    r"(?s)iter (?P<step>\d+).*loss (?P<loss>[0-9.]+)",  # . takes a line end
    r"iter (?P<step>\d+)\s+loss (?P<loss>[0-9.]+)",  # \s takes a line end
    r"top1_loss (?P<loss>[0-9.]+) step (?P<step>\d+)",  # a literal digit
    r"iter (?P<step>[1-9]\d*): loss (?P<loss>[0-9.]+)",  # a class of some digits
    r"(?P<step>\d)(?P=step) loss (?P<loss>[0-9.]+)",  # a back-reference
    r"^iter (?P<step>\d+): loss (?P<loss>[0-9.]+)",  # ^ of the chunk, not of a line
    r"(?P<step>\d*)(?P<loss>[0-9.]*)",  # matches the empty string
])
def test_expressions_that_could_tell_lines_of_one_shape_apart(pattern):
    assert not text_bulk.eligible(re.compile(pattern))


def test_small_logs_and_utf16_use_the_per_line_scan(tmp_path):
    rx = _rx(NANOGPT)
    p = tmp_path / "train.log"
    p.write_text("iter 1: loss 2.5\n" * 1000)
    src = InputSource.from_arg(str(p))
    assert text_bulk.scan_bulk(src, rx, None, INT_GROUPS, [], _column) is None  # < 8 MB
    q = tmp_path / "w.log"
    q.write_bytes(("iter 1: loss 2.5\n" * 1000).encode("utf-16"))
    src = InputSource.from_arg(str(q))
    assert text_bulk.scan_bulk(src, rx, None, INT_GROUPS, [], _column) is None


def test_a_line_the_chunks_would_cut_falls_back_whole(tmp_path, monkeypatch):
    """A line of MAX_LINE bytes is scanned in pieces by iter_chunks: the bulk path gives
    up (None) rather than read it differently, and the reader's result is unchanged."""
    monkeypatch.setattr(C, "MAX_LINE", 5000)
    monkeypatch.setattr(text_bulk, "BULK_MIN_BYTES", 0)
    p = tmp_path / "train.log"
    p.write_text("iter 1: loss 2.5\n" * 100 + "x" * 6000 + "iter 2: loss 1.5\n" +
                 "iter 3: loss 0.5\n" * 100)
    src = InputSource.from_arg(str(p))
    assert text_bulk.scan_bulk(src, _rx(NANOGPT), None, INT_GROUPS, [], _column) is None
    _read_both(p, monkeypatch)
