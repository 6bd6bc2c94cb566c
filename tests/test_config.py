"""[tool.spikecheck] in pyproject.toml: found upward, below the command line, checked strictly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spikecheck.cli import main
from spikecheck.config import ConfigError, find_pyproject, load

EXAMPLE_GEOMETRY = '[tool.spikecheck]\ndataset-size = 1777\nbatch-size = 16\n'


def project(root: Path, toml: str, git: bool = True) -> Path:
    """A repository at `root` with this pyproject.toml and a nested working directory."""
    root.mkdir(parents=True, exist_ok=True)
    if git:
        (root / ".git").mkdir(exist_ok=True)
    (root / "pyproject.toml").write_text(toml, encoding="utf-8")
    sub = root / "experiments" / "run1"
    sub.mkdir(parents=True, exist_ok=True)
    return sub


def invoke(cwd: Path, monkeypatch, *args):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, [str(a) for a in args])


def test_found_from_a_subdirectory_up_to_the_repository_top(tmp_path):
    sub = project(tmp_path / "repo", EXAMPLE_GEOMETRY)
    assert find_pyproject(sub) == tmp_path / "repo" / "pyproject.toml"
    assert load(sub).default_map() == {"dataset_size": 1777, "batch_size": 16}


def test_search_stops_at_the_git_directory(tmp_path):
    """A pyproject above the repository's top belongs to someone else."""
    (tmp_path / "pyproject.toml").write_text(EXAMPLE_GEOMETRY, encoding="utf-8")
    sub = project(tmp_path / "repo", '[project]\nname = "x"\n')
    assert find_pyproject(sub) is None
    assert load(sub).values == {}


def test_a_pyproject_without_the_table_is_passed_over(tmp_path):
    sub = project(tmp_path / "repo", EXAMPLE_GEOMETRY)
    (sub / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n', encoding="utf-8")
    assert find_pyproject(sub) == tmp_path / "repo" / "pyproject.toml"


def test_project_defaults_give_the_same_report_as_the_options(tmp_path, monkeypatch, fixtures):
    log = fixtures / "example-buggy.csv"
    with_flags = invoke(tmp_path, monkeypatch, log, "--dataset-size", "1777", "--batch-size",
                        "16", "--fail-on", "any-spike", "--format", "json")
    sub = project(tmp_path / "repo", EXAMPLE_GEOMETRY + 'fail-on = "any-spike"\n')
    from_file = invoke(sub, monkeypatch, log, "--format", "json")
    assert from_file.exit_code == with_flags.exit_code == 1
    a, b = json.loads(with_flags.output), json.loads(from_file.output)
    assert b["fail_on"] == "any-spike"
    assert a["runs"][0]["geometry"] == b["runs"][0]["geometry"]
    assert b["runs"][0]["geometry"]["steps_per_epoch"] == 112
    assert a["runs"][0]["verdict"] == b["runs"][0]["verdict"] == "epoch-aligned-spikes"


def test_the_command_line_overrides_the_file(tmp_path, monkeypatch, fixtures):
    sub = project(tmp_path / "repo", EXAMPLE_GEOMETRY + 'fail-on = "never"\n')
    log = fixtures / "example-buggy.csv"
    assert invoke(sub, monkeypatch, log, "-q").exit_code == 0  # fail-on never from the file
    res = invoke(sub, monkeypatch, log, "--batch-size", "32", "--fail-on", "epoch-aligned",
                 "--format", "json")
    run = json.loads(res.output)["runs"][0]
    assert run["geometry"]["batch_size"] == 32
    assert res.exit_code == (1 if run["verdict"] == "epoch-aligned-spikes" else 0)


def test_no_drop_last_overrides_drop_last_true(tmp_path, monkeypatch, fixtures):
    sub = project(tmp_path / "repo", EXAMPLE_GEOMETRY + "drop_last = true\n")
    log = fixtures / "example-fixed.csv"
    dropped = json.loads(invoke(sub, monkeypatch, log, "--format", "json").output)
    kept = json.loads(invoke(sub, monkeypatch, log, "--no-drop-last", "--format",
                             "json").output)
    assert dropped["runs"][0]["geometry"]["drop_last"] is True
    assert kept["runs"][0]["geometry"]["drop_last"] is False
    assert kept["runs"][0]["geometry"]["final_batch"] == 1


def test_show_config_says_where_each_setting_comes_from(tmp_path, monkeypatch):
    sub = project(tmp_path / "repo", EXAMPLE_GEOMETRY + 'include = ["logs/*.csv"]\n')
    res = invoke(sub, monkeypatch, "--show-config", "--batch-size", "32")
    assert res.exit_code == 0
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in res.output.splitlines()
            if not line.startswith("#")}
    path = str(tmp_path / "repo" / "pyproject.toml")
    assert rows["dataset-size"][0] == "1777" and rows["dataset-size"][1].startswith(path)
    assert rows["batch-size"] == ["32", "command line"]
    assert rows["fail-on"] == ['"epoch-aligned"', "default"]
    assert rows["include"][0] == '["logs/*.csv"]'


def test_show_config_without_a_project_file(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    res = invoke(tmp_path, monkeypatch, "--show-config")
    assert res.exit_code == 0
    assert "project file: none" in res.output
    assert all(line.rstrip().endswith("default") for line in res.output.splitlines()[1:])


def test_logs_are_still_required_without_show_config(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    res = invoke(tmp_path, monkeypatch)
    assert res.exit_code == 2 and "Missing argument 'LOG...'" in res.output


@pytest.mark.parametrize("line, named", [
    ("batchsize = 16", "'batchsize'"),
    ('batch-size = "16"', "'batch-size' must be an integer"),
    ("batch-size = 0", "'batch-size' must be an integer of at least 1"),
    ("grad-accum = true", "'grad-accum' must be an integer"),
    ("drop-last = 1", "'drop-last' must be true or false"),
    ('fail-on = "sometimes"', "'fail-on' must be one of"),
    ('metric = ""', "'metric' must be a non-empty string"),
    ('include = "logs/*.csv"', "'include' must be a list of glob strings"),
    ("exclude = [1]", "'exclude' must be a list of glob strings"),
    ("dataset-size = 10\ndataset_size = 10", "'dataset-size' is given twice"),
])
def test_a_bad_key_is_one_line_naming_it_and_exit_2(tmp_path, monkeypatch, fixtures, line,
                                                    named):
    sub = project(tmp_path / "repo", f"[tool.spikecheck]\n{line}\n")
    with pytest.raises(ConfigError, match="tool.spikecheck"):
        load(sub)
    res = invoke(sub, monkeypatch, fixtures / "example-buggy.csv")
    assert res.exit_code == 2
    (err,) = res.output.strip().splitlines()
    assert err.startswith("spikecheck: error: ") and named in err
    assert "Traceback" not in res.output


def test_invalid_toml_is_a_clear_error(tmp_path, monkeypatch, fixtures):
    sub = project(tmp_path / "repo", "[tool.spikecheck\nbatch-size = 16\n")
    res = invoke(sub, monkeypatch, fixtures / "example-buggy.csv")
    assert res.exit_code == 2 and "not valid TOML" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_help_works_even_with_a_bad_project_file(tmp_path, monkeypatch):
    sub = project(tmp_path / "repo", "[tool.spikecheck]\nnope = 1\n")
    res = invoke(sub, monkeypatch, "--help")
    assert res.exit_code == 0 and "--show-config" in res.output


def test_a_deleted_current_directory_means_no_project_file(tmp_path, monkeypatch, fixtures):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    res = CliRunner().invoke(main, [str(fixtures / "example-fixed.csv"), "-N", "1777",
                                    "-B", "16", "-q"])
    assert res.exit_code == 0 and res.output.startswith("clean")
