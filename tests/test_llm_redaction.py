"""Redaction for the model never touches dates, amounts or ids — checked on every tool's result.

Measured before: the phone pattern replaced ``as_of``, ``net_revenue``, ``predicted_value_12m`` and "since
2026-01-01" with ``[REDACTED_PHONE]``, so the JSON the model got was wrong (and sometimes invalid). Here each
tool the model may call runs on a real shop, and its result goes through :class:`ModelRedactor` twice: what
the model is sent (facts and summary) must come back unchanged, and the full result data (customer rows
included) must keep every number, date and id; only strings holding personal data may change.
"""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

import pytest
from shop_builders import open_shop

from agent.llm_agent import ModelRedactor
from agent.toolbox import registry, run_tool
from tools.errors import UserError

MACHINE_VALUE = re.compile(r"^(?:[-+]?\d+(?:\.\d+)?|\d{4}-\d{2}-\d{2}(?:[ T][\d:.]+)?|[A-Z]?\d{3,}|C\d{5})$")
# Arguments that make each tool produce a result on the shops below (defaults where they do).
ARGS: dict[str, dict[str, Any]] = {
    "find_customers": {"lifecycle": ["lapsing"], "value_tier": ["high"]},
    "breakdown": {"by": "country"},
    "explain_customer": {"customer_id": "FIRST"},
    "kpi_summary": {"period": "month", "comparison": "previous_period"},
    "themes": {},
    "draft_campaign": {"audience": {"lifecycle": ["lapsing"]}, "goal": "winback"},
    "recommend_products": {"audience": {"lifecycle": ["lapsing"]}},
    "export_audience": {"audience": {"lifecycle": ["lapsing"]}},
    "data_coverage": {"start": "2026-01-01", "end": "2026-09-30"},
    "profile_segment": {"segment": "1"},
    "compare_segments": {"segments": ["1", "2"]},
}


def _pairs(a: Any, b: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Leaf values of two same-shaped JSON documents, side by side."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        return [pair for key in a for pair in _pairs(a[key], b[key], f"{path}.{key}")]
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        return [pair for i, (x, y) in enumerate(zip(a, b, strict=True)) for pair in _pairs(x, y, f"{path}[{i}]")]
    return [(path, a, b)]


def _check_every_tool(shop: Any, names: list[str]) -> list[str]:
    redactor = ModelRedactor(shop)
    first_id = None
    with shop.reading() as con:
        first_id = con.execute("SELECT min(customer_id) FROM customers").fetchone()[0]
    checked = []
    for name in names:
        args = {key: (first_id if value == "FIRST" else value) for key, value in ARGS.get(name, {}).items()}
        try:
            step = run_tool(shop, name, args)
        except UserError:
            continue
        sent = json.dumps({"tool": name, "facts": step.result.facts(), "summary": step.summary}, default=str,
                          ensure_ascii=False)
        assert redactor.json_text(sent) == sent, f"{name}: redaction changed the aggregates sent to the model"
        data = json.loads(json.dumps(step.result.data(), default=str))
        redacted = json.loads(redactor.json_text(json.dumps(data, ensure_ascii=False)))
        for path, before, after in _pairs(data, redacted):
            if not isinstance(before, str) or MACHINE_VALUE.match(before.strip()):
                assert before == after, f"{name}{path}: {before!r} became {after!r}"
            elif before != after:
                assert "[" in after, f"{name}{path}: changed without a redaction token"
        checked.append(name)
    return checked


def test_no_tool_result_loses_a_number_date_or_id_on_the_sample_shop(sample_workspace, tmp_path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(sample_workspace, root)  # export_audience writes a file
    names = [name for name in registry(for_agent=True) if name != "run_segmentation"]
    checked = _check_every_tool(open_shop(root), names)
    assert {"find_customers", "breakdown", "explain_customer", "kpi_summary", "draft_campaign",
            "export_audience", "lifecycle_movers", "kpi_trend", "data_coverage"} <= set(checked), checked


def test_segment_tools_too(segment_shop, fake_encoder) -> None:
    shop = open_shop(segment_shop, encoder=fake_encoder)
    run_tool(shop, "run_segmentation", {})
    names = ["segment_overview", "profile_segment", "compare_segments", "themes", "segment_drift",
             "recommend_products", "recommend_actions"]
    checked = _check_every_tool(shop, names)
    assert {"segment_overview", "profile_segment", "compare_segments"} <= set(checked), checked


@pytest.mark.parametrize("text", ["as_of 2026-09-30, since 2026-01-01 12:30:00", "net_revenue 165800.18",
                                  "predicted_value_12m 1234567.891", "customer C00186 and order 1000234567",
                                  "between 2025-10-01 and 2026-09-30: 127,394.19"])
def test_machine_values_in_text_are_left_alone(sample_workspace, text) -> None:
    assert ModelRedactor(open_shop(sample_workspace)).text(text) == text
