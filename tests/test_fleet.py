"""Fleets of runs: a directory of mixed formats, many runs at once, slow and broken runs.

The tree (tests/fleet_tree.py) is built from the repo's real fixtures. Pools are asked for
explicitly with --jobs 2 (the suite otherwise runs in-process, see conftest.py); on Linux
the pool forks, so a reader monkeypatched here is the one the workers run.
"""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fleet_tree import EXPECTED_RUNS, build_tree

import spikecheck.readers.registry as registry
from spikecheck.cli import main
from spikecheck.readers.discover import discover


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def runs_of(res) -> dict[str, dict]:
    """The JSON report's runs keyed by their name relative to the directory."""
    return {r["run"]: r for r in json.loads(res.stdout)["runs"]}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return build_tree(tmp_path_factory.mktemp("fleet"))


@pytest.fixture()
def own_tree(tmp_path):
    return build_tree(tmp_path / "runs")


@pytest.fixture(params=["one-by-one", "batched"])
def batching(request, monkeypatch):
    """The pool sends the tree's 8 runs one at a time (as to any small fleet), or in
    batches of several (as to a long fleet: spikecheck.fleet.batch_size)."""
    import spikecheck.fleet as fleet

    if request.param == "batched":
        monkeypatch.setattr(fleet, "BATCHES_PER_WORKER", 1)
        assert fleet.batch_size(len(EXPECTED_RUNS), 2) > 1
    return request.param


def test_discovery_finds_each_log_once_and_sets_side_files_aside(tree):
    found = discover(tree)
    assert {r.name: r.kind for r in found.runs} == EXPECTED_RUNS
    skipped = dict(found.skipped)
    assert "older copy" in skipped["hf-out/checkpoint-10/trainer_state.json"]
    assert "validation" in skipped["tb/keras/validation"]
    for side in ("lightning_logs/version_0/hparams.yaml", "text/notes.txt", "plot.png",
                 "hf-out/all_results.json", "mlruns/1/0a1b2c/tags/mlflow.runName",
                 "hf-out/checkpoint-20/model.safetensors"):
        assert side in skipped, side
    run_files = {os.path.relpath(r.path, tree) for r in found.runs}
    assert not run_files & set(skipped)
    mlflow = next(r for r in found.runs if r.kind == "mlflow")
    assert mlflow.metric == "loss" and mlflow.path.endswith("metrics/loss")


def test_directory_of_every_format_is_analysed_run_by_run(tree):
    res = invoke(tree, "--format", "json", "--jobs", "2")
    runs = runs_of(res)
    assert set(runs) == set(EXPECTED_RUNS)
    assert len(json.loads(res.stdout)["runs"]) == len(EXPECTED_RUNS)  # each one once
    assert all(r["verdict"] for r in runs.values()), runs
    assert runs["csv/pfb-digits.csv"]["verdict"] == "epoch-aligned-spikes"
    assert runs["csv/clean-digits.csv"]["verdict"] == "clean"
    assert runs["hf-out/checkpoint-20/trainer_state.json"]["file"].endswith(
        os.path.join("checkpoint-20", "trainer_state.json"))
    assert res.exit_code == 1  # the worst run fails --fail-on epoch-aligned
    assert f"{len(EXPECTED_RUNS)} runs found" in res.stderr
    assert "side files skipped" in res.stderr and "hparams.yaml" not in res.stderr


def test_verbose_lists_each_skipped_file_with_its_reason(tree):
    res = invoke(tree, "-q", "--verbose", "--jobs", "1")
    assert "skipped lightning_logs/version_0/hparams.yaml (configuration" in res.stderr
    assert "skipped hf-out/checkpoint-10/trainer_state.json (an older copy" in res.stderr


def test_pool_and_serial_give_identical_reports(tree, batching):
    serial = json.loads(invoke(tree, "--format", "json", "--jobs", "1").stdout)
    pooled = json.loads(invoke(tree, "--format", "json", "--jobs", "2").stdout)
    assert serial == pooled
    assert [r["run"] for r in serial["runs"]] == sorted(EXPECTED_RUNS)


def test_jsonl_has_one_line_per_run_equal_to_the_json_run_objects(tree):
    doc = runs_of(invoke(tree, "--format", "json", "--jobs", "1"))
    res = invoke(tree, "--format", "jsonl", "--jobs", "2")
    lines = res.stdout.splitlines()
    assert len(lines) == len(EXPECTED_RUNS)
    assert {json.loads(x)["run"]: json.loads(x) for x in lines} == doc


def test_jsonl_streams_each_run_as_it_finishes(own_tree, monkeypatch, tmp_path):
    """A run held until the first line is out does not hold back the lines of the runs
    done before it: the held run waits (in its worker) for a mark the parent makes when it
    writes its first line, so the test needs no timing, only the order of events."""
    real = registry.read_input
    first_line, waited_out = tmp_path / "first-line", tmp_path / "waited-out"

    def held_until_a_line_is_out(arg, options, forced=None):
        if arg.endswith("pfb-digits.csv"):
            deadline = time.monotonic() + 120  # only a broken stream waits this out
            while not first_line.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            if not first_line.exists():
                waited_out.touch()
        return real(arg, options, forced)

    monkeypatch.setattr(registry, "read_input", held_until_a_line_is_out)
    import spikecheck.cli as cli

    writes: list[str] = []
    real_write = cli._write_stdout

    def write(text):
        writes.append(text)
        first_line.touch()
        return real_write(text)

    monkeypatch.setattr(cli, "_write_stdout", write)
    res = invoke(own_tree, "--format", "jsonl", "--jobs", "2")
    assert len(res.stdout.splitlines()) == len(EXPECTED_RUNS)
    assert not waited_out.exists(), "no line went out while a run was still working"
    assert len(writes) >= 2
    assert "pfb-digits.csv" not in writes[0]
    assert any("pfb-digits.csv" in w for w in writes[1:])


# The command line in a subprocess with one run held until the test opens a gate: the
# other runs' lines must reach the pipe while that run is still waiting.
GATED = """
import os, sys, time
import spikecheck.readers.registry as registry
real = registry.read_input
def gated(arg, options, forced=None):
    if arg.endswith("pfb-digits.csv"):
        t0 = time.monotonic()
        while not os.path.exists(os.environ["GATE"]) and time.monotonic() - t0 < 60:
            time.sleep(0.02)
    return real(arg, options, forced)
registry.read_input = gated
from spikecheck.cli import run
sys.argv = ["spikecheck", *sys.argv[1:]]
run()
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jsonl_reaches_a_pipe_before_the_last_run_finishes(own_tree, tmp_path, jobs):
    gate = tmp_path / "gate"
    env = {**os.environ, "GATE": str(gate),
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    env.pop("PYTHONUNBUFFERED", None)  # a pipe is block-buffered: only flushing streams
    p = subprocess.Popen([sys.executable, "-c", GATED, str(own_tree), "--format", "jsonl",
                          "--jobs", jobs], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, text=True)
    try:
        ready, _, _ = select.select([p.stdout], [], [], 50)
        assert ready, "no line on the pipe while a run was still held"
        first = p.stdout.readline()
        assert p.poll() is None and not gate.exists()  # the held run has not finished
        assert json.loads(first)["run"] != "csv/pfb-digits.csv"
    finally:
        gate.touch()
        out, err = p.stdout.read(), p.stderr.read()  # not communicate(): readline buffered
        p.wait(timeout=120)
    lines = [first, *out.splitlines()]
    assert sorted(json.loads(x)["run"] for x in lines) == sorted(EXPECTED_RUNS), err
    assert p.returncode == 1


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_past_the_timeout_is_an_error_and_the_others_are_reported(own_tree,
                                                                       monkeypatch, jobs,
                                                                       batching):
    real = registry.read_input

    def hangs_on_one(arg, options, forced=None):
        if arg.endswith("clean-digits.csv"):
            time.sleep(300)
        return real(arg, options, forced)

    monkeypatch.setattr(registry, "read_input", hangs_on_one)
    t0 = time.monotonic()
    # --timeout 10, not 1: on a loaded machine a real run can take a second, and the test
    # is about the hung one (300 s) being cut, not about how fast the others are
    res = invoke(own_tree, "--format", "json", "--jobs", jobs, "--timeout", "10")
    assert time.monotonic() - t0 < 200
    runs = runs_of(res)
    assert set(runs) == set(EXPECTED_RUNS)
    assert "timed out after 10 s" in runs["csv/clean-digits.csv"]["error"]
    assert runs["csv/pfb-digits.csv"]["verdict"] == "epoch-aligned-spikes"
    assert res.exit_code == 2
    assert "timed out" in res.stderr


def test_a_crashed_worker_breaks_only_its_own_run(own_tree, batching, monkeypatch):
    real = registry.read_input

    def dies_on_one(arg, options, forced=None):
        if arg.endswith("clean-digits.csv"):
            os._exit(3)  # a segfault or the OOM killer, as the pool sees it
        return real(arg, options, forced)

    monkeypatch.setattr(registry, "read_input", dies_on_one)
    res = invoke(own_tree, "--format", "json", "--jobs", "2")
    runs = runs_of(res)
    assert set(runs) == set(EXPECTED_RUNS)
    assert "worker process died" in runs["csv/clean-digits.csv"]["error"]
    others = [r for name, r in runs.items() if name != "csv/clean-digits.csv"]
    assert all(r["verdict"] for r in others)
    assert res.exit_code == 2


def test_a_broken_log_in_the_directory_is_an_error_the_rest_analysed(own_tree, batching):
    (own_tree / "csv" / "torn.csv.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"step,loss" * 9)
    res = invoke(own_tree, "--format", "json", "--jobs", "2")
    runs = runs_of(res)
    assert runs["csv/torn.csv.gz"]["verdict"] is None and runs["csv/torn.csv.gz"]["error"]
    assert runs["csv/pfb-digits.csv"]["verdict"] == "epoch-aligned-spikes"
    assert res.exit_code == 2


def test_include_and_exclude_globs_pick_the_runs(tree):
    only_csv = runs_of(invoke(tree, "--format", "json", "--include", "csv/*"))
    assert set(only_csv) == {"csv/pfb-digits.csv", "csv/clean-digits.csv"}
    no_tb = runs_of(invoke(tree, "--format", "json", "--exclude", "tb/**",
                           "--exclude", "**/*.log"))
    assert set(no_tb) == set(EXPECTED_RUNS) - {"tb/keras/train", "tb/torch",
                                               "text/keras3-fit-verbose1.log"}


def test_project_include_and_exclude_apply_to_directories(tree, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.spikecheck]\ninclude = ["csv/*", "mlruns/**"]\nexclude = ["csv/clean-*"]\n')
    monkeypatch.chdir(tmp_path)
    runs = runs_of(invoke(tree, "--format", "json"))
    assert set(runs) == {"csv/pfb-digits.csv", "mlruns/1/0a1b2c (brave-owl-42)"}
    shown = invoke("--show-config").stdout
    assert '"csv/*", "mlruns/**"' in shown and "not filtered" not in shown


def test_summary_table_lists_the_worst_runs_first(tree):
    out = invoke(tree, "--jobs", "2").stdout
    table = out[out.index(f"{len(EXPECTED_RUNS)} runs, "):]
    fail = table.index("csv/pfb-digi")  # names fold at 80 columns
    warn = table.index("lightning_logs/")
    ok = table.index("csv/clean-dig")
    assert fail < warn < ok


def test_a_directory_whose_logs_all_fail_to_qualify_is_an_error(tmp_path):
    (tmp_path / "a.csv").write_text("step,lr\n" + "".join(f"{i},0.1\n" for i in range(50)))
    (tmp_path / "b.log").write_text("".join(f"step {i} loss 2.5\n" for i in range(3)))
    res = invoke(tmp_path, "--format", "json")
    assert res.exit_code == 2


def test_a_url_without_fsspec_says_how_to_install_it():
    pytest.importorskip("click")
    try:
        import fsspec  # noqa: F401
        pytest.skip("fsspec is installed here; make test-dask reads memory:// URLs")
    except ModuleNotFoundError:
        pass
    res = invoke("s3://bucket/exp7/metrics.csv", "--jobs", "1")
    assert res.exit_code == 2
    assert "s3://bucket/exp7/metrics.csv" in res.stderr
    assert "pip install 'spikecheck[remote]'" in res.stderr


def test_a_worker_deaf_to_its_alarm_is_killed_and_the_rest_reported(own_tree, batching,
                                                                     monkeypatch):
    """A run stuck where SIGALRM cannot reach it (blocked, as in a C extension's loop):
    the parent stops that pool after the grace period and runs the others again."""
    import signal

    real = registry.read_input

    def deaf_on_one(arg, options, forced=None):
        if arg.endswith("clean-digits.csv"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(300)
        return real(arg, options, forced)

    monkeypatch.setattr(registry, "read_input", deaf_on_one)
    t0 = time.monotonic()
    res = invoke(own_tree, "--format", "json", "--jobs", "2", "--timeout", "10")
    assert time.monotonic() - t0 < 200
    runs = runs_of(res)
    assert set(runs) == set(EXPECTED_RUNS)
    assert "its worker was stopped" in runs["csv/clean-digits.csv"]["error"]
    others = [r for name, r in runs.items() if name != "csv/clean-digits.csv"]
    assert all(r["verdict"] for r in others)
    assert res.exit_code == 2


def listed(stdout: str) -> dict[str, dict[str, int]]:
    """--list on a directory: {run: {metric: points}} from its `  run: metric<TAB>points`."""
    runs: dict[str, dict[str, int]] = {}
    for ln in stdout.splitlines()[1:]:
        name, points = ln.strip().rsplit("\t", 1)
        run, _, metric = name.rpartition(": ")
        runs.setdefault(run, {})[metric] = int(points)
    return runs


def test_list_shows_every_run_of_every_format_and_counts_what_was_skipped(tree):
    res = invoke(tree, "--list")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == str(tree)
    metrics = listed(res.stdout)
    assert set(metrics) == set(EXPECTED_RUNS)
    found = discover(tree)
    assert f"{len(found.skipped)} side files skipped" in res.stderr
    mlflow_dir = tree / "mlruns" / "1" / "0a1b2c" / "metrics"
    assert metrics["mlruns/1/0a1b2c (brave-owl-42)"] == {
        f.name: len(f.read_text().splitlines()) for f in mlflow_dir.iterdir()}
    assert "batch_loss" in metrics["tb/keras/train"] and "train/loss" in metrics["tb/torch"]
    with open(tree / "csv" / "pfb-digits.csv") as f:
        rows = sum(1 for _ in f) - 1
    assert metrics["csv/pfb-digits.csv"]["loss"] == rows
    assert "loss" in metrics["hf-out/checkpoint-20/trainer_state.json"]
    assert "train_loss_step" in metrics["lightning_logs/version_0/metrics.csv"]


def test_list_applies_include(tree):
    res = invoke(tree, "--list", "--include", "csv/*", "--include", "mlruns/**")
    assert set(listed(res.stdout)) == {"csv/pfb-digits.csv", "csv/clean-digits.csv",
                                       "mlruns/1/0a1b2c (brave-owl-42)"}


def test_list_reports_a_run_it_cannot_read_and_lists_the_others(own_tree):
    (own_tree / "csv" / "torn.csv.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"step,loss" * 9)
    res = invoke(own_tree, "--list")
    assert res.exit_code == 2
    metrics = listed(res.stdout)
    assert set(metrics) == set(EXPECTED_RUNS) and metrics["csv/pfb-digits.csv"]
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("spikecheck: error:")]
    assert len(errors) == 1 and "torn.csv.gz" in errors[0]


def test_list_of_a_directory_without_logs_says_so(tmp_path):
    (tmp_path / "config.yaml").write_text("lr: 0.1\n")
    res = invoke(tmp_path, "--list")
    assert res.exit_code == 2
    assert res.stderr.startswith("spikecheck: error:")


@pytest.mark.parametrize("color, quiet", [(False, False), (True, False), (False, True)])
def test_a_terminal_report_put_together_from_run_parts_equals_the_whole(tree, color, quiet):
    """Workers render their runs' parts of the terminal report; joined with the summary
    they are exactly what the renderer prints for all the runs at once."""
    from spikecheck.fleet import Job, Settings, run_jobs
    from spikecheck.fleet_render import part, terminal_report
    from spikecheck.geometry import GeometryInputs
    from spikecheck.readers import ReadOptions
    from spikecheck.render.interface import RenderOptions
    from spikecheck.render.terminal import TerminalRenderer

    jobs = [Job(r.path, run=r.name, root=str(tree), metric=r.metric, lenient=True)
            for r in discover(tree).runs]
    settings = Settings(ReadOptions(), None, GeometryInputs(), "epoch-aligned")
    outcomes = [o for r in run_jobs(jobs, settings, 1, lambda r: None) for o in r.outcomes]
    options = RenderOptions(color=color, quiet=quiet, width=90)
    whole = io.StringIO()
    TerminalRenderer().render(outcomes, options, whole)
    parts = [part("terminal", o, options, None) for o in outcomes]
    assert terminal_report(parts, outcomes, options, None) == whole.getvalue()
    assert ("\x1b[" in whole.getvalue()) == color
    assert ("8 runs, " in whole.getvalue()) != quiet  # the summary table


def test_pool_and_serial_print_the_same_terminal_report(tree):
    serial = invoke(tree, "--jobs", "1")
    pooled = invoke(tree, "--jobs", "2")
    assert serial.stdout == pooled.stdout and serial.exit_code == pooled.exit_code == 1
    assert f"{len(EXPECTED_RUNS)} runs, " in pooled.stdout


def test_a_run_the_terminal_report_cannot_show_is_an_error_in_a_pool(own_tree, monkeypatch):
    """Its part fails in the worker and again in the parent: that run becomes an error
    line, every other run is shown with the summary table, exit 2."""
    import spikecheck.render.terminal as terminal

    real = terminal.verdict_line

    def verdict_line(o, *a, **kw):
        if "clean-digits" in o.name and o.report is not None:
            raise OverflowError("math range error")
        return real(o, *a, **kw)

    monkeypatch.setattr(terminal, "verdict_line", verdict_line)
    res = invoke(own_tree, "--jobs", "2")
    assert res.exit_code == 2
    assert "clean-digits.csv: internal error while writing the terminal report" in res.stderr
    assert f"{len(EXPECTED_RUNS)} runs, " in res.stdout
    assert res.stdout.count("epoch-aligned-spikes") >= 2  # pfb-digits and the Keras log


def test_a_pool_that_finished_is_closed_before_the_command_ends(own_tree, monkeypatch):
    """The pool was shut down without waiting: its manager thread, still closing its
    wake-up pipe, raced the interpreter's exit hook writing to it, and now and then the
    command ended with "Exception ignored in: <module 'threading'> ... Bad file
    descriptor" on stderr (about 1 run in 50 of a directory whose runs all fail)."""
    from concurrent.futures import ProcessPoolExecutor

    managers = []
    real = ProcessPoolExecutor.shutdown

    def shutdown(self, wait=True, *, cancel_futures=False):
        thread = self._executor_manager_thread
        real(self, wait=wait, cancel_futures=cancel_futures)
        managers.append(thread)

    monkeypatch.setattr(ProcessPoolExecutor, "shutdown", shutdown)
    res = invoke(own_tree, "--format", "json", "--jobs", "2")
    assert set(runs_of(res)) == set(EXPECTED_RUNS)
    assert managers and not any(t is not None and t.is_alive() for t in managers)
