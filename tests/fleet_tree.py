"""A directory tree holding every kind of training log a team's runs/ folder holds.

Built from the repo's real fixtures: TensorBoard runs (a Keras train/validation pair, a
PyTorch SummaryWriter run), a Lightning CSVLogger version directory with its
hparams.yaml, a Hugging Face output directory with two checkpoints, an MLflow tracking
directory (metric files in MLflow's own `timestamp value step` lines), a detectron2-style
work directory, plain CSV and text logs, and side files (weights, images, configs).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# name in the tree -> what discovery should call it (relative run name)
EXPECTED_RUNS = {
    "tb/keras/train": "tensorboard",
    "tb/torch": "tensorboard",
    "lightning_logs/version_0/metrics.csv": "lightning",
    "hf-out/checkpoint-20/trainer_state.json": "hf",  # the latest checkpoint only
    "mlruns/1/0a1b2c (brave-owl-42)": "mlflow",
    "csv/pfb-digits.csv": "csv",
    "csv/clean-digits.csv": "csv",
    "text/keras3-fit-verbose1.log": "text",
}


def mlflow_metric_lines(csv_path: Path, column: str = "loss") -> str:
    """A CSV's loss column as an MLflow metric file: `timestamp value step` per line."""
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    t0 = 1_700_000_000_000
    return "".join(f"{t0 + i * 37} {r[column]} {r['step']}\n" for i, r in enumerate(rows))


def build_tree(root: Path) -> Path:
    """Write the mixed tree under root and return root."""
    tb = FIXTURES / "tensorboard"
    shutil.copytree(tb / "keras-style", root / "tb" / "keras")
    shutil.copytree(tb / "torch-newstyle", root / "tb" / "torch")

    lv = root / "lightning_logs" / "version_0"
    lv.mkdir(parents=True)
    shutil.copy(FIXTURES / "text" / "lightning-csvlogger-metrics.csv", lv / "metrics.csv")
    (lv / "hparams.yaml").write_text("lr: 0.01\nbatch_size: 16\n")

    hf = root / "hf-out"
    for n in (10, 20):
        ck = hf / f"checkpoint-{n}"
        ck.mkdir(parents=True)
        shutil.copy(FIXTURES / "text" / "hf-trainer-state.json", ck / "trainer_state.json")
        (ck / "config.json").write_text('{"model_type": "bert"}\n')
        (ck / "model.safetensors").write_bytes(b"\x00" * 64)
    (hf / "all_results.json").write_text('{"train_loss": 0.5}\n')

    run = root / "mlruns" / "1" / "0a1b2c"
    (run / "metrics").mkdir(parents=True)
    (run / "tags").mkdir()
    (run / "params").mkdir()
    (run / "meta.yaml").write_text("run_id: 0a1b2c\n")
    (run / "tags" / "mlflow.runName").write_text("brave-owl-42")
    (run / "params" / "loss_fn").write_text("cross_entropy")
    runs = FIXTURES / "runs"
    (run / "metrics" / "loss").write_text(
        mlflow_metric_lines(runs / "pfb-digits-mlp-sgdm-b16-r1.csv"))
    (run / "metrics" / "lr").write_text("1700000000000 0.01 0\n")
    (root / "mlruns" / "1" / "meta.yaml").write_text("name: digits\n")

    (root / "csv").mkdir()
    shutil.copy(runs / "pfb-digits-mlp-sgdm-b16-r1.csv", root / "csv" / "pfb-digits.csv")
    shutil.copy(runs / "clean-digits-mlp-sgdm-b16-r1-correct.csv",
                root / "csv" / "clean-digits.csv")
    (root / "text").mkdir()
    shutil.copy(FIXTURES / "keras" / "keras3-fit-digits-n1601-b32-buggy.log",
                root / "text" / "keras3-fit-verbose1.log")
    (root / "text" / "notes.txt").write_text("remember to rerun with a bigger batch\n")
    (root / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    return root
