"""Evidence for each segment: numbers, what it buys (lift), what it talks about, and its own words.

A profile is computed once per run and stored as JSON with it, so showing a segment is instant. Every
number comes from the data; names are derived from this evidence by a :class:`tools.segments.naming.SegmentNamer`.
Distinctive terms use class-based TF-IDF (BERTopic's c-TF-IDF): a term scores high when it is frequent in
this segment's texts and rare across segments. Quotes are the texts closest to the segment centroid, with
personal data removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.privacy import untrusted
from tools.privacy.redaction import PiiDirectory
from tools.segments.lift import top_by_lift_per_group
from tools.segments.naming import stem
from tools.store.store import registered

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

TOP_ITEMS = 5
TOP_TERMS = 8
QUOTES = 3
QUOTE_LENGTH = (40, 400)
MIN_TERM_COUNT = 3
MIN_TERM_LIFT = 1.5  # a term must be this much more frequent in the segment than overall ("bought" is not)
BIGRAM_SHARE = 0.6  # a phrase this close to its word's score reads better than the bare word
MIN_ITEM_LIFT = 1.1  # "buys more than other customers" means it
MAX_TEXTS_PER_SEGMENT = 20_000  # c-TF-IDF needs a good sample, not every text of a huge segment
# words without digits (no order numbers, phones or prices), with an apostrophe ending kept on the word
WORD = re.compile(r"(?u)\b[^\W\d_]+['’][^\W\d_]+\b|\b[^\W\d_]{2,}\b")  # "I've" whole, never "ve"
INSTRUCTION_LIKE = untrusted.INSTRUCTION_LIKE  # one definition of "reads as an instruction" (tools.privacy)
RFM_COLUMNS = ("recency_days", "frequency", "monetary", "aov")


@dataclass(frozen=True)
class SegmentGroups:
    """Customers per segment: ``labels[i]`` is the segment index of ``customer_ids[i]``."""

    customer_ids: list[str]
    labels: np.ndarray
    count: int

    def frame(self) -> pd.DataFrame:
        """(customer_id, segment) rows, to register as a DuckDB table for the profile queries."""
        import pandas as pd

        return pd.DataFrame({"customer_id": self.customer_ids, "segment": self.labels.astype(np.int64)})


def segment_numbers(con: duckdb.DuckDBPyConnection, groups: SegmentGroups, features: pd.DataFrame | None
                    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Size, shares, RFM medians and lifecycle/value mix per segment, plus the same for the whole base."""
    with registered(con, "segment_members", groups.frame()):
        revenue = dict(con.execute(
            "SELECT m.segment, sum(o.amount) FROM orders o JOIN segment_members m USING (customer_id) "
            "GROUP BY 1").fetchall())
        total_revenue = float(con.execute("SELECT coalesce(sum(amount), 0) FROM orders").fetchone()[0])
        per_segment = _feature_summaries(con, features)
    sizes = np.bincount(groups.labels, minlength=groups.count)
    numbers = []
    for index in range(groups.count):
        seg_revenue = float(revenue.get(index) or 0.0)
        numbers.append({
            "size": int(sizes[index]),
            "share": round(float(sizes[index]) / max(1, len(groups.customer_ids)), 4),
            "revenue": round(seg_revenue, 2),
            "revenue_share": round(seg_revenue / total_revenue, 4) if total_revenue else None,
            **per_segment.get(index, {"rfm": {}, "lifecycle_mix": {}, "value_mix": {}}),
        })
    shop = {"customers": len(groups.customer_ids), "revenue": round(total_revenue, 2),
            **per_segment.get(-1, {"rfm": {}, "lifecycle_mix": {}, "value_mix": {}})}
    return numbers, shop


def _feature_summaries(con: duckdb.DuckDBPyConnection, features: pd.DataFrame | None) -> dict[int, dict[str, Any]]:
    """RFM medians and mixes per segment (key -1: everyone segmented), from the features frame."""
    if features is None or features.empty:
        return {}
    with registered(con, "segment_features", features):
        rfm_columns = [c for c in RFM_COLUMNS if c in features.columns]
        medians = ", ".join(f"round(median(f.{c}), 2) AS {c}" for c in rfm_columns)
        rows = con.execute(
            f"""SELECT coalesce(m.segment, -1) AS segment, {medians}
                FROM segment_features f JOIN segment_members m USING (customer_id)
                GROUP BY GROUPING SETS ((m.segment), ())""").fetchall()
        summaries = {int(r[0]): {"rfm": dict(zip(rfm_columns, map(_plain_number, r[1:]), strict=True)),
                                 "lifecycle_mix": {}, "value_mix": {}} for r in rows}
        for column, key in (("lifecycle", "lifecycle_mix"), ("value_tier", "value_mix")):
            if column in features.columns:
                _add_mix(con, column, key, summaries)
    return summaries


def _add_mix(con: duckdb.DuckDBPyConnection, column: str, key: str, summaries: dict[int, dict[str, Any]]) -> None:
    rows = con.execute(
        f"""SELECT coalesce(m.segment, -1), f.{column}, count(*) FROM segment_features f
            JOIN segment_members m USING (customer_id) WHERE f.{column} IS NOT NULL
            GROUP BY GROUPING SETS ((m.segment, f.{column}), (f.{column})) ORDER BY 1, 3 DESC, 2""").fetchall()
    totals: dict[int, int] = {}
    for segment, _, count in rows:
        totals[int(segment)] = totals.get(int(segment), 0) + int(count)
    for segment, value, count in rows:
        summaries.setdefault(int(segment), {"rfm": {}, "lifecycle_mix": {}, "value_mix": {}})
        summaries[int(segment)][key][str(value)] = round(int(count) / totals[int(segment)], 4)


def _plain_number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def lift_lists(con: duckdb.DuckDBPyConnection, groups: SegmentGroups) -> list[dict[str, list[dict[str, Any]]]]:
    """Per segment: top categories and products it buys more than the whole base (tools.segments.lift),
    all segments in one pass over the orders."""
    lists: list[dict[str, list[dict[str, Any]]]] = [{} for _ in range(groups.count)]
    with registered(con, "segment_members", groups.frame()):
        for kind, key in (("category", "top_categories"), ("product_name", "top_products")):
            per_segment = top_by_lift_per_group(con, "segment_members", kind=kind, limit=TOP_ITEMS)
            for index in range(groups.count):
                rows = [r for r in per_segment.get(index, []) if r.lift >= MIN_ITEM_LIFT]
                lists[index][key] = [{"name": r.name, "buyers": r.group_buyers, "buyer_share": round(r.group_rate, 4),
                                      "base_share": round(r.base_rate, 4), "lift": round(r.lift, 2),
                                      "revenue": round(r.revenue, 2)} for r in rows]
    return lists


def distinctive_terms(segment_texts: list[list[str]], blocked: set[str], top: int = TOP_TERMS
                      ) -> list[list[dict[str, Any]]]:
    """Class-based TF-IDF terms per segment (unigrams and bigrams, English stop words removed).

    ``blocked`` words (customer names, email parts) never appear, alone or inside a bigram.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    documents = [" \n ".join(texts[:MAX_TEXTS_PER_SEGMENT]) for texts in segment_texts]
    if not any(doc.strip() for doc in documents):
        return [[] for _ in documents]
    vectorizer = CountVectorizer(analyzer=_words_and_phrases)
    try:
        counts = vectorizer.fit_transform(documents).astype(np.float64)
    except ValueError:  # only stop words
        return [[] for _ in documents]
    vocabulary = vectorizer.get_feature_names_out()
    totals = np.asarray(counts.sum(axis=0)).ravel()
    keep = (totals >= min(MIN_TERM_COUNT, totals.max())) & np.array(
        [not (set(term.split()) & blocked) for term in vocabulary])
    average_words = counts.sum() / max(1, counts.shape[0])
    idf = np.log1p(average_words / np.maximum(totals, 1.0))
    row_sums = np.asarray(counts.sum(axis=1)).ravel()
    overall = totals / max(counts.sum(), 1.0)
    results = []
    for row in range(counts.shape[0]):
        tf = counts[row].toarray().ravel() / max(row_sums[row], 1.0)
        distinct = tf >= MIN_TERM_LIFT * overall
        scores = np.where(keep & distinct, tf * idf, 0.0)
        results.append(_non_redundant(vocabulary, scores, top))
    return results


def _words_and_phrases(text: str) -> list[str]:
    """Words and two-word phrases of adjacent words, stop words of the languages present left out (a phrase
    never jumps over a removed word, so "family dinners" can appear but not "cooking family")."""
    from tools.segments.stopwords import stop_words_for_document

    stop = stop_words_for_document(text)
    words = content_words(text)
    kept = [w for w in words if w not in stop and "'" not in w]
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)
             if a not in stop and b not in stop and "'" not in a + b]
    return kept + pairs


ENGLISH_CONTRACTIONS = frozenset({"t", "ve", "ll", "re", "d", "m"})  # isn't, I've, we'll, they're, I'd, I'm


def content_words(text: str) -> list[str]:
    """Lower-cased words of ``text``, apostrophes resolved: a possessive keeps its stem ("customer's" ->
    "customer"), an English contraction ("isn't", "we'll") stays one word with its apostrophe, which term
    extraction treats as a stop word, and an elision keeps its word ("l'eau" -> "eau", "d'or" -> "or").
    Why: split at the apostrophe, "isn't" left "isn" behind and segments were described as "quality isn"."""
    words = []
    for word in WORD.findall(text.lower().replace("’", "'")):
        stem, apostrophe, ending = word.partition("'")
        if not apostrophe or ending in ENGLISH_CONTRACTIONS:
            words.append(word)
        elif ending == "s" or len(stem) > 2:
            words.append(stem)
        else:
            words.append(ending)
    return words


def _non_redundant(vocabulary: np.ndarray, scores: np.ndarray, top: int) -> list[dict[str, Any]]:
    """Best terms, phrased as a reader would: a word gives way to its best two-word phrase when that phrase
    scores at least BIGRAM_SHARE as high ("jumbo bag" rather than "jumbo" and "bag"), and a term whose
    word stems are all covered already ("trail" after "trail running", "runs" after "running") is skipped."""
    phrase_for = _best_phrases(vocabulary, scores)
    picked: list[dict[str, Any]] = []
    covered: set[str] = set()
    for index in np.argsort(-scores, kind="stable"):
        if scores[index] <= 0 or len(picked) >= top:
            break
        phrase = phrase_for.get(int(index))
        if phrase is not None and scores[phrase] >= BIGRAM_SHARE * scores[index]:
            index = phrase
        words = {stem(w) for w in str(vocabulary[index]).split()}
        if words <= covered:
            continue
        picked.append({"term": str(vocabulary[index]), "score": round(float(scores[index]), 5)})
        covered |= words
    return picked


def _best_phrases(vocabulary: np.ndarray, scores: np.ndarray) -> dict[int, int]:
    """For each word, the index of the highest-scoring two-word phrase containing it."""
    position = {str(term): i for i, term in enumerate(vocabulary)}
    best: dict[int, int] = {}
    for index in np.flatnonzero(scores > 0):
        words = str(vocabulary[index]).split()
        if len(words) != 2:
            continue
        for word in words:
            single = position.get(word)
            if single is not None and (single not in best or scores[index] > scores[best[single]]):
                best[single] = int(index)
    return best


def representative_texts(texts: list[str], authors: list[str], vectors: np.ndarray, centroid: np.ndarray,
                         pii: PiiDirectory, count: int = QUOTES) -> list[str]:
    """The ``count`` texts closest to the centroid, personal data removed; texts that read as instructions or
    hold links or markup are never picked (:func:`tools.privacy.untrusted.is_quotable`)."""
    if not texts:
        return []
    lengths = np.array([len(t) for t in texts])
    fits = (lengths >= QUOTE_LENGTH[0]) & (lengths <= QUOTE_LENGTH[1])
    candidates = np.flatnonzero(fits) if fits.any() else np.arange(len(texts))
    closeness = vectors[candidates] @ centroid[: vectors.shape[1]]
    quotes: list[str] = []
    for index in candidates[np.argsort(-closeness, kind="stable")]:
        if not untrusted.is_quotable(texts[index]):
            continue
        quote = pii.redact(texts[index], authors[index])
        if quote not in quotes:
            quotes.append(quote)
        if len(quotes) >= count:
            break
    return quotes
