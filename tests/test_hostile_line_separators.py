"""Line separators other than \\n inside a record. JSON Lines are split at \\n alone: a logged
text sample written with json.dumps(ensure_ascii=False) holds U+2028, U+0085 or \\x1c-\\x1e
raw, and str.splitlines() cut every such record in two (the whole file 'not valid JSON').
CSV and text logs are guarded here too: the same characters change nothing."""

from __future__ import annotations

import json

import pytest
from hostile import badinputs as bad
from hostile.harness import graceful, invoke, runs

SEPARATORS = ["\u2028", "\u2029", "\x85", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c"]


def analysed(res) -> dict:
    assert graceful(res) == "analysis", res.output
    (run,) = runs(res)
    return run


RAW_IN_JSON = ["\u2028", "\u2029", "\x85"]  # json.dumps(ensure_ascii=False) escapes the rest


@pytest.mark.parametrize("sep", RAW_IN_JSON, ids=[f"U+{ord(c):04X}" for c in RAW_IN_JSON])
@pytest.mark.parametrize("forced", [[], ["--input-format", "json"]])
def test_json_lines_with_a_separator_inside_a_string_keep_every_record(tmp_path, sep, forced):
    """detectron2's metrics.json, one record per line, with a text field."""
    steps, values = bad.loss_curve()
    p = tmp_path / "metrics.json"
    p.write_text("".join(json.dumps({"iteration": int(s), "total_loss": float(v),
                                     "sample": f"a{sep}b"}, ensure_ascii=False) + "\n"
                         for s, v in zip(steps, values)), encoding="utf-8")
    assert sep in p.read_text(encoding="utf-8")
    run = analysed(invoke(p, "--format", "json", "--steps-per-epoch", "50", *forced))
    assert run["points"] == steps.size
    assert run["normalization"]["points_dropped"] == 0


def test_a_csv_with_separators_in_a_quoted_field_keeps_every_row(tmp_path):
    steps, values = bad.loss_curve()
    p = tmp_path / "run.csv"
    p.write_text("step,note,loss\n" + "".join(f'{s},"x{"".join(SEPARATORS)}y",{v}\n'
                                             for s, v in zip(steps, values)), encoding="utf-8")
    run = analysed(invoke(p, "--format", "json", "--steps-per-epoch", "50"))
    assert run["points"] == steps.size


def test_a_console_with_separators_in_its_lines_keeps_every_line(tmp_path):
    steps, values = bad.loss_curve()
    p = tmp_path / "train.log"
    p.write_text("".join(f"iter {s}: loss {v:.4f}, sample 'x{''.join(SEPARATORS)}y'\n"
                         for s, v in zip(steps, values)), encoding="utf-8")
    run = analysed(invoke(p, "--format", "json", "--steps-per-epoch", "50"))
    assert run["points"] == steps.size
