"""Bad inputs for every reader end in a correct analysis with a warning, or exit 2 with
one line naming the file and the problem: never a traceback, never `clean` for data that
was not read. The inputs are generated (tests/hostile/badinputs.py) into tmp dirs."""

from __future__ import annotations

import pytest
from hostile import badinputs as bad
from hostile.harness import error_line, graceful, invoke, runs

SPE = ["--steps-per-epoch", bad.SPE]
FULL = bad.SPE * bad.EPOCHS


def write(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def analyse(path, *extra):
    res = invoke(path, *SPE, "--format", "json", *extra)
    assert graceful(res, path) == "analysis", res.output
    (run,) = runs(res)
    return res, run


def fails(path, *extra) -> str:
    res = invoke(path, *SPE, *extra)
    assert graceful(res, path) == "error", res.output
    return error_line(res)


# ----------------------------------------------------------------- empty, header, garbage

READER_NAMES = ["run.csv", "train.log", "metrics.json", bad.EVENT_NAME, "noext"]


@pytest.mark.parametrize("name", READER_NAMES)
def test_empty_file(tmp_path, name):
    assert "file is empty" in fails(write(tmp_path, name, b""))


@pytest.mark.parametrize("name", READER_NAMES)
@pytest.mark.parametrize("forced", [None, "csv", "text", "json", "tensorboard"])
def test_binary_garbage(tmp_path, name, forced):
    p = write(tmp_path, name, bad.garbage(8192))
    extra = ["--input-format", forced] if forced else []
    fails(p, *extra)


@pytest.mark.parametrize("name,data,says", [
    ("run.csv", b"step,loss\n", "header only"),
    ("run.csv", b"step,loss", "header only"),
    ("run.csv", b"step,loss\r\n\r\n\r\n", "header only"),
    ("metrics.json", b'{"log_history": []}', "no per-step"),
    ("trainer_state.json", b'{\n  "log_history": [\n  ],\n  "global_step": 0\n}\n', "no per-step"),
    ("metrics.json", b"[]", "no JSON records"),
    ("metrics.jsonl", b'{"iteration": 0, "lr": 0.1}\n{"iteration": 1, "lr": 0.1}\n',
     "without a training loss"),
    ("train.log", b"Namespace(lr=0.1, batch_size=16)\nloading data...\n", "no training-loss"),
    (bad.EVENT_NAME, bad.tfrecord(bad.event(0, file_version="brain.Event:2")), "no scalar"),
])
def test_only_a_header(tmp_path, name, data, says):
    assert says in fails(write(tmp_path, name, data))


def test_whitespace_only(tmp_path):
    fails(write(tmp_path, "run.log", b" \n\n\t\r\n" * 100))


# ----------------------------------------------------------------- CSV loss cells


@pytest.mark.parametrize("cell", ["text", "nan", "inf", "1e400"])
def test_loss_cells_that_are_not_finite_numbers(tmp_path, cell):
    """One cell in ten is bad: the rest is analysed, the bad cells are counted."""
    p = write(tmp_path, "run.csv", bad.csv_loss_cells()[cell])
    res, run = analyse(p)
    assert run["points"] == FULL - FULL // 10
    reason = "unparsable" if cell == "text" else "nonfinite"  # text is no NaN: counted apart
    assert run["normalization"]["dropped"] == {reason: FULL // 10}
    assert run["verdict"] == "epoch-aligned-spikes"
    if cell == "text":
        assert any("not numbers" in w and "oops" in w for w in run["warnings"])
    else:
        assert any("NaN/inf" in w for w in run["warnings"])


def test_a_loss_column_of_text_is_an_error(tmp_path):
    line = fails(write(tmp_path, "run.csv", bad.csv_loss_cells()["all-text"]))
    assert "holds no numbers" in line and "'abc'" in line


def test_negative_losses_are_read_as_they_are(tmp_path):
    steps, values = bad.loss_curve()
    p = write(tmp_path, "run.csv", bad.csv_bytes(steps, values - 2.5))
    _, run = analyse(p)
    assert run["points"] == FULL and run["verdict"] == "epoch-aligned-spikes"
    assert run["log_scale"] is False


def test_thousands_separators_are_numbers(tmp_path):
    """`"1,234.5"` (quoted) is 1234.5: the spikes, the largest values, are not dropped."""
    steps, values = bad.loss_curve()
    rows = "".join(f'{s},"{v * 1000:,.1f}"\n' for s, v in zip(steps, values))
    _, run = analyse(write(tmp_path, "run.csv", ("step,loss\n" + rows).encode()))
    assert run["points"] == FULL
    assert run["normalization"]["dropped_nonfinite"] == 0
    assert run["verdict"] == "epoch-aligned-spikes"
    assert any("thousands" in w for w in run["warnings"])


def test_decimal_comma_with_semicolons(tmp_path):
    steps, values = bad.loss_curve()
    rows = "".join(f"{s};{v:.5f}\n".replace(".", ",") for s, v in zip(steps, values))
    _, run = analyse(write(tmp_path, "run.csv", ("step;loss\n" + rows).encode()))
    assert run["points"] == FULL and run["verdict"] == "epoch-aligned-spikes"
    assert any("decimal comma" in w for w in run["warnings"])


def test_torch_tensor_cells(tmp_path):
    steps, values = bad.loss_curve()
    rows = "".join(f"{s},\"tensor({v:.4f}, device='cuda:0')\"\n" for s, v in zip(steps, values))
    _, run = analyse(write(tmp_path, "run.csv", ("step,loss\n" + rows).encode()))
    assert run["points"] == FULL and run["verdict"] == "epoch-aligned-spikes"


# ----------------------------------------------------------------- delimiters, encodings


def test_a_few_rows_with_another_delimiter_are_skipped_and_counted(tmp_path):
    steps, values = bad.loss_curve()
    rows = [f"{s};{v}" if s % 25 == 3 else f"{s},{v}" for s, v in zip(steps, values)]
    p = write(tmp_path, "run.csv", ("step,loss\n" + "\n".join(rows) + "\n").encode())
    _, run = analyse(p)
    assert run["points"] == FULL - FULL // 25
    assert any("20 rows" in w and "skipped" in w for w in run["warnings"])


def test_mostly_mixed_delimiters_is_an_error_that_says_so(tmp_path):
    line = fails(write(tmp_path, "run.csv", bad.mixed_delimiters()))
    assert "mixed delimiters" in line


@pytest.mark.parametrize("name,data", [
    ("train.log", bad.utf16_text()),
    ("run.csv", bad.utf16_csv()),
    ("train.log", bad.latin1_text()),
    ("run.csv", "step,loss,modèle\n".encode("latin-1") + b"".join(
        f"{s},{v},gpt\xe9\n".encode("latin-1") for s, v in zip(*bad.loss_curve()))),
    ("run.csv", b"\xef\xbb\xbf" + bad.csv_bytes()),
    ("run.csv", bad.csv_bytes().replace(b"\n", b"\r\n")),
    ("run.csv", bad.csv_bytes().replace(b"\n", b"\r")),
    ("train.log", bad.nanogpt_bytes().replace(b"\n", b"\r\n")),
    ("train.log", b"\xef\xbb\xbf" + bad.nanogpt_bytes()),
    ("metrics.json", "\ufeff".encode() + bad.jsonl_bytes()),
    # UTF-32 with its byte order mark (PowerShell's Out-File -Encoding utf32): once read as
    # a CSV of columns like '?i?t?e?r' and refused
    ("train.log", b"\xff\xfe\x00\x00" + bad.nanogpt_bytes().decode().encode("utf-32-le")),
    ("run.csv", b"\x00\x00\xfe\xff" + bad.csv_bytes().decode().encode("utf-32-be")),
    ("metrics.json", b"\xff\xfe\x00\x00" + bad.jsonl_bytes().decode().encode("utf-32-le")),
])
def test_encodings_and_line_ends(tmp_path, name, data):
    _, run = analyse(write(tmp_path, name, data))
    assert run["points"] == FULL
    assert run["verdict"] == "epoch-aligned-spikes"


def test_latin1_loss_cells_in_a_csv(tmp_path):
    steps, values = bad.loss_curve()
    rows = b"".join((f"{s},{v}\n" if s % 50 != 10 else f"{s},é\n").encode("latin-1")
                    for s, v in zip(steps, values))
    _, run = analyse(write(tmp_path, "run.csv", b"step,loss\n" + rows))
    assert run["points"] == FULL - FULL // 50


# ----------------------------------------------------------------- steps


def test_a_restart_resolves_last_write_wins(tmp_path):
    data, n = bad.restarted_steps()
    _, run = analyse(write(tmp_path, "run.csv", data))
    assert run["points"] == n
    assert run["normalization"]["duplicate_steps"] == 100
    assert run["normalization"]["step_resets"] == 1
    assert run["verdict"] == "epoch-aligned-spikes"
    assert any("repeated steps" in w for w in run["warnings"])


def test_a_text_log_with_a_run_appended_from_scratch(tmp_path):
    """The second run supersedes the first from its first step on (as TensorBoard does)."""
    steps, values = bad.loss_curve()
    first = bad.nanogpt_bytes(steps, values * 3)
    p = write(tmp_path, "train.log", first + bad.nanogpt_bytes(steps, values))
    _, run = analyse(p)
    assert run["points"] == FULL and run["verdict"] == "epoch-aligned-spikes"
    assert any("goes back" in w for w in run["warnings"])


def test_every_step_written_twice(tmp_path):
    steps, values = bad.loss_curve()
    rows = "".join(f"{s},{v * 2}\n{s},{v}\n" for s, v in zip(steps, values))
    _, run = analyse(write(tmp_path, "run.csv", ("step,loss\n" + rows).encode()))
    assert run["points"] == FULL
    assert run["normalization"]["duplicate_steps"] == FULL
    assert run["verdict"] == "epoch-aligned-spikes"


@pytest.mark.parametrize("step", ["1e30", "-1e30", "inf", "nan", "9223372036854775808",
                                  "99999999999999999999999"])
def test_steps_out_of_range_are_dropped_and_counted(tmp_path, step):
    steps, values = bad.loss_curve()
    rows = "".join(f"{step if s == 123 else s},{v}\n" for s, v in zip(steps, values))
    _, run = analyse(write(tmp_path, "run.csv", ("step,loss\n" + rows).encode()))
    assert run["points"] == FULL - 1
    assert run["verdict"] == "epoch-aligned-spikes"


def test_negative_steps_keep_their_epochs(tmp_path):
    steps, values = bad.loss_curve()
    _, run = analyse(write(tmp_path, "run.csv", bad.csv_bytes(steps - 1000, values)))
    assert run["points"] == FULL
    assert run["verdict"] == "epoch-aligned-spikes"


def test_all_steps_out_of_range(tmp_path):
    steps, values = bad.loss_curve()
    rows = "".join(f"{s}e30,{v}\n" for s, v in zip(steps, values))
    line = fails(write(tmp_path, "run.csv", ("step,loss\n" + rows).encode()))
    assert "2^53" in line


@pytest.mark.parametrize("record", [
    '{{"iteration": {s}00000000000000000000000, "total_loss": {v}}}',
    '{{"iteration": Infinity, "total_loss": {v}}}',
    '{{"iteration": "{s}", "total_loss": {v}}}',
    '{{"iteration": [{s}], "total_loss": {v}}}',
    '{{"iteration": true, "total_loss": {v}}}',
])
def test_json_records_with_unusable_steps(tmp_path, record):
    steps, values = bad.loss_curve()
    text = "".join(record.format(s=s, v=v) + "\n" for s, v in zip(steps, values))
    line = fails(write(tmp_path, "metrics.json", text.encode()))
    assert "step" in line


def test_trainer_state_on_one_line_with_odd_steps(tmp_path):
    """A minified trainer_state.json is a document, not JSON Lines; bad steps are skipped."""
    steps, values = bad.loss_curve()
    entries = [f'{{"step": {"1e999" if s == 7 else ("[1]" if s == 8 else s)}, "loss": {v}}}'
               for s, v in zip(steps, values)]
    p = write(tmp_path, "trainer_state.json", ('{"log_history": [' + ",".join(entries)
                                               + '], "max_steps": 1e999}').encode())
    _, run = analyse(p)
    assert run["points"] == FULL - 2
    assert any("2 entries without a usable step" in w for w in run["warnings"])


def test_mmcv_json_with_absurd_epochs(tmp_path):
    steps, values = bad.loss_curve()
    text = "".join(f'{{"mode": "train", "epoch": {"1e300" if s % 100 == 5 else s // 50 + 1}, '
                   f'"iter": {s % 50 + 1}, "loss": {v}}}\n' for s, v in zip(steps, values))
    _, run = analyse(write(tmp_path, "x.log.json", text.encode()))
    assert run["points"] == FULL - 5
    assert any("without epoch/iter" in w for w in run["warnings"])


def test_deeply_nested_json(tmp_path):
    assert "nested too deeply" in fails(write(tmp_path, "t.json", b"[" * 100000 + b"]" * 100000))
    fails(write(tmp_path, "t.jsonl", (b'{"a": ' * 50000 + b"1" + b"}" * 50000 + b"\n") * 3))


def test_json_mode_field_that_is_huge(tmp_path):
    steps, values = bad.loss_curve()
    big = "x" * 100000
    text = "".join(f'{{"mode": "{big if s % 2 else "train"}", "epoch": {s // 50 + 1}, '
                   f'"iter": {s % 50 + 1}, "loss": {v}}}\n' for s, v in zip(steps, values))
    _, run = analyse(write(tmp_path, "x.log.json", text.encode()))
    assert all(len(w) < 400 for w in run["warnings"])


def test_json_lines_whose_first_record_is_longer_than_the_head(tmp_path):
    """A first record of 300 KB (a logged text sample) hid every line end from the 256 KB
    head: the file was parsed as one document, "not valid JSON (Extra data)", exit 2."""
    first = b'{"iteration": 0, "total_loss": 2.5, "sample": "' + b"a" * (300 << 10) + b'"}\n'
    _, run = analyse(write(tmp_path, "metrics.json", first + bad.jsonl_bytes()))
    assert run["points"] == FULL
    assert run["normalization"]["duplicate_steps"] == 1  # its iteration 0, then the run's


def test_an_integer_of_400_digits_as_a_step_or_a_loss(tmp_path):
    """`"iteration": 1000...0` (400 digits) ended in "internal error: OverflowError"
    (math.isfinite on an int too large for a float)."""
    lines = bad.jsonl_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"iteration": 1,', b'"iteration": 1' + b"0" * 400 + b",")
    _, run = analyse(write(tmp_path, "metrics.json", b"\n".join(lines)))
    assert run["points"] == FULL - 1 and run["normalization"]["unparsable"] == 1
    state = bad.trainer_state_bytes().replace(b'"loss": ', b'"loss": 1' + b"0" * 400 + b", "
                                              b'"x": ', 1)
    _, run = analyse(write(tmp_path, "trainer_state.json", state))
    assert run["points"] == FULL - 1 and run["normalization"]["dropped_nonfinite"] == 1


def test_json_lines_files_concatenated_with_byte_order_marks(tmp_path):
    """`cat a.jsonl b.jsonl`, each written with a BOM: the record after the join was
    dropped without a word."""
    steps, values = bad.loss_curve()
    data = b"\xef\xbb\xbf" + bad.jsonl_bytes(steps[:250], values[:250]) + b"\xef\xbb\xbf" + \
        bad.jsonl_bytes(steps[250:], values[250:])
    _, run = analyse(write(tmp_path, "metrics.json", data))
    assert run["points"] == FULL


def test_lines_that_are_no_objects_before_json_lines_are_counted(tmp_path):
    """`null` and `[1, 2]` lines first: once the whole file was refused as no JSON."""
    _, run = analyse(write(tmp_path, "metrics.json", b"null\n[1, 2]\n" + bad.jsonl_bytes()))
    assert run["points"] == FULL
    assert any("2 lines that are not JSON objects" in w for w in run["warnings"])


@pytest.mark.parametrize("layout", ["one line", "line end", "indented"])
def test_a_json_array_of_records(tmp_path, layout):
    """`json.dump(history, f)`: read by the text reader as printed dicts (steps from row
    numbers, the step key ignored) or refused as a cut line; now the JSON reader's."""
    import json

    steps, values = bad.loss_curve()
    records = [{"step": int(s) * 10, "loss": float(v)} for s, v in zip(steps, values)]
    text = json.dumps(records, indent=1 if layout == "indented" else None)
    _, run = analyse(write(tmp_path, "history.json",
                           (text + ("\n" if layout == "line end" else "")).encode()),
                     "--steps-per-epoch", bad.SPE * 10)
    assert run["points"] == FULL and run["last_step"] == 10 * int(steps[-1])
    assert any("JSON array" in w for w in run["warnings"])


@pytest.mark.parametrize("encode", [
    lambda b: b"\xff\xfe" + b.decode().encode("utf-16-le"),
    lambda b: b.replace(b"\n", b"\r"),
], ids=["utf-16-bom", "cr-only"])
def test_json_lines_in_utf16_or_with_cr_line_ends(tmp_path, encode):
    """Read as text logs (and refused) or as one document ("Extra data"), as CSV and text
    logs in these encodings and line ends are read."""
    _, run = analyse(write(tmp_path, "metrics.json", encode(bad.jsonl_bytes())))
    assert run["points"] == FULL


def test_trainer_state_with_steps_as_strings_says_so(tmp_path):
    import re

    state = re.sub(rb'"step": (\d+)', rb'"step": "\1"', bad.trainer_state_bytes())
    line = fails(write(tmp_path, "trainer_state.json", state))
    assert f"{FULL} 'loss' entries but none with a numeric step (e.g. step '0')" in line


def test_one_json_document_on_one_long_line_is_still_a_document(tmp_path):
    doc = bad.trainer_state_bytes().replace(b"\n", b"") + b" " * (300 << 10) + b"\n"
    _, run = analyse(write(tmp_path, "trainer_state.json", doc))
    assert run["points"] == FULL


# ----------------------------------------------------------------- short or flat series


def test_fewer_points_than_two_epochs_is_never_epoch_aligned(tmp_path):
    steps, values = bad.loss_curve()
    p = write(tmp_path, "run.csv", bad.csv_bytes(steps[:70], values[:70]))
    _, run = analyse(p)
    assert run["verdict"] != "epoch-aligned-spikes"


def test_seven_points_is_an_error_eight_are_analysed(tmp_path):
    steps, values = bad.loss_curve()
    assert "too few" in fails(write(tmp_path, "a.csv", bad.csv_bytes(steps[:7], values[:7])))
    analyse(write(tmp_path, "b.csv", bad.csv_bytes(steps[:8], values[:8])))


def test_mostly_nan_says_how_many_were_nan(tmp_path):
    steps, values = bad.loss_curve()
    vals = [v if s < 5 else float("nan") for s, v in zip(steps, values)]
    line = fails(write(tmp_path, "run.csv", bad.csv_bytes(steps, vals)))
    assert "495 of 500" in line and "NaN" in line


@pytest.mark.parametrize("value", [1.5, 0.0, -3.0, 1e-300, 1e300])
@pytest.mark.parametrize("geometry", [[], SPE, ["--dataset-size", "1000", "--batch-size", "16"]])
def test_a_constant_loss_is_clean(tmp_path, value, geometry):
    steps, _ = bad.loss_curve()
    p = write(tmp_path, "run.csv", bad.csv_bytes(steps, [value] * steps.size))
    res = invoke(p, *geometry, "--format", "json", "--fail-on", "any-spike")
    assert graceful(res, p) == "analysis"
    assert res.exit_code == 0 and runs(res)[0]["verdict"] == "clean"


def test_an_all_zero_text_log_is_clean(tmp_path):
    steps, _ = bad.loss_curve()
    p = write(tmp_path, "train.log", bad.nanogpt_bytes(steps, [0.0] * steps.size))
    _, run = analyse(p)
    assert run["verdict"] == "clean"


def test_zero_loss_with_one_spike_per_epoch(tmp_path):
    steps, _ = bad.loss_curve()
    vals = [1.0 if s % bad.SPE == bad.SPE - 1 else 0.0 for s in steps]
    _, run = analyse(write(tmp_path, "run.csv", bad.csv_bytes(steps, vals)))
    assert run["verdict"] != "clean"


# ----------------------------------------------------------------- every text style


@pytest.mark.parametrize("style", sorted(bad.text_style_lines()))
def test_every_text_style_reads_the_generated_log(tmp_path, style):
    """The base case the hostile variants start from: each style gives every point."""
    res = invoke(write(tmp_path, "train.log", bad.text_style_lines()[style]), *SPE,
                 "--format", "json")
    assert graceful(res) == "analysis"
    assert runs(res)[0]["points"] in (FULL, FULL - 1)


def test_log_lines_with_commas_are_not_a_csv(tmp_path):
    """mmcv lines (`- mmdet - INFO - Epoch [1][1/50]\tlr: 1.0e-02, eta: ..., loss: 2.3`)
    split at commas looked like a W&B export header."""
    _, run = analyse(write(tmp_path, "train.log", bad.text_style_lines()["mmcv"]))
    assert run["metric"] == "loss" and run["points"] == FULL


# ----------------------------------------------------------------- fuzz findings


def test_fuzz_invalid_utf8_in_a_row_that_does_not_fit(tmp_path):
    """Found by tests/fuzz/run.py (csv): pyarrow's invalid-row handler decoded the row as
    UTF-8, raised inside pyarrow, printed a traceback and failed the whole file."""
    steps, values = bad.loss_curve()
    rows = [f"{s},{v},0.1\n".encode() for s, v in zip(steps, values)]
    rows.insert(400, b"\x81\xfe&\x18@/\x01\n")  # past the 4 KB the encoding is sniffed from
    data = b"step,loss,lr\n" + b"".join(rows)
    p = write(tmp_path, "run.csv", data)
    res = invoke(p, *SPE, "--format", "json")
    assert graceful(res, p) == "analysis" and "Traceback" not in res.stderr
    assert res.stderr == ""
    (run,) = runs(res)
    assert run["points"] == FULL
    assert any("1 rows without the header's 3 fields" in w for w in run["warnings"])


@pytest.mark.parametrize("header", ["step,loss,loss", "step,x,x,loss", "loss,step,step",
                                    ",,step,loss", "step,loss, 1.0, 1.0, 1.0"])
def test_fuzz_repeated_column_names(tmp_path, header):
    """Found by tests/fuzz/run.py (json, via --list on a table): a header naming a column
    twice made pyarrow's table.column() raise KeyError."""
    steps, values = bad.loss_curve()
    names = header.split(",")
    rows = []
    for s, v in zip(steps, values):
        cells = {"step": str(s), "loss": str(v)}
        rows.append(",".join(cells.get(n, "0.5") for n in names))
    p = write(tmp_path, "run.csv", (header + "\n" + "\n".join(rows) + "\n").encode())
    res = invoke(p, "--list")
    assert graceful(res, p) == "analysis" and "loss" in res.stdout
    _, run = analyse(p)
    assert run["points"] == FULL and run["verdict"] == "epoch-aligned-spikes"


def test_fuzz_an_epoch_column_that_goes_back(tmp_path):
    """Found by tests/fuzz/run.py (json, mmcv records whose iterations overran
    --steps-per-epoch): epochs -1, 0, -1, 0 in step order gave two starts of epoch 0,
    np.polyfit met them (x all 0: LAPACK printed to stderr, LinAlgError escaped). An
    epoch column that goes back while the step rises is now ignored, with a note."""
    steps, values = bad.loss_curve()
    epochs = [-1 if s < 200 or 300 <= s < 350 else 0 for s in steps]
    rows = "".join(f"{s},{e},{v}\n" for s, e, v in zip(steps, epochs, values))
    p = write(tmp_path, "run.csv", ("step,epoch,loss\n" + rows).encode())
    res = invoke(p, "--format", "json")
    assert graceful(res, p) == "analysis"
    assert any("epoch column goes back" in w for w in runs(res)[0]["warnings"])
