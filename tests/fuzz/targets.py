"""What every fuzzer checks, one input at a time, and the seeds it starts from.

The check: the bytes, written to a file named like a log of the reader's format, go
through the whole CLI (sniffed, and with the reader forced; with and without epoch
geometry). Any exception other than the CLI's own exit, an exit code outside {0, 1, 2}
or a traceback is a crash. Seeds are the generated logs of tests/hostile/badinputs.py
plus small real logs from fixtures/ and ../shared/corpus/, read in place.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from hostile import adversarial as adv  # noqa: E402
from hostile import badinputs as bad  # noqa: E402

READERS = ("csv", "text", "json", "tensorboard")
FILE_NAMES = {"csv": "run.csv", "text": "train.log", "json": "metrics.json",
              "tensorboard": bad.EVENT_NAME}
SUFFIXES = {"csv": (".csv",), "text": (".log", ".txt"), "json": (".json", ".jsonl"),
            "tensorboard": ()}
MAX_SEED = 64 * 1024


class Crash(AssertionError):
    """The CLI did not end gracefully on an input."""


def generated_seeds(reader: str) -> list[bytes]:
    steps, values = bad.loss_curve(spe=20, epochs=8)
    if reader == "csv":
        hostile = [v for k, v in adv.all_cases().items() if k != "catastrophic text"]
        return [bad.csv_bytes(steps, values), bad.mixed_delimiters()[:4000],
                bad.utf16_csv()[:6000], *bad.csv_loss_cells().values(),
                bad.restarted_steps()[0][:5000], b"step,loss\n", *hostile]
    if reader == "text":
        return [v[:6000] for v in bad.text_style_lines(steps, values).values()] + [
            bad.latin1_text()[:4000], bad.utf16_text()[:6000], adv.catastrophic_log(2000)]
    if reader == "json":
        return [bad.jsonl_bytes(steps, values), bad.trainer_state_bytes(steps, values),
                b'{"log_history": []}']
    return [bad.event_file_bytes(steps, values), bad.event_file_huge_length("middle"),
            bad.event_file_bytes(steps, values, bad_crc_at=50)]


def real_seeds(reader: str) -> list[bytes]:
    """Small real logs of the format (heads of larger ones), read in place."""
    out = []
    for base in (ROOT / "fixtures", ROOT.parent / "shared" / "corpus"):
        if not base.is_dir():
            continue
        for dirpath, _, files in os.walk(base):
            for name in sorted(files):
                p = Path(dirpath) / name
                is_tb = "tfevents" in name
                if (reader == "tensorboard") != is_tb:
                    continue
                if not is_tb and not name.endswith(SUFFIXES[reader]):
                    continue
                with open(p, "rb") as f:
                    out.append(f.read(MAX_SEED))
    return out


def seeds(reader: str) -> list[bytes]:
    return generated_seeds(reader) + real_seeds(reader)


def check(data: bytes, reader: str, workdir: Path) -> None:
    """Raise Crash (or the escaped exception) unless every CLI run ends gracefully."""
    from click.testing import CliRunner

    from spikecheck.cli import main

    path = workdir / FILE_NAMES[reader]
    path.write_bytes(data)
    h = zlib.crc32(data)
    geometry = [[], ["--steps-per-epoch", "20"], ["--dataset-size", "317", "--batch-size", "16"]]
    fmt = ("json", "terminal", "markdown", "github")[h % 4]
    for forced in (None, reader):
        args = [str(path), "--format", fmt, *geometry[(h >> 3) % 3]]
        if forced:
            args += ["--input-format", forced]
        res = CliRunner().invoke(main, args)
        exc = res.exception
        if exc is not None and not isinstance(exc, SystemExit):
            raise exc
        if res.exit_code not in (0, 1, 2) or "Traceback" in res.output:
            raise Crash(f"exit {res.exit_code}: {res.output[-500:]}")
        if res.exit_code == 2:
            lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
            if not any(ln.startswith("spikecheck: error: ") for ln in lines) or not all(
                    ln.startswith("spikecheck: ") for ln in lines):
                raise Crash(f"exit 2 without a one-line error: {res.stderr[-500:]!r}")
    if h % 7 == 0:  # an output aimed at the input: refused, the input left as it was
        res = CliRunner().invoke(main, [str(path), "--junit", str(path)])
        if res.exit_code != 2 or path.read_bytes() != data:
            raise Crash(f"--junit onto the input: exit {res.exit_code}, input "
                        f"{'kept' if path.read_bytes() == data else 'overwritten'}")
    if h % 5 == 0:
        res = CliRunner().invoke(main, [str(path), "--list"])
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            raise res.exception
        if res.exit_code not in (0, 2) or "Traceback" in res.output:
            raise Crash(f"--list exit {res.exit_code}: {res.output[-500:]}")
