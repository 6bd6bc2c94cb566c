"""Large, realistic training logs for `make bench`, written fast and cached on disk.

One synthetic run (loss decaying with noise, a spike on the short final batch of every
epoch, a few random spikes) is written as: CSV `step,loss,lr,epoch`; a nanoGPT-style text
log (`iter N: loss X, time Yms, mfu Z%`) with unrelated lines interleaved; TensorBoard
event files with one tag or five tags per step, as simple_value or as TF2 tensor scalars.

Everything is vectorized: CSV and text go through pyarrow, event files are framed as
TFRecords in numpy with the CRC32C of each record computed from per-byte tables (CRC is
affine over GF(2) for messages of equal length), so 5M events take seconds.

    python tests/bench/generate.py --sizes 100k,1M --kinds csv,text
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import time
from pathlib import Path

import numpy as np

VERSION = 2  # bump when the data changes: cached files of another version are rewritten
REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("SPIKECHECK_BENCH_DIR", REPO / "bench-results" / "data"))

SIZES = {"100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
# The partial-final-batch bug: 22228 samples in batches of 16 give 1390 steps per epoch,
# the last holding 4 samples, so a loss that scales with 1/batch spikes 16/4 = 4x there.
DATASET_SIZE = 22228
BATCH_SIZE = 16
STEPS_PER_EPOCH = -(-DATASET_SIZE // BATCH_SIZE)
FINAL_BATCH = DATASET_SIZE - (STEPS_PER_EPOCH - 1) * BATCH_SIZE

TB_TAGS = ("loss", "lr", "grad_norm", "throughput", "epoch")
KINDS = ("csv", "text", "jsonl",
         "tb-1tag-simple", "tb-1tag-tensor", "tb-5tag-simple", "tb-5tag-tensor")
TB_MAX = 1_000_000  # event files and JSON Lines are written up to 1M steps


def size_label(n: int) -> str:
    """100000 -> '100k', 1000000 -> '1M'."""
    for label, v in SIZES.items():
        if v == n:
            return label
    return str(n)


def parse_size(text: str) -> int:
    """'100k', '1M', '10M' or a plain integer."""
    if text in SIZES:
        return SIZES[text]
    t = text.lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1], 1)
    return int(float(t[:-1] if mult > 1 else t) * mult)


def curve(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """One training run of n optimizer steps: every logged quantity, step from 0."""
    rng = np.random.default_rng(seed)
    step = np.arange(n, dtype=np.int64)
    t = step / max(n - 1, 1)
    loss = 1.6 + 2.8 * np.exp(-t * 6.0) + 0.3 * np.exp(-t * 40.0)
    loss *= 1.0 + 0.03 * rng.standard_normal(n)
    epoch = step // STEPS_PER_EPOCH
    pos = step % STEPS_PER_EPOCH
    grad_norm = 0.6 + 0.1 * rng.standard_normal(n) ** 2
    # The short final batch: loss and gradient B/r too large, momentum carries a tail.
    factor = np.ones(n)
    last = pos == STEPS_PER_EPOCH - 1
    factor[last] = BATCH_SIZE / FINAL_BATCH
    for k, extra in enumerate((0.5, 0.25, 0.12), start=1):
        tail = np.flatnonzero(last)[:-1] + k if last.any() else np.array([], dtype=np.int64)
        tail = tail[tail < n]
        factor[tail] += extra
    loss *= factor
    grad_norm *= factor
    # A few isolated spikes at no fixed phase.
    rand = rng.choice(n, size=max(1, n // 50_000), replace=False)
    loss[rand] *= 2.5 + rng.random(rand.size)
    warm = min(2000, max(1, n // 50))
    lr = 3e-4 * np.where(step < warm, (step + 1) / warm,
                         0.1 + 0.45 * (1 + np.cos(np.pi * np.clip(t, 0, 1))))
    time_ms = 120.0 + 8.0 * np.abs(rng.standard_normal(n))
    time_ms[pos == 0] += 900.0  # the loader restarts each epoch
    mfu = 41.0 * 120.0 / time_ms
    throughput = 16 * 1024 / (time_ms / 1000.0)
    return {"step": step, "loss": loss, "lr": lr, "grad_norm": grad_norm,
            "throughput": throughput, "epoch": epoch.astype(np.float64),
            "time_ms": time_ms, "mfu": mfu}


# --------------------------------------------------------------------------- cache


def path_for(kind: str, n: int, cache: Path = CACHE) -> Path:
    """Where a kind of log of n steps lives in the cache (a file; event files in a dir)."""
    label = size_label(n)
    if kind == "csv":
        return cache / f"train-{label}.csv"
    if kind == "text":
        return cache / f"train-{label}.log"
    if kind == "jsonl":
        return cache / f"metrics-{label}.json"
    if kind.startswith("tb-"):
        return cache / f"{kind}-{label}" / "events.out.tfevents.1732560000.bench-host.1.0"
    raise ValueError(f"unknown kind {kind!r}")


def ensure(kind: str, n: int, cache: Path = CACHE, quiet: bool = False) -> Path:
    """The cached log, written first when missing or of another generator version."""
    path = path_for(kind, n, cache)
    meta = path.with_name(path.name + ".meta.json")
    want = {"version": VERSION, "kind": kind, "steps": n}
    if path.exists() and meta.exists():
        try:
            if json.loads(meta.read_text()) == want:
                return path
        except ValueError:
            pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    t0 = time.perf_counter()
    data = curve(n)
    if kind == "csv":
        write_csv(tmp, data)
    elif kind == "text":
        write_text(tmp, data)
    elif kind == "jsonl":
        write_jsonl(tmp, data)
    else:
        _, tags, flavour = kind.split("-")
        write_events(tmp, data, TB_TAGS if tags == "5tag" else ("loss",),
                     tensor=flavour == "tensor")
    os.replace(tmp, path)
    meta.write_text(json.dumps(want))
    if not quiet:
        mb = path.stat().st_size / 1e6
        print(f"  generated {path} ({mb:,.0f} MB) in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
    return path


# --------------------------------------------------------------------------- CSV and text


def write_csv(path: Path, data: dict[str, np.ndarray]) -> None:
    """`step,loss,lr,epoch` as a logger would print them (6 significant digits)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.table({
        "step": data["step"],
        "loss": _sig(data["loss"], 6),
        "lr": _sig(data["lr"], 6),
        "epoch": data["epoch"].astype(np.int64),
    })
    with open(path, "wb") as f:
        f.write(b"step,loss,lr,epoch\n")
        pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, quoting_style="none"))


def _sig(x: np.ndarray, digits: int) -> np.ndarray:
    """Round to a number of significant digits (so the text is as short as a real log's)."""
    mag = np.floor(np.log10(np.abs(np.where(x == 0, 1.0, x))))
    scale = 10.0 ** (digits - 1 - mag)
    return np.round(x * scale) / scale


HEADER = (
    "Overriding config with config/train_gpt2.py:\n"
    "tokens per iteration will be: 491,520\n"
    "Initializing a new model from scratch\n"
    "number of parameters: 123.69M\n"
    "num decayed parameter tensors: 50, with 124,354,560 parameters\n"
    "using fused AdamW: True\n"
    "compiling the model... (takes a ~minute)\n"
)
OTHER_EVERY = 25  # one unrelated line after every 25 iteration lines
OTHER = (
    "[rank0]:W1125 19:58:01.123000 140213 torch/_dynamo/convert_frame.py:762] "
    "recompiling forward: cache_size_limit reached",
    "saving checkpoint to out",
    "dataloader: worker 3 prefetch queue 87% full, 2 batches pending",
    "tokens/sec per device 102,412 | memory allocated 38.2 GB | reserved 41.0 GB",
    "",
)


def write_text(path: Path, data: dict[str, np.ndarray]) -> None:
    """nanoGPT's `iter N: loss X, time Yms, mfu Z%`, one per step, unrelated lines between."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def s(x):
        return pc.cast(pa.array(x), pa.string())

    n = data["step"].size
    lines = pc.binary_join_element_wise(
        "iter ", s(data["step"]), ": loss ", s(np.round(data["loss"], 4)),
        ", time ", s(np.round(data["time_ms"], 2)), "ms, mfu ", s(np.round(data["mfu"], 2)),
        "%\n", "")
    m = n // OTHER_EVERY
    other = pa.array([OTHER[j % len(OTHER)] + "\n" for j in range(len(OTHER))])
    other = other.take(pa.array(np.arange(m) % len(OTHER)))
    order = np.empty(n + m, dtype=np.int64)
    i = np.arange(n)
    order[i + i // OTHER_EVERY] = i
    j = np.arange(m)
    order[(j + 1) * OTHER_EVERY + j] = n + j
    both = pa.concat_arrays([lines.cast(pa.large_string()), other.cast(pa.large_string())])
    _write_lines(path, both.take(pa.array(order)), HEADER.encode())


def write_jsonl(path: Path, data: dict[str, np.ndarray]) -> None:
    """detectron2's metrics.json: one object per logged iteration, keys sorted."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def s(x, digits=None):
        return pc.cast(pa.array(x if digits is None else _sig(x, digits)), pa.string())

    n = data["step"].size
    eta = (n - data["step"]) * data["time_ms"] / 1000.0
    lines = pc.binary_join_element_wise(
        '{"data_time": ', s(data["time_ms"] / 40_000.0, 4),
        ', "eta_seconds": ', s(np.round(eta, 1)),
        ', "iteration": ', s(data["step"]),
        ', "loss_box_reg": ', s(data["loss"] * 0.3, 6),
        ', "loss_cls": ', s(data["loss"] * 0.7, 6),
        ', "lr": ', s(data["lr"], 6),
        ', "time": ', s(data["time_ms"] / 1000.0, 4),
        ', "total_loss": ', s(data["loss"], 6),
        "}\n", "")
    _write_lines(path, lines.cast(pa.large_string()))


def _write_lines(path: Path, lines, prefix: bytes = b"") -> None:
    """A pyarrow string array whose items end in newlines, written as one buffer."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    offsets = offsets[lines.offset:lines.offset + len(lines) + 1]
    with open(path, "wb") as f:
        f.write(prefix)
        f.write(memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]])


# --------------------------------------------------------------------------- event files


def _masked(crc: np.ndarray | int):
    """TFRecord's masked CRC32C."""
    c = np.asarray(crc, dtype=np.uint64)
    rot = (c >> np.uint64(15)) | (c << np.uint64(17))
    return ((rot + np.uint64(0xA282EAD8)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _frame(data: bytes) -> bytes:
    import google_crc32c

    head = struct.pack("<Q", len(data))
    return (head + struct.pack("<I", int(_masked(google_crc32c.value(head))))
            + data + struct.pack("<I", int(_masked(google_crc32c.value(data)))))


def _crc_tables(template: bytes, positions: list[int]) -> tuple[int, np.ndarray]:
    """CRC32C of template with the bytes at positions zeroed, and per-position byte tables.

    crc(msg) = base ^ T[0][msg[p0]] ^ T[1][msg[p1]] ^ ... for any msg equal to template
    outside positions.
    """
    import google_crc32c

    base_msg = bytearray(template)
    for p in positions:
        base_msg[p] = 0
    base = google_crc32c.value(bytes(base_msg))
    zeros = google_crc32c.value(bytes(len(template)))
    tables = np.zeros((len(positions), 256), dtype=np.uint32)
    probe = bytearray(len(template))
    for k, p in enumerate(positions):
        for b in range(1, 256):
            probe[p] = b
            tables[k, b] = google_crc32c.value(bytes(probe)) ^ zeros
        probe[p] = 0
    return base, tables


def _value_bytes(tag: str, tensor: bool) -> tuple[bytes, int]:
    """A Summary.Value with a zero float, and the offset of the float's 4 bytes in it."""
    t = tag.encode()
    head = b"\x0a" + bytes([len(t)]) + t
    if not tensor:
        return head + b"\x15" + bytes(4), len(head) + 1
    # TensorProto{dtype: DT_FLOAT, tensor_shape {}, float_val: [x]} as tf.summary.scalar writes
    tp = b"\x08\x01\x12\x00\x2a\x04" + bytes(4)
    plugin = b"\x0a\x07scalars"
    md = b"\x0a" + bytes([len(plugin)]) + plugin + b"\x20\x01"  # data_class: SCALAR
    body = head + b"\x42" + bytes([len(tp)]) + tp + b"\x4a" + bytes([len(md)]) + md
    return body, len(head) + 2 + 6


def _varint_columns(x: np.ndarray, k: int) -> np.ndarray:
    """x (all needing exactly k varint bytes) as an (n, k) uint8 array."""
    out = np.empty((x.size, k), dtype=np.uint8)
    v = x.astype(np.uint64)
    for i in range(k):
        byte = (v & np.uint64(0x7F)).astype(np.uint8)
        if i < k - 1:
            byte |= 0x80
        out[:, i] = byte
        v >>= np.uint64(7)
    return out


def write_events(path: Path, data: dict[str, np.ndarray], tags: tuple[str, ...],
                 tensor: bool) -> None:
    """One event per tag per step, as SummaryWriter.add_scalar / tf.summary.scalar write."""
    from tensorboard.compat.proto import event_pb2

    steps = data["step"]
    wall = 1_732_560_000.0 + steps * 0.13
    first = event_pb2.Event(wall_time=float(wall[0]) - 1.0, file_version="brain.Event:2")
    with open(path, "wb") as f:
        f.write(_frame(first.SerializeToString()))
        lo = 0
        if steps.size and steps[0] == 0:  # protobuf leaves step 0 out: write it as it does
            for tag in tags:
                f.write(_frame(_event_proto(float(wall[0]), tag, float(data[tag][0]), tensor)))
            lo = 1
        for k in range(1, 10):  # steps whose varint takes k bytes form one contiguous range
            hi = min(steps.size, int(np.searchsorted(steps, 1 << (7 * k))))
            if hi > lo:
                f.write(_event_block(steps[lo:hi], wall[lo:hi],
                                     {t: data[t][lo:hi] for t in tags}, k, tensor))
            lo = hi
            if lo >= steps.size:
                break


def _event_proto(wall: float, tag: str, value: float, tensor: bool) -> bytes:
    """One scalar event at step 0, serialized by protobuf itself."""
    from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2

    v = summary_pb2.Summary.Value(tag=tag)
    if tensor:
        v.tensor.CopyFrom(tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[value]))
        v.tensor.tensor_shape.SetInParent()
        v.metadata.plugin_data.plugin_name = "scalars"
        v.metadata.data_class = summary_pb2.DATA_CLASS_SCALAR
    else:
        v.simple_value = value
    return event_pb2.Event(wall_time=wall, summary=summary_pb2.Summary(value=[v])
                           ).SerializeToString()


def _event_block(steps, wall, values: dict[str, np.ndarray], k: int, tensor: bool) -> bytes:
    """The framed records of a run of steps whose varint is k bytes, in step-major order."""
    import google_crc32c

    n = steps.size
    parts = []  # (template record, {name: column offset}, data slice, crc tables)
    for tag in values:
        value, fpos = _value_bytes(tag, tensor)
        summary = b"\x0a" + bytes([len(value)]) + value
        data = (b"\x09" + bytes(8) + b"\x10" + bytes(k) + b"\x2a" + bytes([len(summary)])
                + summary)
        wall_at, step_at = 1, 10
        float_at = 10 + k + 2 + 2 + fpos
        head = struct.pack("<Q", len(data))
        record = head + struct.pack("<I", int(_masked(google_crc32c.value(head)))) + data + bytes(4)
        var = list(range(wall_at, wall_at + 8)) + list(range(step_at, step_at + k)) + \
            list(range(float_at, float_at + 4))
        base, tables = _crc_tables(data, var)
        parts.append((record, wall_at, step_at, float_at, var, base, tables, len(data)))
    width = sum(len(p[0]) for p in parts)
    block = np.empty((n, width), dtype=np.uint8)
    wall_b = wall.astype("<f8").view(np.uint8).reshape(n, 8)
    step_b = _varint_columns(steps, k)
    col = 0
    for (record, wall_at, step_at, float_at, var, base, tables, dlen), vals in \
            zip(parts, values.values()):
        block[:, col:col + len(record)] = np.frombuffer(record, dtype=np.uint8)
        d0 = col + 12
        block[:, d0 + wall_at:d0 + wall_at + 8] = wall_b
        block[:, d0 + step_at:d0 + step_at + k] = step_b
        block[:, d0 + float_at:d0 + float_at + 4] = \
            vals.astype("<f4").view(np.uint8).reshape(n, 4)
        crc = np.full(n, base, dtype=np.uint32)
        for t, p in enumerate(var):
            crc ^= tables[t][block[:, d0 + p]]
        block[:, d0 + dlen:d0 + dlen + 4] = _masked(crc).astype("<u4").view(np.uint8).reshape(n, 4)
        col += len(record)
    return block.tobytes()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100k,1M,10M")
    ap.add_argument("--kinds", default=",".join(KINDS))
    args = ap.parse_args(argv)
    for label in args.sizes.split(","):
        n = parse_size(label)
        for kind in args.kinds.split(","):
            if kind.startswith(("tb-", "jsonl")) and n > TB_MAX:
                continue
            print(ensure(kind, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
