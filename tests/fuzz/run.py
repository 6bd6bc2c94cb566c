#!/usr/bin/env python
"""Fuzz one reader for a while: the whole CLI on mutated logs of that reader's format.

    python tests/fuzz/run.py --seconds 300 --reader csv     # csv, text, json, tensorboard
    make fuzz FUZZ_SECONDS=300                              # every reader in turn

With atheris installed (pip install atheris) the search is coverage-guided by libFuzzer
over spikecheck's code; otherwise a plain mutation fuzzer (bit flips, cuts, splices,
extreme numbers, repeated lines) runs for the same time. Both start from the seeds of
tests/fuzz/targets.py. A crash -- an exception other than the CLI's exit, an exit code
outside {0, 1, 2}, a traceback, a multi-line or unprefixed error, or one input running
longer than --timeout seconds -- is written to --crash-dir and the exit code is 1. Turn
each one into a regression test in tests/test_hostile_*.py.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pkgutil
import random
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import targets  # noqa: E402

INTERESTING = [b"0", b"-1", b"1e400", b"nan", b"inf", b"-inf", b"99999999999999999999",
               b"1e-320", b"", b"\n", b",", b";", b"\t", b'"', b"{", b"}", b"[", b"]",
               b"\xff\xfe", b"\x00", b"\r", b"1,234.5", b"e", b"."]


def mutate(data: bytes, pool: list[bytes], rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        n = len(buf)
        i = rng.randrange(n + 1)
        j = min(n, i + rng.randint(0, 64))
        if op == 0 and n:
            k = rng.randrange(n)
            buf[k] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[i:j] = rng.choice(INTERESTING)
        elif op == 2:
            del buf[i:j]
        elif op == 3:
            buf[i:i] = buf[i:j] * rng.randint(1, 50)
        elif op == 4:
            buf[i:i] = rng.randbytes(rng.randint(1, 32))
        elif op == 5:
            other = rng.choice(pool)
            a = rng.randrange(len(other) + 1)
            buf[i:] = other[a:a + rng.randint(0, 4096)]
        elif op == 6:
            del buf[i:]
        elif op == 7:  # a number somewhere becomes an extreme one
            k = next((x for x in range(i, min(n, i + 200)) if 48 <= buf[x] <= 57), None)
            if k is not None:
                e = k
                while e < n and buf[e:e + 1] in (b"0", b"1", b"2", b"3", b"4", b"5", b"6",
                                                  b"7", b"8", b"9", b"."):
                    e += 1
                buf[k:e] = rng.choice(INTERESTING[:8])
        else:  # a line repeated or removed
            a = buf.rfind(b"\n", 0, i) + 1
            b = buf.find(b"\n", i)
            b = n if b < 0 else b + 1
            if rng.random() < 0.5:
                buf[a:a] = buf[a:b] * rng.randint(1, 20)
            else:
                del buf[a:b]
    return bytes(buf[:targets.MAX_SEED * 2])


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout("one input ran too long")


def plain_fuzz(reader: str, seconds: float, timeout: int, crash_dir: Path, work: Path) -> int:
    pool = targets.seeds(reader)
    rng = random.Random(int(os.environ.get("FUZZ_SEED", time.time_ns())))
    signal.signal(signal.SIGALRM, _alarm)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        data = mutate(rng.choice(pool), pool, rng) if n >= len(pool) else pool[n]
        n += 1
        signal.alarm(timeout)
        try:
            targets.check(data, reader, work)
        except BaseException as exc:  # noqa: BLE001 - every failure is a finding
            signal.alarm(0)
            if isinstance(exc, KeyboardInterrupt):
                raise
            return _report(data, exc, crash_dir, reader, n)
        finally:
            signal.alarm(0)
        if rng.random() < 0.05:
            pool.append(data)  # keep some mutants to mutate further
            pool = pool[-2000:]
    print(f"fuzz {reader}: {n} inputs in {seconds:.0f} s, no crash (plain mutation)")
    return 0


def _report(data: bytes, exc: BaseException, crash_dir: Path, reader: str, n: int) -> int:
    crash_dir.mkdir(parents=True, exist_ok=True)
    name = crash_dir / f"crash-{reader}-{hashlib.sha1(data).hexdigest()[:12]}"
    name.write_bytes(data)
    traceback.print_exception(exc)
    print(f"fuzz {reader}: CRASH after {n} inputs: {type(exc).__name__}: {exc}; "
          f"input saved to {name}", file=sys.stderr)
    return 1


def atheris_fuzz(reader: str, seconds: float, timeout: int, crash_dir: Path,
                 work: Path) -> int:
    import atheris

    with atheris.instrument_imports(include=["spikecheck"]):
        import spikecheck

        for mod in pkgutil.walk_packages(spikecheck.__path__, "spikecheck."):
            __import__(mod.name)
    corpus = work / "corpus"
    corpus.mkdir()
    for i, seed in enumerate(targets.seeds(reader)):
        (corpus / f"seed-{i}").write_bytes(seed)
    crash_dir.mkdir(parents=True, exist_ok=True)
    inputs = work / "inputs"
    inputs.mkdir()

    def one(data: bytes) -> None:
        targets.check(data, reader, inputs)

    argv = [sys.argv[0], f"-max_total_time={int(seconds)}", f"-timeout={timeout}",
            f"-max_len={targets.MAX_SEED * 2}", "-rss_limit_mb=4096", "-print_final_stats=1",
            f"-artifact_prefix={crash_dir}/crash-{reader}-", str(corpus)]
    atheris.Setup(argv, one)
    atheris.Fuzz()  # exits the process: 0 when the time is up, non-zero on a crash
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reader", required=True, choices=targets.READERS)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--timeout", type=int, default=30, help="seconds allowed per input")
    ap.add_argument("--crash-dir", type=Path,
                    default=Path(tempfile.gettempdir()) / "spikecheck-fuzz-crashes")
    ap.add_argument("--engine", choices=("auto", "atheris", "plain"), default="auto")
    args = ap.parse_args()
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "plain"
    print(f"fuzz {args.reader}: {engine} for {args.seconds:.0f} s "
          f"(crashes go to {args.crash_dir})", flush=True)
    work = Path(tempfile.mkdtemp(prefix=f"spikecheck-fuzz-{args.reader}-"))
    try:
        if engine == "atheris":
            return atheris_fuzz(args.reader, args.seconds, args.timeout, args.crash_dir, work)
        return plain_fuzz(args.reader, args.seconds, args.timeout, args.crash_dir, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
