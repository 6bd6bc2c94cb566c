"""Plain-text training logs: what trainers print, recognised by line style, read in chunks.

Each style is one entry in STYLES: a regular expression with named groups (`step`, `loss`,
or `epoch` + `iter` [+ `iters`] when the counter restarts every epoch) and how to turn its
matches into steps. Adding a style is adding one entry. The chosen style's expression runs
over multi-megabyte chunks of text (findall, not line by line), so memory grows with the
number of points and the speed beats a plain per-match `re.finditer` loop. Every repetition
is bounded, so hostile input (a 100 MB line, endless digits or spaces) stays linear.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import PurePath

import numpy as np

from spikecheck.frameworks import TEXT_STYLES
from spikecheck.notes import Note, NoteCode
from spikecheck.readers.chunks import MAX_LINE, iter_chunks, text_encoding, unify_newlines
from spikecheck.readers.deadline import PatternTimeLimit
from spikecheck.readers.interface import (
    WIDE_BOMS,
    InputSource,
    NoTrainingLoss,
    ReadError,
    ReadOptions,
)
from spikecheck.readers.textlines import (
    LOSS_ANY,
    LOSS_KEYS,
    LineLayout,
    learn_layout,
    suggest_pattern,
    undecided_loss_names,
)
from spikecheck.readers.textsteps import (
    finish_epoch_iter,
    finish_epoch_rows,
    finish_rows,
    finish_step,
)
from spikecheck.readers.vocabulary import as_loss
from spikecheck.series import LossSeries

SNIFF_TEXT = 256 * 1024  # how much of the head decides the style
QUICK_TEXT = 64 * 1024  # enough when a style already explains many lines there
# Past the head, a style found on fewer lines than this in a chunk (a piece of one endless
# line of printed dicts) is only a candidate: later chunks are searched for a style that
# explains more lines, up to DETECT_BYTES of content, then the best candidate is taken.
FIRM_LINES = 3
DETECT_BYTES = 64 << 20

INT = r"[0-9]{1,15}"  # 15 digits: every counter stays below vocabulary.MAX_STEP (2^53)
# A number: a decimal comma (2,3087, as a German or French locale prints it), or one
# branch of digits and points (a bad one like "1.2.3" fails float() and becomes NaN). Never
# read short: the digits run to their end (a lookahead, as `re` has no atomic group before
# Python 3.11), and a number that goes on with a comma and a digit is not taken as its
# part before the comma (2,3087 once read as 2, silently: the line now reads 2.3087; a
# thousands separator, 1,234.5, leaves the line unread and counted).
_NUM = (
    r"[-+]?(?:[0-9]{1,30},[0-9]{1,30}(?![0-9.]|,[0-9])"
    r"|[0-9.]{1,300}(?![0-9.])(?:[eE][-+]?[0-9]{1,4})?(?!,[0-9])"
    r"|nan|NaN|NAN|inf|Inf|INF|Infinity)"
)
DECIMAL_COMMA = re.compile(r"[-+]?[0-9]{1,30},[0-9]{1,30}")
NUM = f"(?:{_NUM})"
GAP = r"[^\n]{0,4000}?"  # the rest of a line between two fields, never across lines
# In a style's expression the gap is tempered by the style's line anchor (_gap): it never
# runs over the start of another line of the style. On a hostile line (one 100 MB line of
# `iter: 1 iter: 1 ...` with no loss key) a plain gap would cost up to 4000 steps at every
# anchor, 4000x the line; tempered, each anchor scans only to the next one.


@dataclass(frozen=True)
class Style:
    """One printed line style: its expression, its example line and how steps follow.

    `regex` may hold {key} (the metric name, escaped: options.metric selects another key
    where the line prints several) plus {INT}, {NUM} and {GAP}. `kind` says where steps
    come from: "step" (a global step group), "epoch_iter" (the iteration restarts every
    epoch: global step = epoch * iterations per epoch + iteration), "row" (no step at all:
    Hugging Face printed dicts), "epoch_rows" (no step, an epoch on the line or a header:
    one point per line, numbered). `header` is an expression for epoch header lines that
    precede their counter lines (Keras). `kv` lists the keys a line offers (for --list).
    """

    name: str
    example: str
    regex: str
    metric: str = "loss"
    kind: str = "step"
    keyed: bool = False
    epoch_base: int | None = 0  # None: 0 when the log prints an epoch 0, else 1
    header: str | None = None
    running_mean: bool = False
    # How the running mean weighs its steps: "samples" (Keras averages each batch's loss
    # weighted by its size, so a short final batch counts less), "steps", or None (unknown).
    running_mean_weights: str | None = None
    note: str | Note = ""  # a listed style's remark, or a learned layout's note
    kv: str | None = None
    flags: int = 0
    alt_metrics: tuple[str, ...] = ()  # other default keys, tried in order when absent
    counter_from_one: bool = False  # a progress counter: 0/N is a redraw before any step
    samples: str = "never"  # the counter counts samples: "never", "always", "auto" (Keras 2)
    loss_parts: tuple[str, ...] = ()  # groups summed into the loss (YOLO's loss columns)
    log_of_value: bool = False  # the value is a perplexity: loss = log(value)
    counter_may_be_global: bool = False  # decided from the data: restarts per epoch or not
    # Literals every match holds ({key}: the metric name): a text without one of them has no
    # line of the style, so sniffing skips its expression uncompiled (tests hold each one
    # required by the expression's own parse tree).
    needs: tuple[str, ...] = ()


STYLES: tuple[Style, ...] = (
    Style("nanoGPT", "iter 4200: loss 2.3456, time 12.3ms, mfu 30.1%",
          r"iter(?<!\witer) (?P<step>{INT}): loss (?P<loss>{NUM})",
          needs=("iter ", ": loss ")),
    Style("llm.c", "step   12/19560 | train loss 3.2 | norm 1.1 | lr 6e-4 | (90 ms)",
          r"step {{0,20}}(?P<step>{INT})/{INT} \| (?:train )?loss (?P<loss>{NUM})",
          needs=("step", " | ", "loss ")),
    Style("llm.c-compact", "s:12 trl:3.2 lr:0.0006 norm:1.1",
          r"s:(?<![\w:]s:)(?P<step>{INT}) trl:(?P<loss>{NUM})",
          needs=("s:", " trl:")),
    Style("detectron2", "iter: 11839  total_loss: 0.3965  loss_cls: 0.1  lr: 0.02",
          r"iter: (?P<step>{INT})(?![0-9/]){GAP}[ \t]{key}: (?P<loss>{NUM})",
          metric="total_loss", keyed=True, kv=r"(?<![\w/])([A-Za-z_][\w/]{0,100}): " + NUM,
          needs=("iter: ", "{key}: ")),
    Style("mmcv", "Epoch [3][120/1390]\tlr: 1.0e-02, eta: 1:00:00, loss: 0.4312",
          r"Epoch(?:\(train\))? {{0,20}}\[(?P<epoch>{INT})\]\[ {{0,20}}(?P<iter>{INT})"
          r"/(?P<iters>{INT})\]{GAP}[ \t]{key}: (?P<loss>{NUM})",
          kind="epoch_iter", keyed=True, epoch_base=1,
          kv=r"(?<![\w/])([A-Za-z_][\w/]{0,100}): " + NUM,
          needs=("Epoch", "][", "{key}: ")),
    Style("mmengine-iter", "Iter(train) [  50/80000]  lr: 1.0e-02  loss: 0.4312",
          r"Iter\(train\) {{0,20}}\[ {{0,20}}(?P<step>{INT})/{INT}\]{GAP}"
          r"(?<![\w/]){key}: (?P<loss>{NUM})",
          keyed=True, kv=r"(?<![\w/])([A-Za-z_][\w/]{0,100}): " + NUM,
          needs=("Iter(train)", "{key}: ")),
    Style("pytorch-meter", "Epoch: [3][ 120/1390]\tTime 0.12 (0.13)\tLoss 0.4312 (0.4410)",
          r"Epoch: \[(?P<epoch>{INT})\]\[ {{0,20}}(?P<iter>{INT})(?:/(?P<iters>{INT}))?\]"
          r"{GAP}[ \t]{key} {{1,10}}(?P<loss>{NUM})",
          metric="Loss", kind="epoch_iter", keyed=True,
          note="the first number after the metric name is the current value; the one in "
               "parentheses is a running average and is not used",
          kv=r"(?<![\w/])([A-Za-z][\w@/]{0,100}) {1,10}" + NUM + r" \(",
          needs=("Epoch: [", "][", "{key}")),
    Style("pytorch-tutorial", "[3,   120] loss: 0.431",
          r"\[ {{0,20}}(?P<epoch>{INT}), {{0,20}}(?P<iter>{INT})\] loss: (?P<loss>{NUM})",
          kind="epoch_iter", epoch_base=1,
          needs=("] loss: ",)),
    Style("keras", "Epoch 3/20  then  120/1390 [====>...] - ETA: 1s - loss: 0.4312",
          r"^[ \t]{{0,20}}(?P<iter>{INT})/(?P<iters>{INT}) {GAP}[ \t]{key}: (?P<loss>{NUM})",
          kind="epoch_iter", keyed=True, epoch_base=1, running_mean=True, counter_from_one=True,
          running_mean_weights="samples", flags=re.MULTILINE, samples="auto",
          header=r"^[ \t]{0,20}Epoch (?P<epoch>[0-9]{1,9})/[0-9]{1,9}[ \t]{0,200}$",
          note="Keras prints a running mean of the loss since the epoch began, not the "
               "loss of each step",
          kv=r"(?<![\w])([A-Za-z_]\w{0,100}): " + NUM,
          needs=("{key}: ",)),
    Style("lightning-tqdm",
          "Epoch 3:  40%|####  | 120/300 [00:10<00:15, v_num=0, train_loss_step=0.43]",
          r"Epoch (?P<epoch>{INT}):[^\n|]{{0,20}}\|[^\n|]{{0,400}}\| {{0,5}}(?P<iter>{INT})/"
          r"(?P<iters>{INT}) \[{GAP}[ ,]{key}=(?P<loss>{NUM})",
          metric="train_loss_step", alt_metrics=("train_loss", "loss", "train/loss"),
          kind="epoch_iter", keyed=True,
          counter_from_one=True,
          note="the progress bar shows the latest logged value at each redraw, not every step",
          kv=r"[ ,]([A-Za-z_][\w/]{0,100})=" + NUM,
          needs=("Epoch ", "|", "{key}=")),
    Style("yolo-console",
          "      3/299      3.2G    0.04321    0.02311   0.01234  45  640: 100%|###| 120/120",
          r"^[ \t]{{0,20}}(?P<epoch>{INT})/{INT}[ \t]{{1,20}}[0-9.]{{1,10}}[GM]?[ \t]{{1,20}}"
          r"(?P<loss>{NUM})[ \t]{{1,20}}(?P<loss2>{NUM})[ \t]{{1,20}}(?P<loss3>{NUM})"
          r"(?:[ \t]{{1,20}}(?P<loss4>{NUM}))?[ \t]{{1,20}}{INT}[ \t]{{1,20}}{INT}:"
          r"[^\n|]{{0,20}}\|[^\n|]{{0,400}}\|[ \t]{{0,5}}(?P<iter>{INT})/(?P<iters>{INT})",
          kind="epoch_iter", epoch_base=None, running_mean=True, counter_from_one=True,
          flags=re.MULTILINE, loss_parts=("loss", "loss2", "loss3", "loss4"),
          note="YOLO prints the mean of each loss since the epoch began (box, obj/cls, dfl); "
               "the loss is their sum",
          needs=("|",)),
    Style("hf-trainer", "{'loss': 0.4312, 'learning_rate': 4.9e-05, 'epoch': 0.29}",
          r"\{{{GAP_CURLY}['\"]{key}['\"]: '?(?P<loss>{NUM})'?"
          r"(?:{GAP_CURLY}['\"]epoch['\"]: '?(?P<epoch>{NUM}))?",
          kind="row", keyed=True,
          note="Hugging Face logs the mean loss over each logging interval",
          kv=r"['\"]([^'\"\n]{1,100})['\"]: '?" + NUM,
          needs=("{", "{key}", ": ")),
    Style("fairseq", "epoch 001:   450 / 1891 loss=11.521, nll_loss=11.3, num_updates=445",
          r"epoch (?P<epoch>{INT}): {{0,20}}(?P<iter>{INT}) / (?P<iters>{INT})"
          r"{GAP}[ \t]{key}=(?P<loss>{NUM})(?:{GAP}num_updates=(?P<step>{INT}))?",
          kind="epoch_iter", keyed=True, epoch_base=1,
          kv=r"(?<![\w])([A-Za-z_]\w{0,100})=" + NUM,
          needs=("epoch ", " / ", "{key}=")),
    Style("megatron", "iteration      122/  250000 | consumed samples: 1 | lm loss: 2.504220E+00 |",
          r"iteration {{0,20}}(?P<step>{INT})/ {{0,20}}{INT} \|{GAP}\| {key}: (?P<loss>{NUM})",
          metric="lm loss", keyed=True, kv=r"\| ([A-Za-z][\w ]{0,100}?): " + NUM,
          needs=("iteration", "| {key}: ")),
    Style("ssd.pytorch", "iter 10 || Loss: 10.4773 ||",
          r"iter(?<!\witer) (?P<step>{INT}) \|\| Loss: (?P<loss>{NUM})", metric="Loss",
          needs=("iter ", " || Loss: ")),
    Style("mlflow", "1628697792090 0.4312 120   (MLflow metric file: timestamp value step)",
          r"^[0-9]{{9,16}} (?P<loss>{NUM}) (?P<step>-?{INT})[ \t]{{0,20}}$",
          flags=re.MULTILINE,
          note="MLflow metric file: the step is whatever the logger used (Keras autolog "
               "logs once per epoch)"),
)

_GAP_CURLY = r"[^\n{}]{0,4000}?"


def _compile(style: Style, key: str | None = None) -> re.Pattern[str]:
    """The style's expression with its placeholders filled in."""
    metric = key if key is not None else style.metric
    src = style.regex.format(INT=INT, NUM=NUM, GAP=_gap(style), GAP_CURLY=_GAP_CURLY,
                             key=re.escape(metric))
    return re.compile(src, style.flags)


def _gap(style: Style) -> str:
    """GAP, but never over another occurrence of the style's line anchor."""
    if "{GAP}" not in style.regex:
        return GAP
    return r"(?:(?!" + _line_anchor(style) + r")[^\n]){0,4000}?"


_COMPILED: dict[tuple[str, str, str | None], re.Pattern[str]] = {}


def _rx(style: Style, key: str | None = None) -> re.Pattern[str]:
    k = (style.name, style.regex, key)
    if k not in _COMPILED:
        _COMPILED[k] = _compile(style, key)
    return _COMPILED[k]


def style_names() -> list[str]:
    """Names of the recognised styles, for messages and docs."""
    return [s.name for s in STYLES]


# --------------------------------------------------------------------------- reading text


def _decode_head(src: InputSource, n: int, whole_lines: bool = True) -> str:
    """The first n bytes as text with newlines unified, a line cut at the end dropped.

    With whole_lines, a head that is one cut line is no text at all: the head of an endless
    line of printed dicts is no ground to choose a style on (the log's lines are unseen).
    Without, that line is kept (what the content looks like, for sniffing and messages)."""
    head = src.head(n)
    text = head.decode(text_encoding(src), errors="replace")
    text = unify_newlines(text)
    if len(head) >= n:
        cut = text.rfind("\n")
        if cut >= 0 or whole_lines:
            text = text[: cut + 1]
    return text


# --------------------------------------------------------------------------- sniffing


def detect_style(text: str, metric: str | None = None) -> tuple[Style | None, int, str | None]:
    """The style whose lines occur most often in text, on how many lines, and its key.

    Lines, not matches: one line holding a thousand printed dicts is one line, and does
    not outvote the log's hundred loss lines of another style. The table's styles compete
    with the line model's layout learned from the same text: the line model wins only when
    it explains more lines (a table style knows more about its trainer: running means,
    update counters). `metric` (--metric) decides between loss names the line model
    would otherwise leave undecided.
    """
    best, best_n, best_key = None, 0, None
    for style in STYLES:
        for key in (style.metric, *style.alt_metrics):
            n = lines_matched(_rx(style, key), text) if _may_match(style, key, text) else 0
            if n:
                break
        if n > best_n:
            best, best_n, best_key = style, n, key
    # The layout wins only by explaining more lines, and each line it explains holds a
    # loss-like key and its value where LOSS_ANY matches (the same key words, lookbehinds
    # and separator): when the table explains as many, it is not learned (60-90 ms of a
    # small log's whole run).
    if best_n and best_n >= sum(1 for _ in LOSS_ANY.finditer(text)):
        return best, best_n, best_key
    layout = learn_layout(text, metric)
    if layout is not None:
        style = layout_style(layout)
        n = lines_matched(_rx(style, layout.key), text)
        if n > best_n:
            best, best_n, best_key = style, n, layout.key
    return best, best_n, best_key


def _may_match(style: Style, key: str, text: str) -> bool:
    """False when text lacks a literal every line of the style holds (Style.needs): no
    line can match, and the expression need not be compiled (a small log compiled all 19,
    5 ms of its start-up)."""
    return all(need.replace("{key}", key) in text for need in style.needs)


def lines_matched(rx: re.Pattern[str], text: str) -> int:
    """How many lines of text hold at least one match (each line looked at once)."""
    n, line_end = 0, -1
    for m in rx.finditer(text):
        at = m.start()
        if at > line_end:
            n += 1
            line_end = text.find("\n", at)
            if line_end < 0:
                line_end = len(text)
    return n


_LOSS_KV = (r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(LOSS_KEYS, key=len,
                                                                    reverse=True))
            + r")(?![\w-])['\"]?[ \t]{0,20}[:=,]?[ \t]{0,20}['\"]?" + NUM)


# How a learned layout's counter gives steps: a global one (also a table's step column),
# none (one point per line under an epoch marker: row numbers), else epoch_iter (a counter
# that may restart each epoch, decided from the data).
_LAYOUT_KINDS = {"global": "step", None: "epoch_rows"}


def layout_style(layout: LineLayout) -> Style:
    """The line model's layout as a style of the table, read by the same machinery."""
    note = Note(NoteCode.LEARNED_STYLE, {
        "key": layout.key, "running_mean_pairs": bool(layout.running_mean_pairs),
        "perplexity": bool(layout.ppl), "wrapped": bool(layout.wrapped)})
    return Style(
        name="line model", example=layout.example, regex=layout.regex, metric=layout.key,
        kind=_LAYOUT_KINDS.get(layout.counter_form, "epoch_iter"), keyed=True,
        epoch_base=None, header=layout.header, note=note, kv=_LOSS_KV,
        samples="always" if layout.samples else "never", log_of_value=layout.ppl,
        counter_may_be_global=True, flags=re.MULTILINE,  # a table's rows are anchored
    )


# --------------------------------------------------------------------------- the reader


class TextReader:
    """Plain-text logs (train.log, nohup.out, CI consoles) in any style of STYLES."""

    name = "text"

    def sniff(self, src: InputSource) -> int:
        """A moderate score when a known style explains many lines; 1 for other text."""
        head = src.head()
        if not head or b"\x00" in head[:4096] and not head.startswith(WIDE_BOMS):
            return 0
        text, style, n, key = _detect_head(src)
        self._detected = (src, style, key)
        if style is None and text == "":  # one endless line: what it holds tells the format
            text = _decode_head(src, QUICK_TEXT, whole_lines=False)
            style, _, key = detect_style(text)
            n = len(_rx(style, key).findall(text)) if style is not None else 0
        lines = max(1, text.count("\n"))
        if style is not None and style.name == "mlflow":
            return 60 if n >= 0.9 * lines else (20 if n else 1)
        if n >= 20 or (n >= 3 and n >= 0.05 * lines):
            return 60
        if n or len(LOSS_ANY.findall(text, 0, QUICK_TEXT)) >= 3:
            return 25  # loss values in text: even unread, this reader explains it best
        return 1  # any text: the text reader gives the most helpful error

    def read(self, src: InputSource, options: ReadOptions) -> list[LossSeries]:
        """One series: the chosen style's loss, steps derived as the style dictates."""
        if options.pattern:
            return [_read_pattern(src, options)]
        style, key = self._style_for(src, options.metric)
        series = _read_style(src, style, options, key)
        framework = TEXT_STYLES.get(style.name)
        return [replace(series, framework=framework) if framework else series]

    def list_metrics(self, src: InputSource, options: ReadOptions) -> list[tuple[str, int]]:
        """Loss-like keys printed on the style's lines, with how many lines carry each."""
        if options.pattern:
            s = _read_pattern(src, options)
            return [(s.metric, len(s))]
        try:
            style, key = self._style_for(src, options.metric)
        except NoTrainingLoss:
            undecided = undecided_loss_names(
                _decode_head(src, SNIFF_TEXT, whole_lines=False).split("\n"))
            if undecided:
                return undecided
            raise
        if not style.keyed or style.kv is None:
            n = sum(len(_rx(style, key).findall(c)) for c in iter_chunks(src))
            return [(style.metric, n)]
        line_rx = re.compile(r"^[^\n]*?(?:" + _line_anchor(style) + r")[^\n]*", re.MULTILINE)
        kv_rx = re.compile(style.kv)
        counts: Counter[str] = Counter()
        for chunk in iter_chunks(src):
            for line in line_rx.findall(chunk):
                for key in set(kv_rx.findall(line)):
                    counts[key] += 1
        found = [(k, n) for k, n in counts.most_common() if "loss" in k.lower()]
        return found or [(style.metric, 0)]

    def _style_for(self, src: InputSource, metric: str | None = None
                   ) -> tuple[Style, str | None]:
        cached = getattr(self, "_detected", None)
        if cached is not None and cached[0] is src and cached[1] is not None:
            return cached[1], cached[2]
        _, style, n, key = _detect_head(src, metric)
        if style is not None:
            return style, key
        # Nothing in the head (a long preamble, an endless line): look further, chunk by
        # chunk; a style on a line or two is a candidate while another may explain more.
        candidate: tuple[Style, int, str | None] | None = None
        seen = 0
        for chunk in iter_chunks(src):
            style, n, key = detect_style(chunk, metric)
            if style is not None and (candidate is None or n > candidate[1]):
                candidate = (style, n, key)
            seen += len(chunk)
            if candidate is not None and (candidate[1] >= FIRM_LINES or seen >= DETECT_BYTES):
                break
        if candidate is not None:
            return candidate[0], candidate[2]
        raise NoTrainingLoss(_no_style_message(src))


def _detect_head(src: InputSource, metric: str | None = None
                 ) -> tuple[str, Style | None, int, str | None]:
    """Detect on the first 64 KB, and on the whole sniff head when that is not decisive."""
    text = _decode_head(src, QUICK_TEXT)
    style, n, key = detect_style(text, metric)
    if n < 20 and len(src.head(QUICK_TEXT)) >= QUICK_TEXT:
        text = _decode_head(src, SNIFF_TEXT)
        style, n, key = detect_style(text, metric)
    return text, style, n, key


def _line_anchor(style: Style) -> str:
    """The part of a style's expression before its first gap, groups unnamed: its lines' mark."""
    src = style.regex.split("{GAP")[0]
    src = src.format(INT=INT, NUM=NUM, key=re.escape(style.metric))
    return re.sub(r"\(\?P<\w+>", "(?:", src)


def _no_style_message(src: InputSource) -> str:
    """What the log holds and a --pattern made from its own first loss line."""
    pattern, found = suggest_pattern(_decode_head(src, SNIFF_TEXT, whole_lines=False))
    if pattern is None:
        pattern = EXAMPLE_PATTERN
        how = "e.g."
    else:
        how = "built from its first loss line:"
    return (
        f"{src.name}: no training-loss lines with a step found ({found}; tried styles: "
        f"{', '.join(style_names())} and the general line model); pass --pattern with "
        f"named groups step (or epoch, iter) and loss, {how} --pattern '{pattern}'"
    )


# --------------------------------------------------------------------------- scanning


INT_GROUPS = frozenset({"step", "iter", "iters", "epoch"})


def _scan(src: InputSource, rx: re.Pattern[str], header: re.Pattern[str] | None,
          int_groups: frozenset[str] = INT_GROUPS, cut: list[str] | None = None,
          chunks: Iterable[str] | None = None
          ) -> tuple[dict[str, np.ndarray], int, int, np.ndarray, int]:
    """Every named group of every match as arrays in write order, the match count, the
    number of lines, (with a header expression) the header epoch of each match, and the
    number of lines that hold a match.

    Matches become numpy columns chunk by chunk, so memory follows the points, not the
    file. With a header expression the chunk is split at header lines and each match gets
    the epoch of the last header before it (-1 before any header). The chunk is cut at the
    matches (rx.split: the groups, and the text between matches): a match starts a new
    line when a line end precedes it, so a line holding many matches counts once and the
    lines skipped are counted exactly.

    A line longer than chunks.MAX_LINE comes in pieces (no line end): the end of each
    piece is scanned again with the next one (a number cut at the piece's end is not read
    short), and when the line never ends (a last line cut while written) the matches of
    all its pieces are taken back and the line is held in `cut`, as a short last line is.
    """
    names = sorted(rx.groupindex, key=rx.groupindex.get)
    parts_by_name: dict[str, list[np.ndarray]] = {n: [] for n in names}
    header_epochs: list[np.ndarray] = []
    count = lines = matched = 0
    width = rx.groups + 1
    fresh = True  # a line end since the last match (or no match yet)

    def take(text: str) -> None:
        nonlocal count, matched, fresh
        parts = rx.split(text)
        k = (len(parts) - 1) // width
        between = parts[::width]  # k + 1 stretches of text around the k matches
        if k:
            count += k
            matched += int(fresh or "\n" in between[0]) + \
                sum(1 for t in between[1:k] if "\n" in t)
            fresh = False
            for name in names:
                dtype = np.int64 if name in int_groups else np.float64
                parts_by_name[name].append(_strings_column(parts[rx.groupindex[name]::width],
                                                           dtype))
        fresh = fresh or "\n" in between[-1]

    current = -1
    carry = ""  # the end of a piece of a long line, scanned again with what follows
    open_line: tuple | None = None  # the state before the first piece of the open line
    for chunk in iter_chunks(src, cut) if chunks is None else chunks:
        lines += chunk.count("\n")
        chunk, carry = carry + chunk, ""
        if not chunk.endswith("\n"):  # a piece of a line that goes on
            if open_line is None:
                open_line = ([len(v) for v in parts_by_name.values()], len(header_epochs),
                             count, matched, fresh, chunk[:200])
            at, found = _piece_end(rx, chunk)
            # a piece with no match before the cut holds nothing to read: not copied
            chunk, carry = (chunk[:at] if found else ""), chunk[at:]
        else:
            open_line = None
        if header is None:
            take(chunk)
            continue
        pieces = header.split(chunk)  # [text, epoch, text, epoch, text...]
        for i, piece in enumerate(pieces):
            if i % 2 == 1:
                current = int(piece)
                continue
            before = count
            take(piece)
            header_epochs.append(np.full(count - before, current, dtype=np.int64))
    if open_line is not None and cut is not None:  # the last line has no end: not read
        sizes, n_epochs, count, matched, fresh, head = open_line
        for v, n in zip(parts_by_name.values(), sizes):
            del v[n:]
        del header_epochs[n_epochs:]
        cut[:] = [head + "..."]
    cols = {n: (np.concatenate(v) if v else np.empty(0, dtype=np.int64 if n in int_groups
                                                      else np.float64))
            for n, v in parts_by_name.items()}
    he = np.concatenate(header_epochs) if header_epochs else np.empty(0, dtype=np.int64)
    return cols, count, lines, he, matched


LONGEST_MATCH = 64 << 10  # more than any style's match (gaps of 4000, numbers of 300)


def _piece_end(rx: re.Pattern[str], piece: str) -> tuple[int, bool]:
    """Where to cut a piece of a long line so that no match is read short: before the first
    match that reaches into its last LONGEST_MATCH characters (it may go on past the
    piece), else at that mark; and whether a match lies before the cut. What follows is
    scanned again with the next piece. (The matches are looked for from the piece's start:
    where a scan starts decides which matches it finds.)"""
    mark = len(piece) - min(LONGEST_MATCH, len(piece) // 2)  # half a piece at least: progress
    found = False
    for m in rx.finditer(piece):
        if m.end() > mark:
            return min(m.start(), mark), found
        found = True
    return mark, found


def _column(matches: list[tuple], idx: int, dtype: type) -> np.ndarray:
    """One capture group of every match as a numpy array ('' or junk: -1 / NaN)."""
    return _strings_column(list(map(itemgetter(idx), matches)), dtype)


def _strings_column(values: list[str | None], dtype: type) -> np.ndarray:
    """Captured texts as a numpy array ('', None (a group that took no part) or junk:
    -1 / NaN)."""
    n = len(values)
    try:
        return np.fromiter(values, dtype=dtype, count=n)
    except (ValueError, OverflowError, TypeError):
        pass
    if dtype is np.int64:
        return np.fromiter((_int_or(v, -1) for v in values), dtype=np.int64, count=n)
    return np.fromiter((_float_or_nan(v) for v in values), dtype=np.float64, count=n)


def _int_or(s: str | None, default: int) -> int:
    try:
        return int(s) if s else default
    except (ValueError, OverflowError):
        return default


def _float_or_nan(s: str | None) -> float:
    if not s:
        return math.nan
    s = s.removeprefix("tensor(")
    try:
        return float(s)
    except ValueError:
        if DECIMAL_COMMA.fullmatch(s):
            return float(s.replace(",", "."))
        return math.nan


# --------------------------------------------------------------------------- styles → series


def _read_style(src: InputSource, style: Style, options: ReadOptions,
                key: str | None = None) -> LossSeries:
    if style.name == "mlflow":
        metric = options.metric or metric_name_for_mlflow(src.name)
    else:
        metric = options.metric or key or style.metric
    if options.metric and not style.keyed and options.metric != (key or style.metric) \
            and style.name != "mlflow":
        raise ReadError(
            f"{src.name}: {style.name} lines print one loss ({style.metric!r}); "
            f"--metric {options.metric!r} is not in them"
        )
    rx = _rx(style, metric)
    header = re.compile(style.header, re.MULTILINE) if style.header else None
    int_groups = INT_GROUPS if style.kind != "row" else frozenset({"step"})
    cut: list[str] = []
    from spikecheck.readers.text_bulk import scan_bulk  # big logs: every line shape at once

    scanned = scan_bulk(src, rx, header, int_groups, cut, _column)
    if scanned is None:
        scanned = _scan(src, rx, header, int_groups, cut)
    cols, n_match, lines, header_epochs, matched_lines = scanned
    if not n_match:
        if cut and rx.search(cut[0][:MAX_LINE]):
            raise ReadError(f"{src.name}: its only loss line has no line end (a log cut "
                            "while being written?) and was not read")
        if options.metric:
            raise ReadError(
                f"{src.name}: {style.name} lines found, but none prints {metric!r} "
                "(use --list to see the metrics)"
            )
        raise NoTrainingLoss(_no_style_message(src))
    values = _loss_values(style, cols, metric)
    notes = [Note(NoteCode.TEXT_STYLE, {"style": style.name, "example": style.example})]
    if style.note:
        notes.append(style.note if isinstance(style.note, Note) else Note(
            NoteCode.STYLE_REMARK, {"style": style.name, "remark": style.note}))
    if style.log_of_value:
        metric = f"log({metric})"
    else:
        metric, values, ppl_note = as_loss(metric, values)  # --metric ppl: its log too
        if ppl_note:
            notes.append(ppl_note)
    notes.extend(_cut_note(cut))
    if _decimal_comma(src, rx):
        notes.append(Note(NoteCode.DECIMAL_COMMA, {"metric": metric}))
    # A cut last line that is one of the style's loss lines held a point not read.
    unparsable = int(bool(cut) and rx.search(cut[0][:MAX_LINE]) is not None)
    skipped = lines - matched_lines
    if skipped > 0:
        notes.append(Note(NoteCode.OTHER_LINES_SKIPPED,
                          {"read": matched_lines, "skipped": skipped}))
    if style.kind == "step":
        return finish_step(src.name, style, metric, cols, values, notes, unparsable)
    if style.kind == "row":
        return finish_rows(src.name, options, metric, cols, values, notes, unparsable)
    epochs = header_epochs if header is not None else cols.get("epoch")
    if style.kind == "epoch_rows":
        return finish_epoch_rows(src.name, style, options, metric, epochs, values, notes,
                                 unparsable)
    return finish_epoch_iter(src.name, style, options, metric, cols, values, epochs, notes,
                             unparsable)


def _decimal_comma(src: InputSource, rx: re.Pattern[str]) -> bool:
    """The log's loss lines print a decimal comma (judged on its first loss line: a locale
    prints every number alike)."""
    m = rx.search(_decode_head(src, SNIFF_TEXT))
    return m is not None and "loss" in rx.groupindex and "," in (m.group("loss") or "")


def _loss_values(style: Style, cols: dict[str, np.ndarray], metric: str) -> np.ndarray:
    """The loss: the loss group, or the sum of a style's loss columns, or log(perplexity)."""
    values = cols["loss"]
    if style.loss_parts:
        parts = [cols[g] for g in style.loss_parts if g in cols]
        last = parts[-1]
        head = np.sum(parts[:3], axis=0)
        if len(parts) == 4:
            # YOLOv7 prints a fourth column that is the total of the first three; a
            # segmentation model prints a fourth loss. Sum only what is not a total.
            is_total = np.isfinite(last) & (np.abs(last - head) <= 2e-4 + 1e-3 * np.abs(last))
            values = np.where(np.isnan(last), head, np.where(is_total, last, head + last))
        else:
            values = head
    if style.log_of_value:
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.log(values)
    return values


def _cut_note(cut: list[str]) -> list[Note]:
    if not cut:
        return []
    line = " ".join(cut[0][:200].split())
    line = line if len(line) <= 60 else line[:60] + "..."
    return [Note(NoteCode.CUT_LAST_LINE, {"line": line})]


# --------------------------------------------------------------------------- --pattern


# The examples error messages suggest: linear-time (a literal start, no gap that two
# quantifiers could share), tested on a 1 MB line.
EXAMPLE_PATTERN = r"it=(?P<step>[0-9]+) loss=(?P<loss>[-+0-9.eE]+)"
EXAMPLE_EPOCH_PATTERN = (r"^Epoch (?P<epoch>[0-9]+)/[0-9]+ (?P<iter>[0-9]+)/(?P<total>[0-9]+) "
                         r"loss: (?P<loss>[-+0-9.eE]+)")


def compile_pattern(pattern: str, name: str = "--pattern") -> re.Pattern[str]:
    """The user's expression, checked: it must compile and name a loss and a step or an
    iteration within the epoch (groups epoch, iter, total (the N of i/N), step, loss)."""
    try:
        rx = re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise ReadError(f"{name}: not a valid regular expression ({exc})") from None
    groups = rx.groupindex
    if "loss" not in groups or not ("step" in groups or "iter" in groups):
        missing = [g for g in ("loss",) if g not in groups]
        if "step" not in groups and "iter" not in groups:
            missing.append("step (or iter)")
        raise ReadError(
            f"{name}: the expression needs named groups step and loss (missing: "
            f"{', '.join(missing)}; iter, total and epoch may replace step when the counter "
            f"restarts every epoch), e.g. '{EXAMPLE_PATTERN}' or '{EXAMPLE_EPOCH_PATTERN}'"
        )
    return rx


_PATTERN_STYLE = Style("--pattern", "", "", kind="epoch_iter", epoch_base=None)


def _read_pattern(src: InputSource, options: ReadOptions) -> LossSeries:
    assert options.pattern is not None
    rx = compile_pattern(options.pattern)
    cut: list[str] = []
    # a user's expression may backtrack without end: a time limit per chunk (exit 2)
    with PatternTimeLimit(f"--pattern {options.pattern!r}", src.name) as limit:
        cols, n_match, lines, _, matched_lines = _scan(
            src, rx, None, frozenset(), cut, chunks=limit.chunks(iter_chunks(src, cut)))
        # a cut last line the pattern matches held a point that was not read
        cut_match = bool(cut) and rx.search(cut[0][:MAX_LINE]) is not None
    if not n_match:
        raise ReadError(f"{src.name}: --pattern matched no line")
    counter = "step" if "step" in cols else "iter"
    good = np.isfinite(cols[counter])
    notes = [Note(NoteCode.PATTERN, {"pattern": options.pattern})] + _cut_note(cut)
    # Matches whose counter is not a number, and a cut last line: points not read.
    unparsable = int((~good).sum()) + int(cut_match)
    if not good.all():
        notes.append(Note(NoteCode.PATTERN_MATCHES_WITHOUT_COUNTER,
                          {"matches": int((~good).sum()), "counter": counter}))
    skipped = lines - matched_lines
    if skipped > 0:
        notes.append(Note(NoteCode.PATTERN_OTHER_LINES_SKIPPED,
                          {"matched": matched_lines, "skipped": skipped}))
    metric = options.metric or "loss"
    cols = {k: v[good] for k, v in cols.items()}
    values = cols["loss"]
    if counter == "step":
        return finish_step(src.name, _PATTERN_STYLE, metric, cols, values, notes, unparsable)
    ints = {"iter": cols["iter"].astype(np.int64)}
    if "total" in cols:
        ints["iters"] = np.nan_to_num(cols["total"], nan=-1).astype(np.int64)
    epochs = None
    if "epoch" in cols:
        epochs = np.nan_to_num(cols["epoch"], nan=-1).astype(np.int64)
    return finish_epoch_iter(src.name, _PATTERN_STYLE, options, metric, ints, values, epochs,
                             notes, unparsable)


def metric_name_for_mlflow(name: str) -> str:
    """MLflow names a metric file after the metric (mlruns/<exp>/<run>/metrics/<name>)."""
    p = PurePath(name)
    if p.parent.name == "metrics":
        return p.name
    return "loss" if "loss" in p.name.lower() else "value"
