"""Every loader option of the analysis command, through the command line (issue 17): each
changes the geometry the way the loader arithmetic says."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from spikecheck.cli import main


@pytest.fixture(scope="module")
def no_epoch_csv(tmp_path_factory):
    """The bundled fixed run (no recurring spike to correct the flags by) with its epoch
    column removed: the flags alone place epochs."""
    rows = (FIXTURES / "example-fixed.csv").read_text().splitlines()
    head = rows[0].split(",")
    si, li = head.index("step"), head.index("loss")
    p = tmp_path_factory.mktemp("geo") / "run.csv"
    p.write_text("step,loss\n" + "".join(f"{r.split(',')[si]},{r.split(',')[li]}\n"
                                         for r in rows[1:]))
    return p


def geometry(path, *flags) -> dict:
    res = CliRunner().invoke(main, [str(path), "--format", "json", "-N", "1777", "-B", "16",
                                    *flags])
    assert res.exit_code in (0, 1), res.output
    return json.loads(res.stdout)["runs"][0]["geometry"]


@pytest.mark.parametrize("flags, steps, final", [
    ((), 112, 1),                          # ceil(1777/16) = 112, 1777 = 111 x 16 + 1
    (("--drop-last",), 111, 16),           # the short batch dropped: every batch full
    (("--grad-accum", "4"), 28, 1),        # ceil(112/4) optimizer steps
    (("--world-size", "2"), 56, 9),        # 889 samples a device: 55 x 16 + 9
])
def test_loader_flags_give_the_loader_arithmetic(no_epoch_csv, flags, steps, final):
    g = geometry(no_epoch_csv, *flags)
    assert g["source"] == "dataset-size"
    assert (g["steps_per_epoch"], g["final_batch"]) == (steps, final)


def test_first_step_one_moves_every_boundary_by_one(no_epoch_csv):
    assert geometry(no_epoch_csv, "--first-step", "1")["origin"] == 1
    assert geometry(no_epoch_csv, "--first-step", "0")["origin"] == 0


def test_log_every_gives_a_csv_with_no_step_column_its_steps(tmp_path):
    values = [1.0 + 0.01 * (i % 7) for i in range(60)]
    p = tmp_path / "nostep.csv"
    p.write_text("loss,accuracy\n" + "".join(f"{v},0.5\n" for v in values))
    res = CliRunner().invoke(main, [str(p), "--format", "json", "--log-every", "10"])
    run = json.loads(res.stdout)["runs"][0]
    assert (run["first_step"], run["last_step"]) == (10, 600)
    assert any("--log-every" in w for w in run["warnings"])
    plain = json.loads(CliRunner().invoke(main, [str(p), "--format", "json"]).stdout)["runs"][0]
    assert (plain["first_step"], plain["last_step"]) == (0, 59)


def test_flags_the_spikes_contradict_are_named_and_corrected(tmp_path):
    rows = (FIXTURES / "example-buggy.csv").read_text().splitlines()
    head = rows[0].split(",")
    si, li = head.index("step"), head.index("loss")
    p = tmp_path / "buggy.csv"
    p.write_text("step,loss\n" + "".join(f"{r.split(',')[si]},{r.split(',')[li]}\n"
                                         for r in rows[1:]))
    res = CliRunner().invoke(main, [str(p), "--format", "json", "-N", "1777", "-B", "16",
                                    "--drop-last"])
    run = json.loads(res.stdout)["runs"][0]
    assert "drop_last=False" in run["geometry_mismatch"]
    assert (run["geometry"]["steps_per_epoch"], run["geometry"]["final_batch"]) == (112, 1)
    assert run["cause"] == "partial-final-batch"
