"""Which language an audience reads: from what its customers wrote, else from where they live.

A customer's own texts are the best evidence (a German customer who writes English reviews reads English),
detected with py3langid (a small, offline model restricted to the languages below); a customer who wrote
nothing counts by their country. The audience's language is the majority; the mix is reported so a
marketer can split a mixed audience by country. Segment terms use the same detector to pick stop words.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
                  "nl": "Dutch", "pt": "Portuguese", "sv": "Swedish", "da": "Danish", "no": "Norwegian",
                  "fi": "Finnish", "pl": "Polish", "cs": "Czech", "el": "Greek", "tr": "Turkish"}
COUNTRY_LANGUAGE = {
    "united kingdom": "en", "uk": "en", "great britain": "en", "england": "en", "scotland": "en", "wales": "en",
    "ireland": "en", "eire": "en", "united states": "en", "usa": "en", "us": "en", "australia": "en",
    "canada": "en", "new zealand": "en", "channel islands": "en", "singapore": "en", "south africa": "en",
    "germany": "de", "deutschland": "de", "austria": "de", "switzerland": "de", "france": "fr",
    "belgium": "fr", "luxembourg": "fr", "spain": "es", "mexico": "es", "argentina": "es", "italy": "it",
    "netherlands": "nl", "the netherlands": "nl", "portugal": "pt", "brazil": "pt", "sweden": "sv",
    "denmark": "da", "norway": "no", "finland": "fi", "poland": "pl", "czech republic": "cs", "greece": "el",
    "cyprus": "el", "turkey": "tr",
}
MIN_TEXT_LENGTH = 20
MIN_CONFIDENCE = 0.8
TEXTS_PER_CUSTOMER = 1  # the longest text a customer wrote is enough to tell their language
MAX_CUSTOMERS = 300  # the language of a big audience is read from a fixed sample of it (about 0.2 s)
MIXED_BELOW = 0.7  # a majority smaller than this is called a mixed audience


@dataclass(frozen=True)
class AudienceLanguage:
    """The language most of an audience reads, how sure that is, and the whole mix."""

    code: str
    share: float
    mix: dict[str, float] = field(default_factory=dict)
    from_texts: float = 0.0  # share of the customers whose language came from their own texts

    @property
    def name(self) -> str:
        return language_name(self.code)

    @property
    def is_english(self) -> bool:
        return self.code == "en"

    @property
    def is_mixed(self) -> bool:
        return self.share < MIXED_BELOW

    def describe(self) -> str:
        """"German (85% of them; the rest English)", for warnings and evidence."""
        others = [f"{language_name(code)} {share:.0%}" for code, share in self.mix.items() if code != self.code]
        rest = f"; {', '.join(others[:3])}" if others else ""
        return f"{self.name} ({self.share:.0%} of them{rest})"

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "share": round(self.share, 3),
                "mix": {k: round(v, 3) for k, v in self.mix.items()}, "from_texts": round(self.from_texts, 3)}


def language_name(code: str) -> str:
    """"German" for "de"; unknown codes are shown as they are."""
    return LANGUAGE_NAMES.get(code, code)


@functools.cache
def _identifier() -> Any:
    """py3langid's model, loaded once per process and limited to the languages a shop here sells in."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(LANGUAGE_NAMES))
    return identifier


def detect_language(text: str) -> str | None:
    """The language of ``text``, or None when it is too short or the detector is unsure."""
    if len(text.strip()) < MIN_TEXT_LENGTH:
        return None
    code, confidence = _identifier().classify(text)
    return str(code) if confidence >= MIN_CONFIDENCE else None


def languages_present(texts: Iterable[str], min_share: float = 0.05, sample: int = 400) -> list[str]:
    """Languages of at least ``min_share`` of the (first ``sample``) texts, most frequent first."""
    found = Counter(code for text in list(texts)[:sample] if (code := detect_language(text)))
    total = sum(found.values())
    return [code for code, count in found.most_common() if total and count / total >= min_share]


def country_language(country: str | None) -> str | None:
    """The main language of a country name as shops write it ("Germany" -> "de"), if known."""
    return COUNTRY_LANGUAGE.get(str(country).strip().lower()) if country else None


def audience_language(con: duckdb.DuckDBPyConnection, group_table: str) -> AudienceLanguage:
    """The language of the customers in ``group_table``: their texts' language, else their country's."""
    rows = con.execute(
        f"""WITH members AS (SELECT DISTINCT g.customer_id, f.country FROM {group_table} g
                             LEFT JOIN customer_features f USING (customer_id)
                             ORDER BY md5(CAST(g.customer_id AS VARCHAR)) LIMIT {MAX_CUSTOMERS}),
                ranked AS (SELECT t.customer_id, t.text, row_number() OVER (PARTITION BY t.customer_id
                                  ORDER BY length(t.text) DESC, md5(t.text)) AS n
                           FROM texts t JOIN members USING (customer_id))
            SELECT m.country, list(r.text) FILTER (WHERE r.text IS NOT NULL)
            FROM members m LEFT JOIN ranked r ON r.customer_id = m.customer_id AND r.n <= {TEXTS_PER_CUSTOMER}
            GROUP BY m.customer_id, m.country""").fetchall()
    per_customer, from_texts = [], 0
    for country, texts in rows:
        spoken = Counter(code for text in texts or [] if (code := detect_language(str(text))))
        if spoken:
            from_texts += 1
            per_customer.append(spoken.most_common(1)[0][0])
        elif code := country_language(country):
            per_customer.append(code)
    counts = Counter(per_customer)
    if not counts:
        return AudienceLanguage("en", 1.0, {"en": 1.0})
    total = sum(counts.values())
    mix = {code: count / total for code, count in counts.most_common()}
    code = next(iter(mix))
    return AudienceLanguage(code, mix[code], mix, from_texts / max(1, len(rows)))
