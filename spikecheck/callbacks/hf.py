"""Hugging Face: `Trainer(..., callbacks=[SpikeCallback()])` with `logging_steps=1`.

The Trainer passes no loss to on_step_end, so the loss comes from on_log: with
logging_steps=k it is the mean over the last k optimizer steps (the engine knows logs
every k steps). Batch size, gradient accumulation, world size and dataloader_drop_last
are read from TrainingArguments, the dataset size from the train DataLoader, unless given.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from transformers import TrainerCallback

from spikecheck.monitor import SpikeMonitor


class SpikeCallback(TrainerCallback):
    """Records the logged training loss, checks it at each epoch end (from the third on)."""

    def __init__(self, dataset_size: int | None = None, batch_size: int | None = None, *,
                 on_finding: str = "warn", **monitor_options: Any):
        self.spike_monitor = SpikeMonitor(dataset_size=dataset_size, batch_size=batch_size,
                                          on_finding=on_finding, framework="hf",
                                          **monitor_options)
        self.report = None

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        inputs = self.spike_monitor.inputs
        size = inputs.dataset_size
        if size is None:
            try:
                size = len(kwargs["train_dataloader"].dataset)
            except (KeyError, AttributeError, TypeError):
                size = None
        self.spike_monitor.inputs = replace(
            inputs, dataset_size=size,
            batch_size=inputs.batch_size or args.per_device_train_batch_size,
            drop_last=bool(args.dataloader_drop_last),
            grad_accum=max(1, int(args.gradient_accumulation_steps)),
            world_size=max(1, int(args.world_size)))

    def on_log(self, args: Any, state: Any, control: Any, logs: dict | None = None,
               **kwargs: Any) -> None:
        if logs and "loss" in logs:
            self.spike_monitor.update(state.global_step, logs["loss"])

    def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.report = self.spike_monitor.epoch_end()
        if self.spike_monitor.should_stop:
            control.should_training_stop = True
