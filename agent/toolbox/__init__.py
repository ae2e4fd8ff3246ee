"""The agent's tools: each capability of ``tools/`` defined once, for the CLI, the planner and the LLM alike.

A :class:`ToolSpec` pairs a canonical name (DESIGN.md §7), a pydantic argument model, a description written
for a model reader, the ``tools`` function that runs it, and how to reproduce the call from a shell. Every
CLI command and every answer step goes through :func:`run_tool`, so a command's ``--json`` and the
``ask --json`` step for the same question carry the same data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from tools.errors import UserError

if TYPE_CHECKING:
    from agent.answer import Step
    from tools.results import ToolResult
    from tools.runtime.shop import Shop


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


def registry(for_agent: bool = False) -> dict[str, ToolSpec]:
    """Tools by canonical name, in the order they are offered to a model (``for_agent``: only those)."""
    from agent.toolbox import campaign_tools, customer_tools, segment_tools, workspace_tools

    specs = [*customer_tools.SPECS, *segment_tools.SPECS, *campaign_tools.SPECS, *workspace_tools.SPECS]
    return {spec.name: spec for spec in specs if spec.for_agent or not for_agent}


def validate_args(spec: ToolSpec, raw_args: dict[str, Any] | BaseModel) -> BaseModel:
    """Validate and normalise arguments; errors name the argument and what is allowed."""
    if isinstance(raw_args, spec.args_model):
        return raw_args
    try:
        return spec.args_model.model_validate(raw_args or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "arguments"
        raise ToolArgumentError(f"{spec.name}: {where} {first['msg'].lower()} (got {first.get('input')!r}).") from None


def effective_args(args: BaseModel) -> dict[str, Any]:
    """The arguments a call really ran with, defaults included; unset options (None, empty lists) left out."""
    return _without_unset(args.model_dump(mode="json"))


def _without_unset(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_unset(v) for k, v in value.items() if v is not None and v != []}
    return value


def run_tool(shop: Shop, name: str, raw_args: dict[str, Any] | BaseModel, **options: Any) -> Step:
    """Run tool ``name`` on ``shop``; the step holds the effective args, the typed result and its summary.

    ``options`` go to the tool function as keyword arguments the model never sets (a progress callback,
    the path a person chose for an export).
    """
    from agent.answer import Step
    from agent.narration import describe

    specs = registry()
    spec = specs.get(name)
    if spec is None:
        raise ToolArgumentError(f"Unknown tool '{name}'; tools are: {', '.join(registry(for_agent=True))}.")
    args = validate_args(spec, raw_args)
    started = time.perf_counter()
    result = spec.run(shop, args, **options)
    milliseconds = round((time.perf_counter() - started) * 1000, 1)
    return Step(name, effective_args(args), result, describe(result), spec.reproduce(args, result), milliseconds)
