"""The Markdown summary of each tool result: the sentences every renderer shows above the tables.

Sentences only word what a tool computed (through :mod:`agent.wording`); they never compute numbers. One
function per result type (registered in :mod:`agent.narration.registry`), so a result reads the same in
the terminal, JSON, Slack and briefs.
"""

from __future__ import annotations

from typing import Any


def describe(result: Any) -> str:
    """The Markdown summary of ``result`` (empty when its type has none)."""
    from agent.narration import brief, campaigns, customers, segments, workspace  # noqa: F401 - register themselves
    from agent.narration.registry import DESCRIBERS

    for kind in type(result).__mro__:
        if kind in DESCRIBERS:
            return DESCRIBERS[kind](result)
    return ""
