"""KPI periods in a marketer's words: "this month" (so far), "last month" (the last full one), "the last 7 days"
(rolling), "vs the same month last year", "week over week", "for November 2011", "up to 2011-12-09".

Returns only what the question says; the kpi_summary tool resolves it to dates against the data.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from agent.planner.quantities import DURATION, days

UNITS = ("week", "month", "quarter", "year")
MONTHS = tuple(name.lower() for name in calendar.month_name[1:])
LAST_YEAR = r"\b(same (period|month|week|quarter|time|day|days|season) (last|a|the previous|previous) year|" \
            r"(vs\.?|versus|against|compared (to|with)|than|over) (the same \w+ )?last year|year[- ]over[- ]year|" \
            r"year[- ]on[- ]year|yoy|y/y|a year (ago|earlier|before)|same \w+ a year (ago|earlier)|" \
            r"(last|previous) year'?s same)\b"
TO_DATE = r"\b(?:so far this|this|current|the current)\s+(week|month|quarter|year)\b|\b(week|month|quarter|year)" \
          r"[- ]to[- ]date\b|\b(wtd|mtd|qtd|ytd)\b"
# "last month" is the last full month; "in the last month" / "over the past month" roll back 30 days
LAST_FULL = r"(?:(?<!the )(?<!in )(?<!past )\blast|\bprevious|\bprior)\s+" \
            r"(?:full\s+|complete\s+|whole\s+|calendar\s+)?(week|month|quarter|year)\b|" \
            r"\bthe (?:last|previous) (?:full|complete|whole|calendar) (week|month|quarter|year)\b"
OVER = {"week": r"\b(weekly|wow|w/w|week[- ]on[- ]week|week[- ]over[- ]week|per week|a week|each week)\b",
        "month": r"\b(monthly|mom|m/m|month[- ]on[- ]month|month[- ]over[- ]month|per month|each month)\b",
        "quarter": r"\b(quarterly|qoq|q/q|quarter[- ]on[- ]quarter|quarter[- ]over[- ]quarter|per quarter)\b",
        "year": r"\b(yearly|annual|annually|per year|each year)\b"}
ABBREVIATIONS = {"wtd": "week", "mtd": "month", "qtd": "quarter", "ytd": "year"}
ISO_DATE = r"(\d{4}-\d{2}-\d{2})"


@dataclass
class KpiPeriod:
    """The KPI arguments a question sets (None: not said)."""

    period: str | int | None = None
    window: str | None = None
    comparison: str | None = None
    end: str | None = None

    def args(self) -> dict[str, object]:
        return {name: value for name, value in (("window", self.window), ("comparison", self.comparison),
                                                ("end", self.end)) if value is not None}


def kpi_period(text: str) -> KpiPeriod:
    """What period, window, comparison and end day the question names."""
    found = KpiPeriod()
    if re.search(LAST_YEAR, text):
        found.comparison = "same_period_last_year"
        text = re.sub(LAST_YEAR, " ", text)  # "same week last year" names the comparison, not the period
    _end_date(text, found)
    if found.period is not None:
        return found
    counted = re.search(r"\b(?:last|past|previous|trailing|over the last|in the last)\s+" + DURATION, text) \
        or re.search(r"^\s*" + DURATION + r"\s+(?:vs\.?|versus|against|compared)", text) \
        or re.search(r"\b(?:in|over|during|for) the\s+" + DURATION, text) \
        or re.search(r"\b(?:in|over|during|for|within) the (?:last|past)\s+()(week|month|quarter|year)\b|"
                     r"\bpast\s+()(week|month|quarter|year)\b", text)
    to_date = re.search(TO_DATE, text)
    last_full = re.search(LAST_FULL, text)
    if counted:
        amount, unit = next((counted.group(i), counted.group(i + 1)) for i in range(1, len(counted.groups()), 2)
                            if counted.group(i + 1))
        found.period = days(amount or None, unit)
    elif to_date:
        unit = to_date.group(1) or to_date.group(2) or ABBREVIATIONS[to_date.group(3)]
        found.period, found.window = unit, "to_date"
    elif last_full:
        found.period, found.window = last_full.group(1) or last_full.group(2), "last_full"
    elif named := re.search(r"\b(?:the|past|a|each|per)\s+(week|month|quarter|year)\b", text):
        found.period = named.group(1)
    elif unit := next((unit for unit, pattern in OVER.items() if re.search(pattern, text)), None):
        found.period = unit
    elif re.search(r"\bfortnight", text):
        found.period = 14
    if found.comparison and found.period is None:
        found.period, found.window = "year", "to_date"  # "revenue year over year": this year so far vs last year's
    return found


def _end_date(text: str, found: KpiPeriod) -> None:
    """'up to 2011-12-09', 'week ending 2011-12-09', 'for November 2011' (the whole month)."""
    week = re.search(r"\bweek (?:ending|ended|to)\s+(?:on\s+)?" + ISO_DATE, text)
    ending = re.search(r"\b(?:to|until|till|up to|ending|ended|through|thru|as of|as at|on)\s+" + ISO_DATE, text)
    if week:
        found.period, found.end = 7, week.group(1)
        return
    if ending:
        found.end = ending.group(1)
        return
    month = re.search(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", text)
    if month:
        number, year = MONTHS.index(month.group(1)) + 1, int(month.group(2))
        found.period, found.window = "month", "last_full"
        found.end = date(year, number, calendar.monthrange(year, number)[1]).isoformat()
