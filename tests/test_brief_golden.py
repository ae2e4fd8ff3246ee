"""Golden files for the brief: the three-persona tiny shop, segmented with the fake encoder, briefed twice a week
apart under a frozen clock; the second brief's Markdown and JSON must match tests/golden/ byte for byte.

After an intended change, regenerate with ``UPDATE_GOLDEN=1 python -m pytest tests/test_brief_golden.py`` and
read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from conftest import FakeEncoder, ingest_shop, write_segment_shop
from shop_builders import RUNNER

from agent.runtime import AgentProviders

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "prompts" / "weekly_brief.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
DATES = ("2024-03-10", "2024-03-17")
CLOCK = datetime(2024, 3, 18, 6, 0)


def build_tiny_briefs(directory: Path) -> Path:
    """A tiny segmented shop with the default brief written for both DATES; returns the workspace."""
    from agent.cli import app
    from tools.runtime.shop import Providers, Shop
    from tools.segments.segmentation import run_segmentation
    from tools.segments.settings import SegmentationArgs

    workspace = directory / "ws"
    ingest_shop(workspace, write_segment_shop(directory / "files"))
    with Shop(workspace, providers=Providers(encoder=FakeEncoder())) as shop:
        run_segmentation(shop, SegmentationArgs(k=3, seed=1))
    for day in DATES:
        result = RUNNER.invoke(app, ["-w", str(workspace), "brief", "run", str(SCRIPT), "--as-of", day],
                               obj=AgentProviders(encoder=FakeEncoder(), clock=lambda: CLOCK))
        assert result.exit_code == 0, result.output
    return workspace


@pytest.fixture(scope="module")
def tiny_briefs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_briefs(tmp_path_factory.mktemp("tiny-brief"))


@pytest.mark.parametrize("suffix", [".md", ".json"])
def test_the_brief_matches_its_golden_file(tiny_briefs: Path, suffix: str) -> None:
    name = f"brief-{DATES[1]}{suffix}"
    written = (tiny_briefs / "reports" / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")


def test_the_golden_brief_covers_every_part_of_the_default_script(tiny_briefs: Path) -> None:
    document = json.loads((GOLDEN / f"brief-{DATES[1]}.json").read_text(encoding="utf-8"))
    tools = [s["answer"]["steps"][0]["tool"] for s in document["sections"]]
    assert tools == ["kpi_summary", "kpi_summary", "kpi_trend", "lifecycle_movers", "segment_drift", "themes",
                     "recommend_actions", "find_customers", "data_coverage"]
    skipped = [s["title"] for s in document["sections"] if s["skipped"]]
    # skip_if_empty: the tiny shop has no texts in the week and no lapsing VIPs
    assert skipped == ["New and rising themes in what customers write", "Lapsing VIPs to call"]
    assert "Lapsing VIPs to call" not in (GOLDEN / f"brief-{DATES[1]}.md").read_text(encoding="utf-8")
    movers = next(s for s in document["sections"] if s["title"] == "Who moved between lifecycle stages")
    assert movers["answer"]["steps"][0]["data"]["baseline_date"] == DATES[0]
    assert [c["name"] for c in document["charts"]] == ["kpi_trend", "lifecycle_flow", "segment_share_change"]
