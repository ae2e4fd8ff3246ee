"""What a campaign draft is, for every channel and writer, so validators and renderers see one shape."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Channel = Literal["email", "sms", "push"]
Goal = Literal["winback", "welcome", "upsell", "cross_sell", "loyalty"]
CHANNELS: tuple[str, ...] = ("email", "sms", "push")
GOALS: tuple[str, ...] = ("winback", "welcome", "upsell", "cross_sell", "loyalty")


@dataclass(frozen=True)
class Draft:
    """One variant of campaign copy.

    Email uses ``subject``, ``preheader``, ``body`` (plain text) and ``html``; SMS puts the whole message,
    opt-out line included, in ``body``; push uses ``title`` and ``body``. ``facts_used`` lists the evidence
    the copy rests on, ``writer`` says who wrote it ("template" or "llm") and ``angle`` names its approach.
    """

    channel: Channel
    body: str
    subject: str = ""
    preheader: str = ""
    html: str = ""
    title: str = ""
    writer: str = "template"
    angle: str = ""
    facts_used: list[str] = field(default_factory=list)

    def text_fields(self) -> dict[str, str]:
        """The fields a reader sees on this channel, by name (HTML is derived from ``body``, so left out)."""
        if self.channel == "email":
            return {"subject": self.subject, "preheader": self.preheader, "body": self.body}
        if self.channel == "push":
            return {"title": self.title, "body": self.body}
        return {"body": self.body}

    def all_text(self) -> str:
        """Every visible field joined, for whole-draft checks."""
        return "\n".join(self.text_fields().values())

    def with_facts(self, facts: list[str]) -> Draft:
        """A copy listing ``facts`` as used."""
        return replace(self, facts_used=list(facts))
