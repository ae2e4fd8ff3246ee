"""Placeholder until the capability lands (see the issue tracker)."""

from __future__ import annotations

from agent.toolbox import ToolSpec

SPECS: list[ToolSpec] = []
