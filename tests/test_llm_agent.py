"""The LLM path, without network: a scripted fake chat model, and a real HTTP OpenAI-compatible server
on 127.0.0.1 started by the test. Also the grounding check and prompt-injection resistance."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from shop_builders import RUNNER, query

from agent.answering import Session, answer_embedded, answer_question
from agent.cli import app
from agent.llm_agent import LlmFailure, answer_with_llm
from agent.llm_config import load_llm_config
from agent.runtime import AgentProviders, LlmAccess
from tools.ingest.load import ingest_file
from tools.ingest.sample_shop import sample_files
from tools.runtime.settings import Settings
from tools.runtime.shop import Shop

HEADLINE = "who are my lapsing high-value customers?"


class ToolCallingFake(GenericFakeChatModel):
    """GenericFakeChatModel that accepts ``bind_tools`` (it just replays its script)."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> ToolCallingFake:  # noqa: ARG002
        return self


@pytest.fixture
def shop(sample_workspace: Path) -> Path:
    return sample_workspace


def _tool_call(name: str, args: dict, call_id: str = "call_1") -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}])


def _config(shop: Path, monkeypatch: pytest.MonkeyPatch, base_url: str = "http://127.0.0.1:9/v1") -> Any:
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("SEGMENT_AGENT_MODEL", "test-model")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return load_llm_config(Settings.load(shop))


def _fake_session(shop: Path, monkeypatch: pytest.MonkeyPatch, model: Any) -> Session:
    return Session(Shop(shop), LlmAccess(_config(shop, monkeypatch), lambda: model))


def _http_session(shop: Path, monkeypatch: pytest.MonkeyPatch, base_url: str) -> Session:
    from agent.llm_agent import build_chat_model

    config = _config(shop, monkeypatch, base_url)
    return Session(Shop(shop), LlmAccess(config, lambda: build_chat_model(config)))


def test_fake_model_plans_the_tool_call_and_the_table_matches_the_embedded_answer(shop, monkeypatch) -> None:
    model = ToolCallingFake(messages=iter([
        _tool_call("find_customers", {"lifecycle": ["lapsing"], "value_tier": ["high"]}),
        AIMessage(content="These are your lapsing high-value customers; the rules are listed below."),
    ]))
    answer = answer_with_llm(_fake_session(shop, monkeypatch, model), HEADLINE)
    embedded = answer_embedded(Session(Shop(shop)), HEADLINE)

    assert [step.tool for step in answer.steps] == ["find_customers"]
    assert answer.steps[0].args == embedded.steps[0].args
    assert answer.tables[0].rows == embedded.tables[0].rows
    assert answer.planner == "llm:test-model"
    assert answer.warnings == []


def test_invented_numbers_are_replaced_by_the_data_summary(shop, monkeypatch) -> None:
    model = ToolCallingFake(messages=iter([
        _tool_call("find_customers", {"lifecycle": ["lapsing"], "value_tier": ["high"]}),
        AIMessage(content="You have 98,765 lapsing VIPs worth 12.3 million."),
    ]))
    answer = answer_with_llm(_fake_session(shop, monkeypatch, model), HEADLINE)

    assert "98,765" not in answer.answer
    assert answer.answer == answer.steps[0].summary
    assert any("numbers no tool produced" in warning for warning in answer.warnings)


def test_a_model_that_calls_no_tool_is_a_failure(shop, monkeypatch) -> None:
    model = ToolCallingFake(messages=iter([AIMessage(content="Probably about 200 of them.")]))
    with pytest.raises(LlmFailure, match="no tool"):
        answer_with_llm(_fake_session(shop, monkeypatch, model), HEADLINE)


class _Server:
    """A minimal OpenAI-compatible /v1/chat/completions server with a chosen behaviour."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.bodies: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                outer.bodies.append(body)
                status, payload = outer.reply(json.loads(body))
                if status == "sleep":
                    time.sleep(4)
                    status = 200
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def reply(self, request: dict) -> tuple[Any, dict]:
        if self.behaviour == "error":
            return 500, {"error": {"message": "internal error", "type": "server_error"}}
        if self.behaviour == "timeout":
            return "sleep", _completion("too late")
        has_tool_result = any(message.get("role") == "tool" for message in request["messages"])
        if has_tool_result:
            return 200, _completion("Here are the lapsing high-value customers.")
        if self.behaviour == "malformed":
            return 200, _completion(None, [{"id": "c1", "type": "function",
                                            "function": {"name": "find_customers", "arguments": "{not json"}}])
        arguments = json.dumps({"lifecycle": ["lapsing"], "value_tier": ["high"]})
        return 200, _completion(None, [{"id": "c1", "type": "function",
                                        "function": {"name": "find_customers", "arguments": arguments}}])

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _completion(content: str | None, tool_calls: list | None = None) -> dict:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {"id": "cmpl-1", "object": "chat.completion", "created": 0, "model": "test-model",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _customer_pii(root: Path) -> list[str]:
    rows = query(root, "SELECT name, email, phone FROM customers")
    return [value for row in rows for value in row if value]


def test_http_server_sees_tools_and_no_pii_and_the_answer_is_grounded(shop, monkeypatch) -> None:
    with _Server("ok") as server:
        answer = answer_question(_http_session(shop, monkeypatch, server.base_url), HEADLINE, "llm")
    embedded = answer_embedded(Session(Shop(shop)), HEADLINE)

    assert len(server.bodies) >= 2
    assert json.loads(server.bodies[0])["tools"], "tools must be offered to the model"
    offered = {tool["function"]["name"] for tool in json.loads(server.bodies[0])["tools"]}
    assert {"find_customers", "segment_overview", "draft_campaign", "kpi_summary"} <= offered
    everything_sent = "\n".join(server.bodies)
    leaked = [value for value in _customer_pii(shop) if value in everything_sent]
    assert leaked == []
    assert answer.planner == "llm:test-model"
    assert answer.tables[0].rows == embedded.tables[0].rows


@pytest.mark.parametrize("behaviour", ["error", "timeout", "malformed"])
def test_server_failures_fall_back_to_the_embedded_planner(shop, monkeypatch, behaviour) -> None:
    with _Server(behaviour) as server:
        answer = answer_question(_http_session(shop, monkeypatch, server.base_url), HEADLINE, "auto")
    embedded = answer_embedded(Session(Shop(shop)), HEADLINE)

    assert answer.planner in {"embedded", "llm:test-model"}
    assert [step.tool for step in answer.steps] == ["find_customers"]
    assert answer.tables[0].rows == embedded.tables[0].rows
    if answer.planner == "embedded":
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
    model = ToolCallingFake(messages=iter([
        _tool_call("find_customers", {"lifecycle": ["lapsing"], "value_tier": ["high"]}),
        AIMessage(content="These are your lapsing high-value customers."),
    ]))
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
