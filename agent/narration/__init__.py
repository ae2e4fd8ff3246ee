"""The Markdown summary of each tool result: the sentences every renderer shows above the tables.

Sentences only word what a tool computed (through :mod:`agent.wording`); they never compute numbers. One
function per result type, registered here, so a result reads the same in the terminal, JSON, Slack and
briefs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Describer = Callable[[Any], str]
_DESCRIBERS: dict[type, Describer] = {}


def describes(result_type: type) -> Callable[[Describer], Describer]:
    """Register the decorated function as the summary of ``result_type``."""
    def register(function: Describer) -> Describer:
        _DESCRIBERS[result_type] = function
        return function
    return register


def describe(result: Any) -> str:
    """The Markdown summary of ``result`` (empty when its type has none)."""
    from agent.narration import campaigns, customers, segments, workspace  # noqa: F401 - they register themselves

    for kind in type(result).__mro__:
        if kind in _DESCRIBERS:
            return _DESCRIBERS[kind](result)
    return ""
