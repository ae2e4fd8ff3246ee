"""The agent's tools: each capability of ``tools/`` defined once, for the CLI, the planner and the LLM alike.

A :class:`ToolSpec` pairs a canonical name (DESIGN.md §7), a pydantic argument model, a description written
for a model reader, the ``tools`` function that runs it, and how to reproduce the call from a shell. Every
CLI command and every answer step goes through :func:`run_tool`, so a command's ``--json`` and the
``ask --json`` step for the same question carry the same data.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from agent.toolbox.spec import ToolArgumentError, ToolSpec

if TYPE_CHECKING:
    from agent.answer import Step
    from tools.runtime.shop import Shop

__all__ = ["ToolArgumentError", "ToolSpec", "effective_args", "registry", "run_tool", "validate_args"]


def registry(for_agent: bool = False) -> dict[str, ToolSpec]:
    """Tools by canonical name, in the order they are offered to a model (``for_agent``: only those)."""
    from agent.toolbox import brief_tools, campaign_tools, customer_tools, segment_tools, workspace_tools

    specs = [*customer_tools.SPECS, *segment_tools.SPECS, *campaign_tools.SPECS, *brief_tools.SPECS,
             *workspace_tools.SPECS]
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
