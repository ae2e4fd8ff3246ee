"""Resolve references to segments: by number ("segment 2"), slug, or meaning ("the runners")."""

from __future__ import annotations

import re

from agent.planner.lexicon import CHANNEL_WORDS, GOAL_WORDS, LIFECYCLE_WORDS, VALUE_WORDS
from agent.planner.slots import Slots
from agent.planner.text import stem
from agent.planner.vocabulary import ShopVocabulary

STOPWORDS = {
    "who", "what", "which", "are", "my", "our", "the", "a", "an", "of", "to", "for", "in", "on", "and", "or", "is",
    "do", "does", "me", "about", "tell", "show", "list", "customers", "customer", "people", "segment", "segments",
    "group", "groups", "we", "should", "recommend", "write", "draft", "email", "sms", "push", "compare", "with",
    "vs", "versus", "care", "like", "those", "them", "that", "this", "how", "many", "much", "can", "you", "it",
    "products", "product", "buy", "bought", "campaign", "message", "want", "love", "into", "from", "get", "give",
    "persona", "personas", "between", "difference", "describe", "profile", "more", "some", "all", "any", "i",
    "shop", "store", "send", "make", "new", "best", "top", "their", "they", "be", "at", "by", "have", "has",
}


def _lexicon_stems() -> set[str]:
    words = set()
    for table in (LIFECYCLE_WORDS, VALUE_WORDS, CHANNEL_WORDS, GOAL_WORDS):
        for phrases in table.values():
            words.update(stem(w) for phrase in phrases for w in re.findall(r"[a-z]+", phrase))
    return words


def mentioned_segments(text: str, slots: Slots, vocabulary: ShopVocabulary) -> list[int]:
    """Segment ids referred to by number/slug (already in ``slots``) or by meaning, in mention order."""
    found = list(slots.segments)
    if not vocabulary.segments or slots.category:
        return found
    lexicon = _lexicon_stems()
    words = [w for w in re.findall(r"[a-z]+", text) if w not in STOPWORDS and len(w) > 2]
    stems = [stem(w) for w in words if stem(w) not in lexicon]
    if not stems:
        return found
    for position_stem in stems:
        scores = []
        for segment in vocabulary.segments:
            segment_stems = {stem(w) for phrase in (segment.name, segment.slug, *segment.words)
                             for w in re.findall(r"[a-z]+", phrase.lower())}
            if position_stem in segment_stems:
                scores.append(segment.id)
        if len(scores) == 1 and scores[0] not in found:
            found.append(scores[0])
    return found
