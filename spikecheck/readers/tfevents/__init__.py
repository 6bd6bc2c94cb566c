"""TensorBoard event files decoded without protobuf, many records at a time with numpy.

One job per module: crc32c (checksums), protobuf (wire format and field numbers),
event (one Event record parsed in Python), frames (TFRecord framing, damage, budgets),
templates (records of one layout checked and decoded in bulk), scan (the scanner that
ties them together). `spikecheck.readers.tfrecord` re-exports them under their old names.
"""
