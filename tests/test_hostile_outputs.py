"""--plot and --junit targets are checked before any input is read: never an input, never a
directory, PNG only for --plot, and a directory that cannot take a file is exit 2 up front."""

from __future__ import annotations

import os

import pytest
from hostile import badinputs as bad
from hostile.harness import error_line, graceful, invoke


@pytest.fixture
def log(tmp_path):
    p = tmp_path / "run.csv"
    p.write_bytes(bad.csv_bytes())
    return p


def refused_before_reading(res) -> str:
    """Exit 2, one error line, and no report (nothing was analysed)."""
    assert graceful(res) == "error"
    assert res.stdout == ""
    return error_line(res)


@pytest.mark.parametrize("option", ["--junit", "--plot"])
def test_an_output_pointed_at_the_input_leaves_the_input_alone(log, option):
    before = log.read_bytes()
    target = log if option == "--junit" else log.with_suffix(".png")
    if option == "--plot":  # a log named like a PNG, the only name --plot accepts
        log.rename(target)
        log = target
    res = invoke(log, option, target, "--steps-per-epoch", "20")
    line = refused_before_reading(res)
    assert "is the input" in line and "overwrite" in line
    assert log.read_bytes() == before


def test_an_output_reached_through_another_spelling_is_still_the_input(log, tmp_path):
    before = log.read_bytes()
    (tmp_path / "sub").mkdir()
    res = invoke(log, "--junit", tmp_path / "sub" / ".." / "run.csv")
    assert "is the input" in refused_before_reading(res)
    assert log.read_bytes() == before


def test_an_output_that_is_a_log_inside_an_input_directory_is_refused(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    event = runs / bad.EVENT_NAME
    event.write_bytes(bad.event_file_bytes())
    before = event.read_bytes()
    res = invoke(runs, "--junit", event)
    assert "is the input" in refused_before_reading(res)
    assert event.read_bytes() == before
    # a report file beside the logs (not a log) is fine to replace
    (runs / "report.xml").write_text("old")
    res = invoke(runs, "--junit", runs / "report.xml", "--steps-per-epoch", "20")
    assert res.exit_code in (0, 1) and (runs / "report.xml").read_text().startswith("<?xml")


@pytest.mark.parametrize("option", ["--junit", "--plot"])
def test_a_directory_as_output_is_a_clear_error_not_wrote_adir(log, tmp_path, option):
    target = tmp_path / "adir"
    target.mkdir()
    line = refused_before_reading(invoke(log, option, target))
    assert "is a directory" in line and "give a file name" in line
    assert list(target.iterdir()) == [] and not (tmp_path / "adir.png").exists()


@pytest.mark.parametrize("name", ["out.csv", "adir", "plot.svg"])
def test_plot_names_a_png(log, tmp_path, name):
    line = refused_before_reading(invoke(log, "--plot", tmp_path / name))
    assert "PNG" in line and ".png" in line and "internal error" not in line
    assert not any(p.name.startswith(name.split(".")[0]) for p in tmp_path.iterdir())


@pytest.mark.parametrize("option,name", [("--junit", "r.xml"), ("--plot", "r.png")])
def test_an_unwritable_directory_is_exit_2_before_analysing(log, tmp_path, monkeypatch,
                                                            option, name):
    """Simulated (tests run as root, which chmod cannot stop): the directory refuses."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False
                        if os.fspath(p) == str(locked) else real_access(p, mode, **kw))
    line = refused_before_reading(invoke(log, option, locked / name))
    assert line.startswith(f"spikecheck: error: cannot write {option}")
    assert "permission denied" in line


def test_an_unwritable_directory_for_real(log, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into a chmod 555 directory; the monkeypatched test covers it")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        line = refused_before_reading(invoke(log, "--junit", locked / "r.xml"))
    finally:
        locked.chmod(0o755)
    assert "cannot write --junit" in line


def test_plot_and_junit_on_one_file_are_refused(log, tmp_path):
    line = refused_before_reading(invoke(log, "--plot", tmp_path / "x.png",
                                         "--junit", tmp_path / "x.png"))
    assert "same file" in line
