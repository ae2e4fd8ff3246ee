"""The agent's tools: each capability of ``tools/`` defined once, for the planner and the LLM alike.

A :class:`ToolSpec` pairs a canonical name (DESIGN.md §7), a pydantic argument model, a description
written for a model reader, and a handler that returns a :class:`agent.answer.ToolOutcome`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from agent.answer import Step, ToolOutcome
from tools.errors import UserError

Handler = Callable[[Path, Any], ToolOutcome]


@dataclass(frozen=True)
class ToolSpec:
    """One tool: name, argument schema, model-facing description, and the function that runs it."""

    name: str
    description: str
    args_model: type[BaseModel]
    handler: Handler
    writes: bool = False


class ToolArgumentError(UserError):
    """Arguments that do not fit a tool's schema (shown to the model so it can correct itself)."""


def registry() -> dict[str, ToolSpec]:
    """All tools by canonical name, in the order they are offered to a model."""
    from agent.toolbox import campaign_tools, customer_tools, segment_tools

    specs = [*customer_tools.SPECS, *segment_tools.SPECS, *campaign_tools.SPECS]
    return {spec.name: spec for spec in specs}


def validate_args(spec: ToolSpec, raw_args: dict[str, Any]) -> BaseModel:
    """Validate and normalise arguments; errors name the argument and what is allowed."""
    try:
        return spec.args_model.model_validate(raw_args or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "arguments"
        raise ToolArgumentError(f"{spec.name}: {where} {first['msg'].lower()} (got {first.get('input')!r}).") from None


def run_tool(workspace_root: Path, name: str, raw_args: dict[str, Any]) -> tuple[Step, ToolOutcome]:
    """Run tool ``name`` with ``raw_args``; returns the step (with canonical args) and its outcome."""
    specs = registry()
    spec = specs.get(name)
    if spec is None:
        raise ToolArgumentError(f"Unknown tool '{name}'; tools are: {', '.join(specs)}.")
    args = validate_args(spec, raw_args)
    outcome = spec.handler(workspace_root, args)
    return Step(tool=name, args=args.model_dump(exclude_defaults=True, mode="json")), outcome
