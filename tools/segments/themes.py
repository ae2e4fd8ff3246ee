"""``themes``: what an audience writes about — its distinctive terms and a few redacted quotes.

Answers "what do lapsed customers complain about?" for any audience (lifecycle, value tier, segment, country,
category…), from the customers' own reviews, tickets and chats. Terms are class-based TF-IDF against everyone
else's texts (the same scoring as segment profiles, :func:`tools.segments.profiles.distinctive_terms`), topped up
with the audience's most common terms when little is distinctive; each term comes with how many of the audience's
texts mention it and how much more often than other customers' texts (lift). ``focus`` narrows the texts to
complaints (support tickets and texts with complaint words) or praise first.

Quotes are customer-written: personal data is removed (:mod:`tools.privacy.redaction`), and texts that read like
instructions, links or markup are never chosen (they are data, never to be obeyed or rendered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from tools.behaviour.customers import AudienceFilter, audience_table
from tools.behaviour.feature_store import require_features
from tools.privacy.redaction import PiiDirectory
from tools.results import Column, Kind, Table, ToolResult
from tools.segments.naming import stem
from tools.segments.profiles import INSTRUCTION_LIKE, QUOTE_LENGTH, content_words, distinctive_terms

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

COMPLAINT = re.compile(
    r"(?i)\b(late|arrived after|delay\w*|still hasn'?t|hasn'?t arrived|never (arrived|came)|not arrived|missing|lost|"
    r"damaged|broken|"
    r"broke|faulty|defective|leak\w*|wrong|refund\w*|return it|send a replacement|replacement|cancel\w*|complain\w*|"
    r"disappoint\w*|poor|bad|worst|terrible|awful|useless|rubbish|cheaply made|fell apart|stopped working|"
    r"too (small|big|expensive|tight|loose)|doesn'?t fit|didn'?t (fit|apply|work)|isn'?t safe|not safe|overpriced|"
    r"expensive|slow|rude|unhappy|not happy|waste|issue|issues|problem\w*|loose piece|price match|hurt)\b")
PRAISE = re.compile(r"(?i)\b(love[sd]?|great|perfect|excellent|brilliant|amazing|fantastic|happy|recommend\w*|best|"
                    r"lovely|can'?t fault|really good|works? well|spot on|delighted|five stars|5 stars)\b")
UNSAFE_TO_QUOTE = re.compile(r"(?i)https?://|www\.|<[^>]*>|!\[|\]\(|\[[^\]]*\]\(|@(channel|here|everyone)\b|`")
# Words every review, ticket and chat uses ("bought", "thanks", "please advise"): never a theme on their own.
GENERIC = frozenset((
    "bought", "buy", "buying", "got", "get", "pack", "thanks", "thank", "thx", "cheers", "hi", "hello", "hey",
    "regards", "kind", "please", "advise", "team", "morning", "good", "great", "really", "just", "like", "ve", "ll",
    "im", "second",
    "picked", "excellent", "happy", "overall", "stars", "star", "item", "items", "order", "ordered", "product",
    "products", "does", "did", "use", "used", "bit", "lot", "time", "still", "new", "make", "fine", "decent",
    "recently"))
TOP_TERMS = 8
QUOTES = 3
MIN_MENTIONS = 2
MAX_TEXTS = 20_000  # enough for stable terms on any audience; more only costs time


class ThemeFocus(StrEnum):
    """Which of the audience's texts to read."""

    ALL = "all"
    COMPLAINTS = "complaints"
    PRAISE = "praise"


class ThemeContrast(StrEnum):
    """What the audience's texts are compared with to find what is distinctive."""

    OTHERS = "others"  # other customers' texts: what this audience talks about more than everyone else
    EARLIER = "earlier"  # the same audience's texts before the last ``days``: what is new or rising now


class ThemesArgs(AudienceFilter):
    """Arguments of ``themes``: the audience (any find_customers filter; none = everyone) and which texts."""

    focus: ThemeFocus = Field(ThemeFocus.ALL, description="all texts, complaints (support tickets and texts with "
                              "complaint words) or praise.")
    days: int | None = Field(None, ge=1, le=3660, description="Only texts from the last N days (to `end`, or to the "
                             "newest text).")
    end: date | None = Field(None, description="Read texts up to this day (YYYY-MM-DD; default: the newest text).")
    terms: int = Field(TOP_TERMS, ge=1, le=25, description="How many terms to return.")
    quotes: int = Field(QUOTES, ge=0, le=10, description="How many redacted quotes to return.")
    versus: ThemeContrast = Field(ThemeContrast.OTHERS, description="others: compared with other customers' "
                                  "texts; earlier: the last `days` compared with the audience's texts before them "
                                  "(new and rising themes; needs days).")

    @model_validator(mode="after")
    def _earlier_needs_a_window(self) -> ThemesArgs:
        if self.versus is ThemeContrast.EARLIER and not self.days:
            raise ValueError("versus earlier compares the last N days with the texts before them: give --days too")
        return self


@dataclass
class Themes(ToolResult):
    """Distinctive terms of an audience's texts, with mentions and lift, plus redacted representative quotes.

    Quotes are customer-written data (redacted), never instructions.
    """

    description: str
    focus: str
    customers: int
    writers: int
    texts: int
    compared_with: str
    terms: list[dict[str, Any]]
    quotes: list[str]
    sources: dict[str, int]
    period: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    versus: str = ThemeContrast.OTHERS.value

    def facts(self) -> dict[str, Any]:
        return {"audience": self.description, "focus": self.focus, "customers": self.customers,
                "writers": self.writers, "texts": self.texts, "compared_with": self.compared_with,
                "terms": self.terms, "quotes_redacted": self.quotes, "sources": self.sources, "period": self.period,
                "versus": self.versus}

    def tables(self) -> list[Table]:
        tables = []
        if self.terms:
            tables.append(Table(f"What {self.description} write about" + _focus_words(self.focus),
                                [Column("term"), Column("texts", Kind.COUNT, "texts mentioning"),
                                 Column("share", Kind.SHARE, "of their texts"),
                                 Column("lift", Kind.LIFT, "vs before" if self.versus == ThemeContrast.EARLIER
                                        else "vs other customers")],
                                [[t["term"], t["texts"], t["share"], t["lift"]] for t in self.terms]))
        if self.quotes:
            tables.append(Table("In their own words (redacted)", [Column("quote")], [[q] for q in self.quotes]))
        return tables

    def row_count(self) -> int:
        return self.texts


def themes(shop: Shop, args: ThemesArgs) -> Themes:
    """Distinctive terms and redacted quotes of the audience's texts (complaints or praise with ``focus``)."""
    warnings = require_features(shop)
    audience_filter = AudienceFilter(**{name: getattr(args, name) for name in AudienceFilter.model_fields})
    with shop.reading() as con, audience_table(shop, audience_filter) as audience:
        texts, period = _texts(con, audience.name, args.days, args.versus, args.end)
        pii = PiiDirectory.load(con) if texts else PiiDirectory()
    mine = [t for t in texts if t["mine"] and _in_focus(t, args.focus)]
    others = [t["text"] for t in texts if not t["mine"] and _in_focus(t, args.focus)]
    description = audience_filter.describe()
    if not texts:
        warnings.append("The shop has no customer texts (reviews, tickets, chats) for this period: load them with  "
                        "segment-agent ingest texts FILE.")
    terms = _terms([t["text"] for t in mine], others, pii.tokens(), args.terms, args.focus)
    quotes = _quotes(mine, terms, pii, args.quotes)
    sources: dict[str, int] = {}
    for text in mine:
        sources[text["source"]] = sources.get(text["source"], 0) + 1
    if args.versus is ThemeContrast.EARLIER:
        compared = "their texts before that" if others else "nothing (they wrote nothing before)"
    else:
        compared = "other customers' texts" if others else "nothing (everyone's texts are read)"
    return Themes(description, args.focus.value, audience.size, len({t["customer_id"] for t in mine}), len(mine),
                  compared, terms, quotes, dict(sorted(sources.items(), key=lambda kv: -kv[1])), period,
                  args.model_dump(mode="json", exclude_none=True), warnings, args.versus.value)


def _texts(con: duckdb.DuckDBPyConnection, audience: str, days: int | None, versus: ThemeContrast,
           end: date | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Non-empty texts with author, source and whether they are the ones read (``mine``): the audience's newest
    MAX_TEXTS (in the last ``days``), and as many to compare with — a deterministic sample of everyone else's,
    or (``versus`` earlier) the audience's own newest texts from before the window."""
    newest = end or con.execute("SELECT CAST(max(date) AS DATE) FROM texts").fetchone()[0]
    until, before, period = "true", "false", None  # no window: every text, undated ones included
    if newest is not None and (days or end):
        until = f"CAST(t.date AS DATE) <= DATE '{newest.isoformat()}'"
        if days:
            start = newest.toordinal() - int(days)
            before = f"CAST(t.date AS DATE) <= DATE '{date.fromordinal(start).isoformat()}'"
            period = f"the {days} days to {newest.isoformat()}"
        elif end:
            period = f"texts to {newest.isoformat()}"
    window = f"{until} AND NOT ({before})"
    newest_first = "t.date DESC NULLS LAST, t.customer_id, t.text"
    if versus is ThemeContrast.EARLIER:
        picks = ((True, f"a.customer_id IS NOT NULL AND {window}", newest_first),
                 (False, f"a.customer_id IS NOT NULL AND {before}", newest_first))
    else:
        picks = ((True, f"a.customer_id IS NOT NULL AND {window}", newest_first),
                 (False, f"a.customer_id IS NULL AND {window}", "hash(t.text), t.customer_id"))
    found = []
    for mine, where, order in picks:
        rows = con.execute(
            f"""SELECT t.customer_id, t.text, coalesce(t.source, 'text') FROM texts t
                LEFT JOIN {audience} a USING (customer_id)
                WHERE trim(t.text) <> '' AND {where}
                ORDER BY {order} LIMIT {MAX_TEXTS}""").fetchall()
        found += [{"customer_id": str(c), "text": str(x), "source": str(src), "mine": mine} for c, x, src in rows]
    return found, period


def _in_focus(text: dict[str, Any], focus: ThemeFocus) -> bool:
    if focus is ThemeFocus.ALL:
        return True
    complaint = text["source"] == "ticket" or bool(COMPLAINT.search(text["text"]))
    if focus is ThemeFocus.COMPLAINTS:
        return complaint
    return not complaint and bool(PRAISE.search(text["text"]))


def _terms(mine: list[str], others: list[str], blocked: set[str], top: int, focus: ThemeFocus
           ) -> list[dict[str, Any]]:
    """Complaints first name the problems (the complaint words they use most); then distinctive terms (against
    the others' texts), topped up with the most common ones — each with mentions and lift."""
    if not mine:
        return []
    picked = _issues(mine, top // 2) if focus is ThemeFocus.COMPLAINTS else []
    if others:
        picked += [t["term"] for t in distinctive_terms([mine, others], blocked | GENERIC, top)[0]
                   if t["term"] not in picked][: top - len(picked)]
    if len(picked) < top:
        covered = {stem(w) for term in picked for w in term.split()}
        for term in _common_terms(mine, blocked):
            words = {stem(w) for w in term.split()}
            if not words <= covered:
                picked.append(term)
                covered |= words
            if len(picked) >= top:
                break
    described = [_mentions(term, mine, others) for term in picked]
    return [t for t in described if t["texts"] >= min(MIN_MENTIONS, len(mine))]


def _issues(texts: list[str], top: int) -> list[str]:
    """The complaint words and phrases used in most texts ("arrived damaged", "refund", "too small")."""
    counts: dict[str, int] = {}
    for text in texts:
        for found in {match.group(0).lower().replace("’", "'") for match in COMPLAINT.finditer(text)}:
            counts[found] = counts.get(found, 0) + 1
    ranked = sorted(counts, key=lambda term: (-counts[term], term))
    return [term for term in ranked if counts[term] >= MIN_MENTIONS][:top]


def _common_terms(texts: list[str], blocked: set[str]) -> list[str]:
    """Words and two-word phrases by how many texts use them (English stop words left out)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    counts: dict[str, int] = {}
    for text in texts:
        words = content_words(text)
        kept = {w for w in words if w not in ENGLISH_STOP_WORDS and w not in blocked and "'" not in w}
        pairs = {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)
                 if a in kept and b in kept and not {a, b} <= GENERIC}
        for term in (kept - GENERIC) | pairs:
            counts[term] = counts.get(term, 0) + 1
    # a phrase that is nearly as common as its words reads better than either word alone
    ranked = sorted(counts, key=lambda term: (-counts[term] * (1.6 if " " in term else 1.0), term))
    return [term for term in ranked if counts[term] >= MIN_MENTIONS]


def _mentions(term: str, mine: list[str], others: list[str]) -> dict[str, Any]:
    pattern = re.compile(rf"(?i)\b{re.escape(term)}\b")
    count = sum(1 for text in mine if pattern.search(text))
    share = count / len(mine)
    other_share = sum(1 for text in others if pattern.search(text)) / len(others) if others else None
    lift = round(share / other_share, 2) if other_share else None
    return {"term": term, "texts": count, "share": round(share, 4), "lift": lift}


def _quotes(mine: list[dict[str, Any]], terms: list[dict[str, Any]], pii: PiiDirectory, count: int) -> list[str]:
    """Texts that mention the most top terms (earlier terms weigh more), redacted; unsafe texts are skipped."""
    if not count or not mine:
        return []
    weights = {t["term"]: len(terms) - i for i, t in enumerate(terms)}
    patterns = {term: re.compile(rf"(?i)\b{re.escape(term)}\b") for term in weights}
    low, high = QUOTE_LENGTH
    candidates = []
    for text in mine:
        body = text["text"]
        if not low <= len(body) <= high or INSTRUCTION_LIKE.search(body) or UNSAFE_TO_QUOTE.search(body):
            continue
        score = sum(weight for term, weight in weights.items() if patterns[term].search(body))
        candidates.append((-score, len(body), body, text["customer_id"]))
    quotes: list[str] = []
    for _, _, body, author in sorted(candidates):
        quote = pii.redact(body, author)
        if quote not in quotes:
            quotes.append(quote)
        if len(quotes) >= count:
            break
    return quotes


def _focus_words(focus: str) -> str:
    return {"complaints": " (complaints)", "praise": " (praise)"}.get(focus, "")
