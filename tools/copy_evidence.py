"""The facts a campaign draft may use, built for one segment or audience (DESIGN.md §10, §11).

Evidence is aggregates only — who the group is, how big, what it buys more than everyone else (by lift,
with real product and category names), its lifecycle and value mix, a few redacted quotes — plus the brand.
It is the only thing a text-writing model ever sees, and the yardstick the validator holds drafts to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.brand import BrandSettings
from tools.lift import top_by_lift
from tools.target_group import TargetGroup
from tools.workspace import Workspace

if TYPE_CHECKING:
    import duckdb

MAX_QUOTES = 3
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
    quotes: list[str] = field(default_factory=list)
    country: str | None = None
    currency_symbol: str = ""

    def names(self) -> list[str]:
        """Every proper name a draft may use: products, categories (raw and display), group and country."""
        items = self.categories + self.products
        country = [self.country] if self.country else []
        return [*(i.name for i in items), *(i.display for i in items), self.label, *country, *self.terms]

    def prices(self) -> set[float]:
        """Prices a draft may state: the typical prices of the evidence's products."""
        return {round(i.price, 2) for i in self.products if i.price is not None}

    def facts(self) -> list[str]:
        """The evidence as short sentences, for the user (what a draft could draw on)."""
        facts = [f"audience: {self.label} ({self.size:,} customers, {self.share:.0%} of the base)"]
        facts += [f"category: {c.display} (bought by {c.group_share:.0%} of them, {c.lift:.1f}× the shop rate)"
                  for c in self.categories]
        facts += [f"product: {p.display} (bought by {p.group_share:.0%} of them, {p.lift:.1f}× the shop rate"
                  + (f", typical price {self.currency_symbol}{p.price:.2f})" if p.price is not None else ")")
                  for p in self.products]
        if self.lifecycle_mix:
            facts.append("lifecycle: " + ", ".join(f"{k} {v:.0%}" for k, v in self.lifecycle_mix.items()))
        if self.value_mix:
            facts.append("value tier: " + ", ".join(f"{k} {v:.0%}" for k, v in self.value_mix.items()))
        return facts

    def facts_in(self, text: str) -> list[str]:
        """The facts a draft's ``text`` actually uses: the audience, plus each product or category it names."""
        lowered = f" {_plain(text)} "
        used = [self.facts()[0]]
        for fact, item in zip(self.facts()[1:], self.categories + self.products, strict=False):
            if f" {_plain(item.display)} " in lowered or f" {_plain(item.name)} " in lowered:
                used.append(fact)
        return used

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
            "distinctive_terms": self.terms, **({"country": self.country} if self.country else {}),
        }


def build_evidence(workspace_root: Path, group: TargetGroup, brand: BrandSettings,
                   categories: int = 3, products: int = 4) -> CopyEvidence:
    """Evidence for ``group``: lift-ranked categories and products, mixes, prices and redacted quotes."""
    import pandas as pd

    with Workspace(workspace_root).connect(read_only=True) as con:
        con.register("copy_group", pd.DataFrame({"customer_id": group.customer_ids}, dtype=object))
        top_categories = [_item(row) for row in top_by_lift(con, "copy_group", "category", categories)]
        top_products = [_item(row) for row in top_by_lift(con, "copy_group", "product_name", products)]
        top_products = _with_prices(con, top_products)
        evidence = CopyEvidence(
            label=group.label, kind=group.kind, size=group.size, share=group.share, brand=brand,
            categories=top_categories, products=top_products,
            lifecycle_mix=_mix(con, "lifecycle"), value_mix=_mix(con, "value_tier"),
            quotes=_quotes(con, top_categories + top_products), country=group.filters.country,
            currency_symbol=_currency_symbol(con))
        con.unregister("copy_group")
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


def _with_prices(con: duckdb.DuckDBPyConnection, items: list[ItemFact]) -> list[ItemFact]:
    if not items:
        return items
    prices = dict(con.execute(
        f"SELECT product_name, median(unit_price) FROM orders WHERE NOT is_return AND unit_price > 0 "
        f"AND product_name IN ({', '.join('?' * len(items))}) GROUP BY 1", [i.name for i in items]).fetchall())
    return [ItemFact(i.name, i.display, i.group_share, i.base_share, i.lift,
                     round(float(prices[i.name]), 2) if prices.get(i.name) is not None else None) for i in items]


def _mix(con: duckdb.DuckDBPyConnection, column: str) -> dict[str, float]:
    rows = con.execute(
        f"SELECT {column}, count(*) FROM customer_features JOIN copy_group USING (customer_id) "
        f"WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    total = sum(count for _, count in rows)
    return {str(key): count / total for key, count in rows} if total else {}


def _quotes(con: duckdb.DuckDBPyConnection, items: list[ItemFact]) -> list[str]:
    """A few of the group's own words, preferring ones about what it buys; redacted before use."""
    keywords = sorted({w for i in items for w in _plain(i.display).split() if len(w) > 3})[:20]
    relevance = " + ".join(["0"] + ["(contains(lower(t.text), ?))::INT"] * len(keywords))
    rows = con.execute(
        f"""SELECT t.customer_id, t.text FROM texts t JOIN copy_group USING (customer_id)
            WHERE length(t.text) BETWEEN {QUOTE_LENGTH[0]} AND {QUOTE_LENGTH[1]}
            ORDER BY {relevance} DESC, md5(t.text) LIMIT {MAX_QUOTES * 4}""", keywords).fetchall()
    quotes: list[str] = []
    for customer_id, text in rows:
        redacted = _redact(con, str(customer_id), str(text))
        if redacted not in quotes:
            quotes.append(redacted)
    return quotes[:MAX_QUOTES]


def _redact(con: duckdb.DuckDBPyConnection, customer_id: str, text: str) -> str:
    """Remove the author's contact details and name, and any email/phone-like text."""
    known = con.execute("SELECT name, email, phone FROM customers WHERE customer_id = ?", [customer_id]).fetchall()
    return redact_quote(text, [str(v) for row in known for v in row if v])


def redact_quote(text: str, known_pii: list[str]) -> str:
    """``text`` with the given names/emails/phones and any email- or phone-like strings replaced by words
    (not brackets, which would read as placeholders if a model echoed them)."""
    for value in sorted(known_pii, key=len, reverse=True):
        for part in [value, *value.split()] if " " in value else [value]:
            if len(part) > 2:
                text = re.sub(r"(?<!\w)" + re.escape(part) + r"(?!\w)", "someone", text, flags=re.IGNORECASE)
    text = re.sub(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "an email address", text)
    return re.sub(r"(?<![\w.])(?:\+|00)?\d[\d\s().-]{7,}\d(?![\w.])", "a phone number", text)


def _currency_symbol(con: duckdb.DuckDBPyConnection) -> str:
    code = con.execute("SELECT mode(currency) FROM orders WHERE currency IS NOT NULL").fetchone()[0]
    return CURRENCY_SYMBOLS.get(str(code).upper(), "") if code else ""


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))
