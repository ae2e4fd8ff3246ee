"""Normalise a question: lower case, unify quotes and dashes, and fix typos against known words."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from agent.planner.lexicon import CHANNEL_WORDS, GOAL_WORDS, LIFECYCLE_WORDS, VALUE_WORDS

INTENT_WORDS = (
    "customers", "customer", "segment", "segments", "segmentation", "persona", "personas", "compare", "explain",
    "recommend", "recommendation", "recommendations", "products", "product", "promote", "export", "download",
    "draft", "write", "campaign", "message", "changed", "revenue", "orders", "spent", "bought", "purchased",
    "ordered", "months", "weeks", "days", "years", "germany", "france", "netherlands", "australia", "summary",
    "overview", "describe", "profile", "difference", "versus", "between", "which", "lapsed", "lapsing",
)
PROTECTED = {"they", "them", "those", "these", "than", "then", "what", "when", "last", "less", "more", "most",
             "only", "just", "over", "under", "with", "without", "from", "show", "list", "tell", "give", "send",
             "their", "there", "where", "have", "haven't", "about", "after", "before", "since", "each", "every",
             "email", "emails", "best", "text", "push"}


def normalise(question: str) -> str:
    """Lower-case, straight quotes, single spaces, typos fixed; keeps digits, %, £, $, € and hyphens."""
    text = question.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    text = re.sub(r"[^\w\s%£$€'.,\-/?&+]", " ", text)
    words = [_correct(word) for word in text.split()]
    return " ".join(words)


def _correct(word: str) -> str:
    core = word.strip(".,?!'\"")
    if len(core) < 5 or core in PROTECTED or not core.isalpha() or core in _keywords():
        return word
    match = difflib.get_close_matches(core, _keywords(), n=1, cutoff=0.8)
    return word.replace(core, match[0]) if match else word


@lru_cache(maxsize=1)
def _keywords() -> tuple[str, ...]:
    words: set[str] = set(INTENT_WORDS)
    for table in (LIFECYCLE_WORDS, VALUE_WORDS, CHANNEL_WORDS, GOAL_WORDS):
        for phrases in table.values():
            for phrase in phrases:
                words.update(part for part in re.split(r"[\s\-]+", phrase) if len(part) >= 4)
    return tuple(sorted(words))


def contains_phrase(text: str, phrase: str) -> bool:
    """Whole-word phrase match ("new" must not match "renew")."""
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None


def stem(word: str) -> str:
    """A crude stem so 'runners', 'running' and 'run' meet: enough for matching names, not linguistics."""
    word = word.lower()
    for suffix in ("ners", "ning", "ers", "ing", "ies", "es", "er", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) >= 4 and word[-1] == word[-2]:
        word = word[:-1]
    return word
