"""Purchase histories that plant a known lifecycle stage and a persona's buying habits.

Each customer gets a personal rhythm (their typical gap between orders). The planted stage is then
placed relative to that rhythm, so "lapsing" really means overdue against the customer's own habit:
- new: first order in the last ~55 days, one or two orders;
- active: last order within ~0.9x their median gap;
- lapsing: at least two orders, last one 1.9-3.0x their median gap ago and under 265 days ago;
- lapsed: last order 305-700 days ago and over 4.5x their median gap (or a single long-ago order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from data.catalog import CATEGORIES, Persona, Product

END_DATE = date(2026, 9, 30)
WINDOW_DAYS = 730  # 24 months of orders ending on END_DATE
START_DATE = END_DATE - timedelta(days=WINDOW_DAYS - 1)
LAST_DAY = WINDOW_DAYS - 1
MIN_GAP = 7


@dataclass
class Line:
    """One order line before ids are assigned; negative quantity marks a return."""

    customer_id: str
    day: int
    product: Product
    quantity: int
    unit_price: float
    order_key: tuple[str, int, str]  # (customer, day, kind) groups lines into one order


def day_to_date(day: int) -> date:
    """Calendar date of a day offset inside the order window."""
    return START_DATE + timedelta(days=int(day))


def _rhythm_gaps(rng: np.random.Generator, median: float, count: int, spread: float) -> np.ndarray:
    """Jittered gaps around a personal median, never shorter than a week."""
    return np.maximum(np.round(median * rng.lognormal(0.0, spread, size=count)), MIN_GAP)


def _place_backwards(last_day: int, gaps: np.ndarray, earliest: int) -> list[int]:
    """Order days ending at ``last_day``, stepping back by ``gaps`` while staying inside the window."""
    days = [last_day]
    for gap in gaps:
        if days[-1] - gap < earliest:
            break
        days.append(int(days[-1] - gap))
    return sorted(days)


def _schedule_new(rng: np.random.Generator) -> list[int]:
    first = LAST_DAY - int(rng.integers(0, 56))
    if rng.random() < 0.35 and LAST_DAY - first >= MIN_GAP:
        return [first, int(rng.integers(first + MIN_GAP, LAST_DAY + 1))]
    return [first]


def _schedule_active(rng: np.random.Generator) -> list[int]:
    typical = float(np.clip(rng.lognormal(np.log(90), 0.4), 20, 120))
    gaps = _rhythm_gaps(rng, typical, 30, 0.25)
    # The shop is growing, so more of today's active customers joined recently than long ago.
    earliest = int(rng.beta(2.0, 1.0) * (LAST_DAY - 2.5 * typical))
    recency = int(rng.random() * 0.9 * np.median(gaps[:4]))
    days = _place_backwards(LAST_DAY - recency, gaps, earliest)
    if len(days) < 2:
        days = _place_backwards(LAST_DAY - recency, gaps, 0)[-2:]
    return days


def _schedule_lapsing(rng: np.random.Generator) -> list[int]:
    typical = float(np.clip(rng.lognormal(np.log(45), 0.4), 20, 80))
    count = 2 if rng.random() < 0.3 else int(rng.integers(3, 6))
    gaps = _rhythm_gaps(rng, typical, count - 1, 0.15)
    ratio = rng.uniform(1.9, 3.0)
    median_gap = float(np.median(gaps))
    if ratio * median_gap > 265:  # keep the silence short of lapsed by shrinking the whole rhythm
        gaps = np.maximum(np.round(gaps * 265 / (ratio * median_gap)), MIN_GAP)
        median_gap = float(np.median(gaps))
    last_day = LAST_DAY - int(round(ratio * median_gap))
    days = _place_backwards(last_day, gaps, 0)
    while days[0] > LAST_DAY - 75:  # a lapsing customer has history; a median-sized gap keeps the rhythm
        days.insert(0, days[0] - int(median_gap))
    return days


def _schedule_lapsed(rng: np.random.Generator) -> list[int]:
    recency = int(rng.integers(305, 701))
    last_day = LAST_DAY - recency
    if rng.random() < 0.55 or last_day < MIN_GAP:
        return [last_day]
    typical = min(float(np.clip(rng.lognormal(np.log(40), 0.4), 14, 90)), recency / 4.5)
    gaps = _rhythm_gaps(rng, typical, int(rng.integers(1, 4)), 0.15)
    gaps = np.minimum(gaps, np.floor(recency / 4.5))
    return _place_backwards(last_day, gaps, 0)


SCHEDULERS = {"new": _schedule_new, "active": _schedule_active,
              "lapsing": _schedule_lapsing, "lapsed": _schedule_lapsed}


@dataclass(frozen=True)
class Shopper:
    """How one customer picks products: persona category mix and a personal price appetite."""

    customer_id: str
    persona: Persona
    price_exponent: float
    category_probs: np.ndarray


def make_shopper(customer_id: str, persona: Persona, rng: np.random.Generator) -> Shopper:
    """Draw a customer's price appetite and category mix around their persona's habits."""
    weights = np.array([persona.category_weights.get(c, 0.0) for c in CATEGORIES])
    noise = max(0.0, 1.0 - weights.sum())
    probs = weights + noise / len(CATEGORIES)
    probs = rng.dirichlet(probs * 40)  # personal variation around the persona mix
    exponent = persona.price_affinity + rng.normal(0.0, 0.8)
    return Shopper(customer_id, persona, exponent, probs)


def _pick_product(shopper: Shopper, by_category: dict[str, list[Product]], rng: np.random.Generator,
                  own_only: bool = False) -> Product:
    """A product by the shopper's category mix and price appetite; ``own_only`` keeps to the persona's voice."""
    probs = shopper.category_probs
    if own_only:
        probs = probs * np.array([c in shopper.persona.voice for c in CATEGORIES])
    category = CATEGORIES[int(rng.choice(len(CATEGORIES), p=probs / probs.sum()))]
    items = by_category[category]
    prices = np.array([p.price for p in items])
    weights = (prices / prices.mean()) ** shopper.price_exponent
    if shopper.persona.prefers_value:
        weights = weights * np.array([2.5 if p.is_value else 1.0 for p in items])
    return items[int(rng.choice(len(items), p=weights / weights.sum()))]


def _unit_price(product: Product, shopper: Shopper, rng: np.random.Generator) -> float:
    """List price, sometimes discounted; deal seekers buy on discount most of the time."""
    sale_rate = 0.7 if shopper.persona.prefers_value else 0.1
    if rng.random() < sale_rate:
        return round(product.price * (1 - rng.choice([0.1, 0.15, 0.2, 0.25, 0.3])), 2)
    return product.price


def _quantity(product: Product, rng: np.random.Generator) -> int:
    if product.is_value or product.price < 20:
        return int(rng.choice([1, 2, 3, 4], p=[0.66, 0.24, 0.07, 0.03]))
    return int(rng.choice([1, 2], p=[0.93, 0.07]))


def order_lines(shopper: Shopper, days: list[int], by_category: dict[str, list[Product]],
                rng: np.random.Generator) -> list[Line]:
    """One to three distinct products per order on each purchase day.

    The first thing a customer ever buys is from their persona's own categories: that is what made them,
    say, a runner in the first place, and it keeps the planted persona recoverable for one-order customers.
    """
    lines: list[Line] = []
    for number, day in enumerate(days):
        line_count = int(rng.choice([1, 2, 3], p=[0.80, 0.15, 0.05]))
        chosen: dict[str, Product] = {}
        for slot in range(line_count):
            product = _pick_product(shopper, by_category, rng, own_only=number == 0 and slot == 0)
            chosen.setdefault(product.product_id, product)
        for product in chosen.values():
            lines.append(Line(shopper.customer_id, day, product, _quantity(product, rng),
                              _unit_price(product, shopper, rng), (shopper.customer_id, day, "O")))
    return lines


def return_lines(purchases: list[Line], share: float, rng: np.random.Generator) -> list[Line]:
    """Returns of earlier purchases: a separate order a few days to a month later, negative quantity."""
    returns: list[Line] = []
    candidates = [line for line in purchases if line.day <= LAST_DAY - 3]
    picks = rng.choice(len(candidates), size=int(round(share * len(purchases))), replace=False)
    for index in sorted(int(i) for i in picks):
        bought = candidates[index]
        day = min(LAST_DAY, bought.day + int(rng.integers(3, 31)))
        quantity = -int(rng.integers(1, bought.quantity + 1))
        returns.append(Line(bought.customer_id, day, bought.product, quantity, bought.unit_price,
                            (bought.customer_id, day, "R")))
    return returns
