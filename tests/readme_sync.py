"""The README's two generated parts, made from the program itself so they cannot drift.

- The options table: one row per option of the analysis command, from the same help
  records `spikecheck --help` prints (between OPTIONS_BEGIN and OPTIONS_END).
- The terminal example: the output of the command the block shows (its first line,
  `$ spikecheck ...`), plain text at EXAMPLE_COLUMNS columns.

tests/test_readme_sync.py fails when the README differs from what this makes;
`python tests/readme_sync.py` (or `make readme`) rewrites both parts in place.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

OPTIONS_BEGIN = "<!-- options: generated from `spikecheck --help` (tests/readme_sync.py) -->"
OPTIONS_END = "<!-- /options -->"
# ```text title="example: terminal"  ...  ``` : the command on the first line, then its output
EXAMPLE = re.compile(r'^```text title="example: terminal"\n\$ (?P<command>[^\n]+)\n'
                     r'(?P<output>.*?)^```$', re.M | re.S)
EXAMPLE_COLUMNS = 88


def options_table() -> str:
    """The markdown table of the analysis command's options, as --help words them."""
    import click

    from spikecheck.cli import main

    ctx = click.Context(main, info_name="spikecheck", **main.context_settings)
    rows = ["| option | meaning |", "|---|---|"]
    for param in main.get_params(ctx):
        record = param.get_help_record(ctx)
        if not isinstance(param, click.Option) or record is None:
            continue
        opts, help_text = record
        rows.append(f"| `{_cell(opts)}` | {_cell(help_text)} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    """Text for a table cell: pipes escaped, runs of spaces made one."""
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


def readme_options(readme: str) -> str:
    """The options table as the README holds it (between the markers)."""
    start = readme.index(OPTIONS_BEGIN) + len(OPTIONS_BEGIN)
    return readme[start:readme.index(OPTIONS_END, start)].strip()


def example_command(readme: str) -> list[str]:
    """The terminal example's command line, split as a shell would (without `$ `)."""
    m = EXAMPLE.search(readme)
    if m is None:
        raise ValueError('README.md has no ```text title="example: terminal"``` block')
    return shlex.split(m.group("command"))


def readme_example_output(readme: str) -> str:
    m = EXAMPLE.search(readme)
    assert m is not None
    return m.group("output")


def run_example(argv: list[str]) -> tuple[int, str]:
    """Run the example's command (`spikecheck` as this Python's module) from the repository
    root: plain text (NO_COLOR) at EXAMPLE_COLUMNS columns; its exit code and output."""
    if argv[0] != "spikecheck":
        raise ValueError(f"the example runs spikecheck, not {argv[0]!r}")
    env = {**os.environ, "COLUMNS": str(EXAMPLE_COLUMNS), "NO_COLOR": "1", "TERM": "dumb",
           "PYTHONPATH": str(ROOT)}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run([sys.executable, "-m", "spikecheck", *argv[1:]], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=300)
    return done.returncode, plain(done.stdout)


def plain(text: str) -> str:
    """Output compared as lines without trailing spaces (rich pads to the width)."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def synced(readme: str) -> str:
    """The README with both generated parts made afresh."""
    start = readme.index(OPTIONS_BEGIN) + len(OPTIONS_BEGIN)
    end = readme.index(OPTIONS_END, start)
    readme = readme[:start] + "\n" + options_table() + "\n" + readme[end:]
    m = EXAMPLE.search(readme)
    assert m is not None
    _, output = run_example(example_command(readme))
    return readme[:m.start("output")] + output + readme[m.end("output"):]


if __name__ == "__main__":
    old = README.read_text(encoding="utf-8")
    new = synced(old)
    README.write_text(new, encoding="utf-8")
    print("README.md: " + ("updated" if new != old else "already in sync"))
