"""The ``segment-agent`` command line: a thin Typer shell over ``tools/`` and the agent.

Only Typer and rich are imported at start-up; every command imports its heavy dependencies inside its
body so ``segment-agent --help`` stays instant. User mistakes (:class:`tools.errors.UserError`) are
caught here once: one sentence on stderr, exit code 1, never a traceback. ``cli.root`` builds the
command's :class:`agent.runtime.Runtime` (settings once, one store connection), or takes the
:class:`agent.runtime.AgentProviders` a test passed as ``obj``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text
from typer.core import TyperGroup

from agent.console import err
from tools.errors import UserError

EXIT_USER_ERROR = 1
EXIT_BUG = 3
EXIT_INTERRUPTED = 130
WORKSPACE_ENV = "SEGMENT_AGENT_WORKSPACE"
DEFAULT_WORKSPACE = ".segment-agent"
GLOBAL_VALUE_OPTIONS = ("--workspace", "-w")
GLOBAL_FLAGS = ("--debug",)


class FriendlyGroup(TyperGroup):
    """Root command group: global options anywhere on the line, and clean exits for user errors and Ctrl-C."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            err().print(Text.assemble(("error: ", "red"), str(exc)))
            raise typer.Exit(EXIT_USER_ERROR) from None
        except KeyboardInterrupt:
            err().print("Interrupted; the workspace is unchanged by the unfinished step.")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # usage errors keep Click's message and exit code 2
        except Exception as exc:
            if _debug_requested(ctx):
                raise
            err().print(Text.assemble(
                ("unexpected error: ", "red"), f"{type(exc).__name__}: {exc}\n"
                "This is a bug in segment-agent; re-run with --debug for the full traceback and report it."))
            raise typer.Exit(EXIT_BUG) from None


def hoist_global_options(args: list[str]) -> list[str]:
    """Move ``--workspace/-w PATH`` and ``--debug`` given after the subcommand to the front, so
    ``segment-agent ingest orders x.csv --workspace W`` works like ``segment-agent --workspace W ingest …``."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        if arg in GLOBAL_VALUE_OPTIONS and index + 1 < len(args):
            front += [arg, args[index + 1]]
            index += 2
            continue
        if arg.startswith("--workspace=") or arg in GLOBAL_FLAGS:
            front.append(arg)
        else:
            rest.append(arg)
        index += 1
    return front + rest


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
            help="Workspace directory holding the shop's data (default: ./.segment-agent); before or after the "
            "command.",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks for unexpected errors.")] = False,
) -> None:
    """Exit codes: 0 ok · 1 bad input or workspace (a message says what to fix) · 2 usage error · 3 bug."""
    from agent.runtime import AgentProviders, Runtime

    providers = ctx.obj if isinstance(ctx.obj, AgentProviders) else AgentProviders(notice=_notice)
    command = " ".join(["segment-agent", *(ctx.invoked_subcommand or "").split()])
    runtime = Runtime(workspace or Path(DEFAULT_WORKSPACE), debug, providers, command=command)
    ctx.obj = runtime
    ctx.call_on_close(runtime.close)


def _notice(message: str) -> None:
    err().print(Text(message, style="dim"))


def _register_commands() -> None:
    from agent.commands import ask, campaign, customers, demo, ingest, logs, reports, segments, status

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
    app.command("segment")(segments.segment)
    app.add_typer(segments.app, name="segments")
    app.command("campaign")(campaign.campaign)
    app.command("recommend")(campaign.recommend)
    app.command("export")(campaign.export)
    app.add_typer(logs.app, name="logs")


_register_commands()


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())
