"""Load prompt templates from the ``prompts`` package (works from a clone and from a wheel)."""

from __future__ import annotations

from importlib import resources

from tools.errors import UserError


def load_prompt(name: str) -> str:
    """Text of ``prompts/<name>``; marketers may edit these files."""
    try:
        return (resources.files("prompts") / name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UserError(f"The prompt file prompts/{name} is missing; reinstall segment-agent or restore it.") from exc
