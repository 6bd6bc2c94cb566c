"""Names vulture cannot see used, each with who uses it (`make deadcode`; tests/test_deadcode.py).

Only true false positives belong here: names called by Python, click, io, a trainer
framework or the registries' "module:Class" strings. Never executed, only read by vulture.
"""
# ruff: noqa: B018 - naming an attribute is how a vulture whitelist says it is used

from spikecheck import __dir__, __getattr__  # PEP 562: lazy attributes of the package
from spikecheck.callbacks import hf, keras, lightning
from spikecheck.cli import ByteSize
from spikecheck.cli_group import DefaultCommandGroup
from spikecheck.cli_types import PositiveCount
from spikecheck.dask import check_many
from spikecheck.readers import csv, interface, json, tensorboard, text, text_bulk, tfrecord
from spikecheck.render import github, jsonl, junit, markdown, terminal
from spikecheck.render import json as json_render
from spikecheck.report import Report

__all__ = ["__dir__", "__getattr__", "check_many"]  # public API (docs/reading.md: dask)

# Trainer frameworks call these hooks and read these attributes.
hf.SpikeCallback.on_train_begin, hf.SpikeCallback.on_log, hf.SpikeCallback.on_epoch_end
hf.SpikeCallback.should_training_stop  # set on the Trainer's control object
keras.SpikeCallback.on_epoch_begin, keras.SpikeCallback.on_train_batch_end
keras.SpikeCallback.on_epoch_end, keras.SpikeCallback.stop_training
lightning.SpikeCallback.on_train_start, lightning.SpikeCallback.on_train_batch_end
lightning.SpikeCallback.on_train_epoch_end

# click calls these.
ByteSize.convert, DefaultCommandGroup.format_help

# io calls these on the streams readers hand to pyarrow and to the text decoder.
csv._CompleteLines.readable, interface._Capped.readable
interface._NoClose.readable, interface._NoClose.seekable

# The registries name readers and renderers as "module:Class" strings.
json.JsonReader, tensorboard.TensorBoardReader, text.TextReader
github.GithubRenderer, json_render.JsonRenderer, jsonl.JsonLinesRenderer
junit.JUnitRenderer, markdown.MarkdownRenderer, terminal.TerminalRenderer

# readers/tfrecord.py makes itself a facade module by setting its own module's class.
tfrecord.__class__

# Public API of a report: pandas users and Jupyter call these.
Report.to_frame, Report._repr_html_

# click calls it to describe a range in --help (spikecheck/cli_types.py)
PositiveCount._describe_range

# Counts of the bulk text scan, read by tests/test_text_bulk.py and the benchmark.
text_bulk.LAST_STATS
text_bulk.BulkStats.blocks, text_bulk.BulkStats.bulk_lines, text_bulk.BulkStats.per_line_lines
