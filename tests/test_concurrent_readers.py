"""Readers never wait for a writer and never see half a write (DESIGN.md §4), with real processes.

A writer process loops ``ingest orders --replace`` / ``features`` / ``segment`` between two known states
while this process answers 200 ``ask`` / ``customers`` / ``segments`` / ``kpis`` calls. Speed is measured by
``bench/readers_under_writer.py``, not here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import ingest_shop, write_segment_shop

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import readers_under_writer as harness  # noqa: E402

pytestmark = pytest.mark.slow


def test_200_reads_under_a_looping_writer_have_no_errors_and_no_partial_states(tmp_path: Path) -> None:
    small = write_segment_shop(tmp_path / "a", per_persona=8)
    large = write_segment_shop(tmp_path / "b", per_persona=12)
    workspace = tmp_path / "ws"
    ingest_shop(workspace, {"customers": large["customers"], "texts": large["texts"]})

    idle, busy, writes = harness.under_writer(workspace, [small["orders"], large["orders"]], calls=200)

    assert (idle["errors"], idle["partial"]) == (0, 0), idle["messages"]
    assert (busy["errors"], busy["partial"]) == (0, 0), busy["messages"]
    assert busy["calls"] == 200
    assert writes >= 3, "the writer must have committed while the reader read"
