"""Generate valid and hostile training logs for every reader, in memory or in a tmp dir.

Nothing here is committed as data: tests and the fuzzers call these functions and write
into tmp dirs. Large inputs (a 100 MB line) are streamed to disk, never held in memory.

    python tests/hostile/badinputs.py OUTDIR     # write the whole bad-input corpus to look at
"""

from __future__ import annotations

import random
import struct
import sys
from pathlib import Path

import numpy as np

SPE = 50  # steps per epoch of the generated runs
EPOCHS = 10


# --------------------------------------------------------------------------- a valid run


def loss_curve(spe: int = SPE, epochs: int = EPOCHS, spikes: bool = True, seed: int = 0
               ) -> tuple[np.ndarray, np.ndarray]:
    """Steps 0.. and a decaying noisy loss; with spikes, 4x on the final step of each epoch."""
    rng = np.random.default_rng(seed)
    n = spe * epochs
    steps = np.arange(n)
    loss = (0.3 + 2.0 * np.exp(-steps / (n / 4))) * np.exp(rng.normal(0, 0.03, n))
    if spikes:
        loss[spe - 1::spe] *= 4.0
    return steps, np.round(loss, 6)


def csv_bytes(steps=None, values=None, header: str = "step,loss", delim: str = ",") -> bytes:
    if steps is None:
        steps, values = loss_curve()
    rows = [header.replace(",", delim)]
    rows += [f"{s}{delim}{v!r}" if isinstance(v, str) else f"{s}{delim}{v}"
             for s, v in zip(steps, values)]
    return ("\n".join(rows) + "\n").encode()


def nanogpt_bytes(steps=None, values=None) -> bytes:
    if steps is None:
        steps, values = loss_curve()
    lines = [f"iter {s}: loss {v:.4f}, time 12.3ms, mfu 30.1%" for s, v in zip(steps, values)]
    return ("\n".join(lines) + "\n").encode()


def text_style_lines(steps=None, values=None) -> dict[str, bytes]:
    """One valid log per printed style the text reader knows (epoch = SPE steps)."""
    if steps is None:
        steps, values = loss_curve()
    out: dict[str, list[str]] = {k: [] for k in (
        "nanoGPT", "llm.c", "llm.c-compact", "detectron2", "mmcv", "mmengine-iter",
        "pytorch-meter", "pytorch-tutorial", "keras", "lightning-tqdm", "hf-trainer",
        "fairseq", "megatron", "ssd.pytorch", "mlflow")}
    for s, v in zip(steps, values):
        e, i = divmod(int(s), SPE)
        out["nanoGPT"].append(f"iter {s}: loss {v:.4f}, time 12.3ms, mfu 30.1%")
        out["llm.c"].append(f"step {s:4d}/{len(steps)} | train loss {v:.6f} | norm 1.1 | "
                            "lr 6e-4 | (90 ms)")
        out["llm.c-compact"].append(f"s:{s} trl:{v:.4f} lr:0.0006 norm:1.1")
        out["detectron2"].append(f"[07/01 12:00:00 d2.utils.events]:  eta: 0:10:00  iter: {s}"
                                 f"  total_loss: {v:.4f}  loss_cls: 0.1  lr: 0.02")
        out["mmcv"].append(f"2024-01-01 - mmdet - INFO - Epoch [{e + 1}][{i + 1}/{SPE}]\t"
                           f"lr: 1.0e-02, eta: 1:00:00, loss: {v:.4f}")
        out["mmengine-iter"].append(f"Iter(train) [{s + 1:6d}/80000]  lr: 1.0e-02  "
                                    f"loss: {v:.4f}")
        out["pytorch-meter"].append(f"Epoch: [{e}][{i:4d}/{SPE}]\tTime 0.12 (0.13)\t"
                                    f"Loss {v:.4f} (0.4410)")
        out["pytorch-tutorial"].append(f"[{e + 1}, {i + 1:5d}] loss: {v:.3f}")
        if i == 0:
            out["keras"].append(f"Epoch {e + 1}/{EPOCHS}")
        out["keras"].append(f"{i + 1}/{SPE} [====>...] - ETA: 1s - loss: {v:.4f}")
        out["lightning-tqdm"].append(f"Epoch {e}:  40%|####  | {i + 1}/{SPE} [00:10<00:15, "
                                     f"v_num=0, train_loss_step={v:.3f}]")
        out["hf-trainer"].append(f"{{'loss': {v:.4f}, 'learning_rate': 4.9e-05, "
                                 f"'epoch': {s / SPE:.2f}}}")
        out["fairseq"].append(f"epoch {e + 1:03d}:   {i + 1} / {SPE} loss={v:.3f}, "
                              f"nll_loss=11.3, num_updates={s + 1}")
        out["megatron"].append(f" iteration {s + 1:8d}/  250000 | consumed samples: 1 | "
                               f"lm loss: {v:E} |")
        out["ssd.pytorch"].append(f"iter {s} || Loss: {v:.4f} ||")
        out["mlflow"].append(f"16286977920{s % 100:02d} {v} {s}")
    return {k: ("\n".join(v) + "\n").encode() for k, v in out.items()}


def jsonl_bytes(steps=None, values=None) -> bytes:
    """detectron2 metrics.json: one object per line."""
    if steps is None:
        steps, values = loss_curve()
    lines = [f'{{"iteration": {s}, "total_loss": {v}, "lr": 0.02, "data_time": 0.01}}'
             for s, v in zip(steps, values)]
    return ("\n".join(lines) + "\n").encode()


def trainer_state_bytes(steps=None, values=None) -> bytes:
    if steps is None:
        steps, values = loss_curve()
    entries = [f'    {{"epoch": {s / SPE:.4f}, "learning_rate": 5e-05, "loss": {v}, '
               f'"step": {s}}}' for s, v in zip(steps, values)]
    body = ",\n".join(entries)
    return ('{\n  "global_step": ' + str(len(entries)) + ',\n  "log_history": [\n' + body
            + '\n  ],\n  "logging_steps": 1\n}\n').encode()


# --------------------------------------------------------------------------- TensorBoard


def _crc32c(data: bytes) -> int:
    import google_crc32c

    return google_crc32c.value(data)


def masked_crc(data: bytes) -> int:
    crc = _crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data: bytes, bad_crc: bool = False, length: int | None = None) -> bytes:
    """One TFRecord: length, masked CRC of the length, data, masked CRC of the data."""
    n = struct.pack("<Q", len(data) if length is None else length)
    crc = masked_crc(data) ^ (0xDEADBEEF if bad_crc else 0)
    return n + struct.pack("<I", masked_crc(n)) + data + struct.pack("<I", crc)


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(num: int, wire: int, payload: bytes) -> bytes:
    return _varint(num << 3 | wire) + payload


def _ld(num: int, payload: bytes) -> bytes:
    return _field(num, 2, _varint(len(payload)) + payload)


def event(step: int, tag: str | None = None, value: float | None = None,
          wall_time: float = 1.7e9, file_version: str | None = None) -> bytes:
    """An Event proto (wall_time 1, step 2, file_version 3, summary 5 {value 1 {tag 1,
    simple_value 2}}) encoded by hand."""
    out = _field(1, 1, struct.pack("<d", wall_time))
    if step:
        out += _field(2, 0, _varint(step))
    if file_version is not None:
        out += _ld(3, file_version.encode())
    if tag is not None:
        val = _ld(1, tag.encode()) + _field(2, 5, struct.pack("<f", value))
        out += _ld(5, _ld(1, val))
    return out


def event_file_bytes(steps=None, values=None, tag: str = "train/loss",
                     bad_crc_at: int | None = None) -> bytes:
    """A TensorBoard event file (file_version record, then one scalar per step)."""
    if steps is None:
        steps, values = loss_curve()
    recs = [tfrecord(event(0, file_version="brain.Event:2"))]
    for i, (s, v) in enumerate(zip(steps, values)):
        recs.append(tfrecord(event(int(s), tag, float(v), 1.7e9 + i), bad_crc=i == bad_crc_at))
    return b"".join(recs)


EVENT_NAME = "events.out.tfevents.1700000000.host.1.0"


def event_file_huge_length(where: str = "end") -> bytes:
    """A valid event file with a record whose length field claims 2^63 bytes (CRC valid)."""
    good = event_file_bytes()
    n = struct.pack("<Q", 1 << 63)
    bad = n + struct.pack("<I", masked_crc(n)) + b"\x00" * 32
    if where == "end":
        return good + bad
    half = len(good) // 2
    # cut at a record boundary: walk records
    pos = 0
    while pos < half:
        (length,) = struct.unpack_from("<Q", good, pos)
        pos += 12 + length + 4
    return good[:pos] + bad + good[pos:]


# --------------------------------------------------------------------------- hostile bytes


def garbage(n: int = 4096, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(n)


def write_big_line(path: Path, size: int = 100 << 20, unit: bytes = b"loss 1.5 ") -> Path:
    """One line of `size` bytes and no newline, streamed to disk in 1 MB blocks."""
    block = (unit * ((1 << 20) // len(unit) + 1))[: 1 << 20]
    with open(path, "wb") as f:
        left = size
        while left > 0:
            f.write(block[: min(left, len(block))])
            left -= len(block)
    return path


def csv_loss_cells() -> dict[str, bytes]:
    """CSV logs whose loss column holds hostile cells, keyed by what the cells hold."""
    steps, values = loss_curve()
    vals = [repr(float(v)) for v in values]

    def with_cells(every: int, cell: str) -> bytes:
        cells = [cell if i % every == 7 else v for i, v in enumerate(vals)]
        return ("step,loss\n" + "".join(f"{s},{c}\n" for s, c in zip(steps, cells))).encode()

    return {
        "text": with_cells(10, "oops"),
        "nan": with_cells(10, "nan"),
        "inf": with_cells(10, "inf"),
        "1e400": with_cells(10, "1e400"),
        "all-text": ("step,loss\n" + "".join(f"{s},abc\n" for s in steps)).encode(),
    }


def latin1_text() -> bytes:
    """A nanoGPT log with a Latin-1 preamble (é as one byte 0xE9)."""
    return "Entraînement démarré: modèle GPT, données é\n".encode("latin-1") + nanogpt_bytes()


def utf16_text() -> bytes:
    return nanogpt_bytes().decode().encode("utf-16")  # with a BOM


def utf16_csv() -> bytes:
    return csv_bytes().decode().encode("utf-16")


def mixed_delimiters() -> bytes:
    steps, values = loss_curve()
    rows = ["step,loss"]
    for i, (s, v) in enumerate(zip(steps, values)):
        rows.append(f"{s};{v}" if i % 3 == 0 else (f"{s}\t{v}" if i % 3 == 1 else f"{s},{v}"))
    return ("\n".join(rows) + "\n").encode()


def restarted_steps() -> tuple[bytes, int]:
    """A CSV where the run restarts at step 200 after reaching 299: steps 200-299 written
    twice; the second write is the truth. Returns the bytes and the expected point count."""
    steps, values = loss_curve()
    first = [(s, v * 5) for s, v in zip(steps[:300], values[:300])]  # abandoned run
    second = list(zip(steps[200:], values[200:]))
    rows = ["step,loss"] + [f"{s},{v}" for s, v in first[:200]]
    rows += [f"{s},{v}" for s, v in first[200:]] + [f"{s},{v}" for s, v in second]
    return ("\n".join(rows) + "\n").encode(), len(steps)


def all_cases() -> dict[str, bytes]:
    """The small bad-input corpus (name -> bytes), for writing out and for fuzz seeds."""
    cases = {
        "empty.csv": b"",
        "header-only.csv": b"step,loss\n",
        "garbage.bin": garbage(),
        "garbage.csv": garbage(seed=2),
        "mixed-delimiters.csv": mixed_delimiters(),
        "utf16.log": utf16_text(),
        "utf16.csv": utf16_csv(),
        "latin1.log": latin1_text(),
        "restart.csv": restarted_steps()[0],
        "valid.csv": csv_bytes(),
        "valid.jsonl": jsonl_bytes(),
        "trainer_state.json": trainer_state_bytes(),
        EVENT_NAME: event_file_bytes(),
        "huge-length." + EVENT_NAME: event_file_huge_length(),
        "bad-crc." + EVENT_NAME: event_file_bytes(bad_crc_at=EPOCHS * SPE // 2),
    }
    for k, v in csv_loss_cells().items():
        cases[f"loss-{k}.csv"] = v
    for k, v in text_style_lines().items():
        cases[f"style-{k}.log"] = v
    return cases


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name, data in all_cases().items():
        (out / name).write_bytes(data)
    print(f"wrote {len(all_cases())} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
