"""``segment-agent logs [show ID]``: the ask log — every question answered, and how."""

from __future__ import annotations

from typing import Annotated

import typer

from agent.console import out, print_json

app = typer.Typer(help="List and show the ask log: questions, planners, tool calls, model messages, timings.")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the records as JSON.")]


@app.callback(invoke_without_command=True)
def recent(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=10_000, help="How many records.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """List the latest questions answered in this workspace, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table
    from rich.text import Text

    from agent.ask_log import AskLog

    records = AskLog(ctx.obj.workspace).recent(limit)
    if as_json:
        print_json(records)
        return
    if not records:
        out().print("No questions asked in this workspace yet.")
        return
    table = Table("id", "asked at", "source", "planner", "status", "question", "tools", title="Ask log",
                  title_justify="left", header_style="bold")
    for record in records:
        tools = ", ".join(step["tool"] for step in record["steps"]) or "–"
        table.add_row(str(record["id"]), record["asked_at"], record["source"] or "", record["planner"] or "",
                      record["status"] or "", Text(record["question"] or ""), tools)
    out().print(table)
    out().print(Text("Show one: segment-agent logs show ID", style="dim"))


@app.command("show")
def show(ctx: typer.Context, record_id: Annotated[int, typer.Argument(help="Record id from the list.")],
         as_json: JsonOpt = False) -> None:
    """Show one record in full: tool calls, facts sent to the model, model messages, copywriter prompts."""
    import json

    from rich.text import Text

    from agent.ask_log import AskLog

    record = AskLog(ctx.obj.workspace).get(record_id)
    if as_json:
        print_json(record)
        return
    console = out()
    console.print(Text(f"#{record['id']} · {record['asked_at']} · {record['source']} · {record['planner']} · "
                       f"{record['status']} · snapshot {record['snapshot']}", style="bold"))
    console.print(Text(f"Q: {record['question']}"))
    for step in record["steps"]:
        console.print(Text(f"  {step['tool']}({json.dumps(step['args'], ensure_ascii=False)}) → {step['rows']} rows, "
                           f"{step['ms']} ms"))
    console.print(Text(f"A: {record['answer']}"))
    for name in ("warnings", "facts_sent", "model_messages", "copy_prompts", "timings"):
        if record.get(name):
            console.print(Text(f"{name}:", style="bold"))
            console.print(Text(json.dumps(record[name], ensure_ascii=False, indent=2, default=str)))
