"""The package as a user gets it: a wheel, installed into a fresh venv outside the repository.

Builds the wheel from a copy of what it is made of (pyproject.toml, README.md, LICENSE,
spikecheck/), installs it with its runtime dependencies from the package registry (no -e,
no extras), then from a directory outside the repository runs `spikecheck -V` and the
bundled example (exit 1: findings), checks that the `spikecheck` imported is the installed
one, and measures the default install: the venv's site-packages as `du` counts it.

    python tests/bench/install_check.py                  # CI (.ci/run) and `make bench`
    python tests/bench/install_check.py --json out.json  # the measurement for a script

Exit 0 when every check passes, 1 otherwise (the line says which).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# `pip install spikecheck` before issue 17 (pandas and tensorboard as runtime dependencies):
# the venv's site-packages, as the issue measured it.
ORIGINAL_INSTALL_MB = 594
EXAMPLE = ["fixtures/example-buggy.csv", "--dataset-size", "1777", "--batch-size", "16"]
PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE")


class CheckFailed(RuntimeError):
    """A step of the check did not do what a user would need."""


@dataclass
class InstallReport:
    """What the check built, installed and measured."""

    wheel: str
    wheel_kb: int
    version_line: str
    example_exit: int
    example_verdict: str
    site_packages_mb: float
    distributions: list[str]
    install_s: float


def _run(cmd: list, cwd: Path, env: dict | None = None, ok=(0,)
         ) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)
    if done.returncode not in ok:
        raise CheckFailed(f"{' '.join(map(str, cmd))} exited {done.returncode}: "
                          f"{(done.stderr or done.stdout).strip()[-2000:]}")
    return done


def clean_env() -> dict:
    """The environment of a user's shell: nothing pointing into this repository or a venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV")}
    env["NO_COLOR"] = "1"
    return env


def build_wheel(work: Path) -> Path:
    """The wheel, built by pip (build isolation: setuptools from the registry) from a copy
    of the package's own files, so the repository gets no build/ or egg-info."""
    src = work / "src"
    src.mkdir()
    for name in PACKAGE_FILES:
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "spikecheck", src / "spikecheck",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = work / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
          "--disable-pip-version-check", "-w", dist, src], cwd=work, env=clean_env())
    (wheel,) = dist.glob("spikecheck-*.whl")
    return wheel


def install(wheel: Path, work: Path) -> Path:
    """A fresh venv holding the wheel and its runtime dependencies (the default install)."""
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=work, env=clean_env())
    _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet",
          "--disable-pip-version-check", wheel], cwd=work, env=clean_env())
    return venv


def site_packages(venv: Path) -> Path:
    (sp,) = (venv / "lib").glob("python*/site-packages")
    return sp


def disk_mb(path: Path) -> float:
    """Disk usage in MB (2^20 bytes) as `du -sk` reports it (apparent sizes without du)."""
    du = shutil.which("du")
    if du:
        out = subprocess.run([du, "-sk", str(path)], capture_output=True, text=True)
        if out.returncode == 0:
            return int(out.stdout.split()[0]) / 1024
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / (1 << 20)


def check(venv: Path, outside: Path) -> tuple[str, int, str, list[str]]:
    """-V and the bundled example from a directory outside the repository."""
    env = clean_env()
    exe = venv / "bin" / "spikecheck"
    version = _run([exe, "-V"], cwd=outside, env=env).stdout.strip()
    expected = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(), re.M)
    if not expected or version != f"spikecheck, version {expected.group(1)}":
        raise CheckFailed(f"spikecheck -V said {version!r}")
    where = _run([venv / "bin" / "python", "-c", "import spikecheck; print(spikecheck.__file__)"],
                 cwd=outside, env=env).stdout.strip()
    if not Path(where).resolve().is_relative_to(venv.resolve()):
        raise CheckFailed(f"the installed command imported spikecheck from {where}")
    args = [str(REPO / EXAMPLE[0]), *EXAMPLE[1:]]
    done = _run([exe, *args], cwd=outside, env=env, ok=(1,))
    verdict = done.stdout.split(maxsplit=1)[0] if done.stdout else ""
    if verdict != "epoch-aligned-spikes":
        raise CheckFailed(f"the example printed {done.stdout[:200]!r}")
    dists = _run([venv / "bin" / "python", "-m", "pip", "list", "--format", "freeze",
                  "--disable-pip-version-check"], cwd=outside, env=env).stdout.split()
    return version, done.returncode, verdict, dists


def run_check(keep: Path | None = None) -> InstallReport:
    """Build, install, check and measure; the work directory is removed unless kept."""
    work = Path(tempfile.mkdtemp(prefix="spikecheck-wheel-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        wheel = build_wheel(work)
        t0 = time.perf_counter()
        venv = install(wheel, work)
        install_s = time.perf_counter() - t0
        outside = work / "elsewhere"
        outside.mkdir()
        version, code, verdict, dists = check(venv, outside)
        return InstallReport(wheel.name, wheel.stat().st_size // 1024, version, code, verdict,
                             round(disk_mb(site_packages(venv)), 1), dists,
                             round(install_s, 1))
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the measurement here")
    ap.add_argument("--keep", type=Path, help="build and install here, and keep it")
    args = ap.parse_args(argv)
    try:
        r = run_check(args.keep)
    except CheckFailed as exc:
        print(f"install check: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"install check: {r.wheel} ({r.wheel_kb} KB) installed in a fresh venv in "
          f"{r.install_s:.0f} s; `spikecheck -V`: {r.version_line}; the example from outside "
          f"the repository: exit {r.example_exit}, {r.example_verdict}")
    print(f"default install: site-packages {r.site_packages_mb:.0f} MB "
          f"({ORIGINAL_INSTALL_MB} MB before, {ORIGINAL_INSTALL_MB / r.site_packages_mb:.1f}x "
          f"smaller): {', '.join(r.distributions)}")
    if args.json:
        args.json.write_text(json.dumps(asdict(r), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
