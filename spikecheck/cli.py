"""The command line: options -> read -> analyze -> render; it alone owns exit codes.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad usage or
unreadable input (one line on stderr, never a traceback), 130 interrupted (Ctrl-C), 141
the reader of the output closed it early (`| head`), quietly; 143 and 129 terminated
(SIGTERM, SIGHUP), the worker processes stopped.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
import warnings

import click

from spikecheck import __version__
from spikecheck.render import RENDERERS
from spikecheck.verdicts import DEFAULT_FAIL_ON, FAIL_ON, fails

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
--fail-on, 2 bad usage or unreadable input, 130 interrupted, 141 output
pipe closed early (| head), 143 terminated (SIGTERM).
"""


def project_defaults(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """Eager: [tool.spikecheck] of the nearest pyproject.toml becomes the options' defaults
    before any other option is read, so the command line still overrides it."""
    from spikecheck.config import ConfigError, load

    try:
        config = load()
    except ConfigError as exc:
        _die(str(exc))
    ctx.meta["spikecheck.config"] = config
    ctx.default_map = {**(ctx.default_map or {}), **config.default_map()}
    return value


def _require_paths(paths: tuple[str, ...]) -> None:
    """LOG... is required unless --show-config: click's own message when it is missing."""
    if not paths:
        ctx = click.get_current_context()
        param = next(p for p in ctx.command.params if p.name == "paths")
        raise click.MissingParameter(ctx=ctx, param=param)


# The largest count an option takes: a C long, what numpy and the OS work in. A dataset,
# batch or epoch beyond it is a typo, and used to end in an internal OverflowError.
from spikecheck.cli_types import MAX_COUNT, PositiveCount  # noqa: E402

MAX_SECONDS = 1e9  # about 31 years: --timeout beyond it is a typo (the OS timer overflows)


def _count() -> click.IntRange:
    """A positive whole number an option takes (1 to MAX_COUNT)."""
    return PositiveCount(min=1, max=MAX_COUNT)


def _not_empty(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An empty name or file (`--junit "$UNSET"`) is an error, not the option left out."""
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty", ctx=ctx, param=param)
    return value


class Seconds(click.ParamType):
    """A time limit in seconds: a finite positive number, at most MAX_SECONDS."""

    name = "SECONDS"

    def convert(self, value, param, ctx) -> float:
        import math

        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(f"{value!r} is not a positive finite number of seconds", param, ctx)
        if seconds > MAX_SECONDS:
            self.fail(f"{value!r} is more than {MAX_SECONDS:g} seconds", param, ctx)
        return seconds


class ByteSize(click.ParamType):
    """A byte count with an optional binary suffix: 500M, 2G, 1T (0: no limit)."""

    name = "SIZE"
    UNITS = {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("IB").removesuffix("B")
        unit = text[-1:] if text[-1:] in self.UNITS else ""
        number = text[: len(text) - len(unit)]
        try:
            n = int(number)
        except ValueError:
            self.fail(f"{value!r} is not a size like 500M or 2G", param, ctx)
        if n < 0:
            self.fail(f"{value!r} is negative", param, ctx)
        return n << self.UNITS[unit]


@click.command(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"],
                                                "max_content_width": 100})
# LOG... is required unless --show-config (checked in main, with click's own message)
@click.argument("paths", nargs=-1, metavar="LOG...")
@click.option("--dataset-size", "-N", type=_count(), metavar="N",
              help="Training samples per epoch (with --batch-size gives steps per epoch and "
                   "the final batch).")
@click.option("--batch-size", "-B", type=_count(), metavar="B",
              help="Samples per mini-batch on one device.")
@click.option("--drop-last/--no-drop-last", default=False,
              help="The loader drops the final partial batch (or not).")
@click.option("--grad-accum", type=_count(), default=1, show_default=True,
              metavar="G", help="Micro-batches per optimizer step (gradient accumulation).")
@click.option("--world-size", type=_count(), default=1, show_default=True,
              metavar="W", help="Data-parallel processes sharing each epoch.")
@click.option("--steps-per-epoch", type=_count(), metavar="S",
              help="Optimizer steps per epoch, when known directly.")
@click.option("--first-step", type=click.Choice(["0", "1"]),
              help="Whether the log counts steps from 0 or 1 (inferred when not given).")
@click.option("--metric", "-m", metavar="NAME", callback=_not_empty,
              help="The loss column, tag or key to analyse (default: found automatically).")
@click.option("--step-column", metavar="NAME", callback=_not_empty,
              help="CSV: the column holding the step.")
@click.option("--pattern", metavar="REGEX", callback=_not_empty,
              help="Text logs: a regex with named groups step and loss (and optionally epoch).")
@click.option("--log-every", type=_count(), metavar="K",
              help="Steps between logged values, for logs that print no step.")
@click.option("--input-format", type=click.Choice(["csv", "tensorboard", "text", "json"]),
              help="Skip format sniffing.")
@click.option("--format", "-f", "fmt", default="terminal", show_default=True,
              type=click.Choice(tuple(RENDERERS), case_sensitive=False), help="Output format.")
@click.option("--fail-on", type=click.Choice(tuple(FAIL_ON)), default=DEFAULT_FAIL_ON,
              show_default=True,
              help="Exit 1 when a run's verdict reaches this level: epoch-aligned (only "
                   "epoch-aligned-spikes), any-spike (also periodic and isolated spikes), "
                   "not-clean (also inconclusive), never.")
@click.option("--quiet", "-q", is_flag=True, help="Print the verdict line only.")
@click.option("--plot", "plot_path", metavar="FILE.png", callback=_not_empty,
              help="Also draw the loss curve and the folded epoch profile to a PNG "
                   "(needs matplotlib: pip install 'spikecheck[plot]').")
@click.option("--junit", "junit_path", metavar="FILE.xml", callback=_not_empty,
              help="Also write a JUnit XML report: one test case per run, failing per "
                   "--fail-on.")
@click.option("--list", "list_only", is_flag=True,
              help="List the metrics found in each input (in a directory, each run's) and "
                   "exit; with --format json, as one JSON object.")
@click.option("--jobs", "-j", "n_jobs", type=_count(), metavar="N",
              envvar="SPIKECHECK_JOBS",
              help="Runs analysed at once, in worker processes (default: the number of "
                   "cores, or SPIKECHECK_JOBS; 1: one after another in this process).")
@click.option("--timeout", type=Seconds(), metavar="SECONDS",
              help="Per-run time limit: a run still reading or analysing after it is an "
                   "error (exit 2); the other runs go on.")
@click.option("--include", multiple=True, metavar="GLOB",
              help="In directories: only logs whose path (relative to the directory) "
                   "matches; repeatable.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="In directories: leave out logs whose relative path matches; repeatable.")
@click.option("--verbose", "-v", is_flag=True,
              help="List each side file a directory walk skipped, and why.")
@click.option("--max-input-bytes", type=ByteSize(), default="2G", show_default=True,
              help="Stop with exit 2 when gzip content inflates, or stdin runs, beyond this "
                   "(0: no limit).")
@click.option("--show-config", is_flag=True, is_eager=True, callback=project_defaults,
              help="Print the settings in effect (command line, [tool.spikecheck] in "
                   "pyproject.toml, built-in defaults) and where each comes from, then exit.")
@click.version_option(__version__, "-V", "--version", prog_name="spikecheck")
def main(paths: tuple[str, ...], dataset_size: int | None, batch_size: int | None,
         drop_last: bool, grad_accum: int, world_size: int, steps_per_epoch: int | None,
         first_step: str | None, metric: str | None, step_column: str | None,
         pattern: str | None, log_every: int | None, input_format: str | None, fmt: str,
         fail_on: str, quiet: bool, plot_path: str | None, junit_path: str | None,
         list_only: bool, n_jobs: int | None, timeout: float | None,
         include: tuple[str, ...], exclude: tuple[str, ...], verbose: bool,
         max_input_bytes: int, show_config: bool) -> None:
    """Find loss spikes in training logs and tell whether the epoch is to blame.

    LOG is a CSV file, a TensorBoard event file or run directory, a text or JSON
    training log (gzip is fine), a directory of runs in any of these formats (each log
    found is a run), a URL read through fsspec, or - for stdin. spikecheck reads the loss, detects
    spikes, scores them against the epoch boundaries and names the likely cause.
    """
    from spikecheck.geometry import GeometryError, GeometryInputs
    from spikecheck.readers import ReadOptions

    if show_config:
        from spikecheck.config import describe
        from spikecheck.render.sanitize import clean

        text = describe(click.get_current_context())  # names a path and the file's strings
        click.echo("\n".join(clean(line) for line in text.split("\n")))
        sys.exit(0)
    _require_paths(paths)
    options = ReadOptions(metric=metric, step_column=step_column, pattern=pattern,
                          log_every=log_every, steps_per_epoch=steps_per_epoch,
                          batch_size=batch_size, max_input_bytes=max_input_bytes)
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
        _list(paths, options, input_format, fmt, include, exclude)
        return

    _check_outputs(paths, plot_path, junit_path)
    if plot_path:
        _check_plot(plot_path)
    _safe_streams()
    fmt = fmt.lower()

    from spikecheck.fleet import Settings

    settings = Settings(options, input_format, inputs, fail_on, timeout)
    try:
        with _quiet_numpy():
            jobs = _plan_jobs(paths, options, input_format, include, exclude, verbose)
            code = _run(jobs, settings, _workers(n_jobs, len(jobs)), quiet, fmt, plot_path,
                        junit_path)
    except BrokenPipeError:  # stderr closed by its reader: nothing more can be said
        _silence(sys.stdout)
        _silence(sys.stderr)
        code = EXIT_PIPE
    sys.exit(code)


EXIT_INTERRUPTED = 130
EXIT_PIPE = 141  # 128 + SIGPIPE, what a shell shows for a writer whose reader left


def _plan_jobs(paths, options, input_format, include, exclude, verbose) -> list:
    """One job per file argument, and one per training log found in a directory argument.

    A directory of TensorBoard runs alone with --metric "run: tag", --input-format, or a
    directory with nothing recognisable, stays one job read as before (its errors are the
    same). What a directory walk skipped is counted in a note (--verbose lists it).
    """
    from spikecheck.fleet import Job
    from spikecheck.readers.discover import discover, filtered_out_error, nothing_found_error
    from spikecheck.render.notes import note_text
    from spikecheck.render.sanitize import clean

    jobs = []
    for path in paths:
        if path == "-" or input_format is not None or not os.path.isdir(path) \
                or _holds_event_files(path):  # a TensorBoard run directory: read as before
            jobs.append(Job(path))
            continue
        found = discover(path, include, exclude, metric=options.metric)
        filtered_out = filtered_out_error(found)
        kinds = {r.kind for r in found.runs}
        if verbose:
            for rel, why in found.skipped:
                click.echo(f"spikecheck: note: {clean(path)}: skipped {clean(rel)} ({why})",
                           err=True)
        elif found.skipped:
            click.echo(f"spikecheck: note: {clean(path)}: {len(found.runs)} "
                       f"run{'s' if len(found.runs) != 1 else ''} found, "
                       f"{len(found.skipped)} side file{'s' if len(found.skipped) != 1 else ''}"
                       " skipped (not training logs; --verbose lists them)", err=True)
        one_tb = len(found.runs) == 1 and found.runs[0].kind == "tensorboard"
        by_tag = kinds == {"tensorboard"} and options.metric and ": " in options.metric
        if filtered_out:
            jobs.append(Job(path, error=filtered_out))
            continue
        if not found.runs and not found.unreadable:
            jobs.append(Job(path, error=nothing_found_error(found)))
            continue
        if not found.runs or by_tag or (one_tb and found.runs[0].name == "."):
            jobs.append(Job(path))
            continue
        lenient = len(found.runs) > 1
        walk_notes = tuple(found.walk_notes())
        for n in walk_notes:
            click.echo(f"spikecheck: note: {clean(note_text(n))}", err=True)
        picked = _run_metric(found.runs, options.metric)
        if picked is None and options.metric and ": " in options.metric:
            # the walk chose MLflow metrics by --metric itself: look again without it
            picked = _run_metric(discover(path, include, exclude).runs, options.metric)
        if picked is not None:  # --metric "run: metric", as --list names it
            run_path, name, metric = picked
            jobs.append(Job(run_path, run=name, root=path, metric=metric, notes=walk_notes))
            continue
        jobs += [Job(r.path, run=r.name, root=path, metric=r.metric, lenient=lenient,
                     notes=walk_notes) for r in found.runs]
    return jobs


def _run_metric(runs, metric: str | None) -> tuple[str, str, str] | None:
    """(path, run name, metric) when --metric names one run of a directory as --list shows
    it: `run: metric`, or `run/sub: tag` for a sub-run of a TensorBoard run; else None."""
    if not metric or ": " not in metric:
        return None
    for run in sorted(runs, key=lambda r: len(r.name), reverse=True):  # the longest name
        if metric.startswith(run.name + ": "):
            wanted = metric[len(run.name) + 2:]
            if run.kind == "mlflow" and run.metric:  # one file per MLflow metric
                return (run.path[: len(run.path) - len(run.metric)] + wanted, run.name,
                        wanted)
            return run.path, run.name, wanted
        if run.kind == "tensorboard" and metric.startswith(run.name + "/"):
            return run.path, run.name, metric[len(run.name) + 1:]  # "sub: tag" in the run
    return None


JOBS_PER_CORE = 4  # worker processes beyond this many per core only cost memory


def _workers(n_jobs: int | None, n_runs: int) -> int:
    """The pool size: --jobs (or the cores), at most JOBS_PER_CORE per core; a larger
    --jobs (`-j 1000` forked a process per run) is capped with a note."""
    from spikecheck.fleet import default_jobs

    cores = default_jobs()
    if n_jobs is None:
        return cores
    cap = JOBS_PER_CORE * cores
    if n_jobs > cap and n_runs > cap:
        click.echo(f"spikecheck: note: --jobs {n_jobs} is more than {JOBS_PER_CORE} per core "
                   f"({cores} core{'s' if cores != 1 else ''} here): {cap} worker processes",
                   err=True)
    return min(n_jobs, cap)


def _holds_event_files(path: str) -> bool:
    from spikecheck.readers.tensorboard import is_event_file_name

    try:
        return any(is_event_file_name(e.name) for e in os.scandir(path))
    except OSError:
        return False


def _run(jobs, settings, n_jobs: int, quiet: bool, fmt: str, plot_path: str | None,
         junit_path: str | None) -> int:
    """Read, analyse and report every job (in a pool when several); the exit code.

    Each run is isolated: an unexpected failure reading, analysing or rendering one run,
    a run past --timeout or a crashed worker makes that run an error outcome (exit 2) and
    the others are still reported, in every output (--junit included). --format jsonl
    writes each run's line as it finishes; the other formats report in job order.
    """
    from dataclasses import replace

    from spikecheck.fleet import run_jobs
    from spikecheck.fleet_render import PER_RUN

    streaming = fmt == "jsonl"
    render_options = _render_options(settings.fail_on, quiet)
    # Each run's part of a terminal or jsonl report is rendered where the run was analysed
    # (in parallel with --jobs); the curve comes back only for --plot to draw (no other
    # output draws it).
    settings = replace(settings, keep_curve=bool(plot_path),
                       render=fmt if fmt in PER_RUN else None, render_options=render_options)
    errors: list[str] = []
    state = {"pipe": False, "written": None}
    with _Progress(tuple(j.path for j in jobs), enabled=not quiet) as progress:
        def arrived(result) -> None:
            if result.notes:
                sys.stderr.write(result.notes)
            if streaming:
                from spikecheck.render.jsonl import line

                for msg in result.errors:
                    click.echo(f"spikecheck: error: {msg}", err=True)
                if not state["pipe"] and not state["written"]:
                    texts = result.texts or [None] * len(result.outcomes)
                    w = _write_stdout("".join(t if t is not None else line(o)
                                              for t, o in zip(texts, result.outcomes)))
                    state["pipe"], state["written"] = w == "pipe", w if w != "pipe" else None
            else:
                errors.extend(result.errors)
            progress.start(jobs[result.index].run or jobs[result.index].path)
            progress.done(jobs[result.index].path)

        results = run_jobs(jobs, settings, n_jobs, arrived)
    outcomes = [o for r in results for o in r.outcomes]
    empty = _empty_directories(jobs, results, errors)
    outcomes += empty
    if streaming:
        if empty and not state["pipe"] and not state["written"]:
            from spikecheck.render.jsonl import line

            w = _write_stdout("".join(line(o) for o in empty))
            state["pipe"], state["written"] = w == "pipe", w if w != "pipe" else None
        written = state["written"] or ("pipe" if state["pipe"] else None)
        for msg in errors:
            click.echo(f"spikecheck: error: {msg}", err=True)
    else:
        parts = [t for r in results for t in (r.texts or [None] * len(r.outcomes))]
        text, outcomes = _report(fmt, outcomes, parts + [None] * len(empty), render_options,
                                 errors)
        for msg in errors:
            click.echo(f"spikecheck: error: {msg}", err=True)
        written = _write_stdout(text)
    undrawn = _side_outputs(outcomes, render_options, plot_path, junit_path, quiet)
    if written == "pipe":
        return EXIT_PIPE
    if written:
        click.echo(f"spikecheck: error: {written}", err=True)
        return 2
    return 2 if undrawn else exit_code(outcomes)


def _report(fmt: str, outcomes: list, parts: list, options, errors: list[str]
            ) -> tuple[str, list]:
    """The report and the outcomes it shows: a terminal report put together from the runs'
    parts rendered by the workers, else `_rendered`. A part missing is rendered here; a run
    that cannot be rendered here either becomes an error outcome (as in `_rendered`)."""
    if fmt != "terminal" or not outcomes:
        return _rendered(fmt, outcomes, options, sys.stdout, errors)
    from spikecheck.fleet_render import part, terminal_report

    kept, texts = [], []
    for text, o in zip(parts, outcomes):
        if text is None:
            try:
                text = part(fmt, o, options, sys.stdout)
            except Exception as exc:  # noqa: BLE001 - this run becomes an error
                _reraise_when_debugging()
                o = _error_outcome(o.name, _internal(o.name, f"writing the {fmt} report", exc),
                                   errors, o.path)
                text = part(fmt, o, options, sys.stdout)
        kept.append(o)
        texts.append(text)
    try:
        return terminal_report(texts, kept, options, sys.stdout), kept
    except Exception:  # noqa: BLE001 - the summary: isolated by _rendered
        _reraise_when_debugging()
    return _rendered(fmt, kept, options, sys.stdout, errors)


def _empty_directories(jobs, results, errors: list[str]) -> list:
    """An error outcome per directory whose every run was skipped (nothing analysed)."""
    seen: dict[str, int] = {}
    for job, result in zip(jobs, results):
        if job.root is not None:
            seen[job.root] = seen.get(job.root, 0) + len(result.outcomes)
    return [_error_outcome(root, f"{root}: none of its logs could be analysed (see the "
                           "notes above)", errors) for root, n in seen.items() if n == 0]


def _internal(name: str, stage: str, exc: BaseException) -> str:
    """The one-line error of an unexpected failure, naming the input and the stage."""
    return (f"{name}: internal error while {stage}: {type(exc).__name__}: {exc} "
            "(set SPIKECHECK_DEBUG=1 for the traceback)")


def _reraise_when_debugging() -> None:
    if os.environ.get("SPIKECHECK_DEBUG"):
        raise  # noqa: PLE0704 - called from inside an except block


class _quiet_numpy:
    """numpy floating-point warnings never reach stderr (a result is checked, not warned)."""

    def __enter__(self) -> None:
        import numpy as np

        self._err = np.seterr(all="ignore")
        self._warn = warnings.catch_warnings()
        self._warn.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc) -> None:
        import numpy as np

        self._warn.__exit__(*exc)
        np.seterr(**self._err)


class _Deferred(io.TextIOBase):
    """Collects a renderer's output, looking like the stream it will go to (a terminal
    or not, its encoding), so a failure while rendering leaves nothing half-written."""

    def __init__(self, like):
        self._like = like
        self._parts: list[str] = []

    def write(self, s: str) -> int:
        self._parts.append(s)
        return len(s)

    def text(self) -> str:
        return "".join(self._parts)

    def isatty(self) -> bool:
        try:
            return bool(self._like.isatty())
        except (AttributeError, ValueError, OSError):
            return False

    def fileno(self) -> int:
        if self._like is None:
            raise io.UnsupportedOperation("fileno")
        return self._like.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._like, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return getattr(self._like, "errors", None) or "replace"


def _rendered(fmt: str, outcomes: list, options, like, errors: list[str]
              ) -> tuple[str, list]:
    """The report as text, and the outcomes it shows.

    When rendering fails, each run is rendered alone to find the ones that fail; they
    become error outcomes (their message added to `errors`) and the rest is rendered.
    """
    from spikecheck.render.interface import get_renderer

    renderer = get_renderer(fmt)

    def attempt(which: list) -> str:
        out = _Deferred(like)
        renderer.render(which, options, out)
        return out.text()

    try:
        return attempt(outcomes), outcomes
    except Exception:  # noqa: BLE001 - isolated below
        _reraise_when_debugging()
    kept = []
    for o in outcomes:
        try:
            attempt([o])
            kept.append(o)
        except Exception as exc:  # noqa: BLE001 - this run becomes an error
            kept.append(_error_outcome(o.name, _internal(o.name, f"writing the {fmt} report",
                                                         exc), errors, o.path))
    return attempt(kept), kept


def _write_stdout(text: str) -> str | None:
    """Write the report: None when it went out, "pipe" when the reader closed the pipe
    (the rest is dropped quietly), else the one-line reason it could not be written."""
    out = sys.stdout
    if out is None:
        return "cannot write the report: standard output is closed"
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:
        _silence(out)
        return "pipe"
    except (OSError, ValueError) as exc:
        _silence(out)
        reason = getattr(exc, "strerror", None) or exc
        return f"cannot write the report to standard output ({reason})"
    return None


def _silence(stream) -> None:
    """Point a broken stream at /dev/null, so the exit's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (AttributeError, ValueError, OSError):
        pass


def exit_code(outcomes) -> int:
    """The worst outcome: 2 for unreadable input, 1 for a run failing --fail-on, else 0."""
    from spikecheck.render.json import exit_code as worst

    return worst(outcomes)


def _analyse_path(path, options, input_format, inputs, fail_on, errors, fleet: bool = False):
    from spikecheck.engine import InsufficientData, analyze
    from spikecheck.engine.analyze import MIN_POINTS
    from spikecheck.geometry import GeometryError
    from spikecheck.readers.registry import read_input
    from spikecheck.render.curve import Curve
    from spikecheck.render.interface import RunOutcome

    t0 = time.perf_counter()
    outcomes = []
    all_series = read_input(path, options, input_format)
    # In a log directory of many runs, a side run that cannot be analysed (an add_scalars
    # sub-run with a value per epoch, a run of a few points) is a note, not a failure,
    # as long as some run of the directory is analysed.
    analysable = [s for s in all_series if not s.per_epoch and len(s) >= MIN_POINTS]
    lenient = (len(all_series) > 1 and bool(analysable)) or fleet  # fleet: one of many runs
    for series in all_series:
        if series.per_epoch and lenient:
            # a side run of a log directory (val losses, add_scalars): a note, not a run
            msg = (f"{series.source}: {series.metric!r} holds one value per epoch: a per-epoch "
                   "log cannot show spikes inside epochs")
            click.echo(f"spikecheck: note: skipped {_one_line(msg)}", err=True)
            continue
        try:
            report = analyze(series, inputs)
        except (InsufficientData, GeometryError) as exc:
            msg = _with_reading_notes(str(exc), series)
            if lenient and isinstance(exc, InsufficientData):
                click.echo(f"spikecheck: note: skipped {_one_line(msg)}", err=True)
            else:
                outcomes.append(_error_outcome(series.source, msg, errors,
                                               _file_of(series.source, path)))
            continue
        except MemoryError:
            outcomes.append(_error_outcome(
                series.source, f"{series.source}: {series.metric!r}: too large to analyse in "
                f"memory ({len(series)} points, steps {int(series.steps[0])} to "
                f"{int(series.steps[-1])})", errors, _file_of(series.source, path)))
            continue
        except Exception as exc:  # noqa: BLE001 - this run is an error, the others go on
            _reraise_when_debugging()
            outcomes.append(_error_outcome(
                series.source, _internal(series.source, f"analysing {series.metric!r}", exc),
                errors, _file_of(series.source, path)))
            continue
        try:
            curve = Curve.from_series(series)
        except Exception:  # noqa: BLE001 - a run without its drawing is still reported
            _reraise_when_debugging()
            curve = None
        t1 = time.perf_counter()
        outcomes.append(RunOutcome(series.source, report, None,
                                   fails(report.verdict, fail_on), curve=curve,
                                   path=_file_of(series.source, path), seconds=t1 - t0))
        t0 = t1
    return outcomes


def _with_reading_notes(message: str, series) -> str:
    """An error about too few points also says what reading left out, from the counts
    normalization keeps (never by searching the readers' sentences)."""
    lost = series.normalization.dropped
    if not lost:
        return message
    parts = ", ".join(f"{n} {LOST_WORDS.get(reason, reason.replace('_', ' '))}"
                      for reason, n in lost.items())
    return f"{message} (reading left out {parts})"


# Normalization's drop reasons (series.Normalization.dropped), in words for the error line.
LOST_WORDS = {
    "nonfinite": "NaN/inf values",
    "repeated_steps": "repeated steps",
    "superseded_by_restart": "points superseded by a restart",
    "unparsable": "unparsable rows or lines",
    "bad_step": "points whose step is not a finite number below 2^53",
}


def _file_of(source: str, arg: str) -> str | None:
    """The file a run came from, for CI annotations: its source if a file, else the arg."""
    if os.path.isfile(source):
        return source
    return arg if arg != "-" and os.path.isfile(arg) else None


def _error_outcome(name: str, message: str, errors: list[str], path: str | None = None):
    """A run that could not be read; its message goes to stderr once reading is over."""
    from spikecheck.render.interface import RunOutcome
    from spikecheck.render.sanitize import clean

    msg = clean(_one_line(message))
    errors.append(msg)
    return RunOutcome(name, None, msg, True, path=path if path and os.path.isfile(path) else
                      (name if os.path.isfile(name) else None))


def _render_options(fail_on: str, quiet: bool):
    """Colour off for NO_COLOR (any non-empty value) and TERM=dumb; rich handles pipes."""
    from spikecheck.render.interface import RenderOptions

    color = None
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        color = False
    return RenderOptions(fail_on=fail_on, quiet=quiet, color=color)


STEP_SUMMARY_LIMIT = 1 << 20  # GitHub shows none of a step's summary past 1 MiB


def _append_step_summary(summary: str, outcomes, options) -> None:
    """The markdown summary appended to $GITHUB_STEP_SUMMARY, cut to what the file has room
    for under GitHub's limit (a fleet of a thousand failing runs, a megabyte column name:
    over the limit GitHub drops the whole summary, the other steps' parts included)."""
    from dataclasses import replace

    try:
        held = os.stat(summary).st_size if os.path.isfile(summary) else 0
    except OSError:
        held = 0
    room = STEP_SUMMARY_LIMIT - held
    text, _ = _rendered("markdown", outcomes, replace(options, max_bytes=max(0, room)),
                        None, [])
    if not text:
        click.echo(f"spikecheck: warning: GITHUB_STEP_SUMMARY already holds {held} bytes: no "
                   "room for the summary under GitHub's 1 MiB limit", err=True)
        return
    try:
        with open(summary, "a", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        click.echo(f"spikecheck: warning: cannot append to GITHUB_STEP_SUMMARY "
                   f"({exc.strerror or exc})", err=True)


def _side_outputs(outcomes, options, plot_path: str | None, junit_path: str | None,
                  quiet: bool) -> bool:
    """--junit, --plot and the GitHub step summary, written whatever --format is; True
    when a run could not be drawn (exit 2)."""
    if junit_path:
        errors: list[str] = []
        text, _ = _rendered("junit", outcomes, options, None, errors)
        for msg in errors:
            click.echo(f"spikecheck: error: {msg}", err=True)
        try:
            with open(junit_path, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            _die(f"cannot write --junit {junit_path}: {exc.strerror or exc}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _append_step_summary(summary, outcomes, options)
    if plot_path:
        from spikecheck.render.plot import PlotUnavailable

        try:
            written, failed = _write_plots(outcomes, plot_path)
        except PlotUnavailable as exc:
            _die(str(exc))
        except OSError as exc:
            _die(f"cannot write --plot {plot_path}: {exc.strerror or exc}")
        if not quiet:
            for p in written:
                click.echo(f"spikecheck: wrote {_one_line(p)}", err=True)
        for msg in failed:
            click.echo(f"spikecheck: error: {msg}", err=True)
        return bool(failed)
    return False


def _write_plots(outcomes, plot_path: str) -> tuple[list[str], list[str]]:
    """Each run's figure to its --plot file, one run at a time: a run that cannot be drawn
    is an error line (and exit 2) while the others are drawn. Returns (written, error
    messages)."""
    from spikecheck.render.plot import _pyplot, figure, plot_paths

    plt = _pyplot()
    written, failed = [], []
    for o, target in zip(outcomes, plot_paths(plot_path, outcomes)):
        if target is None:
            continue
        with warnings.catch_warnings():  # matplotlib's own warnings are not a stderr line
            warnings.simplefilter("ignore")
            try:
                fig = figure(o, plt)
            except Exception as exc:  # noqa: BLE001 - this run's drawing only
                _reraise_when_debugging()
                failed.append(_one_line(_internal(o.name, f"drawing --plot {target}", exc)))
                continue
            try:
                fig.savefig(target, dpi=110)
            finally:
                plt.close(fig)
        written.append(target)
    return written, failed


def _check_outputs(paths: tuple[str, ...], plot_path: str | None,
                   junit_path: str | None) -> None:
    """Fail fast, before reading anything, on an output (--plot, --junit, the GitHub step
    summary) that would overwrite an input or another output, or cannot be written
    (spikecheck.output_paths)."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY") or None
    if plot_path or junit_path or summary:
        from spikecheck.output_paths import OutputPathError, check_output_paths

        try:
            check_output_paths(paths, plot_path, junit_path, summary)
        except OutputPathError as exc:
            _die(str(exc))


def _check_plot(plot_path: str) -> None:
    """Fail fast, before reading anything, when --plot cannot work."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        _die("--plot needs matplotlib, which is not installed: "
             "pip install 'spikecheck[plot]'")
    parent = os.path.dirname(os.path.abspath(plot_path))
    if not os.path.isdir(parent):
        _die(f"--plot {plot_path}: no such directory {parent}")


def _safe_streams() -> None:
    """Never crash on an output encoding that cannot show a character: print '?' instead."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


class _Progress:
    """A transient progress bar on stderr, only when stderr is a terminal.

    Shown for several inputs or one large one (reading dominates the run time); never
    written to a pipe or a CI log, and gone once the report prints.
    """

    LARGE = 8 << 20

    def __init__(self, paths: tuple[str, ...], enabled: bool = True):
        self.paths = paths
        self.sizes = {p: _size(p) for p in paths}
        total = sum(self.sizes.values())
        self.enabled = enabled and _stderr_is_tty() and (len(paths) > 1 or total > self.LARGE)
        self.total = total
        self._progress = None
        self._task = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(stderr=True)
            self._progress = Progress(
                TextColumn("reading"), BarColumn(), TextColumn("{task.fields[name]}", markup=False),
                TimeElapsedColumn(), console=console, transient=True,
                redirect_stdout=False)  # the report (jsonl lines as they come) is stdout's
            self._progress.start()
            self._task = self._progress.add_task("read", total=max(self.total, 1), name="")
        return self

    def start(self, path: str) -> None:
        if self._progress is not None:
            from spikecheck.render.sanitize import name

            self._progress.update(self._task, name=name(path)[-40:])

    def done(self, path: str) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, max(self.sizes.get(path, 0), 1))

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()


def _size(path: str) -> int:
    try:
        if os.path.isdir(path):
            return sum(e.stat().st_size for e in os.scandir(path) if e.is_file())
        return os.path.getsize(path)
    except OSError:
        return 0


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _list(paths, options, input_format, fmt: str, include, exclude) -> None:
    """--list: each input's metrics (spikecheck.listing) as text, or JSON with --format
    json; exit 2 when an input, or a run or directory inside one, could not be read."""
    from spikecheck.listing import list_input, stderr_lines, text, to_json

    _safe_streams()
    listings = []
    for path in paths:
        listed = list_input(path, options, input_format, include, exclude)
        listings.append(listed)
        for line in stderr_lines(listed):
            click.echo(line, err=True)
        if fmt.lower() != "json" and listed.error is None:
            _emit(text(listed))
    if fmt.lower() == "json":
        _emit(to_json(listings))
    sys.exit(0 if all(item.complete for item in listings) else 2)


def _emit(text: str) -> None:
    """Write to stdout; a closed pipe ends quietly with 141, a failed write with exit 2."""
    written = _write_stdout(text)
    if written == "pipe":
        sys.exit(EXIT_PIPE)
    if written:
        _die(written)


def _one_line(msg: str) -> str:
    """A message for stderr: on one line, through the renderers' sanitiser (names in it
    come from logs and paths: no escape sequence or control character reaches the terminal)."""
    from spikecheck.render.sanitize import clean

    return " ".join(clean(msg).split())


def _die(msg: str) -> None:
    click.echo(f"spikecheck: error: {_one_line(msg)}", err=True)
    sys.exit(2)


class _Interrupted(BaseException):
    """SIGINT, raised past click (which would print "Aborted!" and exit 1)."""


class _Terminated(BaseException):
    """SIGTERM or SIGHUP (a cancelled CI job, `timeout`, a closed terminal): raised so the
    worker pool is stopped on the way out instead of left running its jobs orphaned."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_sigint(signum, frame) -> None:
    raise _Interrupted


def _on_terminate(signum, frame) -> None:
    raise _Terminated(signum)


TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                    if hasattr(signal, name))


def _one_blas_thread() -> None:
    """OpenBLAS, loaded with numpy, starts a thread per core that spins while the main one
    works: 40-60 ms of a small log's 0.2 s on 2 cores, for linear algebra spikecheck only
    does on two columns (polyfit, corrcoef) where threads do not help. Unless the user chose
    a count, this process and its --jobs workers keep one; it must run before numpy loads
    (spikecheck.cli imports no numpy: tests/test_startup_imports.py)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def run() -> None:
    """Entry point guard: no traceback ever reaches the user; signals get their codes."""
    try:
        signal.signal(signal.SIGINT, _on_sigint)
        for signum in TERMINATING:
            signal.signal(signum, _on_terminate)
    except (ValueError, OSError):  # not the main thread
        pass
    _one_blas_thread()
    try:
        # imported inside the guard: a Ctrl-C while they load is an interruption like any
        from spikecheck.cli_group import entry  # `plan` next to the analysis command
        from spikecheck.readers import memory

        memory.CLI = True  # this process is spikecheck's own: big reads may tune its allocator
        entry(standalone_mode=True)
    except SystemExit:
        raise
    except (KeyboardInterrupt, _Interrupted):
        _interrupted()
    except _Terminated as exc:
        _terminated(exc.signum)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("SPIKECHECK_DEBUG"):
            raise
        click.echo(f"spikecheck: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
                   "(set SPIKECHECK_DEBUG=1 for the traceback)", err=True)
        sys.exit(2)


def _terminated(signum: int) -> None:
    """One line and 128 + the signal (143 for SIGTERM, 129 for SIGHUP), as a shell shows a
    process the signal ended; the workers were stopped on the way here (fleet._Pool)."""
    for sig in TERMINATING:
        signal.signal(sig, signal.SIG_IGN)
    try:
        click.echo(f"spikecheck: terminated ({signal.Signals(signum).name})", err=True)
    except (OSError, ValueError):
        pass
    sys.exit(128 + signum)


def _interrupted() -> None:
    """One line and exit 130; the report was not written (nothing half-written is left)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot interrupt this
    try:
        click.echo("spikecheck: interrupted", err=True)
    except OSError:
        pass
    sys.exit(EXIT_INTERRUPTED)
