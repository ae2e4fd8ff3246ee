"""How unhappy an audience sounds: the share of its texts that read as complaints.

English texts are scored with VADER (a well-kept, rule-based sentiment lexicon: no model, no network);
a text with a compound score of -0.3 or below counts as negative. Texts in other languages count as
negative when they use the complaint words of their own language below (broken, faulty, disappointed…),
because VADER's lexicon is English only. An audience where at least 30% of texts are negative is
complaint-heavy: its copy leads with service, not a cheerful discount.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tools.campaigns.language import AudienceLanguage, detect_language

if TYPE_CHECKING:
    import duckdb

NEGATIVE_COMPOUND = -0.3
COMPLAINT_SHARE = 0.3
MIN_TEXTS = 10  # fewer texts than this say nothing about a whole audience
MAX_TEXTS = 400  # enough to tell 30% from 20% negative (± 2.3 points), in about 0.3 s
ALL_ENGLISH = 0.95  # an audience this English is scored with VADER throughout, with no per-text detection
COMPLAINT_WORDS = {
    "de": r"kaputt|defekt|beschädigt|zerbrochen|gebrochen|enttäuscht|enttäuschend|reklamation|beschwerde|"
          r"mangelhaft|schlecht|ärgerlich|zurückgeschickt|nie wieder|fehlt|gesprungen",
    "fr": r"cassée?s?|abîmée?s?|défectueu(?:x|se)|déçue?s?|décevant|plainte|remboursement|mauvaise?|jamais plus|"
          r"manquant|endommagée?s?",
    "es": r"rot[oa]s?|defectuos[oa]s?|decepcionad[oa]|queja|reembolso|mal[oa]?|dañad[oa]s?|nunca más",
    "nl": r"kapot|defect|beschadigd|teleurgesteld|klacht|slecht|nooit meer|gebroken",
    "it": r"rott[oa]|difettos[oa]|delus[oa]|reclamo|rimborso|danneggiat[oa]|mai più",
}


@dataclass(frozen=True)
class AudienceSentiment:
    """How many of an audience's texts were scored, and the share that read as complaints."""

    texts: int
    negative_share: float

    @property
    def is_complaint_heavy(self) -> bool:
        return self.texts >= MIN_TEXTS and self.negative_share >= COMPLAINT_SHARE

    def to_json(self) -> dict[str, Any]:
        return {"texts": self.texts, "negative_share": round(self.negative_share, 3),
                "complaint_heavy": self.is_complaint_heavy}


@functools.cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.cache
def _complaint_pattern(language: str) -> re.Pattern[str] | None:
    words = COMPLAINT_WORDS.get(language)
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE) if words else None


def is_negative(text: str, language: str | None = None) -> bool:
    """True when ``text`` reads as a complaint (VADER for English, complaint words for other languages)."""
    language = language or detect_language(text) or "en"
    if language == "en":
        return _vader().polarity_scores(text)["compound"] <= NEGATIVE_COMPOUND
    pattern = _complaint_pattern(language)
    return bool(pattern and pattern.search(text))


def audience_sentiment(con: duckdb.DuckDBPyConnection, group_table: str,
                       language: AudienceLanguage | None = None) -> AudienceSentiment:
    """The share of the group's texts (a fixed sample of at most MAX_TEXTS) that read as complaints."""
    texts = [str(row[0]) for row in con.execute(
        f"SELECT t.text FROM texts t JOIN (SELECT DISTINCT customer_id FROM {group_table}) g USING (customer_id) "
        f"WHERE t.text IS NOT NULL ORDER BY md5(t.text) LIMIT {MAX_TEXTS}").fetchall()]
    if not texts:
        return AudienceSentiment(0, 0.0)
    english = language is not None and language.mix.get("en", 0.0) >= ALL_ENGLISH
    negative = sum(is_negative(text, "en" if english else None) for text in texts)
    return AudienceSentiment(len(texts), negative / len(texts))
