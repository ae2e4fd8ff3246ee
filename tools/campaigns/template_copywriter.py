"""The built-in copywriter: goal-specific angles in the brand's voice, grounded in the evidence.

It is the default with no model and the fallback for a model's invalid drafts, so it must never fail:
each variant is rendered at decreasing richness (both products, one product, category only, generic)
and the first version that passes the validator is returned. Same input, same drafts.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from typing import NamedTuple

from tools.campaigns.copy_checks import find_avoided
from tools.campaigns.copy_evidence import CopyEvidence, ItemFact
from tools.campaigns.copy_phrases import (
    CLOSING,
    CTA_LINK,
    GREETING,
    NEUTRAL,
    OFFER_SENTENCE,
    OFFER_SHORT,
)
from tools.campaigns.copy_templates import BANK, SERVICE, Angle, Lines
from tools.campaigns.copy_validator import CopyRules, Offer, describe_violations, validate_draft
from tools.campaigns.drafts import Draft, render_email_html
from tools.concepts import Channel, Goal, Length

Slots = dict[str, str | None]
OFFER_FALLBACK = ["Enjoy {deal}.", "Here's {deal}.", "Offer: {deal}."]
PLAYFUL_EMOJI = {"winback": "👋", "welcome": "🎉", "upsell": "✨", "cross_sell": "🤝", "loyalty": "💛"}
# Slots dropped at each richness level, so a long product name or a thin profile still yields copy.
DROP_BY_LEVEL = [set(), {"product2", "pair_from", "pair_to"}, {"product", "my_product", "upgrade", "next"},
                 {"category", "my_category", "picks"}, {"brand"}]
MAJORITY = 0.5  # "your X favourites" only when most of the audience bought X
EVIDENCE_SLOTS = frozenset({"category", "my_category", "product", "my_product", "product2", "next", "upgrade",
                            "pair_from", "pair_to"})


class Line(NamedTuple):
    """A rendered line: its text, whether it carries the offer, and whether it names evidence."""

    text: str
    uses_deal: bool
    named: bool


@dataclass(frozen=True)
class CopyBrief:
    """What to write: channel, goal, the offer (already within policy), tone, length, number of variants and
    the audience's language (a model writes in it; the template writer writes English)."""

    channel: Channel
    goal: Goal
    offer: Offer | None = None
    tone: str | None = None
    variants: int = 3
    length: Length = Length.STANDARD
    language: str = "English"


class TemplateCopywriter:
    """Writes drafts from the phrase banks in :mod:`tools.campaigns.copy_templates`."""

    def write(self, evidence: CopyEvidence, brief: CopyBrief, rules: CopyRules) -> list[Draft]:
        """``brief.variants`` distinct drafts, each already validated."""
        return [self.write_variant(evidence, brief, rules, index) for index in range(brief.variants)]

    def write_variant(self, evidence: CopyEvidence, brief: CopyBrief, rules: CopyRules, index: int) -> Draft:
        """Variant ``index``: a different angle per index, at the richest level that passes the validator."""
        angles = angles_for(evidence, brief)
        start = _seed(evidence, brief) % len(angles)
        angle = angles[(start + index) % len(angles)]
        choice = index // len(angles)
        problems = []
        for dropped in _levels():
            slots = {k: v for k, v in _slots(evidence, brief, index).items() if k not in dropped}
            draft = _render(angle, brief, evidence, slots, choice)
            problems = validate_draft(draft, rules)
            if not problems:
                return draft
        raise AssertionError(f"template draft '{angle.key}' failed validation: {describe_violations(problems)}")


def angles_for(evidence: CopyEvidence, brief: CopyBrief) -> list[Angle]:
    """The goal's angles; for a complaint-heavy audience the service-led ones (help first, no cheer)."""
    return SERVICE if evidence.is_complaint_heavy else BANK[brief.goal]


def _levels() -> list[set[str]]:
    levels, dropped = [], set()
    for extra in DROP_BY_LEVEL:
        dropped = dropped | extra
        levels.append(set(dropped))
    return levels


def _seed(evidence: CopyEvidence, brief: CopyBrief) -> int:
    key = f"{evidence.label}|{brief.goal}|{brief.channel}|{brief.tone}|{brief.offer}"
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)


def _focus(evidence: CopyEvidence, index: int) -> tuple[ItemFact | None, list[ItemFact]]:
    """Variant ``index`` features the index-th over-indexed category and its own products, so variants differ
    in substance, not just wording; without categories it rotates through the products."""
    if evidence.categories:
        category = evidence.categories[index % len(evidence.categories)]
        own = [p for p in evidence.products if p.category == category.name]
        return category, own or ([] if len(evidence.categories) > 1 else evidence.products)
    shift = index % len(evidence.products) if evidence.products else 0
    return None, evidence.products[shift:] + evidence.products[:shift]


def _slots(evidence: CopyEvidence, brief: CopyBrief, index: int = 0) -> Slots:
    top_category, focus = _focus(evidence, index)
    products = [p.display for p in focus]
    upcoming = _rotated(evidence.next_products, index)
    priced = sorted((p for p in upcoming or focus if p.price), key=lambda p: -(p.price or 0))
    short, deal = _offer_phrases(brief.offer)
    loyal = evidence.value_mix.get("high", 0) >= 0.5 or evidence.lifecycle_mix.get("active", 0) >= 0.5
    top_product = focus[0] if focus else None
    pair = evidence.pairings[index % len(evidence.pairings)] if evidence.pairings else None
    return {
        "brand": evidence.brand.name.strip() or None,
        "category": top_category.display if top_category else None,
        "my_category": top_category.display if top_category and top_category.group_share >= MAJORITY else None,
        "product": products[0] if products else None,
        "my_product": top_product.display if top_product and top_product.group_share >= MAJORITY else None,
        "product2": products[1] if len(products) > 1 else None,
        "next": upcoming[0].display if upcoming else None,
        "upgrade": priced[0].display if priced else (products[0] if products else None),
        "pair_from": pair[0] if pair else None,
        "pair_to": pair[1] if pair else None,
        "offer": short, "deal": deal,
        "loyal": "one of our most loyal customers" if loyal else None,
        "gift": "" if brief.offer else None,
        "picks": "" if top_category or focus or evidence.pairings else None,
    }


def _rotated(items: list[ItemFact], index: int) -> list[ItemFact]:
    shift = index % len(items) if items else 0
    return items[shift:] + items[:shift]


def _offer_phrases(offer: Offer | None) -> tuple[str | None, str | None]:
    """(short, sentence) wording of the offer, both quoting it word for word: "15% off" and "15% off your next
    order"; an offer with conditions ("£5 off orders over £40") is never extended or shortened."""
    if offer is None:
        return None, None
    text = offer.in_sentence
    if offer.has_conditions or offer.kind not in {"percent", "amount"} or not text.lower().endswith("off"):
        return text, text
    return text, f"{text} your next order"


@dataclass(frozen=True)
class _Writing:
    """One variant being written: the angle, brief, voice, available slots and which line to choose."""

    angle: Angle
    brief: CopyBrief
    evidence: CopyEvidence
    slots: Slots
    choice: int

    @property
    def voice(self) -> str:
        """The brand's or requested voice; service-led copy is always warm (no jokes, no emoji)."""
        return "warm" if self.evidence.is_complaint_heavy else self.evidence.brand.voice_for(self.brief.tone)

    def pick(self, element: str, slots: Slots | None = None, max_length: int | None = None) -> tuple[str, bool]:
        """The chosen usable line for ``element`` of the angle (see :func:`_usable`), optionally only among
        lines up to ``max_length``; when the brand's avoided words rule out every line, a neutral one."""
        lines = GREETING if element == "greeting" else getattr(self.angle, element)
        slots = self.slots if slots is None else slots
        for options in (lines, NEUTRAL[element]):
            usable = _usable(options, self.voice, slots, self.evidence.brand.avoid_words)
            usable = [u for u in usable if max_length is None or len(u.text) <= max_length]
            if usable:
                return _by_length(usable, self.brief.length, self.choice)
        return "", False

    def offer_sentence(self, already_used: bool, short: bool = False) -> str:
        if self.brief.offer is None or already_used:
            return ""
        lines = [OFFER_SHORT[self.brief.goal]] if short else OFFER_SENTENCE[self.brief.goal]
        usable = _usable([*lines, *OFFER_FALLBACK], self.voice, self.slots, self.evidence.brand.avoid_words)
        return usable[0].text if usable else ""

    def with_emoji(self, text: str, limit: int) -> str:
        """Playful copy gets one goal emoji where the channel allows it and it fits."""
        emoji = PLAYFUL_EMOJI[self.brief.goal]
        return f"{text} {emoji}" if self.voice == "playful" and len(text) + 2 <= limit else text


def _render(angle: Angle, brief: CopyBrief, evidence: CopyEvidence, slots: Slots, choice: int) -> Draft:
    writing = _Writing(angle, brief, evidence, slots, choice)
    return {"email": _email, "sms": _sms, "push": _push}[brief.channel](writing)


def _email(w: _Writing) -> Draft:
    brand, angle = w.evidence.brand, w.angle
    subject = w.with_emoji(w.pick("subject", max_length=brand.email_subject_max)[0], brand.email_subject_max)
    preheader = w.pick("preheader", max_length=brand.email_preheader_max)[0]
    opening, used_deal = w.pick("opening")
    offer_line = w.offer_sentence(used_deal)
    evidence_line = w.pick("evidence")[0]
    middle = opening if w.brief.length is Length.SHORT else f"{opening} {evidence_line}"
    paragraphs = [w.pick("greeting")[0], middle]
    if w.brief.length is Length.LONG:
        paragraphs += _more_evidence(w, evidence_line)
    paragraphs.append(" ".join(p for p in (offer_line, w.pick("cta")[0]) if p))
    if brand.shop_url.strip():
        paragraphs.append(f"{CTA_LINK[w.voice]}: {brand.shop_url.strip()}")
    paragraphs.append(f"{_closing(angle, w.voice, brand.avoid_words)}\n{brand.signature}")
    body = "\n\n".join(paragraphs)
    return Draft("email", body, subject=subject, preheader=preheader, angle=angle.key,
                 html=render_email_html(subject, preheader, body, brand.shop_url.strip()))


def _more_evidence(w: _Writing, used: str) -> list[str]:
    """For long emails: the angle's other evidence lines (about the same products), as one more paragraph."""
    lines = [line.text for line in _usable(w.angle.evidence, w.voice, w.slots, w.evidence.brand.avoid_words)]
    extra = [line for line in dict.fromkeys(lines) if line != used][:2]
    return [" ".join(extra)] if extra else []


def _by_length(usable: list[Line], length: Length, choice: int) -> tuple[str, bool]:
    """The line to use: the shortest for short drafts, the longest for long ones, else the variant's choice;
    lines naming a product or category from the evidence always win over generic ones."""
    usable = [u for u in usable if u.named] or usable
    if length is Length.SHORT:
        line = min(usable, key=lambda u: len(u.text))
    elif length is Length.LONG:
        line = max(usable, key=lambda u: len(u.text))
    else:
        line = usable[choice % len(usable)]
    return line.text, line.uses_deal


def _closing(angle: Angle, voice: str, avoid: tuple[str, ...]) -> str:
    """Closings rotate with the angle so variants do not all end alike."""
    options = CLOSING[voice]
    start = sum(map(ord, angle.key)) % len(options)
    rotated = options[start:] + options[:start]
    return next((line for line in rotated if not find_avoided(line, avoid)), "Thanks,")


def _sms(w: _Writing) -> Draft:
    brand = w.evidence.brand
    # the sender prefix already names the shop; lines repeating it read clumsily
    core, used_deal = w.pick("sms", {**w.slots, "brand": None} if brand.sender else None)
    parts = [f"{brand.sender}: {core}" if brand.sender else core, w.offer_sentence(used_deal, short=True),
             brand.shop_url.strip(), brand.sms_opt_out.strip()]
    return Draft("sms", " ".join(p for p in parts if p), angle=w.angle.key)


def _push(w: _Writing) -> Draft:
    """Title, then a body line that leaves room for the offer (which the title may already carry)."""
    brand = w.evidence.brand
    title, title_deal = w.pick("push_title", max_length=brand.push_title_max)
    offer_line = w.offer_sentence(title_deal, short=True)
    body_slots = {**w.slots, "offer": None, "deal": None} if (title_deal or offer_line) else w.slots
    room = brand.push_body_max - (len(offer_line) + 1 if offer_line else 0)
    line = w.pick("push_body", body_slots, max_length=room)[0]
    body = " ".join(p for p in (line, offer_line) if p)
    return Draft("push", body, title=w.with_emoji(title, brand.push_title_max), angle=w.angle.key)


def _usable(lines: Lines, voice: str, slots: Slots, avoid: tuple[str, ...] | list[str]) -> list[Line]:
    """Rendered lines whose slots are all available and that use no avoided word, richest first."""
    options = (lines.get(voice) or lines["warm"]) if isinstance(lines, dict) else lines
    usable = []
    for line in options:
        fields = {name for _, name, _, _ in string.Formatter().parse(line) if name}
        if all(slots.get(name) is not None for name in fields):
            rendered = _capitalise(line.format(**{name: slots[name] for name in fields}))
            if not find_avoided(rendered, avoid):
                usable.append(Line(rendered, bool(fields & {"offer", "deal"}), bool(fields & EVIDENCE_SLOTS)))
    return usable


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
