"""The offer a campaign promises: parsed once, checked against the brand, then used word for word.

A marketer's offer is a promise with small print: "£5 off orders over £40" is not "£5 off". So the offer is
parsed into its discount (percent, amount, free extra or other) and its conditions (minimum spend, code,
end date, scope), refused with one sentence when the brand could never send it or when it is not plain
text a customer could read ("10%_off"), and every draft must then carry the whole text verbatim — the
validator rejects a draft that mentions the discount without its conditions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tools.campaigns.copy_checks import find_avoided, find_discounts, find_placeholders
from tools.errors import UserError

if TYPE_CHECKING:
    from tools.campaigns.brand import BrandSettings

MAX_OFFER_LENGTH = 60
_MONEY = r"(?:[£$€¥]\s?\d[\d,.]*|\d[\d,.]*\s?(?:€|pounds|euros|dollars|EUR|GBP|USD))"
CONDITION_PATTERNS = (
    re.compile(r"\b(?:on\s+)?(?:orders?|spend(?:ing)?|purchases?|baskets?|carts?|bestellungen|commandes?)\s+"
               r"(?:over|above|of|from|worth|ab|über|de plus de|dès)\s+" + _MONEY, re.IGNORECASE),
    re.compile(r"\b(?:when you spend|min(?:imum)?\.?\s+(?:spend|order)(?:\s+of)?|ab einem einkauf von)\s+" + _MONEY,
               re.IGNORECASE),
    re.compile(r"\b(?:with\s+|use\s+)?(?:the\s+)?(?:code|promo code|voucher code)\s+[A-Za-z0-9-]{3,}", re.IGNORECASE),
    re.compile(r"\b(?:until|till|ends?|expires?|valid (?:until|till|to|through)|bis|jusqu'au)\s+[\w/.-]+"
               r"(?:\s+\d{1,2})?", re.IGNORECASE),
    re.compile(r"\b(?:on\s+)?(?:your\s+)?(?:first|next|selected|full-price|sale)\s+(?:orders?|items?|lines?|styles?)\b",
               re.IGNORECASE),
    re.compile(r"\b(?:excl(?:uding|\.)|except)\s+[\w-]+(?:\s+[\w-]+)?", re.IGNORECASE),
    re.compile(r"\bT&Cs? apply\b|\bterms apply\b", re.IGNORECASE),
    re.compile(r"\bwhen you buy\s+\w+", re.IGNORECASE),
)
# Characters no customer-facing offer contains: markup, template syntax, identifiers such as "10%_off".
_NOT_PLAIN = re.compile(r"[_*#{}\[\]<>|\\^~`=@]")
_PERCENT_ANYWHERE = re.compile(r"(\d+(?:[.,]\d+)?)\s?%")


@dataclass(frozen=True)
class Offer:
    """The offer a campaign may promise, e.g. "£5 off orders over £40".

    ``kind`` is percent, amount, free (shipping, delivery, gift) or other; ``value`` the discount's size;
    ``conditions`` the small print found in the text ("orders over £40"). Drafts quote ``text`` verbatim.
    """

    text: str
    kind: str  # percent | amount | free | other
    value: float = 0.0
    conditions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_conditions(self) -> bool:
        """True when the offer carries small print a draft must not drop."""
        return bool(self.conditions)

    @property
    def in_sentence(self) -> str:
        """The text as it reads mid-sentence: "Free delivery" becomes "free delivery" (acronyms stay)."""
        first = self.text.split(" ", 1)[0]
        if len(first) > 1 and first[0].isupper() and first[1:].islower():
            return self.text[0].lower() + self.text[1:]
        return self.text


def parse_offer(text: str | None) -> Offer | None:
    """Parse a user's offer; a phrase with no recognisable discount is kept as kind "other"."""
    if not text or not text.strip():
        return None
    cleaned = " ".join(text.split())
    conditions = tuple(dict.fromkeys(m.group(0).strip() for p in CONDITION_PATTERNS for m in p.finditer(cleaned)))
    discounts = find_discounts(cleaned)
    if not discounts:
        # "15%" alone, with no "off", is still how a user writes a percentage offer
        bare = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", cleaned)
        kind, value = ("percent", float(bare.group(1))) if bare else ("other", 0.0)
        return Offer(cleaned, kind, value, conditions)
    strongest = max(discounts, key=lambda d: (d.kind != "free", d.value))
    return Offer(cleaned, strongest.kind, strongest.value, conditions)


def check_offer(text: str | None, brand: BrandSettings) -> Offer | None:
    """The requested offer, parsed; refused with one clear sentence when no draft could use it verbatim."""
    offer = parse_offer(text)
    if offer is None:
        return None
    example = "such as '10% off', '£5 off orders over £40' or 'free delivery'"
    if _NOT_PLAIN.search(offer.text) or find_placeholders(offer.text):
        raise UserError(f"The offer '{offer.text}' must be plain words as customers will read them, {example}; "
                        "drafts quote it word for word.")
    if len(offer.text) > MAX_OFFER_LENGTH:
        raise UserError(f"The offer '{offer.text}' is {len(offer.text)} characters; keep it under "
                        f"{MAX_OFFER_LENGTH} so it fits an SMS and a push title, {example}.")
    for kind, value in _amounts(offer):
        limit = brand.max_discount_percent if kind == "percent" else brand.max_discount_amount
        if value > limit:
            unit = "%" if kind == "percent" else ""
            key = "max_discount_percent" if kind == "percent" else "max_discount_amount"
            raise UserError(f"The offer '{offer.text}' is above the brand's maximum discount of {limit:g}{unit}; "
                            f"offer less, or raise {key} in [brand] of segment-agent.toml.")
    if avoided := find_avoided(offer.text, brand.avoid_words):
        raise UserError(f"The offer '{offer.text}' uses '{avoided[0]}', which the brand avoids; reword it.")
    return offer


def _amounts(offer: Offer) -> list[tuple[str, float]]:
    """Every discount size the offer states, plus any bare percentage ("60% on everything")."""
    found = [(d.kind, d.value) for d in find_discounts(offer.text) if d.kind in {"percent", "amount"}]
    found += [("percent", float(m.group(1).replace(",", "."))) for m in _PERCENT_ANYWHERE.finditer(offer.text)]
    if offer.kind in {"percent", "amount"}:
        found.append((offer.kind, offer.value))
    return found


def mask_offer(text: str, offer: Offer | None) -> str:
    """``text`` with every verbatim occurrence of the offer replaced by a marker, so checks of prices and
    discounts see only what the draft says besides the offer."""
    if offer is None:
        return text
    return re.sub(r"(?<!\w)" + re.escape(offer.text) + r"(?!\w)", " \x00 ", text, flags=re.IGNORECASE)


def quotes_offer(text: str, offer: Offer) -> bool:
    """True when ``text`` carries the whole offer word for word (the first letter's case aside)."""
    return "\x00" in mask_offer(text, offer)
