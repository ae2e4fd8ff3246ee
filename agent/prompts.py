"""Load prompt templates from the ``prompts`` package (works from a clone and from a wheel).

The agent's system prompt names the canonical argument values; they are filled in from the enums in
:mod:`tools.concepts`, so the prompt can never offer a model a channel or goal the tools do not know.
"""

from __future__ import annotations

from importlib import resources

from tools.concepts import Channel, Goal, Length, LifecycleStage, Tone, ValueTier
from tools.errors import UserError

SYSTEM_PROMPT = "agent_system.md"


def load_prompt(name: str) -> str:
    """Text of ``prompts/<name>``; marketers may edit these files."""
    try:
        return (resources.files("prompts") / name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UserError(f"The prompt file prompts/{name} is missing; reinstall segment-agent or restore it.") from exc


def system_prompt() -> str:
    """The LLM agent's system prompt with the canonical values of every enum filled in."""
    values = {"lifecycle_stages": LifecycleStage, "value_tiers": ValueTier, "channels": Channel, "goals": Goal,
              "tones": Tone, "lengths": Length}
    text = load_prompt(SYSTEM_PROMPT)
    for slot, enum in values.items():
        text = text.replace("{{ " + slot + " }}", "|".join(member.value for member in enum))
    return text
