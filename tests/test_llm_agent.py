"""The LLM path, without network: a scripted fake chat model through the same middleware a real one gets,
and a real HTTP OpenAI-compatible server on 127.0.0.1. What counts as an answer (grounded, tool-based,
with a final message) and what falls back (no tool, a tool-call limit, an empty final message, invalid
arguments twice), plus de-duplicated calls and prompt-injection resistance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from llm_servers import FakeModelServer, Reply, always, completion, plan
from shop_builders import RUNNER, query

from agent.answering import Session, answer_embedded, answer_question
from agent.cli import app
from agent.llm_agent import LlmFailure, answer_with_llm
from agent.llm_client import build_chat_model
from agent.llm_config import load_llm_config
from agent.runtime import AgentProviders, LlmAccess
from tools.ingest.load import ingest_file
from tools.ingest.sample_shop import sample_files
from tools.runtime.settings import Settings
from tools.runtime.shop import Shop

HEADLINE = "who are my lapsing high-value customers?"
LAPSING_VIPS = {"lifecycle": ["lapsing"], "value_tier": ["high"]}


class ToolCallingFake(GenericFakeChatModel):
    """GenericFakeChatModel that accepts ``bind_tools`` (it just replays its script)."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> ToolCallingFake:  # noqa: ARG002
        return self


@pytest.fixture
def shop(sample_workspace: Path) -> Path:
    return sample_workspace


def _calls(*calls: tuple[str, dict]) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call_{i}", "type": "tool_call"}
                                             for i, (name, args) in enumerate(calls)])


def _config(shop: Path, monkeypatch: pytest.MonkeyPatch, base_url: str = "http://127.0.0.1:9/v1") -> Any:
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("SEGMENT_AGENT_MODEL", "test-model")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return load_llm_config(Settings.load(shop))


def _fake_session(shop: Path, monkeypatch: pytest.MonkeyPatch, *script: AIMessage) -> Session:
    model = ToolCallingFake(messages=iter(script))
    return Session(Shop(shop), LlmAccess(_config(shop, monkeypatch), lambda: model))


def _http_session(shop: Path, monkeypatch: pytest.MonkeyPatch, base_url: str) -> Session:
    config = _config(shop, monkeypatch, base_url)
    access: LlmAccess = LlmAccess(config, lambda: build_chat_model(config, timeout_source=access.request_timeout))
    return Session(Shop(shop), access)


def test_fake_model_plans_the_tool_call_and_the_table_matches_the_embedded_answer(shop, monkeypatch) -> None:
    session = _fake_session(shop, monkeypatch, _calls(("find_customers", LAPSING_VIPS)),
                            AIMessage(content="These are your lapsing high-value customers; the rules are below."))
    answer = answer_with_llm(session, HEADLINE)
    embedded = answer_embedded(Session(Shop(shop)), HEADLINE)

    assert [step.tool for step in answer.steps] == ["find_customers"]
    assert answer.steps[0].args == embedded.steps[0].args
    assert answer.tables[0].rows == embedded.tables[0].rows
    assert answer.planner == "llm:test-model"
    assert answer.warnings == []


def test_invented_numbers_are_replaced_by_the_data_summary(shop, monkeypatch) -> None:
    session = _fake_session(shop, monkeypatch, _calls(("find_customers", LAPSING_VIPS)),
                            AIMessage(content="You have 98,765 lapsing VIPs worth 12.3 million."))
    answer = answer_with_llm(session, HEADLINE)

    assert "98,765" not in answer.answer
    assert answer.answer == answer.steps[0].summary
    assert any("numbers no tool produced (98765" in warning for warning in answer.warnings)


def test_a_model_that_calls_no_tool_is_a_failure(shop, monkeypatch) -> None:
    with pytest.raises(LlmFailure, match="no tool"):
        answer_with_llm(_fake_session(shop, monkeypatch, AIMessage(content="Probably about 200 of them.")), HEADLINE)


def test_an_empty_final_message_is_a_failure_not_an_answer(shop, monkeypatch) -> None:
    session = _fake_session(shop, monkeypatch, _calls(("find_customers", LAPSING_VIPS)), AIMessage(content=" "))
    with pytest.raises(LlmFailure, match="no final answer"):
        answer_with_llm(session, HEADLINE)


def test_the_tool_call_limit_falls_back_with_a_warning_instead_of_answering(shop, monkeypatch) -> None:
    # Seven distinct calls in one turn (the limit is 6): the measured failure was "Tool call limit reached:
    # run limit exceeded (7/6 calls)." returned as a valid planner-llm answer.
    many = _calls(*[("find_customers", {"min_orders": n}) for n in range(1, 8)])
    session = _fake_session(shop, monkeypatch, many, AIMessage(content="Tool call limit reached (7/6 calls)."))
    answer = answer_question(session, HEADLINE, "llm")

    assert answer.planner == "embedded"
    assert "limit" not in answer.answer.lower()
    assert [w for w in answer.warnings if "more than 6 tool calls" in w and w.count(". ") == 0]


def test_identical_tool_calls_in_one_turn_run_once(shop, monkeypatch) -> None:
    triple = _calls(*[("find_customers", LAPSING_VIPS)] * 3)
    session = _fake_session(shop, monkeypatch, triple, AIMessage(content="Your lapsing high-value customers."))
    answer = answer_with_llm(session, HEADLINE)

    assert [step.tool for step in answer.steps] == ["find_customers"]
    assert len(session.transcript.facts_sent) == 1


def test_a_call_repeated_in_a_later_turn_is_not_run_again(shop, monkeypatch) -> None:
    session = _fake_session(shop, monkeypatch, _calls(("find_customers", {})), _calls(("find_customers", {})),
                            AIMessage(content="Here are all your customers."))
    answer = answer_with_llm(session, "show me customers")

    assert len(answer.steps) == 1
    tool_replies = [m["content"] for m in session.transcript.model_messages if m["role"] == "tool"]
    assert "already made this exact call" in tool_replies[-1]


def test_a_model_that_keeps_repeating_a_call_is_stopped_and_falls_back(shop, monkeypatch) -> None:
    """SmolLM2-135M against llama.cpp asked for kpi_summary again and again until the recursion limit (65 s)."""
    # five distinct messages, as a server sends: one object repeated gets one id, and LangGraph then
    # replaces the earlier message instead of adding a new turn
    repeats = [_calls(("kpi_summary", {})) for _ in range(5)]
    session = _fake_session(shop, monkeypatch, *repeats, AIMessage(content="never"))
    with pytest.raises(LlmFailure, match="kept repeating the same kpi_summary call"):
        answer_with_llm(session, "how are we doing?")


def test_invalid_arguments_go_back_to_the_model_once_and_a_fix_is_accepted(shop, monkeypatch) -> None:
    session = _fake_session(shop, monkeypatch, _calls(("find_customers", {"lifecycle": ["sleepy"]})),
                            _calls(("find_customers", LAPSING_VIPS)), AIMessage(content="Lapsing VIPs, listed."))
    answer = answer_with_llm(session, HEADLINE)

    assert answer.planner == "llm:test-model" and answer.steps[0].args["lifecycle"] == ["lapsing"]
    first_reply = next(m["content"] for m in session.transcript.model_messages if m["role"] == "tool")
    assert first_reply.startswith("Error: find_customers: lifecycle") and "sleepy" in first_reply


def test_invalid_arguments_twice_fall_back(shop, monkeypatch) -> None:
    bad = ("find_customers", {"value_tier": ["platinum"]})
    session = _fake_session(shop, monkeypatch, _calls(bad), _calls(bad), AIMessage(content="Done."))
    answer = answer_question(session, HEADLINE, "llm")

    assert answer.planner == "embedded"
    assert any("still invalid after it was told why" in warning for warning in answer.warnings)


def _customer_pii(root: Path) -> list[str]:
    rows = query(root, "SELECT name, email, phone FROM customers")
    return [value for row in rows for value in row if value]


def test_http_server_sees_tools_and_no_pii_and_the_answer_is_grounded(shop, monkeypatch) -> None:
    with FakeModelServer(plan("find_customers", LAPSING_VIPS, "Here are the lapsing high-value customers.")) as srv:
        answer = answer_question(_http_session(shop, monkeypatch, srv.base_url), HEADLINE, "llm")
    embedded = answer_embedded(Session(Shop(shop)), HEADLINE)

    assert len(srv.requests) == 2
    offered = {tool["function"]["name"] for tool in srv.requests[0]["tools"]}
    assert offered == {"find_customers", "segment_overview", "kpi_summary", "breakdown"}  # the planner's + core
    everything_sent = "\n".join(srv.raw)
    assert [value for value in _customer_pii(shop) if value in everything_sent] == []
    assert answer.planner == "llm:test-model"
    assert answer.tables[0].rows == embedded.tables[0].rows


@pytest.mark.parametrize("reply", [Reply(500, {"error": {"message": "internal error"}}),
                                   Reply(200, completion("", [{"id": "c1", "type": "function", "function": {
                                       "name": "find_customers", "arguments": "{not json"}}]))],
                         ids=["http-500", "unparseable-arguments"])
def test_server_failures_fall_back_to_the_embedded_planner(shop, monkeypatch, reply) -> None:
    with FakeModelServer(always(reply)) as server:
        answer = answer_question(_http_session(shop, monkeypatch, server.base_url), HEADLINE, "auto")
    embedded = answer_embedded(Session(Shop(shop)), HEADLINE)

    assert answer.planner == "embedded"
    assert [step.tool for step in answer.steps] == ["find_customers"]
    assert answer.tables[0].rows == embedded.tables[0].rows
    assert any("language model could not answer" in warning for warning in answer.warnings)


def test_instructions_inside_customer_texts_change_nothing(shop, tmp_path) -> None:
    [(injected,)] = query(shop, "SELECT count(*) FROM texts WHERE lower(text) LIKE '%ignore previous instructions%' "
                                "OR lower(text) LIKE '%system:%'")
    assert injected > 0, "the sample shop must contain prompt-injection texts"
    files = sample_files()
    with Shop(tmp_path / "clean", create=True) as clean:
        ingest_file(clean, "orders", files["orders"])
        ingest_file(clean, "customers", files["customers"])
        without_texts = answer_embedded(Session(clean), HEADLINE)
    with_injection = answer_embedded(Session(Shop(shop)), HEADLINE)

    assert [(s.tool, s.args) for s in with_injection.steps] == [(s.tool, s.args) for s in without_texts.steps]
    assert with_injection.tables[0].rows == without_texts.tables[0].rows


def test_the_cli_runs_the_llm_path_end_to_end_with_an_injected_model(shop) -> None:
    model = ToolCallingFake(messages=iter([_calls(("find_customers", LAPSING_VIPS)),
                                           AIMessage(content="These are your lapsing high-value customers.")]))
    result = RUNNER.invoke(app, ["-w", str(shop), "ask", HEADLINE, "--json"], obj=AgentProviders(chat_model=model))

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["planner"].startswith("llm:")
    assert answer["answer"] == "These are your lapsing high-value customers."
    assert [step["tool"] for step in answer["steps"]] == ["find_customers"]
    logged = RUNNER.invoke(app, ["-w", str(shop), "logs", "--json", "-n", "1"])
    record = RUNNER.invoke(app, ["-w", str(shop), "logs", "show", str(json.loads(logged.stdout)[0]["id"]), "--json"])
    audit = json.loads(record.stdout)
    assert audit["question"] == HEADLINE and audit["planner"] == answer["planner"]
    assert audit["facts_sent"][0]["tool"] == "find_customers"
    assert [m["role"] for m in audit["model_messages"]][:3] == ["human", "ai", "tool"]
    assert audit["steps"][0]["args"]["lifecycle"] == ["lapsing"]


def test_planner_embedded_sends_nothing_to_the_model_not_even_copy(shop) -> None:
    class Refuses(ToolCallingFake):
        def invoke(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the model must not be called with --planner embedded")

    result = RUNNER.invoke(app, ["-w", str(shop), "ask", "write a win-back email for lapsing VIPs", "--planner",
                                 "embedded", "--json"], obj=AgentProviders(chat_model=Refuses(messages=iter([]))))

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["planner"] == "embedded" and answer["drafts"]
    assert all(step["data"]["writer"] == "template" for step in answer["steps"])
