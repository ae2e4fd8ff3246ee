"""Resolve references to segments: by number ("segment 2"), slug, or meaning ("the runners", "people who love yoga").

Meaning is matched on word stems against each segment's name, slug and describing words: instant, deterministic,
and good enough for the names segments get. Words that carry other meaning in a question (lifecycle, value,
channels, countries, numbers, shop-wide words like "delivery" or "orders") never count as a segment reference.
"""

from __future__ import annotations

import re
from functools import lru_cache

from agent.planner.lexicon import (
    CHANNEL_WORDS,
    COUNTRY_ALIASES,
    GOAL_WORDS,
    LIFECYCLE_WORDS,
    NUMBER_WORDS,
    TONE_WORDS,
    UNIT_DAYS,
    VALUE_WORDS,
)
from agent.planner.slots import Slots
from agent.planner.text import stem
from agent.planner.vocabulary import SegmentRef, ShopVocabulary

STOPWORDS = {
    "who", "what", "which", "are", "my", "our", "the", "a", "an", "of", "to", "for", "in", "on", "and", "or", "is",
    "do", "does", "me", "about", "tell", "show", "list", "customers", "customer", "people", "segment", "segments",
    "group", "groups", "we", "should", "recommend", "write", "draft", "email", "sms", "push", "compare", "with",
    "vs", "versus", "care", "like", "those", "them", "that", "this", "how", "many", "much", "can", "you", "it",
    "products", "product", "buy", "bought", "campaign", "message", "want", "love", "into", "from", "get", "give",
    "persona", "personas", "between", "difference", "describe", "profile", "more", "some", "all", "any", "i",
    "shop", "store", "send", "make", "new", "best", "top", "their", "they", "be", "at", "by", "have", "has",
    "order", "orders", "ordered", "delivery", "shipping", "free", "off", "discount", "price", "prices", "sale",
    "sales", "revenue", "spend", "spent", "item", "items", "stuff", "things", "thing", "ones", "folks", "lovers",
    "fans", "buyers", "shoppers", "clients", "users", "members", "audience", "export", "csv", "only", "just",
    "now", "same", "but", "also", "what's", "whats", "going", "doing", "there", "here", "these", "one", "lot",
    "really", "most", "least", "likes", "mostly", "type", "kind", "kinds", "types", "cluster",
    "clusters", "seg", "number", "version", "versions", "variants", "copy", "text", "texts", "say", "talk",
    "promote", "sell", "offer", "need", "please", "could", "would", "find", "pull", "each", "every",
}


@lru_cache(maxsize=1)
def _reserved_stems() -> frozenset[str]:
    words: set[str] = set(NUMBER_WORDS) | set(UNIT_DAYS)
    for table in (LIFECYCLE_WORDS, VALUE_WORDS, CHANNEL_WORDS, GOAL_WORDS, TONE_WORDS):
        words.update(w for phrases in table.values() for phrase in phrases for w in re.findall(r"[a-z]+", phrase))
    for aliases in COUNTRY_ALIASES.values():
        words.update(w for alias in aliases for w in re.findall(r"[a-z]+", alias))
    return frozenset(stem(word) for word in words | STOPWORDS)


@lru_cache(maxsize=1024)
def _segment_stems(segment: SegmentRef) -> frozenset[str]:
    return frozenset(stem(w) for phrase in (segment.name, segment.slug, *segment.words)
                     for w in re.findall(r"[a-z]+", phrase.lower()) if len(w) > 2)


def mentioned_segments(text: str, slots: Slots, vocabulary: ShopVocabulary) -> list[int]:
    """Segment ids referred to by number/slug (already in ``slots``) or by meaning, in mention order."""
    found = list(slots.segments)
    if not vocabulary.segments or slots.category:
        return found
    reserved = _reserved_stems()
    known = {stem(c) for country in vocabulary.countries for c in re.findall(r"[a-z]+", country.lower())}
    stems = [stem(w) for w in re.findall(r"[a-z]+", text) if len(w) > 2 and w not in STOPWORDS]
    stems = [s for s in stems if s not in reserved and s not in known]
    if not stems:
        return found
    segment_stems = [(segment.id, _segment_stems(segment)) for segment in vocabulary.segments]
    for word in stems:
        owners = [segment_id for segment_id, owned in segment_stems if word in owned]
        if len(owners) == 1 and owners[0] not in found:
            found.append(owners[0])
    return found
