"""The embedded planner: a question (plus the chat so far) becomes a plan of tool calls, no LLM needed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.planner.intents import REFUSALS, detect_intent, refusal_reason
from agent.planner.segments import mentioned_segments
from agent.planner.slots import Slots, extract
from agent.planner.text import contains_phrase, normalise
from agent.planner.vocabulary import ShopVocabulary

MAX_QUESTION_CHARS = 1000
EXAMPLES = ("who are my lapsing high-value customers?", "what segments do we have?",
            "write a win-back email for lapsing VIPs", "what should we recommend to segment 2?",
            "why is customer 12346 lapsed?", "how are we doing this month?")
GOAL_FOR_STAGE = {"lapsing": "winback", "lapsed": "winback", "new": "welcome"}


@dataclass
class PlannedCall:
    """One tool call the planner wants to run."""

    tool: str
    args: dict[str, Any]


@dataclass
class Plan:
    """Tool calls to run, or a refusal explaining what the product can do instead."""

    calls: list[PlannedCall] = field(default_factory=list)
    refusal: str | None = None
    intent: str | None = None


@dataclass
class Context:
    """What the chat so far established, so follow-ups like "draft an email for them" resolve."""

    audience: dict[str, Any] = field(default_factory=dict)
    segment: int | None = None
    intent: str | None = None
    draft: dict[str, Any] = field(default_factory=dict)

    def remember(self, plan: Plan) -> None:
        """Update the context from a plan that ran."""
        for call in plan.calls:
            args = call.args
            if call.tool in {"find_customers", "export_audience", "draft_campaign", "recommend_products"}:
                audience = args.get("audience", args) if call.tool != "find_customers" else args
                self.audience = {k: v for k, v in audience.items() if k not in {"sort_by", "limit"}
                                 and k in _AUDIENCE_KEYS}
                self.segment = args.get("segment", self.segment if not self.audience else None)
            if call.tool == "profile_segment":
                self.segment, self.audience = args["segment"], {}
            if call.tool == "draft_campaign":
                self.draft = dict(args)
            self.intent = call.tool


_AUDIENCE_KEYS = {"lifecycle", "value_tier", "country", "category", "min_days_since_order", "max_days_since_order",
                  "min_orders", "max_orders", "min_spend", "max_spend", "segment"}


def plan(question: str, vocabulary: ShopVocabulary, context: Context | None = None) -> Plan:
    """Map ``question`` to tool calls (or a helpful refusal) using the shop's vocabulary and the chat context."""
    context = context or Context()
    if not question.strip():
        return Plan(refusal=_help("Ask me a question about your customers"))
    if len(question) > MAX_QUESTION_CHARS:
        return Plan(refusal=f"That question is {len(question):,} characters; keep it under {MAX_QUESTION_CHARS:,}.")
    text = normalise(question)
    reason = refusal_reason(text)
    if reason:
        return Plan(refusal=REFUSALS[reason] + " " + _help("For example"), intent="refused")
    slots = extract(text, vocabulary)
    segments = mentioned_segments(text, slots, vocabulary)
    is_follow_up = _refers_back(text, context)
    intent = detect_intent(text, slots, segments)
    if intent is None and is_follow_up:
        intent = _follow_up_intent(text, context)
    if intent is None:
        return Plan(refusal=_help("I'm not sure what you're asking. I can answer questions like"), intent=None)
    audience = slots.audience()
    if is_follow_up or (not audience and not segments and intent in _AUDIENCE_TOOLS and context.intent):
        audience = {**context.audience, **audience}
        if not segments and context.segment is not None and "segment" not in audience:
            segments = [context.segment]
    return Plan([PlannedCall(intent, _args(intent, slots, audience, segments, context))], intent=intent)


_AUDIENCE_TOOLS = {"find_customers", "draft_campaign", "recommend_products", "export_audience"}


def _refers_back(text: str, context: Context) -> bool:
    if context.intent is None:
        return False
    starts = re.match(r"^(only|just|now|and|what about|how about|same|also|but|ok|okay|then|instead)\b", text)
    return bool(starts) or any(contains_phrase(text, ref) for ref in ("them", "those", "these", "that segment",
                                                                      "this segment", "that group", "the same",
                                                                      "this audience", "that audience", "they"))


def _follow_up_intent(text: str, context: Context) -> str | None:
    if re.search(r"\b(shorter|punchier|another|again|more variants|different)\b", text) and context.draft:
        return "draft_campaign"
    return context.intent


def _args(intent: str, slots: Slots, audience: dict[str, Any], segments: list[int],
          context: Context) -> dict[str, Any]:
    segment = segments[0] if segments else audience.pop("segment", None)
    audience = {k: v for k, v in audience.items() if k != "segment"}
    if intent == "find_customers":
        args = dict(audience)
        if segment is not None:
            args["segment"] = str(segment)
        args.update({k: v for k, v in (("sort_by", slots.sort_by), ("limit", slots.limit)) if v is not None})
        return args
    if intent == "profile_segment":
        return {"segment": str(segment)}
    if intent == "compare_segments":
        return {"segments": [str(s) for s in segments[:2]]}
    if intent == "explain_customer":
        return {"customer_id": slots.customer_id}
    if intent == "kpi_summary":
        return {"period": _period(slots)}
    if intent == "whats_changed":
        return {}
    if intent == "run_segmentation":
        return {"k": slots.k} if slots.k else {}
    target: dict[str, Any] = {"segment": str(segment)} if segment is not None else {}
    if audience:
        target["audience"] = audience
    if intent == "recommend_products":
        return {**target, "limit": slots.limit or 5}
    if intent == "export_audience":
        return {**target, "format": "json" if "json" in slots.__dict__.get("tone", "") else "csv"}
    previous = context.draft if context.intent == "draft_campaign" else {}
    stages = audience.get("lifecycle") or []
    return {
        **target,
        "channel": slots.channel or previous.get("channel") or "email",
        "goal": slots.goal or previous.get("goal") or next((GOAL_FOR_STAGE[s] for s in stages if s in GOAL_FOR_STAGE),
                                                           "cross_sell" if segment is not None else "loyalty"),
        **{k: v for k, v in (("offer", slots.offer or previous.get("offer")), ("tone", slots.tone),
                             ("variants", slots.variants or previous.get("variants"))) if v},
    }


def _period(slots: Slots) -> str | int:
    return slots.period or "month"


def _help(lead: str) -> str:
    return f"{lead}: " + "; ".join(f'"{example}"' for example in EXAMPLES) + "."
