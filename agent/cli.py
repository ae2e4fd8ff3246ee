"""The ``segment-agent`` command line: a thin Typer shell over ``tools/`` and the agent.

Only Typer and rich are imported at start-up; every command imports its heavy dependencies inside its
body so ``segment-agent --help`` stays instant. User mistakes (:class:`tools.errors.UserError`) are
caught here once: one sentence on stderr, exit code 1, never a traceback.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from agent.console import err
from tools.errors import UserError
from tools.store.workspace import WORKSPACE_ENV, default_workspace_path

EXIT_USER_ERROR = 1
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class AppContext:
    """Options shared by every command."""

    workspace: Path
    debug: bool


class FriendlyGroup(TyperGroup):
    """Root command group that turns user errors and interrupts into clean exits."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            err().print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
            raise typer.Exit(EXIT_USER_ERROR) from None
        except KeyboardInterrupt:
            err().print("Interrupted; the workspace is unchanged by the unfinished step.")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # usage errors keep Click's message and exit code 2
        except Exception as exc:
            if _debug_requested(ctx):
                raise
            err().print(
                f"[red]unexpected error:[/red] {type(exc).__name__}: {exc}\n"
                "This is a bug in segment-agent; re-run with --debug for the full traceback and report it.",
                markup=True,
                highlight=False,
            )
            raise typer.Exit(EXIT_BUG) from None


def _debug_requested(ctx: typer.Context) -> bool:
    return bool(ctx.params.get("debug")) or os.environ.get("SEGMENT_AGENT_DEBUG") == "1"


app = typer.Typer(
    cls=FriendlyGroup,
    name="segment-agent",
    help="Ask plain-language questions about your shop's customers: who is lapsing, who your VIPs are, "
    "what each segment cares about, and what to send them.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            envvar=WORKSPACE_ENV,
            help="Workspace directory holding the shop's data (default: ./.segment-agent).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks for unexpected errors.")] = False,
) -> None:
    """Exit codes: 0 ok · 1 bad input or workspace (a message says what to fix) · 2 usage error · 3 bug."""
    ctx.obj = AppContext(workspace=workspace or default_workspace_path(), debug=debug)


def _register_commands() -> None:
    from agent.commands import ask, customers, demo, ingest, reports, status

    app.command("demo")(demo.demo)
    app.add_typer(ingest.app, name="ingest")
    app.command("status")(status.status)
    app.command("features")(customers.features)
    app.command("customers")(customers.customers)
    app.command("explain")(customers.explain)
    app.command("ask")(ask.ask)
    app.command("chat")(ask.chat)
    app.command("kpis")(reports.kpis)
    app.command("changes")(reports.changes)
    from agent.commands import segments

    app.command("segment")(segments.segment)
    app.add_typer(segments.app, name="segments")
    from agent.commands import campaign

    app.command("campaign")(campaign.campaign)
    app.command("recommend")(campaign.recommend)
    app.command("export")(campaign.export)


_register_commands()


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())
