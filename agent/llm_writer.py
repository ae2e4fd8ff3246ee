"""The configured chat model as the tools' one-method ``TextWriter`` (the copywriter's model)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class ChatModelWriter:
    """Adapts a LangChain chat model to :class:`tools.campaigns.copywriter.TextWriter`.

    The model is built on first use (``model_factory``), so commands that never draft copy never import
    LangChain; every prompt and reply is handed to ``record`` for the ask log.
    """

    def __init__(self, model_factory: Callable[[], Any], record: Callable[[str, str], None] | None = None) -> None:
        self._factory = model_factory
        self._model: Any = None
        self.record = record or (lambda _prompt, _reply: None)

    def complete(self, prompt: str) -> str:
        if self._model is None:
            self._model = self._factory()
        content = self._model.invoke(prompt).content
        reply = content if isinstance(content, str) else "".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
        self.record(prompt, reply)
        return reply
