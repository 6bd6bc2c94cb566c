"""Paths that are not readable logs, and what spikecheck does to the files it reads:
nothing. It never writes to, moves or locks its inputs, and opens nothing but them."""

from __future__ import annotations

import gzip
import os
import sys

import pytest
from hostile import badinputs as bad
from hostile.harness import error_line, graceful, invoke

from spikecheck.readers import ReadError, ReadOptions
from spikecheck.readers.registry import read_input


def test_missing_file(tmp_path):
    assert "no such file" in error_line(invoke(tmp_path / "nope.csv"))


def test_dangling_symlink(tmp_path):
    link = tmp_path / "run.csv"
    link.symlink_to(tmp_path / "gone.csv")
    line = error_line(invoke(link))
    assert "dangling symbolic link" in line and str(link) in line


def test_symlink_loop(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.symlink_to(b)
    b.symlink_to(a)
    graceful(invoke(a), a)
    assert graceful(invoke(a), a) == "error"


def test_a_directory_without_event_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    line = error_line(invoke(tmp_path))
    assert str(tmp_path) in line and "no TensorBoard event files" in line


@pytest.mark.parametrize("fmt", ["csv", "text", "json"])
def test_a_directory_with_a_file_format_forced(tmp_path, fmt):
    line = error_line(invoke(tmp_path, "--input-format", fmt))
    assert "is a directory" in line


def test_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in error_line(invoke(fifo))


def test_a_character_device_is_refused():
    assert "not a regular file" in error_line(invoke("/dev/zero"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_permissions_for_real(tmp_path):
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    p.chmod(0)
    try:
        assert "permission denied" in error_line(invoke(p))
    finally:
        p.chmod(0o644)


def test_unreadable_permissions(tmp_path, monkeypatch):
    """As root chmod 000 does not stop reads: the check itself is exercised."""
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k:
                        False if os.fspath(path) == str(p) else real(path, mode, *a, **k))
    line = error_line(invoke(p))
    assert str(p) in line and "permission denied" in line


def test_permission_error_while_reading(tmp_path, monkeypatch):
    """Permissions that change between the check and the read (or an ACL os.access does
    not see) still end in one line."""
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    import builtins

    real_open = builtins.open

    def deny(file, *a, **k):
        if os.fspath(file) == str(p) if isinstance(file, (str, os.PathLike)) else False:
            raise PermissionError(13, "Permission denied", str(p))
        return real_open(file, *a, **k)

    monkeypatch.setattr(builtins, "open", deny)
    line = error_line(invoke(p))
    assert str(p) in line and "ermission denied" in line


def test_many_inputs_one_bad_each_named(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(bad.csv_bytes())
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    res = invoke(good, empty, tmp_path / "missing.csv", "--steps-per-epoch", bad.SPE)
    assert graceful(res) == "error"
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "empty.csv" in lines[0] and "missing.csv" in lines[1]


# ----------------------------------------------------------------- inputs stay untouched


_EVENTS: list[tuple[str, tuple]] | None = None


def _hook(event: str, args: tuple) -> None:
    if _EVENTS is not None and (event in ("open", "os.rename", "os.remove", "os.truncate",
                                          "os.chmod", "os.utime", "os.link", "os.symlink",
                                          "os.rmdir", "os.mkdir", "shutil.move",
                                          "mmap.__new__")
                                or event.startswith("fcntl.")):
        _EVENTS.append((event, args))


sys.addaudithook(_hook)


def _inputs(tmp_path):
    steps, values = bad.loss_curve()
    files = {
        "run.csv": bad.csv_bytes(),
        "train.log": bad.nanogpt_bytes(),
        "metrics.json": bad.jsonl_bytes(),
        "trainer_state.json": bad.trainer_state_bytes(),
        "train.log.gz": gzip.compress(bad.nanogpt_bytes()),
        bad.EVENT_NAME: bad.event_file_bytes(),
        "bad.csv": bad.garbage(),
    }
    paths = []
    for name, data in files.items():
        p = tmp_path / name
        p.write_bytes(data)
        paths.append(p)
    run_dir = tmp_path / "runs" / "a"
    run_dir.mkdir(parents=True)
    (run_dir / bad.EVENT_NAME).write_bytes(bad.event_file_bytes())
    return paths, tmp_path / "runs"


def _snapshot(root):
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            data = open(p, "rb").read() if os.path.isfile(p) else None
            out[p] = (st.st_mtime_ns, st.st_size, st.st_mode, st.st_ino, data)
    return out


@pytest.mark.parametrize("fmt", ["terminal", "json"])
def test_inputs_are_never_written_moved_or_locked(tmp_path, fmt):
    global _EVENTS
    paths, run_root = _inputs(tmp_path)
    args = [*paths, run_root, "--steps-per-epoch", bad.SPE, "--format", fmt]
    invoke(*args)  # warm up: lazy imports open module files
    before = _snapshot(tmp_path)
    _EVENTS = []
    try:
        res = invoke(*args)
    finally:
        events, _EVENTS = _EVENTS, None
    assert graceful(res) == "error"  # bad.csv is garbage; the others are analysed
    assert _snapshot(tmp_path) == before
    assert sum(e == "open" for e, _ in events) >= len(paths), "the audit hook saw no opens"
    allowed = {os.path.realpath(p) for p in paths}
    allowed.add(os.path.realpath(run_root / "a" / bad.EVENT_NAME))
    # and the project defaults: a pyproject.toml in the current directory or above (read
    # only, like the inputs; spikecheck/config.py)
    here = os.path.realpath(os.getcwd())
    while True:
        allowed.add(os.path.join(here, "pyproject.toml"))
        if os.path.dirname(here) == here:
            break
        here = os.path.dirname(here)
    for event, args_ in events:
        assert event in ("open", "mmap.__new__"), (event, args_)
        if event == "open":
            path, mode, flags = args_
            if isinstance(path, int):
                continue  # an fd already open
            assert os.path.realpath(path) in allowed, f"opened {path}"
            assert mode in (None, "r", "rb"), (path, mode)
            assert flags is None or flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) == 0, path


def test_read_input_opens_only_its_path(tmp_path):
    global _EVENTS
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    read_input(str(p), ReadOptions())
    _EVENTS = []
    try:
        read_input(str(p), ReadOptions())
    finally:
        events, _EVENTS = _EVENTS, None
    opened = {a[0] for e, a in events if e == "open" and not isinstance(a[0], int)}
    assert opened == {str(p)}


def test_stdin_is_spooled_to_an_anonymous_temporary_file():
    res = invoke("-", "--steps-per-epoch", bad.SPE, input=bad.csv_bytes())
    assert graceful(res) == "analysis"


def test_stdin_garbage(tmp_path):
    res = invoke("-", input=bad.garbage())
    assert graceful(res, "<stdin>") == "error"
    res = invoke("-", input=b"")
    assert "<stdin>: file is empty" in error_line(res)


def test_read_error_for_a_path_that_vanishes(tmp_path, monkeypatch):
    """A file removed between the check and the read (log rotation) is one line."""
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    from spikecheck.readers import registry

    real = registry.check_path

    def check_then_remove(arg):
        real(arg)
        os.remove(arg)

    monkeypatch.setattr(registry, "check_path", check_then_remove)
    with pytest.raises(ReadError):
        read_input(str(p), ReadOptions())
