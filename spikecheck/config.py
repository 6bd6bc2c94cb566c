"""Project defaults from `[tool.spikecheck]` in pyproject.toml, below the command line.

A team's dataset size, batch size and --fail-on policy are the same for every run of a
project, so they live once in pyproject.toml:

    [tool.spikecheck]
    dataset-size = 22225
    batch-size = 16
    fail-on = "any-spike"

The file is looked for from the current directory upward: the first pyproject.toml with a
`[tool.spikecheck]` table wins; the search stops at a directory holding `.git` (the top of
the repository) or at the filesystem root. Keys use the option names (`dataset-size`;
`dataset_size` is accepted too). Options given on the command line override the file.
An unknown key or a value of the wrong type is a `ConfigError` naming the key.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from spikecheck.verdicts import FAIL_ON

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

TABLE = "spikecheck"


class ConfigError(ValueError):
    """A pyproject.toml that cannot be used: unreadable TOML, an unknown key, a wrong type."""


MAX_COUNT = 2**63 - 1  # the command line's bound (spikecheck.cli.MAX_COUNT)


def _positive_int(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return "an integer"
    if value > MAX_COUNT:
        return f"an integer of at most {MAX_COUNT}"
    return None if value >= 1 else "an integer of at least 1"


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def _text(value: object) -> str | None:
    return None if isinstance(value, str) and value.strip() else "a non-empty string"


def _fail_on(value: object) -> str | None:
    if isinstance(value, str) and value in FAIL_ON:
        return None
    return "one of " + ", ".join(f'"{v}"' for v in FAIL_ON)


def _globs(value: object) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return None
    return 'a list of glob strings, like ["logs/**/*.csv"]'


# key -> (the click parameter it sets, or None when no option reads it yet; its check)
KEYS: dict[str, tuple[str | None, Callable[[object], str | None]]] = {
    "dataset-size": ("dataset_size", _positive_int),
    "batch-size": ("batch_size", _positive_int),
    "drop-last": ("drop_last", _boolean),
    "grad-accum": ("grad_accum", _positive_int),
    "world-size": ("world_size", _positive_int),
    "steps-per-epoch": ("steps_per_epoch", _positive_int),
    "fail-on": ("fail_on", _fail_on),
    "metric": ("metric", _text),
    # Globs on paths relative to a directory argument: which logs a directory walk reads.
    "include": ("include", _globs),
    "exclude": ("exclude", _globs),
}


@dataclass(frozen=True)
class ProjectConfig:
    """The validated `[tool.spikecheck]` table and the file it came from (None: no file)."""

    path: Path | None = None
    values: dict[str, object] = field(default_factory=dict)

    def default_map(self) -> dict[str, object]:
        """The values click should use as defaults, keyed by parameter name."""
        out: dict[str, object] = {}
        for key, value in self.values.items():
            param = KEYS[key][0]
            if param is not None:
                out[param] = value
        return out

    @property
    def include(self) -> list[str]:
        """Globs of log files to check inside directory inputs (empty: all)."""
        return list(self.values.get("include", []))  # type: ignore[call-overload]

    @property
    def exclude(self) -> list[str]:
        """Globs of log files to leave out of directory inputs."""
        return list(self.values.get("exclude", []))  # type: ignore[call-overload]


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml holding [tool.spikecheck], from `start` upward.

    Stops after the directory that holds `.git` (a repository's top; a file in worktrees
    and submodules) or at the filesystem root.
    """
    here = start.resolve()
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        try:
            if candidate.is_file() and TABLE in _tool_tables(candidate):
                return candidate
            if (directory / ".git").exists():
                return None
        except PermissionError:  # a directory we may not look into ends the search
            return None
    return None


def _tool_tables(path: Path) -> dict:
    """The [tool] table of a pyproject.toml; a file that cannot be parsed is an error."""
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML here (arrays or tables nested too "
                          "deeply)") from None
    tool = doc.get("tool", {})
    return tool if isinstance(tool, dict) else {}


def validate(table: object, path: Path) -> dict[str, object]:
    """The table's values keyed by canonical (dashed) key; ConfigError naming a bad key."""
    where = f"{path}: [tool.{TABLE}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    values: dict[str, object] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("_", "-")
        if key not in KEYS:
            known = ", ".join(KEYS)
            raise ConfigError(f"{where}: unknown key {raw_key!r} (known keys: {known})")
        if key in values:
            raise ConfigError(f"{where}: {key!r} is given twice (with - and with _)")
        problem = KEYS[key][1](value)
        if problem:
            raise ConfigError(f"{where}: {raw_key!r} must be {problem}, not {value!r}")
        values[key] = value
    return values


def load(start: Path | None = None) -> ProjectConfig:
    """The project configuration seen from `start` (default: the current directory)."""
    try:
        path = find_pyproject(Path.cwd() if start is None else start)
    except FileNotFoundError:  # the current directory was deleted: no project to read
        return ProjectConfig()
    if path is None:
        return ProjectConfig()
    return ProjectConfig(path, validate(_tool_tables(path)[TABLE], path))


def _shown(value: object) -> str:
    """A setting's value as it would be written in TOML; "-" for not set."""
    if value is None or value == ():
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def describe(ctx) -> str:
    """--show-config: each setting in effect, its value and where it came from."""
    from click.core import ParameterSource

    from spikecheck.render.sanitize import clean

    config: ProjectConfig = ctx.meta.get("spikecheck.config") or ProjectConfig()
    where = f"{clean(config.path)} [tool.{TABLE}]" if config.path else None
    lines = [f"# project file: {where or 'none (no pyproject.toml with [tool.spikecheck])'}"]
    rows = []
    for key, (param, _) in KEYS.items():
        if param is None:
            value = config.values.get(key)
            source = where if key in config.values else "default"
        else:
            value = ctx.params.get(param)
            origin = ctx.get_parameter_source(param)
            source = {ParameterSource.COMMANDLINE: "command line",
                      ParameterSource.ENVIRONMENT: "environment",
                      ParameterSource.DEFAULT_MAP: where or "default map"}.get(origin, "default")
        rows.append((key, clean(_shown(value)), source))  # values are the file's strings
    width_key = max(len(r[0]) for r in rows)
    width_value = max(len(r[1]) for r in rows)
    lines += [f"{k:<{width_key}}  {v:<{width_value}}  {s}" for k, v, s in rows]
    return "\n".join(lines)
