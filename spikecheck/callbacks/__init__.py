"""Trainer callbacks around SpikeMonitor, one module per framework, each importing its
framework only when imported itself: spikecheck.callbacks.keras, .lightning, .hf."""
