"""Which language model to use, if any: env vars first, then ``[llm]`` in segment-agent.toml.

No API key is ever required: with nothing configured the embedded planner answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.runtime.settings import Settings

LLM_DEFAULTS: dict[str, object] = {
    "model": "",
    "base_url": "",
    "api_key_env": "OPENAI_API_KEY",
    "timeout_seconds": 30.0,
    "max_retries": 1,
    "fallback_model": "",
    "max_tool_calls": 6,
}
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


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

    @property
    def is_configured(self) -> bool:
        """A hosted OpenAI key or any OpenAI-compatible base URL counts as configured."""
        return bool(self.api_key or self.base_url)

    @property
    def label(self) -> str:
        return f"llm:{self.model}"


def load_llm_config(settings: Settings) -> LlmConfig:
    """Env (OPENAI_API_KEY, OPENAI_BASE_URL, SEGMENT_AGENT_MODEL) overrides ``[llm]`` of the config file."""
    section = settings.section("llm", LLM_DEFAULTS)
    env = settings.env
    base_url = env.get("OPENAI_BASE_URL") or str(section["base_url"]) or None
    api_key = env.get(str(section["api_key_env"])) or None
    model = env.get("SEGMENT_AGENT_MODEL") or str(section["model"]) or (
        DEFAULT_OPENAI_MODEL if api_key and not base_url else "local-model")
    return LlmConfig(model, base_url, api_key, float(section["timeout_seconds"]), int(section["max_retries"]),
                     str(section["fallback_model"]) or None, int(section["max_tool_calls"]))
