"""The runtime of one command (DESIGN.md §13), as the CLI builds it in ``cli.root``.

:class:`Runtime` is ``ctx.obj``: it loads the settings once, opens one :class:`~tools.runtime.shop.Shop` (one
store connection) on first use and closes it when the command ends. Tests replace what talks to the outside
world by passing :class:`AgentProviders` as ``obj`` to ``CliRunner().invoke`` — a fake chat model, a fake
encoder — and the whole CLI, LLM path included, runs against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.runtime.settings import Settings
from tools.runtime.shop import Providers, Shop

if TYPE_CHECKING:
    from agent.ask_log import Transcript
    from agent.llm_config import LlmConfig


@dataclass
class AgentProviders(Providers):
    """The tools' providers plus the chat model the agent plans and writes with (None: built from ``[llm]``)."""

    chat_model: Any = None


@dataclass
class LlmAccess:
    """A configured language model: its settings and the (lazily built) chat model."""

    config: LlmConfig
    factory: Any
    _model: Any = field(default=None, repr=False)

    def model(self) -> Any:
        if self._model is None:
            self._model = self.factory()
        return self._model

    @property
    def label(self) -> str:
        return self.config.label


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

        def build() -> Any:
            from agent.llm_agent import build_chat_model

            return build_chat_model(config)

        return LlmAccess(config, build)

    def shop(self, *, create: bool = False, use_llm: bool = True) -> Shop:
        """The command's one shop (opened once). ``use_llm=False`` keeps every model out (template copy)."""
        if self._shop is None:
            providers: Providers = self.providers
            if use_llm and self.providers.writer is None and self.llm is not None:
                from agent.llm_writer import ChatModelWriter

                providers = replace(self.providers, writer=ChatModelWriter(self.llm.model, self._record_copy))
            self._shop = Shop(self.workspace, self.settings, providers, create=create, command=self.command)
        return self._shop

    def _record_copy(self, prompt: str, reply: str) -> None:
        self.transcript.copy_prompts.append({"prompt": prompt, "reply": reply})

    def close(self) -> None:
        if self._shop is not None:
            self._shop.close()
            self._shop = None
