"""``ask`` (one question) and ``chat`` (a conversation with follow-ups)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from agent.console import out, print_json


class PlannerOption(StrEnum):
    auto = "auto"
    embedded = "embedded"
    llm = "llm"


PlannerOpt = Annotated[PlannerOption, typer.Option(
    "--planner", help="auto (LLM if configured, else embedded), embedded (no LLM), or llm.")]


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help='A question in plain words, e.g. "who are my lapsing VIPs?"')],
    planner: PlannerOpt = PlannerOption.auto,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer object (DESIGN.md §8) as JSON.")] = False,
) -> None:
    """Ask one question about your customers; prints the answer, tables, drafts and the steps taken."""
    from agent.answering import Session, answer_question
    from agent.render import render_answer
    from tools.store.workspace import Workspace

    Workspace.open_existing(ctx.obj.workspace)
    answer = answer_question(Session(ctx.obj.workspace), question, planner.value)
    if as_json:
        print_json(answer.to_json())
    else:
        render_answer(answer, out())


def chat(ctx: typer.Context, planner: PlannerOpt = PlannerOption.auto) -> None:
    """Chat about your customers; follow-ups like "draft an email for them" use the last answer.

    Commands: /help, /json (show the last answer as JSON), /export FILE (save the last table as CSV), /quit.
    """
    from agent.chat_loop import run_chat
    from tools.store.workspace import Workspace

    Workspace.open_existing(ctx.obj.workspace)
    run_chat(ctx.obj.workspace, planner.value)
