"""The loader arithmetic before training: steps per epoch, the final batch, and what can spike.

Pure data: numbers and warning codes, no sentences (render/plan.py words them, in the
framework's own terms). `spikecheck plan` and `spikecheck.plan()` both come here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from spikecheck.geometry import GeometryError, batch_arithmetic, ceil_div

FRAMEWORKS = ("torch", "keras", "tf", "hf", "lightning")


class PlanWarningCode:
    """Ids of what can go wrong at the end of every epoch (stable: scripts read them)."""

    PARTIAL_FINAL_BATCH = "partial-final-batch"  # a loss that depends on B spikes B/r x
    SINGLE_SAMPLE_BATCH = "single-sample-batch"  # BatchNorm in training mode fails on 1
    EMPTY_DEVICE_BATCH = "empty-device-batch"  # tf.distribute: a replica gets 0 samples
    PARTIAL_ACCUMULATION = "partial-accumulation-window"  # final step: w of G micro-batches
    ALL = (PARTIAL_FINAL_BATCH, SINGLE_SAMPLE_BATCH, EMPTY_DEVICE_BATCH, PARTIAL_ACCUMULATION)


class PlanNoteCode:
    """Facts worth knowing that do not make the loss spike (no exit 1)."""

    SAMPLER_PADDING = "sampler-padding"  # DistributedSampler repeats samples to even out
    SAMPLES_DROPPED = "samples-dropped"  # drop_last leaves samples out of every epoch
    ALL = (SAMPLER_PADDING, SAMPLES_DROPPED)


@dataclass(frozen=True)
class PlanItem:
    """One warning or note: its code and the numbers a sentence needs."""

    code: str
    final_batch: int | None = None
    batch_size: int | None = None
    ratio: float | None = None  # how many times larger a batch-size-dependent loss gets
    every_steps: int | None = None  # it recurs once per epoch, this many steps apart
    final_window: int | None = None
    grad_accum: int | None = None
    samples: int | None = None  # samples repeated (padding) or left out (drop_last)
    devices: int | None = None  # devices concerned (an empty batch on how many)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Plan:
    """What one epoch looks like to each device, and what to fix before training."""

    dataset_size: int
    batch_size: int
    drop_last: bool
    grad_accum: int
    world_size: int
    framework: str
    steps_per_epoch: int  # optimizer steps
    batches_per_epoch: int  # micro-batches per device
    samples_per_device: int
    final_batch: int  # samples in the final micro-batch on one device (the smallest)
    final_batch_max: int  # ... on the device that gets the most (tf.distribute splits)
    final_window: int  # micro-batches in the final accumulation window
    warnings: tuple[PlanItem, ...] = ()
    notes: tuple[PlanItem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """No warning: the final batch and the final window are full."""
        return not self.warnings

    def to_dict(self) -> dict:
        return {
            "dataset_size": self.dataset_size, "batch_size": self.batch_size,
            "drop_last": self.drop_last, "grad_accum": self.grad_accum,
            "world_size": self.world_size, "framework": self.framework,
            "steps_per_epoch": self.steps_per_epoch,
            "batches_per_epoch": self.batches_per_epoch,
            "samples_per_device": self.samples_per_device,
            "final_batch": self.final_batch, "final_batch_max": self.final_batch_max,
            "final_window": self.final_window,
            "warnings": [w.to_dict() for w in self.warnings],
            "notes": [n.to_dict() for n in self.notes],
        }


def make_plan(dataset_size: int, batch_size: int, *, drop_last: bool = False,
              grad_accum: int = 1, world_size: int = 1, framework: str = "torch") -> Plan:
    """The epoch as the loader will cut it; raises GeometryError for impossible settings.

    torch, hf and lightning shard with DistributedSampler (it pads every device to
    ceil(N/W) samples, or drops the remainder with drop_last); keras and tf batch
    globally (B per replica, W*B in all) and tf.distribute splits the final global batch
    across the replicas, some of which may get nothing.
    """
    for name, val in (("dataset-size", dataset_size), ("batch-size", batch_size),
                      ("grad-accum", grad_accum), ("world-size", world_size)):
        if not isinstance(val, int) or isinstance(val, bool) or val < 1:
            raise GeometryError(f"--{name} must be a positive integer, not {val!r}")
    if framework not in FRAMEWORKS:
        raise GeometryError(f"framework {framework!r} is not one of {', '.join(FRAMEWORKS)}")
    if framework in ("keras", "tf") and world_size > 1:
        return _global_batching(dataset_size, batch_size, drop_last, grad_accum, world_size,
                                framework)
    a = batch_arithmetic(dataset_size, batch_size, drop_last=drop_last,
                         grad_accum=grad_accum, world_size=world_size)
    notes: list[PlanItem] = []
    if world_size > 1 and not drop_last and a.samples_per_device * world_size > dataset_size:
        notes.append(PlanItem(PlanNoteCode.SAMPLER_PADDING, devices=world_size,
                              samples=a.samples_per_device * world_size - dataset_size))
    if drop_last:
        kept = a.micro_batches_per_epoch * batch_size * world_size
        if kept < dataset_size:
            notes.append(PlanItem(PlanNoteCode.SAMPLES_DROPPED, samples=dataset_size - kept))
    return Plan(dataset_size, batch_size, drop_last, grad_accum, world_size, framework,
                a.steps_per_epoch, a.micro_batches_per_epoch, a.samples_per_device,
                a.final_batch, a.final_batch, a.final_window,
                _warnings(a.final_batch, a.final_batch, batch_size, a.final_window,
                          grad_accum, a.steps_per_epoch, world_size), tuple(notes))


def _global_batching(n: int, b: int, drop_last: bool, g: int, w: int, framework: str) -> Plan:
    """tf.data batches W*B globally; the final global batch is split across replicas."""
    global_b = b * w
    micro = n // global_b if drop_last else ceil_div(n, global_b)
    if micro < 1:
        raise GeometryError(f"dataset size {n} gives no full global batch of {global_b} "
                            "with drop_remainder")
    last = global_b if drop_last else n - (micro - 1) * global_b
    lo, hi = last // w, ceil_div(last, w)
    steps = ceil_div(micro, g)
    window = micro - (steps - 1) * g
    notes = []
    if drop_last and micro * global_b < n:
        notes.append(PlanItem(PlanNoteCode.SAMPLES_DROPPED, samples=n - micro * global_b))
    warnings = list(_warnings(lo, hi, b, window, g, steps, w))
    if lo == 0:
        empty = w - last  # replicas past the last sample get an empty batch
        warnings.insert(0, PlanItem(PlanWarningCode.EMPTY_DEVICE_BATCH, final_batch=0,
                                    batch_size=b, devices=empty, every_steps=steps))
    return Plan(n, b, drop_last, g, w, framework, steps, micro, ceil_div(n, w), lo, hi,
                window, tuple(warnings), tuple(notes))


def _warnings(lo: int, hi: int, b: int, window: int, g: int, steps: int, w: int
              ) -> tuple[PlanItem, ...]:
    """What the final batch (lo..hi samples per device) and window do, worst first."""
    out: list[PlanItem] = []
    smallest = lo if lo > 0 else hi
    if smallest < b:
        out.append(PlanItem(PlanWarningCode.PARTIAL_FINAL_BATCH, final_batch=smallest,
                            batch_size=b, ratio=round(b / smallest, 3), every_steps=steps,
                            devices=w if w > 1 else None))
    if lo == 1 or (lo == 0 and hi == 1):
        out.append(PlanItem(PlanWarningCode.SINGLE_SAMPLE_BATCH, final_batch=1, batch_size=b,
                            every_steps=steps))
    if window < g:
        out.append(PlanItem(PlanWarningCode.PARTIAL_ACCUMULATION, final_window=window,
                            grad_accum=g, ratio=round(window / g, 3), every_steps=steps))
    return tuple(out)
