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

Beside that main form: `key (...) at step N: v` and `key N v` (the counter inside the
labelled number), a bare `[N]` counter, Chinese counters and epochs (`训练次数：100`,
`第 3 轮`), lines with an epoch marker and no counter (one point per line, numbered), and
whitespace tables under a header row naming their columns. An unlisted name holding
"loss" is the key only when it is the only one (undecided otherwise: --metric picks), and
no loss after an evaluation word on its line is training loss.

The words this model knows (loss keys, perplexity keys, what is not training loss) come
from vocabulary.py, the one list every reader uses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from spikecheck.readers.vocabulary import (
    PERPLEXITY_KEYS,
    PRINTED_LOSS_KEYS,
    is_training_loss_name,
    not_training_before,
)


class LazyPattern:
    """A regular expression compiled on its first use. The line model's expressions are
    needed only when a log's layout is learned; a log a listed style reads never compiles
    them (their compiling was 3-4 ms of a small log's start-up)."""

    __slots__ = ("_src", "_flags", "_rx")

    def __init__(self, src: str, flags: int = 0) -> None:
        self._src, self._flags, self._rx = src, flags, None

    @property
    def rx(self) -> re.Pattern[str]:
        """The compiled expression (what a match's .re is)."""
        if self._rx is None:
            self._rx = re.compile(self._src, self._flags)
        return self._rx

    def __getattr__(self, name: str):
        return getattr(self.rx, name)


INT = r"[0-9]{1,15}"
NUM = r"[-+]?(?:[0-9.]{1,300}(?:[eE][-+]?[0-9]{1,4})?|nan|NaN|NAN|inf|Inf|INF|Infinity)"

# The words (loss and perplexity labels, what is not training loss) are the vocabulary's,
# shared with every reader.
LOSS_KEYS: tuple[str, ...] = PRINTED_LOSS_KEYS
PPL_KEYS: tuple[str, ...] = PERPLEXITY_KEYS

# Between a key and its value. The value may be printed as a PyTorch tensor, `loss:
# tensor(2.3026, grad_fn=<...>)`: an f-string of the loss itself, not loss.item(), as
# hand-written loops often print it.
_SEP = r"""['"]?[ \t]{0,20}[:=,：]?[ \t]{0,20}['"]?(?:tensor\([ \t]{0,3})?"""
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

# Any other name that holds "loss" (step_loss, avr_loss, train/CrossEntropyLoss): a key only
# when a log's loss lines print no listed key and exactly one such name (two of them, say
# loss_cls and loss_bbox with no total, leave the loss undecided).
GENERIC_LOSS = LazyPattern(
    r"(?<![\w/.-])" + _NOT_TRAIN_BEFORE
    + r"(?P<key>(?:[A-Za-z_][\w/.-]{0,60}?)?(?:[Ll]oss|LOSS)\w{0,30})(?![\w/.-])" + _SEP
    + r"(?P<val>" + NUM + r")(?P<avg>[ \t]{1,5}\([ \t]{0,3}" + NUM + r"[ \t]{0,3}\))?"
)
# A word that makes a line an evaluation line when it comes before the loss key, standing
# alone (`Test set: Average loss`, `Validation Step 1000, Total Loss`, `eval | step:`),
# not as part of a name (`model_test`, `val_acc` are not).
EVAL_WORD = LazyPattern(r"(?<![\w./-])(?i:val|valid|validation|eval|evaluation|test|testing)"
                       r"(?![\w./-])")

# Epoch markers. {INT} in the templates is filled in by text.py's _compile.
_EPOCH_WORD = (r"(?<![\w-])(?:Train[ \t]{{1,3}})?(?:[Ee]poch|EPOCH|[Cc]ycle|CYCLE)"
               r"(?:\(train\))?[ \t]{{0,10}}[:=#]?[ \t]{{0,10}}\[?[ \t]{{0,10}}")
EPOCH_FORMS: dict[str, str] = {
    # Epoch 3/20, Epoch [3], Epoch[3], Epoch: [3], | epoch 003, Train Epoch: 3, Cycle: 3
    "word": _EPOCH_WORD + r"(?P<epoch>{INT})(?![0-9.])(?:[ \t]{{0,3}}/[ \t]{{0,3}}{INT})?"
                          r"[ \t]{{0,3}}\]?",
    # 第 3 轮, 第3代, 第 3 个epoch (Chinese: the 3rd round)
    "cn": r"第[ \t]{{0,3}}(?P<epoch>{INT})[ \t]{{0,3}}(?:轮|代|个?[Ee]poch)",
    # timm `Train: 3 [ 120/1251 ( 10%)]`, Swin `Train: [3/300][120/1251]`
    "train-colon": r"(?<![\w-])Train:[ \t]{{1,3}}\[?(?P<epoch>{INT})(?:/{INT})?\]?"
                   r"(?=[ \t]{{0,3}}\[)",
}
_COUNTER_WORDS = (r"[Bb]atch(?:_idx|es)?|BATCH|[Ss]teps?|STEP|[Ii]ter(?:ation)?s?|ITER|[Ii]trs?"
                  r"|it|训练次数|迭代次数|步数|次数|步")
# Within-epoch counters (or a global one, decided from the data: see text.py).
COUNTER_FORMS: dict[str, str] = {
    # 120/1390, [ 120/1390], (12/100), [2560/60000 (4%)], 200/ 1106 batches
    "fraction": r"(?<![\w.:/-])[\[(]?[ \t]{{0,10}}(?P<iter>{INT})[ \t]{{0,3}}/[ \t]{{0,3}}"
                r"(?P<iters>{INT})(?![\w.:/]|[ \t][0-9]{{1,2}}:[0-9])"
                r"(?P<pct>[ \t]{{0,3}}\([ \t]{{0,3}}[0-9.]{{1,6}}"
                r"[ \t]{{0,2}}%\))?[ \t]{{0,3}}[\])]?",
    # Batch 40, batch: 40, Step 00040, iter: 120/1390, Batch [100-120], Itrs 120/30000
    # (not after an evaluation word: `Validation Step 1000`; never a percentage: `Steps: 10%`)
    "keyed": r"(?<![\w/.-])" + _NOT_TRAIN_BEFORE + r"(?P<word>" + _COUNTER_WORDS
             + r")[ \t]{{0,10}}[:=#：]?[ \t]{{0,10}}"
             r"[\[(]?[ \t]{{0,10}}(?:{INT}-)?(?P<iter>{INT})(?![0-9.%])"
             r"(?:[ \t]{{0,3}}/[ \t]{{0,3}}(?P<iters>{INT}))?",
    # global_step: 120, num_updates=120 (never restarts)
    "global": r"(?<![\w/.-])(?:global_step|global step|num_updates|Global step)[ \t]{{0,10}}"
              r"[:=#]?[ \t]{{0,10}}(?P<step>{INT})(?![0-9.])",
}


def _fill(src: str) -> str:
    return src.format(INT=INT)


_EPOCH_RX = {name: LazyPattern(_fill(src)) for name, src in EPOCH_FORMS.items()}
_COUNTER_RX = {name: LazyPattern(_fill(src)) for name, src in COUNTER_FORMS.items()}
# An epoch header line (no loss on it): its one group is the epoch (re.split keeps it).
HEADER_EPOCH = (r"^[^\n]{0,200}?(?:(?<![\w-])(?:Train[ \t]{1,3})?(?:[Ee]poch|EPOCH|[Cc]ycle|CYCLE)"
                r"[ \t]{0,10}[:=#]?[ \t]{0,10}\[?[ \t]{0,10}"
                r"|第[ \t]{0,3}(?=[0-9]{1,15}[ \t]{0,3}(?:轮|代|个?[Ee]poch)))"
                r"([0-9]{1,15})(?![0-9.])[^\n]{0,200}$")
# A bare bracketed integer, `[100] loss=7.2` (clu's LoggingWriter): a counter only where a
# line has no other.
_BRACKET_COUNTER = r"(?<![\w\]\[])\[[ \t]{{0,5}}(?P<iter>{INT})[ \t]{{0,5}}\](?![\[(])"
_BRACKET_RX = LazyPattern(_fill(_BRACKET_COUNTER))

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
    pair: bool = False  # `Train loss 100 0.5123`: an integer after the key, then a number


# `Training loss (for one batch) at step 200: 0.4312`: the counter between key and value.
_AT_WORDS = r"[Ss]tep|[Ii]ter(?:ation)?|[Bb]atch"
_AT_TAIL = (r"(?:[ \t]{{1,3}}\([^()\n]{{0,40}}\))?[ \t]{{1,3}}(?:at|for|@)[ \t]{{1,3}}"
            r"(?P<word>" + _AT_WORDS + r")[ \t]{{0,3}}(?P<iter>{INT})[ \t]{{0,3}}[:=][ \t]{{0,3}}")
LOSS_AT = LazyPattern(
    r"(?<![\w-])" + _NOT_TRAIN_BEFORE + "(?P<key>" + "|".join(re.escape(k) for k in _ALL_KEYS)
    + r")(?![\w-])" + _fill(_AT_TAIL) + r"(?P<val>" + NUM + r")"
)
_PAIR_TAIL = LazyPattern(r"[ \t]{1,10}" + NUM + r"(?![\w.])")
_INTEGER = re.compile(r"[0-9]{1,15}")


def _loss_keys(line: str) -> list[re.Match[str]]:
    """The loss-like keys of a line that are training loss: listed keys, else any name
    holding "loss"; none after an evaluation word (`Test set: Average loss`)."""
    found = [f for f in LOSS_ANY.finditer(line) if not EVAL_WORD.search(line, 0, f.start())]
    if found:
        return found
    found = [f for f in LOSS_AT.finditer(line) if not EVAL_WORD.search(line, 0, f.start())]
    if found:
        return found
    if "oss" not in line and "OSS" not in line:  # no name holding "loss": nothing to scan
        return []
    return [f for f in GENERIC_LOSS.finditer(line)
            if is_training_loss_name(f.group("key")) and not EVAL_WORD.search(line, 0, f.start())]


def _tokens(line: str) -> list[_LineTokens]:
    """Every loss-like key on a line, with the line's epoch marker and counter."""
    found = _loss_keys(line)
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
    if found[0].re is LOSS_AT.rx:
        f = found[0]
        counter = ("at", f.start("word"), f.group("word"))
    for name, rx in _COUNTER_RX.items():
        if counter is not None and counter[0] == "at":
            break
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
    if counter is None:  # a bare `[100]`, only where nothing else counts
        for m in _BRACKET_RX.finditer(line):
            inside_epoch = epoch is not None and epoch[1] <= m.start() < epoch[2]
            if not inside_epoch and not any(f.start() <= m.start() < f.end() for f in found):
                counter = ("bracket", m.start(), "")
                break
    out = []
    for f in found:
        pair = bool(_INTEGER.fullmatch(f.group("val"))) and \
            _PAIR_TAIL.match(line, f.end("val")) is not None
        out.append(_LineTokens(f.group("key"), f.start(), bool(f.groupdict().get("avg")),
                               epoch, counter, samples, pair))
    return out


def _epoch_on(line: str) -> bool:
    """A line that names an epoch (a header line when it holds no loss)."""
    return any(rx.search(line) for rx in _EPOCH_RX.values())


def learn_layout(text: str, metric: str | None = None) -> LineLayout | None:
    """The layout most loss lines of `text` share, or None when there is no consistent one.

    A layout needs a loss-like key and a counter on the same lines (an epoch marker is
    optional: on the line or on a header line before it). With no counter, an epoch
    marker (on the line or a header before it) makes one point per line: the per-epoch
    logs many examples print. A whitespace table under a header row naming its columns
    (spaCy's, fastai's) is read by its columns. `metric` (--metric) picks among loss
    names that are otherwise undecided.
    """
    lines = _sample_lines(text)
    return _learn_keyed(lines, metric) or learn_table(lines, metric)


def _learn_keyed(lines: list[str], metric: str | None = None) -> LineLayout | None:
    per_line: list[tuple[int, list[_LineTokens]]] = []
    key_count: Counter[str] = Counter()
    header_lines = 0
    for i, line in enumerate(lines):
        toks = _tokens(line)
        if toks:
            per_line.append((i, toks))
            for k in {t.key for t in toks}:
                key_count[k] += 1
        elif len(line) < 200 and _epoch_on(line):
            header_lines += 1
    if not per_line:
        return None
    key = metric if metric in key_count else _choose_key(key_count)
    if key is None:
        return None
    chosen = [(i, next(t for t in toks if t.key == key)) for i, toks in per_line
              if any(t.key == key for t in toks)]
    n = len(chosen)
    pair = _pair_layout(lines, chosen, key, header_lines)
    if pair is not None:
        return pair
    counters = Counter(t.counter[0] for _, t in chosen if t.counter)
    wrapped = False
    if not counters or counters.most_common(1)[0][1] < 0.6 * n:
        wrapped_layout = _learn_wrapped(lines, key)
        if wrapped_layout is None:
            return _rows_layout(lines, chosen, key, header_lines)
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
    if counter_form == "bracket" and len({m.group("iter") for i, _ in agreeing
                                          for m in _BRACKET_RX.finditer(lines[i])}) < 2:
        # the same `[0]` on every line: a process tag, not a counter
        return _rows_layout(lines, [(i, replace(t, counter=None)) for i, t in chosen], key,
                            header_lines)
    orders = Counter(_order(t) for _, t in agreeing)
    pieces = orders.most_common(1)[0][0]
    if counter_form == "bracket":
        counter_src = _BRACKET_COUNTER
    elif counter_form == "at":
        counter_src = ""
    else:
        counter_src = COUNTER_FORMS[counter_form].replace("(?P<pct>", "(?:")
    if counter_form == "keyed":
        word = Counter(t.counter[2] for _, t in agreeing if t.counter).most_common(1)[0][0]
        counter_src = counter_src.replace("(?P<word>" + _COUNTER_WORDS + ")", re.escape(word))
    loss_src = _key_template(key) + _SEP.replace("{", "{{").replace("}", "}}")
    if counter_form == "at":
        word = Counter(t.counter[2] for _, t in agreeing if t.counter).most_common(1)[0][0]
        loss_src = _key_template(key) + _AT_TAIL.replace("(?P<word>" + _AT_WORDS + ")",
                                                         re.escape(word))
    comp = {
        "epoch": EPOCH_FORMS[epoch_form] if epoch_form else "",
        "counter": counter_src,
        "loss": loss_src + "(?P<loss>{NUM})",
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


def _choose_key(key_count: Counter[str]) -> str | None:
    """The loss key of the log: the most preferred listed key printed on at least half as
    many lines as the most printed one; else the one other name holding "loss" (two or
    more such names and no listed key: undecided); else a perplexity."""
    order = {k: i for i, k in enumerate(LOSS_KEYS + PPL_KEYS)}
    listed = [k for k in key_count if k in order and k not in PPL_KEYS]
    generic = [k for k in key_count if k not in order]
    ppl = [k for k in key_count if k in PPL_KEYS]
    if listed:
        pool = listed
    elif len(generic) == 1:
        return generic[0]
    elif ppl and not generic:
        pool = ppl
    else:
        return None
    top = max(key_count[k] for k in pool)
    return min((k for k in pool if key_count[k] >= 0.5 * top), key=lambda k: order[k])


def _pair_layout(lines: list[str], chosen: list[tuple[int, _LineTokens]], key: str,
                 header_lines: int) -> LineLayout | None:
    """`Train loss 100 0.5123` (NVIDIA's Tacotron 2): the number right after the key is an
    integer that rises from line to line and another number follows: the key labels the
    pair (iteration, loss), not the integer."""
    pairs = [(i, t) for i, t in chosen if t.pair]
    if len(pairs) < 3 or len(pairs) < 0.6 * len(chosen) or any(t.counter for _, t in pairs):
        return None
    rx = re.compile(key_regex(key) + _SEP + "(" + INT + ")")
    ints = []
    for i, _ in pairs:
        m = rx.search(lines[i])
        if m is None:
            return None
        ints.append(int(m.group(1)))
    rises = sum(b > a for a, b in zip(ints, ints[1:]))
    if rises < 0.6 * (len(ints) - 1) or any(b < a for a, b in zip(ints, ints[1:])
                                             if not header_lines):
        return None
    regex = (_key_template(key) + _SEP.replace("{", "{{").replace("}", "}}")
             + r"(?P<iter>{INT})[ \t]{{1,10}}(?P<loss>{NUM})(?![\w.])")
    return LineLayout(
        regex=regex, key=key, header=HEADER_EPOCH if header_lines else None,
        example=lines[pairs[0][0]].strip()[:200], epoch_form=None, counter_form="pair",
        ppl=key in PPL_KEYS, running_mean_pairs=False, samples=False, wrapped=False,
        lines=len(pairs))


def _rows_layout(lines: list[str], chosen: list[tuple[int, _LineTokens]], key: str,
                 header_lines: int) -> LineLayout | None:
    """Loss lines with no counter, one point per line, under an epoch marker: on the line
    (`Epoch: 001, Loss: 1.9463` (PyG), `epoch 3, loss 0.0312` (d2l)) or on a header line
    before it (`Epoch 3` then `train_loss -0.81` (nnU-Net)). Most such logs print once per
    epoch; the reader numbers the points (the steps are row numbers, said in a note)."""
    n = len(chosen)
    no_counter = [(i, t) for i, t in chosen if t.counter is None]
    if len(no_counter) < 0.6 * n:
        return None
    epochs = Counter(t.epoch[0] for _, t in no_counter if t.epoch)
    loss_src = _key_template(key) + _SEP.replace("{", "{{").replace("}", "}}") + "(?P<loss>{NUM})"
    header = None
    if epochs and epochs.most_common(1)[0][1] >= 0.6 * len(no_counter):
        epoch_form = epochs.most_common(1)[0][0]
        agreeing = [(i, t) for i, t in no_counter if t.epoch and t.epoch[0] == epoch_form]
        order = Counter(t.epoch[1] < t.key_at for _, t in agreeing).most_common(1)[0][0]
        parts = [EPOCH_FORMS[epoch_form], loss_src] if order else \
            [loss_src, EPOCH_FORMS[epoch_form]]
        regex = "{GAP}".join(parts)
    elif header_lines >= 2 and not epochs:  # headers of two epochs at least (one `epoch: 10`
        # in a config dump is no header)
        epoch_form, agreeing, regex, header = None, no_counter, loss_src, HEADER_EPOCH
    else:
        return None
    return LineLayout(
        regex=regex, key=key, header=header, example=lines[agreeing[0][0]].strip()[:200],
        epoch_form=epoch_form, counter_form=None, ppl=key in PPL_KEYS,
        running_mean_pairs=False, samples=False, wrapped=False, lines=len(agreeing))


def undecided_loss_names(lines: list[str]) -> list[tuple[str, int]]:
    """Two or more names holding "loss" and no listed key (loss_cls, loss_bbox), on lines
    or as a table's columns: each name and the lines it is on, else [] (nothing
    undecided)."""
    names: Counter[str] = Counter()
    for line in lines:
        for f in _loss_keys(line):
            if f.re is GENERIC_LOSS.rx:
                names[f.group("key")] += 1
        cols = [c.strip() for c in _COLUMN_SPLIT.split(line.strip())]
        if 3 <= len(cols) and len(line) <= 400 and not any(_NUMBER_RX.fullmatch(c) for c in cols):
            losses = [c for c in cols if is_training_loss_name(c)]
            if len(losses) > 1:
                names.update(losses)
    return names.most_common() if len(names) > 1 else []


# --------------------------------------------------------------------------- tables


_COLUMN_SPLIT = re.compile(r"[ \t]{2,}|\t")
_STEP_COLUMNS = frozenset({"#", "step", "steps", "iter", "iters", "iteration", "it",
                           "global_step", "global step", "update", "updates"})
_EPOCH_COLUMNS = frozenset({"e", "epoch", "ep"})
_CELL = r"[^ \t\n]{{1,40}}"
MIN_TABLE_ROWS = 3


def learn_table(lines: list[str], metric: str | None = None) -> LineLayout | None:
    """A whitespace table under a header row that names its columns (spaCy's `E  #  LOSS
    NER  ...`, fastai's `epoch  train_loss  valid_loss ...`): one training-loss column
    (two or more and no total leave the loss undecided), a step column or an epoch
    column, and at least MIN_TABLE_ROWS rows of as many cells below the header."""
    for h, line in enumerate(lines):
        names = [c.strip() for c in _COLUMN_SPLIT.split(line.strip())]
        if len(names) < 3 or len(line) > 400 or any(_NUMBER_RX.fullmatch(c) for c in names):
            continue
        losses = [j for j, c in enumerate(names) if is_training_loss_name(c)]
        if metric in names:
            losses = [names.index(metric)]
        if len(losses) > 1:
            total = [j for j in losses if names[j].lower() in ("loss", "train_loss",
                                                               "total_loss", "train loss")]
            losses = total[:1]
        if len(losses) != 1:
            continue
        lower = [c.lower() for c in names]
        step = next((j for j, c in enumerate(lower) if c in _STEP_COLUMNS), None)
        epoch = next((j for j, c in enumerate(lower) if c in _EPOCH_COLUMNS), None)
        if step is None and epoch is None:
            continue
        rows = 0
        for row in lines[h + 1:]:
            cells = row.split()
            if not cells or set(row.strip()) <= set("-=+| "):
                if rows:
                    break
                continue  # the rule under the header
            if len(cells) != len(names) or not all(
                    _INTEGER.fullmatch(cells[j]) for j in (step, epoch) if j is not None) \
                    or not _NUMBER_RX.fullmatch(cells[losses[0]].lstrip("-+")):
                break
            rows += 1
        if rows < MIN_TABLE_ROWS:
            continue
        groups = {losses[0]: "(?P<loss>{NUM})"}
        if step is not None:
            groups[step] = "(?P<step>{INT})"
        if epoch is not None:
            groups[epoch] = "(?P<epoch>{INT})"
        regex = (r"^[ \t]{{0,40}}" + r"[ \t]{{1,80}}".join(
            groups.get(j, _CELL) for j in range(len(names))) + r"[ \t]{{0,80}}$")
        return LineLayout(
            regex=regex, key=names[losses[0]], header=None, example=line.strip()[:200],
            epoch_form="table" if epoch is not None else None,
            counter_form="global" if step is not None else None, ppl=False,
            running_mean_pairs=False, samples=False, wrapped=False, lines=rows)
    return None


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
        undecided = [k for k, _ in undecided_loss_names(lines)]
        if undecided:
            return None, (f"found {len(undecided)} loss-like names and no total loss among "
                          f"them ({', '.join(undecided[:6])}): which is the training loss is "
                          "not decided, pass --metric with one of them")
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
