"""The registry's sniff ceilings: no reader scores above the ceiling that lets it be skipped."""

from __future__ import annotations

from pathlib import Path

from spikecheck.readers.interface import InputSource
from spikecheck.readers.registry import READERS, SNIFF_CEILING, get_reader

ROOT = Path(__file__).resolve().parents[1]


def _logs() -> list[Path]:
    found = [p for d in ("fixtures", "tests") for p in sorted((ROOT / d).rglob("*"))
             if p.is_file() and p.suffix not in (".py", ".pyc", ".md", ".toml", ".yml")]
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        found += [p for p in sorted(corpus.rglob("*")) if p.is_file()]
    return found


def test_every_reader_has_a_ceiling():
    assert set(SNIFF_CEILING) == set(READERS)


def test_no_sniff_score_exceeds_its_ceiling():
    """A score above the ceiling would let choose_reader skip a reader that should win."""
    readers = {name: get_reader(name) for name in READERS}
    logs = _logs()
    assert len(logs) > 100
    top = dict.fromkeys(READERS, 0)
    for path in logs:
        src = InputSource.from_arg(str(path))
        if not src.head():
            continue
        for name, reader in readers.items():
            score = reader.sniff(src)
            assert score <= SNIFF_CEILING[name], (path, name, score)
            top[name] = max(top[name], score)
    assert top["csv"] == SNIFF_CEILING["csv"] and top["text"] == SNIFF_CEILING["text"]


def _paste(tmp_path: Path, body: str) -> str:
    p = tmp_path / "comment.md"
    p.write_text(body, encoding="utf-8")
    return str(p)


def test_a_fenced_csv_in_a_pasted_comment_is_read(tmp_path: Path):
    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import read_input

    rows = "\n".join(f"0,{i},,{2.0 - i / 100}," for i in range(10, 200, 10))
    path = _paste(tmp_path, "Here is my metrics.csv, the loss jumps:\n\n```csv\n"
                            "epoch,step,train_loss_epoch,train_loss_step,val_loss\n"
                            f"{rows}\n```\n\nAny idea?\n")
    (s,) = read_input(path, ReadOptions())
    assert s.steps.tolist() == list(range(10, 200, 10))
    assert s.values[0] == 1.9 and s.source == path


def test_a_fence_with_no_log_in_it_keeps_the_first_error(tmp_path: Path):
    import pytest

    from spikecheck.readers import ReadError, ReadOptions
    from spikecheck.readers.registry import read_input

    path = _paste(tmp_path, "My loss spikes.\n\n```python\nfor x in loader:\n    "
                            "loss.backward()\n```\n")
    with pytest.raises(ReadError) as err:
        read_input(path, ReadOptions())
    assert "comment.md" in str(err.value)


def test_a_csv_behind_a_launcher_tag_is_read(tmp_path: Path):
    # srun -l tags every line of a task's output with its rank: "0: "
    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import read_input

    rows = "".join(f"0: {i},{3.0 - i / 10:.2f}\n" for i in range(1, 9))
    (s,) = read_input(_paste(tmp_path, "0: step,train_loss\n" + rows), ReadOptions())
    assert s.steps.tolist() == list(range(1, 9)) and s.values[-1] == 2.2


def test_a_log_hard_wrapped_by_a_terminal_is_joined(tmp_path: Path):
    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import read_input

    lines = [f"INFO - diffusion.py - 2023-01-04 22:14:{i:02d},391 - Epoch: 0, step: {i}, "
             f"loss: {3301.66259765625 / i!r}, implicit loss: 0.6348565220832825, "
             "data time: 0.10419130325317383" for i in range(1, 10)]
    wrapped = "".join(line[j:j + 80] + "\n" for line in lines for j in range(0, len(line), 80))
    (s,) = read_input(_paste(tmp_path, wrapped), ReadOptions())
    assert s.steps.tolist() == list(range(1, 10))
    assert s.values.tolist() == [3301.66259765625 / i for i in range(1, 10)]


def test_json_lines_behind_docker_timestamps_keep_their_steps(tmp_path: Path):
    # `docker logs -t` stamps every line; read as text, the records' num_updates were
    # lost (steps became row numbers): the stamp comes off before the log is sniffed.
    import json

    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import list_metrics, read_input

    rows = [json.dumps({"epoch": 0, "num_updates": 100 * i, "loss": 3.0 - i / 10})
            for i in range(1, 9)]
    path = _paste(tmp_path, "".join(f"2024-03-01T10:00:0{i}.123456789Z {r}\n"
                                    for i, r in enumerate(rows)))
    (s,) = read_input(path, ReadOptions())
    assert s.steps.tolist() == [100 * i for i in range(1, 9)]
    assert ("loss", 8) in list_metrics(path, ReadOptions())


def test_a_number_cut_by_a_terminal_wrap_is_read_whole(tmp_path: Path):
    # Read as it is, `loss: 0.33` | `80` gave 0.33 with no word of warning.
    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import read_input

    lines = [f"2024/02/17 09:1{i}:48 - mmengine - INFO - Epoch(train) [127][{i}00/351] lr: "
             f"1.8450e-03 eta: 4 days, 11:02:37 time: 0.9821 data_time: 0.0277 memory: 3971"
             f"2 loss: 0.33{i}8" for i in range(1, 8)]
    wrapped = "".join(line[j:j + 80] + "\n" for line in lines for j in range(0, len(line), 80))
    (s,) = read_input(_paste(tmp_path, wrapped), ReadOptions())
    assert s.values.tolist() == [float(f"0.33{i}8") for i in range(1, 8)]


def test_fixed_width_lines_are_not_taken_for_a_wrap(tmp_path: Path):
    from spikecheck.readers import ReadOptions
    from spikecheck.readers.registry import read_input

    keras = "".join(f"Epoch {e}/1000\n10954/10954 [==============================] - 659s "
                    f"- loss: 0.04{e}5\n" for e in range(60, 68))
    (s,) = read_input(_paste(tmp_path, keras), ReadOptions())
    assert s.values.tolist() == [float(f"0.04{e}5") for e in range(60, 68)]
    padded = "".join(f"{{'loss': 0.{i}037, 'learning_rate': 1e-05, 'epoch': 0.0{i}}}" + " " * 30
                     + "\n" for i in range(1, 9))
    (s,) = read_input(_paste(tmp_path, padded), ReadOptions())
    assert s.values.tolist() == [float(f"0.{i}037") for i in range(1, 9)]
