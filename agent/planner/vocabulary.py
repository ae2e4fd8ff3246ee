"""What the planner knows about this shop: countries, categories, segments, and customer ids.

Loaded once per session from the workspace, so slot filling can match "germany" to the data's
"Germany" and "the runners" to the segment whose name or terms mention running. Customer ids are not
loaded: a candidate token from the question is looked up in the store when the planner asks. Matching a
segment by meaning (``segment_meaning``) loads the shop's encoder only when a question needs it, and embeds each
segment's description once per session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.runtime.shop import Shop

# Cosine similarity a phrase needs to a segment's description, and its lead over the runner-up. Calibrated on the
# sample shop with all-MiniLM-L6-v2: "price-sensitive" -> Price & discount 0.42 (next 0.03), "campers" -> Outdoor
# 0.38, "thrifty" 0.22 (next 0.09); "fashion" 0.25 vs 0.20 and "foodies" 0.34 vs 0.34 stay unmatched.
CLEAR_SIMILARITY, CLEAR_MARGIN = 0.30, 0.05
WEAK_SIMILARITY, WEAK_MARGIN = 0.20, 0.10
MeaningMatch = tuple[int, float]


@dataclass(frozen=True)
class SegmentRef:
    """A segment as the planner sees it: id, slug, name and the words that describe it."""

    id: int
    slug: str
    name: str
    words: tuple[str, ...]
    categories: tuple[str, ...] = ()

    def description(self) -> str:
        """What the segment is about, as one short text to embed: 'Pets · dog: dog, cat, pets, food'."""
        return f"{self.name}: {', '.join(self.words[:10])}"


@dataclass
class ShopVocabulary:
    """Values present in the shop's data that questions may refer to."""

    countries: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    segments: list[SegmentRef] = field(default_factory=list)
    customer_lookup: Callable[[str], str | None] = lambda _candidate: None
    products: list[str] = field(default_factory=list)
    segment_meaning: Callable[[str], MeaningMatch | None] = lambda _phrase: None


def load_vocabulary(shop: Shop) -> ShopVocabulary:
    """Read countries, categories and segments from the workspace, plus a customer-id lookup into it."""
    if not shop.exists():
        return ShopVocabulary()
    with shop.reading() as con:
        countries = _distinct(con, "SELECT DISTINCT country FROM orders WHERE country IS NOT NULL "
                                   "UNION SELECT DISTINCT country FROM customers WHERE country IS NOT NULL")
        categories = _distinct(con, "SELECT DISTINCT category FROM orders WHERE category IS NOT NULL")
        products = _distinct(con, f"SELECT DISTINCT product_name FROM orders WHERE product_name IS NOT NULL "
                                  f"LIMIT {MAX_PRODUCTS}")
    segments = _segments(shop)
    return ShopVocabulary(countries, categories, segments, lambda candidate: _lookup(shop, candidate), products,
                          MeaningMatcher(lambda: _shop_encoder(shop), segments) if segments else lambda _p: None)


MAX_PRODUCTS = 50_000  # product names a question may quote ("people who bought the Travel System Pram")


def _distinct(con: object, sql: str) -> list[str]:
    return sorted(str(row[0]) for row in con.execute(sql).fetchall())  # type: ignore[attr-defined]


def _lookup(shop: Shop, candidate: str) -> str | None:
    """The customer id ``candidate`` names (as written, upper-cased, or without a trailing .0), if any."""
    variants = list(dict.fromkeys((candidate, candidate.upper(), candidate.removesuffix(".0"))))
    with shop.reading() as con:
        found = {row[0] for row in con.execute(
            "SELECT DISTINCT customer_id FROM orders WHERE customer_id IN (SELECT unnest(?))", [variants]).fetchall()}
    return next((variant for variant in variants if variant in found), None)


def _segments(shop: Shop) -> list[SegmentRef]:
    """Current segments with their describing words (name, slug, terms, then top categories)."""
    from tools.segments.runs import has_segment_runs, latest_profiles

    with shop.reading() as con:
        if not has_segment_runs(con):
            return []
        profiles = latest_profiles(con)
    refs = []
    for profile in profiles:
        categories = tuple(str(c["name"]) for c in profile.get("top_categories", []) if c.get("name"))
        refs.append(SegmentRef(int(profile["id"]), str(profile["slug"]), str(profile["name"]),
                               (*map(str, profile.get("terms", [])), *categories), categories))
    return refs


def _shop_encoder(shop: Shop) -> Any:
    from tools.segments.settings import load_settings

    return shop.encoder(load_settings(shop.settings))


class MeaningMatcher:
    """The segment a phrase means, by cosine similarity of embeddings ("the thrifty crowd" -> Price & discount).

    The encoder is built on first use and segment descriptions are embedded once; a phrase matches only when one
    segment is clearly closest (see CLEAR_/WEAK_ thresholds), else None — never a guess.
    """

    def __init__(self, encoder: Callable[[], Any], segments: Sequence[SegmentRef]) -> None:
        self._encoder_factory = encoder
        self._segments = list(segments)
        self._vectors: Any = None
        self._cache: dict[str, MeaningMatch | None] = {}

    def __call__(self, phrase: str) -> MeaningMatch | None:
        key = phrase.strip().lower()
        if key not in self._cache:
            self._cache[key] = self._match(key)
        return self._cache[key]

    def _match(self, phrase: str) -> MeaningMatch | None:
        import numpy as np

        encoder = self._encoder_factory()
        if self._vectors is None:
            self._vectors = _unit(np.asarray(encoder.encode([s.description() for s in self._segments]), float))
        query = _unit(np.asarray(encoder.encode([phrase]), float))[0]
        similarity = self._vectors @ query
        order = np.argsort(-similarity, kind="stable")
        best = float(similarity[order[0]])
        margin = best - float(similarity[order[1]]) if len(order) > 1 else best
        clear = (best >= CLEAR_SIMILARITY and margin >= CLEAR_MARGIN) or (best >= WEAK_SIMILARITY and
                                                                          margin >= WEAK_MARGIN)
        return (self._segments[int(order[0])].id, round(best, 3)) if clear else None


def _unit(vectors: Any) -> Any:
    import numpy as np

    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
