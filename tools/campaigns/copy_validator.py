"""Every draft, from any writer, is checked here before a user sees it (DESIGN.md §10).

:func:`validate_draft` returns violations phrased as instructions ("subject is 72 characters; the limit is
60"), so the same list repairs a model's draft and explains a fallback to the user. The rules come from the
brand config and the evidence: a draft may name only the evidence's products and categories, state only
its prices, and promise only the requested offer, within the brand's maximum.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tools.campaigns.brand import BrandSettings
from tools.campaigns.copy_checks import (
    CALENDAR_PHRASES,
    find_avoided,
    find_contact_details,
    find_discounts,
    find_links,
    find_placeholders,
    find_prices,
    sms_length,
    unverified_names,
)
from tools.campaigns.drafts import Draft
from tools.campaigns.offers import Offer, mask_offer, parse_offer, quotes_offer

__all__ = ["CopyRules", "Offer", "Violation", "describe_violations", "parse_offer", "validate_draft"]

EMAIL_BODY_MAX_WORDS = 300
# In these languages every noun starts with a capital, so capitals do not mark invented names.
NOUN_CAPITALISING = frozenset({"de", "lb"})
NGRAM_MAX_WORDS = 8


@dataclass(frozen=True)
class Violation:
    """One broken rule: which field, which rule, and a sentence saying what to change."""

    field: str
    rule: str
    message: str


def normalise_phrase(text: str) -> str:
    """Lower-case words joined by single spaces, for matching names regardless of case and punctuation."""
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


NameLookup = Callable[[set[str]], set[str]]


def _no_names(candidates: set[str]) -> set[str]:
    return set()


@dataclass
class CopyRules:
    """What a draft is checked against; build once per campaign with the evidence and brand.

    ``catalogue`` holds the shop's other product and category names (only multi-word ones: single words
    like "home" are ordinary vocabulary); ``is_customer_name`` returns which candidate phrases are the
    names of real customers, so PII is caught without loading every customer into memory.
    """

    brand: BrandSettings
    offer: Offer | None = None
    allowed_names: list[str] = field(default_factory=list)
    allowed_prices: set[float] = field(default_factory=set)
    catalogue: set[str] = field(default_factory=set)
    is_customer_name: NameLookup = _no_names
    language: str = "en"
    evidence_phrases: list[str] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        allowed = {normalise_phrase(name) for name in self.allowed_names} - {""}
        self.catalogue = {normalise_phrase(n) for n in self.catalogue if len(normalise_phrase(n).split()) > 1}
        self.catalogue -= allowed
        self.evidence_phrases = sorted(allowed, key=len, reverse=True)
        brand = self.brand
        self.allowed_names = [*self.allowed_names, brand.name, brand.sender, brand.signature, brand.sms_opt_out,
                              *CALENDAR_PHRASES]


def validate_draft(draft: Draft, rules: CopyRules) -> list[Violation]:
    """All the ways ``draft`` breaks the channel limits, brand policy or evidence; empty means valid."""
    violations = _check_required(draft) + _check_lengths(draft, rules.brand)
    for name, text in draft.text_fields().items():
        violations += _check_text(name, text, rules)
    violations += _check_customer_names(draft, rules)
    violations += _check_offer(draft, rules.offer)
    return _unique(violations)


def _check_offer(draft: Draft, offer: Offer | None) -> list[Violation]:
    """The offer appears word for word (email: in the body; push: title or body), and no field mentions its
    discount without the conditions that come with it."""
    if offer is None:
        return []
    fields = draft.text_fields()
    where = [fields["body"]] if draft.channel == "email" else list(fields.values())
    found = [] if any(quotes_offer(text, offer) for text in where) else [Violation(
        "body", "offer_missing", f"the draft must include the offer exactly as written: \"{offer.text}\".")]
    if offer.has_conditions:
        for name, text in fields.items():
            partial = [d for d in find_discounts(mask_offer(text, offer)) if _matches_offer(d.kind, d.value, offer)]
            found += [Violation(name, "offer_condition", f"{name} mentions {d.text.strip()} without its conditions "
                                                         f"({'; '.join(offer.conditions)}); write the offer in full: "
                                                         f"\"{offer.text}\".") for d in partial[:1]]
    return found


def _check_required(draft: Draft) -> list[Violation]:
    return [Violation(name, "missing", f"{name} is empty; write one.")
            for name, text in draft.text_fields().items() if not text.strip()]


def _check_lengths(draft: Draft, brand: BrandSettings) -> list[Violation]:
    limits = {"email": {"subject": brand.email_subject_max, "preheader": brand.email_preheader_max},
              "push": {"title": brand.push_title_max, "body": brand.push_body_max}}.get(draft.channel, {})
    found = [Violation(name, "too_long", f"{name} is {len(text)} characters; the limit is {limit}.")
             for name, text in draft.text_fields().items()
             if (limit := limits.get(name)) is not None and len(text) > limit]
    if draft.channel == "email" and len(draft.body.split()) > EMAIL_BODY_MAX_WORDS:
        found.append(Violation("body", "too_long", f"body is {len(draft.body.split())} words; keep it under "
                                                   f"{EMAIL_BODY_MAX_WORDS}."))
    if draft.channel == "sms":
        found += _check_sms(draft.body, brand)
    for name, text in draft.text_fields().items():
        if name != "body" and "\n" in text.strip():
            found.append(Violation(name, "line_break", f"{name} must be a single line."))
    return found


def _check_sms(message: str, brand: BrandSettings) -> list[Violation]:
    found = []
    length = sms_length(message, brand.sms_max)
    if length.units > length.limit:
        why = (f" because it contains non-GSM characters ({length.non_gsm}) and is sent as UCS-2"
               if length.encoding == "UCS-2" else "")
        found.append(Violation("body", "too_long", f"the SMS is {length.units} {length.encoding} characters "
                                                   f"including the opt-out line; the limit is {length.limit}{why}."))
    if brand.sms_opt_out.strip().lower() not in message.lower():
        found.append(Violation("body", "opt_out", f"the SMS must end with the opt-out line "
                                                  f"\"{brand.sms_opt_out.strip()}\"."))
    return found


def _check_text(name: str, text: str, rules: CopyRules) -> list[Violation]:
    found = _check_wording(name, text, rules)
    # the offer's own words (its threshold price, a code in capitals) are the user's: check around them
    text = mask_offer(text, rules.offer)
    found += _check_discounts(name, text, rules)
    found += [Violation(name, "price", f"{name} states the price {shown}, which is not in the evidence; "
                                       "remove it or use a listed price.")
              for value, shown in find_prices(text) if round(value, 2) not in rules.allowed_prices]
    if rules.language not in NOUN_CAPITALISING:
        found += [Violation(name, "unknown_name", f"{name} names \"{phrase}\", which is not in the evidence; name "
                                                  "only the listed products and categories, and write in sentence "
                                                  "case.") for phrase in unverified_names(text, rules.allowed_names)]
    found += [Violation(name, "other_product", f"{name} mentions \"{item}\", a product or category this "
                                               "audience's evidence does not list; promote only listed ones.")
              for item in sorted(_ngrams(text, skip=rules.evidence_phrases) & rules.catalogue)]
    return found


def _check_wording(name: str, text: str, rules: CopyRules) -> list[Violation]:
    found = [Violation(name, "placeholder", f"{name} has an unfilled placeholder {p!r}; write the final text.")
             for p in find_placeholders(text)]
    found += [Violation(name, "avoided_word", f"{name} uses \"{word}\", which the brand avoids.")
              for word in find_avoided(text, rules.brand.avoid_words)]
    found += [Violation(name, "pii", f"{name} contains contact details ({detail}); remove them.")
              for detail in find_contact_details(text)]
    found += _check_links(name, text, rules.brand)
    return found


def _check_links(name: str, text: str, brand: BrandSettings) -> list[Violation]:
    allowed = brand.shop_url.strip().rstrip("/").lower()
    return [Violation(name, "link", f"{name} links to {link}; use only the shop link"
                                    f"{' ' + brand.shop_url if allowed else ' (none is configured, so no links)'}.")
            for link in find_links(text) if not allowed or not link.lower().startswith(allowed)]


def _check_discounts(name: str, text: str, rules: CopyRules) -> list[Violation]:
    brand, offer, found = rules.brand, rules.offer, []
    for discount in find_discounts(text):
        limit = {"percent": brand.max_discount_percent, "amount": brand.max_discount_amount}.get(discount.kind)
        if limit is not None and discount.value > limit:
            unit = "%" if discount.kind == "percent" else " (currency)"
            found.append(Violation(name, "discount", f"{name} offers {discount.text.strip()}, above the brand "
                                                     f"maximum of {limit:g}{unit}."))
        elif not _matches_offer(discount.kind, discount.value, offer):
            allowed = f"only the offer \"{offer.text}\"" if offer else "no discount (no offer was given)"
            found.append(Violation(name, "invented_offer", f"{name} promises {discount.text.strip()}; "
                                                           f"mention {allowed}."))
    return found


def _matches_offer(kind: str, value: float, offer: Offer | None) -> bool:
    if offer is None:
        return False
    if kind == "free":
        return "free" in offer.text.lower()
    return any(d.kind == kind and abs(d.value - value) < 1e-9 for d in find_discounts(offer.text)) or (
        offer.kind == kind and abs(offer.value - value) < 1e-9)


def _check_customer_names(draft: Draft, rules: CopyRules) -> list[Violation]:
    candidates = {gram for gram in _ngrams(draft.all_text(), max_words=4) if len(gram.split()) >= 2}
    return [Violation("body", "pii", f"the draft names a real customer (\"{name}\"); never include customer names.")
            for name in sorted(rules.is_customer_name(candidates))]


def _ngrams(text: str, max_words: int = NGRAM_MAX_WORDS, skip: list[str] | None = None) -> set[str]:
    """Word n-grams within sentences, leaving out the ``skip`` phrases (so a listed product's name never
    yields a shorter, unlisted product name hidden inside it)."""
    grams: set[str] = set()
    for sentence in re.split(r"[.!?;:\n]+", text):
        padded = f" {normalise_phrase(sentence)} "
        for phrase in skip or []:
            padded = padded.replace(f" {phrase} ", " \x00 ")
        for part in padded.split("\x00"):
            words = part.split()
            grams |= {" ".join(words[i:i + n]) for n in range(1, max_words + 1) for i in range(len(words) - n + 1)}
    return grams


def _unique(violations: Iterable[Violation]) -> list[Violation]:
    return list(dict.fromkeys(violations))


def describe_violations(violations: list[Violation], limit: int = 3) -> str:
    """A short human summary, e.g. for a warning: the first few messages joined."""
    shown = "; ".join(v.message.rstrip(".") for v in violations[:limit])
    return shown + (f" (and {len(violations) - limit} more)" if len(violations) > limit else "")
