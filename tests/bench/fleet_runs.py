"""A fleet of small runs of mixed formats for `make bench`, copied from the real fixtures.

`build(root, n)` writes n runs, deterministic (the same tree every time): round robin
over six kinds — TensorBoard run directories, Lightning `version_*/metrics.csv`, Hugging
Face output directories (two `checkpoint-*/trainer_state.json` copies, the latest read),
MLflow run directories (a fixture CSV's loss as MLflow's `timestamp value step` lines),
plain CSV logs and text logs — each kind cycling through its own pool of fixture files
in an order permuted by a fixed seed. Side files (hparams.yaml, config.json, weights) go
beside them, as trainers leave them, so the directory walk does its real work too. The
runs are split between two halves, `a/` and `b/`, each holding every kind, so that the
bench can also run two independent processes on the halves (a perfect split of the work).

    python tests/bench/fleet_runs.py /tmp/fleet --runs 1000
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
KINDS = ("tensorboard", "lightning", "hf", "mlflow", "csv", "text")
SEED = 16
HALVES = ("a", "b")


def _event_dirs() -> list[Path]:
    """TensorBoard run directories whose training loss the fixtures hold."""
    dirs = [FIXTURES / "tensorboard" / d for d in ("torch-newstyle", "tf2-tensor-scalars")]
    dirs.append(FIXTURES / "tensorboard" / "keras-style" / "train")
    for split in ("heldout", "devtwin"):
        dirs += sorted((FIXTURES / split / "keras").glob("*-tb/train"))
        dirs += sorted((FIXTURES / split / "lightning").glob("*-tb-*"))
    return [d for d in dirs if any(f.name.startswith("events.out.tfevents") for f in
                                   d.iterdir())]


def pools() -> dict[str, list[Path]]:
    """The fixture files each kind of run is copied from, in a fixed permuted order."""
    plain_csv = sorted((FIXTURES / "runs").glob("*.csv")) + \
        sorted((FIXTURES / "devtwin" / "plain").glob("*.csv"))
    found = {
        "tensorboard": _event_dirs(),
        "lightning": sorted(FIXTURES.glob("*/lightning/*-csv-*/metrics.csv")),
        "hf": sorted(FIXTURES.glob("*/hf/*.trainer_state.json")) +
        [FIXTURES / "text" / "hf-trainer-state.json"],
        "mlflow": sorted((FIXTURES / "runs").glob("*.csv")),
        "csv": plain_csv,
        "text": sorted(FIXTURES.glob("*/hf/*.printed.log")) +
        sorted((FIXTURES / "keras").glob("*.log")) +
        sorted(FIXTURES.glob("*/keras/*-progbar.log")) +
        sorted((FIXTURES / "devtwin" / "plain").glob("*.log")),
    }
    rng = random.Random(SEED)
    for kind, files in found.items():
        if not files:
            raise SystemExit(f"no fixtures for {kind} runs under {FIXTURES}")
        rng.shuffle(files)
    return found


def _mlflow_lines(csv_path: Path) -> str:
    """A fixture CSV's loss column as an MLflow metric file (`timestamp value step`)."""
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    t0 = 1_700_000_000_000
    return "".join(f"{t0 + i * 37} {r['loss']} {r['step']}\n" for i, r in enumerate(rows)
                   if r.get("loss") not in (None, ""))


def _write_run(root: Path, kind: str, i: int, source: Path) -> None:
    """Run number i of a kind, copied from `source`, with the side files trainers leave."""
    tag = f"{i:04d}-{source.name.split('.')[0]}"
    if kind == "tensorboard":
        shutil.copytree(source, root / "tb" / tag)
    elif kind == "lightning":
        d = root / "lightning_logs" / f"version_{i}"
        d.mkdir(parents=True)
        shutil.copyfile(source, d / "metrics.csv")
        (d / "hparams.yaml").write_text(f"lr: 0.01\nbatch_size: 16\nrun: {i}\n")
    elif kind == "hf":
        out = root / "hf" / tag
        for ck in (50, 100):
            d = out / f"checkpoint-{ck}"
            d.mkdir(parents=True)
            shutil.copyfile(source, d / "trainer_state.json")
            (d / "config.json").write_text('{"model_type": "bert"}\n')
        (out / "all_results.json").write_text('{"train_loss": 0.5}\n')
    elif kind == "mlflow":
        run = root / "mlruns" / str(1 + i % 3) / f"{i:032x}"
        (run / "metrics").mkdir(parents=True)
        (run / "tags").mkdir()
        (run / "meta.yaml").write_text(f"run_id: {i:032x}\n")
        (run / "tags" / "mlflow.runName").write_text(f"run-{i}-{source.stem[:20]}")
        (run / "metrics" / "loss").write_text(_mlflow_lines(source))
        (run / "metrics" / "lr").write_text("1700000000000 0.01 0\n")
    elif kind == "csv":
        d = root / "csv"
        d.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, d / f"{tag}.csv")
    else:
        d = root / "logs"
        d.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, d / f"{tag}.log")


def build(root: Path, n: int) -> Path:
    """Write n runs under root (which must not exist yet) and return root."""
    root.mkdir(parents=True)
    sources = pools()
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        pool = sources[kind]
        half = HALVES[(i // len(KINDS)) % 2]
        _write_run(root / half, kind, i, pool[(i // len(KINDS)) % len(pool)])
    (root / "README.md").write_text("nightly runs\n")
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--runs", type=int, default=1000)
    args = ap.parse_args()
    build(args.root, args.runs)
    print(f"{args.runs} runs written under {args.root}")


if __name__ == "__main__":
    main()
