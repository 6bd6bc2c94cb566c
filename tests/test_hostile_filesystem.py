"""Paths as a careless user or a hostile tree gives them: an empty path from an unset
variable, a name longer than the system allows, a loop of symbolic links, a pipe, and a
log directory nested deeper than Python's recursion limit. Each is one clear line (exit 2)
or a full analysis, never an internal error."""

from __future__ import annotations

import os

import pytest
from hostile import badinputs as bad
from hostile.harness import error_line, graceful, invoke, runs


def one_error(res, *words: str) -> str:
    assert graceful(res) == "error"
    line = error_line(res)
    assert "internal error" not in line, line
    for w in words:
        assert w in line, (w, line)
    return line


def test_an_empty_path_is_not_the_current_directory(tmp_path, monkeypatch):
    """`spikecheck "$LOG"` with LOG unset read the whole current directory as a log dir."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "other.csv").write_bytes(bad.csv_bytes())
    res = invoke("", "--format", "json")
    one_error(res, "empty path")
    assert "other.csv" not in res.stdout


def test_a_name_longer_than_the_system_allows(tmp_path):
    res = invoke(tmp_path / ("a" * 300 + ".csv"))
    one_error(res, "too long")


def test_a_path_longer_than_the_system_allows(tmp_path):
    res = invoke(tmp_path / "/".join(["d" * 200] * 30) / "run.csv")
    one_error(res, "too long")


def test_a_loop_of_symbolic_links_is_named_as_such(tmp_path):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    one_error(invoke(tmp_path / "a.csv"), "loop of symbolic links")


def test_a_dangling_link_is_still_called_dangling(tmp_path):
    (tmp_path / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    one_error(invoke(tmp_path / "gone.csv"), "dangling symbolic link")


def test_a_pipe_given_as_a_path_says_to_use_stdin(tmp_path):
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    one_error(invoke(fifo), "not a regular file", "spikecheck -")


def test_a_run_directory_whose_event_file_is_a_device_says_so(tmp_path):
    """Named like an event file but a link to /dev/zero: 'no readable event file ()'."""
    run = tmp_path / "run"
    run.mkdir()
    (run / bad.EVENT_NAME).symlink_to("/dev/zero")
    line = one_error(invoke(run), bad.EVENT_NAME, "a device, not opened")
    assert "()" not in line


@pytest.fixture(scope="module")
def deep_tree():
    """A CSV log 1500 directories down (past the default recursion limit of 1000).

    Outside pytest's tmp_path: its clean-up of old runs (shutil.rmtree) recurses per level
    on Python 3.11 and would trip on a tree left by an interrupted run."""
    import tempfile
    from pathlib import Path

    root = Path(tempfile.mkdtemp(prefix="spikecheck-deep-")) / "runs"
    here = root
    here.mkdir()
    fd = os.open(here, os.O_RDONLY)
    try:  # relative to the previous level: the absolute path outgrows PATH_MAX
        for _ in range(1500):
            os.mkdir("a", dir_fd=fd)
            nxt = os.open("a", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        log = os.open("train.csv", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(log, bad.csv_bytes())
        os.close(log)
    finally:
        os.close(fd)
    yield root
    _flatten(root)  # pytest's own clean-up recurses too: the tree must be shallow again


def _flatten(root) -> None:
    """Remove one level at a time from the top (runs/a/a -> runs/a), short paths only."""
    import shutil

    while (root / "a" / "a").is_dir():
        (root / "a" / "a").rename(root / "next")
        (root / "a").rmdir()
        (root / "next").rename(root / "a")
    shutil.rmtree(root.parent)


def test_a_tree_deeper_than_the_recursion_limit_is_walked(deep_tree):
    """os.walk recurses once per level on Python 3.10/3.11: RecursionError, internal error."""
    res = invoke(deep_tree, "--steps-per-epoch", "50", "--format", "json", "--jobs", "1")
    assert graceful(res) == "analysis", res.output
    assert '"verdict": "epoch-aligned-spikes"' in res.stdout


def test_a_tree_deeper_than_the_recursion_limit_is_listed(deep_tree):
    res = invoke(deep_tree, "--list")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()[1:]  # step and loss of one run (a name clipped to show)
    assert len(lines) == 2 and all(ln.startswith("  a/a/a/") and ln.endswith("\t500")
                                   for ln in lines), lines


@pytest.mark.parametrize("listing", [False, True])
def test_a_directory_of_side_files_says_what_was_looked_for(tmp_path, listing):
    """Configs and weights only: "no TensorBoard event files", as if nothing else counted."""
    (tmp_path / "config.yaml").write_text("lr: 0.1\n")
    (tmp_path / "model.pt").write_bytes(b"\x80\x02weights")
    res = invoke(tmp_path, *(["--list"] if listing else []))
    line = one_error(res, "no training log in this directory or below",
                     "no CSV, text or JSON file with a loss", "2 files set aside")
    assert str(tmp_path) in line


def test_a_run_directory_of_only_a_temporary_event_file(tmp_path):
    """A writer's `.tmp` file before its rename: "none is a regular file" (it is one)."""
    run = tmp_path / "run"
    run.mkdir()
    (run / (bad.EVENT_NAME + ".tmp")).write_bytes(bad.event_file_bytes())
    one_error(invoke(run), "a temporary file (a write in progress?), not opened")
    (run / bad.EVENT_NAME).write_bytes(bad.event_file_bytes())
    res = invoke(run, "--format", "json", "--steps-per-epoch", bad.SPE)
    assert graceful(res) == "analysis"
    assert any("temporary file" in w for w in runs(res)[0]["warnings"])
