"""Property-based tests over reader inputs (hypothesis): random bytes and random
mutations of real and generated logs. Whatever the bytes, nothing but ReadError leaves
read_input, and the CLI exits 0, 1 or 2 with no traceback. (tests/fuzz/run.py runs the
same check for minutes; this is its quick, every-CI-run version.)"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from fuzz import targets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spikecheck.engine import InsufficientData, analyze
from spikecheck.geometry import GeometryError, GeometryInputs
from spikecheck.readers import ReadError, ReadOptions
from spikecheck.readers.registry import read_input

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NAMES = list(targets.FILE_NAMES.values()) + ["noext", "log.gz"]
SEEDS = {r: targets.generated_seeds(r) + targets.real_seeds(r)[:6] for r in targets.READERS}
WORK = Path(tempfile.mkdtemp(prefix="spikecheck-props-"))


def read_only_read_errors(path: Path, forced: str | None) -> None:
    try:
        series = read_input(str(path), ReadOptions(), forced)
    except ReadError as exc:
        msg = str(exc)
        assert path.name in msg or "<stdin>" in msg, msg
        return
    for s in series:
        assert s.steps.size == s.values.size
        assert (s.steps[1:] > s.steps[:-1]).all()
        for inputs in (GeometryInputs(), GeometryInputs(steps_per_epoch=20)):
            try:
                analyze(s, inputs)
            except (InsufficientData, GeometryError):
                pass


@SETTINGS
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES),
       forced=st.sampled_from([None, *targets.READERS]))
def test_random_bytes_raise_only_read_errors(data, name, forced):
    path = WORK / name
    path.write_bytes(data)
    read_only_read_errors(path, forced)


@st.composite
def mutants(draw, reader: str):
    data = bytearray(draw(st.sampled_from(SEEDS[reader])))
    for _ in range(draw(st.integers(1, 6))):
        n = len(data)
        i = draw(st.integers(0, n))
        j = min(n, i + draw(st.integers(0, 64)))
        op = draw(st.sampled_from(["flip", "replace", "delete", "repeat", "cut", "insert"]))
        if op == "flip" and n:
            data[min(i, n - 1)] ^= 1 << draw(st.integers(0, 7))
        elif op == "replace":
            data[i:j] = draw(st.sampled_from(targets_interesting()))
        elif op == "delete":
            del data[i:j]
        elif op == "repeat":
            data[i:i] = data[i:j] * draw(st.integers(1, 20))
        elif op == "cut":
            del data[i:]
        else:
            data[i:i] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


def targets_interesting() -> list[bytes]:
    from fuzz.run import INTERESTING

    return INTERESTING


@pytest.mark.parametrize("reader", targets.READERS)
def test_mutated_logs_raise_only_read_errors(reader):
    @SETTINGS
    @given(mutants(reader))
    def check(data):
        path = WORK / targets.FILE_NAMES[reader]
        path.write_bytes(data)
        for forced in (None, reader):
            read_only_read_errors(path, forced)

    check()


@pytest.mark.parametrize("reader", targets.READERS)
def test_mutated_logs_through_the_cli(reader):
    @settings(SETTINGS, max_examples=15)
    @given(mutants(reader))
    def check(data):
        targets.check(data, reader, WORK)

    check()
