"""``ask`` (one question) and ``chat`` (a conversation with follow-ups)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from agent.console import err, out, print_json

if TYPE_CHECKING:
    from agent.answering import Session


class PlannerOption(StrEnum):
    auto = "auto"
    embedded = "embedded"
    llm = "llm"


PlannerOpt = Annotated[PlannerOption, typer.Option(
    "--planner", help="auto (LLM if configured, else embedded), embedded (no LLM at all), or llm.")]


def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help='A question in plain words, e.g. "who are my lapsing VIPs?"')],
    planner: PlannerOpt = PlannerOption.auto,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer object (DESIGN.md §8) as JSON.")] = False,
) -> None:
    """Ask one question about your customers; prints the answer, tables, drafts and the steps taken."""
    from agent.answering import answer_question
    from agent.render.terminal import render_answer

    answer = answer_question(open_session(ctx, planner), question, planner.value)
    if as_json:
        print_json(answer.to_json())
    else:
        render_answer(answer, out(), err())


def chat(ctx: typer.Context, planner: PlannerOpt = PlannerOption.auto) -> None:
    """Chat about your customers; follow-ups like "draft an email for them" use the last answer.

    Commands: /help, /json (show the last answer as JSON), /export FILE (save the last table as CSV), /quit.
    """
    from agent.chat_loop import run_chat

    run_chat(open_session(ctx, planner, source="chat"), planner.value)


def open_session(ctx: typer.Context, planner: PlannerOption, source: str = "cli") -> Session:
    """A session on the command's shop; ``--planner embedded`` keeps every model out, copywriter included."""
    from agent.answering import Session

    runtime = ctx.obj
    use_llm = planner is not PlannerOption.embedded
    shop = runtime.shop(use_llm=use_llm)
    if not shop.exists():
        shop.store.connection()  # raises the "no workspace" message
    return Session(shop, runtime.llm if use_llm else None, runtime.transcript, source)
