"""The `spikecheck` entry point: subcommands (plan) next to the default analysis command.

`spikecheck LOG... [options]` stays the analysis command exactly as before: any first
argument that is not a subcommand name (a path, an option, nothing at all) goes straight
to spikecheck.cli.main, as if no group existed. `spikecheck --help` shows the analysis
help followed by the subcommands. A log file literally named like a subcommand is
passed as ./plan.
"""

from __future__ import annotations

import click

from spikecheck.cli import main as analysis_command
from spikecheck.cli_plan import plan_command


class DefaultCommandGroup(click.Group):
    """A group whose first argument, when it is not a subcommand, goes to a default command."""

    def __init__(self, *args, default: click.Command, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default

    def _routes_to_default(self, args: list[str]) -> bool:
        if not args:
            return True  # as before: the analysis command says LOG is missing (exit 2)
        if args[0] in self.commands:
            return False
        return args[0] not in ("-h", "--help") or len(args) > 1

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        import sys

        argv = list(sys.argv[1:] if args is None else args)
        if self._routes_to_default(argv):
            return self.default.main(argv, prog_name=prog_name, complete_var=complete_var,
                                     standalone_mode=standalone_mode, **extra)
        return super().main(argv, prog_name=prog_name, complete_var=complete_var,
                            standalone_mode=standalone_mode, **extra)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The analysis command's help (usage, options, examples), then the subcommands."""
        sub = click.Context(self.default, info_name=ctx.info_name, parent=None)
        self.default.format_usage(sub, formatter)
        formatter.write_usage(ctx.info_name or "spikecheck", "plan -N N -B B [OPTIONS]",
                              prefix="   or: ")
        self.default.format_help_text(sub, formatter)
        self.default.format_options(sub, formatter)
        self.default.format_epilog(sub, formatter)
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(70))
                                for name, cmd in self.commands.items()])
        formatter.write_paragraph()
        formatter.write_text(f"Run '{ctx.info_name} COMMAND --help' for a command's options.")


entry = DefaultCommandGroup(name="spikecheck", default=analysis_command,
                            commands={"plan": plan_command},
                            context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
