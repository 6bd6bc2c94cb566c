"""The callbacks in real Keras 3, Lightning and Hugging Face Trainer runs (CPU, tiny models).

Not part of `make test`: run with `make test-frameworks` (marker `frameworks`). Each run
trains a linear classifier with the seed bug, a loss divided by the batch size twice (so
it is B/r times too large on a final batch of r samples), on 129 samples in batches of 8:
17 steps per epoch, the last holding 1 sample. The labels are random, so one sample's
cross-entropy stays near ln(10) instead of near zero (a 1-sample squared error would
be too noisy to show the 8x). The bugged run must warn at an epoch end
through the callback; the same run with the framework's own fix (drop the last batch)
must stay silent.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

from spikecheck import SpikeWarning

pytestmark = pytest.mark.frameworks

N, B, EPOCHS = 129, 8, 8


CLASSES = 10


def data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, 4)).astype("float32")
    return x, rng.integers(0, CLASSES, N).astype("int64")


def spike_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SpikeWarning)]


# --- Keras 3 --------------------------------------------------------------------------------


def keras_run(fixed: bool, on_finding: str = "warn") -> tuple[list[str], object]:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    from spikecheck.callbacks.keras import SpikeCallback

    keras.utils.set_random_seed(0)
    x, y = data()

    class Batches(keras.utils.PyDataset):
        """Shuffled batches; the fix is a floor in __len__ (the final partial batch goes)."""

        def __init__(self):
            super().__init__()
            self.order = np.arange(N)

        def __len__(self) -> int:
            return N // B if fixed else -(-N // B)

        def __getitem__(self, i: int):
            idx = self.order[i * B:(i + 1) * B]
            return x[idx], y[idx]

        def on_epoch_end(self) -> None:
            np.random.default_rng(len(self.order)).shuffle(self.order)

    def batch_dependent_ce(y_true, y_pred):
        r = keras.ops.cast(keras.ops.shape(y_true)[0], "float32")
        ce = keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)
        return keras.ops.mean(ce) * B / r  # divided by the batch size twice

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(CLASSES)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=batch_dependent_ce)
    callback = SpikeCallback(dataset_size=N, batch_size=B, drop_last=fixed,
                             on_finding=on_finding)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # shuffle=False: fit(shuffle=True) would shuffle a PyDataset's batch order, moving
        # the short batch to a random place in the epoch (Batches shuffles samples itself)
        model.fit(Batches(), epochs=EPOCHS, verbose=0, shuffle=False, callbacks=[callback])
    return spike_warnings(caught), callback


def test_keras_bug_warns_with_the_keras_fix():
    said, callback = keras_run(fixed=False)
    assert len(said) == 1 and "partial-final-batch" in said[0]
    assert "drop_remainder=True" in said[0] and "__len__" in said[0]
    # the per-batch losses were recovered from the running means: the final batch is ~8x
    m = callback.spike_monitor
    values = m._values[:len(m)].reshape(EPOCHS, -1)
    assert np.median(values[1:, -1] / np.median(values[1:, :-1], axis=1)) > 4


def test_keras_fixed_run_is_silent():
    said, callback = keras_run(fixed=True)
    assert said == [] and callback.report is not None


# --- Lightning ------------------------------------------------------------------------------


def lightning_run(fixed: bool, on_finding: str = "warn") -> tuple[list[str], object]:
    torch = pytest.importorskip("torch")
    pl = pytest.importorskip("lightning.pytorch")
    from spikecheck.callbacks.lightning import SpikeCallback

    torch.manual_seed(0)
    x, y = data()
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
        batch_size=B, shuffle=True, drop_last=fixed)

    class Linear(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(4, CLASSES)

        def training_step(self, batch, batch_idx):
            xb, yb = batch
            ce = torch.nn.functional.cross_entropy(self.layer(xb), yb)
            return ce * B / xb.shape[0]  # divided by the batch size twice

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.05)

    callback = SpikeCallback(on_finding=on_finding)  # N, B, drop_last: from the DataLoader
    trainer = pl.Trainer(max_epochs=EPOCHS, accelerator="cpu", logger=False,
                         enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False, callbacks=[callback])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(Linear(), loader)
    return spike_warnings(caught), callback


def test_lightning_bug_warns_with_the_lightning_fix():
    said, callback = lightning_run(fixed=False)
    assert len(said) == 1 and "partial-final-batch" in said[0]
    assert "train_dataloader()" in said[0]
    assert callback.spike_monitor.inputs.dataset_size == N


def test_lightning_fixed_run_is_silent():
    said, callback = lightning_run(fixed=True)
    assert said == [] and callback.report is not None


# --- Hugging Face Trainer -------------------------------------------------------------------


def hf_run(fixed: bool, tmp_path, on_finding: str = "warn") -> tuple[list[str], object]:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from spikecheck.callbacks.hf import SpikeCallback

    x, y = data()
    rows = [{"x": torch.from_numpy(x[i]), "y": torch.tensor(y[i])} for i in range(N)]

    class Linear(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(4, CLASSES)

        def forward(self, x, y):
            ce = torch.nn.functional.cross_entropy(self.layer(x), y)
            return {"loss": ce * B / x.shape[0]}  # divided by the batch size twice

    args = transformers.TrainingArguments(
        output_dir=str(tmp_path), per_device_train_batch_size=B, num_train_epochs=EPOCHS,
        learning_rate=0.05, lr_scheduler_type="constant", optim="sgd", logging_steps=1,
        report_to=[], save_strategy="no", disable_tqdm=True, use_cpu=True, seed=0,
        dataloader_drop_last=fixed, remove_unused_columns=False)
    callback = SpikeCallback(on_finding=on_finding)
    trainer = transformers.Trainer(model=Linear(), args=args, train_dataset=rows,
                                   callbacks=[callback])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.train()
    return spike_warnings(caught), callback


def test_hf_bug_warns_with_the_hf_fix(tmp_path):
    said, callback = hf_run(False, tmp_path)
    assert len(said) == 1 and "partial-final-batch" in said[0]
    assert "dataloader_drop_last=True" in said[0]
    assert callback.spike_monitor.inputs.dataset_size == N


def test_hf_fixed_run_is_silent(tmp_path):
    said, callback = hf_run(True, tmp_path)
    assert said == [] and callback.report is not None


# --- on_finding="stop" stops each framework's training loop --------------------------------


@pytest.mark.parametrize("framework", ["keras", "lightning", "hf"])
def test_stop_ends_training_early(framework, tmp_path):
    if framework == "hf":
        said, callback = hf_run(False, tmp_path, on_finding="stop")
    else:
        run = keras_run if framework == "keras" else lightning_run
        said, callback = run(False, on_finding="stop")
    assert len(said) == 1 and callback.spike_monitor.should_stop
    assert callback.spike_monitor.epochs_seen < EPOCHS
