"""Answer a question: plan (embedded planner or LLM), run the tools, compose an auditable answer.

Numbers in an answer come only from tool results, and one answer reads one store snapshot (a writer in
another process committing mid-answer is seen by the next question, never half by this one). Every answer
is appended to the ask log with the tool calls, the snapshot, what models were sent and replied, and timings.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from agent.answer import Answer
from agent.ask_log import AskLog, Transcript
from agent.planner import Context, Plan, plan
from agent.planner.vocabulary import ShopVocabulary, load_vocabulary
from tools.errors import UserError

if TYPE_CHECKING:
    from agent.runtime import LlmAccess
    from tools.runtime.shop import Shop

PlannerChoice = Literal["auto", "embedded", "llm"]
NO_MODEL = ("--planner llm needs a model: set OPENAI_API_KEY or OPENAI_BASE_URL (and SEGMENT_AGENT_MODEL), "
            "or [llm] in segment-agent.toml.")


@dataclass
class Session:
    """State kept across questions in one chat (or one ``ask``): the shop, follow-up context, history."""

    shop: Shop
    llm: LlmAccess | None = None
    transcript: Transcript = field(default_factory=Transcript)
    source: str = "cli"
    context: Context = field(default_factory=Context)
    vocabulary: ShopVocabulary | None = None
    history: list[Answer] = field(default_factory=list)

    def shop_vocabulary(self) -> ShopVocabulary:
        if self.vocabulary is None:
            self.vocabulary = load_vocabulary(self.shop)
        return self.vocabulary

    def forget_vocabulary(self) -> None:
        """Call after segments change so new segment names are recognised."""
        self.vocabulary = None


def answer_question(session: Session, question: str, planner: PlannerChoice = "auto") -> Answer:
    """Answer ``question`` in ``session``; falls back to the embedded planner if the LLM fails."""
    if planner == "llm" and session.llm is None:
        raise UserError(NO_MODEL)
    use_llm = session.llm is not None and planner in ("auto", "llm")
    started = time.perf_counter()
    session.transcript.clear()
    with session.shop.reading():
        snapshot = session.shop.store.snapshot_id()
        answer, warnings = None, []
        if use_llm:
            from agent.llm_agent import LlmFailure, answer_with_llm

            try:
                answer = answer_with_llm(session, question)
            except LlmFailure as failure:
                warnings.append(f"The language model could not answer ({failure}); answered with the embedded "
                                "planner.")
        if answer is None:
            answer = answer_embedded(session, question)
    answer.warnings = warnings + answer.warnings
    if answer.steps:
        remember_rows(session, answer)
    session.history.append(answer)
    _log(session, answer, snapshot, {"total_ms": round((time.perf_counter() - started) * 1000, 1)})
    return answer


def answer_embedded(session: Session, question: str) -> Answer:
    """Plan with the rule-based planner and run the plan."""
    planned = plan(question, session.shop_vocabulary(), session.context)
    answer = run_plan(session, question, planned, "embedded")
    if answer.steps:
        session.context.remember(planned)
    return answer


def run_plan(session: Session, question: str, planned: Plan, planner_name: str) -> Answer:
    """Execute a plan's tool calls in order and compose the answer from their results."""
    from agent.toolbox import run_tool

    answer = Answer(question=question, planner=planner_name)
    if planned.refusal:
        answer.answer = planned.refusal
        answer.status = planned.status
        return answer
    answer.warnings += planned.notes
    for call in planned.calls:
        try:
            step = run_tool(session.shop, call.tool, call.args)
        except UserError as exc:
            answer.answer = f"I couldn't run {call.tool}: {exc}"
            answer.warnings.append(str(exc))
            answer.status = "refused"
            return answer
        answer.add(step)
        if call.tool == "run_segmentation":
            session.forget_vocabulary()
    answer.answer = answer.summaries()
    return answer


def remember_rows(session: Session, answer: Answer) -> None:
    """Keep the ids behind the last list's rows, so "why is the first one lapsing?" means its first row. Drilling
    into one row (explain, profile) keeps the list, so "and the third one?" still works; a table of something else
    (countries, products, terms) replaces it with nothing to point at."""
    from tools.behaviour.breakdown import Breakdown
    from tools.behaviour.customers import CustomerList
    from tools.campaigns.recommendations import Recommendations
    from tools.segments.reading import SegmentOverview
    from tools.segments.themes import Themes

    result = answer.steps[-1].result
    if isinstance(result, CustomerList):
        session.context.remember_rows("customer", [str(row[0]) for row in result.rows])
    elif isinstance(result, SegmentOverview):
        session.context.remember_rows("segment", [str(segment.id) for segment in result.segments])
    elif isinstance(result, Breakdown) and result.by == "segment":
        session.context.remember_rows("segment", [str(g["key"]) for g in result.groups])
    elif isinstance(result, Breakdown | Recommendations | Themes):
        session.context.remember_rows(None, [])


def _log(session: Session, answer: Answer, snapshot: int, timings: dict[str, float]) -> None:
    """Append the answer to the ask log; if that fails the answer still stands, with a warning."""
    try:
        AskLog(session.shop.root).append(answer, session.transcript, source=session.source, snapshot=snapshot,
                                         timings=timings, asked_at=session.shop.now())
    except (OSError, sqlite3.Error) as exc:
        answer.warnings.append(f"The ask log could not be written ({exc}); the answer above is unaffected.")
