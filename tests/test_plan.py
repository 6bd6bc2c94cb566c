"""`spikecheck plan` and spikecheck/epoch_plan.py: the loader arithmetic before training."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from spikecheck.cli_group import entry
from spikecheck.epoch_plan import PlanNoteCode, PlanWarningCode, make_plan
from spikecheck.geometry import GeometryError


def run(*args: str):
    return CliRunner().invoke(entry, list(args))


def codes(plan) -> list[str]:
    return [w.code for w in plan.warnings]


# --- the arithmetic -----------------------------------------------------------------------


def test_seed_bug_1390_steps_and_a_one_sample_final_batch():
    p = make_plan(22225, 16)
    assert (p.steps_per_epoch, p.final_batch) == (1390, 1)
    assert codes(p) == [PlanWarningCode.PARTIAL_FINAL_BATCH, PlanWarningCode.SINGLE_SAMPLE_BATCH]
    assert p.warnings[0].ratio == 16 and p.warnings[0].every_steps == 1390


def test_drop_last_is_clean_and_notes_the_samples_left_out():
    p = make_plan(22225, 16, drop_last=True)
    assert p.ok and p.steps_per_epoch == 1389 and p.final_batch == 16
    assert [(n.code, n.samples) for n in p.notes] == [(PlanNoteCode.SAMPLES_DROPPED, 1)]


def test_a_multiple_of_the_batch_is_clean():
    p = make_plan(1600, 16)
    assert p.ok and p.final_batch == 16 and p.notes == ()


def test_short_accumulation_window_alone_warns():
    # 64 full batches of 16, accumulating 5: 13 steps, the last holds 4 micro-batches
    p = make_plan(1024, 16, grad_accum=5)
    assert p.steps_per_epoch == 13 and p.final_window == 4
    assert codes(p) == [PlanWarningCode.PARTIAL_ACCUMULATION]
    assert p.warnings[0].ratio == pytest.approx(0.8)


def test_distributed_sampler_pads_every_device_to_the_same_count():
    # 1000 over 3 devices: 334 each (2 repeated), 334 = 20*16 + 14
    p = make_plan(1000, 16, world_size=3)
    assert p.samples_per_device == 334 and p.final_batch == 14
    assert [(n.code, n.samples) for n in p.notes] == [(PlanNoteCode.SAMPLER_PADDING, 2)]
    assert codes(p) == [PlanWarningCode.PARTIAL_FINAL_BATCH]


def test_tf_distribute_splits_the_final_global_batch_unevenly():
    # global batch 4*8=32; 1000 = 31*32 + 8: the last 8 samples over 4 replicas, 2 each
    p = make_plan(1000, 8, world_size=4, framework="tf")
    assert p.steps_per_epoch == 32 and (p.final_batch, p.final_batch_max) == (2, 2)
    # 994 = 31*32 + 2: two replicas get 1 sample, two get nothing
    p = make_plan(994, 8, world_size=4, framework="keras")
    assert (p.final_batch, p.final_batch_max) == (0, 1)
    assert codes(p)[0] == PlanWarningCode.EMPTY_DEVICE_BATCH and p.warnings[0].devices == 2
    assert PlanWarningCode.SINGLE_SAMPLE_BATCH in codes(p)


@pytest.mark.parametrize("kwargs", [dict(dataset_size=0, batch_size=4),
                                    dict(dataset_size=10, batch_size=16, drop_last=True),
                                    dict(dataset_size=10, batch_size=2, framework="jax")])
def test_impossible_settings_raise(kwargs):
    with pytest.raises(GeometryError):
        make_plan(**kwargs)


# --- the command --------------------------------------------------------------------------


def test_cli_seed_bug_exits_1_with_the_16x_warning():
    res = run("plan", "-N", "22225", "-B", "16")
    assert res.exit_code == 1
    assert "1390" in res.output and "1 of 16 samples" in res.output
    assert "spikes 16x there, every 1390 steps" in res.output
    assert "drop_last=True" in res.output and "BatchNorm" in res.output


def test_cli_drop_last_exits_0():
    res = run("plan", "-N", "22225", "-B", "16", "--drop-last")
    assert res.exit_code == 0 and "WARNING" not in res.output and "1389" in res.output


@pytest.mark.parametrize("framework, words", [
    ("torch", "drop_last=True"), ("keras", "drop_remainder=True"),
    ("tf", "drop_remainder=True"), ("hf", "dataloader_drop_last=True"),
    ("lightning", "train_dataloader()")])
def test_fix_is_in_the_frameworks_own_words(framework, words):
    res = run("plan", "-N", "22225", "-B", "16", "--framework", framework)
    assert res.exit_code == 1 and words in res.output
    if framework == "keras":
        assert "__len__" in res.output


def test_cli_json_shape():
    res = run("plan", "-N", "100", "-B", "16", "--grad-accum", "3", "--world-size", "2",
              "-f", "json")
    assert res.exit_code == 1
    doc = json.loads(res.output)
    assert doc["schema_version"] == 1
    p = doc["plan"]
    assert (p["steps_per_epoch"], p["batches_per_epoch"], p["final_batch"],
            p["final_window"]) == (2, 4, 2, 1)
    assert [w["code"] for w in p["warnings"]] == ["partial-final-batch",
                                                  "partial-accumulation-window"]
    for w in p["warnings"]:
        assert w["message"] and w["fix"]


def test_cli_json_clean_has_no_warnings_and_exits_0():
    res = run("plan", "-N", "1600", "-B", "16", "-f", "json")
    assert res.exit_code == 0 and json.loads(res.output)["plan"]["warnings"] == []


@pytest.mark.parametrize("args", [("plan", "-N", "0", "-B", "4"), ("plan", "-B", "4"),
                                  ("plan", "-N", "10", "-B", "16", "--drop-last"),
                                  ("plan", "-N", "10", "-B", "4", "--framework", "jax")])
def test_cli_bad_input_exits_2_without_traceback(args):
    res = run(*args)
    assert res.exit_code == 2 and "Traceback" not in res.output


# --- the group keeps `spikecheck LOG...` as it was ---------------------------------------


def test_group_routes_a_log_to_the_analysis_command(fixtures):
    res = run(str(fixtures / "example-buggy.csv"), "--dataset-size", "1777",
              "--batch-size", "16", "-q")
    assert res.exit_code == 1 and res.output.startswith("epoch-aligned-spikes")
    res = run("--dataset-size", "1777", "--batch-size", "16", "-q",
              str(fixtures / "example-buggy.csv"))
    assert res.exit_code == 1 and res.output.startswith("epoch-aligned-spikes")


def test_group_without_arguments_is_the_analysis_usage_error():
    res = run()
    assert res.exit_code == 2 and "Missing argument 'LOG...'" in res.output


def test_group_help_shows_the_analysis_options_and_plan():
    res = run("--help")
    assert res.exit_code == 0
    assert "--dataset-size" in res.output and "Examples:" in res.output
    assert "Commands:" in res.output and "plan" in res.output.split("Commands:")[1]
    assert "or: spikecheck plan" in res.output
    assert run("--version").output.startswith("spikecheck, version")
    res = run("plan", "--help")
    assert res.exit_code == 0 and "--framework" in res.output


def test_batchnorm_sentence_speaks_the_frameworks_behaviour():
    torch_text = run("plan", "-N", "22225", "-B", "16").output
    keras_text = run("plan", "-N", "22225", "-B", "16", "--framework", "keras").output
    assert "Expected more than 1 value per channel" in torch_text
    assert "BatchNormalization" in keras_text and "Expected more" not in keras_text


def test_the_entry_point_imports_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, spikecheck.cli_group; "
            "print(sorted(m for m in ('rich', 'numpy', 'matplotlib', 'pandas') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_the_command_offers_every_framework_the_plan_knows():
    from spikecheck.cli_plan import FRAMEWORKS as offered
    from spikecheck.epoch_plan import FRAMEWORKS

    assert offered == FRAMEWORKS
