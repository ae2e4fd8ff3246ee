"""Reject model-written summaries that state numbers no tool produced.

Every number in an LLM's answer must match a number in the tool facts (allowing the roundings and
percent forms a writer naturally uses), the question itself, or one of a few numbers any sentence may use
("one", "100%", "12-month"). Markdown list numbering is not a claim. The free set used to be 0–12, which let
"Tool call limit reached: run limit exceeded (7/6 calls)" through as a grounded answer; now only 0–3 are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?")
LIST_MARKER = re.compile(r"^\s*\d{1,2}[.)]\s", re.MULTILINE)
SMALL_COUNTS = {0, 1, 2, 3, 12, 100}


def numbers_in(text: str) -> list[float]:
    """Numbers written in ``text`` (thousands separators allowed); years and ids are numbers too."""
    found = []
    for match in NUMBER.findall(text):
        try:
            found.append(float(match.replace(",", "")))
        except ValueError:
            continue
    return found


def allowed_numbers(facts: Iterable[dict[str, Any]], extra_texts: Iterable[str] = ()) -> set[float]:
    """Every number a grounded answer may state, in the forms a writer would state it."""
    allowed: set[float] = set(map(float, SMALL_COUNTS))
    values: list[float] = []
    for fact in facts:
        values += numbers_in(json.dumps(fact, default=str))
    for text in extra_texts:
        values += numbers_in(text)
    for value in values:
        for digits in (0, 1, 2):
            allowed.add(round(value, digits))
            if abs(value) <= 1:
                allowed.add(round(value * 100, digits))
        allowed.add(float(int(value)))
    return allowed


def ungrounded_numbers(answer_text: str, facts: Iterable[dict[str, Any]], extra_texts: Iterable[str] = ()) -> list[
        float]:
    """Numbers in ``answer_text`` that no fact supports (empty list = grounded)."""
    allowed = allowed_numbers(list(facts), list(extra_texts))
    return [number for number in numbers_in(LIST_MARKER.sub(" ", answer_text))
            if not any(abs(number - candidate) <= 1e-9 for candidate in _near(number, allowed))]


def _near(number: float, allowed: set[float]) -> list[float]:
    return [candidate for candidate in (number, round(number, 0), round(number, 1), round(number, 2))
            if candidate in allowed]
