"""The general line model: a text log's own line layout, learned from its first lines.

Beside the style table of text.py, this reads a style nobody listed. It tokenizes the
head's lines into labelled numbers (`key: v`, `key=v`, `key v`, `| key v |`, tab- or
comma-separated pairs, `cur (avg)` pairs), within-epoch counters (`i/N`, `[i/N]`,
`[i/N (p%)]`, `Batch i`, `b/N batches`, `Batch [a-b]`) and epoch markers (`Epoch 3/20`,
`Epoch [3]`, `Epoch[3]`, `| epoch 003`, `Train Epoch: 3`, `Cycle: 3`, `Train: 3 [`), on the
loss line or on a header line before it. When the loss lines agree on a loss-like key
and a counter, the pieces are put together, in the order the lines print them, into one
expression with the same placeholders as a table style; that one compiled expression then
runs over the whole file in chunks like any listed style (so big files stay fast).

The words this model knows (loss keys, perplexity keys, what is not training loss) come
from vocabulary.py, the one list every reader uses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spikecheck.readers.vocabulary import (
    PERPLEXITY_KEYS,
    PRINTED_LOSS_KEYS,
    not_training_before,
)

INT = r"[0-9]{1,15}"
NUM = r"[-+]?(?:[0-9.]{1,300}(?:[eE][-+]?[0-9]{1,4})?|nan|NaN|NAN|inf|Inf|INF|Infinity)"

# The words (loss and perplexity labels, what is not training loss) are the vocabulary's,
# shared with every reader.
LOSS_KEYS: tuple[str, ...] = PRINTED_LOSS_KEYS
PPL_KEYS: tuple[str, ...] = PERPLEXITY_KEYS

_SEP = r"""['"]?[ \t]{0,20}[:=,]?[ \t]{0,20}['"]?"""
_NOT_TRAIN_BEFORE = not_training_before()


def key_regex(key: str) -> str:
    """A loss key as a whole label: not part of a longer name, not a validation value."""
    return rf"(?<![\w-]){_NOT_TRAIN_BEFORE}{re.escape(key)}(?![\w-])"


_ALL_KEYS = sorted(LOSS_KEYS + PPL_KEYS, key=len, reverse=True)
# The key starts right here, so the next character is one a key starts with: checked first,
# the six lookbehinds run only where a key may begin (4x faster over a log's head; the
# same matches, since every assertion looks at the same position).
_KEY_START = "(?=[" + "".join(sorted({re.escape(k[0]) for k in _ALL_KEYS})) + "])"
LOSS_ANY = re.compile(
    _KEY_START + r"(?<![\w-])" + _NOT_TRAIN_BEFORE + "(?P<key>"
    + "|".join(re.escape(k) for k in _ALL_KEYS)
    + r")(?![\w-])" + _SEP + r"(?P<val>" + NUM + r")(?P<avg>[ \t]{1,5}\([ \t]{0,3}"
    + NUM + r"[ \t]{0,3}\))?"
)

# Epoch markers. {INT} in the templates is filled in by text.py's _compile.
_EPOCH_WORD = (r"(?<![\w-])(?:Train[ \t]{{1,3}})?(?:[Ee]poch|EPOCH|[Cc]ycle|CYCLE)"
               r"(?:\(train\))?[ \t]{{0,10}}[:=#]?[ \t]{{0,10}}\[?[ \t]{{0,10}}")
EPOCH_FORMS: dict[str, str] = {
    # Epoch 3/20, Epoch [3], Epoch[3], Epoch: [3], | epoch 003, Train Epoch: 3, Cycle: 3
    "word": _EPOCH_WORD + r"(?P<epoch>{INT})(?![0-9.])(?:[ \t]{{0,3}}/[ \t]{{0,3}}{INT})?"
                          r"[ \t]{{0,3}}\]?",
    # timm `Train: 3 [ 120/1251 ( 10%)]`, Swin `Train: [3/300][120/1251]`
    "train-colon": r"(?<![\w-])Train:[ \t]{{1,3}}\[?(?P<epoch>{INT})(?:/{INT})?\]?"
                   r"(?=[ \t]{{0,3}}\[)",
}
_COUNTER_WORDS = (r"[Bb]atch(?:_idx|es)?|BATCH|[Ss]teps?|STEP|[Ii]ter(?:ation)?s?|ITER|[Ii]trs?"
                  r"|it")
# Within-epoch counters (or a global one, decided from the data: see text.py).
COUNTER_FORMS: dict[str, str] = {
    # 120/1390, [ 120/1390], (12/100), [2560/60000 (4%)], 200/ 1106 batches
    "fraction": r"(?<![\w.:/-])[\[(]?[ \t]{{0,10}}(?P<iter>{INT})[ \t]{{0,3}}/[ \t]{{0,3}}"
                r"(?P<iters>{INT})(?![\w.:/]|[ \t][0-9]{{1,2}}:[0-9])"
                r"(?P<pct>[ \t]{{0,3}}\([ \t]{{0,3}}[0-9.]{{1,6}}"
                r"[ \t]{{0,2}}%\))?[ \t]{{0,3}}[\])]?",
    # Batch 40, batch: 40, Step 00040, iter: 120/1390, Batch [100-120], Itrs 120/30000
    "keyed": r"(?<![\w/.-])(?P<word>" + _COUNTER_WORDS + r")[ \t]{{0,10}}[:=#]?[ \t]{{0,10}}"
             r"[\[(]?[ \t]{{0,10}}(?:{INT}-)?(?P<iter>{INT})(?![0-9.])"
             r"(?:[ \t]{{0,3}}/[ \t]{{0,3}}(?P<iters>{INT}))?",
    # global_step: 120, num_updates=120 (never restarts)
    "global": r"(?<![\w/.-])(?:global_step|global step|num_updates|Global step)[ \t]{{0,10}}"
              r"[:=#]?[ \t]{{0,10}}(?P<step>{INT})(?![0-9.])",
}


def _fill(src: str) -> str:
    return src.format(INT=INT)


_EPOCH_RX = {name: re.compile(_fill(src)) for name, src in EPOCH_FORMS.items()}
_COUNTER_RX = {name: re.compile(_fill(src)) for name, src in COUNTER_FORMS.items()}
# An epoch header line (no loss on it): its one group is the epoch (re.split keeps it).
HEADER_EPOCH = (r"^[^\n]{0,200}?(?<![\w-])(?:Train[ \t]{1,3})?(?:[Ee]poch|EPOCH|[Cc]ycle|CYCLE)"
                r"[ \t]{0,10}[:=#]?[ \t]{0,10}\[?[ \t]{0,10}([0-9]{1,15})(?![0-9.])[^\n]{0,200}$")

MAX_SAMPLE_LINES = 4000
MAX_SAMPLE_CHARS = 256 * 1024  # the layout is learned from the head only
MAX_LINE_CHARS = 2000  # a longer line is looked at up to here (a hostile 100 MB line)


def _sample_lines(text: str) -> list[str]:
    """The head's first lines, each cut to a bounded length."""
    lines = text[:MAX_SAMPLE_CHARS].split("\n", MAX_SAMPLE_LINES)[:MAX_SAMPLE_LINES]
    return [ln if len(ln) <= MAX_LINE_CHARS else ln[:MAX_LINE_CHARS] for ln in lines]


@dataclass(frozen=True)
class LineLayout:
    """What the line model learned: the pieces of a loss line, in order, and how to read."""

    regex: str  # with {INT}, {NUM}, {GAP}, {key} placeholders (a text.py Style regex)
    key: str
    header: str | None  # an epoch header line expression (one group), or None
    example: str
    epoch_form: str | None
    counter_form: str | None
    ppl: bool  # the key is a perplexity: loss = log(value)
    running_mean_pairs: bool  # `cur (avg)`: the log also prints a running mean
    samples: bool  # the counter counts samples, not steps
    wrapped: bool  # loss lines are wrapped: the loss may sit on the next line
    lines: int  # loss lines of the head that agree with the layout

    def describe(self) -> str:
        """A short name for notes: the pieces and their order."""
        parts = []
        if self.header:
            parts.append("epoch header line")
        return "line model: " + ", ".join(parts + [self.example_shape()])

    def example_shape(self) -> str:
        return " ".join(self.example.split())[:80]


@dataclass
class _LineTokens:
    key: str
    key_at: int
    avg: bool
    epoch: tuple[str, int, int] | None  # form, start, end
    counter: tuple[str, int, str] | None  # form, start, the counter's word (keyed form)
    samples_hint: bool


def _tokens(line: str) -> list[_LineTokens]:
    """Every loss-like key on a line, with the line's epoch marker and counter."""
    found = list(LOSS_ANY.finditer(line))
    if not found:
        return []
    epoch = None
    for name, rx in _EPOCH_RX.items():
        m = rx.search(line)
        if m and (epoch is None or m.start() < epoch[1]):
            epoch = (name, m.start(), m.end())
    counter = None
    samples = False
    after = epoch[2] if epoch is not None else 0  # a counter after the epoch marker first
    for name, rx in _COUNTER_RX.items():
        pos = 0
        while True:
            m = rx.search(line, pos)
            if m is None:
                break
            inside_epoch = epoch is not None and epoch[1] <= m.start() < epoch[2]
            inside_loss = any(f.start() <= m.start() < f.end() for f in found)
            if not inside_epoch and not inside_loss:
                rank = (m.start() < after, m.start())
                if counter is None or rank < (counter[1] < after, counter[1]):
                    word = m.group("word") if name == "keyed" else ""
                    counter = (name, m.start(), word)
                    samples = name == "fraction" and bool(m.group("pct"))
                break
            pos = m.start() + 1
    return [_LineTokens(f.group("key"), f.start(), bool(f.group("avg")), epoch, counter,
                        samples) for f in found]


def learn_layout(text: str) -> LineLayout | None:
    """The layout most loss lines of `text` share, or None when there is no consistent one.

    A layout needs a loss-like key and a counter on the same lines (an epoch marker is
    optional: on the line or on a header line before it).
    """
    lines = _sample_lines(text)
    per_line: list[tuple[int, list[_LineTokens]]] = []
    key_count: Counter[str] = Counter()
    header_lines = 0
    for i, line in enumerate(lines):
        toks = _tokens(line)
        if toks:
            per_line.append((i, toks))
            for k in {t.key for t in toks}:
                key_count[k] += 1
        elif _EPOCH_RX["word"].search(line) and len(line) < 200:
            header_lines += 1
    if not per_line:
        return None
    order = {k: i for i, k in enumerate(LOSS_KEYS + PPL_KEYS)}
    loss_keys = [k for k in key_count if k not in PPL_KEYS]
    pool = loss_keys or list(key_count)
    top = max(key_count[k] for k in pool)
    key = min((k for k in pool if key_count[k] >= 0.5 * top), key=lambda k: order[k])
    chosen = [(i, next(t for t in toks if t.key == key)) for i, toks in per_line
              if any(t.key == key for t in toks)]
    n = len(chosen)
    counters = Counter(t.counter[0] for _, t in chosen if t.counter)
    wrapped = False
    if not counters or counters.most_common(1)[0][1] < 0.6 * n:
        wrapped_layout = _learn_wrapped(lines, key)
        if wrapped_layout is None:
            return None
        chosen, wrapped = wrapped_layout, True
        n = len(chosen)
        counters = Counter(t.counter[0] for _, t in chosen if t.counter)
        if not counters:
            return None
    counter_form = counters.most_common(1)[0][0]
    with_counter = [(i, t) for i, t in chosen if t.counter and t.counter[0] == counter_form]
    epochs = Counter(t.epoch[0] for _, t in with_counter if t.epoch)
    epoch_form = None
    header = None
    if epochs and epochs.most_common(1)[0][1] >= 0.6 * len(with_counter):
        epoch_form = epochs.most_common(1)[0][0]
        agreeing = [(i, t) for i, t in with_counter if t.epoch and t.epoch[0] == epoch_form]
    else:
        agreeing = [(i, t) for i, t in with_counter if not t.epoch]
        if header_lines and counter_form != "global":
            header = HEADER_EPOCH
    if not agreeing:
        return None
    orders = Counter(_order(t) for _, t in agreeing)
    pieces = orders.most_common(1)[0][0]
    counter_src = COUNTER_FORMS[counter_form].replace("(?P<pct>", "(?:")
    if counter_form == "keyed":
        word = Counter(t.counter[2] for _, t in agreeing if t.counter).most_common(1)[0][0]
        counter_src = counter_src.replace("(?P<word>" + _COUNTER_WORDS + ")", re.escape(word))
    comp = {
        "epoch": EPOCH_FORMS[epoch_form] if epoch_form else "",
        "counter": counter_src,
        "loss": _key_template(key) + _SEP.replace("{", "{{").replace("}", "}}")
        + "(?P<loss>{NUM})",
    }
    gap = "{GAP}" if not wrapped else "{GAP}(?:\\n{GAP})?"
    regex = gap.join(comp[p] for p in pieces if comp[p])
    first = lines[agreeing[0][0]]
    samples = sum(t.samples_hint for _, t in agreeing) >= 0.6 * len(agreeing) and (
        epoch_form is not None and "Train Epoch" in first)
    if counter_form == "fraction" and not samples and header and pieces[0] == "loss":
        # PyTorch's quickstart: `loss: 0.43  [ 6464/60000]` under an `Epoch 3` header
        # prints samples seen (batch * len(X)).
        samples = True
    return LineLayout(
        regex=regex, key=key, header=header, example=first.strip()[:200],
        epoch_form=epoch_form, counter_form=counter_form, ppl=key in PPL_KEYS,
        running_mean_pairs=sum(t.avg for _, t in agreeing) >= 0.6 * len(agreeing),
        samples=samples, wrapped=wrapped, lines=len(agreeing),
    )


def _learn_wrapped(lines: list[str], key: str) -> list[tuple[int, _LineTokens]] | None:
    """Loss lines wrapped by a terminal: a counter line whose loss is on the next line."""
    rx = re.compile(key_regex(key) + _SEP + "(" + NUM + ")")
    out = []
    for i in range(len(lines) - 1):
        if rx.search(lines[i]):
            continue
        m = rx.search(lines[i + 1])
        if not m:
            continue
        joined = lines[i] + "\n" + lines[i + 1]
        toks = [t for t in _tokens(joined) if t.key == key]
        if toks and toks[0].counter:
            out.append((i, toks[0]))
    return out if len(out) >= 3 else None


def _key_template(key: str) -> str:
    """The chosen key in a style expression: {key} (so --metric can pick another), not
    preceded by a validation word nor by a word that makes it another key (`train loss`)."""
    longer = [k[: -len(key)] for k in LOSS_KEYS + PPL_KEYS
              if k.endswith(" " + key) or k.endswith("-" + key)]
    before = "".join(f"(?<!{re.escape(p)})" for p in longer)
    return r"(?<![\w-])" + _NOT_TRAIN_BEFORE + before + "{key}" + r"(?![\w-])"


def _order(t: _LineTokens) -> tuple[str, ...]:
    at = {"loss": t.key_at}
    if t.counter:
        at["counter"] = t.counter[1]
    if t.epoch:
        at["epoch"] = t.epoch[1]
    return tuple(sorted(at, key=at.get))


# --------------------------------------------------------------------------- suggestions


_NUMBER_RX = re.compile(r"[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")


def suggest_pattern(text: str) -> tuple[str | None, str]:
    """A --pattern built from the first loss line of `text`, and what the head holds."""
    lines = _sample_lines(text)
    keys: Counter[str] = Counter()
    loss_lines: list[str] = []
    for line in lines:
        m = LOSS_ANY.search(line)
        if m:
            keys[m.group("key")] += 1
            loss_lines.append(line.strip())
    if not loss_lines:
        labels = Counter(re.findall(r"(?<![\w-])([A-Za-z_][\w-]{0,30})[ \t]{0,5}[:=][ \t]{0,5}"
                                    r"[-+]?[0-9]", "\n".join(lines)))
        if labels:
            found = ", ".join(k for k, _ in labels.most_common(5))
            return None, f"found numbers labelled {found} but no loss-like key"
        return None, "found no labelled numbers"
    found = f"found {sum(keys.values())} lines with {', '.join(repr(k) for k in keys)} values"
    pattern = _pattern_from_line(loss_lines[0], loss_lines[1:2])
    if "(?P<step>" not in pattern:
        return pattern, found + " but no number on them that could be a step (add one: " \
            "(?P<step>...))"
    return pattern, found + " but no counter that gives a step"


_NUMBER_RX = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")


# The tokens of a suggested --pattern. Each can end in only one place before the text that
# follows it (no two quantifiers compete for the same characters) and the pattern is
# anchored at the line start, so matching is linear in the line, however long.
SUGGEST_NUMBER = r"[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?"
SUGGEST_LOSS = r"(?P<loss>[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)"
SUGGEST_STEP = r"(?P<step>[0-9]+)"


def _pattern_from_line(line: str, next_lines: list[str]) -> str:
    """The line escaped, its loss value and its counter (the first integer that changes on
    the next loss line, else the first integer) as groups loss and step; linear-time."""
    m = LOSS_ANY.search(line)
    assert m is not None
    val_start, val_end = m.span("val")
    nums = [x for x in _NUMBER_RX.finditer(line) if not val_start <= x.start() < val_end]
    ints = [x for x in nums if "." not in x.group() and x.start() < val_start]
    ints = ints or [x for x in nums if "." not in x.group()]
    step = ints[0] if ints else None
    if next_lines and ints:
        other = [x.group() for x in _NUMBER_RX.finditer(next_lines[0])]
        mine = [x.group() for x in _NUMBER_RX.finditer(line)]
        if len(other) == len(mine):
            changed = [x for x in ints if other[mine.index(x.group())] != x.group()]
            step = changed[0] if changed else step
    spans = sorted([(val_start, val_end, SUGGEST_LOSS)]
                   + [(x.start(), x.end(), SUGGEST_STEP if x is step else SUGGEST_NUMBER)
                      for x in nums])
    out, pos = ["^[ \t]*"], 0
    for s, e, group in spans:
        out.append(_escape_text(line[pos:s]))
        out.append(group)
        pos = e
    out.append(_escape_text(line[pos:]))
    return "".join(out)


def _escape_text(text: str) -> str:
    return r"[ \t]+".join(re.escape(part) for part in re.split(r"\s+", text))
