"""What one angle of campaign copy is: the lines for every field, richest first (see ``copy_templates``)."""

from __future__ import annotations

from dataclasses import dataclass

Lines = list[str] | dict[str, list[str]]


@dataclass(frozen=True)
class Angle:
    """One way into a message; ``key`` names it in drafts (e.g. "social proof")."""

    key: str
    subject: Lines
    preheader: Lines
    opening: Lines
    evidence: Lines
    cta: Lines
    sms: Lines
    push_title: Lines
    push_body: Lines


def voiced(warm: str, playful: str, premium: str, plain: str) -> dict[str, list[str]]:
    """An opening in three voices, each with a slot-free fallback."""
    return {"warm": [warm, plain], "playful": [playful, plain], "premium": [premium, plain]}


