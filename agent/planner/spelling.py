"""The words the planner knows, gathered from its own rules and the shop's vocabulary, for typo correction.

Harvesting the words from the rule modules' source means a word a rule looks for is always spelt right and
always a correction target: add a phrase to a rule and "lapsng"-style typos of it are fixed with no extra list
to keep. (Without source files, e.g. in a frozen build, the module-level patterns are used instead.)
"""

from __future__ import annotations

import contextlib
import inspect
from functools import lru_cache

from agent.planner import analysis, intents, lexicon, periods, quantities, slots
from agent.planner.lexicon import (
    CHANNEL_WORDS,
    COUNTRY_ALIASES,
    GOAL_WORDS,
    LIFECYCLE_WORDS,
    NUMBER_WORDS,
    REFUSAL_PATTERNS,
    TONE_WORDS,
    UNIT_DAYS,
    VALUE_WORDS,
)
from agent.planner.text import Speller, words_in
from agent.planner.vocabulary import ShopVocabulary

# Everyday words close enough to a planner word to be "corrected" into it ("doing" -> "going",
# "shoes" -> "shops"); they are known, so they stay as typed, but never become targets themselves.
COMMON_WORDS = (
    "doing", "going", "shoes", "share", "stated", "sells", "seller", "sellers", "spends", "lists", "listed", "texted",
    "emailed", "mailed", "order", "boots", "books", "bikes", "bakers", "gifts", "things", "thinking", "people",
    "please", "would", "could", "should", "their", "there", "where", "which", "while", "whole", "those", "these",
    "about", "above", "after", "again", "below", "between", "during", "first", "latest", "never", "other", "since",
    "still", "under", "until", "among", "every", "mostly", "really", "maybe", "right", "today", "tonight", "weekly",
    "monthly", "yearly", "daily", "cards", "card", "shirts", "dresses", "coffee", "kitchen", "garden", "outdoor",
    "running", "runners", "cooking", "cooks", "lovers", "loves", "loved", "loving", "likes", "liked", "wants",
    "wanted", "cared", "cares", "caring", "buyer", "spent", "spending", "spender", "higher", "lower", "largest",
    "biggest", "smallest", "oldest", "newest", "newer", "older", "longest", "shortest", "recently", "recent",
    "quickly", "quick", "write", "wrote", "written", "writes", "draft", "drafts", "drafted", "review", "reviews",
    "texts", "messages", "notes", "tickets", "survey", "surveys", "comments", "complaints", "feedback",
    "saying", "thrifty", "frugal", "canine", "astronaut", "astronauts", "fewest", "quarterly", "points",
    # contractions typed without the apostrophe
    "havent", "hasnt", "didnt", "dont", "doesnt", "wont", "cant", "isnt", "arent", "werent", "wasnt", "whats",
    "hows", "theyre", "theyve", "youre", "weve", "thats", "whos", "shouldnt", "wouldnt", "couldnt",
)


def _rule_sources() -> list[str]:
    sources = [
        intents.DRAFT, intents.DRAFT_OBJECT, intents.CHANNEL_FOR, intents.CHANNEL_VERB, intents.EXPORT,
        intents.RECOMMEND, intents.COMPARE, intents.RESEGMENT, intents.CHANGED, intents.KPI, intents.OVERVIEW,
        intents.PROFILE, intents.WHO, intents.PEOPLE, intents.ALL_CUSTOMERS,
        slots.PURCHASE_VERB, slots.NOT_NEW_CUSTOMERS, slots.PUSH_VERB, slots.OFFER_WORDS,
        quantities.NOT_BOUGHT, quantities.BUY_VERB, quantities.MORE, quantities.LESS, quantities.QUIET_WORDS,
        quantities.RESEGMENT_COUNT, *(pattern for pattern, _ in quantities.SORT_RULES),
        *NUMBER_WORDS, *UNIT_DAYS, "segment segments segmentation customer customers",
    ]
    for table in (LIFECYCLE_WORDS, VALUE_WORDS, CHANNEL_WORDS, GOAL_WORDS, TONE_WORDS):
        sources += [phrase for phrases in table.values() for phrase in phrases]
    for names, aliases in COUNTRY_ALIASES.items():
        sources += [*names, *aliases]
    for patterns in REFUSAL_PATTERNS.values():
        sources += list(patterns)
    return sources


@lru_cache(maxsize=1)
def _planner_words() -> frozenset[str]:
    words = words_in(*_rule_sources())
    for module in (intents, quantities, slots, lexicon, analysis, periods):
        with contextlib.suppress(OSError, TypeError):
            words |= words_in(inspect.getsource(module))
    return frozenset(words)


@lru_cache(maxsize=8)
def _speller(shop_words: tuple[str, ...]) -> Speller:
    return Speller(_planner_words() | words_in(*shop_words), also_known=COMMON_WORDS)


def speller_for(vocabulary: ShopVocabulary) -> Speller:
    """A speller that knows the planner's words and this shop's countries, categories and segment words."""
    shop_words = (*vocabulary.countries, *vocabulary.categories,
                  *(word for segment in vocabulary.segments for word in (segment.name, segment.slug, *segment.words)))
    return _speller(tuple(shop_words))
