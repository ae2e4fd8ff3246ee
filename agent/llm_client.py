"""The chat model for OpenAI and OpenAI-compatible servers, made to speak every server's dialect.

Measured against llama.cpp's ``llama_cpp.server``: with no ``tool_choice`` its ``chatml-function-calling``
format drops the tool list (every question fell back: "the model called no tool"), and an assistant turn
sent back as ``"content": null`` beside its ``tool_calls`` is rejected with HTTP 500 ("7 validation
errors"). Ollama and vLLM accept both forms, and some servers still answer in the older ``function_call``
shape. :class:`CompatibleChatOpenAI` smooths this over in one place:

- requests: ``tool_choice: "auto"`` whenever tools are offered, string ``content`` (never null), always a
  token cap (``max_tokens`` for compatible servers, ``max_completion_tokens`` for OpenAI itself), and a
  per-request timeout taken from the answer's deadline;
- replies: a ``function_call`` becomes a ``tool_calls`` entry, arguments sent as a JSON object instead of a
  JSON string are accepted, a missing call id is filled in, and ``functions.`` name prefixes are dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from langchain_openai import ChatOpenAI
from pydantic import Field

if TYPE_CHECKING:
    from agent.llm_config import LlmConfig


class CompatibleChatOpenAI(ChatOpenAI):
    """``ChatOpenAI`` with the request and reply fixes above (see the module docstring)."""

    timeout_source: Callable[[], float] | None = Field(default=None, exclude=True)
    """Returns the timeout for the next request (what is left of the deadline); None: the client's own."""

    def bind_tools(self, tools: Any, *, tool_choice: Any = None, **kwargs: Any) -> Any:
        return super().bind_tools(tools, tool_choice=tool_choice or "auto", **kwargs)

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        for message in payload.get("messages", []):
            if message.get("content") is None:
                message["content"] = ""
        if self.openai_api_base and "max_completion_tokens" in payload:
            # llama.cpp, Ollama, vLLM and LM Studio all read max_tokens; not all know the newer name.
            payload["max_tokens"] = payload.pop("max_completion_tokens")
        if self.timeout_source is not None:
            payload["timeout"] = self.timeout_source()
        return payload

    def _create_chat_result(self, response: Any, generation_info: dict | None = None) -> Any:
        if hasattr(response, "model_dump"):
            response = response.model_dump(exclude={"choices": {"__all__": {"message": {"parsed"}}}},
                                           warnings=False)
        if isinstance(response, dict) and isinstance(response.get("choices"), list):
            for index, choice in enumerate(response["choices"]):
                if isinstance(choice, dict) and isinstance(choice.get("message"), dict):
                    choice["message"] = normalised_message(choice["message"], index)
        return super()._create_chat_result(response, generation_info)


def normalised_message(message: dict[str, Any], index: int = 0) -> dict[str, Any]:
    """One reply message in the ``tool_calls`` shape LangChain parses, whatever dialect the server spoke."""
    message = dict(message)
    calls = message.get("tool_calls") or []
    legacy = message.get("function_call")
    if not calls and isinstance(legacy, dict) and legacy.get("name"):
        calls = [{"id": f"call_{index}", "type": "function", "function": legacy}]
    fixed = []
    for number, call in enumerate(calls):
        if not isinstance(call, dict):
            continue
        function = dict(call.get("function") or {})
        name = str(function.get("name") or "")
        function["name"] = name.removeprefix("functions.")
        arguments = function.get("arguments")
        if isinstance(arguments, dict | list):
            function["arguments"] = json.dumps(arguments)
        elif arguments is None or (isinstance(arguments, str) and not arguments.strip()):
            function["arguments"] = "{}"
        fixed.append({**call, "id": call.get("id") or f"call_{index}_{number}", "type": "function",
                      "function": function})
    message.pop("function_call", None)
    if fixed:
        message["tool_calls"] = fixed
    else:
        message.pop("tool_calls", None)
    return message


def build_chat_model(config: LlmConfig, model_name: str | None = None,
                     timeout_source: Callable[[], float] | None = None) -> CompatibleChatOpenAI:
    """An OpenAI or OpenAI-compatible chat model (Ollama, vLLM, llama.cpp, LM Studio) from the config.

    The client never retries on its own (``max_retries=0``): :mod:`agent.llm_budget` decides, inside the
    answer's deadline. Streaming is off; temperature 0 keeps plans repeatable.
    """
    return CompatibleChatOpenAI(model=model_name or config.model, base_url=config.base_url,
                                api_key=config.api_key or "not-needed", timeout=config.timeout_seconds,
                                max_retries=0, temperature=0, max_tokens=config.max_tokens, streaming=False,
                                timeout_source=timeout_source)
