"""Words for a Plan: each warning as a sentence, with the fix in the framework's own terms.

render/plan.py is the only place plan sentences are made; spikecheck/epoch_plan.py holds the
numbers and codes. Not a --format renderer of reports: `spikecheck plan` calls it.
"""

from __future__ import annotations

import json

from spikecheck.epoch_plan import Plan, PlanItem, PlanNoteCode, PlanWarningCode

SCHEMA_VERSION = 1

# How to drop the final partial batch, in each framework's own words.
DROP_LAST = {
    "torch": "DataLoader(..., drop_last=True)",
    "keras": "dataset.batch(B, drop_remainder=True) on a tf.data pipeline, or "
             "math.floor in the __len__ of a keras.utils.PyDataset / Sequence (N // B)",
    "tf": "tf.data.Dataset.batch(B, drop_remainder=True)",
    "hf": "TrainingArguments(dataloader_drop_last=True)",
    "lightning": "drop_last=True on the DataLoader that train_dataloader() returns "
                 "(Lightning keeps it when it adds the DistributedSampler)",
}

# How to make the loss independent of the batch size, in each framework's terms.
LOSS_FIX = {
    "torch": "average the per-sample losses once (reduction='mean'), or sum and divide by "
             "the full batch size B, not by a count that grows with the batch",
    "keras": "let the loss average over the batch once (a reduction='sum_over_batch_size' "
             "loss), not divide by a count that grows with the batch",
    "tf": "average over the batch once (tf.reduce_mean of per-sample losses), not divide by "
          "a count that grows with the batch",
    "hf": "return a loss averaged once over the batch from compute_loss (or the model), "
          "not divided again by a count that grows with the batch",
    "lightning": "return from training_step a loss averaged once over the batch, not "
                 "divided again by a count that grows with the batch",
}

# How to fix a short final accumulation window.
WINDOW_FIX = {
    "torch": "make the batches per epoch a multiple of G, or divide the final window's "
             "loss by the micro-batches it really holds instead of G",
    "keras": "make the steps per epoch a multiple of the optimizer's "
             "gradient_accumulation_steps",
    "tf": "make the batches per epoch a multiple of the accumulation steps, or scale the "
          "final window by the micro-batches it really holds",
    "hf": "make the batches per epoch a multiple of gradient_accumulation_steps (with "
          "dataloader_drop_last=True and a suitable dataset size)",
    "lightning": "make the batches per epoch a multiple of Trainer(accumulate_grad_batches=G) "
                 "(Lightning steps the optimizer on the epoch's last batch anyway)",
}


def warning_sentence(w: PlanItem, framework: str = "torch") -> str:
    """One warning as a plain sentence (what happens, how large, how often)."""
    if w.code == PlanWarningCode.PARTIAL_FINAL_BATCH:
        where = " on each device" if w.devices else ""
        return (f"the final batch holds {w.final_batch} of {w.batch_size} samples{where}: a "
                f"loss whose magnitude depends on the batch size spikes {w.ratio:g}x there, "
                f"every {w.every_steps} steps")
    if w.code == PlanWarningCode.SINGLE_SAMPLE_BATCH:
        bn = ("BatchNormalization in training mode normalizes a batch of 1 to zero (its "
              "variance is 0)" if framework in ("keras", "tf") else
              "BatchNorm in training mode fails on a batch of 1 (\"Expected more than 1 "
              "value per channel when training\")")
        return (f"{bn}, and a batch of 1 gives the noisiest gradient of the epoch, every "
                f"{w.every_steps} steps")
    if w.code == PlanWarningCode.EMPTY_DEVICE_BATCH:
        return (f"the final global batch leaves {w.devices} replica(s) with no sample at all, "
                f"every {w.every_steps} steps")
    if w.code == PlanWarningCode.PARTIAL_ACCUMULATION:
        return (f"the final optimizer step of each epoch accumulates {w.final_window} of "
                f"{w.grad_accum} micro-batches: a loss divided by {w.grad_accum} regardless "
                f"is {w.ratio:g} of its usual size there, every {w.every_steps} steps")
    return w.code


def note_sentence(n: PlanItem) -> str:
    """One note (no exit 1) as a sentence."""
    if n.code == PlanNoteCode.SAMPLER_PADDING:
        return (f"DistributedSampler repeats {n.samples} sample(s) so that each of the "
                f"{n.devices} devices gets the same number")
    if n.code == PlanNoteCode.SAMPLES_DROPPED:
        return (f"{n.samples} sample(s) are left out of every epoch (different ones each "
                "epoch when the data is shuffled)")
    return n.code


def fix_sentence(w: PlanItem, framework: str) -> str:
    """The fix for one warning, in the framework's own words."""
    if w.code == PlanWarningCode.PARTIAL_ACCUMULATION:
        return WINDOW_FIX[framework]
    if w.code == PlanWarningCode.PARTIAL_FINAL_BATCH:
        return f"{LOSS_FIX[framework]}; or drop the last batch: {DROP_LAST[framework]}"
    return f"drop the last batch: {DROP_LAST[framework]}"


def plan_dict(plan: Plan) -> dict:
    """The plan for --format json: the numbers, and each warning with its sentence and fix."""
    d = plan.to_dict()
    d["warnings"] = [{**w.to_dict(), "message": warning_sentence(w, plan.framework),
                      "fix": fix_sentence(w, plan.framework)} for w in plan.warnings]
    d["notes"] = [{**n.to_dict(), "message": note_sentence(n)} for n in plan.notes]
    return {"schema_version": SCHEMA_VERSION, "plan": d}


def plan_json(plan: Plan) -> str:
    return json.dumps(plan_dict(plan), indent=2) + "\n"


def plan_text(plan: Plan) -> str:
    """The plan for a terminal: the epoch in one paragraph, then warnings with fixes."""
    p = plan
    lines = [f"spikecheck plan: {p.dataset_size} samples, batch {p.batch_size}"
             + (f" x {p.world_size} devices" if p.world_size > 1 else "")
             + (f", accumulating {p.grad_accum}" if p.grad_accum > 1 else "")
             + (", drop_last" if p.drop_last else "") + f" ({p.framework})"]
    lines.append(f"  steps per epoch    {p.steps_per_epoch} optimizer steps"
                 + (f" ({p.batches_per_epoch} batches per device)"
                    if p.batches_per_epoch != p.steps_per_epoch or p.world_size > 1 else ""))
    final = (f"{p.final_batch} of {p.batch_size}" if p.final_batch == p.final_batch_max
             else f"{p.final_batch} to {p.final_batch_max} of {p.batch_size} per replica")
    lines.append(f"  final batch        {final} samples"
                 + (" (full)" if p.final_batch == p.batch_size else ""))
    if p.grad_accum > 1:
        lines.append(f"  final window       {p.final_window} of {p.grad_accum} micro-batches")
    if p.world_size > 1:
        lines.append(f"  per device         {p.samples_per_device} samples")
    for n in p.notes:
        lines.append(f"  note: {note_sentence(n)}")
    if p.ok:
        lines.append("OK: every batch and every optimizer step of the epoch is full.")
    for w in p.warnings:
        lines.append(f"WARNING [{w.code}]: {warning_sentence(w, p.framework)}.")
        lines.append(f"  fix: {fix_sentence(w, p.framework)}")
    return "\n".join(lines) + "\n"
