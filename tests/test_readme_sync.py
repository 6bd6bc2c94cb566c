"""The README cannot drift from the program: its options table is what `spikecheck --help`
says, its terminal example is what the command it shows prints, its set-up commands come
first and are the Makefile's, and it stays short (detail lives in docs/).

When one of these fails after a change to an option or to the report, run
`python tests/readme_sync.py` (or `make readme`) and read the diff.
"""

from __future__ import annotations

import re

from click.testing import CliRunner
from readme_sync import (
    EXAMPLE_COLUMNS,
    README,
    ROOT,
    example_command,
    options_table,
    readme_example_output,
    readme_options,
    run_example,
)

from spikecheck.cli_group import entry

MAX_README_BYTES = 20 * 1024
TEXT = README.read_text(encoding="utf-8")
LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def test_the_options_table_is_the_help():
    assert readme_options(TEXT) == options_table(), \
        "README's options table is stale: run python tests/readme_sync.py"


def test_every_option_of_help_is_in_the_table_and_no_other():
    """Against the text `spikecheck --help` really prints (not only its records)."""
    res = CliRunner().invoke(entry, ["--help"], prog_name="spikecheck",
                             env={"COLUMNS": "200"})
    assert res.exit_code == 0
    options_part = res.output.split("Options:", 1)[1].split("Examples:", 1)[0]
    in_help = set(LONG_OPTION.findall(options_part))
    in_table = set(LONG_OPTION.findall(readme_options(TEXT).split("|---|---|", 1)[1]))
    flags_in_table = {o for row in readme_options(TEXT).splitlines()[2:]
                      for o in LONG_OPTION.findall(row.split("|")[1])}
    assert flags_in_table == in_help
    assert in_table >= in_help


def test_the_terminal_example_is_what_the_command_prints():
    argv = example_command(TEXT)
    code, output = run_example(argv)
    assert code == 1  # the buggy example: findings
    assert output == readme_example_output(TEXT), \
        "README's terminal example is stale: run python tests/readme_sync.py"
    assert max(len(line) for line in output.splitlines()) <= EXAMPLE_COLUMNS
    # the prose under the block quotes the measured height: it must be the printed one
    quoted = re.search(r"^([0-9.]+x) where B/r", TEXT, re.M)
    assert quoted and f"({quoted.group(1)} the" in " ".join(output.split())


def test_the_example_is_what_make_run_runs():
    make_run = re.search(r"^run:.*\n\t(?P<cmd>.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert make_run is not None
    cmd = make_run.group("cmd").split("||")[0].split()
    assert cmd[0].endswith("/spikecheck") and cmd[1:] == example_command(TEXT)[1:]


def test_the_two_set_up_commands_come_first_and_are_targets():
    first_section = TEXT.split("\n## ", 2)[1]
    assert first_section.startswith("Set-up")
    assert re.search(r"^\s+make run\b", first_section, re.M)
    assert re.search(r"^\s+make test\b", first_section, re.M)
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))
    assert {"run", "test"} <= targets
    for target in re.findall(r"`make ([a-z-]+)`", TEXT):
        assert target in targets, f"README names `make {target}`, which the Makefile lacks"


def test_the_readme_stays_short_and_its_links_resolve():
    assert len(TEXT.encode("utf-8")) <= MAX_README_BYTES
    for target in re.findall(r"\]\(((?:docs/|[A-Z]+\.md)[^)#]*)", TEXT):
        assert (ROOT / target).is_file(), target
