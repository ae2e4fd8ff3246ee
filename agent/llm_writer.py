"""The configured chat model as the tools' one-method ``TextWriter`` (or None: template copywriter)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class ChatModelWriter:
    """Adapts a LangChain chat model to :class:`tools.campaigns.copywriter.TextWriter`."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def complete(self, prompt: str) -> str:
        content = self.model.invoke(prompt).content
        return content if isinstance(content, str) else "".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


def configured_writer(workspace: Path) -> ChatModelWriter | None:
    """A writer over the configured model, or None when no model is set up."""
    from agent.llm_config import load_llm_config

    config = load_llm_config(workspace)
    if not config.is_configured:
        return None
    from agent.llm_agent import build_chat_model

    return ChatModelWriter(build_chat_model(config))
