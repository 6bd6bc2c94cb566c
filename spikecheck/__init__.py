"""spikecheck: find loss spikes in training logs and say whether the epoch is to blame."""

__version__ = "0.1.0"
