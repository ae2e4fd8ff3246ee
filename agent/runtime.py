"""The runtime of one command (DESIGN.md §13), as the CLI builds it in ``cli.root``.

:class:`Runtime` is ``ctx.obj``: it loads the settings once, opens one :class:`~tools.runtime.shop.Shop` (one
store connection) on first use and closes it when the command ends. Tests replace what talks to the outside
world by passing :class:`AgentProviders` as ``obj`` to ``CliRunner().invoke`` — a fake chat model, a fake
encoder — and the whole CLI, LLM path included, runs against them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from agent.llm_budget import CircuitBreaker, Deadline, RetryPolicy, call_model
from tools.runtime.settings import Settings
from tools.runtime.shop import Providers, Shop

if TYPE_CHECKING:
    from agent.ask_log import Transcript
    from agent.llm_agent import ModelRedactor
    from agent.llm_config import LlmConfig

T = TypeVar("T")


@dataclass
class AgentProviders(Providers):
    """The tools' providers plus the chat model the agent plans and writes with (None: built from ``[llm]``)."""

    chat_model: Any = None


@dataclass
class LlmAccess:
    """A configured language model: its settings, the (lazily built) chat model, and what bounds its use.

    Everything that talks to the model — the agent, the copywriter, the segment namer — sends its requests
    through :meth:`call`, so they share one deadline per answer (:meth:`begin_answer`; a command that
    never asks a question gets one from its first call) and one circuit breaker per command: once the model
    failed, later calls in the command fail at once instead of waiting for it again.
    """

    config: LlmConfig
    factory: Any
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    clock: Callable[[], float] = time.monotonic
    deadline: Deadline | None = None
    breaker: CircuitBreaker = field(init=False)
    _model: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.breaker = CircuitBreaker(self.config.breaker_reset_s, self.clock)
        self.policy.max_retries = self.config.max_retries

    def model(self) -> Any:
        if self._model is None:
            self._model = self.factory()
        return self._model

    @property
    def label(self) -> str:
        return self.config.label

    def begin_answer(self) -> Deadline:
        """Start the deadline of a new answer (retries, tool calls and copy all count against it)."""
        self.deadline = Deadline(self.config.deadline_s, self.clock)
        return self.deadline

    def current_deadline(self) -> Deadline:
        return self.deadline or self.begin_answer()

    def request_timeout(self) -> float:
        """The next request's timeout: ``timeout_seconds``, or what is left of the deadline if less."""
        return self.current_deadline().request_timeout(self.config.timeout_seconds)

    def call(self, send: Callable[[], T]) -> T:
        """Send one model request under the deadline, breaker and retry policy (see :mod:`agent.llm_budget`)."""
        return call_model(send, self.current_deadline(), self.breaker, self.policy)


class Runtime:
    """Everything one command shares: workspace path, settings, providers, and the open shop."""

    def __init__(self, workspace: Path, debug: bool = False, providers: AgentProviders | None = None,
                 command: str = "") -> None:
        from agent.ask_log import Transcript

        self.workspace = workspace
        self.debug = debug
        self.providers = providers or AgentProviders()
        self.command = command
        self.transcript: Transcript = Transcript()
        self._shop: Shop | None = None
        self._redactor: ModelRedactor | None = None

    @cached_property
    def settings(self) -> Settings:
        return Settings.load(self.workspace)

    @cached_property
    def llm(self) -> LlmAccess | None:
        """The configured model, or None: no key, no base URL and no injected model means no LLM at all."""
        from agent.llm_config import load_llm_config

        config = load_llm_config(self.settings)
        if self.providers.chat_model is not None:
            injected = self.providers.chat_model
            return LlmAccess(config, lambda: injected)
        if not config.is_configured:
            return None
        access: LlmAccess

        def build() -> Any:
            from agent.llm_client import build_chat_model

            return build_chat_model(config, timeout_source=access.request_timeout)

        access = LlmAccess(config, build)
        return access

    def shop(self, *, create: bool = False, use_llm: bool = True) -> Shop:
        """The command's one shop (opened once). With a model configured, the copywriter and the segment
        namer write through it; ``use_llm=False`` keeps every model out (template copy, rule-based names)."""
        if self._shop is None:
            providers: Providers = self.providers
            if use_llm and self.llm is not None:
                providers = replace(self.providers, **self._model_providers(self.llm))
            self._shop = Shop(self.workspace, self.settings, providers, create=create, command=self.command)
        return self._shop

    def _model_providers(self, access: LlmAccess) -> dict[str, Any]:
        """The text writer and segment namer backed by the model, unless a test injected its own."""
        from agent.llm_namer import LlmSegmentNamer
        from agent.llm_writer import ChatModelWriter

        extra: dict[str, Any] = {}
        if self.providers.writer is None:
            extra["writer"] = ChatModelWriter(access, self._recorder("copy"), self._redact)
        if self.providers.namer is None:
            extra["namer"] = LlmSegmentNamer(access, self._recorder("segment name"), self._redact,
                                             self.providers.notice)
        return extra

    def _redact(self, text: str) -> str:
        """Text bound for the model without customer PII (see :class:`agent.llm_agent.ModelRedactor`)."""
        if self._redactor is None:
            from agent.llm_agent import ModelRedactor

            self._redactor = ModelRedactor(self.shop())
        return self._redactor.text(text)

    def _recorder(self, purpose: str) -> Callable[[str, str], None]:
        """Where the copywriter's and namer's exchanges go: the answer's transcript (the ask log)."""
        return lambda prompt, reply: self.transcript.copy_prompts.append(
            {"purpose": purpose, "prompt": prompt, "reply": reply})

    def close(self) -> None:
        if self._shop is not None:
            self._shop.close()
            self._shop = None
