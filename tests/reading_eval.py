"""Reading evaluation: every line format of a set written as a log and read with no flags;
per format pass/fail and what went wrong, and a score per set.

    python tests/reading_eval.py            # every set: dev, dev2, test (heldout = dev2 + test)
    python tests/reading_eval.py test -v    # one set, with the reader's notes on failures

Sets: dev = tests/text_styles.FORMATS (what the reader was built against), heldout =
tests/text_styles_heldout.FORMATS (never built against), split before any fix into dev2
(fixed against) and test (only reported).

Scores (held-out recorded before any change to the reader, on this branch's first commit):

    before reading-6:  dev 48/48   heldout 22/49   (dev2 12/25, test 10/24)
    after reading-6:   dev 48/48   heldout 39/49   (dev2 23/25, test 16/24)
    then:              dev 49/49   heldout 40/49   (dev2 23/25, test 17/24): a dev format
                       that prints the loss tensor itself (`loss: tensor(2.30, grad_fn=..)`)
                       was added and read; peft's test entry prints its loss the same way
                       and reads since, so it no longer measures reading it has not seen
    reading-7:         dev 49/49   heldout 41/49   (dev2 23/25, test 18/24): torchtitan (test)
                       tags its lines `[rank0]:`; the launcher-tag mechanism made for pasted
                       logs (tests/pasted_eval.py) takes it off, and the log reads since
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spikecheck.readers import ReadOptions  # noqa: E402
from spikecheck.readers.registry import read_input  # noqa: E402
from tests import text_styles, text_styles_heldout  # noqa: E402
from tests.text_styles import LineFormat  # noqa: E402

SETS: dict[str, tuple[LineFormat, ...]] = {
    "dev": text_styles.FORMATS,
    "dev2": text_styles_heldout.DEV2,
    "test": text_styles_heldout.TEST,
}


def check_format(fmt: LineFormat, workdir: Path) -> tuple[bool, str, list[str]]:
    """Whether the format reads exactly (steps, epochs, values, per-epoch flag), what went
    wrong when it does not, and the reader's notes."""
    text, want = fmt.write()
    path = workdir / (fmt.name.replace("/", "_").replace(" ", "_") + ".log")
    path.write_text(text, encoding="utf-8")
    try:
        series = read_input(str(path), ReadOptions())
    except Exception as exc:  # noqa: BLE001 - a failure to read is a result here
        return False, f"not read: {type(exc).__name__}: {str(exc)[:160]}", []
    if len(series) != 1:
        return False, f"{len(series)} series, not 1", []
    (s,) = series
    notes = [str(getattr(n, "code", n)) for n in s.notes]
    steps = np.array([w[0] for w in want])
    epochs = np.array([w[1] for w in want], dtype=float)
    values = np.array([w[2] for w in want])
    order = np.argsort(steps, kind="stable")
    steps, epochs, values = steps[order], epochs[order], values[order]
    got_steps = s.steps.tolist()
    if got_steps != steps.tolist():
        return False, "steps: " + _first_difference(got_steps, steps.tolist()), notes
    if not np.allclose(s.values, values, rtol=0, atol=1e-9):
        i = int(np.flatnonzero(~np.isclose(s.values, values, rtol=0, atol=1e-9))[0])
        return False, (f"values: at step {steps[i]} read {s.values[i]!r}, want {values[i]!r} "
                       f"(metric {s.metric!r})"), notes
    if len(set(epochs.tolist())) > 1:
        if s.epochs is None:
            return False, "epochs: none read", notes
        if s.epochs.tolist() != epochs.tolist():
            return False, "epochs: " + _first_difference(s.epochs.tolist(), epochs.tolist()), \
                notes
    per_epoch = fmt.name in text_styles_heldout.PER_EPOCH
    if per_epoch and not s.per_epoch:
        return False, "per-epoch log not marked per-epoch", notes
    return True, "", notes


def _first_difference(got: list, want: list) -> str:
    if len(got) != len(want):
        head = f"{len(got)} points, want {len(want)}"
    else:
        head = f"{len(got)} points"
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return f"{head}; first difference at #{i}: read {a}, want {b}"
    return head


def run(names: list[str], verbose: bool = False) -> dict[str, tuple[int, int]]:
    """Print every format's result and each set's score; the scores by set."""
    scores: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            formats = SETS[name]
            passed = 0
            print(f"== {name} ({len(formats)} formats)")
            for fmt in formats:
                ok, why, notes = check_format(fmt, Path(tmp))
                passed += ok
                print(f"  {'PASS' if ok else 'FAIL'}  {fmt.name}" + ("" if ok else f": {why}"))
                if verbose and not ok and notes:
                    print("        notes: " + ", ".join(notes))
            scores[name] = (passed, len(formats))
    for name, (p, n) in scores.items():
        print(f"{name} {p}/{n}")
    if "dev2" in scores and "test" in scores:
        p = scores["dev2"][0] + scores["test"][0]
        n = scores["dev2"][1] + scores["test"][1]
        print(f"heldout {p}/{n}")
    return scores


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    run(args or list(SETS), verbose="-v" in sys.argv)
