"""Every option of `spikecheck` and `spikecheck plan` has a command-line test of what it does.

The tests here cover the options no other file runs through the command line for their
effect; OPTION_TESTS maps every option (by its click parameter name) to the tests that do,
here or elsewhere, and test_every_option_has_a_behaviour_test fails when an option is added
without one (or a mapped test is renamed away).
"""

from __future__ import annotations

import ast
import gzip
import json
import xml.etree.ElementTree as ET

import click
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from spikecheck.cli import main
from spikecheck.cli_plan import plan_command

BUGGY, FIXED = FIXTURES / "example-buggy.csv", FIXTURES / "example-fixed.csv"
EXAMPLE = ("--dataset-size", "1777", "--batch-size", "16")

# (command, click parameter name) -> tests asserting what the option does ("file::test").
OPTION_TESTS: dict[tuple[str, str], list[str]] = {
    ("spikecheck", "dataset_size"): [
        "test_cli.py::test_buggy_example_is_epoch_aligned_partial_final_batch",
        "test_cli_geometry_options.py::test_loader_flags_give_the_loader_arithmetic"],
    ("spikecheck", "batch_size"): [
        "test_cli.py::test_buggy_example_is_epoch_aligned_partial_final_batch",
        "test_cli.py::test_period_discovery_with_no_epoch_information",
        "test_reader_text_lines.py::test_cli_batch_size_reaches_the_reader"],
    ("spikecheck", "drop_last"): [
        "test_cli_geometry_options.py::test_loader_flags_give_the_loader_arithmetic",
        "test_config.py::test_no_drop_last_overrides_drop_last_true"],
    ("spikecheck", "grad_accum"): [
        "test_cli_geometry_options.py::test_loader_flags_give_the_loader_arithmetic"],
    ("spikecheck", "world_size"): [
        "test_cli_geometry_options.py::test_loader_flags_give_the_loader_arithmetic"],
    ("spikecheck", "steps_per_epoch"): [
        "test_cli_options.py::test_steps_per_epoch_places_the_epochs"],
    ("spikecheck", "first_step"): [
        "test_cli_geometry_options.py::test_first_step_one_moves_every_boundary_by_one"],
    ("spikecheck", "metric"): ["test_cli_options.py::test_metric_chooses_the_loss_analysed"],
    ("spikecheck", "step_column"): ["test_cli_options.py::test_step_column_chooses_the_step"],
    ("spikecheck", "pattern"): [
        "test_reader_text_lines.py::test_pattern_with_epoch_and_iter_groups",
        "test_reader_text.py::test_cli_unknown_text_and_pattern"],
    ("spikecheck", "log_every"): [
        "test_cli_geometry_options.py::test_log_every_gives_a_csv_with_no_step_column_its_steps"],
    ("spikecheck", "input_format"): [
        "test_cli_options.py::test_input_format_skips_sniffing"],
    ("spikecheck", "fmt"): ["test_cli_options.py::test_each_format_writes_its_own_shape"],
    ("spikecheck", "fail_on"): [
        "test_cli.py::test_fail_on",
        "test_engine_decision.py::test_fail_on_not_clean_fails_an_inconclusive_run"],
    ("spikecheck", "quiet"): ["test_cli_output.py::test_quiet_prints_the_verdict_line_only"],
    ("spikecheck", "plot_path"): [
        "test_cli_output.py::test_plot_writes_a_png",
        "test_cli_output.py::test_plot_without_matplotlib_is_a_clear_exit_2"],
    ("spikecheck", "junit_path"): [
        "test_cli_output.py::test_junit_file_is_written_beside_the_terminal_report"],
    ("spikecheck", "list_only"): ["test_cli_options.py::test_list_names_each_metric_and_its_points",
                                  "test_reader_tensorboard.py::test_cli_list_of_a_directory"],
    ("spikecheck", "n_jobs"): ["test_fleet.py::test_pool_and_serial_give_identical_reports",
                               "test_cli_options.py::test_jobs_comes_from_the_environment_too"],
    ("spikecheck", "timeout"): [
        "test_fleet.py::test_a_run_past_the_timeout_is_an_error_and_the_others_are_reported"],
    ("spikecheck", "include"): ["test_fleet.py::test_include_and_exclude_globs_pick_the_runs"],
    ("spikecheck", "exclude"): ["test_fleet.py::test_include_and_exclude_globs_pick_the_runs"],
    ("spikecheck", "verbose"): [
        "test_fleet.py::test_verbose_lists_each_skipped_file_with_its_reason"],
    ("spikecheck", "max_input_bytes"): [
        "test_cli_options.py::test_max_input_bytes_caps_what_gzip_may_inflate_to",
        "test_hostile_budgets.py::test_stdin_spooling_stops_at_the_limit"],
    ("spikecheck", "show_config"): [
        "test_config.py::test_show_config_says_where_each_setting_comes_from"],
    ("spikecheck", "version"): ["test_cli.py::test_dash_capital_v_prints_the_version"],
    ("spikecheck", "help"): ["test_cli.py::test_help_shows_examples",
                             "test_cli_options.py::test_short_help_is_the_help"],
    ("plan", "dataset_size"): ["test_plan.py::test_cli_seed_bug_exits_1_with_the_16x_warning",
                               "test_plan.py::test_cli_json_clean_has_no_warnings_and_exits_0"],
    ("plan", "batch_size"): ["test_plan.py::test_cli_seed_bug_exits_1_with_the_16x_warning"],
    ("plan", "drop_last"): ["test_plan.py::test_cli_drop_last_exits_0"],
    ("plan", "grad_accum"): ["test_plan.py::test_cli_json_shape"],
    ("plan", "world_size"): ["test_plan.py::test_cli_json_shape"],
    ("plan", "framework"): ["test_plan.py::test_fix_is_in_the_frameworks_own_words"],
    ("plan", "fmt"): ["test_plan.py::test_cli_json_shape"],
    ("plan", "help"): ["test_plan.py::test_group_help_shows_the_analysis_options_and_plan"],
}
COMMANDS = {"spikecheck": main, "plan": plan_command}


def _options(command: click.Command) -> set[str]:
    """The command's options by parameter name (click's own help option as "help")."""
    ctx = click.Context(command, **command.context_settings)
    help_option = command.get_help_option(ctx)
    return {"help" if p is help_option else p.name for p in command.get_params(ctx)
            if isinstance(p, click.Option)}


def _test_functions(file: str) -> set[str]:
    tree = ast.parse((ROOT / "tests" / file).read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_every_option_has_a_behaviour_test():
    declared = {(name, opt) for name, cmd in COMMANDS.items() for opt in _options(cmd)}
    missing = sorted(declared - set(OPTION_TESTS))
    assert not missing, f"options without a command-line test in OPTION_TESTS: {missing}"
    stale = sorted(set(OPTION_TESTS) - declared)
    assert not stale, f"OPTION_TESTS names options the commands no longer have: {stale}"
    for key, tests in OPTION_TESTS.items():
        assert tests, key
        for ref in tests:
            file, func = ref.split("::")
            assert func in _test_functions(file), f"{key}: no test {ref}"


def invoke(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def runs(res) -> list[dict]:
    return json.loads(res.stdout)["runs"]


@pytest.fixture(scope="module")
def no_epoch_buggy(tmp_path_factory):
    """The buggy example without its epoch column: only flags place the epochs."""
    rows = [r.split(",") for r in BUGGY.read_text().splitlines()]
    si, li = rows[0].index("step"), rows[0].index("loss")
    p = tmp_path_factory.mktemp("opts") / "run.csv"
    p.write_text("".join(f"{r[si]},{r[li]}\n" for r in rows))
    return p


def test_steps_per_epoch_places_the_epochs(no_epoch_buggy):
    (run,) = runs(invoke(no_epoch_buggy, "--steps-per-epoch", "112", "--format", "json"))
    g = run["geometry"]
    assert (g["source"], g["steps_per_epoch"], g["boundaries_in_range"]) == \
        ("steps-per-epoch", 112, 19)
    assert run["verdict"] == "epoch-aligned-spikes"
    (other,) = runs(invoke(no_epoch_buggy, "--steps-per-epoch", "56", "--format", "json"))
    assert other["geometry"]["boundaries_in_range"] > 19  # the flag sets where they fall


def _two_losses(tmp_path):
    """The buggy run's loss and, beside it, the fixed run's as `aux_loss`."""
    b = BUGGY.read_text().splitlines()
    f = FIXED.read_text().splitlines()
    p = tmp_path / "two.csv"
    p.write_text("step,loss,aux_loss\n" + "".join(
        f"{x.split(',')[0]},{x.split(',')[2]},{y.split(',')[2]}\n" for x, y in zip(b[1:], f[1:])))
    return p


def test_metric_chooses_the_loss_analysed(tmp_path):
    p = _two_losses(tmp_path)
    (default,) = runs(invoke(p, *EXAMPLE, "--format", "json"))
    (aux,) = runs(invoke(p, *EXAMPLE, "--metric", "aux_loss", "--format", "json"))
    assert (default["metric"], default["verdict"]) == ("loss", "epoch-aligned-spikes")
    assert (aux["metric"], aux["verdict"]) == ("aux_loss", "clean")
    res = invoke(p, "-m", "no_such", "--format", "json")
    assert res.exit_code == 2 and "no column 'no_such'" in res.output


def test_step_column_chooses_the_step(tmp_path):
    rows = BUGGY.read_text().splitlines()[1:]
    p = tmp_path / "samples.csv"
    p.write_text("step,samples,loss\n" + "".join(
        f"{r.split(',')[0]},{int(r.split(',')[0]) * 16},{r.split(',')[2]}\n" for r in rows))
    (by_step,) = runs(invoke(p, "--format", "json"))
    (by_samples,) = runs(invoke(p, "--step-column", "samples", "--format", "json"))
    assert (by_step["first_step"], by_step["last_step"]) == (0, 2239)
    assert (by_samples["first_step"], by_samples["last_step"]) == (0, 2239 * 16)


def test_input_format_skips_sniffing(tmp_path):
    p = tmp_path / "run.json"  # a CSV with a misleading name: the content decides...
    p.write_text(BUGGY.read_text())
    assert invoke(p, *EXAMPLE, "-q").exit_code == 1
    forced = invoke(p, *EXAMPLE, "-q", "--input-format", "json")  # ...unless forced
    assert forced.exit_code == 2 and "spikecheck: error" in forced.output
    assert invoke(p, *EXAMPLE, "-q", "--input-format", "csv").exit_code == 1


@pytest.mark.parametrize("fmt", ["terminal", "json", "jsonl", "markdown", "github", "junit"])
def test_each_format_writes_its_own_shape(fmt):
    res = invoke(BUGGY, FIXED, *EXAMPLE, "--format", fmt)
    assert res.exit_code == 1
    out = res.stdout
    if fmt == "terminal":
        assert out.startswith("epoch-aligned-spikes") and "2 runs, 1 failing" in out
    elif fmt == "json":
        assert [r["verdict"] for r in json.loads(out)["runs"]] == ["epoch-aligned-spikes",
                                                                   "clean"]
    elif fmt == "jsonl":
        lines = out.splitlines()
        assert [json.loads(x)["verdict"] for x in lines] == ["epoch-aligned-spikes", "clean"]
    elif fmt == "markdown":
        assert out.startswith("## spikecheck: 1 of 2 runs fail")
    elif fmt == "github":
        assert out.startswith("::error file=") and "example-buggy.csv" in out.splitlines()[0]
    else:
        cases = ET.fromstring(out).findall("testsuite/testcase")
        assert [c.find("failure") is not None for c in cases] == [True, False]


def test_list_names_each_metric_and_its_points():
    res = invoke(BUGGY, "--list")
    assert res.exit_code == 0
    assert res.stdout.splitlines() == [str(BUGGY), "  step\t2240", "  epoch\t2240",
                                       "  loss\t2240"]


def test_jobs_comes_from_the_environment_too(tmp_path):
    """--jobs N, or SPIKECHECK_JOBS: the same reports in a pool as in this process."""
    logs = tmp_path / "runs"
    logs.mkdir()
    for name in ("a.csv", "b.csv", "c.csv"):
        (logs / name).write_text((BUGGY if name != "b.csv" else FIXED).read_text())
    serial = runs(invoke(logs, *EXAMPLE, "--format", "json", "-j", "1"))
    pooled = runs(invoke(logs, *EXAMPLE, "--format", "json", env={"SPIKECHECK_JOBS": "2"}))
    assert serial == pooled and [r["verdict"] for r in serial] == [
        "epoch-aligned-spikes", "clean", "epoch-aligned-spikes"]
    bad = invoke(logs, "--format", "json", "--jobs", "0")
    assert bad.exit_code == 2 and "--jobs" in bad.output


def test_max_input_bytes_caps_what_gzip_may_inflate_to(tmp_path):
    p = tmp_path / "run.csv.gz"
    p.write_bytes(gzip.compress(BUGGY.read_bytes()))  # 40 KB of CSV
    capped = invoke(p, *EXAMPLE, "-q", "--max-input-bytes", "16K")
    assert capped.exit_code == 2 and "--max-input-bytes" in capped.output
    assert invoke(p, *EXAMPLE, "-q", "--max-input-bytes", "1M").exit_code == 1
    assert invoke(p, *EXAMPLE, "-q", "--max-input-bytes", "0").exit_code == 1  # no limit


def test_short_help_is_the_help():
    long, short = invoke("--help"), invoke("-h")
    assert long.exit_code == short.exit_code == 0
    assert short.stdout == long.stdout and "--dataset-size" in short.stdout
