"""Keras 3: `model.fit(..., callbacks=[SpikeCallback(dataset_size=N, batch_size=B)])`.

Keras 3 batch logs hold the running mean of the loss since the epoch began, weighted by
each batch's sample count (the loss tracker's sample_weight is the batch size). The
callback recovers each batch's own loss from consecutive means:
    loss_k = (S_k * mean_k - S_(k-1) * mean_(k-1)) / (S_k - S_(k-1)),
S_k being the samples seen in the epoch after batch k (from N and B; with
steps_per_execution > 1 the recovered value is the mean of the batches in between). This
needs no train_step override, so it works with any model; without dataset_size all batches
are weighed alike, which is exact except for a short final batch. The short batch is taken
to be the epoch's last, as with arrays or tf.data; `fit(shuffle=True)` on a PyDataset
shuffles the batch order instead, and the short batch lands anywhere in the epoch.
"""

from __future__ import annotations

from typing import Any

import keras

from spikecheck.monitor import SpikeMonitor


class SpikeCallback(keras.callbacks.Callback):
    """Records the per-batch loss, checks it at each epoch end (from the third on)."""

    def __init__(self, dataset_size: int | None = None, batch_size: int | None = None, *,
                 drop_last: bool = False, on_finding: str = "warn", **monitor_options: Any):
        super().__init__()
        self.spike_monitor = SpikeMonitor(dataset_size=dataset_size, batch_size=batch_size,
                                          drop_last=drop_last, on_finding=on_finding,
                                          framework="keras", **monitor_options)
        self._done = 0  # batches of earlier epochs
        self._last_batch = -1
        self._last_mean = 0.0
        self.report = None

    def _samples_after(self, batches: int) -> float:
        """Samples seen in the epoch after this many batches (batches when N is unknown)."""
        n, b = self.spike_monitor.inputs.dataset_size, self.spike_monitor.inputs.batch_size
        if n is None or b is None:
            return float(batches)
        return float(min(batches * b, n))

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._last_batch, self._last_mean = -1, 0.0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not logs or "loss" not in logs:
            return
        mean = _to_float(logs["loss"])
        before = self._samples_after(self._last_batch + 1)
        after = self._samples_after(batch + 1)
        if after <= before:
            return
        loss = (after * mean - before * self._last_mean) / (after - before)
        self.spike_monitor.update(self._done + batch, loss)
        self._last_batch, self._last_mean = batch, mean

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._done += self._last_batch + 1
        self.report = self.spike_monitor.epoch_end()
        if self.spike_monitor.should_stop:
            self.model.stop_training = True


def _to_float(x: Any) -> float:
    item = getattr(x, "item", None)
    return float(item()) if callable(item) else float(x)
