"""Intent detection: which tool a question is asking for, or why it cannot be answered.

Ordered rules rather than a classifier: every decision is explainable, deterministic and instant,
and a new phrasing is one regex away. Customer-written text never reaches this code: only the
marketer's question does.
"""

from __future__ import annotations

import re

from agent.planner.lexicon import REFUSAL_PATTERNS
from agent.planner.slots import Slots

DRAFT = r"\b(write|draft|compose|create|prepare|craft|come up with|put together|generate|need|make)\b"
DRAFT_OBJECT = r"\b(email|e-mail|sms|text message|push|notification|campaign|copy|message|newsletter|subject line|" \
               r"mailer|texts?)\b"
EXPORT = r"\b(export|download|save (them|the list|this list|it)|csv|spreadsheet|excel|upload|send (them|it) to " \
         r"(mailchimp|klaviyo|braze)|audience file)\b"
RECOMMEND = r"\b(recommend\w*|suggest\w* (products|items)|promote|which products|what products|best products|" \
            r"products? (should|could|to)|what (should|can|could) (we|i) (sell|offer|show|push|promote)|" \
            r"what to (push|promote|sell|offer)|cross-sell (items|products)|bought together)\b"
COMPARE = r"\b(compare|comparison|vs\.?|versus|difference between|differ)\b"
RESEGMENT = r"\b((re-?run|redo|refresh|recompute|rebuild|update|run|build)\s+(the\s+|my\s+)?(segmentation|segments|" \
            r"clustering|personas)|re-?segment|resegment|split (my |the )?customers into|cluster (my|the) customers)\b"
CHANGED = r"\b(what('?s| has| have)? changed|what'?s new|changes since|since (the )?last (week|run|time|month|" \
          r"refresh)|compared (to|with) last (week|run|time)|week over week|anything new)\b"
KPI = r"\b(kpis?|how (are|is) (we|the shop|the business|business|sales|the store) doing|revenue|sales|aov|" \
      r"average order|performance|dashboard|headline numbers|metrics|how much did we (sell|make))\b"
OVERVIEW = r"\b(segments|personas|clusters|customer groups|types of customers|kinds of customers|what do (my |our )?" \
           r"customers care about|what do people care about|audiences we have|groups)\b"
PROFILE = r"\b(tell me (more )?about|describe|profile|what (do|does) .* (care about|like|want|buy)|who are|" \
          r"show me|more about|details|what is|what's)\b"
WHO = r"\b(who|which|list|show|how many|find|get|give me|pull|count|number of|identify|any)\b"
PEOPLE = r"\b(customers?|buyers?|shoppers?|people|clients?|vips?|members|users|accounts|ones)\b"

REFUSALS = {
    "destructive": "I can't delete or change your shop's data from a question: segment-agent only reads it. "
                   "To replace data, re-run  segment-agent ingest ... --replace  yourself.",
    "prompt": "I can't share my instructions or configuration. I can answer questions about your customers, "
              "segments, KPIs and campaigns.",
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


def detect_intent(text: str, slots: Slots, segment_mentions: list[int]) -> str | None:
    """The canonical tool a question asks for, or None when nothing fits."""
    has_audience = bool(slots.audience())
    if (re.search(DRAFT, text) and re.search(DRAFT_OBJECT, text)) or (slots.channel and slots.goal):
        return "draft_campaign"
    if re.search(EXPORT, text):
        return "export_audience"
    if re.search(RECOMMEND, text):
        return "recommend_products"
    if re.search(RESEGMENT, text) or slots.k:
        return "run_segmentation"
    if re.search(COMPARE, text) and len(segment_mentions) >= 2:
        return "compare_segments"
    if re.search(CHANGED, text):
        return "whats_changed"
    if slots.customer_id:
        return "explain_customer"
    if re.search(KPI, text) and not has_audience and not segment_mentions:
        return "kpi_summary"
    if len(segment_mentions) == 1 and not has_audience and (re.search(PROFILE, text) or len(text.split()) <= 6):
        return "profile_segment"
    if re.search(OVERVIEW, text) and not has_audience and not segment_mentions:
        return "segment_overview"
    if has_audience or (re.search(WHO, text) and re.search(PEOPLE, text)) or segment_mentions:
        return "find_customers"
    return None
