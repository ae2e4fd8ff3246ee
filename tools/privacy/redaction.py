"""Remove personal data from customer text before anyone else sees it (DESIGN.md §11).

Segment profiles, campaign evidence and anything sent to a language model quote what customers wrote.
Those quotes must not carry emails, phone numbers, street addresses or the names of the people in the
customers table, including names volunteered as "my name is …". :func:`redact` does the text work;
:func:`known_pii` reads the values the shop itself knows about a set of customers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"
ADDRESS_TOKEN = "[address]"
NAME_TOKEN = "[name]"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Digits with the separators people type, a leading + or 00 for international numbers; at least
# MIN_PHONE_DIGITS of them, so prices ("£129.99"), quantities and ISO dates are left alone.
PHONE = re.compile(r"(?<![\w.])(?:\+|00)?\(?\d[\d\s().-]{6,}\d(?![\w]|\.\d)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Dates and datetimes ("2026-01-01", "2026-01-01 12:30") are never phone numbers, nor part of one.
ISO_DATE_PIECE = re.compile(r"(\d{4}-\d{2}-\d{2}(?:[ T]\d{2}(?::\d{2}){1,2}(?:\.\d+)?)?)")
# How software writes a number (an amount, a count, an id): digits, at most one decimal point, no separators.
MACHINE_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
# ... which is still a phone when it is a national number: a leading 0, then 9–10 more digits (07700900123).
NATIONAL_NUMBER = re.compile(r"0[1-9]\d{8,9}")
MAX_PHONE_DIGITS = 15  # E.164
LOCAL_PHONE = re.compile(r"(?<![\w.-])\d{3}[-.]\d{4}(?![\w-])")  # 555-0123: a number without its area code
MIN_PHONE_DIGITS = 9
STREET_WORDS = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Court|Ct|Place|Pl|Crescent|Terrace|Gardens|"
    r"Boulevard|Blvd|Square|Sq|Grove|Mews|Row|Parade|Hill|Park|Strasse|Straße|Weg|Platz|Laan|Straat|Gracht|Calle|"
    r"Rue|Avenida"
)
STREET_ADDRESS = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'’-]*\.?\s+){{0,3}}(?:{STREET_WORDS})\b\.?"
    rf"|\b(?:{r'Rue|Calle|Avenida|Via'})\s+(?:[\w'’-]+\s+){{0,3}}\d{{1,5}}\b"
    rf"|\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|weg|platz|laan|straat|gracht)\s+\d{{1,5}}[a-z]?\b",
)
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
US_ZIP_AFTER_STATE = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")
SELF_NAMED = re.compile(
    r"(?i:\b(my name is|my name's|i am called|i'm called))(,?\s+)"
    r"([^\W\d_][\w'’-]*(?:\s+(?:de|van|von|der|den|la|le|du|da|[A-Z][\w'’-]+)){0,3})"
)
MIN_NAME_PART = 3


def redact(text: str, known_pii: Iterable[str] = ()) -> str:
    """``text`` without emails, phone numbers, street addresses, postcodes and the given known values.

    ``known_pii`` holds values the shop knows (a customer's name, email, phone): each is removed wherever
    it appears, case-insensitively; names are also removed part by part ("Sarah", "Jones"), so a
    signature with only a first name goes too. Self-introductions ("my name is Sam Hill") are removed even
    when the name is unknown. Placeholders in square brackets keep the sentence readable.
    """
    text = EMAIL.sub(EMAIL_TOKEN, text)
    text = STREET_ADDRESS.sub(ADDRESS_TOKEN, text)
    text = UK_POSTCODE.sub(ADDRESS_TOKEN, text)
    text = US_ZIP_AFTER_STATE.sub(ADDRESS_TOKEN, text)
    text = PHONE.sub(_phone_or_original, text)
    text = LOCAL_PHONE.sub(PHONE_TOKEN, text)
    text = _remove_known(text, known_pii)
    return _remove_self_introductions(text)


def _remove_known(text: str, known_pii: Iterable[str]) -> str:
    """Replace each known value anywhere (any case), and each capitalised part of a known name."""
    values = {v.strip() for v in known_pii if v and v.strip()}
    for value in sorted(values, key=len, reverse=True):
        if _is_phone_like(value):
            text = _digits_pattern(value).sub(PHONE_TOKEN, text)
        else:
            token = EMAIL_TOKEN if "@" in value else NAME_TOKEN
            text = re.sub(r"(?<![\w@])" + re.escape(value) + r"(?![\w@])", token, text, flags=re.IGNORECASE)
    # Parts match case-sensitively: "Will" the signature goes, "will" the verb stays.
    parts = {part for v in values if "@" not in v and not _is_phone_like(v)
             for part in re.split(r"[\s,]+", v) if len(part) >= MIN_NAME_PART and part[0].isupper()}
    for part in sorted(parts, key=len, reverse=True):
        text = re.sub(r"(?<![\w@])" + re.escape(part) + r"(?![\w@])", NAME_TOKEN, text)
    return text


def _remove_self_introductions(text: str) -> str:
    """Hide the name after "my name is" even when the customers table does not know it."""
    return SELF_NAMED.sub(lambda m: f"{m.group(1)}{m.group(2)}{NAME_TOKEN}", text)


def _phone_or_original(match: re.Match[str]) -> str:
    candidate = match.group(0)
    if ISO_DATE.search(candidate):  # "2026-01-01 0770…": keep the date, judge what surrounds it
        return "".join(piece if index % 2 else PHONE.sub(_phone_or_original, piece)
                       for index, piece in enumerate(ISO_DATE_PIECE.split(candidate)))
    return PHONE_TOKEN if looks_like_phone(candidate) else candidate


def looks_like_phone(candidate: str) -> bool:
    """Whether a run of digits and separators is a phone number rather than an amount, id or date.

    A phone has 9–15 digits. A plain number as software writes it ("123456789.12" revenue, "5000123456"
    id, a timestamp) is not one unless it has the national form 0 + 9–10 digits; an ISO date never is.
    """
    text = candidate.strip()
    digits = sum(ch.isdigit() for ch in text)
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS or ISO_DATE.fullmatch(text):
        return False
    if MACHINE_NUMBER.fullmatch(text):
        return bool(NATIONAL_NUMBER.fullmatch(text))
    return True


def _is_phone_like(value: str) -> bool:
    return sum(ch.isdigit() for ch in value) >= 7 and not re.search(r"[A-Za-z@]", value)


def _digits_pattern(phone: str) -> re.Pattern[str]:
    """A known phone number in any spacing or punctuation ("07700 900123" matches "07700-900-123")."""
    digits = re.sub(r"\D", "", phone)
    return re.compile(r"(?<!\d)" + r"[\s().+-]*".join(re.escape(d) for d in digits) + r"(?!\d)")


def known_pii(con: duckdb.DuckDBPyConnection, customer_ids: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Names, emails and phones the customers table holds, per customer id (all customers when None)."""
    has_customers = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'customers'").fetchone()[0]
    if not has_customers:
        return {}
    sql = "SELECT customer_id, name, email, phone FROM customers"
    params: list[object] = []
    if customer_ids is not None:
        ids = sorted(set(customer_ids))
        if not ids:
            return {}
        sql += " WHERE customer_id IN (SELECT unnest(?::VARCHAR[]))"
        params.append(ids)
    found: dict[str, list[str]] = {}
    for customer_id, *values in con.execute(sql, params).fetchall():
        found.setdefault(str(customer_id), []).extend(str(v) for v in values if v)
    return found


@dataclass
class PiiDirectory:
    """Every customer's known personal values, for redacting text by its author *and* by anyone named in it."""

    by_customer: dict[str, list[str]] = field(default_factory=dict)
    full_names: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> PiiDirectory:
        """Read the customers table once."""
        by_customer = known_pii(con)
        names = {v.lower() for values in by_customer.values() for v in values
                 if " " in v.strip() and "@" not in v and not _is_phone_like(v)}
        return cls(by_customer, names)

    def values_for(self, text: str, author: str | None = None) -> list[str]:
        """The author's own values plus any other customer's full name that occurs in ``text``."""
        words = re.findall(r"[^\W\d_][\w'’-]*", text.lower())
        grams = {" ".join(words[i:i + n]) for n in (2, 3, 4) for i in range(len(words) - n + 1)}
        return [*self.by_customer.get(author or "", []), *sorted(grams & self.full_names)]

    def redact(self, text: str, author: str | None = None) -> str:
        """:func:`redact` with the values this directory knows for ``text``."""
        return redact(text, self.values_for(text, author))

    def tokens(self) -> set[str]:
        """Lower-case words of every name and email, so word lists (segment terms) can drop them."""
        found: set[str] = set()
        for values in self.by_customer.values():
            for value in values:
                if not _is_phone_like(value):
                    found.update(w.lower() for w in re.findall(r"[^\W\d_]+", value) if len(w) >= 2)
        return found
