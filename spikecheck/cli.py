"""The command line: options -> read -> analyze -> render; it alone owns exit codes.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad usage or
unreadable input (one line on stderr, never a traceback).
"""

from __future__ import annotations

import os
import sys

import click

from spikecheck import __version__
from spikecheck.render import RENDERERS

FAIL_ON = ("epoch-aligned", "any-spike", "never")

EPILOG = """\b
Examples:
  spikecheck run.csv --dataset-size 22225 --batch-size 16
  spikecheck lightning_logs/version_0/ --steps-per-epoch 1390
  spikecheck train.log --format json > report.json
  cat nohup.out | spikecheck - --dataset-size 50000 --batch-size 128 --drop-last
  spikecheck runs/ --format json --fail-on any-spike     # a CI step over many runs
  spikecheck events.out.tfevents.* --list                # which metrics are there?

\b
Exit codes: 0 clean (nothing at or above --fail-on), 1 findings at or above
--fail-on, 2 bad usage or unreadable input.
"""


def _fails(verdict: str, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    if fail_on == "any-spike":
        return verdict != "clean"
    return verdict == "epoch-aligned-spikes"


@click.command(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"],
                                                "max_content_width": 100})
@click.argument("paths", nargs=-1, required=True, metavar="LOG...")
@click.option("--dataset-size", "-N", type=click.IntRange(min=1), metavar="N",
              help="Training samples per epoch (with --batch-size gives steps per epoch and "
                   "the final batch).")
@click.option("--batch-size", "-B", type=click.IntRange(min=1), metavar="B",
              help="Samples per mini-batch on one device.")
@click.option("--drop-last", is_flag=True, help="The loader drops the final partial batch.")
@click.option("--grad-accum", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="G", help="Micro-batches per optimizer step (gradient accumulation).")
@click.option("--world-size", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="W", help="Data-parallel processes sharing each epoch.")
@click.option("--steps-per-epoch", type=click.IntRange(min=1), metavar="S",
              help="Optimizer steps per epoch, when known directly.")
@click.option("--first-step", type=click.Choice(["0", "1"]),
              help="Whether the log counts steps from 0 or 1 (inferred when not given).")
@click.option("--metric", "-m", metavar="NAME",
              help="The loss column, tag or key to analyse (default: found automatically).")
@click.option("--step-column", metavar="NAME", help="CSV: the column holding the step.")
@click.option("--pattern", metavar="REGEX",
              help="Text logs: a regex with named groups step and loss (and optionally epoch).")
@click.option("--log-every", type=click.IntRange(min=1), metavar="K",
              help="Steps between logged values, for logs that print no step.")
@click.option("--input-format", type=click.Choice(["csv", "tensorboard", "text", "json"]),
              help="Skip format sniffing.")
@click.option("--format", "-f", "fmt", default="terminal", show_default=True,
              type=click.Choice(tuple(RENDERERS), case_sensitive=False), help="Output format.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="epoch-aligned",
              show_default=True, help="Exit 1 when a run's verdict reaches this level.")
@click.option("--quiet", "-q", is_flag=True, help="Print the verdict line only.")
@click.option("--list", "list_only", is_flag=True,
              help="List the metrics found in each input and exit.")
@click.version_option(__version__, prog_name="spikecheck")
def main(paths: tuple[str, ...], dataset_size: int | None, batch_size: int | None,
         drop_last: bool, grad_accum: int, world_size: int, steps_per_epoch: int | None,
         first_step: str | None, metric: str | None, step_column: str | None,
         pattern: str | None, log_every: int | None, input_format: str | None, fmt: str,
         fail_on: str, quiet: bool, list_only: bool) -> None:
    """Find loss spikes in training logs and tell whether the epoch is to blame.

    LOG is a CSV file, a TensorBoard event file or run directory, a text or JSON
    training log (gzip is fine), or - for stdin. spikecheck reads the loss, detects
    spikes, scores them against the epoch boundaries and names the likely cause.
    """
    from spikecheck.geometry import GeometryError, GeometryInputs
    from spikecheck.readers import ReadError, ReadOptions

    options = ReadOptions(metric=metric, step_column=step_column, pattern=pattern,
                          log_every=log_every)
    inputs = GeometryInputs(
        dataset_size=dataset_size, batch_size=batch_size, drop_last=drop_last,
        grad_accum=grad_accum, world_size=world_size, steps_per_epoch=steps_per_epoch,
        first_step=None if first_step is None else int(first_step),
    )
    try:
        inputs.validate()
    except GeometryError as exc:
        _die(str(exc))
    if list_only:
        _list(paths, options, input_format)
        return

    outcomes = []
    for path in paths:
        try:
            outcomes.extend(_analyse_path(path, options, input_format, inputs, fail_on))
        except ReadError as exc:
            outcomes.append(_error_outcome(path, str(exc)))
    _render(outcomes, fmt, fail_on, quiet)
    if any(o.report is None for o in outcomes):
        sys.exit(2)
    sys.exit(1 if any(o.failed for o in outcomes) else 0)


def _analyse_path(path, options, input_format, inputs, fail_on):
    from spikecheck.engine import InsufficientData, analyze
    from spikecheck.geometry import GeometryError
    from spikecheck.readers.registry import read_input
    from spikecheck.render.curve import Curve
    from spikecheck.render.interface import RunOutcome

    outcomes = []
    for series in read_input(path, options, input_format):
        if series.per_epoch:
            outcomes.append(_error_outcome(
                series.source, f"{series.source}: {series.metric!r} holds one value per epoch: "
                "a per-epoch log cannot show spikes inside epochs; log the loss every step"))
            continue
        try:
            report = analyze(series, inputs)
        except (InsufficientData, GeometryError) as exc:
            outcomes.append(_error_outcome(series.source, str(exc)))
            continue
        outcomes.append(RunOutcome(series.source, report, None,
                                   _fails(report.verdict, fail_on),
                                   curve=Curve.from_series(series)))
    return outcomes


def _error_outcome(name: str, message: str):
    from spikecheck.render.interface import RunOutcome

    click.echo(f"spikecheck: error: {_one_line(message)}", err=True)
    return RunOutcome(name, None, _one_line(message), True)


def _render(outcomes, fmt: str, fail_on: str, quiet: bool) -> None:
    from spikecheck.render.interface import RenderOptions, get_renderer

    color = None
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        color = False
    get_renderer(fmt).render(outcomes, RenderOptions(fail_on=fail_on, quiet=quiet, color=color),
                             sys.stdout)


def _list(paths, options, input_format) -> None:
    from spikecheck.readers import ReadError
    from spikecheck.readers.registry import list_metrics

    code = 0
    for path in paths:
        try:
            found = list_metrics(path, options, input_format)
        except ReadError as exc:
            click.echo(f"spikecheck: error: {_one_line(str(exc))}", err=True)
            code = 2
            continue
        click.echo(path)
        for name, count in found:
            click.echo(f"  {''.join(c if c.isprintable() else '?' for c in name)}\t{count}")
    sys.exit(code)


def _one_line(msg: str) -> str:
    return " ".join(msg.split())


def _die(msg: str) -> None:
    click.echo(f"spikecheck: error: {_one_line(msg)}", err=True)
    sys.exit(2)


def run() -> None:
    """Entry point guard: no traceback ever reaches the user."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("spikecheck: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("SPIKECHECK_DEBUG"):
            raise
        click.echo(f"spikecheck: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
                   "(set SPIKECHECK_DEBUG=1 for the traceback)", err=True)
        sys.exit(2)
