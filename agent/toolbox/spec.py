"""What a tool is to the agent: its name, schema, model-facing description, function and reproduce line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from tools.errors import UserError
from tools.results import ToolResult


@dataclass(frozen=True)
class ToolSpec:
    """One tool: name, argument schema, model-facing description, the function, and its reproduce line.

    ``for_agent`` is False for tools only a person runs from the CLI (ingest, features, status): the
    planner and the LLM are never offered them.
    """

    name: str
    description: str
    args_model: type[BaseModel]
    run: Callable[..., ToolResult]
    reproduce: Callable[[Any, Any], list[str]]
    for_agent: bool = True


class ToolArgumentError(UserError):
    """Arguments that do not fit a tool's schema (shown to the model so it can correct itself)."""
