"""The reading corpus: every line format of real training code in tests/text_styles.py
reads with no flags, with the right steps, epochs and values."""

from __future__ import annotations

import numpy as np
import pytest

from spikecheck.readers import ReadOptions
from spikecheck.readers.registry import read_input
from tests.text_styles import FORMATS


def test_corpus_is_large_enough():
    assert len(FORMATS) >= 40
    assert len({f.name for f in FORMATS}) == len(FORMATS)
    assert all(f.source for f in FORMATS)


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_format_reads_with_no_flags(tmp_path, fmt):
    text, want = fmt.write()
    p = tmp_path / "train.log"
    p.write_text(text)
    (s,) = read_input(str(p), ReadOptions())
    steps = np.array([w[0] for w in want])
    epochs = np.array([w[1] for w in want], dtype=float)
    values = np.array([w[2] for w in want])
    order = np.argsort(steps, kind="stable")
    assert s.steps.tolist() == steps[order].tolist(), s.notes
    assert np.allclose(s.values, values[order], rtol=0, atol=1e-9), s.notes
    if len(set(epochs.tolist())) > 1:
        assert s.epochs is not None and s.epochs.tolist() == epochs[order].tolist(), s.notes
