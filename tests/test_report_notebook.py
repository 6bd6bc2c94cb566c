"""Issue 15 item 3: Report.to_frame() and the notebook view (_repr_html_ with the chart)."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

import spikecheck

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def report():
    return spikecheck.check(str(FIXTURES / "example-buggy.csv"), dataset_size=1777,
                            batch_size=16)


def test_to_frame_holds_every_spike_with_its_phase(report):
    df = report.to_frame()
    assert len(df) == len(report.spikes) > 0
    on_final_step = df[(df["offset"] == -1) & df["aligned"]]
    assert len(on_final_step) >= 10 and (on_final_step["height"] > 4).all()


def test_notebook_view_shows_verdict_fix_and_the_folded_profile(report):
    page = report._repr_html_()
    assert "epoch-aligned-spikes" in page and "partial-final-batch" in page
    assert "drop_last=True" in page
    assert page.count("<rect") == len(report.alignment.profile)
    assert 'fill="#c62828"' in page  # the final step of the epoch is drawn apart


def test_notebook_view_escapes_names_from_the_log(report):
    from dataclasses import replace

    hostile = replace(report, metric="<script>alert(1)</script>")
    page = hostile._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
