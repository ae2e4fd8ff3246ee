"""Slot filling: pull lifecycle, value, time windows, counts, money, places, channels and ids out of a question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.planner import quantities
from agent.planner.lexicon import (
    CHANNEL_WORDS,
    COUNTRY_ALIASES,
    GOAL_WORDS,
    LANGUAGES,
    LENGTH_MOVES,
    LENGTH_WORDS,
    LIFECYCLE_WORDS,
    TONE_WORDS,
    VALUE_WORDS,
)
from agent.planner.periods import KpiPeriod, kpi_period
from agent.planner.text import contains_phrase, stem
from agent.planner.vocabulary import ShopVocabulary

AUDIENCE_SLOTS = ("lifecycle", "value_tier", "country", "category", "product", "min_days_since_order",
                  "max_days_since_order", "min_orders", "max_orders", "min_spend", "max_spend")
PURCHASE_VERB = r"\b(bought|buy|buys|buying|purchased|purchase|purchases|ordered|orders?|buyers of|shopp?ed for|" \
                r"shopping for|customers of|spent on|spend on|got)\b"
# "new" describes customers, not the things in "what's new", "new segments" or "new arrivals".
NOT_NEW_CUSTOMERS = r"(what'?s|anything|something|whats|is there|any)\s+new\b|\bnew\s+(segment|segments|segmentation|" \
                    r"campaign|campaigns|email|emails|product|products|arrivals|range|collection|season|stock|" \
                    r"data|run|things|features|items|lines|version|versions|draft|one|copy|message|cluster|clusters)\b"
# "push" as a verb ("which products should we push") is a recommendation, not the push channel.
PUSH_VERB = r"\b(to|should|could|can|we|i|and|or|will|would|must)\s+push\b|\bpush(ing)?\s+(products?|items?|stock|" \
            r"sales|them|more|harder|the)\b"
OFFER_WORDS = r"(?:off|discount|voucher|coupon|code|saving|savings)"
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
# "the first one", "the top customer", "number 3", "#2", "row 4": a row of the last table
ROW_ORDINALS = {"first": 0, "1st": 0, "top": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
                "fifth": 4, "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "eighth": 7, "ninth": 8, "tenth": 9,
                "last": -1, "bottom": -1}
ROW_REFERENCE = r"\b(?:the\s+)?(" + "|".join(ROW_ORDINALS) + r")\s+(?:one|customer|person|row|guy|shopper|buyer|" \
                r"client|name|entry|result|on the list|in the list)\b|\b(?:number|no\.?|row|#)\s*(\d{1,3})\b" \
                r"(?!\s*(?:%|orders?|days?|customers?|times?))"
_LANGUAGE = "|".join(LANGUAGES)
LANGUAGE = rf"\b(?:in|into|to)\s+({_LANGUAGE})\b(?!\s+(?:customers?|buyers?|shoppers?|people|speakers?|market|" \
           rf"vips?|clients?|audience|segment|ones))|\b({_LANGUAGE})\s+(?:version|copy|translation|please)\b"
SEGMENT_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                        "twelve")


@dataclass
class Slots:
    """Everything the planner understood, in canonical values."""

    lifecycle: list[str] = field(default_factory=list)
    value_tier: list[str] = field(default_factory=list)
    country: str | None = None
    unknown_country: str | None = None
    category: str | None = None
    product: str | None = None
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
    length: str | None = None
    length_move: str | None = None
    variants: int | None = None
    file_format: str | None = None
    customer_id: str | None = None
    segments: list[int] = field(default_factory=list)
    k: int | None = None
    period: str | int | None = None
    kpi: KpiPeriod = field(default_factory=KpiPeriod)
    language: str | None = None
    row: int | None = None
    unknown_segment: str | None = None
    segment_notes: list[str] = field(default_factory=list)

    def audience(self) -> dict[str, object]:
        """The find_customers arguments these slots imply (only those that were set)."""
        return {name: getattr(self, name) for name in AUDIENCE_SLOTS if getattr(self, name) not in (None, [])}

    def campaign(self) -> dict[str, object]:
        """The draft_campaign details these slots imply (only those that were set)."""
        names = ("channel", "goal", "offer", "tone", "length", "variants")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


def extract(text: str, vocabulary: ShopVocabulary) -> Slots:
    """Fill every slot from normalised ``text``."""
    slots = Slots()
    window = quantities.time_window(text)
    slots.min_days_since_order, slots.max_days_since_order = window.min_days, window.max_days
    slots.sort_by, sort_phrase = quantities.sort_key(text)
    staged = text
    for consumed in (window.consumed, sort_phrase):
        staged = staged.replace(consumed, " ") if consumed else staged
    slots.lifecycle = choices(staged, LIFECYCLE_WORDS)
    if re.search(quantities.A_WHILE, text) and window.min_days is None:
        # "haven't ordered in a while": overdue or gone, whichever their own rhythm says
        slots.lifecycle = [stage for stage in LIFECYCLE_WORDS if stage in {"lapsing", "lapsed", *slots.lifecycle}]
    if "new" in slots.lifecycle and re.search(NOT_NEW_CUSTOMERS, text) and not re.search(
            r"\bnew (customers|buyers|shoppers|joiners|clients|people|ones|vips|subscribers)\b", text):
        slots.lifecycle.remove("new")
    slots.value_tier = choices(text, VALUE_WORDS)
    slots.channel = _channel(text)
    slots.goal = next(iter(choices(text, GOAL_WORDS)), None)
    slots.tone = next(iter(choices(text, TONE_WORDS)), None)
    slots.length_move = next(iter(choices(text, LENGTH_MOVES)), None)
    slots.length = None if slots.length_move else next(iter(choices(text, LENGTH_WORDS)), None)
    slots.country, slots.unknown_country = _country(text, vocabulary)
    slots.category = _category(text, vocabulary)
    slots.product = _product(text, vocabulary)
    slots.min_orders, slots.max_orders = quantities.order_counts(text)
    slots.min_spend, slots.max_spend = quantities.spend(text)
    slots.limit = quantities.limit(text)
    slots.kpi = kpi_period(text)
    slots.period = slots.kpi.period
    slots.k = quantities.segment_count(text)
    _offer_and_variants(text, slots)
    slots.file_format = next((f for f in ("json", "xlsx", "parquet", "csv") if contains_phrase(text, f)), None)
    slots.segments = _segment_numbers(text, vocabulary)
    slots.customer_id = _customer_id(text, vocabulary)
    language = re.search(LANGUAGE, text)
    slots.language = (language.group(1) or language.group(2)) if language else None
    row = re.search(ROW_REFERENCE, text)
    if row:
        slots.row = ROW_ORDINALS[row.group(1)] if row.group(1) else int(row.group(2)) - 1
    return slots


_TABLE_PATTERNS: dict[int, tuple[re.Pattern[str], dict[str, str]]] = {}


def choices(text: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    """Canonical values whose phrases occur in ``text``; where phrases overlap the longest wins.

    ``table`` is one of the lexicon's constant tables (its compiled pattern is kept by identity).
    """
    compiled = _TABLE_PATTERNS.get(id(table))
    if compiled is None:
        owner = {phrase: canonical for canonical, phrases in table.items() for phrase in phrases}
        alternation = "|".join(re.escape(phrase) for phrase in sorted(owner, key=len, reverse=True))
        compiled = _TABLE_PATTERNS[id(table)] = (re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])"), owner)
    pattern, owner = compiled
    found = {owner[match.group(0)] for match in pattern.finditer(text)}
    return [canonical for canonical in table if canonical in found]


def _channel(text: str) -> str | None:
    if re.search(r"^(?:please\s+|pls\s+|can you\s+|could you\s+)?(?:text|sms|message)\s+(them|the|our|my|those|"
                 r"these|all|every|customers|people)\b", text):
        return "sms"
    found = choices(text, CHANNEL_WORDS)
    if "push" in found and re.search(PUSH_VERB, text) and not re.search(r"push (notification|message|alert)", text):
        found.remove("push")
    return found[0] if found else None


def _country(text: str, vocabulary: ShopVocabulary) -> tuple[str | None, str | None]:
    """(country in the data, or a country the question names that the data does not have)."""
    known = {country.lower(): country for country in vocabulary.countries}
    for lowered, country in sorted(known.items(), key=lambda item: -len(item[0])):
        if contains_phrase(text, lowered):
            return country, None
    for names, aliases in COUNTRY_ALIASES.items():
        if any(contains_phrase(text, alias) for alias in aliases):
            present = next((known[name.lower()] for name in names if name.lower() in known), None)
            if present:
                return present, None
            if known:
                return None, names[0]
    return None, None


def _category(text: str, vocabulary: ShopVocabulary) -> str | None:
    """A category bought: 'bought running shoes', 'cookware buyers'. Without a purchase it names a segment."""
    if not vocabulary.categories:
        return None
    verb = re.search(PURCHASE_VERB, text)
    if verb:  # the object follows the verb: in "what do runners buy" the runners are the buyers, not the goods
        found = _best_category(text[verb.end():], vocabulary.categories, needs_all_words=False)
        if found:
            return found
    before_buyers = re.search(r"((?:[a-z-]+\s+){1,3})(?:buyers|purchasers|shoppers|customers)\b", text)
    if before_buyers:
        return _best_category(before_buyers.group(1), vocabulary.categories, needs_all_words=True)
    return None


def _product(text: str, vocabulary: ShopVocabulary) -> str | None:
    """A catalogue product the question names after a purchase ('people who bought the Travel System Pram',
    'buyers of the cast iron skillet'): the longest product name found whole in what follows."""
    verb = re.search(PURCHASE_VERB + r"|\bbuyers of\b|\bowners of\b|\b(goes|go|pairs?) (well )?with\b", text)
    if verb is None or not vocabulary.products:
        return None
    rest = f" {' '.join(re.findall(r'[a-z0-9]+', text[verb.end():]))} "
    found = [name for name in vocabulary.products if (words := _name_words(name)) and f" {words} " in rest]
    return max(found, key=lambda name: len(_name_words(name))) if found else None


def _name_words(name: str) -> str:
    """A product name as a question quotes it: lower case, sizes and codes left out ("cast iron skillet")."""
    words = [w for w in re.findall(r"[a-z0-9]+", name.lower()) if not any(c.isdigit() for c in w)]
    return " ".join(words) if len(words) >= 2 or (words and len(words[0]) > 5) else ""


def _best_category(text: str, categories: list[str], needs_all_words: bool) -> str | None:
    words = {stem(word) for word in re.findall(r"[a-z]+", text)}
    best, best_score = None, 0.0
    for category in categories:
        parts = [stem(part) for part in re.findall(r"[a-z]+", category.lower()) if len(part) > 2]
        score = sum(part in words for part in parts) / len(parts) if parts else 0.0
        if score > best_score and (score == 1 or not needs_all_words):
            best, best_score = category, score
    return best


def _offer_and_variants(text: str, slots: Slots) -> None:
    percent = re.search(r"(\d{1,2})\s*%\s*" + OFFER_WORDS, text) or re.search(
        r"\b(?:with|offer|offering|give|giving|plus|add|include|including|incl)\s+(?:a\s+|an\s+)?(\d{1,2})\s*%", text) \
        or re.search(r":\s*(\d{1,2})\s*%", text)
    amount = re.search(r"([£$€])\s*(\d+)\s*" + OFFER_WORDS, text)
    if percent:
        slots.offer = f"{percent.group(1)}% off"
    elif amount:
        slots.offer = f"{amount.group(1)}{amount.group(2)} off"
    if re.search(r"free (shipping|delivery|postage|p&p)", text):
        slots.offer = "free delivery"
    elif re.search(r"free (gift|sample|samples)", text) and not slots.offer:
        slots.offer = "free gift"
    variants = re.search(quantities.NUMBER + r"\s+(?:of\s+)?(?:\w+\s+)?(?:variants|versions|options|drafts|variations|"
                         r"alternatives|takes|subject lines)\b", text)
    if variants:
        slots.variants = int(quantities.to_number(variants.group(1)))


def _customer_id(text: str, vocabulary: ShopVocabulary) -> str | None:
    """A token the shop knows as a customer id; numbers that are counts, money or days are skipped."""
    quantity_before = r"(\b(top|first|last|over|under|than|least|most|between|and|to|k|segment|seg|cluster|group|" \
                      r"persona|spent|spend|into|in|since|of)|[=£$€#])\s*$"
    quantity_after = r"^\s*(%|\+|k\b|days?|weeks?|months?|years?|orders?|times?|purchases?|segments|clusters|groups|" \
                     r"personas|variants|versions|products|items|customers|pounds|dollars|euros|off|or more)"
    for match in re.finditer(r"\b[a-z]*\d[\w\-]*\b", text):
        token = match.group(0)
        found = vocabulary.customer_lookup(token)
        if not found:
            continue
        before, after = text[: match.start()], text[match.end():]
        if re.search(r"\b(customer|client|id|shopper|buyer|account)\s*#?\s*$", before) or not (
                re.search(quantity_before, before) or re.match(quantity_after, after)):
            return found
    return None


def explicit_customer_id(question: str) -> str | None:
    """An id the question clearly names as a customer ('customer C00099'), even if the shop does not know it."""
    match = re.search(r"\b(?:customer|client|shopper|account)\s+(?:id\s+|number\s+|no\.?\s+)?#?([A-Za-z]{0,3}\d{3,}"
                      r"[\w\-]*)\b", question, flags=re.IGNORECASE)
    return match.group(1) if match else None


def _segment_numbers(text: str, vocabulary: ShopVocabulary) -> list[int]:
    label = r"\b(?:segment|seg|cluster|group|persona)s?\s*(?:number\s+|no\.?\s*)?#?"
    number = r"(\d+|" + "|".join(SEGMENT_NUMBER_WORDS) + r")"
    not_a_quantity = r"\b(?!\s*(?:%|" + quantities.UNIT + "))"
    first = re.finditer(label + number + not_a_quantity, text)
    joiner = r"\s*(?:and|&|vs\.?|versus|with|to|against|,|or)\s*(?:" + label[2:] + r")?#?"
    second = re.finditer(label + "(?:" + number[1:-1] + ")" + joiner + number + not_a_quantity, text)
    numbers = [int(quantities.to_number(match.group(1))) for match in (*first, *second)]
    ordinal = re.search(r"\bthe (first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth) (one|segment|group|"
                        r"persona|cluster)\b", text)
    if ordinal:
        numbers.append(ORDINALS.index(ordinal.group(1)) + 1)
    for segment in vocabulary.segments:
        if len(segment.slug) > 2 and contains_phrase(text, segment.slug.lower()) and segment.id not in numbers:
            numbers.append(segment.id)
    return list(dict.fromkeys(numbers))
