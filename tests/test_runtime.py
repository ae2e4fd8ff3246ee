"""The runtime of one command: one store and one config parse per ``ask``, global options anywhere, and every
command's ``--json`` data equal to the ``ask --json`` step that answers the same question."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeEncoder
from shop_builders import RUNNER, good_orders

from agent.cli import app, hoist_global_options
from agent.runtime import AgentProviders
from tools.runtime import settings as settings_module
from tools.store.store import Store


@pytest.fixture(autouse=True)
def _no_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SEGMENT_AGENT_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-persona shop, segmented with the fake encoder through the CLI."""
    from conftest import ingest_shop, write_segment_shop

    root = tmp_path_factory.mktemp("runtime")
    workspace = root / "ws"
    ingest_shop(workspace, write_segment_shop(root / "files"))
    assert _cli(workspace, "segment", "--k", "3").exit_code == 0
    return workspace


def _cli(workspace: Path, *args: str) -> Any:
    return RUNNER.invoke(app, ["-w", str(workspace), *args], obj=AgentProviders(encoder=FakeEncoder()))


def _json(result: Any) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_one_ask_opens_the_store_once_and_parses_the_config_once(segmented: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    connects, parses = [], []
    real_attach, real_parse = Store._attach, settings_module._parse
    monkeypatch.setattr(Store, "_attach", lambda self: connects.append(self.root) or real_attach(self))
    monkeypatch.setattr(settings_module, "_parse", lambda path: parses.append(path) or real_parse(path))

    answer = _json(_cli(segmented, "ask", "write a win-back email for the runners segment", "--json"))

    assert [step["tool"] for step in answer["steps"]] == ["draft_campaign"]
    assert len(connects) == 1
    assert len(parses) == 1


QUESTIONS = [
    ("find_customers", "how many customers do we have?"),
    ("find_customers", "top 5 customers by spend"),
    ("explain_customer", "explain customer R001"),
    ("kpi_summary", "how are we doing this month?"),
    ("whats_changed", "what changed since the last refresh?"),
    ("segment_overview", "what segments do we have?"),
    ("profile_segment", "tell me about segment 1"),
    ("compare_segments", "compare segment 1 and segment 2"),
    ("recommend_products", "what should we recommend to segment 2?"),
    ("draft_campaign", "write a win-back sms for segment 3"),
    ("export_audience", "export segment 1 as a csv"),
    ("breakdown", "which segment has the highest average order value?"),
    ("breakdown", "lifecycle mix of repeat buyers by value tier"),
    ("themes", "what do lapsed customers complain about?"),
    ("themes", "customer feedback themes"),
    ("kpi_summary", "revenue this month vs the same month last year"),
    ("kpi_summary", "last 7 days vs the 7 before"),
    ("find_customers", "which customers are likely to buy again in the next 90 days?"),
]
VOLATILE = {"seconds", "stage_seconds", "run_id", "created_at", "embedding", "matching"}


def _without_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


@pytest.mark.parametrize(("tool", "question"), QUESTIONS)
def test_the_reproduce_command_json_carries_the_same_data_as_the_ask_step(segmented: Path, tool: str,
                                                                          question: str) -> None:
    answer = _json(_cli(segmented, "ask", question, "--json"))
    [step] = answer["steps"]
    assert step["tool"] == tool
    [command] = answer["reproduce"]

    direct = _json(_cli(segmented, *shlex.split(command)[1:], "--json"))

    assert direct["planner"] == "direct" and set(direct) == set(answer)
    [direct_step] = direct["steps"]
    assert direct_step["tool"] == tool
    assert direct_step["data"] == step["data"]
    assert direct["tables"] == answer["tables"]
    assert direct["drafts"] == answer["drafts"]


def test_a_resegmentation_step_and_the_segment_command_agree(segmented: Path, tmp_path: Path) -> None:
    answer = _json(_cli(segmented, "ask", "re-run segmentation with 3 segments", "--json"))
    [command] = answer["reproduce"]
    assert command == "segment-agent segment --k 3"

    direct = _json(_cli(segmented, *shlex.split(command)[1:], "--json"))

    assert _without_volatile(direct["steps"][0]["data"]) == _without_volatile(answer["steps"][0]["data"])


def test_steps_record_the_effective_arguments_defaults_included(segmented: Path) -> None:
    answer = _json(_cli(segmented, "ask", "draft a win-back email for segment 1", "--json"))

    args = answer["steps"][0]["args"]
    assert args["channel"] == "email" and args["goal"] == "winback"
    assert args["length"] == "standard" and args["variants"] == 3


@pytest.mark.parametrize("args", [
    ["ingest", "orders", "FILE", "--workspace", "WS"],
    ["ingest", "orders", "FILE", "-w", "WS"],
    ["ingest", "orders", "FILE", "--workspace=WS"],
    ["--workspace", "WS", "ingest", "orders", "FILE"],
])
def test_the_workspace_option_works_before_or_after_the_command(tmp_path: Path, args: list[str]) -> None:
    workspace = tmp_path / "ws"
    line = [str(good_orders(tmp_path)) if a == "FILE" else a.replace("WS", str(workspace)) for a in args]

    result = RUNNER.invoke(app, line)

    assert result.exit_code == 0, result.output
    assert (workspace / "catalog.sqlite").is_file()


def test_hoisting_leaves_other_arguments_and_questions_alone() -> None:
    assert hoist_global_options(["ask", "who?", "-w", "x", "--json"]) == ["-w", "x", "ask", "who?", "--json"]
    assert hoist_global_options(["ask", "--", "-w"]) == ["ask", "--", "-w"]
    assert hoist_global_options(["customers", "--debug"]) == ["--debug", "customers"]


def test_status_json_has_the_same_shape_as_ask(segmented: Path) -> None:
    shapes = {tuple(sorted(_json(_cli(segmented, *command, "--json")))) for command in
              (["status"], ["kpis"], ["explain", "R001"], ["ask", "how many customers?"], ["segments"])}
    assert len(shapes) == 1
