"""The LLM path: a LangChain ``create_agent`` over the same tools the embedded planner uses.

The model plans tool calls and writes the summary; the tools compute every number. The model only
ever sees aggregates (tool facts) and redacted text — never customer rows or contact details — and
LangChain middleware adds PII redaction, retries, a fallback model and a tool-call limit. Any failure
(HTTP error, timeout, no or invalid tool call, ungrounded numbers) is raised as :class:`LlmFailure`
or repaired here, so the caller can fall back to the embedded planner.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from agent.answer import Answer
from agent.grounding import ungrounded_numbers
from agent.llm_config import LlmConfig
from agent.prompts import system_prompt
from tools.errors import UserError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agent.answering import Session

PHONE_PATTERN = r"(?:\+?\d[\d\s().-]{7,}\d)"


class LlmFailure(Exception):
    """The model could not produce a usable, grounded answer."""


def build_chat_model(config: LlmConfig, model_name: str | None = None) -> BaseChatModel:
    """An OpenAI or OpenAI-compatible chat model (Ollama, vLLM, llama.cpp, LM Studio) from the config."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=model_name or config.model, base_url=config.base_url,
                      api_key=config.api_key or "not-needed", timeout=config.timeout_seconds, max_retries=0,
                      temperature=0)


def answer_with_llm(session: Session, question: str) -> Answer:
    """Let the model plan tool calls; return the answer or raise :class:`LlmFailure`."""
    from langchain.agents import create_agent
    from langchain_core.messages import HumanMessage

    access = session.llm
    if access is None:
        raise LlmFailure("no model is configured")
    answer = Answer(question=question, planner=access.label)
    tools = [_langchain_tool(spec, session, answer) for spec in _specs().values()]
    try:
        agent = create_agent(access.model(), tools, system_prompt=system_prompt(),
                             middleware=_middleware(access.config))
        result = agent.invoke({"messages": [HumanMessage(_with_context(session, question))]})
    except Exception as exc:  # any provider/transport/parsing error means: fall back
        raise LlmFailure(_short(exc)) from exc
    session.transcript.model_messages.extend(_messages(result))
    if not answer.steps:
        raise LlmFailure("the model called no tool")
    final = _final_text(result)
    facts = [step.result.facts() for step in answer.steps]
    summaries = [step.summary for step in answer.steps]
    bad = ungrounded_numbers(final, facts, [question, *summaries]) if final else [0.0]
    if not final or bad:
        reason = "it wrote no summary" if not final else f"its summary stated numbers no tool produced ({bad[:3]})"
        answer.warnings.append(f"The model's wording was replaced by the data-derived summary because {reason}.")
        final = answer.summaries()
    answer.answer = final
    _remember(session, answer)
    return answer


def _specs() -> dict[str, Any]:
    from agent.toolbox import registry

    return registry(for_agent=True)


def _langchain_tool(spec: Any, session: Session, answer: Answer) -> Any:
    """Wrap a ToolSpec: validate, run, record the result for the user, return only facts to the model."""
    from langchain_core.tools import StructuredTool, ToolException

    from agent.toolbox import run_tool

    def call(**kwargs: Any) -> str:
        try:
            step = run_tool(session.shop, spec.name, kwargs)
        except UserError as exc:
            raise ToolException(str(exc)) from exc
        answer.add(step)
        sent = {"tool": spec.name, "facts": step.result.facts(), "summary": step.summary,
                "note": "Customer rows and drafts were shown to the user directly."}
        session.transcript.facts_sent.append(sent)
        return json.dumps(sent, default=str)

    return StructuredTool.from_function(func=call, name=spec.name, description=spec.description,
                                        args_schema=spec.args_model, handle_tool_error=True)


def _middleware(config: LlmConfig) -> list[Any]:
    from langchain.agents.middleware import (
        ModelFallbackMiddleware,
        ModelRetryMiddleware,
        PIIMiddleware,
        ToolCallLimitMiddleware,
    )

    middleware: list[Any] = [
        PIIMiddleware("email", strategy="redact", apply_to_input=True, apply_to_tool_results=True),
        PIIMiddleware("phone", detector=PHONE_PATTERN, strategy="redact", apply_to_input=True,
                      apply_to_tool_results=True),
        ModelRetryMiddleware(max_retries=config.max_retries, initial_delay=0.2, max_delay=2.0, on_failure="error"),
        ToolCallLimitMiddleware(run_limit=config.max_tool_calls, exit_behavior="end"),
    ]
    if config.fallback_model:
        middleware.append(ModelFallbackMiddleware(build_chat_model(config, config.fallback_model)))
    return middleware


def _with_context(session: Session, question: str) -> str:
    """The question plus the previous steps (tool names and arguments only) for follow-ups."""
    if not session.history:
        return question
    previous = session.history[-1]
    steps = "; ".join(f"{step.tool}({json.dumps(step.args)})" for step in previous.steps) or "none"
    return f"Previous question: {previous.question}\nPrevious tool calls: {steps}\n\nQuestion: {question}"


def _messages(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The conversation as plain records for the ask log: role, text, tool calls."""
    records = []
    for message in result.get("messages", []):
        record: dict[str, Any] = {"role": getattr(message, "type", "?"), "content": message.content}
        if getattr(message, "tool_calls", None):
            record["tool_calls"] = [{"name": c.get("name"), "args": c.get("args")} for c in message.tool_calls]
        records.append(record)
    return records


def _final_text(result: dict[str, Any]) -> str:
    messages = result.get("messages", [])
    if not messages:
        return ""
    content = messages[-1].content
    if isinstance(content, list):
        content = " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content).strip() if getattr(messages[-1], "type", "") == "ai" else ""


def _remember(session: Session, answer: Answer) -> None:
    from agent.planner import Plan, PlannedCall

    session.context.remember(Plan([PlannedCall(step.tool, step.args) for step in answer.steps]))


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{type(exc).__name__}: {text[:160]}"
