"""Answer a question: plan (embedded planner or LLM), run the tools, compose an auditable answer.

Numbers in an answer come only from tool outcomes. Every answer is logged to the workspace's
``ask_log`` (question, planner, steps, answer, warnings) so it can be audited and reproduced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from agent.answer import Answer
from agent.planner import Context, Plan, plan
from agent.planner.vocabulary import ShopVocabulary, load_vocabulary
from tools.errors import UserError

PlannerChoice = Literal["auto", "embedded", "llm"]


@dataclass
class Session:
    """State kept across questions in one chat (or one ``ask``): vocabulary and follow-up context."""

    workspace: Path
    context: Context = field(default_factory=Context)
    vocabulary: ShopVocabulary | None = None
    history: list[Answer] = field(default_factory=list)

    def shop_vocabulary(self) -> ShopVocabulary:
        if self.vocabulary is None:
            self.vocabulary = load_vocabulary(self.workspace)
        return self.vocabulary

    def forget_vocabulary(self) -> None:
        """Call after segments change so new segment names are recognised."""
        self.vocabulary = None


def answer_question(session: Session, question: str, planner: PlannerChoice = "auto") -> Answer:
    """Answer ``question`` in ``session``; falls back to the embedded planner if the LLM fails."""
    from agent.llm_config import load_llm_config

    config = load_llm_config(session.workspace)
    use_llm = planner == "llm" or (planner == "auto" and config.is_configured)
    if planner == "llm" and not config.is_configured:
        raise UserError("--planner llm needs a model: set OPENAI_API_KEY or OPENAI_BASE_URL (and SEGMENT_AGENT_MODEL), "
                        "or [llm] in segment-agent.toml.")
    answer = None
    warnings: list[str] = []
    if use_llm:
        from agent.llm_agent import LlmFailure, answer_with_llm

        try:
            answer = answer_with_llm(session, question, config)
        except LlmFailure as failure:
            warnings.append(f"The language model could not answer ({failure}); answered with the embedded planner.")
    if answer is None:
        answer = answer_embedded(session, question)
    answer.warnings = warnings + answer.warnings
    session.history.append(answer)
    _log(session.workspace, answer)
    return answer


def answer_embedded(session: Session, question: str) -> Answer:
    """Plan with the rule-based planner and run the plan."""
    planned = plan(question, session.shop_vocabulary(), session.context)
    answer = run_plan(session, question, planned, "embedded")
    if answer.steps:
        session.context.remember(planned)
    return answer


def run_plan(session: Session, question: str, planned: Plan, planner_name: str) -> Answer:
    """Execute a plan's tool calls in order and compose the answer from their outcomes."""
    from agent.toolbox import run_tool

    answer = Answer(question=question, planner=planner_name)
    if planned.refusal:
        answer.answer = planned.refusal
        return answer
    for call in planned.calls:
        try:
            step, outcome = run_tool(session.workspace, call.tool, call.args)
        except UserError as exc:
            answer.answer = f"I couldn't run {call.tool}: {exc}"
            answer.warnings.append(str(exc))
            return answer
        answer.add(step, outcome)
        if call.tool == "run_segmentation":
            session.forget_vocabulary()
    answer.answer = "\n\n".join(outcome.summary for outcome in answer.outcomes)
    return answer


def _log(workspace_root: Path, answer: Answer) -> None:
    """Append the answer to ask_log; a workspace that is busy or missing only loses the log line."""
    from tools.store.workspace import Workspace

    workspace = Workspace(workspace_root)
    if not workspace.exists():
        return
    try:
        with workspace.transaction() as con:
            con.execute(
                "INSERT INTO ask_log SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, ?, ? FROM ask_log",
                [datetime.now(), answer.question, answer.planner,
                 json.dumps([step.__dict__ for step in answer.steps], default=str), answer.answer,
                 json.dumps(answer.warnings)],
            )
    except UserError:
        pass
