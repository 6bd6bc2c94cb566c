"""Plain-language phrasing shared by every renderer, so all outputs say the same thing.

Nothing here styles or escapes: callers get plain strings built from a Report, with every
name from the log already cleaned (sanitize.name) but not yet escaped for their format.
"""

from __future__ import annotations

import os

from spikecheck.render import sanitize
from spikecheck.render.interface import RunOutcome
from spikecheck.render.notes import note_text
from spikecheck.report import Report

VERDICT_WORDS = {
    "epoch-aligned-spikes": "loss spikes recur at epoch boundaries",
    "periodic-not-epoch": "anomalies recur, but not with the epoch",
    "spikes-not-epoch-aligned": "isolated spikes, not tied to the epoch",
    "inconclusive": "the log cannot tell whether spikes are tied to the epoch",
    "clean": "no loss spikes tied to the epoch",
}

# What a user can do about each reason a log cannot decide.
INCONCLUSIVE_ADVICE = {
    "few-boundaries": "log a run that covers at least three epoch boundaries",
    "short-epochs": "check the epoch geometry (--steps-per-epoch, --dataset-size, "
                    "--batch-size); an epoch of a few steps cannot place a spike",
    "sparse-log": "log the loss every step (or every few steps) instead of a few times an "
                  "epoch",
    "final-step-unseen": "log the loss every step (or on the last step of each epoch) to see "
                         "whether every short final batch spikes; or drop the last batch "
                         "(drop_last=True) and see the spikes go",
    "per-epoch-log": "log the loss every step (Keras: a callback's on_train_batch_end; "
                     "Lightning: self.log(..., on_step=True)); this log has one value per "
                     "epoch",
}

GEOMETRY_SOURCE = {
    "epoch-column": "from the epoch column in the log",
    "log-header": "from the log's own header",
    "steps-per-epoch": "from --steps-per-epoch",
    "dataset-size": "from --dataset-size and --batch-size",
    "inferred": "inferred from the recurring anomalies (not given)",
    "none": "unknown",
}

# Where the boundary effect sits, named by the leading cause.
CAUSE_PLACE = {
    "partial-final-batch": "on the final step of each epoch",
    "epoch-start-reset": "at the start of each epoch",
    "epoch-start-drop": "as a drop at the start of each epoch",
    "unshuffled-data": "as the same shape at the same phase of every epoch",
}


def fmt_p(p: float | None) -> str:
    """A probability as a person reads it: '5e-18', '< 1e-300', '0.03'."""
    if p is None:
        return "n/a"
    if p <= 0:
        return "< 1e-300"
    if p < 1e-3:
        return f"{p:.0e}"
    return f"{p:.2g}"


def fmt_num(x: float | None) -> str:
    """Three significant digits, no exponent for ordinary losses."""
    if x is None:
        return ""
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        return f"{x:.2e}"
    return f"{x:.3g}"


def status(o: RunOutcome) -> str:
    """'error', 'fail' (fails --fail-on), 'warn' (a finding below it) or 'pass'."""
    if o.report is None:
        return "error"
    if o.failed:
        return "fail"
    if o.report.verdict != "clean" or o.report.diagnosis:
        return "warn"
    return "pass"


def run_name(o: RunOutcome) -> str:
    """source:metric for a report (metric omitted when it is the only obvious one)."""
    if o.report is None:
        return sanitize.name(o.name)
    return f"{sanitize.name(o.report.source)} ({sanitize.name(o.report.metric)})"


def chance(report: Report) -> float | None:
    """The smaller of the two alignment probabilities that apply, or None."""
    a = report.alignment
    ps = [a.folded_probability]
    if a.events_on_boundary >= 2:
        ps.append(a.chance_probability)
    ps = [p for p in ps if p is not None]
    return min(ps) if ps else None


def headline(report: Report) -> str:
    """One sentence with the key evidence behind the verdict."""
    r, a = report, report.alignment
    top = r.diagnosis[0] if r.diagnosis else None
    if r.verdict == "epoch-aligned-spikes":
        parts = []
        if a.boundaries and a.boundaries_with_spike:
            parts.append(f"at {a.boundaries_with_spike} of {a.boundaries} epoch boundaries")
        if top and top.cause in CAUSE_PLACE:
            parts.append(CAUSE_PLACE[top.cause])
        elif a.folded_offset is not None:
            parts.append(f"at offset {a.folded_offset:+d} from the epoch start")
        s = "anomalies recur " + ", ".join(parts) if parts else VERDICT_WORDS[r.verdict]
        if top and top.measured_height is not None:
            s += f" ({fmt_num(top.measured_height)}x the usual loss)"
        p = chance(r)
        if p is not None and p < 0.01:
            s += f"; chance of that by luck: {fmt_p(p)}"
        return s
    if r.verdict == "periodic-not-epoch":
        level = r.period.method == "level-scan"
        s = "the loss level jumps" if level else "anomalies recur"
        if r.period.steps is not None:
            s += f" every {r.period.steps:.1f} steps"
        if r.geometry.known and r.geometry.source != "inferred":
            s += f", but an epoch is {r.geometry.steps_per_epoch:g} steps"
        if level:
            return s + (": a learning-rate schedule restarted every K steps (warm restarts, "
                        "step cycles), or something else that runs every K steps")
        return s + ": something runs every K steps (evaluation, checkpoint, loss scaler)"
    if r.verdict == "spikes-not-epoch-aligned":
        ups = [s for s in r.spikes if s.direction == "up"]
        n = len(r.spikes)
        s = f"{n} anomal{'ies' if n != 1 else 'y'}, none tied to the epoch"
        if ups:
            big = max(ups, key=lambda e: e.height)
            s += f"; largest {fmt_num(big.height)}x the usual loss at step {big.peak_step}"
        return s
    if r.verdict == "inconclusive":
        s = r.inconclusive_detail or VERDICT_WORDS[r.verdict]
        if r.spikes:
            s += f" ({len(r.spikes)} anomal{'ies' if len(r.spikes) != 1 else 'y'} found)"
        return s
    # clean
    if top and top.cause == "running-mean-logging":
        return ("the logged value is a running mean reset each epoch: the jumps are the "
                "logging, not the training")
    s = VERDICT_WORDS["clean"]
    if r.spikes:
        s += f" ({len(r.spikes)} small anomal{'ies' if len(r.spikes) != 1 else 'y'} " \
             "at no fixed phase)"
    return s


DROP_REASONS = {
    "nonfinite": "NaN/inf values",
    "repeated_steps": "repeated steps resolved last-write-wins",
    "superseded_by_restart": "points of abandoned runs (the log restarts)",
    "unparsable": "unreadable rows or lines",
    "bad_step": "steps that are not usable numbers",
}


def dropped_sentence(report: Report) -> str | None:
    """'1450 of 1500 logged points were not analysed (...); the verdict rests on the 50 that
    remain', when more than a small share of the log was dropped (else None)."""
    norm = report.normalization
    if not norm.notable_drop:
        return None
    total = norm.points_kept + norm.points_dropped
    why = ", ".join(f"{n} {DROP_REASONS.get(k, k)}" for k, n in norm.dropped.items())
    return (f"{norm.points_dropped} of {total} logged points "
            f"({1 - norm.kept_fraction:.0%}) were not analysed ({why}); the verdict rests on "
            f"the {norm.points_kept} that remain")


def geometry_lines(report: Report) -> list[tuple[str, str]]:
    """(label, sentence) pairs: steps per epoch and where that came from, the final batch."""
    r, g = report, report.geometry
    rows: list[tuple[str, str]] = []
    if g.known:
        spe = g.steps_per_epoch
        spe_s = f"{spe:g}" if float(spe).is_integer() else f"{spe:.1f}"
        src = GEOMETRY_SOURCE.get(g.source, g.source)
        if g.source == "dataset-size" and g.dataset_size and g.batch_size:
            src = f"from --dataset-size {g.dataset_size} and --batch-size {g.batch_size}"
        rows.append(("epoch", f"{spe_s} optimizer steps, {src}"))
    else:
        rows.append(("epoch", "unknown: pass --dataset-size and --batch-size, or "
                              "--steps-per-epoch, to score spikes against epochs"))
    fb = final_batch_sentence(report)
    if fb:
        rows.append(("final batch", fb))
    span = f"{r.points} points, steps {r.first_step} to {r.last_step}"
    span += ", logged every step" if g.log_every <= 1 else f", logged every {g.log_every} steps"
    if g.known:
        span += f"; {int(g.boundaries.size)} epoch boundaries"
    rows.append(("log", span))
    p = r.period
    if p.steps is not None and g.source != "inferred":
        s = f"the anomalies recur every {p.steps:.1f} steps"
        if p.matches_epoch is True:
            s += " (one epoch)"
        elif p.matches_epoch is False:
            s += " (not the epoch)"
        if p.implied_dataset_sizes and not g.dataset_size:
            lo, hi = p.implied_dataset_sizes
            s += f"; with batch size {g.batch_size} that means {lo}–{hi} samples"
        rows.append(("period", s))
    return rows


def final_batch_sentence(report: Report) -> str | None:
    """'1 of 16 samples (1777 = 111 x 16 + 1)' when the loader arithmetic is known."""
    g = report.geometry
    if g.final_batch is None or not g.batch_size:
        return None
    if g.drop_last:
        return f"dropped (--drop-last): every batch holds {g.batch_size} samples"
    s = f"{g.final_batch} of {g.batch_size} samples"
    if g.final_batch >= g.batch_size:
        s = f"full ({g.batch_size} samples): no partial batch"
    elif g.dataset_size and g.world_size == 1:
        full = (g.dataset_size - g.final_batch) // g.batch_size
        s += f" ({g.dataset_size} = {full} x {g.batch_size} + {g.final_batch})"
    if g.grad_accum > 1 and g.final_window is not None:
        s += f"; final accumulation window {g.final_window} of {g.grad_accum} micro-batches"
    return s


def notes(report: Report) -> list[str]:
    """Warnings and disagreements from the engine and readers, cleaned, without repeats."""
    return list(dict.fromkeys(sanitize.clean(note_text(w)) for w in report.warnings))


def common_dir(names: list[str]) -> str:
    """The directory all run names share ('' when none), to shorten a summary table."""
    paths = [n for n in names if n and not n.startswith("<")]
    if len(paths) < 2 or len(paths) != len(names):
        return ""
    try:
        d = os.path.commonpath(paths)
    except ValueError:
        return ""
    if not d or d in paths:
        return ""
    return d.rstrip("/") + "/"
