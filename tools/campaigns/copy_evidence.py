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
from tools.campaigns.co_purchase import is_merchandise, shop_model
from tools.campaigns.language import AudienceLanguage, audience_language
from tools.campaigns.recommendations import (
    group_members,
    group_next_products,
    mostly_owned,
    owned_shares,
    staple_products,
)
from tools.campaigns.sentiment import AudienceSentiment, audience_sentiment
from tools.campaigns.target_group import TargetGroup
from tools.privacy.redaction import known_pii, redact
from tools.privacy.untrusted import is_quotable
from tools.segments.lift import top_by_lift

if TYPE_CHECKING:
    import duckdb

MAX_QUOTES = 3
MIN_LIFT = 1.1  # copy says "customers like you love X" only when the group really buys X more than average
MAX_OWNED_TO_PUSH = 0.2  # cross-sell and upsell copy never pushes an item more of the audience already owns
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
    next_products: list[ItemFact] = field(default_factory=list)
    language: AudienceLanguage | None = None
    sentiment: AudienceSentiment | None = None

    @property
    def is_complaint_heavy(self) -> bool:
        """True when enough of the audience's texts read as complaints that copy should lead with service."""
        return bool(self.sentiment and self.sentiment.is_complaint_heavy)

    def names(self) -> list[str]:
        """Every proper name a draft may use: products, categories (raw and display), group and country."""
        items = self.categories + self.products + self.next_products
        country = [self.country] if self.country else []
        paired = [name for pair in self.pairings for name in pair]
        return [*(i.name for i in items), *(i.display for i in items), self.label, *country, *self.terms, *paired]

    def prices(self) -> set[float]:
        """Prices a draft may state: the typical prices of the evidence's products."""
        return {round(i.price, 2) for i in self.products + self.next_products if i.price is not None}

    def facts(self) -> list[str]:
        """The evidence as short sentences, for the user (what a draft could draw on)."""
        facts = [fact for fact, _ in self._named_facts()]
        if self.lifecycle_mix:
            facts.append("lifecycle: " + ", ".join(f"{k} {v:.0%}" for k, v in self.lifecycle_mix.items()))
        if self.value_mix:
            facts.append("value tier: " + ", ".join(f"{k} {v:.0%}" for k, v in self.value_mix.items()))
        if self.language is not None:
            facts.append(f"language: {self.language.describe()}")
        if self.sentiment is not None and self.sentiment.texts:
            tone = "complaint-heavy: copy leads with service" if self.is_complaint_heavy else "mostly content"
            facts.append(f"sentiment: {self.sentiment.negative_share:.0%} of {self.sentiment.texts:,} texts read as "
                         f"complaints ({tone})")
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
        facts = [(f"audience: {self.label} ({self.size:,} customers, {_share(self.share)} of the base)", [])]
        facts += [(f"category: {c.display} (bought by {c.group_share:.0%} of them, {c.lift:.1f}× the shop rate)",
                   [c.name, c.display]) for c in self.categories]
        facts += [(f"product: {p.display} (bought by {p.group_share:.0%} of them, {p.lift:.1f}× the shop rate"
                   + (f", typical price {self.currency_symbol}{p.price:.2f})" if p.price is not None else ")"),
                   [p.name, p.display]) for p in self.products]
        facts += [(f"next product: {p.display} (a co-purchase pick for {p.lift:.0%} of them; {p.group_share:.0%} "
                   f"already own it)", [p.name, p.display]) for p in self.next_products]
        facts += [(f"customers who bought the {a} also bought the {b}", [b]) for a, b in self.pairings]
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
            "next_products_they_do_not_own_yet": [p.display for p in self.next_products],
            "customers_who_bought_also_bought": [list(pair) for pair in self.pairings],
            "distinctive_terms": self.terms, **({"country": self.country} if self.country else {}),
            **({"complaint_heavy": "yes: lead with service and help, not a cheerful sale"}
               if self.is_complaint_heavy else {}),
        }


def build_evidence(con: duckdb.DuckDBPyConnection, group: TargetGroup, brand: BrandSettings,
                   with_pairings: bool = False, categories: int = 3, products: int = 6) -> CopyEvidence:
    """Evidence for ``group``: lift-ranked categories and products, mixes, prices, redacted quotes, the
    audience's language and sentiment; ``with_pairings`` adds the co-purchase picks the audience does not
    own yet and "customers who bought X also bought Y" rules from its staples (cross-sell, upsell, welcome)."""
    table = group.table
    top_categories = [_item(row) for row in top_by_lift(con, table, "category", categories) if row.lift >= MIN_LIFT]
    top_products = [_item(row) for row in top_by_lift(con, table, "product_name", products + 10)
                    if is_merchandise(row.name) and row.lift >= MIN_LIFT][:products]
    top_products = _with_prices_and_categories(con, top_products)
    language = audience_language(con, table)
    evidence = CopyEvidence(
        label=group.label, kind=group.kind, size=group.size, share=group.share, brand=brand,
        categories=top_categories, products=top_products,
        lifecycle_mix=_mix(con, table, "lifecycle"), value_mix=_mix(con, table, "value_tier"),
        quotes=_quotes(con, table, top_categories + top_products), country=group.filters.country,
        currency_symbol=_currency_symbol(con), language=language,
        sentiment=audience_sentiment(con, table, language))
    if with_pairings:
        _add_co_purchases(con, group, evidence, products)
    return evidence


def _add_co_purchases(con: duckdb.DuckDBPyConnection, group: TargetGroup, evidence: CopyEvidence,
                      limit: int) -> None:
    """Next products the audience does not own yet (owned by at most MAX_OWNED_TO_PUSH of it) and rules
    from its staples to them, so cross-sell copy names a real partner product."""
    model = shop_model(con)
    if model is None:
        return
    owned = owned_shares(con, group.table)
    picks = [n for n in group_next_products(model, group_members(con, group.table), owned, limit * 2)
             if n.owned_share <= MAX_OWNED_TO_PUSH][:limit]
    evidence.next_products = _with_prices_and_categories(con, [
        ItemFact(n.name, display_name(n.name), n.owned_share, 0.0, n.share) for n in picks])
    anchors = [group.product] if group.product else staple_products(con, group.table)
    pushable = {n.name for n in picks}
    rules = [r for r in model.rules(anchors, exclude=mostly_owned(con, group.table, MAX_OWNED_TO_PUSH),
                                    per_anchor=3) if r.item in pushable or not pushable]
    by_item: dict[str, tuple[str, str]] = {}
    for rule in rules:  # one pairing per partner product, so variants name different ones
        by_item.setdefault(rule.item, (display_name(rule.anchor), display_name(rule.item)))
    evidence.pairings = list(by_item.values())[:3]


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
    """A few of the group's own words, preferring ones about what it buys; redacted before use. Texts that read
    as instructions or hold links or markup are skipped: a quote reaches the copywriter's prompt."""
    keywords = sorted({w for i in items for w in _plain(i.display).split() if len(w) > 3})[:20]
    relevance = " + ".join(["(contains(lower(t.text), ?))::INT"] * len(keywords))
    rows = con.execute(
        f"""SELECT t.customer_id, t.text FROM texts t JOIN {table} USING (customer_id)
            WHERE length(t.text) BETWEEN {QUOTE_LENGTH[0]} AND {QUOTE_LENGTH[1]}
            ORDER BY {relevance + " DESC, " if keywords else ""}md5(t.text) LIMIT {MAX_QUOTES * 12}""",
        keywords).fetchall()
    rows = [(customer_id, text) for customer_id, text in rows if is_quotable(str(text))][:MAX_QUOTES * 4]
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


def _share(share: float) -> str:
    """A share of the base that never reads "0%" for a real, small audience (19 of 5,000 → "0.38%")."""
    percent = share * 100
    if percent == 0 or percent >= 1:
        return f"{percent:.0f}%"
    return "<0.01%" if percent < 0.01 else f"{percent:.2g}%"
