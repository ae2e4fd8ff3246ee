"""The chat so far, and how a follow-up ("only those in Germany", "make it shorter", "export them") resolves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.planner.intents import ALL_CUSTOMERS, COMPARE, PEOPLE, WHO
from agent.planner.plans import Plan
from agent.planner.slots import AUDIENCE_SLOTS, Slots

AUDIENCE_TOOLS = ("find_customers", "draft_campaign", "recommend_products", "export_audience", "breakdown", "themes")
# Tools whose arguments are the audience itself (the others nest it under "audience")
FLAT_AUDIENCE = ("find_customers", "breakdown", "themes")
# A bare question to these means everyone, like a listing: only an explicit "them" carries the last audience over
SHOP_WIDE = ("find_customers", "breakdown", "themes")
CAMPAIGN_DETAILS = ("channel", "goal", "offer", "tone", "length", "variants")
OPENER = r"^(only|just|now|what about|how about|same|but|instead|add|make (it|them|this)|sort|order (them )?by|" \
         r"exclude|excluding|without|plus|limit|what if|this time|again|except|too|filter|narrow|remove|keep|" \
         r"change|switch|use|try|redo|rewrite)\b"
# Words that open any sentence in a chat; they say nothing about continuing, so they are skipped.
CHAT_FILLER = r"^((ok|okay|and|also|then|great|cool|thanks|right|so|hmm)[,.!]?\s+)+"
REFERENCE = r"\b(them|those|these|they|their|that segment|this segment|that group|this group|that audience|" \
            r"this audience|the same|ones|that list|this list|same (customers|people|audience|segment)|" \
            r"(make|export|send|draft|redo|rewrite|change|shorten|save|compare) it|(?<!are )(?<!is )(?<!were )there$|" \
            r"^(how many|which|what share|what percentage|what %|what proportion) (of them |of those )?(are|were|" \
            r"have|has|spent|bought|is|live|come)|in (that|this) segment)\b"
DRAFT_TWEAK = r"\b(shorter|longer|punchier|another|again|more variants|different|rewrite|redo|tweak|change|softer|" \
              r"bolder|simpler|less salesy|version|versions|variants|subject line)\b"
# Axes a follow-up replaces as a whole: a new time window drops the old one rather than narrowing it.
PAIRED = (("min_days_since_order", "max_days_since_order"), ("min_orders", "max_orders"), ("min_spend", "max_spend"))


@dataclass
class Context:
    """What the chat so far established, so follow-ups like "draft an email for them" resolve."""

    audience: dict[str, Any] = field(default_factory=dict)
    segment: int | str | None = None
    intent: str | None = None
    draft: dict[str, Any] = field(default_factory=dict)
    listing: dict[str, Any] = field(default_factory=dict)
    breakdown: dict[str, Any] = field(default_factory=dict)
    themes: dict[str, Any] = field(default_factory=dict)
    rows: list[str] = field(default_factory=list)
    rows_kind: str | None = None

    def remember(self, plan: Plan) -> None:
        """Update the context from a plan that ran (the embedded planner's or the LLM's tool calls)."""
        for call in plan.calls:
            args = call.args
            if call.tool in AUDIENCE_TOOLS:
                source = args if call.tool in FLAT_AUDIENCE else (args.get("audience") or {})
                self.audience = {k: v for k, v in source.items() if k in AUDIENCE_SLOTS and v not in (None, [])}
                self.segment = _segment_id(args.get("segment", source.get("segment")))
            if call.tool == "find_customers":
                self.listing = {k: args[k] for k in ("sort_by", "limit") if args.get(k) is not None}
            if call.tool == "profile_segment":
                self.segment, self.audience = _segment_id(args.get("segment")), {}
            if call.tool == "compare_segments" and args.get("segments"):
                self.segment, self.audience = _segment_id(args["segments"][0]), {}
            if call.tool == "breakdown":
                self.breakdown = {k: args[k] for k in ("by", "sort_by", "ascending") if args.get(k) is not None}
            if call.tool == "themes":
                self.themes = {k: args[k] for k in ("focus", "days") if args.get(k) is not None}
            if call.tool == "draft_campaign":
                self.draft = {k: args[k] for k in CAMPAIGN_DETAILS if args.get(k) is not None}
                for name in plan.defaulted:
                    self.draft.pop(name, None)
                self.draft["channel"] = args.get("channel", "email")
            # an export happens only when asked: what follows an export narrows the list, never re-exports
            self.intent = "find_customers" if call.tool == "export_audience" else call.tool

    def remember_rows(self, kind: str | None, rows: list[str]) -> None:
        """The ids of the last table's rows ("customer" ids or "segment" ids), for "the first one"."""
        self.rows_kind, self.rows = kind, list(rows)


def _segment_id(value: Any) -> int | str | None:
    if value is None:
        return None
    text = str(value)
    return int(text) if text.isdigit() else text


def refers_back(text: str, slots: Slots, intent: str | None, segments: list[Any], context: Context) -> bool:
    """Whether ``text`` continues the conversation rather than starting afresh."""
    if context.intent is None:
        return False
    if re.search(COMPARE, text) and len(segments) == 1 and context.segment not in (None, segments[0]):
        return True  # "compare it with segment 3"
    if re.search(OPENER, re.sub(CHAT_FILLER, "", text)) or re.search(REFERENCE, text):
        return True
    if intent == "find_customers" and slots.audience() and not re.search(PEOPLE, text):
        return True  # "how many are in france?": narrows the last audience
    has_anything = bool(slots.audience() or slots.campaign() or slots.length_move or slots.sort_by or slots.limit
                        or slots.period or slots.file_format or slots.segments)
    return intent is None and has_anything


def acts_on_last_audience(text: str, slots: Slots, intent: str | None, segments: list[Any], context: Context) -> bool:
    """'draft an email' or 'recommend products' right after a list or a segment means for those customers.

    A bare listing ('how many customers are there?') means everyone, so find_customers never inherits this way.
    """
    return intent in AUDIENCE_TOOLS and intent not in SHOP_WIDE and not slots.audience() and not segments \
        and not re.search(ALL_CUSTOMERS, text) and context.intent in (*AUDIENCE_TOOLS, "profile_segment")


def follow_up_intent(text: str, slots: Slots, detected: str | None, segments: list[Any],
                     context: Context) -> str | None:
    """The tool a follow-up asks for: what it says explicitly, else more of the same."""
    if re.search(COMPARE, text) and len(segments) == 1 and context.segment not in (None, segments[0]):
        return "compare_segments"
    if context.intent == "breakdown" and re.search(r"^(sort|order|rank|now by|by|what about by|and by)\b", text):
        return "breakdown"  # "sort by revenue", "now by segment": the same breakdown, regrouped or re-ranked
    if detected is None:
        if context.draft and (slots.campaign() or slots.length_move or re.search(DRAFT_TWEAK, text)):
            return "draft_campaign"
        if context.intent == "compare_segments" and segments:
            return "compare_segments"
        return context.intent
    if context.intent in AUDIENCE_TOOLS and detected in ("find_customers", "profile_segment") \
            and not re.search(WHO, text) and not re.search(r"\b(tell me|describe|profile)\b", text):
        return context.intent  # "only those in Germany" after a draft redoes the draft for Germany
    return detected


def merged_audience(audience: dict[str, Any], context: Context) -> dict[str, Any]:
    """The last audience with this follow-up's filters applied on top."""
    merged = dict(context.audience)
    for pair in PAIRED:
        if any(name in audience for name in pair):
            for name in pair:
                merged.pop(name, None)
    merged.update(audience)
    return merged


def compared_segments(segments: list[Any], context: Context) -> list[Any]:
    """'compare it with the home cooks': the segment in context first, then the one just named."""
    if len(segments) == 1 and context.segment is not None and context.segment != segments[0]:
        return [context.segment, segments[0]]
    return segments
