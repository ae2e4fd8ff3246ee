"""Resolve references to segments: by number ("segment 2"), slug, name or meaning ("the Pets segment", "the runners",
"the price-sensitive segment", "the thrifty crowd").

Words first, deterministically: each word stem of the question is scored against every segment's name (the
first part of a name weighs most), its terms and its top categories, and a word counts for the segment it fits
clearly best ("pets" is segment 3's name even if segment 7 also buys some pet food). Words that carry other
meaning in a question (lifecycle, value, channels, countries, numbers, shop-wide words like "delivery" or
"price") never count on their own — but inside an explicit reference ("the price-sensitive segment") every word
does. An explicit reference that no word explains is matched by meaning: embedding similarity to the segments'
names and terms through the shop's encoder (``ShopVocabulary.segment_meaning``); if that is not clear either,
the planner says no segment matches, and lists them.
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
    "different", "differ", "crowd", "tribe", "complain", "complaining", "complaints", "reviews", "feedback",
    "themes", "share", "country", "countries", "category", "categories", "average", "value", "highest", "lowest",
}
SEGMENT_NOUNS = r"(?:segment|segments|group|persona|cluster|crowd|tribe|bunch|lot|people|folks|fans|lovers|types)"
# "the price-sensitive segment", "the Pets group", "the thrifty crowd"; "segment about dogs", "the segment of runners"
EXPLICIT = (
    re.compile(r"\b(?:the|that|this|our|my|a)\s+((?:[\w'&-]+\s+){0,2}?[\w'&-]+)\s+" + SEGMENT_NOUNS + r"\b"),
    re.compile(r"\b(?:segment|group|persona|cluster)\s+(?:about|of|for|with|that loves?|who love|called|named)\s+"
               r"(?:the\s+)?((?:[\w'&-]+\s+){0,2}?[\w'&-]+)(?=\s*(?:$|[?,.!]|\s(?:and|vs|versus|with|from|to|than|"
               r"compared|segment)\b))"),
)
NAME_WEIGHT, SECOND_NAME_WEIGHT, TERM_WEIGHT, LATE_TERM_WEIGHT, CATEGORY_WEIGHT = 3.0, 2.0, 2.0, 1.0, 1.0
EARLY_TERMS = 3


@lru_cache(maxsize=1)
def _reserved_stems() -> frozenset[str]:
    words: set[str] = set(NUMBER_WORDS) | set(UNIT_DAYS)
    for table in (LIFECYCLE_WORDS, VALUE_WORDS, CHANNEL_WORDS, GOAL_WORDS, TONE_WORDS):
        words.update(w for phrases in table.values() for phrase in phrases for w in re.findall(r"[a-z]+", phrase))
    for aliases in COUNTRY_ALIASES.values():
        words.update(w for alias in aliases for w in re.findall(r"[a-z]+", alias))
    return frozenset(stem(word) for word in words | STOPWORDS)


def _content_stems(phrase: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[a-z]+", phrase.lower()) if len(w) > 2 and w not in {"and", "the"}]


@lru_cache(maxsize=1024)
def _weighted_parts(segment: SegmentRef) -> tuple[tuple[float, frozenset[str]], ...]:
    """(weight, stems) per describing phrase: name parts, terms (early ones weigh more), categories."""
    parts: list[tuple[float, frozenset[str]]] = []
    for index, part in enumerate([segment.name.split("·")[0], *segment.name.split("·")[1:], segment.slug]):
        weight = NAME_WEIGHT if index == 0 else SECOND_NAME_WEIGHT
        parts.append((weight, frozenset(_content_stems(part))))
    for index, word in enumerate(segment.words):
        category = word in segment.categories
        weight = CATEGORY_WEIGHT if category else (TERM_WEIGHT if index < EARLY_TERMS else LATE_TERM_WEIGHT)
        parts.append((weight, frozenset(_content_stems(word))))
    return tuple((weight, stems) for weight, stems in parts if stems)


def _scores(stems: set[str], vocabulary: ShopVocabulary) -> dict[int, float]:
    """How well each segment's describing phrases cover ``stems`` (a phrase counts for the share it covers)."""
    scores: dict[int, float] = {}
    for segment in vocabulary.segments:
        score = sum(weight * len(part & stems) / len(part) for weight, part in _weighted_parts(segment))
        if score > 0:
            scores[segment.id] = score
    return scores


def _clear_winner(scores: dict[int, float]) -> int | None:
    """The segment that scores best by a margin (ties mean the words do not tell segments apart)."""
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[0][1] <= ranked[1][1] * 1.2):
        return None
    return ranked[0][0]


def explicit_references(text: str) -> list[tuple[int, str]]:
    """(position, phrase) of every explicit segment reference, in question order."""
    found = []
    for pattern in EXPLICIT:
        for match in pattern.finditer(text):
            phrase = match.group(1).strip()
            if re.fullmatch(r"[\d\s#]+|(?:first|second|third|fourth|fifth|same|other|next|last|new|each|every|"
                            r"which|what|whole|entire|biggest|largest|smallest|best|top|right|wrong|young|older|"
                            r"many|few|most|more|these|those|such|all)", phrase):
                continue
            found.append((match.start(1), phrase))
    return sorted(found)


def mentioned_segments(text: str, slots: Slots, vocabulary: ShopVocabulary) -> list[int]:
    """Segment ids referred to by number/slug (already in ``slots``), explicit name or meaning, or loose words,
    in mention order. An explicit reference nothing explains is left in ``slots.unknown_segment``."""
    found = list(slots.segments)
    if not vocabulary.segments:
        return found
    mentions: list[tuple[int, int]] = []
    covered: set[str] = set()
    for position, phrase in explicit_references(text):
        stems = set(_content_stems(phrase))
        segment = _clear_winner(_scores(stems, vocabulary)) if stems else None
        if segment is None:
            match = vocabulary.segment_meaning(phrase)
            if match is not None:
                segment = match[0]
                slots.segment_notes.append(f"“{phrase}” was matched to segment {segment} by meaning (similarity "
                                           f"{match[1]:.2f}).")
        if segment is None:
            if not (stems <= _reserved_stems() or slots.category):
                slots.unknown_segment = slots.unknown_segment or phrase
            continue
        mentions.append((position, segment))
        covered |= stems
    if not slots.category:
        mentions += _loose_words(text, vocabulary, covered)
    for _, segment in sorted(mentions):
        if segment not in found:
            found.append(segment)
    return found


def _loose_words(text: str, vocabulary: ShopVocabulary, covered: set[str]) -> list[tuple[int, int]]:
    """Segments named by a single word anywhere ("the runners", "yoga people"); reserved words never count."""
    reserved = _reserved_stems()
    known = {stem(c) for country in vocabulary.countries for c in re.findall(r"[a-z]+", country.lower())}
    mentions = []
    for match in re.finditer(r"[a-z]+", text):
        word = match.group(0)
        if len(word) <= 2 or word in STOPWORDS:
            continue
        word_stem = stem(word)
        if word_stem in reserved or word_stem in known or word_stem in covered:
            continue
        segment = _clear_winner(_scores({word_stem}, vocabulary))
        if segment is not None:
            mentions.append((match.start(), segment))
    return mentions
