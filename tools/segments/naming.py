"""Short, human names for segments, derived from their evidence.

The namer is a small protocol (evidence in, name out) so the agent layer can plug in a language-model
namer later; the default :class:`RuleBasedNamer` builds names such as "Running · marathon training" from
the segment's most over-bought category and its most distinctive term, deterministically.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

# A category names a segment only if most of it buys there and clearly more than others do; a segment that
# buys a bit of everything (deal hunters) is named by what it says instead.
MIN_CATEGORY_LIFT = 1.5
MIN_CATEGORY_BUYERS = 0.6
MAX_NAME_LENGTH = 48
MAX_SLUG_LENGTH = 40


class Item(NamedTuple):
    """A category or product with its lift and the share of the segment that bought it."""

    name: str
    lift: float
    buyer_share: float


@dataclass(frozen=True)
class SegmentEvidence:
    """What a namer may use: distinctive terms, over-bought categories/products, quotes, size."""

    terms: list[str]
    categories: list[Item] = field(default_factory=list)
    products: list[Item] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    size: int = 0
    share: float = 0.0


class SegmentNamer(Protocol):
    """Turns a segment's evidence into a short name a marketer would use (a few words, no quotes)."""

    def name(self, evidence: SegmentEvidence) -> str:
        """The segment's name."""
        ...


class RuleBasedNamer:
    """'<category> · <term>' from the segment's defining category and its best term not already in it.

    The defining category is one most of the segment buys (share ≥ 60%, lift ≥ 1.5), preferring one whose
    name shares a word with the top terms ("Fitness & Yoga" for a segment that talks about yoga). Without
    one (a segment that buys a bit of everything, like deal hunters) the two best terms name it; without
    terms, the top product does.
    """

    def name(self, evidence: SegmentEvidence) -> str:
        """Deterministic name from the evidence, at most MAX_NAME_LENGTH characters."""
        category = _defining_category(evidence)
        terms = content_terms(evidence)
        if category:
            extra = _first_new(terms, category)
            return _fit(f"{category} · {extra}" if extra else category)
        if terms:
            lead = _phrase_for(terms[0], terms[:4])
            second = next((t for t in terms if _stems(t) - _stems(lead) and t != lead), None)
            return _fit(_capitalise(f"{lead} & {second}" if second else lead))
        if evidence.products:
            return _fit(evidence.products[0].name)
        return "Everyone else"


def content_terms(evidence: SegmentEvidence) -> list[str]:
    """The terms without any stop word of the languages the segment writes in ("aber die" and "die
    espressokanne" never name a German segment), judged from its quotes and terms."""
    from tools.segments.stopwords import stop_words_for

    stop = stop_words_for([*evidence.quotes, " ".join(evidence.terms)])
    return [t for t in evidence.terms if t.strip() and not any(w in stop for w in t.lower().split())]


def _defining_category(evidence: SegmentEvidence) -> str | None:
    qualifying = [c for c in evidence.categories
                  if c.lift >= MIN_CATEGORY_LIFT and c.buyer_share >= MIN_CATEGORY_BUYERS]
    for term in evidence.terms[:3]:  # the category named by the most distinctive term wins
        term_stems = {stem(w) for w in term.split()}
        for category in qualifying:
            if {stem(w) for w in re.findall(r"[^\W\d_]+", category.name)} & term_stems:
                return category.name
    return qualifying[0].name if qualifying else None


def _phrase_for(word: str, terms: list[str]) -> str:
    """The first phrase among ``terms`` containing ``word`` ("jumbo bag" for "bag"), else the word."""
    return next((t for t in terms if " " in t and _stems(word) <= _stems(t)), word)


def _stems(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[^\W\d_]+", text.lower())}


def _first_new(terms: list[str], taken: str) -> str | None:
    """The first term sharing no word stem with ``taken``."""
    used = {stem(w) for w in re.findall(r"[^\W\d_]+", taken.lower())}
    for term in terms:
        if not {stem(w) for w in term.split()} & used:
            return term
    return None


def stem(word: str) -> str:
    """Crude stem, enough to see 'running', 'runs' and 'runners' as one idea in a name or term list."""
    word = word.lower()
    for suffix in ("ning", "ners", "ing", "ers", "er", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fit(name: str) -> str:
    return name if len(name) <= MAX_NAME_LENGTH else name[: MAX_NAME_LENGTH - 1].rstrip(" &·,") + "…"


def slugify(name: str) -> str:
    """URL- and CLI-safe slug: 'Running · marathon training' -> 'running-marathon-training'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:MAX_SLUG_LENGTH].rstrip("-") or "segment"


def unique_names(names: list[str], taken: set[str]) -> list[str]:
    """Make names unique (case-insensitively) against each other and ``taken``: a repeat gets ' (2)'."""
    seen = {t.lower() for t in taken}
    result = []
    for name in names:
        candidate, number = name, 2
        while candidate.lower() in seen:
            candidate, number = f"{name} ({number})", number + 1
        seen.add(candidate.lower())
        result.append(candidate)
    return result


def unique_slugs(slugs: list[str], taken: set[str]) -> list[str]:
    """Make slugs unique against each other and ``taken``: a repeat gets '-2'."""
    seen = set(taken)
    result = []
    for slug in slugs:
        candidate, number = slug, 2
        while candidate in seen or candidate.isdigit():
            candidate, number = f"{slug}-{number}", number + 1
        seen.add(candidate)
        result.append(candidate)
    return result
