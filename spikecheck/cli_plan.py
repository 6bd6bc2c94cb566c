"""`spikecheck plan`: the loader arithmetic before training, as a CI gate (exit 1 on a warning)."""

from __future__ import annotations

import sys

import click

# epoch_plan.FRAMEWORKS, written out so that `spikecheck --help` loads no numpy (a test
# keeps the two equal)
FRAMEWORKS = ("torch", "keras", "tf", "hf", "lightning")
from spikecheck.cli_types import MAX_COUNT, PositiveCount  # noqa: E402

PLAN_EPILOG = """\b
Examples:
  spikecheck plan -N 22225 -B 16                  # exit 1: a 1-sample final batch
  spikecheck plan -N 22225 -B 16 --drop-last      # exit 0
  spikecheck plan -N 50000 -B 32 --grad-accum 4 --world-size 8 --framework hf -f json

\b
Exit codes: 0 every batch and optimizer step is full, 1 a warning applies,
2 bad usage.
"""


@click.command("plan", epilog=PLAN_EPILOG,
               context_settings={"help_option_names": ["-h", "--help"],
                                 "max_content_width": 100})
@click.option("--dataset-size", "-N", type=PositiveCount(min=1, max=MAX_COUNT), required=True,
              metavar="N",
              help="Training samples per epoch.")
@click.option("--batch-size", "-B", type=PositiveCount(min=1, max=MAX_COUNT), required=True,
              metavar="B",
              help="Samples per mini-batch on one device.")
@click.option("--drop-last", is_flag=True, help="The loader drops the final partial batch.")
@click.option("--grad-accum", type=PositiveCount(min=1, max=MAX_COUNT), default=1,
              show_default=True,
              metavar="G", help="Micro-batches per optimizer step (gradient accumulation).")
@click.option("--world-size", type=PositiveCount(min=1, max=MAX_COUNT), default=1,
              show_default=True,
              metavar="W", help="Data-parallel processes (devices) sharing each epoch.")
@click.option("--framework", type=click.Choice(FRAMEWORKS), default="torch", show_default=True,
              help="Whose loader semantics and whose words for the fix.")
@click.option("--format", "-f", "fmt", type=click.Choice(("terminal", "json")),
              default="terminal", show_default=True, help="Output format.")
def plan_command(dataset_size: int, batch_size: int, drop_last: bool, grad_accum: int,
                 world_size: int, framework: str, fmt: str) -> None:
    """Before training: steps per epoch, the final batch, and what will spike.

    Computes how the loader cuts each epoch (per device, with gradient accumulation)
    and warns, with the fix in your framework's words, when the final batch or the
    final accumulation window is short.
    """
    from spikecheck.epoch_plan import make_plan
    from spikecheck.geometry import GeometryError
    from spikecheck.render.plan import plan_json, plan_text
    from spikecheck.render.sanitize import clean

    try:
        plan = make_plan(dataset_size, batch_size, drop_last=drop_last, grad_accum=grad_accum,
                         world_size=world_size, framework=framework)
    except GeometryError as exc:
        click.echo(f"spikecheck: error: {clean(str(exc))}", err=True)
        sys.exit(2)
    text = plan_json(plan) if fmt == "json" else plan_text(plan)
    # every output line through the one sanitiser, like the analysis command's
    click.echo("\n".join(clean(line) for line in text.split("\n")), nl=False)
    sys.exit(0 if plan.ok else 1)
