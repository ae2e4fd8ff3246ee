"""What the planner produces: tool calls to run, or a refusal that says what the product can do instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PlannedCall:
    """One tool call the planner wants to run."""

    tool: str
    args: dict[str, Any]


@dataclass
class Plan:
    """Tool calls to run, or a refusal explaining what the product can do instead.

    ``defaulted`` names the arguments the planner chose itself (e.g. a win-back goal for a lapsed audience),
    so a follow-up can tell a choice the marketer made from one it may revise.
    """

    calls: list[PlannedCall] = field(default_factory=list)
    refusal: str | None = None
    intent: str | None = None
    defaulted: list[str] = field(default_factory=list)
