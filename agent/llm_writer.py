"""The configured chat model as the tools' one-method ``TextWriter`` (the copywriter's model).

The copywriter in ``tools/`` stays vendor-free: it calls ``complete(prompt)``. Here that call gets what
every model request gets (:mod:`agent.llm_budget`): the answer's deadline, retries only for retryable
errors, and the command's circuit breaker — measured before this, ``--planner embedded`` drafting spent
33–37 s on connection errors to a closed port; now a model that failed once in a command is skipped at
once and the copywriter falls back to its templates. Prompts lose any customer name before they leave,
and every prompt and reply is handed to ``record`` for the ask log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.runtime import LlmAccess

Record = Callable[[str, str], None]


class ChatModelWriter:
    """Adapts the command's :class:`~agent.runtime.LlmAccess` to :class:`tools.campaigns.copywriter.TextWriter`.

    The chat model is built on first use, so commands that never draft copy never import LangChain.
    ``record(prompt, reply)`` receives every exchange; ``redact`` cleans each prompt before it is sent.
    """

    def __init__(self, access: LlmAccess | Callable[[], Any], record: Record | None = None,
                 redact: Callable[[str], str] | None = None) -> None:
        # The older form ChatModelWriter(access.model, record) passes the bound method: use its owner, so
        # that caller gets the deadline and breaker too; a bare factory (a test's fake) is called directly.
        owner = getattr(access, "__self__", None)
        self.access = owner if _is_access(owner) else access
        self.record = record or (lambda _prompt, _reply: None)
        self.redact = redact or (lambda text: text)

    def complete(self, prompt: str) -> str:
        """The model's reply to ``prompt``; raises :class:`~agent.llm_budget.LlmFailure` when it cannot answer."""
        prompt = self.redact(prompt)
        if _is_access(self.access):
            model = self.access.model()
            reply = text_of(self.access.call(lambda: model.invoke(prompt)))
        else:
            reply = text_of(self.access().invoke(prompt))
        self.record(prompt, reply)
        return reply


def _is_access(value: Any) -> bool:
    """An :class:`~agent.runtime.LlmAccess` (checked by shape: importing runtime here would be a cycle)."""
    return callable(getattr(value, "call", None)) and callable(getattr(value, "model", None))


def text_of(message: Any) -> str:
    """The text of a chat reply, whether its content is a string or a list of parts."""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content or [])
