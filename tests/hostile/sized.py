"""Valid training logs of N points in each format, streamed to disk: the memory budget's
inputs (tests/test_hostile_memory_budget.py). A block of points at a time, so writing a
million points holds a block, not the file.

    python tests/hostile/sized.py OUTDIR N      # write one log of N points per format
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from hostile import badinputs as bad

BLOCK = 50_000


def curve(n: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Steps 0..n-1 and a decaying noisy loss, a block at a time."""
    rng = np.random.default_rng(0)
    for a in range(0, n, BLOCK):
        steps = np.arange(a, min(n, a + BLOCK))
        yield steps, np.round(2 + np.exp(-steps / n) + rng.normal(0, 0.03, steps.size), 5)


def _csv(steps, values) -> str:
    return "".join(f"{s},{v},0.001,{s // 1000}\n" for s, v in zip(steps.tolist(), values.tolist()))


def _text(steps, values) -> str:
    return "".join(f"iter {s}: loss {v:.4f}, time 12.3ms, mfu 30.1%\n"
                   for s, v in zip(steps.tolist(), values.tolist()))


def _jsonl(steps, values) -> str:
    return "".join(f'{{"iteration": {s}, "total_loss": {v}, "lr": 0.02}}\n'
                   for s, v in zip(steps.tolist(), values.tolist()))


def _events(steps, values) -> bytes:
    return b"".join(bad.tfrecord(bad.event(s, "train/loss", v, 1.7e9 + s))
                    for s, v in zip(steps.tolist(), values.tolist()))


def _state_entries(steps, values) -> str:
    return ",\n".join(f'    {{"epoch": {s / 1000:.4f}, "learning_rate": 5e-05, "loss": {v}, '
                      f'"step": {s}}}' for s, v in zip(steps.tolist(), values.tolist()))


# name: (file name, header, one block's body, footer, block separator)
FORMATS: dict[str, tuple[str, bytes, Callable, bytes, bytes]] = {
    "csv": ("run.csv", b"step,loss,lr,epoch\n", _csv, b"", b""),
    "text": ("train.log", b"", _text, b"", b""),
    "jsonl": ("metrics.jsonl", b"", _jsonl, b"", b""),
    "tensorboard": (bad.EVENT_NAME, bad.tfrecord(bad.event(0, file_version="brain.Event:2")),
                    _events, b"", b""),
    "trainer_state": ("trainer_state.json", b'{\n  "log_history": [\n', _state_entries,
                      b'\n  ],\n  "logging_steps": 1\n}\n', b",\n"),
}


def write(directory: Path, fmt: str, n: int) -> Path:
    """A log of n points in format `fmt` (a key of FORMATS) in `directory`."""
    name, header, body, footer, sep = FORMATS[fmt]
    path = directory / name
    with open(path, "wb") as f:
        f.write(header)
        for i, (steps, values) in enumerate(curve(n)):
            block = body(steps, values)
            f.write((sep if i else b"") + (block.encode() if isinstance(block, str) else block))
        f.write(footer)
    return path


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    out, count = Path(sys.argv[1]), int(sys.argv[2])
    for fmt in FORMATS:
        d = out / fmt
        d.mkdir(parents=True, exist_ok=True)
        print(write(d, fmt, count))
