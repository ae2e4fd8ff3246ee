"""The interactive chat: a prompt with history, slash commands, and clean exits on Ctrl-C / Ctrl-D."""

from __future__ import annotations

import io
import json
from pathlib import Path

from agent.answering import Session, answer_question
from agent.console import out
from agent.render.terminal import render_answer
from tools.errors import UserError
from tools.store import interrupts

HELP = """Ask about your customers in plain words, for example:
  who are my lapsing high-value customers?     only those in Germany
  draft a win-back email for them              what segments do we have?
  tell me about segment 2                      what should we recommend to segment 2?
  which country has the most lapsing VIPs?     what do lapsed customers complain about?
  this month vs the same month last year       why is the first one lapsing?
Commands: /help  /json (last answer as JSON)  /export FILE.csv (last table)  /quit"""


def run_chat(session: Session, planner: str, input_fn=input) -> None:  # noqa: ANN001 - injectable for tests
    """Read questions until /quit, EOF or Ctrl-C; each answer may build on the previous one."""
    console = out()
    console.print("[bold]segment-agent chat[/bold] — /help for examples, /quit to leave.")
    while True:
        try:
            line = input_fn("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            interrupts.forget()  # Ctrl-C at the prompt is how people leave a chat: a normal exit
            console.print("\nbye")
            return
        if not line:
            continue
        if line.startswith("/"):
            if _command(line, session, console) == "quit":
                return
            continue
        try:
            answer = answer_question(session, line, planner)  # type: ignore[arg-type]
        except UserError as exc:
            console.print(f"error: {exc}", markup=False, style="red")
            continue
        except KeyboardInterrupt:
            interrupts.forget()  # the answer in progress is dropped; the chat goes on
            console.print("\n(interrupted)")
            continue
        render_answer(answer, console)


def _command(line: str, session: Session, console) -> str | None:  # noqa: ANN001
    name, _, argument = line.partition(" ")
    last = session.history[-1] if session.history else None
    if name in {"/quit", "/exit", "/q"}:
        console.print("bye")
        return "quit"
    if name == "/help":
        console.print(HELP)
    elif name == "/json":
        console.print_json(json.dumps(last.to_json(), default=str)) if last else console.print("Nothing yet.")
    elif name == "/export":
        with_table = next((answer for answer in reversed(session.history) if answer.tables), None)
        _export(with_table, argument.strip(), console)
    else:
        console.print(f"Unknown command {name}; try /help.", markup=False)
    return None


def _export(last, path_text: str, console) -> None:  # noqa: ANN001
    from agent.render.delimited import write_csv
    from tools.campaigns.audience_export import write_atomically

    if last is None or not last.tables:
        console.print("No answer with a table yet; ask for customers first.")
        return
    path = Path(path_text or "audience.csv").expanduser()
    if path.exists():
        console.print(f"{path} exists; choose another file name (nothing was overwritten).", markup=False)
        return
    buffer = io.StringIO()
    write_csv(last.tables[0], buffer)
    try:
        write_atomically(path, buffer.getvalue())
    except UserError as exc:
        console.print(str(exc), markup=False)
        return
    console.print(f"Saved {len(last.tables[0].rows):,} rows to {path}", markup=False)
