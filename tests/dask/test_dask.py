"""spikecheck.dask: the same results as the command line, computed by Dask, local or remote.

Not part of `make test`: `make test-dask` (marker `dask`) installs dask[bag], distributed
and fsspec in their own venv. Remote paths are fsspec's in-memory filesystem (memory://),
so nothing here needs a network.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.dask
dask = pytest.importorskip("dask")
fsspec = pytest.importorskip("fsspec")

from click.testing import CliRunner  # noqa: E402
from fleet_tree import EXPECTED_RUNS, build_tree  # noqa: E402

import spikecheck.dask as sd  # noqa: E402
from spikecheck.cli import main  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return build_tree(tmp_path_factory.mktemp("fleet"))


def cli_list(*args) -> list[dict]:
    res = CliRunner().invoke(main, [*map(str, args), "--format", "json", "--jobs", "2"])
    return json.loads(res.stdout)["runs"]


def cli_runs(*args) -> dict[str, dict]:
    return {r["run"]: r for r in cli_list(*args)}


def test_the_bag_holds_the_cli_results_on_the_synchronous_scheduler(tree):
    bag = sd.check_many([tree], dataset_size=1777, batch_size=16)
    got = {r["run"]: r for r in bag.compute(scheduler="synchronous")}
    assert set(got) == set(EXPECTED_RUNS)
    assert got == cli_runs(tree, "--dataset-size", "1777", "--batch-size", "16")


def test_a_local_cluster_gives_the_same_results(tree):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        got = {r["run"]: r for r in client.compute(sd.check_many([tree])).result()}
    assert got == cli_runs(tree)


def test_remote_paths_are_read_through_fsspec_memory():
    fs = fsspec.filesystem("memory")
    csv = FIXTURES / "runs" / "pfb-digits-mlp-sgdm-b16-r1.csv"
    fs.pipe("/fleet/pfb.csv", csv.read_bytes())
    for f in (FIXTURES / "tensorboard" / "torch-newstyle").iterdir():
        fs.pipe(f"/fleet/tb/torch/{f.name}", f.read_bytes())
    try:
        got = {r["source"]: r for r in sd.check_many(
            ["memory://fleet/pfb.csv", "memory://fleet/tb/torch", "memory://fleet/nope.csv"],
            dataset_size=1777, batch_size=16).compute(scheduler="synchronous")}
    finally:
        fs.rm("/fleet", recursive=True)
    local = cli_list(csv, FIXTURES / "tensorboard" / "torch-newstyle",
                     "--dataset-size", "1777", "--batch-size", "16")
    (local_csv,) = [r for r in local if r["source"] == str(csv)]
    (local_tb,) = [r for r in local if r["source"].endswith("torch-newstyle")]
    remote_csv = got["memory://fleet/pfb.csv"]
    remote_tb = got["memory://fleet/tb/torch"]
    for key in ("verdict", "cause", "points", "spikes", "period", "alignment"):
        assert remote_csv[key] == local_csv[key], key
        assert remote_tb[key] == local_tb[key], key
    assert remote_csv["verdict"] == "epoch-aligned-spikes"
    missing = got["memory://fleet/nope.csv"]
    assert missing["verdict"] is None and "no such file" in missing["error"]
    assert "memory://fleet/nope.csv" in missing["error"]


def test_the_dataframe_view_counts_the_failing_runs(tree):
    df = sd.to_dataframe(sd.check_many([tree])).compute(scheduler="synchronous")
    assert sorted(df["run"]) == sorted(EXPECTED_RUNS)
    cli = cli_runs(tree)
    assert int(df["failed"].sum()) == sum(r["failed"] for r in cli.values())
