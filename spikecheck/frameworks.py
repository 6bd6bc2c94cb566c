"""Which training framework wrote a log (as its reader knows it) and the fix in its words.

Readers set `LossSeries.framework` to one of these ids when the format says who wrote it
(a Keras progress bar, a Lightning CSVLogger file, a Hugging Face trainer_state.json); the
engine then words the fix of a cause in that framework's settings, PyTorch's otherwise.
"""

from __future__ import annotations

TORCH = "torch"
KERAS = "keras"
LIGHTNING = "lightning"
HF = "hf"
ALL = (TORCH, KERAS, LIGHTNING, HF)

# Text-log styles (readers/text.py) whose lines only one framework prints.
TEXT_STYLES = {"keras": KERAS, "lightning-tqdm": LIGHTNING, "hf-trainer": HF}

# How to drop the short final batch, in each framework's own settings.
DROP_LAST = {
    TORCH: "drop the last batch (DataLoader(drop_last=True))",
    KERAS: "drop the last batch (tf.data: dataset.batch(B, drop_remainder=True); a "
           "keras.utils.PyDataset or Sequence: round down in __len__)",
    LIGHTNING: "drop the last batch (drop_last=True on the DataLoader that the "
               "LightningModule or LightningDataModule returns)",
    HF: "drop the last batch (TrainingArguments(dataloader_drop_last=True))",
}

# How to shuffle every epoch, in each framework's own settings.
SHUFFLE = {
    TORCH: "shuffle the data every epoch (DataLoader(shuffle=True), "
           "DistributedSampler.set_epoch(epoch), per-epoch worker seeds)",
    KERAS: "shuffle the data every epoch (model.fit(shuffle=True); tf.data: "
           "dataset.shuffle(buffer, reshuffle_each_iteration=True) before .batch)",
    LIGHTNING: "shuffle the data every epoch (DataLoader(shuffle=True) in train_dataloader; "
               "Lightning sets the DistributedSampler's epoch itself)",
    HF: "shuffle the data every epoch (the Trainer shuffles unless the dataset is an "
        "IterableDataset: shuffle it with a per-epoch seed)",
}
