"""Finding every training log in a directory tree: one run per log, side files set aside.

A directory handed to spikecheck may hold any mix of what trainers write: TensorBoard
runs, Lightning `version_*/metrics.csv`, Hugging Face output directories (one
`trainer_state.json` per `checkpoint-*`, each a copy of the last), MLflow tracking
directories (`mlruns/<experiment>/<run>/metrics/<metric>`), detectron2 and mmengine work
directories, plain CSV and text logs. `discover` walks it once and returns the runs to
read, each named by its path relative to the directory, and the side files it set aside
with the reason (checkpoints, configs, images, older checkpoint copies, duplicates of a
JSON log). Deciding costs a file name and at most HEAD_BYTES of content per file.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from spikecheck.notes import Note, NoteCode
from spikecheck.readers.interface import WIDE_BOMS
from spikecheck.readers.tensorboard import VALIDATION_RUN, choose_metric, is_event_file_name
from spikecheck.readers.walk import walk

HEAD_BYTES = 16 * 1024
CHECKPOINT_DIR = re.compile(r"^checkpoint-(\d+)$")
# Files that are never training logs: weights, configs, code, pictures, archives.
SIDE_SUFFIXES = frozenset("""
.pt .pth .bin .ckpt .safetensors .h5 .hdf5 .keras .onnx .pb .pkl .pickle .npy .npz .msgpack
.yaml .yml .toml .cfg .ini .md .rst .py .ipynb .sh .html .htm .png .jpg .jpeg .gif .svg .pdf
.zip .tar .tgz .model .spm .vocab .lock .pyc .whl .parquet .arrow .jpg .webp .mp4 .wav .xml
""".split())
# JSON files trainers write that hold configuration or final summaries, not a curve.
SIDE_NAMES = frozenset({
    "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
    "special_tokens_map.json", "adapter_config.json", "preprocessor_config.json",
    "all_results.json", "train_results.json", "eval_results.json", "test_results.json",
    "predict_results.json", "vocab.json", "merges.txt", "training_args.json", "meta.yaml",
    "hparams.yaml", "requirements.txt", "README.md", "scheduler.pt", "rng_state.pth",
})
LOSS_WORDS = re.compile(rb"loss|xent|perplexity|\bppl\b|\bcost\b", re.I)
# spikecheck's own reports saved beside the logs (`-f json > runs/report.json`): read back as
# logs they made the next run of the same command exit 2. JSON, JSON Lines, markdown.
OWN_REPORT = re.compile(rb'\A\s*\{\s*"schema_version":\s*"[^"\n]*",\s*"tool":\s*\{\s*"name":'
                        rb'\s*"spikecheck"|\A\{"source":[^\n]*"verdict":|\A## spikecheck: ')


@dataclass(frozen=True)
class FoundRun:
    """One log to read: `path` goes to read_input; `name` is relative to the directory.

    `kind` says what was recognised (tensorboard, lightning, hf, mlflow, mmengine,
    detectron2, csv, json, text); `metric` is the MLflow metric chosen for the run.
    """

    name: str
    path: str
    kind: str
    metric: str | None = None


@dataclass
class Discovery:
    """The runs found under one directory (sorted by name) and the side files skipped."""

    root: str
    runs: list[FoundRun] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (relative path, why)
    unreadable: list[str] = field(default_factory=list)  # directories the walk could not open
    not_followed: list[str] = field(default_factory=list)  # symbolic links to directories

    def walk_notes(self) -> list[Note]:
        """What the walk could not look into, one note each (never dropped silently)."""
        return ([Note(NoteCode.FILE_NOT_READ, {"path": n}) for n in self.unreadable]
                + [Note(NoteCode.DIRECTORY_LINK_NOT_FOLLOWED,
                        {"path": os.path.join(self.root, rel)}) for rel in self.not_followed])


def discover(root: str | os.PathLike, include: tuple[str, ...] | list[str] = (),
             exclude: tuple[str, ...] | list[str] = (), metric: str | None = None
             ) -> Discovery:
    """Every training log under `root`; `include`/`exclude` are globs on relative paths."""
    base = Path(root)
    found = Discovery(str(root))
    claimed: set[str] = set()  # files read as part of a run (event files, MLflow metrics)
    event_dirs: list[Path] = []
    files: list[Path] = []
    def unreadable(exc: OSError) -> None:
        found.unreadable.append(f"{exc.filename}: {exc.strerror or exc}")

    for dirpath, dirnames, filenames in walk(base, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") or d == ".")
        here = Path(dirpath)
        for d in dirnames:  # never entered (loops, a run counted twice): said, not dropped
            if os.path.islink(here / d):
                found.not_followed.append(_rel(base, here / d))
        if _is_mlflow_run(here):
            _mlflow_run(base, here, metric, found, claimed)
            dirnames[:] = [d for d in dirnames if d not in ("metrics", "params", "tags")]
        if any(is_event_file_name(f) for f in filenames):
            event_dirs.append(here)
        files += [here / f for f in sorted(filenames)]
    _tensorboard_runs(base, event_dirs, found, claimed)
    hf_kept = _hf_states(base, files, found, claimed)
    hf_set = set(hf_kept)
    fileset = set(files)
    tb_dirs = set(event_dirs)
    for f in files:
        rel = _rel(base, f)
        if rel in claimed or f in hf_set:
            continue
        why = _side_reason(f, fileset) or _not_regular(f)
        if why is None and f.parent in tb_dirs:
            why = "beside a TensorBoard run's event files (read from the events)"
        if why:
            found.skipped.append((rel, why))
            continue
        kind = _file_kind(f)
        if kind == "report":
            found.skipped.append((rel, "a spikecheck report, not a training log"))
            continue
        if kind is None:
            found.skipped.append((rel, "no loss values in its first lines"))
            continue
        found.runs.append(FoundRun(rel, str(f), kind))
    for f in hf_kept:
        found.runs.append(FoundRun(_rel(base, f), str(f), "hf"))
    found.runs = _filtered(found, include, exclude)
    found.runs.sort(key=lambda r: r.name)
    found.skipped.sort()
    return found


def _rel(base: Path, p: Path) -> str:
    return p.relative_to(base).as_posix() if p != base else "."


def matches(rel: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """True when a relative path matches one of the globs (`**/` also matches no folder)."""
    for pat in patterns:
        if fnmatch.fnmatchcase(rel, pat) or fnmatch.fnmatchcase(rel, pat.replace("**/", "")):
            return True
        if pat.endswith("/**") and (rel == pat[:-3] or rel.startswith(pat[:-2])):
            return True
    return False


FILTER_REASONS = ("not matched by --include", "matched by --exclude")


def filtered_out_error(found: Discovery) -> str | None:
    """When --include/--exclude left no run of a directory that held some: the error line
    (rather than a reader's "no event files" about a directory full of logs)."""
    if found.runs:
        return None
    n = sum(1 for _, why in found.skipped if why in FILTER_REASONS)
    if not n:
        return None
    return (f"{found.root}: none of its {n} training log{'s' if n != 1 else ''} passed "
            "--include/--exclude (pyproject.toml's [tool.spikecheck] may set them too)")


def nothing_found_error(found: Discovery) -> str:
    """The error line for a directory in which the walk found no training log: what it
    looked for, and what it set aside (a directory of configs and weights once read as
    "no TensorBoard event files", as if only those were looked for)."""
    n = len(found.skipped)
    what = (f"{n} file{'s' if n != 1 else ''} set aside: --verbose lists "
            f"{'them' if n != 1 else 'it'}") if n else "it holds no files"
    return (f"{found.root}: no training log in this directory or below: no TensorBoard event "
            f"files, and no CSV, text or JSON file with a loss in its first "
            f"{HEAD_BYTES >> 10} KB ({what})")


def _filtered(found: Discovery, include, exclude) -> list[FoundRun]:
    kept = []
    for run in found.runs:
        if include and not matches(run.name, include):
            found.skipped.append((run.name, FILTER_REASONS[0]))
        elif exclude and matches(run.name, exclude):
            found.skipped.append((run.name, FILTER_REASONS[1]))
        else:
            kept.append(run)
    return kept


def _tensorboard_runs(base: Path, event_dirs: list[Path], found: Discovery,
                      claimed: set[str]) -> None:
    """One run per outermost event directory (its add_scalars sub-runs go with it, read as
    a run directory is today); a validation run beside a training run is a side run."""
    dirs = set(event_dirs)
    per_parent: dict[Path, int] = {}
    for d in event_dirs:
        per_parent[d.parent] = per_parent.get(d.parent, 0) + 1
    for d in event_dirs:
        for f in sorted(d.iterdir()):
            if is_event_file_name(f.name):
                claimed.add(_rel(base, f))
        if any(parent in dirs for parent in d.parents):
            continue  # a sub-run, read with its outer run
        if VALIDATION_RUN.match(d.name) and per_parent[d.parent] > 1:
            found.skipped.append((_rel(base, d), "validation run beside a training run"))
            continue
        found.runs.append(FoundRun(_rel(base, d), str(d), "tensorboard"))


def _hf_states(base: Path, files: list[Path], found: Discovery, claimed: set[str]
               ) -> list[Path]:
    """The trainer_state.json to read per Hugging Face output directory: its own top-level
    one, else the one of its latest checkpoint-N; the other copies are side files."""
    by_output: dict[Path, list[tuple[int, Path]]] = {}
    for f in files:
        if f.name != "trainer_state.json":
            continue
        m = CHECKPOINT_DIR.match(f.parent.name)
        out = f.parent.parent if m else f.parent
        by_output.setdefault(out, []).append((int(m.group(1)) if m else 1 << 62, f))
    kept = []
    for _, states in sorted(by_output.items()):
        states.sort()
        kept.append(states[-1][1])
        for _, f in states[:-1]:
            claimed.add(_rel(base, f))
            found.skipped.append((_rel(base, f), "an older copy of the latest "
                                  "trainer_state.json of its output directory"))
    return kept


def _is_mlflow_run(d: Path) -> bool:
    return (d / "metrics").is_dir() and ((d / "meta.yaml").is_file() or (d / "tags").is_dir())


def _mlflow_run(base: Path, run_dir: Path, metric: str | None, found: Discovery,
                claimed: set[str]) -> None:
    """One run per MLflow run directory: its training-loss metric file, named by runName."""
    metrics_dir = run_dir / "metrics"
    names: dict[str, Path] = {}
    for dirpath, _, filenames in walk(metrics_dir):
        for f in filenames:
            p = Path(dirpath) / f
            names[p.relative_to(metrics_dir).as_posix()] = p
            claimed.add(_rel(base, p))
    for side in ("params", "tags"):
        for dirpath, _, filenames in walk(run_dir / side):
            for f in filenames:
                found.skipped.append((_rel(base, Path(dirpath) / f), "MLflow run metadata"))
    chosen = choose_metric(names, metric)
    rel_dir = _rel(base, run_dir)
    if chosen is None:
        found.skipped.append((rel_dir, "MLflow run without a training-loss metric"))
        return
    label = rel_dir
    run_name = _read_small(run_dir / "tags" / "mlflow.runName")
    if run_name:
        label = f"{rel_dir} ({run_name})"
    found.runs.append(FoundRun(label, str(names[chosen]), "mlflow", chosen))


def mlflow_metrics(run: FoundRun) -> list[tuple[str, int]]:
    """Every metric of an MLflow run with its points (one `timestamp value step` line
    each), for --list: names relative to the run's metrics/ directory."""
    metrics_dir = Path(run.path)
    for _ in (run.metric or Path(run.path).name).split("/"):
        metrics_dir = metrics_dir.parent
    found = []
    for dirpath, _, filenames in os.walk(metrics_dir):
        for f in filenames:
            p = Path(dirpath) / f
            try:
                with open(p, "rb") as fh:
                    count = sum(1 for line in fh if line.strip())
            except OSError:
                continue
            found.append((p.relative_to(metrics_dir).as_posix(), count))
    return sorted(found)


def _read_small(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            text = f.read(256).decode("utf-8", "replace").strip()
    except OSError:
        return None
    return " ".join(text.split()) or None


def _side_reason(f: Path, fileset: set[Path]) -> str | None:
    """Why a file is not a training log by its name and neighbours, or None."""
    name = f.name
    lower = name.lower()
    if name in SIDE_NAMES:
        return "configuration or summary"
    if f.suffix.lower() in SIDE_SUFFIXES:
        return "not a log file type"
    if lower.endswith(".log") and f.with_name(name + ".json") in fileset:
        return f"the same run as {name}.json"
    if lower.endswith(".log") and (f.parent / "vis_data" / "scalars.json") in fileset:
        return "the same run as vis_data/scalars.json"
    if f.parent.name == "vis_data" and lower.endswith(".json") and name != "scalars.json" \
            and (f.parent / "scalars.json") in fileset:
        return "the same run as scalars.json"
    if name == "log.txt" and (f.parent / "metrics.json") in fileset:
        return "the same run as metrics.json"
    return None


def _not_regular(f: Path) -> str | None:
    """FIFOs, sockets and devices are never opened (a FIFO would block the walk)."""
    import stat

    try:
        mode = os.stat(f).st_mode
    except OSError:
        return None  # dangling link or no permission: read it, so the error is reported
    return None if stat.S_ISREG(mode) else "not a regular file"


def _file_kind(f: Path) -> str | None:
    """What a file holds, from its name and first HEAD_BYTES: None when no loss is in it,
    "report" for a report spikecheck itself wrote."""
    import gzip
    import zlib

    try:
        with open(f, "rb") as raw:
            head = raw.read(HEAD_BYTES)
            if head[:2] == b"\x1f\x8b":
                raw.seek(0)
                try:
                    head = gzip.GzipFile(fileobj=raw).read(HEAD_BYTES)
                except (OSError, EOFError, zlib.error):
                    return "text"  # a broken gzip log: read it, so the error is reported
    except OSError:
        return "text"  # unreadable: read it, so the error is reported, not hidden
    if not head.strip() or (b"\x00" in head[:4096]
                            and not head.startswith(WIDE_BOMS)):
        return None
    if not LOSS_WORDS.search(head):
        return None
    if OWN_REPORT.match(head):
        return "report"
    name = f.name.lower().removesuffix(".gz")
    if name == "metrics.csv":
        return "lightning"
    if name == "metrics.json":
        return "detectron2"
    if name.endswith(".log.json") or name == "scalars.json":
        return "mmengine"
    if name.endswith((".json", ".jsonl")):
        return "json"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    return "text"
