"""Protocol-buffer wire format, and the field numbers of the messages an event file holds.

Why: events are decoded without importing protobuf, so the wire format (varints, wire
types, length-delimited fields) and the field numbers are spelled out here, once, under
the names the .proto files give them. Sources (tensorboard/compat/proto/ in the
tensorboard repository, copies of tensorflow/core/{util,framework}/):
event.proto (Event, SessionLog), summary.proto (Summary, Summary.Value, SummaryMetadata),
tensor.proto (TensorProto), tensor_shape.proto (TensorShapeProto), types.proto (DataType).
"""

from __future__ import annotations

from enum import IntEnum


class ParseError(ValueError):
    """A record whose CRC is fine but whose bytes are not a valid Event message."""


class WireType(IntEnum):
    """The low 3 bits of a field's key: how its value is laid out."""

    VARINT = 0
    I64 = 1  # fixed 8 bytes (double, fixed64)
    LEN = 2  # a varint length, then that many bytes (string, bytes, message, packed)
    I32 = 5  # fixed 4 bytes (float, fixed32)


WIRE_TYPE_BITS = 3  # key = (field number << 3) | wire type
WIRE_MASK = 7  # key & WIRE_MASK is the wire type
# Plain ints for the per-field comparisons of the parsers (an IntEnum member costs an
# attribute lookup each time).
WIRE_VARINT = int(WireType.VARINT)
WIRE_I64 = int(WireType.I64)
WIRE_LEN = int(WireType.LEN)
WIRE_I32 = int(WireType.I32)


def key(number: int, wire: WireType) -> int:
    """The key (tag) a field is written with: its number and wire type as one varint."""
    return (int(number) << WIRE_TYPE_BITS) | int(wire)


class EventField(IntEnum):
    """event.proto `Event`; FILE_VERSION..META_GRAPH_DEF form the oneof `what`."""

    WALL_TIME = 1  # double
    STEP = 2  # int64
    FILE_VERSION = 3  # string
    GRAPH_DEF = 4  # bytes
    SUMMARY = 5  # Summary
    LOG_MESSAGE = 6  # LogMessage (deprecated)
    SESSION_LOG = 7  # SessionLog
    TAGGED_RUN_METADATA = 8  # TaggedRunMetadata
    META_GRAPH_DEF = 9  # bytes
    SOURCE_METADATA = 10  # SourceMetadata (outside the oneof)


class SessionLogField(IntEnum):
    """event.proto `SessionLog` (checkpoint_path = 2 and msg = 3 are not read)."""

    STATUS = 1  # SessionStatus enum


class SessionStatus(IntEnum):
    """event.proto `SessionLog.SessionStatus`: START marks a restart (0 unspecified, 2 stop
    and 3 checkpoint mark none)."""

    START = 1


class SummaryField(IntEnum):
    """summary.proto `Summary`."""

    VALUE = 1  # repeated Summary.Value


class ValueField(IntEnum):
    """summary.proto `Summary.Value`; SIMPLE_VALUE..TENSOR form the oneof `value`."""

    TAG = 1  # string
    SIMPLE_VALUE = 2  # float
    OBSOLETE_OLD_STYLE_HISTOGRAM = 3  # bytes
    IMAGE = 4  # Summary.Image
    HISTO = 5  # HistogramProto
    AUDIO = 6  # Summary.Audio
    NODE_NAME = 7  # string
    TENSOR = 8  # TensorProto
    METADATA = 9  # SummaryMetadata


class SummaryMetadataField(IntEnum):
    """summary.proto `SummaryMetadata`."""

    PLUGIN_DATA = 1  # SummaryMetadata.PluginData


class PluginDataField(IntEnum):
    """summary.proto `SummaryMetadata.PluginData`."""

    PLUGIN_NAME = 1  # string (content = 2 is not read)


class TensorField(IntEnum):
    """tensor.proto `TensorProto` (the fields a scalar can be stored in)."""

    DTYPE = 1  # DataType enum
    TENSOR_SHAPE = 2  # TensorShapeProto (version_number = 3 is not read)
    TENSOR_CONTENT = 4  # bytes: the values packed in the dtype's own layout
    FLOAT_VAL = 5  # repeated float
    DOUBLE_VAL = 6  # repeated double
    HALF_VAL = 13  # repeated int32: the bits of a float16 each


class ShapeField(IntEnum):
    """tensor_shape.proto `TensorShapeProto`."""

    DIM = 2  # repeated Dim
    UNKNOWN_RANK = 3  # bool


class DimField(IntEnum):
    """tensor_shape.proto `TensorShapeProto.Dim`."""

    SIZE = 1  # int64 (name = 2 is not read)


class DataType(IntEnum):
    """types.proto `DataType`: the scalar-capable floating types."""

    DT_FLOAT = 1
    DT_DOUBLE = 2
    DT_HALF = 19


def _varint(b: bytes, i: int, end: int) -> tuple[int, int]:
    """The unsigned varint at b[i:end] (as uint64) and the offset after it."""
    result = 0
    shift = 0
    while True:
        if i >= end or shift > 63:
            raise ParseError("bad varint")
        c = b[i]
        i += 1
        result |= (c & 0x7F) << shift
        if c < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, i
        shift += 7


def _skip(b: bytes, i: int, end: int, wt: int) -> int:
    """The offset after a field's value of wire type wt that starts at i."""
    if wt == WIRE_VARINT:
        return _varint(b, i, end)[1]
    if wt == WIRE_I64:
        i += 8
    elif wt == WIRE_LEN:
        n, i = _varint(b, i, end)
        i += n
    elif wt == WIRE_I32:
        i += 4
    else:
        raise ParseError(f"unsupported wire type {wt}")
    if i > end:
        raise ParseError("field runs past its message")
    return i


def _len_field(b: bytes, i: int, end: int) -> tuple[int, int]:
    """(start, end) of the bytes of a length-delimited field whose length is at i."""
    n, i = _varint(b, i, end)
    if i + n > end:
        raise ParseError("field runs past its message")
    return i, i + n
