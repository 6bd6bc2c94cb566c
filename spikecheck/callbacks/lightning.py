"""Lightning: `Trainer(callbacks=[SpikeCallback()])`.

The per-batch loss is `outputs["loss"]` of on_train_batch_end (what training_step
returned). The dataset size, batch size and drop_last are read from the train DataLoader
when not given, the world size from the Trainer. Steps are counted in batches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

try:
    from lightning.pytorch import Callback
except ImportError:  # the older package name
    from pytorch_lightning import Callback

from spikecheck.monitor import SpikeMonitor


class SpikeCallback(Callback):
    """Records each training batch's loss, checks it at each epoch end (from the third on)."""

    def __init__(self, dataset_size: int | None = None, batch_size: int | None = None, *,
                 drop_last: bool | None = None, on_finding: str = "warn",
                 **monitor_options: Any):
        super().__init__()
        self.spike_monitor = SpikeMonitor(dataset_size=dataset_size, batch_size=batch_size,
                                          drop_last=bool(drop_last), on_finding=on_finding,
                                          framework="lightning", **monitor_options)
        self._drop_last_given = drop_last is not None
        self.report = None

    def on_train_start(self, trainer: Any, _pl_module: Any) -> None:
        inputs = self.spike_monitor.inputs
        loader = trainer.train_dataloader
        found = _loader_geometry(loader)
        self.spike_monitor.inputs = replace(
            inputs,
            dataset_size=inputs.dataset_size or found.get("dataset_size"),
            batch_size=inputs.batch_size or found.get("batch_size"),
            drop_last=inputs.drop_last if self._drop_last_given else
            found.get("drop_last", inputs.drop_last),
            world_size=max(inputs.world_size, int(getattr(trainer, "world_size", 1) or 1)))

    def on_train_batch_end(self, trainer: Any, _pl_module: Any, outputs: Any, batch: Any,
                           _batch_idx: int) -> None:
        loss = outputs.get("loss") if isinstance(outputs, Mapping) else outputs
        if loss is None:
            return
        self.spike_monitor.update(None, loss.detach() if hasattr(loss, "detach") else loss)

    def on_train_epoch_end(self, trainer: Any, _pl_module: Any) -> None:
        self.report = self.spike_monitor.epoch_end()
        if self.spike_monitor.should_stop:
            trainer.should_stop = True


def _loader_geometry(loader: Any) -> dict:
    """dataset_size, batch_size and drop_last of a DataLoader, whatever can be read."""
    out: dict = {}
    try:
        out["dataset_size"] = len(loader.dataset)
    except (AttributeError, TypeError):
        pass
    if isinstance(getattr(loader, "batch_size", None), int):
        out["batch_size"] = loader.batch_size
    if isinstance(getattr(loader, "drop_last", None), bool):
        out["drop_last"] = loader.drop_last
    return out
