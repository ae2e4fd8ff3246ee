"""The facts a campaign draft may use, built for one segment or audience (DESIGN.md §10, §11).

Evidence is aggregates only — who the group is, how big, what it buys more than everyone else (by lift,
with real product and category names), its lifecycle and value mix, a few redacted quotes — plus the brand.
It is the only thing a text-writing model ever sees, and the yardstick the validator holds drafts to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tools.campaigns.brand import BrandSettings
from tools.campaigns.recommendations import bought_together, is_merchandise, staple_products
from tools.campaigns.target_group import TargetGroup
from tools.privacy.redaction import known_pii, redact
from tools.segments.lift import top_by_lift

if TYPE_CHECKING:
    import duckdb

MAX_QUOTES = 3
MIN_LIFT = 1.1  # copy says "customers like you love X" only when the group really buys X more than average
QUOTE_LENGTH = (25, 220)
CURRENCY_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥", "AUD": "A$", "CAD": "C$"}
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


@dataclass(frozen=True)
class ItemFact:
    """A category or product the group over-indexes on, with the numbers that justify mentioning it."""

    name: str
    display: str
    group_share: float
    base_share: float
    lift: float
    price: float | None = None
    category: str | None = None


@dataclass
class CopyEvidence:
    """Everything a draft may rest on. No customer rows, ids or contact details."""

    label: str
    kind: str
    size: int
    share: float
    brand: BrandSettings
    categories: list[ItemFact] = field(default_factory=list)
    products: list[ItemFact] = field(default_factory=list)
    lifecycle_mix: dict[str, float] = field(default_factory=dict)
    value_mix: dict[str, float] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)
    pairings: list[tuple[str, str]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    country: str | None = None
    currency_symbol: str = ""

    def names(self) -> list[str]:
        """Every proper name a draft may use: products, categories (raw and display), group and country."""
        items = self.categories + self.products
        country = [self.country] if self.country else []
        paired = [name for pair in self.pairings for name in pair]
        return [*(i.name for i in items), *(i.display for i in items), self.label, *country, *self.terms, *paired]

    def prices(self) -> set[float]:
        """Prices a draft may state: the typical prices of the evidence's products."""
        return {round(i.price, 2) for i in self.products if i.price is not None}

    def facts(self) -> list[str]:
        """The evidence as short sentences, for the user (what a draft could draw on)."""
        facts = [fact for fact, _ in self._named_facts()]
        if self.lifecycle_mix:
            facts.append("lifecycle: " + ", ".join(f"{k} {v:.0%}" for k, v in self.lifecycle_mix.items()))
        if self.value_mix:
            facts.append("value tier: " + ", ".join(f"{k} {v:.0%}" for k, v in self.value_mix.items()))
        return facts

    def facts_in(self, text: str) -> list[str]:
        """The facts a draft's ``text`` actually uses: the audience, plus each item it names."""
        remaining = f" {_plain(text)} "
        named = self._named_facts()
        used: set[str] = set()
        # longest names first, each removed once matched, so "Cork Yoga Block" does not also count as "Yoga"
        for fact, name in sorted(((f, n) for f, names in named[1:] for n in names), key=lambda fn: -len(fn[1])):
            if f" {_plain(name)} " in remaining:
                used.add(fact)
                remaining = remaining.replace(f" {_plain(name)} ", " | ")
        return [named[0][0]] + [fact for fact, _ in named[1:] if fact in used]

    def _named_facts(self) -> list[tuple[str, list[str]]]:
        facts = [(f"audience: {self.label} ({self.size:,} customers, {self.share:.0%} of the base)", [])]
        facts += [(f"category: {c.display} (bought by {c.group_share:.0%} of them, {c.lift:.1f}× the shop rate)",
                   [c.name, c.display]) for c in self.categories]
        facts += [(f"product: {p.display} (bought by {p.group_share:.0%} of them, {p.lift:.1f}× the shop rate"
                   + (f", typical price {self.currency_symbol}{p.price:.2f})" if p.price is not None else ")"),
                   [p.name, p.display]) for p in self.products]
        facts += [(f"often bought together: {a} + {b}", [b]) for a, b in self.pairings]
        return facts

    def prompt_data(self) -> dict[str, Any]:
        """Aggregates for a model prompt (quotes are passed separately, marked as untrusted)."""
        return {
            "audience": self.label, "customers": self.size, "share_of_customers": round(self.share, 3),
            "top_categories": [{"name": c.display, "share_of_group": round(c.group_share, 2),
                                "lift": round(c.lift, 1)} for c in self.categories],
            "top_products": [{"name": p.display, "share_of_group": round(p.group_share, 2), "lift": round(p.lift, 1),
                              **({"typical_price": f"{self.currency_symbol}{p.price:.2f}"} if p.price else {})}
                             for p in self.products],
            "lifecycle_mix": {k: round(v, 2) for k, v in self.lifecycle_mix.items()},
            "value_mix": {k: round(v, 2) for k, v in self.value_mix.items()},
            "often_bought_together": [list(pair) for pair in self.pairings],
            "distinctive_terms": self.terms, **({"country": self.country} if self.country else {}),
        }


def build_evidence(con: duckdb.DuckDBPyConnection, group: TargetGroup, brand: BrandSettings,
                   with_pairings: bool = False, categories: int = 3, products: int = 6) -> CopyEvidence:
    """Evidence for ``group``: lift-ranked categories and products, mixes, prices and redacted quotes;
    ``with_pairings`` adds items often bought with the group's staples (for cross-sell copy)."""
    table = group.table
    top_categories = [_item(row) for row in top_by_lift(con, table, "category", categories) if row.lift >= MIN_LIFT]
    top_products = [_item(row) for row in top_by_lift(con, table, "product_name", products + 10)
                    if is_merchandise(row.name) and row.lift >= MIN_LIFT][:products]
    top_products = _with_prices_and_categories(con, top_products)
    evidence = CopyEvidence(
        label=group.label, kind=group.kind, size=group.size, share=group.share, brand=brand,
        categories=top_categories, products=top_products,
        lifecycle_mix=_mix(con, table, "lifecycle"), value_mix=_mix(con, table, "value_tier"),
        quotes=_quotes(con, table, top_categories + top_products), country=group.filters.country,
        currency_symbol=_currency_symbol(con))
    if with_pairings:
        pairs = bought_together(con, staple_products(con, table), limit=3)
        evidence.pairings = [(display_name(p.anchor), display_name(p.item)) for p in pairs]
    return evidence


def display_name(name: str) -> str:
    """A catalogue name as copy writes it: "WHITE HANGING HEART T-LIGHT HOLDER" -> "White Hanging Heart
    T-Light Holder"; names already in mixed case are kept."""
    if name != name.upper():
        return name.strip()
    words = name.strip().lower().split()
    return " ".join(w if (i and w in _SMALL_WORDS) else re.sub(r"(^|[-/(])(\w)", lambda m: m.group(1)
                     + m.group(2).upper(), w) for i, w in enumerate(words))


def _item(row: Any) -> ItemFact:
    return ItemFact(row.name, display_name(row.name), row.group_rate, row.base_rate, row.lift)


def _with_prices_and_categories(con: duckdb.DuckDBPyConnection, items: list[ItemFact]) -> list[ItemFact]:
    """Each product's typical (median) price and its usual category, so copy can pair them correctly."""
    if not items:
        return items
    found = {name: (price, category) for name, price, category in con.execute(
        f"SELECT product_name, median(unit_price) FILTER (WHERE unit_price > 0), mode(category) FROM orders "
        f"WHERE NOT is_return AND product_name IN ({', '.join('?' * len(items))}) GROUP BY 1",
        [i.name for i in items]).fetchall()}
    return [replace(i, price=round(float(found[i.name][0]), 2) if found.get(i.name, (None,))[0] is not None
                    else None, category=found.get(i.name, (None, None))[1]) for i in items]


def _mix(con: duckdb.DuckDBPyConnection, table: str, column: str) -> dict[str, float]:
    rows = con.execute(
        f"SELECT {column}, count(*) FROM customer_features JOIN {table} USING (customer_id) "
        f"WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    total = sum(count for _, count in rows)
    return {str(key): count / total for key, count in rows} if total else {}


def _quotes(con: duckdb.DuckDBPyConnection, table: str, items: list[ItemFact]) -> list[str]:
    """A few of the group's own words, preferring ones about what it buys; redacted before use."""
    keywords = sorted({w for i in items for w in _plain(i.display).split() if len(w) > 3})[:20]
    relevance = " + ".join(["(contains(lower(t.text), ?))::INT"] * len(keywords))
    rows = con.execute(
        f"""SELECT t.customer_id, t.text FROM texts t JOIN {table} USING (customer_id)
            WHERE length(t.text) BETWEEN {QUOTE_LENGTH[0]} AND {QUOTE_LENGTH[1]}
            ORDER BY {relevance + " DESC, " if keywords else ""}md5(t.text) LIMIT {MAX_QUOTES * 4}""",
        keywords).fetchall()
    known = known_pii(con, [str(customer_id) for customer_id, _ in rows])
    authors_pii = [value for values in known.values() for value in values]
    quotes: list[str] = []
    for _, text in rows:
        redacted = redact(str(text), authors_pii)
        if redacted not in quotes:
            quotes.append(redacted)
    return quotes[:MAX_QUOTES]


def _currency_symbol(con: duckdb.DuckDBPyConnection) -> str:
    code = con.execute("SELECT mode(currency) FROM orders WHERE currency IS NOT NULL").fetchone()[0]
    return CURRENCY_SYMBOLS.get(str(code).upper(), "") if code else ""


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))
