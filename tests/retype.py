"""Re-typing of the pasted-log excerpts (tests/pasted_logs.py), applied once.

Why: the excerpts were found with a search tool whose results are third-party public
material, not to be copied verbatim. What the reader must survive is a paste's format and
structure, not its text, so the repository keeps each excerpt's line layout, logger
prefixes, timestamp shapes, progress bars, warnings, wraps, fences, blanks and trailing
spaces and line widths, with its thread's address as attribution of that format, and
re-types the rest:

- every number with a fractional part (scientific notation included) gets new fractional
  digits: same integer part, sign, digit count, leading zeros and exponent, so magnitude
  and width stay; `nan`/`inf` stay. The digits come from a hash of (excerpt name, printed
  token), so a value printed twice (a duplicated handler line, a refreshed progress bar,
  `loss` equal to `nll_loss`) stays printed twice; within an excerpt, numbers with the
  same integer part keep their order (a rise stays a rise, an `epoch` 0.09, 0.1 still
  rises);
- timestamps and dates move by a fixed offset derived from the excerpt (same format and
  width; a time of day with no date never crosses midnight);
- prose written by the person, and user, host, path, project and experiment names that are
  not a logger's fixed format, are replaced (`EDITS`: the original is named by its hash
  only, so this file holds none of it) by neutral text of similar length and shape;
- integers (steps, epochs, batch indices, counters, totals) and a logger's fixed words stay.

Each excerpt's hand-written ground truth is mapped with the same per-token table (the
printed token, not the float): `first`, `last` and `not_loss` are rewritten in the source
and each mapped token is checked to occur in the re-typed text. Counts do not change.

    git show 16309f6:tests/pasted_logs.py | python tests/retype.py > tests/pasted_logs.py

It was run once on that version (the copied one, kept in history only), then the module's
header was rewritten by hand to say so; run on its own output it stops, since the hashed
edits no longer match.
"""

from __future__ import annotations

import ast
import hashlib
import random
import re
import sys
from datetime import datetime, timedelta

EDITS: dict[str, tuple[tuple[str, int, str], ...]] = {
    "keras progbar steps (tf.keras fit, one epoch)": (
        ("1a4af9b84a3aaf39", 79,
         'Hi there! A short run below！The loss stops going down while'
         ' fitting a small net。'),
        ("500df54d35b2e4c6", 19, 'Any hint is welcome！'),
        ("abcc9b9c234956be", 34, 'Here is what the console printed：'),
    ),
    "nanoGPT train.py (quoted, timestamped, eval line, nan)": (
        ("7842fd35dece340f", 14, 'single GPU 16G'),
    ),
    "monodepth-style pipe table (Lite-Mono) after warnings": (
        ("268c8d8219cd3f17", 10, '   run_one'),
        ("f615e95951860550", 38, '/home/user1/miniconda3/envs/depth_env/'),
        ("d5c88da3d63f63b6", 13, '   data_split'),
    ),
    "Keras progbar per epoch with val_loss (Q&A paste)": (
        ("c889de77eb45061e", 57, 'Train on 4160 samples, validate on 1040 samples, printed:'),
    ),
    "hand-written epoch summary (train loss - validation loss)": (
        ("4b7d5809569cc646", 56, 'These figures came from the early epochs of this model:'),
        ("14734601c1686ee4", 92,
         'From the second epoch on, the right-hand column stays a little'
         ' under the left-hand one here.'),
    ),
    "TF2 Object Detection model_lib_v2 (INFO and absl copies)": (
        ("e15a725540f25e19", 29, 'console output while it runs'),
        ("341fad5ec3755dce", 15, '140213355812352'),
    ),
    "custom print Epoch:[e/E](i/N) loss: (minimind)": (
        ("5fdd948daed285d0", 8, 'loss数值如下：'),
    ),
    "mmdet 0.x (2018) TextLoggerHook": (
        ("a5d6af58714b91fc", 82,
         'Is the time column of this log counted in seconds or in minutes?'
         ' Example lines:'),
    ),
    "per-epoch print with tabs (Training Loss / Validation Loss)": (
        ("454aba523b6ee1be", 35, 'Output of the training loop follows:'),
    ),
    "Keras 2 progbar, samples counter across an epoch boundary": (
        ("d28c424fc37bd72a", 86,
         "Ran a small digit classifier from the 'samples' folder. Its"
         ' console output is here.'),
    ),
    "tf.keras progbar quoted, two epochs with val_loss": (
        ("984905f247713578", 69,
         'Each epoch opens at the same loss value again for this tabular'
         ' model:'),
    ),
    "Lightning CSVLogger metrics pasted in a fenced block": (
        ("caeac4217ea7eceb", 104,
         'Below is what the `lightning.pytorch.loggers.CSVLogger` wrote to'
         ' disk for a single pass over the data.'),
        ("b6331f6ffb744c7c", 109,
         'My reading is that the `step` column counts the batches done so'
         ' far, as handed out by the `train_dataloader`'),
    ),
    "logger line Epoch: e, step: i, loss: x, implicit loss: y (first char cut, nan after)": (
        ("f7f900a80579ba44", 11, 'Hi,devteam:'),
        ("9ba5f39a0aaea544", 22, 'the run is shown above'),
    ),
    "OpenNMT-py 0.x Epoch e, i/N; acc; ppl; xent (first char cut)": (
        ("567c59dcef0b6fb4", 17, 'Output I got now '),
    ),
    "spaCy 3 train table with two loss columns and no total (must exit 2)": (
        ("69af90a06bc08aa0", 100,
         'Other threads suggest -- the cause is a dataset whose labels'
         ' were not set up as entity types at all.'),
    ),
    "mmengine Epoch(train) across three epochs with Exp name lines": (
        ("b64547d87168d192", 11, '_customset_'),
    ),
    "YOLOX loguru records wrapped by the console, one per epoch": (
        ("4ab88b980d04b6e6", 11, 'yolox_exp_a'),
    ),
    "OpenNMT-py Step i/N; acc; ppl; xent with a dataset line": (
        ("130f86a62751a09b", 15, 'data.train.0.pt'),
    ),
}


FLOAT = re.compile(r"(?<![\w.])(\d+)\.(\d+)([eE][+-]?\d+)?(?!\.\d)")

# Timestamp shapes met in the excerpts: (pattern, kind). Durations (eta, ETA, elapsed)
# are not timestamps and are left alone.
TIMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<!\d)(\d{4})([-/])(\d\d)\2(\d\d)( )(\d\d):(\d\d):(\d\d)"
                r"(?:([.,])(\d{3,6}))?"), "ymd"),
    (re.compile(r"(?<![\d/])(\d\d)/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)"), "yy"),
    (re.compile(r"(?<=\[)(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)(?= )"), "md"),
    (re.compile(r"(?m)(?<=^[IWEF])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})"), "absl"),
    (re.compile(r"(?<!\d)(\d{8})_(\d{6})(?!\d)"), "compact"),
    (re.compile(r"(?m)(?<=^\[)(\d\d):(\d\d):(\d\d)(?:\.(\d{6}))?(?=\])"), "tod"),
    (re.compile(r"(?<=INFO:gluonnlp:)(\d\d):(\d\d):(\d\d)"), "tod"),
)


def _seed(*parts: str) -> int:
    """A stable integer from strings (sha256)."""
    return int(hashlib.sha256("\x1f".join(parts).encode()).hexdigest(), 16)


def _fraction_map(name: str, tokens: list[str]) -> dict[str, str]:
    """New digits for each distinct printed mantissa (`12.0345`), in order per integer part.

    Tokens with the same integer part keep their order whatever their digit counts (an
    `epoch` of 0.09, 0.1, 0.11 still rises), each keeps its digit count and leading zeros;
    an all-zero fraction stays. Drawn from a hash of the excerpt's name, the integer part
    and an attempt number (the first draw that changes every token, or the fewest).
    """
    by_whole: dict[str, list[str]] = {}
    for tok in dict.fromkeys(tokens):
        whole, frac = tok.split(".")
        by_whole.setdefault(whole, []).append(frac)
    out: dict[str, str] = {}
    for whole, fracs in by_whole.items():
        out.update((f"{whole}.{f}", f"{whole}.{f}") for f in fracs if not f.strip("0"))
        width = max(len(f) for f in fracs)  # values as integers scaled to 10**-width

        def scaled(f: str, width: int = width) -> int:
            return int(f.ljust(width, "0"))

        def grid(f: str, width: int = width) -> tuple[int, int, int]:  # step, lowest, highest
            step, lead = 10 ** (width - len(f)), len(f) - len(f.lstrip("0"))
            return step, 10 ** (width - lead - 1), 10 ** (width - lead) - step

        rest = sorted((f for f in fracs if f.strip("0")), key=lambda f: (scaled(f), len(f)))
        caps: list[int] = [0] * len(rest)
        above = None
        for i in reversed(range(len(rest))):  # the highest each may take, room left above
            step, lo, hi = grid(rest[i])
            cap = hi if above is None else min(hi, above - 1)
            cap -= cap % step
            assert cap >= lo, (name, whole)
            caps[i] = above = cap
        best: list[int] = []
        best_same = len(rest) + 1
        for attempt in range(64):
            rng = random.Random(_seed(name, whole, str(attempt)))
            prev, draw = -1, []
            for i, f in enumerate(rest):
                step, lo, _ = grid(f)
                low = max(lo, prev + 1)
                low += -low % step
                reach = low + (caps[i] - low) * 2 // (len(rest) - i + 1)
                reach = max(low, min(caps[i], reach - reach % step))
                prev = rng.randint(low // step, reach // step) * step
                draw.append(prev)
            same = sum(scaled(f) == d for f, d in zip(rest, draw))
            if same < best_same:
                best, best_same = draw, same
            if same == 0:
                break
        for f, d in zip(rest, best):
            out[f"{whole}.{f}"] = f"{whole}.{d // 10 ** (width - len(f)):0{len(f)}d}"
    return out


def _apply_edits(name: str, text: str) -> str:
    """Replace each hashed substring of EDITS[name] (all its places); each must be found."""
    for digest, size, new in EDITS.get(name, ()):
        spots = [i for i in range(len(text) - size + 1)
                 if hashlib.sha256(text[i:i + size].encode()).hexdigest()[:16] == digest]
        assert spots, f"{name}: edit {digest} not found"
        for i in reversed(spots):
            text = text[:i] + new + text[i + size:]
    return text


def _time_offset(name: str) -> timedelta:
    h = _seed(name, "time")
    return timedelta(days=40 + h % 800, seconds=(h >> 16) % 86400, milliseconds=(h >> 40) % 1000)


def _frac_out(dt: datetime, width: int) -> str:
    return f"{dt.microsecond:06d}"[:width]


def _shift_times(name: str, text: str) -> tuple[str, list[tuple[int, int]]]:
    """Shift every timestamp by the excerpt's offset; the spans it covers (not numbers)."""
    found: list[tuple[int, int, re.Match[str], str]] = []
    for pattern, kind in TIMES:
        found += [(m.start(), m.end(), m, kind) for m in pattern.finditer(text)]
    found.sort(key=lambda f: f[0])
    for a, b in zip(found, found[1:]):
        assert a[1] <= b[0], f"{name}: overlapping timestamps"
    off = _time_offset(name)
    tods = [f for f in found if f[3] == "tod"]
    assert not tods or len(tods) == len(found), f"{name}: times of day mixed with dates"
    if tods:  # no date: shift within the day, never across midnight
        secs = [int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
                for _, _, m, _ in tods]
        room = 86399 - max(secs) + min(secs)
        off = timedelta(seconds=_seed(name, "tod") % room - min(secs),
                        milliseconds=off.microseconds // 1000)
    pieces: list[str] = []
    last = 0
    for start, end, m, kind in found:
        g = m.groups()
        if kind == "ymd":
            width = len(g[9]) if g[9] else 0
            dt = datetime(int(g[0]), int(g[2]), int(g[3]), int(g[5]), int(g[6]), int(g[7]),
                          int((g[9] or "0").ljust(6, "0"))) + off
            new = f"{dt:%Y}{g[1]}{dt:%m}{g[1]}{dt:%d}{g[4]}{dt:%H:%M:%S}"
            if width:
                new += g[8] + _frac_out(dt, width)
        elif kind == "yy":
            dt = datetime(2000 + int(g[0]), *(int(x) for x in g[1:6])) + off
            new = f"{dt:%y/%m/%d %H:%M:%S}"
        elif kind == "md":
            dt = datetime(2000, int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4])) + off
            new = f"{dt:%m/%d %H:%M:%S}"
        elif kind == "absl":
            dt = datetime(2000, *(int(x) for x in g[:6])) + off
            new = f"{dt:%m%d %H:%M:%S}.{dt.microsecond:06d}"
        elif kind == "compact":
            dt = datetime.strptime(g[0] + g[1], "%Y%m%d%H%M%S") + off
            new = f"{dt:%Y%m%d_%H%M%S}"
        else:
            frac = g[3] if len(g) > 3 else None
            base = datetime(2000, 1, 1, int(g[0]), int(g[1]), int(g[2]), int(frac or 0))
            dt = base + off
            assert dt.date() == base.date(), f"{name}: time of day crossed midnight"
            new = f"{dt:%H:%M:%S}" + (f".{dt.microsecond:06d}" if frac else "")
        assert len(new) == end - start, f"{name}: {m.group(0)!r} -> {new!r} changed width"
        pieces += [text[last:start], new]
        last = end
    pieces.append(text[last:])
    return "".join(pieces), [(s, e) for s, e, _, _ in found]


def retype_text(name: str, text: str) -> tuple[str, dict[str, str]]:
    """One excerpt (as its source literal) re-typed, and its table of printed numbers."""
    text = _apply_edits(name, text)
    text, spans = _shift_times(name, text)
    matches = [m for m in FLOAT.finditer(text)
               if not any(s < m.end() and m.start() < e for s, e in spans)]
    table = _fraction_map(name, [f"{m.group(1)}.{m.group(2)}" for m in matches])
    pieces: list[str] = []
    last = 0
    for m in matches:
        pieces += [text[last:m.start()], table[f"{m.group(1)}.{m.group(2)}"] + (m.group(3) or "")]
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces), table


def _map_truth(name: str, segment: str, table: dict[str, str], new_text: str) -> str:
    """A ground-truth expression with each printed number mapped; each must be printed."""
    def one(m: re.Match[str]) -> str:
        tok = f"{m.group(1)}.{m.group(2)}"
        assert tok in table, f"{name}: ground truth {tok} is not printed in the excerpt"
        new = table[tok]
        assert re.search(r"(?<![\w.])" + re.escape(new) + r"(?!\d)", new_text), (name, new)
        return new + (m.group(3) or "")
    return FLOAT.sub(one, segment)


def retype_source(source: str) -> str:
    """tests/pasted_logs.py with every entry's text and ground truth re-typed."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def pos(lineno: int, col: int) -> int:  # ast columns are utf-8 byte offsets
        return starts[lineno - 1] + len(lines[lineno - 1].encode()[:col].decode())

    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "PastedLog"):
            continue
        name = node.args[0].value
        lit = node.args[2]
        a, b = pos(lit.lineno, lit.col_offset), pos(lit.end_lineno, lit.end_col_offset)
        assert source[a:a + 3] == '"""' and source[b - 3:b] == '"""'
        old = source[a + 3:b - 3]
        new, table = retype_text(name, old)
        old_lines, new_lines = old.split("\n"), new.split("\n")
        assert len(old_lines) == len(new_lines), name
        whole_lines = {(d, n) for d, n, _ in EDITS.get(name, ())}
        for o, n in zip(old_lines, new_lines):  # widths kept, but where a prose line was replaced
            assert len(o) == len(n) or (
                hashlib.sha256(o.encode()).hexdigest()[:16], len(o)) in whole_lines, (name, n)
        edits.append((a + 3, b - 3, new))
        if node.args[3].value == 0:
            continue  # no training loss: nothing to map
        truth = list(node.args[4:6]) + [k.value for k in node.keywords if k.arg == "not_loss"]
        for t in truth:
            s, e = pos(t.lineno, t.col_offset), pos(t.end_lineno, t.end_col_offset)
            edits.append((s, e, _map_truth(name, source[s:e], table, new)))
    out = source
    for s, e, new in sorted(edits, reverse=True):
        out = out[:s] + new + out[e:]
    return out


if __name__ == "__main__":
    sys.stdout.write(retype_source(sys.stdin.read()))
