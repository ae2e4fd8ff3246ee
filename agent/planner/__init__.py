"""The embedded planner: a question (plus the chat so far) becomes a plan of tool calls, no LLM needed."""

from __future__ import annotations

import re
from typing import Any

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
from agent.planner.slots import Slots, explicit_customer_id, extract
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
    refused = _refusal(question, text)
    if refused:
        return refused
    slots = extract(text, vocabulary)
    slots.customer_id = slots.customer_id or explicit_customer_id(question)
    segments: list[Any] = mentioned_segments(text, slots, vocabulary)
    intent = detect_intent(text, slots, segments)
    is_follow_up = refers_back(text, slots, intent, segments, context)
    if is_follow_up:
        intent = follow_up_intent(text, slots, intent, segments, context)
    else:
        is_follow_up = acts_on_last_audience(text, slots, intent, segments, context)
    if slots.unknown_country and (intent is None or intent in AUDIENCE_TOOLS):
        return Plan(refusal=f"There are no customers in {slots.unknown_country} in your data. Countries there: "
                            + ", ".join(vocabulary.countries[:12]) + ".", intent=intent)
    if intent is None:
        return Plan(refusal=_help("I'm not sure what you're asking. I can answer questions like"))
    unknown = [s for s in segments if isinstance(s, int) and vocabulary.segments
               and s not in {ref.id for ref in vocabulary.segments}]
    if unknown:
        names = "; ".join(f"{ref.id} {ref.name}" for ref in vocabulary.segments)
        return Plan(refusal=f"There is no segment {unknown[0]}. The segments are: {names}.", intent=intent)
    audience = slots.audience()
    if is_follow_up and intent in AUDIENCE_TOOLS:
        audience = merged_audience(audience, context)
        if not segments and context.segment is not None:
            segments = [context.segment]
    if is_follow_up and intent in ("profile_segment", "compare_segments") and context.segment is not None:
        segments = compared_segments(segments, context) if intent == "compare_segments" else segments or [
            context.segment]
    return _plan_for(intent, slots, audience, segments, context if is_follow_up else Context())


def _refusal(question: str, text: str) -> Plan | None:
    """A plan with no calls for empty, oversized, unsafe, off-topic or purely social messages."""
    if not text:
        return Plan(refusal=_help("Ask me a question about your customers, for example"))
    if len(question) > MAX_QUESTION_CHARS:
        return Plan(refusal=f"That question is {len(question):,} characters; keep it under "
                            f"{MAX_QUESTION_CHARS:,}. " + _help("Short questions work best, for example"))
    reason = refusal_reason(text)
    if reason:
        return Plan(refusal=REFUSALS[reason] + " " + _help("For example"), intent="refused")
    if re.match(r"(help|\?|what can (you|i) (do|ask)|what do you do|how do(es)? (this|it|you) work|what are you)\b",
                text):
        return Plan(refusal=_help("I answer questions about your customers, segments, campaigns and KPIs, for example"),
                    intent="help")
    if is_pleasantry(text):
        greeting = re.match(r"(hi|hello|hey|good morning)\b", text)
        lead = "Hello! Ask me about your customers" if greeting else "Glad to help. Ask me anything else"
        return Plan(refusal=_help(lead + ", for example"), intent="chat")
    return None


def _plan_for(intent: str, slots: Slots, audience: dict[str, Any], segments: list[Any], context: Context) -> Plan:
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
    simple = {
        "profile_segment": lambda: {"segment": segment},
        "compare_segments": lambda: {"segments": [str(s) for s in segments[:2]]},
        "explain_customer": lambda: {"customer_id": slots.customer_id},
        "kpi_summary": lambda: {"period": slots.period or "month"},
        "whats_changed": dict,
        "run_segmentation": lambda: {"k": slots.k} if slots.k else {},
        "segment_overview": dict,
    }
    if intent in simple:
        return _single(intent, simple[intent]())
    target: dict[str, Any] = {"segment": segment} if segment is not None else {}
    if audience:
        target["audience"] = audience
    if intent == "recommend_products":
        return _single(intent, {**target, "limit": slots.limit or 5})
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


def _single(tool: str, args: dict[str, Any]) -> Plan:
    return Plan([PlannedCall(tool, args)], intent=tool)


def _help(lead: str) -> str:
    return f"{lead}: " + "; ".join(f'"{example}"' for example in EXAMPLES) + "."
