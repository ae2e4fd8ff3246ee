"""Intent detection: which tool a question is asking for, or why it cannot be answered.

Ordered rules rather than a classifier: every decision is explainable, deterministic and instant,
and a new phrasing is one regex away. Customer-written text never reaches this code: only the
marketer's question does.
"""

from __future__ import annotations

import re

from agent.planner.analysis import EXPLICIT_THEMES, asks_breakdown, theme_focus
from agent.planner.lexicon import PLEASANTRIES, REFUSAL_PATTERNS
from agent.planner.slots import Slots

DRAFT = r"\b(write|draft|compose|create|prepare|craft|come up with|put together|generate|need|make|send|redo|" \
        r"rewrite|give me|want|help me with|set up|plan|build|whip up|knock up|launch|run|start)\b"
DRAFT_OBJECT = r"\b(email|e-mail|emails|sms|text message|text messages|texts?|push notifications?|push|notification|" \
               r"campaign|copy|message|messages|newsletter|subject lines?|mailer|edm|blast|promo|variants?|" \
               r"versions?|whatsapp)\b"
# Verbs that only ever mean copy here ("write something to welcome new customers", "what should we send them?").
WRITE = r"\b(write|compose|copywrite|whip up)\b(?!( \w+){0,3} (python|code|sql|script|summary|report|analysis|" \
        r"brief|query))|^draft\b|" \
        r"\bwhat (should|could|can|shall) (we|i) (send|say|tell)\b"
# "an email for the runners", "sms to lapsed customers": a channel noun phrase that names an audience.
CHANNEL_FOR = r"^(?:(?:an?|the|one|some)\s+)?(?:[\w-]+\s+){0,2}(email|e-mail|sms|text|text message|push|push " \
              r"notification|notification|campaign|newsletter|mailer|promo)\s+(?:(?:ideas?|copy|campaign|draft|" \
              r"drafts|content|message|series|sequence|flow|blast)\s+)?(for|to|targeting|aimed at|at)\b"
# "email the churned customers a voucher", "what should we text them?": the channel as a verb.
CHANNEL_VERB = r"(^(?:please\s+|pls\s+|can you\s+|could you\s+|let'?s\s+)?|\b(?:should|could|can|shall) (?:we|i) )" \
               r"(email|e-mail|text|sms|message|mail|notify)\s+(them|the|our|my|those|these|all|every\w*|customers|" \
               r"people|vips|lapsed|lapsing|new|segment)\b"
EXPORT = r"\b(export|download|save (them|the list|this list|it|that)|as (a )?(csv|json|spreadsheet|excel|file)|" \
         r"to (a )?(csv|spreadsheet|excel|file)|csv|spreadsheet|excel|upload|send (them|it|the list) to|" \
         r"audience file|(get|give me|send me) (a|the) (file|csv)|mailing list|extract)\b"
RECOMMEND = r"\b(recommend\w*|suggest\w* (products|items|something|what)|promote|which products|what products|" \
            r"(best|top|best-selling|bestselling|popular|hero) (\d+ )?(products|items|sellers|lines)|" \
            r"products? (should|could|to|for|would)|items? (for|to)|" \
            r"what (should|can|could|do|would) (we|i) (sell|offer|show|push|promote|cross-sell|upsell|recommend)|" \
            r"what (should|would|might|will) [\w\s]{1,30} (buy|like|want)|" \
            r"what to (push|promote|sell|offer|cross-sell|upsell|show)|cross-sell (items|products)|bought together|" \
            r"next best product|what else (would|could|might|do|does|did)|go (well )?together|goes (well )?with|" \
            r"pairs? well|complements?|also (buy|buys|bought|purchase|purchased|order|ordered|get|like|want))\b"
COMPARE = r"\b(compare|comparison|compared|vs\.?|versus|difference|differences|differ|different from|against|" \
          r"contrast|stack up|than|better|worse|bigger|smaller)\b"
RESEGMENT = r"\b((re-?run|redo|refresh|recompute|rebuild|update|run|build|recalculate|regenerate|retrain|redo)\s+" \
            r"(the\s+|my\s+|our\s+)?(segmentation|segments|clustering|clusters|personas|customer segments)|" \
            r"re-?segment\w*|re-?cluster\w*|split (my |the |our )?(customers|customer base|base) into|" \
            r"cluster (my|the|our) customers|(segment|group) (my|the|our) customers into)\b"
CHANGED = r"\b(what('?s| has| have)? changed|whats changed|(has|have) (anything|something|much) changed|" \
          r"what'?s new|whats new|anything new|any changes|changes since|what moved|who moved|what'?s different|" \
          r"since (the )?last " \
          r"(run|refresh|update|time|brief|report)|compared (to|with) last (week|run|time|refresh))\b"
KPI = r"\b(kpis?|how (are|is|did|was) (we|the shop|the business|business|sales|the store|revenue|it) (doing|going|" \
      r"do|perform\w*|look\w*)|how'?s (business|the business|the shop|the store|trading|it going)|revenue|sales|aov|" \
      r"average order|performance|dashboard|headline numbers|headlines|metrics|numbers|how much did we (sell|make)|" \
      r"turnover|trading|conversion|how did we do|how many orders|number of orders|order count|orders (did|have) we|" \
      r"repeat (purchase )?rate|repeat rate|retention rate|returning customer rate|repeat customer rate|" \
      r"repeat buyer rate|how many (active|new|returning|buying|repeat) (customers|buyers) (did|have) we)\b"
PERIOD_VS = r"\b(vs\.?|versus|against|compared (to|with)|over|on)\s+(the\s+)?(\d+\s+(days?\s+)?before|previous|prior|" \
            r"same|last|the one before|one before)\b"
# KPIs however the question is worded (even "how many active customers did we have…", which names a stage)
SHOP_METRIC = r"\b(repeat (purchase )?rate|repeat rate|retention rate|returning customer rate|repeat customer rate|" \
              r"repeat buyer rate|how many (active|new|returning|buying|repeat) (customers|buyers) (did|have) we " \
              r"(have|get|got|acquire|acquired|win|won|see|seen)|(week|month|quarter|year)[- ]o(ver|n)[- ]\3)\b"
OVERVIEW = r"\b(segments|personas|clusters|customer groups|types of customers|kinds of customers|" \
           r"what do (my |our )?(customers|shoppers|buyers|people) (care about|like|want|love|say|talk about|" \
           r"complain about|mention)|what do people care about|audiences we have|groups|customer base|break ?down|" \
           r"breakdown|each segment|per segment|by segment|every segment|which segment|what segment|" \
           r"(biggest|largest|smallest|best|most valuable|fastest growing) segment)\b"
PROFILE = r"\b(tell me (more )?about|describe|profile|what (do|does|are|is) .*(care about|like|want|buy|into|" \
          r"talk about|say|mention|complain about|love)|who are|who is|show me|more about|details|what is|" \
          r"what's|whats|talk about|what .* say|summari[sz]e|overview of)\b"
WHO = r"\b(who|which|list|show|how many|find|get|give me|pull|count|number of|identify|any|see|display|" \
      r"fetch|where are|what customers)\b"
PEOPLE = r"\b(customers?|buyers?|shoppers?|people|clients?|vips?|members|users|accounts|ones|whales|newbies|" \
         r"newcomers|regulars|spenders|joiners|subscribers|everyone|everybody|folks|purchasers)\b"
ALL_CUSTOMERS = r"\b(all (of )?(my |our |the )?(customers|buyers|shoppers|people)|everyone|everybody|every customer|" \
                r"whole (list|base|customer base))\b"

REFUSALS = {
    "destructive": "I can't delete or change your shop's data from a question: segment-agent only reads it. "
                   "To replace data, re-run  segment-agent ingest ... --replace  yourself.",
    "prompt": "I can't share or change my instructions or configuration. I can answer questions about your "
              "customers, segments, KPIs and campaigns.",
    "pii": "I don't send customer contact details anywhere. To get a list for your email tool, ask me to export "
           "an audience as CSV (it is written to your disk only).",
    "off_topic": "That's outside what I can help with: I answer questions about your shop's customers.",
}


def refusal_reason(text: str) -> str | None:
    """The refusal category for unsafe or unrelated requests, if any."""
    for reason, patterns in REFUSAL_PATTERNS.items():
        if any(re.search(pattern, text) for pattern in patterns):
            return reason
    return None


def is_pleasantry(text: str) -> bool:
    """'thanks!', 'ok great': chat, not a question (and not a request for a loyalty campaign)."""
    words = re.sub(r"[^\w\s']", " ", text).split()
    return bool(words) and len(words) <= 4 and all(
        any(word == p or word in p.split() for p in PLEASANTRIES) or word in {"so", "much", "very", "that",
                                                                              "you", "a", "lot", "is", "good"}
        for word in words)


def wants_draft(text: str, slots: Slots) -> bool:
    """A request for campaign copy: 'write a win-back email', 'an sms for new customers', 'email them a voucher'."""
    if re.search(r"\bwhat (do|does|did)\b.*\b(write|wrote|writing) about\b", text):
        return False  # "what do VIPs write about?" asks what customers wrote
    if re.search(CHANNEL_FOR, text) or re.search(CHANNEL_VERB, text) or re.search(WRITE, text):
        return True
    if not re.search(DRAFT, text):
        return False
    objects = {match.group(0) for match in re.finditer(DRAFT_OBJECT, text)}
    if objects - {"push", "text", "texts"}:
        return True
    # "push" and "text" are also verbs and customer texts: "products to push", "show me their texts".
    return bool(objects) and slots.channel is not None and bool(
        re.search(r"\b(a|an|the|some|one|\d+)\s+([\w-]+\s+)?(push|texts?)\b", text))


def detect_intent(text: str, slots: Slots, segment_mentions: list[int]) -> str | None:
    """The canonical tool a question asks for, or None when nothing fits."""
    has_audience = bool(slots.audience())
    if re.search(r"^(export|download)\b", text):
        return "export_audience"
    if wants_draft(text, slots) and not re.search(r"\bexport\b", text):
        return "draft_campaign"
    if re.search(EXPORT, text):
        return "export_audience"
    if re.search(RECOMMEND, text):
        return "recommend_products"
    if re.search(RESEGMENT, text) or (slots.k and re.search(r"\b(into|k\s*=)", text)):
        return "run_segmentation"
    if re.search(COMPARE, text) and len(segment_mentions) >= 2:
        return "compare_segments"
    if re.match(r"(compare|contrast)\b", text) and len(segment_mentions) == 1 and not has_audience:
        return "compare_segments"  # "compare segment 2": with which? (the plan asks)
    if len(segment_mentions) >= 2 and re.search(r"\b(and|&)\b", text) and not has_audience:
        return "compare_segments"
    if re.search(CHANGED, text):
        return "whats_changed"
    if slots.customer_id:
        return "explain_customer"
    grouped = _grouping_intent(text, slots, segment_mentions)
    if grouped:
        return grouped
    if re.search(SHOP_METRIC, text) or (re.search(KPI, text) and not has_audience and not segment_mentions
                                        and not re.search(PEOPLE, text)):
        return "kpi_summary"
    time_only = set(slots.audience()) <= {"min_days_since_order", "max_days_since_order"}
    compared = re.search(PERIOD_VS, text) or slots.kpi.comparison
    if slots.period is not None and compared and time_only and not re.search(PEOPLE, text):
        return "kpi_summary"  # "last 14 days vs the 14 before": two periods side by side are the KPI comparison
    if len(segment_mentions) == 1 and not has_audience and (re.search(PROFILE, text) or len(text.split()) <= 6):
        return "profile_segment"
    if re.search(OVERVIEW, text) and not has_audience and not segment_mentions:
        return "segment_overview"
    if has_audience or segment_mentions or (re.search(PEOPLE, text) and (
            re.search(WHO, text) or slots.sort_by or slots.limit)) or (re.search(r"\bwho\b", text) and slots.sort_by):
        return "find_customers"
    if re.search(KPI, text):
        return "kpi_summary"
    return None


def _grouping_intent(text: str, slots: Slots, segment_mentions: list[int]) -> str | None:
    """breakdown, themes, or the segment overview for "how many customers in each segment"."""
    has_audience = bool(slots.audience())
    ask = asks_breakdown(text)
    if ask is not None:
        sized = ask.sort_by in ("customers", "revenue")
        if ask.by == "segment" and not has_audience and not segment_mentions and sized:
            return "segment_overview"  # sizes and revenue per segment are the overview itself
        return "breakdown"
    focus = theme_focus(text)
    if focus in ("complaints", "praise"):
        return "themes"
    if focus == "all" and not segment_mentions and (has_audience or re.search(EXPLICIT_THEMES, text)) \
            and not re.search(r"^(write|compose|draft)\b|\b(summary|summarise|summarize)\b", text):
        return "themes"
    return None
