"""Questions about groups and words: which breakdown (by country, segment, stage, tier, category, ranked by what)
and which themes (what an audience writes, complains about or praises).

Like the rest of the planner these are ordered rules over the marketer's question, never over customer text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agent.planner.lexicon import BREAKDOWN_AXES

# "by country", "per segment", "in each market", "split by tier", "broken down by category"
_GROUPING = r"(?:by|per|across|for each|for every|in each|in every|each|every|split by|broken down by|grouped by|" \
            r"group by|breakdown by|break down by|broken out by|for all)\s+(?:the\s+|our\s+|their\s+)?"
# "which country …", "what category …", "top countries", "in which market"
_WHICH = r"(?:which|what|top|best|worst|biggest|largest|leading|highest|lowest|our top|the top|in which)\s+"
_MIX = r"\s+(?:breakdown|break down|split|mix|distribution|ranking|league table|comparison|spread)\b"
WHERE_FROM = r"\bwhere (?:are|do|does|is)\b.*\b(?:from|live|based|located|come from)\b|" \
             r"\bwhere .* (?:come|coming) from\b"
BREAKDOWN_SORTS: tuple[tuple[str, str], ...] = (
    (r"average order value|\baov\b|average order|order values?\b|basket size|average basket|average ticket|"
     r"spend per order|revenue per order", "aov"),
    (r"(?:revenue|spend|spending|value|sales|money) per (?:customer|head|buyer|shopper)|average (?:spend|revenue|"
     r"customer value|lifetime value|clv|ltv|customer spend)|spends? the most per|average spend per|"
     r"most valuable customers on average", "revenue_per_customer"),
    (r"(?:share|proportion|percentage|percent|%|rate|ratio) (?:of )?(?:customers )?(?:who are )?(?:lapsing|at risk|"
     r"at-risk|churning|slipping)|lapsing (?:share|rate|percentage|proportion|ratio)|churn rate|most at risk|riskiest|"
     r"highest churn|most churn|most likely to churn|(?:share|proportion|percentage|percent|%)[\w\s]{0,30}?\b"
     r"(?:is|are) (?:lapsing|at risk|at-risk|churning|slipping)", "lapsing_share"),
    (r"(?:share|proportion|percentage|percent|%) (?:of )?(?:customers )?(?:who are )?(?:vips?|high[- ]value|"
     r"best customers|top spenders|big spenders)|(?:is|are) high[- ]value|high[- ]value (?:share|proportion|"
     r"percentage|ratio)|concentration of (?:vips|high[- ]value)", "high_value_share"),
    (r"(?:highest|largest|biggest|lowest|smallest|greatest) (?:share|proportion|percentage|percent|%) of|"
     r"what (?:share|proportion|percentage) of|penetration", "share_of_group"),
    (r"revenue|sales|turnover|spends? the most|spent the most|spend most|money|brings? in (?:the )?most|"
     r"most valuable|income|takings", "revenue"),
    (r"most customers|most buyers|most shoppers|how many|number of|count|biggest|largest|most\b", "customers"),
)
ASCENDING = r"\b(lowest|least|fewest|smallest|worst|bottom|weakest|poorest)\b"
COMPLAINTS = r"\b(complain\w*|complaints?|moan\w*|gripes?|grumbl\w*|unhappy|dissatisf\w*|frustrat\w*|pain points?|" \
             r"problems?|issues|annoy\w*|angry|upset|negative (?:feedback|reviews?|comments)|bad reviews?|" \
             r"what went wrong|grievances?|criticis\w*|niggles?)\b"
PRAISE = r"\b(prais\w*|love about|like about|happy (?:with|about)|positive (?:feedback|reviews?|comments)|" \
         r"good reviews?|rave about|raving about|delighted (?:with|by)|compliments?|what .* love)\b"
THEMES = r"\b(themes?|feedback|reviews?|tickets|verbatims?|comments|voice of (?:the )?customers?|sentiment|" \
         r"what (?:do|does|did|are|is) [\w\s'£$€.,-]{0,40}(?:say|saying|said|write|writing|wrote|talk\w* about|" \
         r"mention\w*|tell(?:ing)? us)|topics?)\b"
EXPLICIT_THEMES = r"\b(themes?|feedback|reviews?|tickets|verbatims?|comments|voice of (?:the )?customers?|sentiment)\b"


@dataclass
class BreakdownAsk:
    """A breakdown the question asks for: the grouping, the ranking, and whether lowest comes first."""

    by: str
    sort_by: str
    ascending: bool


@lru_cache(maxsize=1)
def _axis_patterns() -> list[tuple[str, re.Pattern[str], re.Pattern[str], re.Pattern[str]]]:
    patterns = []
    for axis, words in BREAKDOWN_AXES.items():
        alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        # "top tier" names the high-value tier, not a grouping: only "which/what tier" asks for tiers
        which = r"(?:which|what|in which)\s+(?:value\s+)?" if axis == "value_tier" else _WHICH + r"(?:[\w-]+\s+)?"
        patterns.append((axis, re.compile(rf"\b{_GROUPING}(?:{alternation})\b"),
                         re.compile(rf"\b{which}(?:{alternation})\b"),
                         re.compile(rf"\b(?:{alternation}){_MIX}")))
    return patterns


def breakdown_axis(text: str) -> str | None:
    """The grouping a question asks for: an explicit 'by/per/each X' first, then 'which X', then 'X mix'."""
    found: dict[int, str] = {}
    for rank in range(3):
        for axis, *patterns in _axis_patterns():
            if patterns[rank].search(text):
                found.setdefault(rank, axis)
    if found:
        return found[min(found)]
    if re.search(WHERE_FROM, text):
        return "country"
    if re.search(r"\b(lifecycle|stage) (mix|breakdown|split|distribution)\b", text):
        return "lifecycle"
    if re.search(r"\bvalue (mix|breakdown|split|distribution)\b", text):
        return "value_tier"
    return None


def breakdown_sort(text: str) -> tuple[str | None, bool]:
    """(what the groups are ranked by, lowest first?) — None when the question names no ranking."""
    for pattern, key in BREAKDOWN_SORTS:
        if re.search(pattern, text):
            return key, bool(re.search(ASCENDING, text))
    return None, bool(re.search(ASCENDING, text))


def asks_breakdown(text: str) -> BreakdownAsk | None:
    """A breakdown request, if the question groups customers."""
    axis = breakdown_axis(text)
    if axis is None:
        return None
    sort_by, ascending = breakdown_sort(text)
    return BreakdownAsk(axis, sort_by or "customers", ascending)


def theme_focus(text: str) -> str | None:
    """'complaints', 'praise' or 'all' when the question asks what customers write; None otherwise."""
    if re.search(COMPLAINTS, text):
        return "complaints"
    if re.search(PRAISE, text):
        return "praise"
    if re.search(THEMES, text):
        return "all"
    return None
