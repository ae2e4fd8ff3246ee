"""Generate the bundled sample shop: seeded, realistic, with planted personas and lifecycle stages.

    python -m data.generate [--seed 7] [--out data/sample] [--customers 5000]

Writes orders.csv, customers.csv, texts.csv, ground_truth.csv and README.md. The same seed and
customer count always give byte-identical files (numpy's seeded Generator, no clock, no hashing of
sets), so tests and benchmarks can rely on the planted truth in ground_truth.csv.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np

from data.catalog import CATEGORIES, PERSONAS, SHOP_NAME, Persona, Product, build_products
from data.orders import (
    END_DATE,
    LAST_DAY,
    SCHEDULERS,
    START_DATE,
    Line,
    day_to_date,
    make_shopper,
    order_lines,
    return_lines,
)
from data.people import Identity, fake_identity
from data.texts import Purchase, Text, add_injection, add_pii, compose

DEFAULT_SEED = 7
DEFAULT_CUSTOMERS = 5000
LIFECYCLE_SHARES = {"new": 0.10, "active": 0.45, "lapsing": 0.20, "lapsed": 0.25}
RETURN_SHARE = 0.02
MISSING_PHONE_SHARE = 0.04
TEXT_COUNT_PROBS = (0.46, 0.27, 0.14, 0.07, 0.04, 0.02)  # 1..6 texts for customers who write
SOURCE_PROBS = {"review": 0.5, "ticket": 0.25, "chat": 0.25}
PII_TEXTS, INJECTION_TEXTS = 15, 8


@dataclass
class Customer:
    """Everything planted about one customer."""

    customer_id: str
    identity: Identity
    persona: Persona
    lifecycle: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class Shop:
    """A generated shop ready to write out."""

    seed: int
    customers: list[Customer]
    returns: list[Line]
    texts: list[Text]


def allocate(count: int, shares: Sequence[float], rng: np.random.Generator) -> np.ndarray:
    """Exactly-sized groups (largest remainder) in random order, so planted shares are exact."""
    raw = np.asarray(shares) / np.sum(shares) * count
    sizes = np.floor(raw).astype(int)
    sizes[np.argsort(-(raw - sizes), kind="stable")[: count - sizes.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(shares)), sizes))


def _own_stream(seed: int, index: int, purpose: int) -> np.random.Generator:
    """A random stream per customer and purpose, so changing how texts are written leaves orders alone."""
    return np.random.default_rng([seed, purpose, index])


def _make_customers(count: int, products: list[Product], seed: int, rng: np.random.Generator) -> list[Customer]:
    by_category = {c: [p for p in products if p.category == c] for c in CATEGORIES}
    personas = allocate(count, [p.share for p in PERSONAS], rng)
    stages = list(LIFECYCLE_SHARES)
    lifecycles = allocate(count, list(LIFECYCLE_SHARES.values()), rng)
    customers = []
    for index in range(count):
        customer_id = f"C{index + 1:05d}"
        persona, stage = PERSONAS[personas[index]], stages[lifecycles[index]]
        own = _own_stream(seed, index, 1)
        customer = Customer(customer_id, fake_identity(own), persona, stage)
        shopper = make_shopper(customer_id, persona, own)
        customer.lines = order_lines(shopper, SCHEDULERS[stage](own), by_category, own)
        customers.append(customer)
    return customers


def _anchor(customer: Customer, topic: str, rng: np.random.Generator) -> Line:
    """The purchase a text is about: one from the customer's interests for ``own`` texts when there is one."""
    own = [line for line in customer.lines if line.product.category in customer.persona.voice]
    other = [line for line in customer.lines if line.product.category not in customer.persona.voice]
    pool = own if (topic == "own" and own) or not other else other
    return pool[int(rng.integers(0, len(pool)))]


def _other_buy(customer: Customer, anchor: Line, rng: np.random.Generator) -> str:
    """A product from another category the customer also bought (deal seekers mention their hauls)."""
    others = sorted({line.product.name for line in customer.lines if line.product.category != anchor.product.category})
    return others[int(rng.integers(0, len(others)))] if others else ""


def _topic(first: bool, source: str, rng: np.random.Generator) -> str:
    """Most texts speak in the customer's own voice; a few are about other buys or say nothing personal."""
    roll = rng.random()
    if first or roll < 0.88:
        return "own"
    return "other" if roll < 0.95 or source == "review" else "none"


def _text_day(source: str, bought_day: int, rng: np.random.Generator) -> int:
    """Reviews come a week or few after delivery, tickets within days, chats around the purchase."""
    low, high = {"review": (5, 31), "ticket": (1, 15), "chat": (-5, 11)}[source]
    return int(np.clip(bought_day + rng.integers(low, high), 0, LAST_DAY))


def _customer_texts(customer: Customer, rng: np.random.Generator) -> list[Text]:
    writes = 1.0 if customer.persona.prefers_value else 0.89
    if rng.random() >= writes:
        return []
    count = int(rng.choice(len(TEXT_COUNT_PROBS), p=TEXT_COUNT_PROBS)) + 1
    texts = []
    for number in range(count):
        source = str(rng.choice(list(SOURCE_PROBS), p=list(SOURCE_PROBS.values())))
        topic = _topic(number == 0, source, rng)
        anchor = _anchor(customer, topic, rng)
        if topic != "none":  # a customer who never bought from their own categories writes about what they did buy
            topic = "own" if anchor.product.category in customer.persona.voice else "other"
        purchase = Purchase(anchor.product.name, anchor.product.price, anchor.unit_price,
                            _other_buy(customer, anchor, rng))
        body = compose(customer.persona.key, source, purchase, customer.identity.city, topic, rng,
                       introduce=number == 0)
        texts.append(Text(customer.customer_id, day_to_date(_text_day(source, anchor.day, rng)), source, body))
    return sorted(texts, key=lambda t: (t.day, t.source, t.text))


def _make_texts(customers: list[Customer], seed: int, rng: np.random.Generator) -> list[Text]:
    texts = [t for i, c in enumerate(customers) for t in _customer_texts(c, _own_stream(seed, i, 2))]
    by_id = {c.customer_id: c.identity for c in customers}
    picks = rng.choice(len(texts), size=min(len(texts), PII_TEXTS + INJECTION_TEXTS), replace=False)
    for rank, index in enumerate(int(i) for i in picks):
        text = texts[index]
        person = by_id[text.customer_id]
        body = (add_pii(text.text, person.name, person.email, person.phone, rng)
                if rank < PII_TEXTS else add_injection(text.text, rank - PII_TEXTS, rng))
        texts[index] = Text(text.customer_id, text.day, text.source, body)
    return texts


def _drop_phones(customers: list[Customer], rng: np.random.Generator) -> None:
    for customer in customers:
        if rng.random() < MISSING_PHONE_SHARE:
            identity = customer.identity
            customer.identity = Identity(identity.first_name, identity.last_name, identity.email, "",
                                         identity.country, identity.city)


def build_shop(seed: int = DEFAULT_SEED, customer_count: int = DEFAULT_CUSTOMERS) -> Shop:
    """Simulate the whole shop in memory; deterministic for a seed and customer count."""
    rng = np.random.default_rng(seed)
    customers = _make_customers(customer_count, build_products(), seed, rng)
    purchases = [line for c in customers for line in c.lines]
    returns = return_lines(purchases, RETURN_SHARE, rng)
    texts = _make_texts(customers, seed, rng)
    _drop_phones(customers, rng)
    return Shop(seed, customers, returns, texts)


def _order_ids(lines: list[Line]) -> dict[tuple[str, int, str], str]:
    """Order ids numbered by date so they read like a real shop's sequence (O… sales, R… returns)."""
    keys = sorted({line.order_key for line in lines}, key=lambda k: (k[1], k[0], k[2]))
    counters = {"O": 100000, "R": 900000}
    ids = {}
    for key in keys:
        counters[key[2]] += 1
        ids[key] = f"{key[2]}{counters[key[2]]}"
    return ids


def order_rows(shop: Shop) -> list[list[str]]:
    """orders.csv rows, one per order line, in order-id order."""
    lines = [line for c in shop.customers for line in c.lines] + shop.returns
    ids = _order_ids(lines)
    countries = {c.customer_id: c.identity.country for c in shop.customers}
    rows, seen = [], set()
    for line in lines:
        key = (ids[line.order_key], line.product.product_id)
        if key in seen:  # two returns of one product on one day merge into one return line
            continue
        seen.add(key)
        rows.append([key[0], line.customer_id, day_to_date(line.day).isoformat(), line.product.product_id,
                     line.product.name, line.product.category, str(line.quantity), f"{line.unit_price:.2f}",
                     f"{round(line.quantity * line.unit_price, 2):.2f}", countries[line.customer_id]])
    return sorted(rows, key=lambda r: (r[2], r[0][0] == "R", r[0], r[3]))


def customer_rows(shop: Shop, rng: np.random.Generator) -> list[list[str]]:
    """customers.csv rows; sign-up happens on or before the first order, sometimes long before."""
    rows = []
    for customer in shop.customers:
        first = day_to_date(min(line.day for line in customer.lines))
        lead = 0 if rng.random() < 0.6 else int(rng.integers(1, 15 if customer.lifecycle == "new" else 400))
        who = customer.identity
        rows.append([customer.customer_id, who.name, who.email, who.phone, who.country, who.city,
                     (first - timedelta(days=lead)).isoformat()])
    return rows


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_shop(shop: Shop, out: Path) -> dict[str, int]:
    """Write all sample files into ``out``; returns row counts per file for the summary line."""
    out.mkdir(parents=True, exist_ok=True)
    orders = order_rows(shop)
    customers = customer_rows(shop, np.random.default_rng(shop.seed + 1))
    texts = [[t.customer_id, t.day.isoformat(), t.source, t.text] for t in shop.texts]
    truth = [[c.customer_id, c.persona.key, c.lifecycle] for c in shop.customers]
    _write_csv(out / "orders.csv", ["order_id", "customer_id", "order_date", "product_id", "product_name",
                                    "category", "quantity", "unit_price", "amount", "country"], orders)
    _write_csv(out / "customers.csv", ["customer_id", "name", "email", "phone", "country", "city",
                                       "signup_date"], customers)
    _write_csv(out / "texts.csv", ["customer_id", "date", "source", "text"], texts)
    _write_csv(out / "ground_truth.csv", ["customer_id", "persona", "planted_lifecycle"], truth)
    (out / "README.md").write_text(readme(shop, len(orders), len(texts)), encoding="utf-8")
    return {"orders": len(orders), "customers": len(customers), "texts": len(texts)}


def readme(shop: Shop, order_line_count: int, text_count: int) -> str:
    """The sample's README: what the shop is, who is planted in it, and how to regenerate it."""
    persona_lines = "\n".join(f"- `{p.key}` — {p.label} (~{p.share:.0%}): mostly {', '.join(p.voice[:2])}"
                              if not p.prefers_value else
                              f"- `{p.key}` — {p.label} (~{p.share:.0%}): every category, value lines, discounts"
                              for p in PERSONAS)
    stages = ", ".join(f"{k} {v:.0%}" for k, v in LIFECYCLE_SHARES.items())
    count = len(shop.customers)
    return f"""# Sample shop: {SHOP_NAME}

A fictional British online shop selling {len(CATEGORIES)} categories: {", ".join(CATEGORIES)}.
Generated by `data/generate.py` with seed {shop.seed}: {count:,} customers, {order_line_count:,} order lines
from {START_DATE} to {END_DATE}, {text_count:,} customer texts (reviews, support tickets, chats).
Prices in GBP.

| file | contents |
|---|---|
| `orders.csv` | one row per order line; returns are separate `R…` orders with negative quantity and amount |
| `customers.csv` | fake identities (names, emails, phones in fiction-reserved ranges where they exist), country, city |
| `texts.csv` | what customers wrote; a few texts hold PII they typed or prompt-injection attempts, on purpose |
| `ground_truth.csv` | planted persona and lifecycle per customer; for tests and benchmarks, never read by the product |

## Planted personas
{persona_lines}

Personas share vocabulary (delivery, price, quality, returns; training, trails, mess) and buy outside
their main categories, so they are found from each customer's whole voice, not from keywords.

## Planted lifecycle (as of {END_DATE})
{stages}.
Each customer has a personal rhythm (typical days between orders): *active* customers are within it,
*lapsing* ones are 1.9–3× overdue against it (under 265 days), *lapsed* ones have been silent for over
300 days (and over 4.5× their rhythm), *new* ones first bought in the last ~8 weeks. Basket values vary
strongly, so some lapsing customers are among the top spenders.

## Regenerate
```
python -m data.generate --seed {shop.seed} --out data/sample
```
The same seed and `--customers` count give byte-identical files.
"""


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point: build the shop and write it."""
    parser = argparse.ArgumentParser(description=f"Generate the {SHOP_NAME} sample shop.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "sample", help="output directory")
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS, help="number of customers")
    args = parser.parse_args(argv)
    counts = write_shop(build_shop(args.seed, args.customers), args.out)
    print(f"Wrote {counts['customers']} customers, {counts['orders']} order lines, {counts['texts']} texts "
          f"to {args.out}")


if __name__ == "__main__":
    main()
