"""Many runs in one command: a job per log, run in a process pool, results as they finish.

The command line turns its inputs into jobs (a file is a job; a directory is one job per
training log `readers.discover` finds in it) and `run_jobs` analyses them: in this process
with --jobs 1 or a single job, else in a `concurrent.futures` process pool. Each job has a
time limit (--timeout): a worker stops itself with SIGALRM, and a job still silent well
past its limit has its workers killed by the parent (a batch of jobs past theirs: each
job is run again alone, to find the one that hangs). A worker that dies (a segfault, the
OOM killer) breaks only its own run: the runs in flight then are run again one at a time,
each alone in a pool of one, and the one that breaks that pool too is reported as an
error; the rest go on in a fresh pool. Results come back in the
order they finish (for --format jsonl) and are reported in job order (sorted by path).

The parent shares the cores with its workers, so it does little per run: the modules every
run needs are imported before the workers fork, a long fleet goes out in batches of up to
MAX_BATCH jobs (one at a time near its end and in a small fleet), at most a few batches
are in flight, and a result comes back small: the worker renders its runs' parts of the
terminal or jsonl report (fleet_render) and keeps the curve only for --plot.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from spikecheck.notes import Note


@dataclass(frozen=True)
class Job:
    """One log to read and analyse. `run` is its name relative to the directory argument
    (None for a path given directly); `root` the directory it was found in; `lenient`
    makes a log without a trainable loss a note rather than an error (inside a fleet)."""

    path: str
    run: str | None = None
    root: str | None = None
    metric: str | None = None
    lenient: bool = False
    notes: tuple[Note, ...] = ()  # what the directory walk could not read, said on each run
    error: str | None = None  # known before reading (a directory --include left empty)


@dataclass(frozen=True)
class Settings:
    """What every job needs, the same for all of them (picklable for the pool)."""

    options: object  # readers.ReadOptions
    input_format: str | None
    inputs: object  # geometry.GeometryInputs
    fail_on: str
    timeout: float | None = None
    keep_curve: bool = True  # False: the parent draws no loss (a part drew it, or no output)
    render: str | None = None  # a fleet_render.PER_RUN format: each run's part rendered here
    render_options: object = None  # render.interface.RenderOptions for it


@dataclass
class JobResult:
    """A finished job: its outcomes, error lines and notes (stderr text) in job order, and
    each outcome's part of the report when Settings.render asked for it (None: the parent
    renders it).

    What a worker sends back is kept small (no curve unless the parent draws it, the
    report's parts already rendered): the parent shares the cores with the workers."""

    index: int
    outcomes: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: str = ""
    texts: list[str | None] | None = None
    finished: bool = False  # the job's own handlers ran to the end (no outcome is lost)


class RunTimeout(BaseException):
    """Raised in a job by SIGALRM when --timeout passes (a BaseException: no reader's
    `except Exception` may swallow it)."""


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def work(index: int, job: Job, settings: Settings) -> JobResult:
    """Read and analyse one job; never raises for the job's own failures."""
    result = JobResult(index)
    options = settings.options
    if job.metric is not None:
        options = replace(options, metric=job.metric)  # type: ignore[type-var]
    captured = io.StringIO()
    if job.error is not None:
        from spikecheck.cli import _error_outcome

        result.outcomes = [_error_outcome(_label(job), job.error, result.errors, None)]
        return result
    try:
        _work_in(job, options, settings, result, captured)
    except RunTimeout:  # the alarm rang outside the run's own handler: before it started
        if not result.finished:  # (a limit shorter than the set-up), or while closing
            result.outcomes = [_timed_out(job, settings, result)]
    result.outcomes = [_named(o, job) for o in result.outcomes]
    if settings.render:
        from spikecheck.fleet_render import part_or_none

        result.texts = [part_or_none(settings.render, o, settings.render_options, sys.stdout)
                        for o in result.outcomes]
    if not settings.keep_curve:
        result.outcomes = [replace(o, curve=None) if getattr(o, "curve", None) is not None
                           else o for o in result.outcomes]
    result.notes = captured.getvalue()
    return result


def _work_in(job: Job, options, settings: Settings, result: JobResult,
             captured: io.StringIO) -> None:
    """work()'s body, under the time limit, with stderr captured."""
    from spikecheck.cli import _analyse_path, _error_outcome, _internal, _quiet_numpy
    from spikecheck.readers import ReadError
    from spikecheck.readers.interface import NoTrainingLoss

    with _alarm(settings.timeout), contextlib.redirect_stderr(captured), _quiet_numpy():
        try:
            outcomes = _analyse_path(job.path, options, settings.input_format,
                                     settings.inputs, settings.fail_on, result.errors,
                                     fleet=job.lenient)
            result.outcomes = [_named(o, job) for o in outcomes]
        except RunTimeout:
            result.outcomes = [_timed_out(job, settings, result)]
        except ReadError as exc:
            if job.lenient and isinstance(exc, NoTrainingLoss):
                captured.write(f"spikecheck: note: skipped {' '.join(str(exc).split())}\n")
            else:
                result.outcomes = [_error_outcome(_label(job), str(exc), result.errors,
                                                  job.path)]
        except Exception as exc:  # noqa: BLE001 - one input never sinks the others
            if os.environ.get("SPIKECHECK_DEBUG"):
                raise
            result.outcomes = [_error_outcome(_label(job), _internal(job.path, "reading", exc),
                                              result.errors, job.path)]
        result.finished = True


def _timed_out(job: Job, settings: Settings, result: JobResult):
    """The error outcome of a run stopped by --timeout."""
    from spikecheck.cli import _error_outcome

    return _error_outcome(_label(job), f"{_label(job)}: timed out after {settings.timeout:g} "
                          "s (--timeout); the run was not analysed", result.errors, job.path)


def _label(job: Job) -> str:
    return job.path


def _named(outcome, job: Job):
    """The outcome carrying its run name relative to the directory it was found in (and the
    walk's notes in its report's warnings: nothing the walk could not read goes unsaid)."""
    if job.notes and outcome.report is not None:
        r = outcome.report
        outcome = replace(outcome, report=replace(
            r, warnings=tuple(dict.fromkeys((*r.warnings, *job.notes)))))
    if job.run is None or getattr(outcome, "run", None):
        return outcome
    run = job.run
    source = outcome.report.source if outcome.report is not None else outcome.name
    if job.root and source != job.path and os.path.isabs(source) == os.path.isabs(job.root):
        rel = os.path.relpath(source, job.root)
        if not rel.startswith(".."):
            run = rel.replace(os.sep, "/")
    return replace(outcome, run=run)


@contextlib.contextmanager
def _alarm(seconds: float | None):
    """SIGALRM raises RunTimeout after `seconds` (main thread only; else no limit here)."""
    usable = (seconds and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def fire(_signum, _frame):
        raise RunTimeout

    old = signal.signal(signal.SIGALRM, fire)
    try:  # armed inside the try: a limit that ends at once still restores the handler
        signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_jobs(jobs: list[Job], settings: Settings, n_jobs: int,
             on_result: Callable[[JobResult], None]) -> list[JobResult]:
    """Every job's result, in job order; `on_result` sees each as it finishes."""
    in_process = [i for i, j in enumerate(jobs) if j.path == "-"]  # stdin is ours alone
    piped = set(in_process)
    pooled = [i for i in range(len(jobs)) if i not in piped]
    results: dict[int, JobResult] = {}
    if n_jobs <= 1 or len(pooled) <= 1:
        in_process, pooled = list(range(len(jobs))), []
    for i in in_process:
        results[i] = work(i, jobs[i], settings)
        on_result(results[i])
    if pooled:
        _Pool(jobs, settings, n_jobs).run(pooled, results, on_result)
    return [results[i] for i in range(len(jobs))]


def work_batch(batch: list[tuple[int, Job]], settings: Settings) -> list[JobResult]:
    """Several jobs, one after another, in one round trip to a worker."""
    return [work(i, job, settings) for i, job in batch]


# Jobs go to the workers in batches: each round trip costs the parent (dispatching and
# receiving in three threads) about half a millisecond of CPU, a core the workers share.
# A batch is at most MAX_BATCH jobs, and small enough to leave BATCHES_PER_WORKER batches
# per worker of what remains: large at the start of a long fleet, one job at a time at its
# end (no worker idles while another finishes a long batch) and in a small fleet.
MAX_BATCH = 16
BATCHES_PER_WORKER = 8


def batch_size(remaining: int, workers: int) -> int:
    """How many of the remaining jobs the next batch takes."""
    return max(1, min(MAX_BATCH, remaining // (workers * BATCHES_PER_WORKER)))


class _Pool:
    """A process pool that survives hung and crashed workers (see the module docstring)."""

    def __init__(self, jobs: list[Job], settings: Settings, n_jobs: int):
        self.jobs = jobs
        self.settings = settings
        self.n_jobs = n_jobs
        self.suspects: list[int] = []  # in flight when a worker died: each run again alone
        self.alone = False

    def _executor(self, size: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if sys.platform.startswith("linux") else "spawn"
        if method == "fork":
            _preload()
        return ProcessPoolExecutor(max_workers=size, initializer=_worker_signals,
                                   mp_context=multiprocessing.get_context(method))

    def run(self, todo: list[int], results: dict[int, JobResult],
            on_result: Callable[[JobResult], None]) -> None:
        while todo or self.suspects:
            if todo:
                todo = self._round(todo, results, on_result)
            while self.suspects:
                self.alone = True
                todo += self._round([self.suspects.pop(0)], results, on_result)
                self.alone = False

    def _round(self, todo: list[int], results: dict[int, JobResult],
               on_result: Callable[[JobResult], None]) -> list[int]:
        """Run `todo` in one pool; the indexes still to run after a break or a kill.

        At most `window` batches are submitted at a time (refilled as each finishes):
        waiting on every future of a thousand-run fleet at once costs the parent time
        quadratic in the runs, time a 2-core machine takes from its workers.
        """
        from collections import deque
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        size = min(self.n_jobs, len(todo))
        executor = self._executor(size)
        queue = deque(todo)  # not submitted yet
        futures: dict = {}  # future -> the job indexes of its batch
        pending: set = set()
        window = 2 * size + 2  # every worker busy, one more queued each, and a spare
        started: dict = {}  # future -> when it was first seen running
        limit = self.settings.timeout
        finished = False  # every batch done: the pool is waited for as it closes
        try:
            while queue or pending:
                try:
                    while queue and len(pending) < window:
                        batch = [queue.popleft() for _ in
                                 range(batch_size(len(queue), size))]
                        fut = executor.submit(work_batch, [(i, self.jobs[i]) for i in batch],
                                              self.settings)
                        futures[fut] = batch
                        pending.add(fut)
                except BrokenProcessPool:
                    queue.extendleft(reversed(batch))
                    return self._after_break(futures, started, results, on_result) + [*queue]
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                now = time.monotonic()
                for fut in pending:
                    if fut.running():
                        started.setdefault(fut, now)
                for fut in done:
                    try:
                        batch_results = fut.result()
                    except BrokenProcessPool:
                        return (self._after_break(futures, started, results, on_result)
                                + [*queue])
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
                        batch_results = [self._failed(i, f"{type(exc).__name__}: {exc}")
                                         for i in futures[fut]]
                    for result in batch_results:
                        results[result.index] = result
                        on_result(result)
                overdue = [f for f in pending if limit and
                           now - started.get(f, now) > _grace(limit, len(futures[f]))]
                if overdue:
                    for f in overdue:
                        if len(futures[f]) == 1:
                            i = futures[f][0]
                            results[i] = self._failed(i, None)
                            on_result(results[i])
                        else:  # which of the batch hangs: each is run again alone
                            self.suspects += futures[f]
                    _kill(executor)
                    return [i for f in pending if f not in overdue for i in futures[f]
                            if i not in results] + [*queue]
            finished = True
        except BaseException:  # Ctrl-C, SIGTERM: no worker outlives the command
            _kill(executor)
            raise
        finally:
            # Not waiting left the pool's manager thread closing its wake-up pipe while the
            # interpreter's exit hook wrote to it: now and then "Exception ignored in:
            # <module 'threading'> ... OSError: Bad file descriptor" on stderr. With every
            # batch done the wait is short; after a kill or a break it is not waited for.
            executor.shutdown(wait=finished, cancel_futures=True)
        return []

    def _after_break(self, futures, started, results, on_result) -> list[int]:
        """A worker died: keep what finished; the runs of the batches in flight become
        suspects, each run again alone (a suspect that breaks its pool alone is the crash:
        an error); the other submitted runs go back to the pool."""
        unfinished: dict = {}
        for fut, batch in futures.items():
            if all(i in results for i in batch):
                continue
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                for result in fut.result():
                    results[result.index] = result
                    on_result(result)
                continue
            unfinished[fut] = [i for i in batch if i not in results]
        flat = [i for batch in unfinished.values() for i in batch]
        if self.alone:
            for i in flat:
                results[i] = self._failed(i, "its worker process died (a crash, or the "
                                             "out-of-memory killer)")
                on_result(results[i])
            return []
        in_flight = [i for f, batch in unfinished.items() if f in started for i in batch] \
            or flat
        self.suspects += in_flight
        return [i for i in flat if i not in set(in_flight)]

    def _failed(self, i: int, why: str | None) -> JobResult:
        """An error result for a job the pool could not finish (None: it timed out)."""
        from spikecheck.cli import _error_outcome

        job = self.jobs[i]
        result = JobResult(i)
        if why is None:
            why = (f"timed out after {self.settings.timeout:g} s (--timeout); the run was "
                   "not analysed and its worker was stopped")
        result.outcomes = [_named(_error_outcome(job.path, f"{job.path}: {why}",
                                                 result.errors, job.path), job)]
        return result


def _grace(limit: float, jobs: int) -> float:
    """Seconds a batch of `jobs` may run before its workers are killed: each job's own
    alarm (--timeout) rings first."""
    return jobs * limit + max(5.0, limit)


# What every run needs, imported once in the parent before it forks its workers, so no
# worker imports them again (the readers of particular formats stay lazy).
PRELOAD = ("spikecheck.cli", "spikecheck.readers.registry", "spikecheck.engine.analyze",
           "spikecheck.render.curve", "spikecheck.fleet_render")


def _preload() -> None:
    """Import PRELOAD in this process (a forked worker inherits the modules)."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)


def _worker_signals() -> None:
    """A worker dies of SIGTERM and SIGHUP as any process does (the pool then reports its
    run as a crash); the command's own handlers, inherited through fork, are for it alone."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def _kill(executor) -> None:
    """Stop every worker of a pool now (a hung run holds one; the rest are restarted)."""
    processes = getattr(executor, "_processes", None) or {}  # no public way to kill them
    for proc in list(processes.values()):
        with contextlib.suppress(Exception):
            proc.kill()
