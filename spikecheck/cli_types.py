"""The option types the command lines share."""

from __future__ import annotations

import click

# The largest count an option takes: a C long, what numpy and the OS work in. A dataset,
# batch or epoch beyond it is a typo, and used to end in an internal OverflowError.
MAX_COUNT = 2**63 - 1  # (config.MAX_COUNT: the same bound)


class PositiveCount(click.IntRange):
    """A positive whole number (1 to MAX_COUNT), shown in --help as `x>=1`: the upper bound
    is a guard against typos, not something to read, and has its own message."""

    def _describe_range(self) -> str:
        return "x>=1"

    def convert(self, value, param, ctx):
        n = click.INT.convert(value, param, ctx)
        if n > MAX_COUNT:
            self.fail(f"{n} is too large (at most 2^63-1)", param, ctx)
        return super().convert(n, param, ctx)
