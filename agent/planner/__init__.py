"""The embedded planner: a question (plus the chat so far) becomes a plan of tool calls, no LLM needed."""

from __future__ import annotations

import re
from typing import Any

from agent.planner.analysis import asks_breakdown, breakdown_sort, theme_focus
from agent.planner.context import (
    AUDIENCE_TOOLS,
    Context,
    acts_on_last_audience,
    compared_segments,
    follow_up_intent,
    merged_audience,
    refers_back,
)
from agent.planner.intents import REFUSALS, detect_intent, is_pleasantry, refusal_reason
from agent.planner.plans import Plan, PlannedCall
from agent.planner.segments import mentioned_segments
from agent.planner.slots import LANGUAGE, Slots, explicit_customer_id, extract
from agent.planner.spelling import speller_for
from agent.planner.text import normalise
from agent.planner.vocabulary import SegmentRef, ShopVocabulary, load_vocabulary
from tools.concepts import Length

__all__ = ["Context", "Plan", "PlannedCall", "SegmentRef", "ShopVocabulary", "load_vocabulary", "plan"]

MAX_QUESTION_CHARS = 1000
EXAMPLES = ("who are my lapsing high-value customers?", "what segments do we have?",
            "write a win-back email for lapsing VIPs", "what should we recommend to segment 2?",
            "why is customer 12346 lapsed?", "how are we doing this month?")
GOAL_FOR_STAGE = {"lapsing": "winback", "lapsed": "winback", "new": "welcome"}


def plan(question: str, vocabulary: ShopVocabulary, context: Context | None = None) -> Plan:
    """Map ``question`` to tool calls (or a helpful refusal) using the shop's vocabulary and the chat context."""
    context = context or Context()
    text = normalise(question[: MAX_QUESTION_CHARS + 1], speller_for(vocabulary))
    refused = _language(text, context) or _refusal(question, text)
    if refused:
        return refused
    slots = extract(text, vocabulary)
    slots.customer_id = slots.customer_id or explicit_customer_id(question)
    row = _row_reference(text, slots, context)
    if row:
        return row
    segments: list[Any] = mentioned_segments(text, slots, vocabulary)
    if slots.product and not re.search(r"\bsegment", text):
        segments = []  # "buyers of the pram" are the product's buyers, not a segment whose words look like it
    intent = detect_intent(text, slots, segments)
    is_follow_up = refers_back(text, slots, intent, segments, context)
    if is_follow_up:
        intent = follow_up_intent(text, slots, intent, segments, context)
    else:
        is_follow_up = acts_on_last_audience(text, slots, intent, segments, context)
    if slots.unknown_country and (intent is None or intent in AUDIENCE_TOOLS):
        return Plan(refusal=f"There are no customers in {slots.unknown_country} in your data. Countries there: "
                            + ", ".join(vocabulary.countries[:12]) + ".", intent=intent, status="refused")
    lacking = not segments or (intent == "compare_segments" and len(segments) < 2)
    if slots.unknown_segment and lacking and intent not in UNSCOPED and vocabulary.segments:
        return Plan(refusal=f"No segment matches “{slots.unknown_segment}”. The segments are: "
                            f"{_segment_list(vocabulary)}.", intent=intent, status="refused")
    if intent is None:
        return Plan(refusal=_help("I'm not sure what you're asking. I can answer questions like"))
    unknown = [s for s in segments if isinstance(s, int) and vocabulary.segments
               and s not in {ref.id for ref in vocabulary.segments}]
    if unknown:
        return Plan(refusal=f"There is no segment {unknown[0]}. The segments are: {_segment_list(vocabulary)}.",
                    intent=intent, status="refused")
    audience = slots.audience()
    if is_follow_up and intent in AUDIENCE_TOOLS:
        audience = merged_audience(audience, context)
        if not segments and context.segment is not None:
            segments = [context.segment]
    if is_follow_up and intent in ("profile_segment", "compare_segments") and context.segment is not None:
        segments = compared_segments(segments, context) if intent == "compare_segments" else segments or [
            context.segment]
    planned = _plan_for(intent, slots, audience, segments, context if is_follow_up else Context(), text)
    planned.notes += slots.segment_notes
    return planned


# Tools that never act on one segment: an unmatched segment name in such a question is not worth refusing over.
UNSCOPED = ("segment_overview", "run_segmentation", "kpi_summary", "whats_changed", "explain_customer")
ENGLISH_ONLY = ("I can't rewrite drafts in {language}: the built-in copywriter writes English only, so nothing was "
                "redrafted. With a language model configured ([llm] in segment-agent.toml or OPENAI_BASE_URL), drafts "
                "are written in the audience's own language; otherwise have them translated before sending.")
# A table row a follow-up can point at ("the first one") becomes this tool's call.
ROW_TOOLS = {"customer": ("explain_customer", "customer_id"), "segment": ("profile_segment", "segment")}
ACTIONS = r"\b(write|draft|compose|email|text|sms|send|export|download|recommend|promote|campaign|compare|make|" \
          r"shorter|longer|rewrite|redo|tweak|variant|variants|version|subject)\b"
# What "the first one" can follow: a list, or one of its rows being looked at
BROWSING = ("find_customers", "explain_customer", "segment_overview", "profile_segment", "breakdown")


def _language(text: str, context: Context) -> Plan | None:
    """'write it in German': the embedded planner cannot translate, so it says so rather than redrafting."""
    match = re.search(LANGUAGE, text)
    if not match:
        return None
    about_copy = context.intent == "draft_campaign" or re.search(
        r"\b(write|draft|rewrite|redo|translate|translation|put|make|email|sms|copy|version|it|them)\b", text)
    if not about_copy:
        return None
    language = (match.group(1) or match.group(2)).capitalize()
    return Plan(refusal=ENGLISH_ONLY.format(language=language), intent="draft_campaign", status="refused")


def _row_reference(text: str, slots: Slots, context: Context) -> Plan | None:
    """'why is the first one lapsing?', 'tell me about number 3': a row of the last table, not a segment number."""
    if slots.row is None or not context.rows or context.intent not in BROWSING or slots.customer_id \
            or re.search(ACTIONS, text) or re.search(
            r"\b(segment|seg|cluster|group|persona)s?\s*(number|no\.?|#)", text):
        return None
    tool, argument = ROW_TOOLS[context.rows_kind or "customer"]
    if not -len(context.rows) <= slots.row < len(context.rows):
        return Plan(refusal=f"The last table has {len(context.rows):,} row{'s' if len(context.rows) != 1 else ''}; "
                            f"pick one between 1 and {len(context.rows):,}.", intent=tool, status="refused")
    return Plan([PlannedCall(tool, {argument: str(context.rows[slots.row])})], intent=tool)


def _segment_list(vocabulary: ShopVocabulary) -> str:
    return "; ".join(f"{ref.id} {ref.name}" for ref in vocabulary.segments)


def _refusal(question: str, text: str) -> Plan | None:
    """A plan with no calls for empty, oversized, unsafe, off-topic or purely social messages."""
    if not text:
        return Plan(refusal=_help("Ask me a question about your customers, for example"))
    if len(question) > MAX_QUESTION_CHARS:
        return Plan(refusal=f"That question is {len(question):,} characters; keep it under "
                            f"{MAX_QUESTION_CHARS:,}. " + _help("Short questions work best, for example"),
                    status="refused")
    reason = refusal_reason(text)
    if reason:
        return Plan(refusal=REFUSALS[reason] + " " + _help("For example"), intent="refused", status="refused")
    if re.match(r"(help|\?|what can (you|i) (do|ask)|what do you do|how do(es)? (this|it|you) work|what are you)\b",
                text):
        return Plan(refusal=_help("I answer questions about your customers, segments, campaigns and KPIs, for example"),
                    intent="help", status="answered")
    if is_pleasantry(text):
        greeting = re.match(r"(hi|hello|hey|good morning)\b", text)
        lead = "Hello! Ask me about your customers" if greeting else "Glad to help. Ask me anything else"
        return Plan(refusal=_help(lead + ", for example"), intent="chat", status="answered")
    return None


def _plan_for(intent: str, slots: Slots, audience: dict[str, Any], segments: list[Any], context: Context,
              text: str) -> Plan:
    segment = str(segments[0]) if segments else None
    if intent in ("profile_segment", "compare_segments") and not segments:
        return Plan(refusal="Which segment? Name it by number, name or what it is about, e.g. \"tell me about "
                            "segment 2\". Ask \"what segments do we have?\" to see them.", intent=intent)
    if intent == "explain_customer" and not slots.customer_id:
        return Plan(refusal="Which customer? Give their id, e.g. \"explain customer 12346\".", intent=intent)
    if intent == "compare_segments" and len(segments) < 2:
        return Plan(refusal=f"Compare segment {segment} with which other segment? e.g. \"compare segment "
                            f"{segment} and segment 2\".", intent=intent)
    if intent == "find_customers":
        args = dict(audience)
        if segment is not None:
            args["segment"] = segment
        listing = {**context.listing, **{k: v for k, v in (("sort_by", slots.sort_by), ("limit", slots.limit)) if v}}
        return _single(intent, {**args, **listing})
    if intent == "breakdown":
        return _single(intent, _breakdown_args(text, slots, audience, segment, context))
    if intent == "themes":
        focus = theme_focus(text) or context.themes.get("focus") or "all"
        args = {**audience, **({"segment": segment} if segment is not None else {})}
        return _single(intent, {**args, **({"focus": focus} if focus != "all" else {})})
    simple = {
        "profile_segment": lambda: {"segment": segment},
        "compare_segments": lambda: {"segments": [str(s) for s in segments[:2]]},
        "explain_customer": lambda: {"customer_id": slots.customer_id},
        "kpi_summary": lambda: {"period": slots.period or "month", **slots.kpi.args()},
        "whats_changed": dict,
        "run_segmentation": lambda: {"k": slots.k} if slots.k else {},
        "segment_overview": dict,
    }
    if intent in simple:
        return _single(intent, simple[intent]())
    target: dict[str, Any] = {"segment": segment} if segment is not None else {}
    if intent == "recommend_products":  # a named product is the tool's own argument: cross-sell to its buyers
        product = audience.pop("product", None)
        target.update({"audience": audience} if audience else {})
        return _single(intent, {**target, **({"product": product} if product else {}), "limit": slots.limit or 5})
    if audience:
        target["audience"] = audience
    if intent == "export_audience":
        return _single(intent, {**target, "format": "json" if slots.file_format == "json" else "csv"})
    return _draft(target, slots, audience, segment, context)


def _draft(target: dict[str, Any], slots: Slots, audience: dict[str, Any], segment: str | None,
           context: Context) -> Plan:
    previous = context.draft if context.intent == "draft_campaign" else {}
    details = {**previous, **slots.campaign()}
    defaulted = [name for name in ("channel", "goal") if name not in details]
    stages = audience.get("lifecycle") or []
    default_goal = next((GOAL_FOR_STAGE[s] for s in stages if s in GOAL_FOR_STAGE),
                        "cross_sell" if segment is not None else "loyalty")
    args = {**target, "channel": details.get("channel", "email"), "goal": details.get("goal", default_goal)}
    args.update({k: details[k] for k in ("offer", "tone", "length", "variants") if details.get(k) is not None})
    if slots.length_move:
        current = Length(previous.get("length", Length.STANDARD))
        args["length"] = current.shorter() if slots.length_move == "shorter" else current.longer()
    return Plan([PlannedCall("draft_campaign", args)], intent="draft_campaign", defaulted=defaulted)


def _breakdown_args(text: str, slots: Slots, audience: dict[str, Any], segment: str | None,
                    context: Context) -> dict[str, Any]:
    """by, sort and filters; a ranking by a share drops the filter that names it ("lapsing share by country")."""
    ask = asks_breakdown(text)
    previous = context.breakdown
    sort_by, ascending = breakdown_sort(text)
    by = ask.by if ask else previous.get("by", "country")
    sort_by = sort_by or (previous.get("sort_by") if not ask else None) or "customers"
    filters = dict(audience)
    if sort_by == "lapsing_share":
        filters["lifecycle"] = [stage for stage in filters.get("lifecycle", []) if stage != "lapsing"]
    if sort_by == "high_value_share":
        filters["value_tier"] = [tier for tier in filters.get("value_tier", []) if tier != "high"]
    filters = {k: v for k, v in filters.items() if v not in (None, [])}
    if sort_by == "share_of_group" and not filters:
        sort_by = "customers"  # every group is all of itself
    args: dict[str, Any] = {**filters, "by": by, "sort_by": sort_by}
    if segment is not None and by != "segment":
        args["segment"] = segment
    if ascending:
        args["ascending"] = True
    if slots.limit:
        args["limit"] = slots.limit
    return args


def _single(tool: str, args: dict[str, Any]) -> Plan:
    return Plan([PlannedCall(tool, args)], intent=tool)


def _help(lead: str) -> str:
    return f"{lead}: " + "; ".join(f'"{example}"' for example in EXAMPLES) + "."
