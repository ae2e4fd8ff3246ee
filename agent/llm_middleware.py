"""The LangChain middleware around the LLM agent's model and tool calls (DESIGN.md §9, §11).

Each class fixes one thing seen against a real llama.cpp server with a small model:

- :class:`ToolOffer` — only the schemas of the question's likely tools are sent (all 18 overflow an 8k
  context);
- :class:`DeadlineMiddleware` — every model turn goes through :meth:`agent.runtime.LlmAccess.call`
  (the answer's deadline, retries for 429/5xx/timeouts only, the command's circuit breaker);
- :class:`RedactionMiddleware` — what the model is sent loses customer PII (structure-aware: numbers,
  dates and ids in tool results are never touched, see :class:`agent.llm_agent.ModelRedactor`);
- :class:`ToolCallCleanup` — a turn asking for the same call three times runs it once, and a call whose
  arguments are not JSON reaches :class:`ArgumentCheck` instead of vanishing;
- :class:`ArgumentCheck` — tool arguments are checked against the tool's pydantic schema before it runs;
  the model is told what was wrong once, and a second invalid call ends the attempt (the caller falls
  back to the embedded planner).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from langchain.agents.middleware import AgentMiddleware, ModelResponse
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent.llm_budget import LlmFailure
from agent.toolbox import ToolArgumentError, validate_args

if TYPE_CHECKING:
    from agent.llm_agent import ModelRedactor
    from agent.runtime import LlmAccess
    from agent.toolbox import ToolSpec

UNPARSED = "_unparsed_arguments"


class ToolOffer(AgentMiddleware):
    """Send only the schemas of the tools offered for this question (see :func:`agent.llm_agent.offered_tools`);
    every tool stays runnable, so a call to another one is validated and run like any other."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        tools = [tool for tool in request.tools if _tool_name(tool) in self.names]
        return handler(request.override(tools=tools or request.tools))


def _tool_name(tool: Any) -> str:
    return str(tool.get("name", "")) if isinstance(tool, dict) else str(getattr(tool, "name", ""))


class DeadlineMiddleware(AgentMiddleware):
    """Send each model turn under the answer's deadline, retry policy and circuit breaker."""

    def __init__(self, access: LlmAccess) -> None:
        super().__init__()
        self.access = access

    def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        return self.access.call(lambda: handler(request))


class RedactionMiddleware(AgentMiddleware):
    """The question and the tool results, as the model receives them, without customer PII."""

    def __init__(self, redactor: ModelRedactor) -> None:
        super().__init__()
        self.redactor = redactor

    def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        return handler(request.override(messages=[self._redacted(message) for message in request.messages]))

    def _redacted(self, message: Any) -> Any:
        if not isinstance(message.content, str):
            return message
        if isinstance(message, HumanMessage):
            return message.model_copy(update={"content": self.redactor.text(message.content)})
        if isinstance(message, ToolMessage):
            return message.model_copy(update={"content": self.redactor.json_text(message.content)})
        return message


class ToolCallCleanup(AgentMiddleware):
    """Tidy each model turn's tool calls: repeats of an identical call are dropped, and calls whose
    arguments were not valid JSON are kept (marked) so :class:`ArgumentCheck` can tell the model why."""

    def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        response = handler(request)
        if not isinstance(response, ModelResponse):
            return response
        return ModelResponse(result=[distinct_calls(surfaced_invalid_calls(message)) for message in response.result],
                             structured_response=response.structured_response)


def surfaced_invalid_calls(message: Any) -> Any:
    """Calls LangChain could not parse ("arguments": "{not json") as ordinary calls carrying the raw text."""
    if not isinstance(message, AIMessage) or not message.invalid_tool_calls:
        return message
    surfaced = [{"name": call.get("name") or "unknown", "args": {UNPARSED: str(call.get("args") or "")},
                 "id": call.get("id") or f"invalid_{number}", "type": "tool_call"}
                for number, call in enumerate(message.invalid_tool_calls)]
    return message.model_copy(update={"tool_calls": [*message.tool_calls, *surfaced], "invalid_tool_calls": []})


def distinct_calls(message: Any) -> Any:
    """``message`` with each distinct tool call once, in the order the model asked for them."""
    if not isinstance(message, AIMessage) or len(message.tool_calls) < 2:
        return message
    seen, kept = set(), []
    for call in message.tool_calls:
        key = call_key(call["name"], call.get("args") or {})
        if key not in seen:
            seen.add(key)
            kept.append(call)
    return message if len(kept) == len(message.tool_calls) else message.model_copy(update={"tool_calls": kept})


def call_key(name: str, args: Any) -> str:
    """A tool call's identity: its name and canonical JSON arguments."""
    return f"{name}:{json.dumps(args, sort_keys=True, default=str)}"


class ArgumentCheck(AgentMiddleware):
    """Validate each tool call against its schema; one corrective message, then give up."""

    def __init__(self, specs: dict[str, ToolSpec], chances: int = 1) -> None:
        super().__init__()
        self.specs = specs
        self.chances = chances
        self.invalid = 0

    def wrap_tool_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        call = request.tool_call
        problem = self.problem(call["name"], call.get("args") or {})
        if problem is None:
            return handler(request)
        self.invalid += 1
        if self.invalid > self.chances:
            raise LlmFailure(f"the model's tool call was still invalid after it was told why ({problem})")
        return ToolMessage(content=f"Error: {problem} Correct the arguments and call the tool again.",
                           tool_call_id=call["id"], name=call["name"], status="error")

    def problem(self, name: str, args: dict[str, Any]) -> str | None:
        """What is wrong with a call, in one sentence for the model, or None."""
        if UNPARSED in args:
            return f"The arguments of {name} were not valid JSON ({args[UNPARSED][:80]!r})."
        spec = self.specs.get(name)
        if spec is None:
            return f"There is no tool named {name!r}; the tools are: {', '.join(self.specs)}."
        try:
            validate_args(spec, args)
        except ToolArgumentError as exc:
            return str(exc)
        return None
