"""Numbers in a question: time windows, order counts, money, rankings and segment counts (KPI periods are in
:mod:`agent.planner.periods`).

Each reader takes normalised text and returns only what it found, so the slot filler can combine them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.planner.lexicon import NUMBER_WORDS, UNIT_DAYS

_WORD_NUMBERS = "|".join(sorted((re.escape(word) for word in NUMBER_WORDS), key=len, reverse=True))
NUMBER = r"\b(\d+(?:\.\d+)?k?|(?:" + _WORD_NUMBERS + r")\b)"
UNIT = r"(day|week|fortnight|month|quarter|year)s?\b"
DURATION = NUMBER + r"\s*(?:-\s*)?" + UNIT
MAYBE_DURATION = r"(?:" + NUMBER + r"\s*(?:-\s*)?)?" + UNIT
MONEY = r"[£$€]?\s*" + NUMBER + r"\s*(?:pounds|quid|dollars|euros|gbp|usd|eur)?"
BUY_VERB = r"(?:ordered|order|orders|bought|buy|purchased|purchase|purchases|shopped|shop)"
NOT_BOUGHT = r"(?:haven'?t|have not|hasn'?t|has not|not|no|didn'?t|did not|without|stopped|zero|never)\s+" \
             r"(?:ordered|bought|purchased|shopped|order|buy|purchase|orders|purchases|been back|come back|" \
             r"returned|shop|placed an order|made a purchase)"
MORE = r"(?:more than|over|above|at least|>=?|greater than|upwards of)"
LESS = r"(?:less than|under|below|fewer than|at most|no more than|up to|<=?)"
QUIET_WORDS = r"(?:inactive|quiet|silent|away|dormant|no orders?|no purchases?|nothing|lapsed|asleep|cold|not seen|" \
              r"not been seen|unseen|not heard from|no activity)"
RESEGMENT_COUNT = r"(?:segments|clusters|groups|personas|buckets)"
# "haven't ordered in a while", "not been back for ages": overdue or gone, without a number of days
_A_WHILE_VERB = r"(?:been back|come back|ordered|bought|purchased|shopped|returned|visited|reordered|placed an order|" \
                r"made a purchase|been seen|seen|heard from|been in touch)"
A_WHILE = r"\b(?:haven'?t|hasn'?t|have not|has not|not|didn'?t|did not|never)\s+" + _A_WHILE_VERB + \
          r"(?:\s+(?:anything|again|with us|from us|them|since))?\s+(?:in|for)\s+(?:a\s+(?:good\s+|long\s+|" \
          r"little\s+)?while|ages|a long time|some time|quite some time|so long|months)\b|" \
          r"\b(?:haven'?t|hasn'?t|not)\s+(?:ordered|bought|purchased|shopped|been back)\s+(?:anything\s+)?" \
          r"(?:recently|lately)\b|\b(?:a (?:long )?while|ages|a long time) since (?:their|the|they) (?:last )?" \
          r"(?:order|purchase|bought|ordered)|\bnot (?:ordered|bought|seen) (?:in|for) a while\b|" \
          r"\bgone (?:missing|awol)\b"


@dataclass
class Window:
    """Days since the last order, and the words that set it (to keep 'inactive for 4 months' from also
    meaning the *lapsed* stage)."""

    min_days: int | None = None
    max_days: int | None = None
    consumed: str = ""


def to_number(token: str) -> float:
    """'6' -> 6, 'six' -> 6, '2.5k' -> 2500."""
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    if token.endswith("k"):
        return float(token[:-1]) * 1000
    return float(token)


def days(amount: str | None, unit: str) -> int:
    """'6', 'month' -> 180; no amount means one unit ('in the last month')."""
    return int(round((to_number(amount) if amount else 1) * UNIT_DAYS[unit]))


def time_window(text: str) -> Window:
    """Min/max days since the last order: 'haven't ordered in 6 months', 'bought in the last 30 days'."""
    window = Window()
    not_bought = re.search(NOT_BOUGHT + r"[^.?]*?\b(?:in|for|since|during|within)\s+(?:the\s+)?(?:last\s+|past\s+)?"
                           + MORE + r"?\s*" + MAYBE_DURATION, text)
    if not_bought:
        window.min_days = days(not_bought.group(1), not_bought.group(2))
    elif re.search(NOT_BOUGHT + r".*\bhalf a year\b", text):
        window.min_days = 182
    quiet = re.search(r"(?:\b(?:gone|been|went|going)\s+(?:a bit\s+)?)?\b" + QUIET_WORDS + r"\s+(?:for\s+)?"
                      + MORE + r"?\s*(?:the\s+)?(?:last\s+|past\s+)?" + DURATION, text)
    if quiet and window.min_days is None:
        window.min_days = days(quiet.group(1), quiet.group(2))
        window.consumed = quiet.group(0)
    ago = re.search(r"(?:last (?:order|purchase|bought|ordered|shopped)|" + BUY_VERB + r")\s+(?:was\s+|were\s+|is\s+)?"
                    + MORE + r"\s+" + DURATION + r"\s+ago", text) \
        or re.search(MORE + r"\s+" + DURATION + r"\s+since\s+(?:their\s+|the\s+|a\s+)?(?:last\s+)?" + BUY_VERB, text)
    if ago:
        window.min_days = days(ago.group(1), ago.group(2))
    between = re.search(r"between\s+" + NUMBER + r"\s+and\s+" + DURATION + r"\s+ago", text)
    if between:
        window.min_days, window.max_days = days(between.group(1), between.group(3)), days(between.group(2),
                                                                                         between.group(3))
    not_lately = re.search(r"\bnot\s+(?:once\s+)?(?:in|within|during|over|for|since)\s+(?:the\s+)?(?:last|past)\s+"
                           + MAYBE_DURATION, text)
    if not_lately and window.min_days is None:
        # "bought 10 times but not in the last 90 days"
        window.min_days = days(not_lately.group(1), not_lately.group(2))
    recent = re.search(r"(?<!not )(?<!n't )(?<!never )\b(?:" + BUY_VERB + r"|active|shopping|buying|ordering)\b"
                       r"[^.?]{0,40}?\b(?:within|in)\s+(?:the\s+)?(?:last|past)\s+" + MAYBE_DURATION, text)
    if recent and not not_bought and not not_lately:
        window.max_days = days(recent.group(1), recent.group(2))
    within = re.search(r"\b(?:last (?:order|purchase)|" + BUY_VERB + r")\s+(?:was\s+)?" + LESS + r"\s+"
                       + DURATION + r"\s+ago", text)
    if within:
        window.max_days = days(within.group(1), within.group(2))
    return window


_ORDER_UNIT = r"\s*(?:times|orders|purchases|order|purchase|time|transactions)\b"


def order_counts(text: str) -> tuple[int | None, int | None]:
    """(min_orders, max_orders): 'more than 10 times' -> 11, 'at least 5 orders' -> 5, 'one-time buyers' -> max 1."""
    low = high = None
    if re.search(r"\b(one-time|one time|only once|single purchase|bought once|ordered once|bought only once|"
                 r"single order|just once)\b", text):
        high = 1
    counted = re.sub(r"\bonce\b", "1 time", re.sub(r"\btwice\b", "2 times", re.sub(r"\bthrice\b", "3 times", text)))
    between = re.search(r"between\s+" + NUMBER + r"\s+and\s+" + NUMBER + _ORDER_UNIT, counted)
    if between:
        return int(to_number(between.group(1))), int(to_number(between.group(2)))
    rules = (
        (r"(?:more than|over|above|greater than)\s+" + NUMBER + _ORDER_UNIT, "min", 1),
        (r"at least\s+" + NUMBER + _ORDER_UNIT, "min", 0),
        (NUMBER + r"\s*\+" + _ORDER_UNIT, "min", 0),
        (NUMBER + r"\s+or more" + _ORDER_UNIT, "min", 0),
        (NUMBER + _ORDER_UNIT + r"\s+or more\b", "min", 0),
        (r"(?:fewer than|less than|under)\s+" + NUMBER + _ORDER_UNIT, "max", -1),
        (r"(?:at most|no more than|up to)\s+" + NUMBER + _ORDER_UNIT, "max", 0),
        (r"(?:exactly|only|just|with)\s+(?!an?\b)" + NUMBER + _ORDER_UNIT, "both", 0),
        (r"\b(?:bought|ordered|purchased|shopped)\s+" + NUMBER + r"\s+times?\b", "both", 0),
    )
    for pattern, bound, offset in rules:
        match = re.search(pattern, counted)
        if not match:
            continue
        value = max(int(to_number(match.group(1))) + offset, 0)
        if bound in ("min", "both") and low is None:
            low = value
        if bound in ("max", "both") and high is None:
            high = value
    if low is None and re.search(r"\b(repeat (buyers|customers|purchasers|shoppers)|came back|returning customers|"
                                 r"bought again|ordered again)\b", text):
        low = 2
    return low, high


def spend(text: str) -> tuple[float | None, float | None]:
    """(min_spend, max_spend): 'spent over £500' -> 500; a currency sign alone also marks money ('over £500')."""
    verb = r"(?:spent|spend|spending|spends|revenue|worth|value|ltv|lifetime value|sales)\s+(?:of\s+)?"
    between = re.search(verb + r"[^.?]{0,12}?between\s+" + MONEY + r"\s+and\s+" + MONEY, text) \
        or re.search(r"between\s+[£$€]\s*" + NUMBER + r"\s+and\s+[£$€]?\s*" + NUMBER, text)
    if between:
        return _amount(between.group(1)), _amount(between.group(2))
    low = re.search(verb + MORE + r"\s+" + MONEY, text) or re.search(MORE + r"\s+[£$€]\s*" + NUMBER, text) \
        or re.search(r"(?:spent|spend|spending)\s+[£$€]?\s*" + NUMBER + r"\s*(?:\+|or more)", text)
    high = re.search(verb + LESS + r"\s+" + MONEY, text) or re.search(LESS + r"\s+[£$€]\s*" + NUMBER, text)
    return (_amount(low.group(1)) if low else None), (_amount(high.group(1)) if high else None)


def _amount(token: str) -> float | int:
    value = to_number(token)
    return int(value) if value.is_integer() else value


def limit(text: str) -> int | None:
    """How many rows or products: 'top 10', 'first 50', 'the 20 most overdue', 'show me 12 lapsing customers'."""
    match = (re.search(r"\b(?:top|first|best|bottom|last)\s+(\d+)\b(?!\s*(?:%|" + UNIT + "))", text)
             or re.search(r"\b(\d+)\s+(?:best|top|biggest|most|highest|largest|least)\b", text)
             or re.search(r"\b(?:show|list|give|get|find|pull|see|want|need|send)\s+(?:me\s+|us\s+)?(?:the\s+)?"
                          r"(\d+)\s+(?:[a-z-]+\s+){0,3}?(?:customers|buyers|shoppers|people|clients|vips|"
                          r"products|items|names|rows)\b", text))
    return int(match.group(1)) if match else None


SORT_RULES = (
    # the model's probability of buying in the next 90 days; "most likely to buy" without a horizon or "again"
    # keeps ranking by expected orders (volume)
    (r"(?<!most )(?<!more )likely to (?:buy|order|purchase|shop|come back|return|reorder|repeat)|"
     r"(?:chance|chances|probability|odds|likelihood) (?:of|that they'?ll|they'?ll|to) (?:[\w']+ ){0,2}?(?:buy|order|"
     r"purchas|come back|"
     r"coming back|return|shop|reorder)\w*|buy[- ]again (?:score|probability|chance|odds|likelihood)|"
     r"(?:will|would|going to|could) (?:buy|order|shop|purchase|come back)(?: \w+)? again|"
     r"(?:buy|order|purchase|shop|come back|return)\w* (?:again )?(?:in|within|over|during) the (?:next|coming)|"
     r"(?:buy|order|purchase)\w* again soon|likely repeat (?:buyers|customers)|"
     r"most likely to (?:buy|order|purchase|come back|return) again (?:soon|in|within)", "buy_again_score"),
    (r"most overdue|longest overdue|most late", "days_overdue"),
    (r"(biggest|highest|top) (spend|spenders|revenue)|by (?:lifetime |total |net )?(spend|spending|revenue|value|"
     r"money|sales)|spent the most|most money|highest spend", "monetary"),
    (r"most likely to (buy|order|come back|return|purchase)|likeliest to (buy|order)", "expected_orders_90d"),
    (r"most orders|by (orders|frequency|number of orders)|most frequent|order the most|ordered the most|most loyal",
     "frequency"),
    (r"predicted value|future value|clv|lifetime value|by predicted", "predicted_value_12m"),
    (r"longest (since|ago)|haven'?t ordered the longest|by recency|longest time|most recent(ly)?", "recency_days"),
)


def sort_key(text: str) -> tuple[str | None, str]:
    """The find_customers sort key a ranking phrase implies, if any, and the phrase ('most overdue' sorts; it
    does not also filter to the lapsing stage)."""
    for pattern, key in SORT_RULES:
        match = re.search(pattern, text)
        if match:
            return key, match.group(0)
    return None, ""


def segment_count(text: str) -> int | None:
    """How many segments a re-segmentation asks for: 'with 6 segments', 'into five groups', 'k=7'."""
    match = re.search(r"\b(?:into|in|with|to|k\s*=?|make|get|use)\s*" + NUMBER + r"\s*(?:new\s+|different\s+)?"
                      + RESEGMENT_COUNT, text) or re.search(r"\bk\s*=\s*(\d+)\b", text)
    return int(to_number(match.group(1))) if match else None
