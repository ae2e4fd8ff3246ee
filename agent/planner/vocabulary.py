"""What the planner knows about this shop: countries, categories, segments, and customer ids.

Loaded once per session from the workspace, so slot filling can match "germany" to the data's
"Germany" and "the runners" to the segment whose name or terms mention running. Customer ids are not
loaded: a candidate token from the question is looked up in the store when the planner asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.runtime.shop import Shop


@dataclass(frozen=True)
class SegmentRef:
    """A segment as the planner sees it: id, slug, name and the words that describe it."""

    id: int
    slug: str
    name: str
    words: tuple[str, ...]


@dataclass
class ShopVocabulary:
    """Values present in the shop's data that questions may refer to."""

    countries: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    segments: list[SegmentRef] = field(default_factory=list)
    customer_lookup: Callable[[str], str | None] = lambda _candidate: None


def load_vocabulary(shop: Shop) -> ShopVocabulary:
    """Read countries, categories and segments from the workspace, plus a customer-id lookup into it."""
    if not shop.exists():
        return ShopVocabulary()
    with shop.reading() as con:
        countries = _distinct(con, "SELECT DISTINCT country FROM orders WHERE country IS NOT NULL "
                                   "UNION SELECT DISTINCT country FROM customers WHERE country IS NOT NULL")
        categories = _distinct(con, "SELECT DISTINCT category FROM orders WHERE category IS NOT NULL")
    return ShopVocabulary(countries, categories, _segments(shop), lambda candidate: _lookup(shop, candidate))


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
    """Current segments with their describing words (name, slug, terms, top categories)."""
    from tools.segments.reading import segment_vocabulary

    return [SegmentRef(int(s["id"]), str(s["slug"]), str(s["name"]), tuple(s.get("words", ())))
            for s in segment_vocabulary(shop)]
