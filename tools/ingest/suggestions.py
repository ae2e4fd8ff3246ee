"""When required fields have no column: name every missing field at once, with the likeliest column for each.

A column is suggested for a field by its name (close to the field or one of its synonyms in any language
the schema knows) and by its content (dates for a date field, amounts for ``amount``, repeated short codes
for an id, sentences for ``text``), so a German export gets ``--map customer_id="Kd.-Nr."`` rather than
``customer_id="Bestellnummer"``. Suggestions only go into the message: nothing is mapped silently.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from tools.errors import UserError
from tools.ingest.schema import TableSchema

if TYPE_CHECKING:
    import pandas as pd

COLUMNS_SHOWN = 20
SAMPLE_ROWS = 200
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}([ T].*)?|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}( .*)?|\d{8}|"
                   r"\d{1,2} [A-Za-z]{3,9} \d{4}|[A-Za-z]{3,9} \d{1,2}, \d{4}")
_AMOUNT = re.compile(r"[-+(]?\s*[£$€¥]?\s*-?\d[\d.,  ']*[.,]\d{1,2}\s*[£$€¥]?\)?|-?\d+")
_ID = re.compile(r"[\w.#/-]{1,40}")
_WHAT = {"ids": "its values look like ids", "dates": "its values look like dates",
         "amounts": "its values look like amounts", "texts": "its values are sentences"}
_FIELD_CONTENT = {"customer_id": "ids", "order_date": "dates", "signup_date": "dates", "date": "dates",
                  "amount": "amounts", "text": "texts"}


def key(name: str) -> str:
    """A column name reduced for matching: lower case, accents and everything but letters and digits dropped."""
    plain = unicodedata.normalize("NFKD", name.lower())
    return re.sub(r"[^a-z0-9]", "", "".join(ch for ch in plain if not unicodedata.combining(ch)))


def columns_found(columns: list[str]) -> str:
    """The file's column names for a message, at most COLUMNS_SHOWN of them."""
    shown = ", ".join(name[:40] for name in columns[:COLUMNS_SHOWN])
    more = len(columns) - COLUMNS_SHOWN
    return f"{shown} and {more:,} more" if more > 0 else shown


def missing_fields_error(schema: TableSchema, missing: list[str], mapping: dict[str, str], columns: list[str],
                         sample: pd.DataFrame | None, path_label: str) -> UserError:
    """One sentence naming every missing field, the columns found and the likeliest ``--map`` for each."""
    unmapped = [column for column in columns if column not in mapping.values()]
    scores = _name_scores(unmapped, schema)
    picks: dict[str, tuple[str, str]] = {}
    for field_name in missing:
        candidates = [c for c in unmapped if c not in {p for p, _ in picks.values()}]
        ranked = _ranked(field_name, candidates, scores, sample)
        if ranked:
            picks[field_name] = ranked[0]
    names = [f"{name} (or quantity and unit_price)" if name == "amount" and schema.name == "orders" else name
             for name in missing]
    fields = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    text = f"{path_label} has no column for {fields}; columns found: {columns_found(columns)}"
    if picks:
        likeliest = ", ".join(f"'{column}' for {name} ({why})" for name, (column, why) in picks.items())
        options = " ".join(f'--map {name}="{column}"' for name, (column, _) in picks.items())
        verb = ("is", "that is it") if len(picks) == 1 else ("are", "those are right")
        text += f"; the likeliest {verb[0]} {likeliest}, so pass {options} if {verb[1]}"
    rest = [name for name in missing if name not in picks]
    if rest:
        text += ("; otherwise" if picks else ";") + " pass " + " ".join(f'--map {name}="YOUR COLUMN"' for name in rest)
    return UserError(text + ".")


def _ranked(field_name: str, candidates: list[str], scores: dict[str, dict[str, float]],
            sample: pd.DataFrame | None) -> list[tuple[str, str]]:
    """Candidate columns for ``field_name``, best first, each with why it was picked."""
    scored = []
    for column in candidates:
        by_field = scores[column]
        # a column whose name fits another field better ("Bestellnummer" is an order id) is not this one
        by_name = by_field[field_name] if by_field[field_name] >= max(by_field.values()) else 0.0
        kind = _FIELD_CONTENT.get(field_name)
        by_content = _content_score(sample[column], kind) if sample is not None and kind else 0.0
        if by_name < 0.6 and by_content < 0.8:
            continue
        reasons = [reason for reason, ok in (("close by name", by_name >= 0.6),
                                             (_WHAT.get(kind or "", ""), by_content >= 0.8)) if ok and reason]
        scored.append((0.4 * by_name + 0.6 * by_content, column, "; ".join(reasons)))
    scored.sort(key=lambda item: -item[0])
    return [(column, why) for _, column, why in scored]


def _name_scores(columns: list[str], schema: TableSchema) -> dict[str, dict[str, float]]:
    """Per column, how close its name is to each field (1.0: equal to the field or one of its synonyms).

    Computed once per message, whatever the number of missing fields, with RapidFuzz's matrix of
    normalised similarities: a 1,000-column header against a few hundred synonyms answers in milliseconds,
    where pairwise ``difflib`` took tens of seconds."""
    from rapidfuzz import fuzz, process

    keys = [key(column) or column.lower() for column in columns]
    scores: dict[str, dict[str, float]] = {column: {} for column in columns}
    for field_name in schema.fields:
        names = list(dict.fromkeys([key(field_name), *(key(alias) for alias in schema.aliases.get(field_name, ()))]))
        best = process.cdist(keys, names, scorer=fuzz.ratio, score_cutoff=0).max(axis=1) / 100.0 if keys else []
        for column, column_key, score in zip(columns, keys, best, strict=True):
            contained = any(len(name) >= 4 and (name in column_key or column_key in name) for name in names)
            scores[column][field_name] = max(float(score), 0.8) if contained else float(score)
    return scores


def _content_score(values: pd.Series, kind: str) -> float:
    """Share of the first non-empty values that look like ``kind``."""
    cells = [str(v).strip() for v in values.head(SAMPLE_ROWS * 2) if str(v).strip()][:SAMPLE_ROWS]
    if not cells:
        return 0.0
    if kind == "dates":
        return sum(bool(_DATE.fullmatch(c)) for c in cells) / len(cells)
    if kind == "amounts":
        decimals = sum(bool(_AMOUNT.fullmatch(c)) for c in cells) / len(cells)
        return decimals if any(ch in "".join(cells) for ch in ".,") else decimals * 0.7
    if kind == "texts":
        return sum(len(c) >= 20 and c.count(" ") >= 3 for c in cells) / len(cells)
    looks_like_id = sum(bool(_ID.fullmatch(c)) and not _DATE.fullmatch(c) for c in cells) / len(cells)
    repeats = 1.0 if len(set(cells)) < len(cells) else 0.85  # customers come back; a row number never repeats
    return looks_like_id * repeats
