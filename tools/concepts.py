"""The product's fixed vocabularies, defined once (DESIGN.md §13).

Lifecycle stages, value tiers, channels, goals, tones, draft lengths and KPI periods are enums here and
nowhere else: the CLI's choices, the planner's word tables, the pydantic tool schemas (and so the LLM's
tool descriptions) and the prompts all read them, so a new goal or channel is added in one place.
"""

from __future__ import annotations

from enum import StrEnum


class LifecycleStage(StrEnum):
    """Where a customer is in their relationship with the shop (DESIGN.md §5)."""

    NEW = "new"
    ACTIVE = "active"
    LAPSING = "lapsing"
    LAPSED = "lapsed"


class ValueTier(StrEnum):
    """Historical net revenue rank: high (top 20% by default), mid (next 30%), low."""

    HIGH = "high"
    MID = "mid"
    LOW = "low"


class Channel(StrEnum):
    """Where a campaign is sent."""

    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"


class Goal(StrEnum):
    """What a campaign is for."""

    WINBACK = "winback"
    WELCOME = "welcome"
    UPSELL = "upsell"
    CROSS_SELL = "cross_sell"
    LOYALTY = "loyalty"


class Tone(StrEnum):
    """The voices the copywriters write in (other words such as "friendly" map onto these)."""

    WARM = "warm"
    PLAYFUL = "playful"
    PREMIUM = "premium"


TONE_ALIASES: dict[str, Tone] = {
    "friendly": Tone.WARM, "caring": Tone.WARM, "casual": Tone.PLAYFUL, "fun": Tone.PLAYFUL,
    "cheeky": Tone.PLAYFUL, "witty": Tone.PLAYFUL, "upbeat": Tone.PLAYFUL, "luxury": Tone.PREMIUM,
    "elegant": Tone.PREMIUM, "refined": Tone.PREMIUM, "professional": Tone.PREMIUM, "formal": Tone.PREMIUM,
    "understated": Tone.PREMIUM,
}


def tone_of(word: str | None) -> Tone | None:
    """The tone a word names ("friendly" -> warm), or None when it names none."""
    if word is None:
        return None
    wanted = str(word).strip().lower()
    return Tone(wanted) if wanted in Tone._value2member_map_ else TONE_ALIASES.get(wanted)


class Length(StrEnum):
    """How long a draft is: short drafts keep one sentence of body, long ones add a paragraph."""

    SHORT = "short"
    STANDARD = "standard"
    LONG = "long"

    def shorter(self) -> Length:
        """One step shorter (short stays short)."""
        order = list(Length)
        return order[max(0, order.index(self) - 1)]

    def longer(self) -> Length:
        """One step longer (long stays long)."""
        order = list(Length)
        return order[min(len(order) - 1, order.index(self) + 1)]


class Period(StrEnum):
    """Named KPI periods; any number of days works too."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def days(self) -> int:
        return {"week": 7, "month": 30, "quarter": 91, "year": 365}[self.value]


def choices(enum: type[StrEnum]) -> str:
    """The values of ``enum`` as prose: "email, sms or push"."""
    values = [member.value for member in enum]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]
