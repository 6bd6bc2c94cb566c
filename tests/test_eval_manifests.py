"""Both evaluation manifests (dev: fixtures/runs, test: fixtures/heldout) and the dev split's extra
manifests (fixtures/seedcase, fixtures/devtwin, fixtures/devhard, fixtures/devclean,
fixtures/freshtwin: its own checks in tests/test_eval_freshtwin.py) are complete,
every log they name reads through the CLI's reader, the devhard set holds the cases it was made
for, each label backed by the oracle, and the devclean set's labels come from its fresh-data
twins. Whether the engine gets the runs right is `make eval`'s business, not a test's: the test
split is reported, never tuned on."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import FIXTURES

from spikecheck.readers import ReadError, ReadOptions
from spikecheck.readers.registry import read_input

_spec = importlib.util.spec_from_file_location("evaluate", FIXTURES / "evaluate.py")
evaluate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evaluate)

VERDICTS = {"epoch-aligned-spikes", "periodic-not-epoch", "spikes-not-epoch-aligned", "clean",
            "inconclusive"}
CAUSES = {None, "partial-final-batch", "epoch-start-reset", "epoch-start-drop",
          "running-mean-logging", "unshuffled-data", "random-instability"}
# the summary-only fresh split has its own checks (tests/test_eval_fresh.py) and is never read here
ENTRIES = [(split, e) for split, path in evaluate.MANIFESTS.items()
           if split != "fresh" for e in json.loads(path.read_text())]
EXTRA_ENTRIES = [(split, e) for split, paths in evaluate.EXTRA.items() for path in paths
                 if path.exists() for e in json.loads(path.read_text())]
DEVTWIN = [e for _, e in EXTRA_ENTRIES if e.get("generator") == "devtwin"]
DEVHARD = [e for _, e in EXTRA_ENTRIES if e.get("generator") == "devhard"]
DEVCLEAN = [e for _, e in EXTRA_ENTRIES if e.get("generator") == "devclean"]


def test_the_test_split_is_a_different_and_large_enough_set():
    dev = [e for s, e in ENTRIES if s == "dev"]
    test = [e for s, e in ENTRIES if s == "test"]
    assert len(dev) == 45 and all(e["split"] == "dev" for e in dev)
    assert len(test) >= 40 and all(e["split"] == "test" for e in test)
    assert {e["file"] for e in dev}.isdisjoint({e["file"] for e in test})
    assert all(e["generator"] != "make_runs.py" and e["framework"] for e in test)


def test_the_devtwin_set_is_dev_and_no_copy_of_a_test_run():
    assert (FIXTURES / "devtwin" / "manifest.json") in evaluate.EXTRA["dev"]
    assert len(DEVTWIN) >= 30 and all(e["split"] == "dev" for e in DEVTWIN)
    test = [e for s, e in ENTRIES if s == "test"]
    assert all(e["file"].startswith("devtwin/") for e in DEVTWIN)
    test_bytes = {(FIXTURES / e["file"]).stat().st_size for e in test
                  if (FIXTURES / e["file"]).is_file()}
    for e in DEVTWIN:  # other seeds everywhere: no training of a test run is repeated
        assert e["training"]["seed"] not in {t["training"]["seed"] for t in test}, e["file"]
        path = FIXTURES / e["file"]
        if path.is_file() and path.stat().st_size in test_bytes:
            assert all(path.read_bytes() != (FIXTURES / t["file"]).read_bytes()
                       for t in test if (FIXTURES / t["file"]).is_file()), e["file"]
    # the groups of cases of the test split are there
    assert {e["group"] for e in test} <= {e["group"] for e in DEVTWIN}


def test_the_devhard_set_is_dev_and_trained_on_seeds_of_its_own():
    assert (FIXTURES / "devhard" / "manifest.json") in evaluate.EXTRA["dev"]
    assert len(DEVHARD) >= 70 and all(e["split"] == "dev" for e in DEVHARD)
    assert all(e["file"].startswith("devhard/") for e in DEVHARD)
    assert len({e["file"] for e in DEVHARD}) == len(DEVHARD)
    test = [e for s, e in ENTRIES if s == "test"]
    taken = {t["training"]["seed"] for t in test + DEVTWIN}
    for e in DEVHARD:  # seeds 300-399: no training of a test or dev-twin run is repeated
        assert 300 <= e["training"]["seed"] < 400 and e["training"]["seed"] not in taken
    test_files = [FIXTURES / t["file"] for t in test if (FIXTURES / t["file"]).is_file()]
    sizes = {p.stat().st_size for p in test_files}
    for e in DEVHARD:
        path = FIXTURES / e["file"]
        if path.is_file() and path.stat().st_size in sizes:
            assert all(path.read_bytes() != t.read_bytes() for t in test_files), e["file"]


def _devhard(group: str) -> list[dict]:
    runs = [e for e in DEVHARD if e["group"] == group]
    assert runs, f"no devhard run in group {group}"
    return runs


def test_every_devhard_bug_label_is_backed_by_the_oracle_against_its_twin():
    for e in DEVHARD:
        if e["verdict"] in ("epoch-aligned-spikes", "periodic-not-epoch"):
            assert e["oracle"]["detectable"] is True, e["file"]
            assert (e["verdict"], e["cause"]) == (e["intended_verdict"], e["intended_cause"])
        if e.get("detectable") is False:  # put in but not in the log: labelled by the log
            assert e["verdict"] == "clean" and e["oracle"]["detectable"] is False, e["file"]


def test_devhard_restarts_recur_off_the_epoch_or_exactly_on_it():
    periodic = [e for e in _devhard("restart-period") if e["verdict"] != "clean"]
    assert len(periodic) >= 4 and {e["verdict"] for e in periodic} == {"periodic-not-epoch"}
    cycles = []
    for e in periodic:
        t, spe = e["training"], e["geometry"]["steps_per_epoch"]
        if t.get("hard_restarts"):  # HF: num_cycles over the whole run
            cycle = spe * t["epochs"] / t["hard_restarts"]
        else:
            cycle = t["period"]
        assert cycle % spe != 0 and spe % cycle != 0, e["file"]
        cycles.append(cycle / spe)
    assert min(cycles) < 1 < max(cycles)  # restart cycles shorter and longer than an epoch
    aligned = [e for e in _devhard("restart-epoch") if e["verdict"] != "clean"]
    assert len(aligned) >= 3
    for e in aligned:
        t = e["training"]
        assert (e["verdict"], e["cause"]) == ("epoch-aligned-spikes", "epoch-start-reset")
        assert t.get("schedule", "").endswith("epoch") or t.get("hard_restarts") == t["epochs"]


def test_devhard_hard_negatives_and_fixed_twins_are_clean():
    for e in _devhard("correct-short-batch"):  # a correct loss, 1-3 samples in the final batch
        assert e["verdict"] == "clean" and e["training"]["loss"] == "mean"
        assert 1 <= e["geometry"]["final_batch_samples"] <= 3
    near_zero = {e["training"]["source"] for e in _devhard("correct-short-batch")}
    assert {"moons-easy", "circles-easy"} <= near_zero
    opts = {e["training"]["opt"] for e in _devhard("correct-short-batch")}
    assert {"rmsprop", "adam", "sgdm"} <= opts
    fixed = [e for e in _devhard("noisier-twin") if e["training"]["loss"] == "mean"]
    assert len(fixed) >= 4
    for e in fixed:  # only noisier at the final batch: sqrt(B/r) between 1 and 1.6
        g = e["geometry"]
        assert e["verdict"] == "clean"
        assert 1.0 < (g["batch_size"] / g["final_batch_samples"]) ** 0.5 <= 1.6


def test_devhard_heavy_tails_and_the_seed_shape_come_buggy_and_fixed():
    heavy = _devhard("heavy-tail")
    assert {e["training"]["loss"] for e in heavy} == {"double-div", "mean"}
    assert {"huber", "mse"} <= {e["training"]["reg_loss"] for e in heavy}
    assert all(e["geometry"]["final_batch_samples"] == 1 for e in heavy)
    seed = _devhard("seed-shape")
    assert {e["training"]["loss"] for e in seed} == {"double-div", "mean"}
    for e in seed:
        g = e["geometry"]
        assert g["dataset_size"] % g["batch_size"] == 1 and 8 <= g["batch_size"] <= 64
        assert e["training"]["data"] == "det"
        if e["training"]["loss"] == "mean":
            assert e["verdict"] == "clean"
    assert {e["training"]["opt"] for e in seed} >= {"sgdm", "adam", "adamw", "rmsprop"}
    assert min(e["training"]["epochs"] for e in seed) <= 5 < max(
        e["training"]["epochs"] for e in seed)


def test_devhard_diluted_final_steps_kmean_and_accumulation():
    for e in _devhard("kstep-mean"):  # the final step seen through a K-step mean
        g = e["geometry"]
        assert g["log_value"] == "mean" and g["steps_per_epoch"] % g["log_every"] != 0
    assert len({e["geometry"]["log_every"] for e in _devhard("kstep-mean")}) >= 3
    accum = _devhard("hf-accumulation")
    for e in accum:
        g = e["geometry"]
        assert g["grad_accum"] > 1 and g["micro_batches_in_final_window"] < g["grad_accum"]
    diluted = [e for e in accum if e["training"]["forward_accepts_kwargs"]]
    assert diluted and all(e["oracle"]["excess_ratio"] < 1 for e in diluted)
    assert all(e["verdict"] == "clean" for e in accum if e not in diluted)


def test_devhard_keras_logs_are_running_means_of_buggy_and_fixed_fits():
    keras = _devhard("keras-running-mean")
    assert {e["framework"] for e in keras} == {"keras-tensorboard", "keras-batch-csv-callback"}
    for e in keras:
        assert e["geometry"]["log_transform"].startswith("epoch-running-mean")
        if e["training"]["loss"] == "builtin (mean)":
            assert (e["verdict"], e["cause"]) == ("clean", "running-mean-logging")
    assert {e["training"]["loss"] for e in keras} == {"builtin*B/n", "builtin (mean)"}


def test_devhard_epoch_mechanisms_and_too_little_evidence():
    assert {e["cause"] for e in _devhard("stairs")} == {"epoch-start-drop"}
    assert {e["cause"] for e in _devhard("unshuffled")} == {"unshuffled-data"}
    assert "epoch-start-reset" in {e["cause"] for e in _devhard("recreated-optimizer")}
    assert all(e["training"]["recreate_opt"] for e in _devhard("recreated-optimizer"))
    for e in _devhard("inconclusive"):
        assert e["verdict"] == "inconclusive"
        assert e["training"]["epochs"] <= 2 or e["geometry"]["steps_per_epoch"] <= 4


@pytest.mark.parametrize("split,entry", ENTRIES + EXTRA_ENTRIES,
                         ids=[e["file"] for _, e in ENTRIES + EXTRA_ENTRIES])
def test_every_entry_names_a_log_that_reads(split, entry):
    assert entry["verdict"] in VERDICTS and entry["cause"] in CAUSES
    geo, read = evaluate.split_args(entry["cli_args"])  # every flag is one the CLI knows
    path = FIXTURES / entry["file"]
    assert path.exists(), entry["file"]
    try:
        series = evaluate.pick_series(read_input(str(path), ReadOptions(**read)),
                                      entry.get("metric"))
    except ReadError as exc:  # only a per-epoch log may be refused, as too little evidence
        assert "per-epoch" in str(exc) and entry["verdict"] == "inconclusive", exc
        return
    if entry.get("metric"):
        assert entry["metric"] in series.metric
    if not series.per_epoch:
        assert len(series) >= evaluate.MIN_POINTS
    else:  # a per-epoch log can only be a case of too little evidence
        assert entry["verdict"] == "inconclusive"


def test_a_bug_that_does_not_show_is_labelled_by_what_the_log_shows():
    hidden = [e for _, e in ENTRIES + EXTRA_ENTRIES if e.get("detectable") is False]
    assert hidden, "the strength sweep should reach bugs too weak to see"
    for e in hidden:
        assert e["intended_verdict"] != "clean"
        assert e["verdict"] == "clean"
        # rated too weak to show: by the oracle against a twin, or (the first runs/ set)
        # by its labeller's folded-z rule, which says so in the notes
        assert (e.get("oracle", {}).get("detectable") is False and "twin" in e["notes"]) \
            or "bug present but not visible" in e["notes"]


def test_the_devclean_set_is_dev_and_trained_on_seeds_of_its_own():
    assert (FIXTURES / "devclean" / "manifest.json") in evaluate.EXTRA["dev"]
    assert len(DEVCLEAN) >= 55 and all(e["split"] == "dev" for e in DEVCLEAN)
    assert all(e["file"].startswith("devclean/") for e in DEVCLEAN)
    assert len({e["file"] for e in DEVCLEAN}) == len(DEVCLEAN)
    others = {e["training"]["seed"] for _, e in ENTRIES + EXTRA_ENTRIES
              if e.get("generator") != "devclean" and isinstance(e.get("training"), dict)
              and "seed" in e["training"]}
    seeds = [e["training"]["seed"] for e in DEVCLEAN]
    assert len(set(seeds)) == len(seeds) and all(500 <= sd < 600 for sd in seeds)
    assert not set(seeds) & others


def test_every_devclean_label_comes_from_the_fresh_data_twin():
    for e in DEVCLEAN:  # nothing is put in: clean unless the oracle saw memorisation
        o = e["oracle"]
        assert e["intended_verdict"] == "clean" and "fresh samples" in o["twin"], e["file"]
        if o["decision"] == "memorisation-drop":
            assert (e["verdict"], e["cause"], o["detectable"]) == (
                "epoch-aligned-spikes", "epoch-start-drop", True), e["file"]
            assert o["epoch_start_down"]["detectable"] and o["epoch_start_down"]["z"] <= -5
        else:
            assert o["decision"] == "none" and e["verdict"] == "clean", e["file"]
            running_mean = e["geometry"].get("log_transform", "").startswith("epoch-running")
            assert e["cause"] == ("running-mean-logging" if running_mean else None)
        assert "Oracle vs the fresh-data twin" in e["notes"]
    assert sum(e["verdict"] == "clean" for e in DEVCLEAN) >= 45


def test_devclean_spans_families_loggers_and_final_batches():
    assert len({e["group"] for e in DEVCLEAN}) >= 12
    assert {"cnn", "resnet-bn", "gru", "lstm", "transformer", "vae", "autoencoder", "embmlp",
            "logreg", "contrastive", "ranking"} <= {e["group"] for e in DEVCLEAN}
    frameworks = {e["framework"] for e in DEVCLEAN}
    assert {"lightning-csvlogger", "lightning-tensorboardlogger", "hf-trainer-state",
            "hf-trainer-printed", "keras-tensorboard", "keras-losshistory-csv",
            "torch-summarywriter", "csv"} <= frameworks
    printed = {e["framework"] for e in DEVCLEAN if e.get("log_format_source")}
    assert len(printed) >= 5
    finals = [(e["geometry"]["final_batch_samples"], e["geometry"]["batch_size"])
              for e in DEVCLEAN]
    assert any(r == 1 for r, _ in finals) and any(r == b for r, b in finals)
    assert any(1 < r < b for r, b in finals)
    assert all(e["training"]["epochs"] >= 6 for e in DEVCLEAN)  # at least 5 boundaries
    losses = {e["training"]["loss"] for e in DEVCLEAN}
    assert {"infonce", "elbo", "focal", "bpr", "lm"} <= losses
    opts = {e["training"]["opt"] for e in DEVCLEAN}
    assert {"sgd", "sgdm", "nesterov", "adam", "adamw", "rmsprop", "adagrad", "lion"} <= opts


def test_devclean_infonce_runs_are_clean_and_say_why():
    nce = [e for e in DEVCLEAN if e["training"]["loss"] == "infonce"]
    assert len(nce) >= 3
    for e in nce:  # fewer in-batch negatives in a short final batch: lower, by definition
        assert e["verdict"] == "clean"
        if e["geometry"]["final_batch_samples"] < e["geometry"]["batch_size"]:
            assert "LOWER" in e["notes"] and "Not a bug" in e["notes"]


@pytest.mark.parametrize("folder", ["heldout", "devtwin", "devhard", "devclean"])
def test_the_generated_folders_stay_small(folder):
    total = sum(p.stat().st_size for p in (FIXTURES / folder).rglob("*") if p.is_file())
    assert total < 5 * 1024 * 1024
