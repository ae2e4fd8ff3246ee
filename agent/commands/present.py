"""Every data command is ``run_tool`` + the renderer for the chosen format.

A command's ``--json`` prints the same §8 answer object ``ask --json`` does (planner ``direct``, one step),
so a script learns one shape, and the step's ``data`` equals what ``ask`` returns for the same question.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agent.console import err, out, print_json

if TYPE_CHECKING:
    from pydantic import BaseModel

    from agent.answer import Answer


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON (the answer object of DESIGN.md §8).")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="table, json or csv (the first table).")]


def present(ctx: typer.Context, tool: str, args: dict[str, Any] | BaseModel, *, as_json: bool = False,
            output: OutputFormat = OutputFormat.table, create: bool = False, use_llm: bool = True,
            max_rows: int = 20, **options: Any) -> Answer:
    """Run ``tool`` on the command's shop and print it as a table, JSON or CSV."""
    from agent.answer import Answer
    from agent.render.delimited import write_csv
    from agent.render.terminal import render_answer
    from agent.toolbox import run_tool

    shop = ctx.obj.shop(create=create, use_llm=use_llm)
    step = run_tool(shop, tool, args, **options)
    answer = Answer(question=step.reproduce[0] if step.reproduce else tool, planner="direct", answer=step.summary)
    answer.add(step)
    if as_json or output is OutputFormat.json:
        print_json(answer.to_json())
    elif output is OutputFormat.csv:
        if answer.tables:
            write_csv(answer.tables[0], sys.stdout)
        for warning in answer.warnings:
            err().print(f"warning: {warning}", markup=False)
    else:
        render_answer(answer, out(), err(), show_steps=False, max_rows=max_rows)
    return answer


def yield_cpu_to_readers(ctx: typer.Context) -> None:
    """Writing commands (ingest, features, segment) run at a lower CPU priority (``[store] writer_nice``):
    on a small machine a reader answering a person or a Slack thread then barely slows down (measured in
    bench/readers_under_writer.py), while the write itself only takes a little longer."""
    import os
    from dataclasses import asdict

    from tools.store.store import StoreSettings

    wanted = int(ctx.obj.settings.section("store", asdict(StoreSettings()))["writer_nice"])
    if hasattr(os, "nice") and wanted > os.nice(0):
        with contextlib.suppress(OSError):  # not permitted here: run at normal priority
            os.nice(wanted - os.nice(0))


@contextmanager
def stage_progress(label: str) -> Iterator[Any]:
    """A spinner on stderr naming the current stage; yields ``update(stage)``."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err(),
                  transient=True) as progress:
        task = progress.add_task(label, total=None)
        yield lambda stage: progress.update(task, description=f"{label}: {stage}")


def split_values(values: list[str] | None) -> list[str]:
    """Repeatable, comma-separated option values: ``-l lapsing,lapsed -l new`` -> [lapsing, lapsed, new]."""
    return [part.strip().lower() for value in values or [] for part in value.split(",") if part.strip()]


def option_error(exc: Any, options: dict[str, str] | None = None) -> str:
    """A pydantic validation error as one sentence naming the CLI option."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"] if not isinstance(part, int)).split(".")[-1]
    if not field:  # a rule across several options (a model validator): its own words say which
        message = first["msg"].removeprefix("Value error, ")
        return message[:1].upper() + message[1:].rstrip(".") + "."
    option = (options or {}).get(field, f"--{field.replace('_', '-')}")
    return f"{option} {first.get('input')!r} is not valid: {first['msg'].lower()}."
