"""Slot filling: pull lifecycle, value, time windows, counts, money, places, channels and ids out of a question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.planner.lexicon import (
    CHANNEL_WORDS,
    COUNTRY_ALIASES,
    GOAL_WORDS,
    LIFECYCLE_WORDS,
    NUMBER_WORDS,
    UNIT_DAYS,
    VALUE_WORDS,
)
from agent.planner.text import contains_phrase, stem
from agent.planner.vocabulary import ShopVocabulary

NUMBER = r"(\d+(?:\.\d+)?k?|" + "|".join(NUMBER_WORDS) + r")"
DURATION = NUMBER + r"\s*(?:-\s*)?(day|week|month|quarter|year)s?"
NOT_BOUGHT = r"(?:haven'?t|have not|hasn'?t|has not|not|no|didn'?t|did not|without|stopped)\s+" \
             r"(?:ordered|bought|purchased|shopped|order|buy|purchase|orders|purchases|been back|come back|returned)"


@dataclass
class Slots:
    """Everything the planner understood, in canonical values."""

    lifecycle: list[str] = field(default_factory=list)
    value_tier: list[str] = field(default_factory=list)
    country: str | None = None
    category: str | None = None
    min_days_since_order: int | None = None
    max_days_since_order: int | None = None
    min_orders: int | None = None
    max_orders: int | None = None
    min_spend: float | None = None
    max_spend: float | None = None
    sort_by: str | None = None
    limit: int | None = None
    channel: str | None = None
    goal: str | None = None
    offer: str | None = None
    tone: str | None = None
    variants: int | None = None
    customer_id: str | None = None
    segments: list[int] = field(default_factory=list)
    k: int | None = None
    period: str | int | None = None

    def audience(self) -> dict[str, object]:
        """The find_customers arguments these slots imply (only those that were set)."""
        names = ("lifecycle", "value_tier", "country", "category", "min_days_since_order", "max_days_since_order",
                 "min_orders", "max_orders", "min_spend", "max_spend")
        return {name: getattr(self, name) for name in names if getattr(self, name) not in (None, [])}


def to_number(token: str) -> float:
    """'6' -> 6, 'six' -> 6, '2.5k' -> 2500."""
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    if token.endswith("k"):
        return float(token[:-1]) * 1000
    return float(token)


def extract(text: str, vocabulary: ShopVocabulary) -> Slots:
    """Fill every slot from normalised ``text``."""
    slots = Slots()
    slots.lifecycle = _choices(text, LIFECYCLE_WORDS)
    slots.value_tier = _choices(text, VALUE_WORDS)
    _new_vs_news(text, slots)
    slots.channel = next(iter(_choices(text, CHANNEL_WORDS)), None)
    slots.goal = next(iter(_choices(text, GOAL_WORDS)), None)
    slots.country = _country(text, vocabulary)
    slots.category = _category(text, vocabulary)
    _time_windows(text, slots)
    _order_counts(text, slots)
    _spend(text, slots)
    _ranking(text, slots)
    _campaign_details(text, slots)
    slots.customer_id = _customer_id(text, vocabulary)
    slots.segments = _segment_numbers(text, vocabulary)
    match = re.search(r"\b(?:into|in|with|k\s*=?)\s*" + NUMBER + r"\s*(?:segments|clusters|groups|personas)", text)
    if match:
        slots.k = int(to_number(match.group(1)))
    return slots


def _choices(text: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    found = []
    for canonical, phrases in table.items():
        if any(contains_phrase(text, phrase) for phrase in phrases):
            found.append(canonical)
    return found


def _new_vs_news(text: str, slots: Slots) -> None:
    """'new' is lifecycle only when it describes customers, not 'new segments' or 'what's new'."""
    if "new" in slots.lifecycle and (re.search(r"what'?s new|new (segment|segmentation|campaign|email|product)", text)
                                     and not re.search(r"new (customers|buyers|shoppers|joiners)", text)):
        slots.lifecycle.remove("new")
    if "lapsed" in slots.lifecycle and "lapsing" in slots.lifecycle and "at risk" in text and "lapsed" not in text:
        slots.lifecycle.remove("lapsed")
    if "high" in slots.value_tier and re.search(r"\bbest\b", text) and re.search(r"best (selling|seller)", text):
        slots.value_tier.remove("high")


def _country(text: str, vocabulary: ShopVocabulary) -> str | None:
    known = {country.lower(): country for country in vocabulary.countries}
    for lowered, country in sorted(known.items(), key=lambda item: -len(item[0])):
        if contains_phrase(text, lowered):
            return country
    for canonical, aliases in COUNTRY_ALIASES.items():
        if canonical.lower() in known and any(contains_phrase(text, alias) for alias in aliases):
            return known[canonical.lower()]
    return None


def _category(text: str, vocabulary: ShopVocabulary) -> str | None:
    """A category counts only with a purchase verb ('bought running gear'), otherwise it names a segment."""
    if not re.search(r"\b(bought|buy|buys|buying|purchased|ordered|buyers of|shop(?:ped)? (?:for|in))\b", text):
        return None
    words = {stem(word) for word in re.findall(r"[a-z]+", text)}
    for category in vocabulary.categories:
        parts = [stem(part) for part in re.findall(r"[a-z]+", category.lower()) if len(part) > 2]
        if parts and any(part in words for part in parts):
            return category
    return None


def _days(amount: str, unit: str) -> int:
    return int(round(to_number(amount) * UNIT_DAYS[unit]))


def _time_windows(text: str, slots: Slots) -> None:
    not_bought = re.search(NOT_BOUGHT + r"[^.?]*?(?:in|for|since)\s+(?:the\s+)?(?:last\s+|past\s+)?(?:over\s+)?"
                           + DURATION, text)
    if not_bought:
        slots.min_days_since_order = _days(not_bought.group(1), not_bought.group(2))
    quiet = re.search(r"(?:inactive|quiet|silent|away|dormant|no orders?|nothing)\s+(?:for\s+)?"
                      r"(?:over\s+|more than\s+)?" + DURATION, text)
    if quiet and slots.min_days_since_order is None:
        slots.min_days_since_order = _days(quiet.group(1), quiet.group(2))
    ago = re.search(r"(?:last (?:order|purchase)|last bought|ordered|bought)\s+(?:more than|over|at least)\s+"
                    + DURATION + r"\s+ago", text)
    if ago:
        slots.min_days_since_order = _days(ago.group(1), ago.group(2))
    recent = re.search(r"(?<!not )(?<!n't )(?:ordered|bought|purchased|shopped|active|orders?)\s+(?:with)?in\s+"
                       r"(?:the\s+)?(?:last|past)\s+" + DURATION, text)
    if recent and not not_bought:
        slots.max_days_since_order = _days(recent.group(1), recent.group(2))
    half_year = re.search(NOT_BOUGHT + r".*half a year", text)
    if half_year:
        slots.min_days_since_order = 182


def _order_counts(text: str, slots: Slots) -> None:
    unit = r"\s*(?:times|orders|purchases|order|purchase|time)"
    patterns = (
        (r"(?:more than|over)\s+" + NUMBER + unit, "min", 1),
        (r"at least\s+" + NUMBER + unit, "min", 0),
        (NUMBER + r"\s*\+" + unit, "min", 0),
        (NUMBER + r"\s+or more" + unit, "min", 0),
        (r"(?:fewer than|less than|under)\s+" + NUMBER + unit, "max", -1),
        (r"at most\s+" + NUMBER + unit, "max", 0),
    )
    for pattern, bound, offset in patterns:
        match = re.search(pattern, text)
        if match:
            value = int(to_number(match.group(1))) + offset
            setattr(slots, f"{bound}_orders", max(value, 0))
    if re.search(r"\b(one-time|one time|only once|single purchase|bought once|ordered once)\b", text):
        slots.max_orders = 1
    if re.search(r"\b(repeat (buyers|customers)|more than once|came back)\b", text) and slots.min_orders is None:
        slots.min_orders = 2


def _spend(text: str, slots: Slots) -> None:
    money = r"[£$€]?\s*" + NUMBER + r"\s*(?:pounds|dollars|euros|gbp|usd|eur)?"
    high = re.search(r"(?:spent|spend|spending|revenue|worth)\s+(?:more than|over|at least|above)\s+" + money, text)
    low = re.search(r"(?:spent|spend|spending|revenue|worth)\s+(?:less than|under|below|at most)\s+" + money, text)
    if high:
        slots.min_spend = to_number(high.group(1))
    if low:
        slots.max_spend = to_number(low.group(1))


def _ranking(text: str, slots: Slots) -> None:
    top = re.search(r"\b(?:top|first|best)\s+(\d+)\b", text) or re.search(r"\b(\d+)\s+(?:best|top|biggest)\b", text)
    if top:
        slots.limit = int(top.group(1))
    if re.search(r"most overdue|longest overdue", text):
        slots.sort_by = "days_overdue"
    elif re.search(r"(biggest|highest|top) spend|by (spend|revenue)|spent the most", text):
        slots.sort_by = "monetary"
    elif re.search(r"most likely to (buy|order|come back|return)", text):
        slots.sort_by = "expected_orders_90d"
    elif re.search(r"longest (since|ago)|haven'?t ordered the longest", text):
        slots.sort_by = "recency_days"


def _campaign_details(text: str, slots: Slots) -> None:
    percent = re.search(r"(\d{1,2})\s*%", text)
    amount = re.search(r"([£$€])\s*(\d+)\s*off", text)
    if percent:
        slots.offer = f"{percent.group(1)}% off"
    elif amount:
        slots.offer = f"{amount.group(1)}{amount.group(2)} off"
    if re.search(r"free (shipping|delivery)", text):
        slots.offer = "free delivery"
    variants = re.search(NUMBER + r"\s+(?:variants|versions|options|drafts|variations)", text)
    if variants:
        slots.variants = int(to_number(variants.group(1)))
    for tone in ("playful", "warm", "premium", "urgent", "friendly", "formal", "casual", "short", "concise"):
        if contains_phrase(text, tone):
            slots.tone = tone
            break
    if re.search(r"\b(shorter|make it short|punchier)\b", text):
        slots.tone = "short"


def _customer_id(text: str, vocabulary: ShopVocabulary) -> str | None:
    for token in re.findall(r"\b[a-z]*\d[\w\-]*\b", text):
        found = vocabulary.customer_lookup(token)
        if found:
            return found
    return None


def _segment_numbers(text: str, vocabulary: ShopVocabulary) -> list[int]:
    numbers = [int(n) for n in re.findall(r"\b(?:segment|seg|cluster|group|persona)s?\s*#?(\d+)\b", text)]
    numbers += [int(n) for n in re.findall(r"\b(?:segment|seg|cluster|group|persona)s?\s*#?\d+\s*(?:and|&|vs\.?|versus|"
                                          r"with|to|,)\s*#?(\d+)\b", text)]
    for slug_match in vocabulary.segments:
        if contains_phrase(text, slug_match.slug.lower()) and slug_match.id not in numbers:
            numbers.append(slug_match.id)
    return list(dict.fromkeys(numbers))
