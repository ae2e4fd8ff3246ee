"""Which language model to use, if any: env vars first, then ``[llm]`` in segment-agent.toml.

No API key is ever required: with nothing configured the embedded planner answers. The limits here bound
what one answer may cost: ``deadline_s`` is the whole answer's time with the model (retries, tool calls
and the copywriter included), ``timeout_seconds`` caps one request inside it, ``max_tokens`` caps every
reply, ``max_tool_calls`` and ``max_model_calls`` cap one answer's steps, ``tools_offered`` caps how many tool
schemas go with a question (0: all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from tools.errors import UserError

if TYPE_CHECKING:
    from tools.runtime.settings import Settings

LLM_DEFAULTS: dict[str, object] = {
    "model": "",
    "base_url": "",
    "api_key_env": "OPENAI_API_KEY",
    "label": "",
    "deadline_s": 20.0,
    "timeout_seconds": 30.0,
    "max_retries": 2,
    "max_tokens": 512,
    "fallback_model": "",
    "max_tool_calls": 6,
    "max_model_calls": 6,
    "breaker_reset_s": 60.0,
    "tools_offered": 6,
}
MINIMUMS = {"deadline_s": 0.5, "timeout_seconds": 0.1, "max_retries": 0, "max_tokens": 16, "max_tool_calls": 1,
            "max_model_calls": 1, "breaker_reset_s": 0, "tools_offered": 0}
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
# File extensions, quantisation tags and chat/instruct suffixes are packaging, not the model's name.
_PACKAGING = re.compile(
    r"(?i)(?:[._-](?:gguf|bin|safetensors)$)"
    r"|(?:[._-](?:i?q\d(?:_[a-z0-9]+)*|f16|f32|bf16|fp16|int[48]|awq|gptq)(?=$|[._-]))"
    r"|(?:[._-](?:instruct|chat|it)(?=$|[._:-]))")


@dataclass(frozen=True)
class LlmConfig:
    """Resolved model settings (the key itself is read from the environment, never stored)."""

    model: str
    base_url: str | None
    api_key: str | None
    timeout_seconds: float
    max_retries: int
    fallback_model: str | None
    max_tool_calls: int
    deadline_s: float = 20.0
    max_tokens: int = 512
    max_model_calls: int = 6
    breaker_reset_s: float = 60.0
    label_override: str = ""
    tools_offered: int = 6

    @property
    def is_configured(self) -> bool:
        """A hosted OpenAI key or any OpenAI-compatible base URL counts as configured."""
        return bool(self.api_key or self.base_url)

    @property
    def label(self) -> str:
        """The planner name in answers: ``llm:`` and a short model name, never a local file path."""
        return f"llm:{self.label_override or model_label(self.model)}"

    @property
    def endpoint(self) -> str:
        """Where requests go, for messages ("the model at …")."""
        return self.base_url or "api.openai.com"


def model_label(model: str) -> str:
    """A short, clean model name: ``/models/SmolLM2-135M-Instruct.Q4_1.gguf`` -> ``smollm2-135m``.

    Paths (llama.cpp servers are often given a file), organisation prefixes (``meta-llama/…`` on vLLM),
    file extensions, quantisation tags and ``-Instruct`` suffixes are dropped; Ollama tags (``llama3.1:8b``)
    and hosted names (``gpt-4o-mini``) stay as they are, lower-cased.
    """
    name = PurePath(model.strip().replace("\\", "/")).name if "/" in model or "\\" in model else model.strip()
    previous = None
    while previous != name:
        previous, name = name, _PACKAGING.sub("", name)
    name = re.sub(r"[^\w.:+-]+", "-", name).strip("-._:").lower()
    return name[:40] or "model"


def load_llm_config(settings: Settings) -> LlmConfig:
    """Env (OPENAI_API_KEY, OPENAI_BASE_URL, SEGMENT_AGENT_MODEL) overrides ``[llm]`` of the config file."""
    section = settings.section("llm", LLM_DEFAULTS)
    for key, lowest in MINIMUMS.items():
        if section[key] < lowest:
            raise UserError(f"Setting '{key}' in [llm] of {settings.path} must be at least {lowest:g}, "
                            f"not {section[key]!r}.")
    env = settings.env
    base_url = env.get("OPENAI_BASE_URL") or str(section["base_url"]) or None
    api_key = env.get(str(section["api_key_env"])) or None
    model = env.get("SEGMENT_AGENT_MODEL") or str(section["model"]) or (
        DEFAULT_OPENAI_MODEL if api_key and not base_url else "local-model")
    return LlmConfig(model, base_url, api_key, float(section["timeout_seconds"]), int(section["max_retries"]),
                     str(section["fallback_model"]) or None, int(section["max_tool_calls"]),
                     deadline_s=float(section["deadline_s"]), max_tokens=int(section["max_tokens"]),
                     max_model_calls=int(section["max_model_calls"]),
                     breaker_reset_s=float(section["breaker_reset_s"]), label_override=str(section["label"]),
                     tools_offered=int(section["tools_offered"]))
