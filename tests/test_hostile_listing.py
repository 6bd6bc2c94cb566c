"""--list on a directory: every run of every format is listed, and a run or directory that
cannot be read is said (an error line, the JSON's `unreadable`, exit 2), never dropped.

The tree is built from the repository's real fixtures (tests/fleet_tree.py). Tests run as
root here, which reads a chmod 000 file: unreadable parts are simulated by refusing the
open or the listing of one path, as the kernel does for another user.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
from pathlib import Path

import pytest
from fleet_tree import FIXTURES, build_tree
from hostile import badinputs as bad
from hostile.harness import invoke

import spikecheck.readers.interface as reader_io


def listing(res) -> dict[str, int]:
    """The text listing's `name<TAB>points` lines, keyed by name."""
    out = {}
    for line in res.stdout.splitlines()[1:]:
        name, _, points = line.strip().rpartition("\t")
        out[name] = int(points)
    return out


@pytest.fixture()
def mixed(tmp_path) -> Path:
    """A directory of a CSV run, a text console and a TensorBoard run."""
    root = tmp_path / "mixed"
    (root / "csvrun").mkdir(parents=True)
    (root / "textrun").mkdir()
    shutil.copy(FIXTURES / "example-buggy.csv", root / "csvrun" / "metrics.csv")
    shutil.copy(FIXTURES / "keras" / "keras3-fit-digits-n1601-b32-buggy.log",
                root / "textrun" / "train.log")
    shutil.copytree(FIXTURES / "tensorboard" / "torch-newstyle", root / "tb" / "torch")
    return root


def refuse(monkeypatch, *paths: Path) -> None:
    """Opening or listing these paths fails with EACCES, as chmod 000 does for a user."""
    refused = {str(p) for p in paths}
    real_open, real_scandir = builtins.open, os.scandir

    def guarded_open(file, *args, **kwargs):
        if os.fspath(file) in refused:
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    def guarded_scandir(path="."):
        if os.fspath(path) in refused:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(reader_io, "open", guarded_open, raising=False)
    monkeypatch.setattr(os, "scandir", guarded_scandir)


# --- mixed formats ---------------------------------------------------------------------------


def test_a_mixed_directory_lists_every_run_of_every_format(mixed):
    res = invoke(mixed, "--list")
    assert res.exit_code == 0, res.output
    got = listing(res)
    assert got["csvrun/metrics.csv: loss"] == 2240
    assert got["textrun/train.log: loss"] == 515
    assert got["tb/torch: train/loss"] == 160
    assert res.stdout.splitlines()[0] == str(mixed)


def test_the_fleet_tree_lists_what_the_analysis_reads(tmp_path):
    """Every run the analysis of the real-fixture tree reads appears in its listing, by
    the same relative name."""
    tree = build_tree(tmp_path / "runs")
    res = invoke(tree, "--list")
    assert res.exit_code == 0, res.output
    runs = {name.split(": ")[0] for name in listing(res)}
    analysed = invoke(tree, "--format", "json", "--jobs", "1")
    expected = {r["run"] for r in json.loads(analysed.stdout)["runs"]}
    assert expected <= runs, expected - runs


def test_a_directory_of_tensorboard_runs_alone_keeps_its_run_tag_names(tmp_path):
    for name in ("a", "b"):
        shutil.copytree(FIXTURES / "tensorboard" / "torch-newstyle", tmp_path / "tb" / name)
    got = listing(invoke(tmp_path / "tb", "--list"))
    assert got == {"a: train/loss": 160, "a: train/loss64": 160,
                   "b: train/loss": 160, "b: train/loss64": 160}


def test_include_and_exclude_apply_to_the_listing_and_an_empty_result_says_why(mixed):
    got = listing(invoke(mixed, "--list", "--include", "**/*.csv"))
    assert set(got) == {"csvrun/metrics.csv: step", "csvrun/metrics.csv: epoch",
                        "csvrun/metrics.csv: loss"}
    res = invoke(mixed, "--list", "--include", "nothing*")
    assert res.exit_code == 2
    assert "none of its 3 training logs passed --include/--exclude" in res.stderr
    assert "TensorBoard" not in res.stderr  # not a reader's unrelated complaint


def test_an_analysis_left_empty_by_filters_says_why(mixed):
    res = invoke(mixed, "--exclude", "**", "--format", "json")
    assert res.exit_code == 2
    (run,) = json.loads(res.stdout)["runs"]
    assert "passed --include/--exclude" in run["error"]


# --- no silent loss --------------------------------------------------------------------------


def test_an_unreadable_run_of_a_mixed_directory_is_an_error_and_the_rest_listed(
        mixed, monkeypatch):
    locked = mixed / "textrun" / "train.log"
    refuse(monkeypatch, locked)
    res = invoke(mixed, "--list")
    assert res.exit_code == 2
    got = listing(res)
    assert "csvrun/metrics.csv: loss" in got and "tb/torch: train/loss" in got
    assert not any(k.startswith("textrun") for k in got)
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("spikecheck: error:")]
    assert any("train.log" in ln and "permission denied" in ln.lower() for ln in errors), errors
    assert "1 part could not be read" in res.stderr


def test_an_unreadable_tensorboard_run_is_counted_not_skipped(tmp_path, monkeypatch):
    """A log directory of TensorBoard runs alone: the run that cannot be read used to
    vanish from the listing without a word."""
    root = tmp_path / "tb"
    for name in ("good", "locked"):
        (root / name).mkdir(parents=True)
        (root / name / bad.EVENT_NAME).write_bytes(bad.event_file_bytes())
    refuse(monkeypatch, root / "locked" / bad.EVENT_NAME)
    res = invoke(root, "--list", "--format", "json")
    assert res.exit_code == 2
    (item,) = json.loads(res.stdout)["inputs"]
    assert [m["name"] for m in item["metrics"]] == ["good: train/loss"]
    assert len(item["unreadable"]) == 1 and "locked" in item["unreadable"][0]
    assert "locked" in res.stderr


def test_an_unreadable_directory_inside_is_counted(mixed, monkeypatch):
    refuse(monkeypatch, mixed / "textrun")
    res = invoke(mixed, "--list", "--format", "json")
    assert res.exit_code == 2
    (item,) = json.loads(res.stdout)["inputs"]
    assert any("textrun" in u and "Permission denied" in u for u in item["unreadable"])
    assert {m["name"].split(": ")[0] for m in item["metrics"]} == {"csvrun/metrics.csv",
                                                                   "tb/torch"}


def test_the_json_listing_holds_every_input_and_what_was_left_out(mixed, tmp_path):
    missing = tmp_path / "nope.csv"
    res = invoke(mixed, missing, "--list", "--format", "json")
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    assert [i["path"] for i in doc["inputs"]] == [str(mixed), str(missing)]
    whole, gone = doc["inputs"]
    assert whole["error"] is None and whole["unreadable"] == []
    assert {"name": "csvrun/metrics.csv: loss", "points": 2240} in whole["metrics"]
    assert gone["metrics"] == [] and "no such file" in gone["error"]


def test_listing_names_are_sanitised(tmp_path):
    root = tmp_path / "runs"
    evil = root / "evil\x1b]52;c;aGk=\x07\u202e"
    evil.mkdir(parents=True)
    shutil.copy(FIXTURES / "example-buggy.csv", evil / "metrics.csv")
    (root / "other.csv").write_bytes(bad.csv_bytes())
    res = invoke(root, "--list")
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.stdout and "\x07" not in res.stdout and "\u202e" not in res.stdout
    assert any(k.startswith("evil") and k.endswith("metrics.csv: loss") for k in listing(res))


def test_a_forced_format_other_than_tensorboard_on_a_directory_is_refused(mixed):
    """As the analysis refuses it: --input-format csv on a directory listed its TensorBoard
    runs as if the option were not there."""
    res = invoke(mixed, "--list", "--input-format", "csv")
    assert res.exit_code == 2 and "is a directory; pass the log file itself" in res.stderr
    assert res.stdout == ""


def test_a_symlinked_run_directory_is_said_not_silently_skipped(mixed, tmp_path):
    """`runs/exp2 -> /data/exp2`: the walk does not follow links to directories (loops, a
    run counted twice), and it used to skip this one without a word, even with -v."""
    target = tmp_path / "elsewhere" / "exp2"
    target.mkdir(parents=True)
    shutil.copy(FIXTURES / "example-buggy.csv", target / "metrics.csv")
    (mixed / "exp2").symlink_to(target, target_is_directory=True)
    res = invoke(mixed, "--format", "json", "--jobs", "1")
    assert res.exit_code == 1, res.output
    note = f"{mixed / 'exp2'}: a symbolic link to a directory, not followed"
    assert note in res.stderr
    assert all(any(note in w for w in r["warnings"]) for r in json.loads(res.stdout)["runs"])
    listed = invoke(mixed, "--list", "--format", "json")
    assert listed.exit_code == 0
    (item,) = json.loads(listed.stdout)["inputs"]
    assert any(note in n for n in item["notes"]) and note in listed.stderr


def test_a_name_the_listing_prints_selects_that_run(tmp_path):
    """The listing says `run: metric` (and errors say "use --list to see the metrics"):
    given to --metric, such a name applied to every run of a mixed directory, and every
    run failed to find a column called 'csv/pfb-digits.csv: loss'."""
    tree = build_tree(tmp_path / "runs")
    names = listing(invoke(tree, "--list"))
    picks = ["csv/pfb-digits.csv: loss", "tb/torch: train/loss",
             "text/keras3-fit-verbose1.log: loss", "mlruns/1/0a1b2c (brave-owl-42): loss"]
    assert set(picks) <= set(names), sorted(names)
    for name in picks:
        res = invoke(tree, "--metric", name, "--format", "json", "--jobs", "1")
        assert res.exit_code in (0, 1), (name, res.output)
        (run,) = json.loads(res.stdout)["runs"]
        assert f"{run['run']}: {run['metric']}" == name
        assert 0.9 * names[name] <= run["points"] <= names[name]  # listed: before normalizing
