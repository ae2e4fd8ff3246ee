"""What the planner produces: tool calls to run, or a refusal that says what the product can do instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

PlanStatus = Literal["answered", "refused", "not_understood"]


@dataclass
class PlannedCall:
    """One tool call the planner wants to run."""

    tool: str
    args: dict[str, Any]


@dataclass
class Plan:
    """Tool calls to run, or a refusal explaining what the product can do instead.

    ``defaulted`` names the arguments the planner chose itself (e.g. a win-back goal for a lapsed audience),
    so a follow-up can tell a choice the marketer made from one it may revise. ``status`` is what the §8 answer
    reports for a refusal: ``not_understood`` when the question could not be mapped or lacks what it needs (which
    segment? which customer?), ``refused`` when it was understood but cannot or will not be done, ``answered``
    for help and small talk. ``notes`` tell the user how a reference was resolved (a segment matched by meaning).
    """

    calls: list[PlannedCall] = field(default_factory=list)
    refusal: str | None = None
    intent: str | None = None
    defaulted: list[str] = field(default_factory=list)
    status: PlanStatus = "not_understood"
    notes: list[str] = field(default_factory=list)
