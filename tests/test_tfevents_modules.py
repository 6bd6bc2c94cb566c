"""The tfevents package behind readers/tfrecord.py: named field numbers and the facade.

The field numbers are checked against TensorBoard's own compiled protos (the dev extra;
skipped without it), and the facade against the monkeypatching that the budget tests in
test_hostile_budgets.py rely on: a counter put on `tfrecord._varint` must see the calls
the decoder makes, or those budget checks would pass on zero counts.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from spikecheck.readers import tfrecord
from spikecheck.readers.tfevents import crc32c, event, frames, protobuf

ROOT = Path(__file__).resolve().parents[1]
KERAS_TRAIN = next((ROOT / "fixtures" / "tensorboard" / "keras-style" / "train").glob(
    "events.out.tfevents.*"))

# (IntEnum, compiled message or enum descriptor getter, how .proto spells the names)
MESSAGES = [
    ("EventField", "event_pb2", "Event"),
    ("SessionLogField", "event_pb2", "SessionLog"),
    ("SummaryField", "summary_pb2", "Summary"),
    ("ValueField", "summary_pb2", "Summary.Value"),
    ("SummaryMetadataField", "summary_pb2", "SummaryMetadata"),
    ("PluginDataField", "summary_pb2", "SummaryMetadata.PluginData"),
    ("TensorField", "tensor_pb2", "TensorProto"),
    ("ShapeField", "tensor_shape_pb2", "TensorShapeProto"),
    ("DimField", "tensor_shape_pb2", "TensorShapeProto.Dim"),
]


def _message(module_name: str, path: str):
    proto = pytest.importorskip(f"tensorboard.compat.proto.{module_name}")
    obj = proto
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj.DESCRIPTOR


@pytest.mark.parametrize(("enum_name", "module_name", "path"), MESSAGES)
def test_field_numbers_are_tensorboards(enum_name, module_name, path):
    fields = _message(module_name, path).fields_by_name
    enum = getattr(protobuf, enum_name)
    for member in enum:
        assert fields[member.name.lower()].number == member.value, (path, member.name)


def test_enum_values_are_tensorboards():
    types = pytest.importorskip("tensorboard.compat.proto.types_pb2")
    for member in protobuf.DataType:
        assert types.DataType.Value(member.name) == member.value
    status = _message("event_pb2", "SessionLog").enum_types_by_name["SessionStatus"]
    for member in protobuf.SessionStatus:
        assert status.values_by_name[member.name].number == member.value


def test_keys_are_the_bytes_writers_emit():
    """0x12 is TensorShapeProto.dim, 0x08 a Dim's size, 0x0A Summary.value: as written."""
    assert protobuf.key(protobuf.ShapeField.DIM, protobuf.WireType.LEN) == 0x12
    assert protobuf.key(protobuf.DimField.SIZE, protobuf.WireType.VARINT) == 0x08
    assert protobuf.key(protobuf.SummaryField.VALUE, protobuf.WireType.LEN) == 0x0A
    assert protobuf.key(protobuf.EventField.WALL_TIME, protobuf.WireType.I64) == 0x09


def test_patching_the_facade_reaches_the_decoder(monkeypatch):
    calls = {"varint": 0, "field": 0}
    real_varint, real_field = tfrecord._varint, tfrecord.Field

    def varint(*a):
        calls["varint"] += 1
        return real_varint(*a)

    def field(*a):
        calls["field"] += 1
        return real_field(*a)

    monkeypatch.setattr(tfrecord, "_varint", varint)
    monkeypatch.setattr(tfrecord, "Field", field)
    assert event._varint is varint and protobuf._varint is varint and event.Field is field
    got = tfrecord.scan(KERAS_TRAIN)
    assert got.n_records > 0 and calls["varint"] > 0 and calls["field"] > 0
    monkeypatch.undo()
    assert event._varint is real_varint and protobuf._varint is real_varint
    assert event.Field is real_field


def test_patching_the_resync_search_reaches_the_walker(monkeypatch):
    searched = []
    real = tfrecord._masked_crc8_all

    def counted(buf, start, count):
        searched.append(count)
        return real(buf, start, count)

    monkeypatch.setattr(tfrecord, "_masked_crc8_all", counted)
    assert frames._masked_crc8_all is counted and crc32c._masked_crc8_all is counted
    data = bytearray(KERAS_TRAIN.read_bytes())
    second = 16 + struct.unpack_from("<Q", data, 0)[0]
    data[second: second + 12] = b"\xff" * 12  # the second record's header: search
    got = tfrecord.scan(bytes(data))
    assert got.issues.skipped and sum(searched) > 0


def test_patching_a_constant_leaves_equal_numbers_elsewhere_alone(monkeypatch):
    """MAX_PERIOD is 64 like other limits; patching it must not change theirs."""
    monkeypatch.setattr(tfrecord, "MAX_PERIOD", 4)
    assert frames.MAX_PERIOD == 4
    assert event._MAX_RANK == 64
