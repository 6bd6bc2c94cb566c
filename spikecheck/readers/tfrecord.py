"""TFRecord frames and TensorBoard `Event` records decoded many at a time with numpy.

The code lives in the `tfevents` package, one job per module (see its docstring):
crc32c, protobuf, event, frames, templates, scan. This module keeps the names callers and
tests use (including private ones), and passes an assignment to one of them on to every
tfevents module that holds the same object under that name, so monkeypatching
`tfrecord.X` still changes what the decoder calls, as when it was one module.

Integrity is never assumed; every record's header and data CRC32C are checked (see
tfevents/templates.py for how that is done in bulk, tfevents/frames.py for damage).
"""

from __future__ import annotations

import sys
import types

from spikecheck.readers.tfevents import crc32c as _crc_module
from spikecheck.readers.tfevents import event as _event_module
from spikecheck.readers.tfevents import frames as _frames_module
from spikecheck.readers.tfevents import protobuf as _protobuf_module
from spikecheck.readers.tfevents import scan as _scan_module
from spikecheck.readers.tfevents import templates as _templates_module
from spikecheck.readers.tfevents.crc32c import (
    _T8,
    MASK_DELTA,
    _crc32c_py,
    _make_table,
    _masked_crc8_all,
    _masked_crc8_at,
    _unmask,
    crc32c,
    masked_crc32c,
)
from spikecheck.readers.tfevents.event import (
    _CODEC_SIZE,
    _DTYPE_CODEC,
    _ELEMENT_RUNS,
    _HIGH_BYTES,
    _MAX_RANK,
    EventInfo,
    Field,
    Val,
    _parse_plugin_name,
    _parse_session_status,
    _parse_summary,
    _parse_tensor,
    _parse_value,
    decode_field,
    parse_event,
)
from spikecheck.readers.tfevents.event import version_number as _version_number
from spikecheck.readers.tfevents.frames import (
    CHUNK_RECORDS,
    FOOTER,
    HEADER,
    MAX_PERIOD,
    MAX_RECORD_BYTES,
    RESYNC_BUDGET_FILES,
    RESYNC_BUDGET_MIN,
    WINDOW_BYTES,
    FrameIssues,
    FrameWalker,
    Source,
    _Views,
    looks_like_tfrecord,
)
from spikecheck.readers.tfevents.protobuf import ParseError, _len_field, _skip, _varint
from spikecheck.readers.tfevents.scan import _PY_SMALL, ORDINAL_BITS, FileScan, Scanner, scan
from spikecheck.readers.tfevents.templates import (
    _BLOCK_BYTES,
    _T16_MIN,
    _Class,
    _decode,
    _lookup,
    _Template,
    _typed,
)

__all__ = [
    "CHUNK_RECORDS", "FOOTER", "HEADER", "MASK_DELTA", "MAX_PERIOD", "MAX_RECORD_BYTES",
    "ORDINAL_BITS", "RESYNC_BUDGET_FILES", "RESYNC_BUDGET_MIN", "WINDOW_BYTES",
    "EventInfo", "Field", "FileScan", "FrameIssues", "FrameWalker", "ParseError", "Scanner",
    "Source", "Val", "crc32c", "decode_field", "looks_like_tfrecord", "masked_crc32c",
    "parse_event", "scan",
]
# Private names the tests, fuzz targets and benchmarks reach for, kept importable here.
_PRIVATE = (
    _BLOCK_BYTES, _CODEC_SIZE, _DTYPE_CODEC, _ELEMENT_RUNS, _HIGH_BYTES, _MAX_RANK,
    _PY_SMALL, _T8, _T16_MIN, _Class, _Template, _Views, _crc32c_py, _decode, _len_field,
    _lookup, _make_table, _masked_crc8_all, _masked_crc8_at, _parse_plugin_name,
    _parse_session_status, _parse_summary, _parse_tensor, _parse_value, _skip, _typed,
    _unmask, _varint, _version_number,
)

_IMPLEMENTATION = (_crc_module, _protobuf_module, _event_module, _frames_module,
                   _templates_module, _scan_module)
_MISSING = object()


class _Facade(types.ModuleType):
    """This module, with assignments passed on to the tfevents modules that use the name."""

    def __setattr__(self, name: str, value: object) -> None:
        old = self.__dict__.get(name, _MISSING)
        if old is not _MISSING:
            for module in _IMPLEMENTATION:
                if module.__dict__.get(name, _MISSING) is old:
                    setattr(module, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade
