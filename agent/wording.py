"""Small wording helpers for answers: money, percentages, plurals, and reproduce commands.

They format numbers that tools computed; they never compute new ones.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.behaviour.customers import AudienceFilter


def money(value: float | None) -> str:
    """Money without a currency symbol (shops differ): 12,345.60."""
    return "–" if value is None else f"{value:,.2f}"


def pct(share: float | None) -> str:
    """A 0–1 share as a percentage: 0.062 -> 6.2%."""
    return "–" if share is None else f"{share * 100:.1f}%".replace(".0%", "%")


def plural(count: int, noun: str) -> str:
    """'1 lapsing customer', '87 lapsing customers'."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def counted(count: int, description: str) -> str:
    """A count in front of an audience description, the noun agreeing with it: (378, "customers in Germany") ->
    "378 customers in Germany", (1, "lapsing customers") -> "1 lapsing customer"."""
    if count == 1:
        description = re.sub(r"\bcustomers\b", "customer", description, count=1)
    return f"{count:,} {description}"


def share_text(share: float | None) -> str:
    """A share that never reads "0%" when it is not zero: 0.0038 -> "0.4%", 0.00002 -> "<0.01%"."""
    if share is None:
        return "–"
    percent = share * 100
    if percent == 0 or percent >= 1:
        return pct(share)
    return "<0.01%" if percent < 0.01 else f"{percent:.2g}%"


AUDIENCE_OPTIONS = {
    "segment": "--segment", "category": "--category", "product": "--product", "country": "--country",
    "min_days_since_order": "--min-days-since-order", "max_days_since_order": "--max-days-since-order",
    "min_orders": "--min-orders", "max_orders": "--max-orders", "min_spend": "--min-spend",
    "max_spend": "--max-spend",
}


def audience_options(filters: AudienceFilter) -> list[str]:
    """CLI options that select the same audience as ``filters``."""
    parts: list[str] = []
    if filters.lifecycle:
        parts += ["--lifecycle", ",".join(filters.lifecycle)]
    if filters.value_tier:
        parts += ["--value", ",".join(filters.value_tier)]
    for field_name, option in AUDIENCE_OPTIONS.items():
        value: Any = getattr(filters, field_name)
        if value is not None:
            parts += [option, str(value).removesuffix(".0") if isinstance(value, float) else str(value)]
    return parts
