"""Detectors for what campaign copy must not contain: each finds one kind of problem in plain text.

They are deliberately strict — a false alarm costs one repair round or a template draft, a miss can send
an invented 60% discount or a customer's email address to thousands of people. ``copy_validator`` turns
their findings into violations with messages a model (or a marketer) can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
UCS2_SINGLE_SMS = 70
GSM7_SINGLE_SMS = 160


@dataclass(frozen=True)
class SmsLength:
    """How an SMS is encoded and how many of that encoding's characters it uses against its limit."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int
    limit: int
    non_gsm: str = ""


def sms_length(text: str, gsm_limit: int = GSM7_SINGLE_SMS) -> SmsLength:
    """Length as a phone network counts it: GSM-7 extension characters take 2, any non-GSM character
    (emoji, curly quotes, dashes) switches the whole message to UCS-2 with a 70/160 share of the limit."""
    non_gsm = "".join(sorted({c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION}))
    if not non_gsm:
        units = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        return SmsLength("GSM-7", units, gsm_limit)
    units = len(text.encode("utf-16-le")) // 2
    return SmsLength("UCS-2", units, gsm_limit * UCS2_SINGLE_SMS // GSM7_SINGLE_SMS, non_gsm)


@dataclass(frozen=True)
class Discount:
    """A discount promised in copy: ``kind`` is percent, amount or free (shipping, delivery, gift)."""

    kind: str
    value: float
    text: str


_NUMBER_WORDS = {
    "five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty-five": 25, "twenty five": 25, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "seventy-five": 75, "eighty": 80, "ninety": 90,
}
_NUMBER = r"(?<![\w.,])(\d+(?:[.,]\d+)*|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_PERCENT = re.compile(_NUMBER + r"\s?(?:%|per\s?cent\b|pct\b)", re.IGNORECASE)
_CURRENCY = r"(?:[£$€¥]|\b(?:GBP|USD|EUR|AUD|CAD)\s?)"
_AMOUNT = re.compile(
    _CURRENCY + r"(\d[\d,]*(?:\.\d{1,2})?)|(\d[\d,]*(?:\.\d{1,2})?)\s?(?:€|\b(?:GBP|USD|EUR|pounds|dollars|euros)\b)",
    re.IGNORECASE,
)
_DISCOUNT_AFTER = re.compile(r"^\W{0,3}\s*(?:\w+\s){0,2}?(?:off|discount|voucher|credit|back|coupon|saving|"
                             r"reduction|less|cheaper)\b", re.IGNORECASE)
_DISCOUNT_BEFORE = re.compile(r"\b(?:save|saving|savings|discount|reduced by|knock|take|up to|get|enjoy|extra)"
                              r"\W{0,3}\s*(?:\w+\s){0,2}?$", re.IGNORECASE)
_HALF = re.compile(r"\b(?:half[\s-]?(?:price|off)|50/50|bogo|buy one,? get one (?:free|half price))\b", re.IGNORECASE)
_FREE = re.compile(r"\bfree\s+(?:shipping|delivery|postage|p&p|returns|gift|gifts|sample|samples)\b", re.IGNORECASE)


def _number(text: str) -> float:
    lowered = text.lower()
    if lowered in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[lowered])
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):  # 1,000 is a thousand, 12,5 is twelve and a half
        return float(text.replace(",", ""))
    return float(text.replace(",", ".", 1).replace(",", ""))


def find_discounts(text: str) -> list[Discount]:
    """Percentages used as discounts, currency amounts 'off', half-price deals and free extras."""
    found: list[Discount] = []
    for match in _PERCENT.finditer(text):
        before, after = text[max(0, match.start() - 25):match.start()], text[match.end():match.end() + 25]
        if _DISCOUNT_AFTER.search(after) or _DISCOUNT_BEFORE.search(before):
            found.append(Discount("percent", _number(match.group(1)), match.group(0)))
    for match in _AMOUNT.finditer(text):
        if _is_discount_amount(text, match):
            found.append(Discount("amount", _amount_value(match), match.group(0)))
    found += [Discount("percent", 50.0, m.group(0)) for m in _HALF.finditer(text)]
    found += [Discount("free", 0.0, m.group(0)) for m in _FREE.finditer(text)]
    return found


def find_prices(text: str) -> list[tuple[float, str]]:
    """Currency amounts that are not discounts: prices the copy states."""
    return [(_amount_value(m), m.group(0)) for m in _AMOUNT.finditer(text) if not _is_discount_amount(text, m)]


def _is_discount_amount(text: str, match: re.Match[str]) -> bool:
    before, after = text[max(0, match.start() - 25):match.start()], text[match.end():match.end() + 25]
    return bool(_DISCOUNT_AFTER.search(after) or re.search(r"\b(?:save|saving|savings)\W{0,3}\s*$", before, re.I))


def _amount_value(match: re.Match[str]) -> float:
    return float((match.group(1) or match.group(2)).replace(",", ""))


_PLACEHOLDERS = [
    re.compile(r"\{\{[^{}]*\}\}"), re.compile(r"\{[^{}\n]*\}"), re.compile(r"\[[^\[\]\n]*\]"),
    re.compile(r"<[^<>\n]*>"), re.compile(r"\*\|[^|\n]*\|\*"), re.compile(r"%%?[A-Za-z_]+%%?"),
    re.compile(r"\$\{[^}\n]*\}"), re.compile(r"\$[A-Z][A-Z_]+\b"),
    re.compile(r"\blorem ipsum\b", re.IGNORECASE), re.compile(r"\b(?:TODO|TBD|FIXME|XXX+)\b"),
    re.compile(r"\binsert\s+(?:\w+\s+){0,3}here\b", re.IGNORECASE),
]


def find_placeholders(text: str) -> list[str]:
    """Template slots a writer forgot to fill: {name}, {{x}}, [PRODUCT], <insert …>, *|FNAME|*, %NAME%."""
    return [match.group(0) for pattern in _PLACEHOLDERS for match in pattern.finditer(text)]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.])(?:\+|00)?\d[\d\s().-]{7,}\d(?![\w.])")
_LINK = re.compile(r"\bhttps?://[^\s<>\"')]+|\bwww\.[^\s<>\"')]+", re.IGNORECASE)


def find_contact_details(text: str) -> list[str]:
    """Email addresses and phone numbers (9+ digits): copy is sent to many people and must carry neither."""
    emails = _EMAIL.findall(text)
    phones = [m.group(0) for m in _PHONE.finditer(text) if len(re.sub(r"\D", "", m.group(0))) >= 9]
    return emails + phones


def find_links(text: str) -> list[str]:
    """Web addresses in the copy."""
    return [link.rstrip(".,;:!?") for link in _LINK.findall(text)]


def find_avoided(text: str, avoid_words: tuple[str, ...] | list[str]) -> list[str]:
    """Brand-banned words and phrases present as whole words (case-insensitive; 'risk free' = 'risk-free')."""
    found = []
    for word in avoid_words:
        parts = [re.escape(part) for part in re.split(r"[\s-]+", word.strip()) if part]
        if parts and re.search(r"(?<!\w)" + r"[\s-]+".join(parts) + r"(?!\w)", text, re.IGNORECASE):
            found.append(word)
    return found


CALENDAR_PHRASES = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Black Friday", "Cyber Monday", "Boxing Day", "Christmas", "Easter", "Halloween", "Thanksgiving",
    "New Year", "Valentine's Day", "Mother's Day", "Father's Day", "Hanukkah", "Diwali", "Eid", "Ramadan",
)
_ALWAYS_ALLOWED = {"i", "i'm", "i've", "i'll", "i'd", "ok", "vip", "vips"}
_TOKEN = re.compile(r"(?P<word>[^\W\d_][\w'’-]*)|(?P<stop>[.!?:;\n…—–|•()\"“”«»])|(?P<mask>\x00)|(?P<sep>,)")


def unverified_names(text: str, allowed_phrases: list[str]) -> list[str]:
    """Capitalised words mid-sentence that are not an allowed name: likely invented products or people.

    Drafts are written in sentence case, so a capital letter after a sentence's first word marks a proper
    name; every legitimate one (brand, evidence categories and products, calendar words) is allowed.
    """
    masked = text
    for phrase in sorted({p.strip() for p in allowed_phrases if p and p.strip()}, key=len, reverse=True):
        masked = re.sub(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", "\x00", masked, flags=re.IGNORECASE)
    names, run, at_start, run_started = [], [], True, False
    for match in _TOKEN.finditer(masked):
        word = match.group("word")
        is_capital = bool(word) and word[0].isupper() and re.sub(r"['’]s$", "", word.lower()) not in _ALWAYS_ALLOWED
        if is_capital:
            run.append(word)
            run_started = run_started or not at_start
        else:
            if run and (run_started or len(run) > 1):
                names.append(" ".join(run))
            run, run_started = [], False
        at_start = bool(match.group("stop")) or (at_start and not word and match.group("mask") is None
                                                   and match.group("sep") is None)
    if run and (run_started or len(run) > 1):
        names.append(" ".join(run))
    return names
