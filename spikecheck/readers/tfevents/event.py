"""One serialized tensorboard `Event` parsed in Python: what it holds and where its bytes are.

Why: the scanner learns a record layout from one record (which bytes hold the wall time,
the step and each scalar) and then decodes every record of that layout with numpy; this
is that one-record parse, and the slow path for records that fit no layout. It reads
only what EventAccumulator keeps of a scalar: simple_value, single-element float tensors,
plugin names, file_version and SessionLog.START.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from spikecheck.readers.tfevents.protobuf import (
    WIRE_MASK,
    WIRE_TYPE_BITS,
    DataType,
    DimField,
    EventField,
    ParseError,
    PluginDataField,
    SessionLogField,
    ShapeField,
    SummaryField,
    SummaryMetadataField,
    TensorField,
    ValueField,
    WireType,
    _len_field,
    _skip,
    _varint,
    key,
)

# Scalar-capable TensorProto dtypes: DT_FLOAT, DT_DOUBLE, DT_HALF.
_DTYPE_CODEC = {DataType.DT_FLOAT.value: "f32", DataType.DT_DOUBLE.value: "f64",
                DataType.DT_HALF.value: "f16"}
_CODEC_SIZE = {"f32": 4, "f64": 8, "f16": 2}
_FLOAT_VAL = TensorField.FLOAT_VAL.value
_DOUBLE_VAL = TensorField.DOUBLE_VAL.value
_HALF_VAL = TensorField.HALF_VAL.value
_CODEC_VALUES = {"f32": _FLOAT_VAL, "f64": _DOUBLE_VAL, "f16": _HALF_VAL}  # *_val field
_MAX_RANK = 64  # a shape with more dims than this is not a scalar's (skipped by length)

# Field keys (number and wire type) as plain ints, compared once per field parsed.
_WALL_TIME = key(EventField.WALL_TIME, WireType.I64)
_STEP = key(EventField.STEP, WireType.VARINT)
_EVENT_WHAT = frozenset(key(f, WireType.LEN) for f in (
    EventField.FILE_VERSION, EventField.GRAPH_DEF, EventField.SUMMARY,
    EventField.LOG_MESSAGE, EventField.SESSION_LOG, EventField.TAGGED_RUN_METADATA,
    EventField.META_GRAPH_DEF))  # the members of the oneof `what`
_FILE_VERSION = EventField.FILE_VERSION.value
_SUMMARY = EventField.SUMMARY.value
_SESSION_LOG = EventField.SESSION_LOG.value
_SOURCE_METADATA = key(EventField.SOURCE_METADATA, WireType.LEN)
_SESSION_STATUS = key(SessionLogField.STATUS, WireType.VARINT)
_SUMMARY_VALUE = key(SummaryField.VALUE, WireType.LEN)
_TAG = key(ValueField.TAG, WireType.LEN)
_NODE_NAME = key(ValueField.NODE_NAME, WireType.LEN)
_SIMPLE_VALUE = key(ValueField.SIMPLE_VALUE, WireType.I32)
_OTHER_VALUES = frozenset(key(f, WireType.LEN) for f in (
    ValueField.OBSOLETE_OLD_STYLE_HISTOGRAM, ValueField.IMAGE, ValueField.HISTO,
    ValueField.AUDIO))  # oneof `value` members that are never a scalar
_TENSOR = key(ValueField.TENSOR, WireType.LEN)
_METADATA = key(ValueField.METADATA, WireType.LEN)
_PLUGIN_DATA = key(SummaryMetadataField.PLUGIN_DATA, WireType.LEN)
_PLUGIN_NAME = key(PluginDataField.PLUGIN_NAME, WireType.LEN)
_DTYPE = key(TensorField.DTYPE, WireType.VARINT)
_TENSOR_SHAPE = key(TensorField.TENSOR_SHAPE, WireType.LEN)
_TENSOR_CONTENT = key(TensorField.TENSOR_CONTENT, WireType.LEN)
_SHAPE_DIM = key(ShapeField.DIM, WireType.LEN)
_UNKNOWN_RANK = key(ShapeField.UNKNOWN_RANK, WireType.VARINT)
_DIM_SIZE = key(DimField.SIZE, WireType.VARINT)
# One element of a repeated (not packed) float_val, double_val or half_val.
_FLOAT_ELEMENT = key(TensorField.FLOAT_VAL, WireType.I32)
_DOUBLE_ELEMENT = key(TensorField.DOUBLE_VAL, WireType.I64)
_HALF_ELEMENT = key(TensorField.HALF_VAL, WireType.VARINT)
_ELEMENT_KEYS = {_FLOAT_ELEMENT: _FLOAT_VAL, _DOUBLE_ELEMENT: _DOUBLE_VAL,
                 _HALF_ELEMENT: _HALF_VAL}
_PACKED_KEYS = {key(f, WireType.LEN): f.value for f in (
    TensorField.FLOAT_VAL, TensorField.DOUBLE_VAL, TensorField.HALF_VAL)}
_ELEMENT_CODEC = {_FLOAT_VAL: "f32", _DOUBLE_VAL: "f64", _HALF_VAL: "h16v"}

# A run of further elements of a repeated (not packed) float/double/half field, skipped
# in one C-speed match instead of one Python step per element.
_ELEMENT_RUNS = {
    _FLOAT_VAL: re.compile(b"(?:%s.{4})*" % re.escape(bytes([_FLOAT_ELEMENT])), re.S),
    _DOUBLE_VAL: re.compile(b"(?:%s.{8})*" % re.escape(bytes([_DOUBLE_ELEMENT])), re.S),
    _HALF_VAL: re.compile(rb"(?:%s[\x80-\xff]{0,9}[\x00-\x7f])*"
                          % re.escape(bytes([_HALF_ELEMENT]))),
}
_HIGH_BYTES = bytes(range(128, 256))  # a varint's continuation bytes


class Field(NamedTuple):
    """Bytes of one record that vary between records of a layout: where, how many, how."""

    pos: int
    size: int
    codec: str  # raw | varint | f32 | f64 | f16 | h16v (a half_val varint)


class Val(NamedTuple):
    """One Summary.Value that may be a scalar: its tag, kind and where its number is."""

    tag: str
    kind: str  # "simple" (simple_value) or "tensor" (single-element float tensor)
    field: Field | None  # None: a constant (an empty float tensor reads as `const`)
    const: float
    ordinal: int


@dataclass
class EventInfo:
    """What one Event record holds, and where its varying bytes sit."""

    wall: Field | None = None
    step: int = 0
    step_field: Field | None = None
    what: int = 0  # the Event oneof field number that is set (5 summary, 7 session_log...)
    file_version: str | None = None
    session_status: int = 0
    summary_tags: tuple[str, ...] = ()
    values: list[Val] = field(default_factory=list)
    plugins: list[tuple[str, str]] = field(default_factory=list)  # (tag, plugin_name)
    event_like: bool = False

    def fields(self) -> list[Field]:
        """The varying bytes of this record, in order (wall time, step, values)."""
        out = [f for f in (self.wall, self.step_field) if f is not None]
        out += [v.field for v in self.values if v.field is not None]
        return sorted(out)

    def layout_key(self) -> tuple:
        """Records with equal keys (and length) differ only in structure bytes or tags."""
        return tuple(self.fields())


def parse_event(b: bytes) -> EventInfo:
    """Parse one serialized tensorboard Event into an EventInfo (raises ParseError)."""
    info = EventInfo()
    end = len(b)
    i = 0
    values: list[Val] = []
    tags: list[str] = []
    plugins: list[tuple[str, str]] = []
    while i < end:
        k, i = _varint(b, i, end)
        if k == _WALL_TIME:
            if i + 8 > end:
                raise ParseError("truncated wall_time")
            info.wall = Field(i, 8, "raw")
            info.event_like = True
            i += 8
        elif k == _STEP:
            start = i
            v, i = _varint(b, i, end)
            info.step = v - (1 << 64) if v >= 1 << 63 else v
            info.step_field = Field(start, i - start, "varint")
            info.event_like = True
        elif k in _EVENT_WHAT:
            fn = k >> WIRE_TYPE_BITS
            s, e = _len_field(b, i, end)
            if info.what != fn:  # a different oneof member replaces the previous one
                values, tags, plugins = [], [], []
                info.file_version = None
                info.session_status = 0
            info.what = fn
            info.event_like = True
            if fn == _FILE_VERSION:
                info.file_version = b[s:e].decode("utf-8", "replace")
            elif fn == _SUMMARY:
                _parse_summary(b, s, e, values, tags, plugins)
            elif fn == _SESSION_LOG:
                info.session_status = _parse_session_status(b, s, e)
            i = e
        elif k == _SOURCE_METADATA:  # not part of the oneof
            i = _len_field(b, i, end)[1]
        else:
            i = _skip(b, i, end, k & WIRE_MASK)
    if i != end:
        raise ParseError("message overruns the record")
    info.values = [v._replace(ordinal=n) for n, v in enumerate(values)]
    info.summary_tags = tuple(tags)
    info.plugins = plugins
    return info


def _parse_session_status(b: bytes, i: int, end: int) -> int:
    status = 0
    while i < end:
        k, i = _varint(b, i, end)
        if k == _SESSION_STATUS:
            status, i = _varint(b, i, end)
        else:
            i = _skip(b, i, end, k & WIRE_MASK)
    return status


def _parse_summary(b: bytes, i: int, end: int, values: list, tags: list, plugins: list) -> None:
    while i < end:
        k, i = _varint(b, i, end)
        if k == _SUMMARY_VALUE:
            s, e = _len_field(b, i, end)
            _parse_value(b, s, e, values, tags, plugins)
            i = e
        else:
            i = _skip(b, i, end, k & WIRE_MASK)


def _parse_value(b: bytes, i: int, end: int, values: list, tags: list, plugins: list) -> None:
    tag = ""
    node_name = ""
    kind = None  # oneof `value`: the last member set wins
    simple: Field | None = None
    tensor: tuple | None = None
    plugin = None
    while i < end:
        k, i = _varint(b, i, end)
        if k == _TAG:
            s, i = _len_field(b, i, end)
            tag = b[s:i].decode("utf-8", "replace")
        elif k == _NODE_NAME:
            s, i = _len_field(b, i, end)
            node_name = b[s:i].decode("utf-8", "replace")
        elif k == _SIMPLE_VALUE:
            if i + 4 > end:
                raise ParseError("truncated simple_value")
            simple = Field(i, 4, "f32")
            kind = "simple"
            i += 4
        elif k in _OTHER_VALUES:
            i = _len_field(b, i, end)[1]
            kind = "other"
        elif k == _TENSOR:
            s, i = _len_field(b, i, end)
            tensor = _parse_tensor(b, s, i)
            kind = "tensor"
        elif k == _METADATA:
            s, i = _len_field(b, i, end)
            plugin = _parse_plugin_name(b, s, i)
        else:
            i = _skip(b, i, end, k & WIRE_MASK)
    if kind == "tensor" and not tag:
        tag = node_name  # EventAccumulator files tensors without a tag under node_name
    tags.append(tag)
    if plugin is not None:
        plugins.append((tag, plugin))
    if kind == "simple" and simple is not None:
        values.append(Val(tag, "simple", simple, 0.0, 0))
    elif kind == "tensor" and tensor is not None:
        values.append(Val(tag, "tensor", tensor[0], tensor[1], 0))


def _parse_plugin_name(b: bytes, i: int, end: int) -> str:
    """SummaryMetadata.plugin_data.plugin_name ("" when absent; the last one wins)."""
    name = ""
    while i < end:
        k, i = _varint(b, i, end)
        if k == _PLUGIN_DATA:
            s, e = _len_field(b, i, end)
            name = _plugin_data_name(b, s, e, name)
            i = e
        else:
            i = _skip(b, i, end, k & WIRE_MASK)
    return name


def _plugin_data_name(b: bytes, j: int, e: int, name: str) -> str:
    """The plugin_name of one PluginData message (`name` when it sets none)."""
    while j < e:
        k, j = _varint(b, j, e)
        if k == _PLUGIN_NAME:
            s, j = _len_field(b, j, e)
            name = b[s:j].decode("utf-8", "replace")
        else:
            j = _skip(b, j, e, k & WIRE_MASK)
    return name


class _TensorFields:
    """What a TensorProto says about being a scalar, gathered field by field."""

    __slots__ = ("content", "count", "dims", "dtype", "first", "unknown_rank")

    def __init__(self) -> None:
        self.dtype = 0
        self.dims: list[int] = []
        self.unknown_rank = False
        self.content: tuple[int, int] | None = None  # (offset, size) of tensor_content
        self.count = {_FLOAT_VAL: 0, _DOUBLE_VAL: 0, _HALF_VAL: 0}  # elements per *_val
        self.first: dict[int, Field] = {}  # the first element of each *_val


def _parse_tensor(b: bytes, i: int, end: int) -> tuple[Field | None, float] | None:
    """The value of a single-element float tensor as (field, const), else None.

    Work is per field, not per element: packed values are counted from their length and
    runs of repeated elements are skipped in one match, so a large tensor (a histogram)
    costs about as much as a small one.
    """
    t = _TensorFields()
    while i < end:
        k, i = _varint(b, i, end)
        if k == _DTYPE:
            t.dtype, i = _varint(b, i, end)
        elif k == _TENSOR_SHAPE:
            s, e = _len_field(b, i, end)
            t.dims, t.unknown_rank = _parse_shape(b, s, e, t.unknown_rank)
            i = e
        elif k == _TENSOR_CONTENT:
            s, e = _len_field(b, i, end)
            t.content = (s, e - s)
            i = e
        elif k in _ELEMENT_KEYS:
            i = _element(b, i, end, _ELEMENT_KEYS[k], t)
        elif k in _PACKED_KEYS:
            i = _packed(b, i, end, _PACKED_KEYS[k], t)
        else:
            i = _skip(b, i, end, k & WIRE_MASK)
        if i > end:
            raise ParseError("tensor overruns its message")
    return _scalar_of(t)


def _parse_shape(b: bytes, j: int, e: int, unknown_rank: bool) -> tuple[list[int], bool]:
    """(dims, unknown_rank) after one TensorShapeProto (a repeated message field merges:
    its dims replace earlier ones, unknown_rank stays unless set)."""
    dims: list[int] = []
    while j < e:
        if len(dims) > _MAX_RANK:
            break
        k, j = _varint(b, j, e)
        if k == _SHAPE_DIM:
            s, e2 = _len_field(b, j, e)
            dims.append(_dim_size(b, s, e2))
            j = e2
        elif k == _UNKNOWN_RANK:
            v, j = _varint(b, j, e)
            unknown_rank = bool(v)
        else:
            j = _skip(b, j, e, k & WIRE_MASK)
    return dims, unknown_rank


def _dim_size(b: bytes, j: int, e: int) -> int:
    """The (signed int64) size of one TensorShapeProto.Dim; 0 when absent."""
    size = 0
    while j < e:
        k, j = _varint(b, j, e)
        if k == _DIM_SIZE:
            size, j = _varint(b, j, e)
            if size >= 1 << 63:
                size -= 1 << 64
        else:
            j = _skip(b, j, e, k & WIRE_MASK)
    return size


def _element(b: bytes, i: int, end: int, fn: int, t: _TensorFields) -> int:
    """Count one unpacked element of *_val field fn, and the run of them that follows."""
    s = i
    if fn == _HALF_VAL:
        _, i = _varint(b, i, end)
    else:
        i += 4 if fn == _FLOAT_VAL else 8
        if i > end:
            raise ParseError("tensor overruns its message")
    t.first.setdefault(fn, Field(s, i - s, _ELEMENT_CODEC[fn]))
    t.count[fn] += 1
    run = _ELEMENT_RUNS[fn].match(b, i, end)
    if run is not None and run.end() > i:
        t.count[fn] += 1  # more than one: which, and how many, does not matter
        i = run.end()
    return i


def _packed(b: bytes, i: int, end: int, fn: int, t: _TensorFields) -> int:
    """Count the elements of a packed *_val field fn (its length at i), noting the first."""
    s, e = _len_field(b, i, end)
    if fn == _HALF_VAL:
        if e > s and b[e - 1] >= 0x80:
            raise ParseError("bad packed field")
        n = len(bytes(b[s:e]).translate(None, _HIGH_BYTES))  # varints end in a low byte
        if n:
            _, j = _varint(b, s, e)
            t.first.setdefault(_HALF_VAL, Field(s, j - s, "h16v"))
    else:
        width = 4 if fn == _FLOAT_VAL else 8
        if (e - s) % width:
            raise ParseError("bad packed field")
        n = (e - s) // width
        if n:
            t.first.setdefault(fn, Field(s, width, "f32" if fn == _FLOAT_VAL else "f64"))
    t.count[fn] += n
    return e


def _scalar_of(t: _TensorFields) -> tuple[Field | None, float] | None:
    """(field, const) of the tensor's one value when it is a single float, else None."""
    codec = _DTYPE_CODEC.get(t.dtype)
    if codec is None or t.unknown_rank or len(t.dims) > _MAX_RANK:
        return None
    n = 1
    for d in t.dims:
        n *= d
    if n != 1:
        return None
    if t.content is not None and t.content[1] > 0:  # make_ndarray prefers tensor_content
        if t.content[1] != _CODEC_SIZE[codec]:
            return None
        return Field(t.content[0], t.content[1], codec), 0.0
    fn = _CODEC_VALUES[codec]
    if t.count[fn] != 1:
        return None
    return t.first[fn], 0.0


def decode_field(b: bytes, f: Field) -> float | int:
    """Decode one field of a record in Python (the slow path)."""
    raw = b[f.pos: f.pos + f.size]
    if f.codec == "f32":
        return float(struct.unpack("<f", raw)[0])
    if f.codec == "f64":
        return float(struct.unpack("<d", raw)[0])
    if f.codec == "f16":
        return float(np.frombuffer(raw, dtype="<f2")[0])
    v, _ = _varint(b, f.pos, f.pos + f.size)
    if f.codec == "h16v":
        return float(np.array([v & 0xFFFF], dtype=np.uint16).view(np.float16)[0])
    return v


def version_number(fv: str) -> float:
    """The number of a file_version ("brain.Event:2" -> 2.0; -1.0 when unreadable)."""
    try:
        return float(fv.split("brain.Event:")[-1])
    except ValueError:
        return -1.0
