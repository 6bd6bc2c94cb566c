"""Epoch geometry: loader arithmetic, first step, epoch columns and disagreements."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import FIXTURES

from spikecheck.geometry import (
    GeometryError,
    GeometryInputs,
    batch_arithmetic,
    implied_dataset_sizes,
    infer_first_step,
    infer_log_every,
    resolve_geometry,
)
from spikecheck.notes import NoteCode
from spikecheck.render.notes import note_text


def test_ceil_without_drop_last_gives_partial_final_batch():
    a = batch_arithmetic(22225, 16)
    assert a.steps_per_epoch == 1390  # ceil(22225 / 16)
    assert a.final_batch == 1  # 22225 = 16 * 1389 + 1


def test_floor_with_drop_last_has_full_final_batch():
    a = batch_arithmetic(22225, 16, drop_last=True)
    assert a.steps_per_epoch == 1389
    assert a.final_batch == 16


def test_dataset_that_divides_evenly():
    a = batch_arithmetic(1600, 16)
    assert (a.steps_per_epoch, a.final_batch) == (100, 16)
    assert batch_arithmetic(1600, 16, drop_last=True).steps_per_epoch == 100


def test_grad_accum_counts_optimizer_steps_and_final_window():
    a = batch_arithmetic(1000, 10, grad_accum=4)  # 100 micro-batches -> 25 steps
    assert (a.steps_per_epoch, a.final_window) == (25, 4)
    b = batch_arithmetic(1010, 10, grad_accum=4)  # 101 micro-batches -> 26 steps, window 1
    assert (b.steps_per_epoch, b.final_window, b.final_batch) == (26, 1, 10)


def test_world_size_splits_the_dataset_like_distributed_sampler():
    a = batch_arithmetic(1001, 10, world_size=4)  # 251 per device (padded)
    assert a.samples_per_device == 251
    assert (a.steps_per_epoch, a.final_batch) == (26, 1)


def test_no_full_batch_with_drop_last_is_an_error():
    with pytest.raises(GeometryError):
        batch_arithmetic(10, 16, drop_last=True)


def test_implied_dataset_sizes_round_trip():
    lo, hi = implied_dataset_sizes(1390, 16)
    assert (lo, hi) == (1389 * 16 + 1, 1390 * 16)
    for n in (lo, hi, 22225):
        assert batch_arithmetic(n, 16).steps_per_epoch == 1390


def test_first_step_zero_or_one():
    assert infer_first_step(np.arange(0, 100), 1) == 0
    assert infer_first_step(np.arange(1, 101), 1) == 1
    # Hugging Face logs the count of steps done: 500, 1000, ... -> counts from 1
    assert infer_first_step(np.arange(500, 10001, 500), 500) == 1
    # A loop index logged every 10: 9, 19, 29, ... -> counts from 0
    assert infer_first_step(np.arange(9, 1000, 10), 10) == 0
    # timm prints batch_idx 0, 5, 10, ... and the last: a log holding step 0 counts from 0,
    # though its points sit at multiples of the interval as a steps-done counter's do
    assert infer_first_step(np.array([0, 5, 10, 15, 20, 23, 24, 29, 34]), 5) == 0


def test_a_timm_log_places_its_final_batch_on_the_final_step():
    from spikecheck.engine import analyze
    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import read_input

    f = FIXTURES / "freshtwin" / "prints" / "timm-digits-cnn-nesterov-b40-r7-double.log"
    series = read_input(str(f), ReadOptions(batch_size=40))[0]
    rep = analyze(series, GeometryInputs(dataset_size=1727, batch_size=40))
    assert rep.geometry.origin % 44 == 0  # epoch 1 starts at batch_idx 0 of epoch 1: step 44
    assert rep.geometry.boundaries[0] == 44


def test_log_every_is_the_common_gap():
    steps = np.concatenate([np.arange(49, 5000, 50), [5001]])
    assert infer_log_every(steps) == 50


def test_geometry_from_dataset_size_places_boundaries():
    steps = np.arange(0, 1000)
    g = resolve_geometry(GeometryInputs(dataset_size=1777, batch_size=16), steps)
    assert g.source == "dataset-size"
    assert g.steps_per_epoch == 112 and g.final_batch == 1
    assert list(g.boundaries[:3]) == [112, 224, 336]


def test_integer_epoch_column_gives_steps_per_epoch():
    steps = np.arange(0, 1000)
    epochs = steps // 112
    g = resolve_geometry(GeometryInputs(), steps, epochs.astype(float))
    assert g.source == "epoch-column"
    assert g.steps_per_epoch == pytest.approx(112, abs=0.01)


def test_fractional_epochs_fit_the_slope():
    steps = np.arange(500, 215001, 500)
    epochs = steps / 71779.0
    g = resolve_geometry(GeometryInputs(), steps, epochs)
    assert g.steps_per_epoch == 71779


def test_disagreement_between_epoch_column_and_flags_is_reported():
    steps = np.arange(0, 1389 * 6)
    epochs = (steps // 1389).astype(float)  # the log says 1389 (drop_last=True)
    g = resolve_geometry(GeometryInputs(dataset_size=22225, batch_size=16), steps, epochs)
    assert g.steps_per_epoch == 1389
    (d,) = g.disagreements
    assert d.code == NoteCode.GEOMETRY_DISAGREEMENT
    assert (d.params["other_steps_per_epoch"], d.params["hint"], d.params["drop_last"]) == \
        (1390, "drop-last", True)
    assert "1390" in note_text(d) and "drop_last=True" in note_text(d)


def test_forgotten_grad_accum_is_suggested():
    steps = np.arange(0, 250 * 6)
    epochs = (steps // 250).astype(float)
    g = resolve_geometry(GeometryInputs(dataset_size=16000, batch_size=16), steps, epochs)
    (d,) = g.disagreements
    assert (d.params["hint"], d.params["grad_accum"]) == ("grad-accum", 4)
    assert "gradient accumulation (4 steps) missing" in note_text(d)


def test_steps_per_epoch_flag_is_used_when_no_column():
    g = resolve_geometry(GeometryInputs(steps_per_epoch=50), np.arange(1, 400))
    assert g.source == "steps-per-epoch" and g.first_step == 1
    assert g.boundaries[0] == 51
