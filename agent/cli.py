"""The ``segment-agent`` command line: a thin Typer shell over ``tools/`` and the agent.

Only Typer and rich are imported at start-up; every command imports its heavy dependencies inside its
body so ``segment-agent --help`` stays instant. User mistakes (:class:`tools.errors.UserError`) are
caught here once: one sentence on stderr, exit code 1, never a traceback. ``cli.root`` builds the
command's :class:`agent.runtime.Runtime` (settings once, one store connection), or takes the
:class:`agent.runtime.AgentProviders` a test passed as ``obj``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text
from typer.core import TyperGroup

from agent.console import err, error
from tools.errors import UserError

EXIT_USER_ERROR = 1
EXIT_BUG = 3
EXIT_INTERRUPTED = 130
WORKSPACE_ENV = "SEGMENT_AGENT_WORKSPACE"
DEFAULT_WORKSPACE = ".segment-agent"
GLOBAL_VALUE_OPTIONS = ("--workspace", "-w")
GLOBAL_FLAGS = ("--debug",)


class FriendlyGroup(TyperGroup):
    """Root command group: global options anywhere on the line, and exits whose code tells the truth.

    A user error prints its sentence (plain text, capped) and exits 1; Ctrl-C at any moment exits 130 — also
    when a library turned it into its own error or swallowed it (:mod:`tools.store.interrupts` records it),
    and the message says whether the command had already saved; anything else is a bug (exit 3).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))

    def invoke(self, ctx: typer.Context) -> Any:
        from tools.store import interrupts

        with interrupts.command():
            try:
                interrupts.check()  # Ctrl-C during start-up
                result = super().invoke(ctx)
            except KeyboardInterrupt:
                _interrupted()
            except (typer.Exit, typer.Abort, typer.TyperException):
                if interrupts.received():
                    _interrupted()
                raise  # usage errors keep Click's message and exit code 2
            except UserError as exc:
                if interrupts.received():
                    _interrupted()
                error(_truthful(str(exc)))
                raise typer.Exit(EXIT_USER_ERROR) from None
            except BrokenPipeError:
                # the reader went away (`… | head`): no message to a closed pipe, and the exit status of a
                # process killed by SIGPIPE (141), as other Unix tools give, so `set -o pipefail` scripts can tell
                _silence_stdout()
                raise typer.Exit(EXIT_BROKEN_PIPE) from None
            except Exception as exc:
                if interrupts.received():
                    _interrupted()  # e.g. DuckDB's "Query interrupted", an import cut short
                if _debug_requested(ctx):
                    raise
                error(_truthful(f"{type(exc).__name__}: {exc}"), "unexpected error: ")
                err().print("This is a bug in segment-agent; re-run with --debug for the full traceback and report it.",
                            markup=False)
                raise typer.Exit(EXIT_BUG) from None
            if interrupts.received():
                _interrupted()  # a library swallowed the Ctrl-C: the command must not look successful
            return result


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again on the closed pipe."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file descriptor (a test runner's capture)
        pass
    finally:
        os.close(devnull)


INTERRUPTED_UNCHANGED = "Interrupted; the workspace is unchanged by the unfinished step."
INTERRUPTED_SAVED = ("Interrupted after this command had saved its changes; the workspace is consistent and holds "
                     "them.")


def _truthful(message: str) -> str:
    """A long job (``segment``) may have committed a step — cached embeddings — before failing: say so."""
    from tools.store import interrupts

    if not interrupts.committed():
        return message
    kept = "what this command saved before the error (such as cached embeddings) is kept"
    if message.rstrip(".").endswith("nothing was changed"):
        return message.rstrip(".")[: -len("nothing was changed")] + kept + "."
    return f"{message.rstrip().rstrip('.')}; {kept}."


def _interrupted() -> None:
    """Print the interrupt message (once per command) and exit 130."""
    from tools.store import interrupts

    if not interrupts.reported():
        err().print(INTERRUPTED_SAVED if interrupts.committed() else INTERRUPTED_UNCHANGED, markup=False)
        interrupts.mark_reported()
    raise typer.Exit(EXIT_INTERRUPTED) from None


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


def _print_version(value: bool) -> None:
    """``--version``: what a bug report or a scheduled script's log needs, without touching the workspace."""
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("segment-agent")
    except PackageNotFoundError:  # run from a source tree that was never installed
        installed = "unknown (not installed)"
    typer.echo(f"segment-agent {installed}")
    raise typer.Exit()


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
    version: Annotated[bool, typer.Option("--version", "-V", is_eager=True, callback=_print_version,
                                          help="Print the installed version and exit.")] = False,
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
    from agent.commands import analysis

    app.command("breakdown")(analysis.breakdown)
    app.command("themes")(analysis.themes)
    app.command("segment")(segments.segment)
    app.add_typer(segments.app, name="segments")
    app.command("campaign")(campaign.campaign)
    app.command("recommend")(campaign.recommend)
    app.command("export")(campaign.export)
    app.add_typer(logs.app, name="logs")
    from agent.commands import brief

    app.add_typer(brief.app, name="brief")
    from agent.commands import slack

    app.add_typer(slack.app, name="slack")


_register_commands()


_EXIT_CODE: list[Any] = []  # the code main() ends with, for its last step (_exit_truthfully)


def main() -> None:
    """Console-script entry point (via :mod:`agent.launcher`, which listens for Ctrl-C before this module's
    imports run). A Ctrl-C at any moment until the process is gone exits 130 with the message — also one that
    lands after the command, while the interpreter shuts down: :func:`_exit_truthfully` is the last step.
    Listening here too covers callers that start this function without the launcher."""
    import atexit

    from tools.store import interrupts

    interrupts.listen()
    # Registered before any command imports its libraries (importing this module registers none), so it runs
    # after their own exit work and after Python has joined the remaining threads.
    atexit.register(_exit_truthfully)
    code: Any = 1  # an exception escaping app() (a traceback) ends with Python's status for it
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        _EXIT_CODE[:] = [code]
    sys.exit(code)


def _exit_status(code: Any) -> int:
    """The process status ``sys.exit(code)`` would give (None is 0, a message is 1)."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def _exit_truthfully() -> None:
    """End the process with a status that tells the truth, without the interpreter's teardown.

    The teardown (freeing every module, some 0.3 s after a command) used to run with SIGINT ignored, so a
    Ctrl-C there was lost and a run exited 0 with no message; left to Python, the teardown instead puts back
    the default action, which kills the process with no message. So from here a Ctrl-C is only recorded
    (:func:`tools.store.interrupts.hold`, which also sees one whose Python-level handler has not run yet),
    stdout is flushed, any Ctrl-C so far turns the status into 130 with its sentence, and the process exits
    at once: only the instant between that check and the exit call remains. Skipping the teardown is as safe
    for the workspace as kill -9 (every commit is durable when it returns; the interrupt bench checks kill -9),
    and files are written atomically and closed where they are written.
    """
    from tools.store import interrupts

    interrupts.hold()
    code = _exit_status(_EXIT_CODE[0] if _EXIT_CODE else 1)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the last buffered lines met a closed pipe
        _silence_stdout()
        code = EXIT_BROKEN_PIPE if code == 0 else code
    except (OSError, ValueError):  # stdout already closed: nothing left to write
        pass
    if interrupts.received() and code != EXIT_INTERRUPTED:
        code = EXIT_INTERRUPTED
        with contextlib.suppress(typer.Exit, OSError, ValueError):  # a closed stderr must not cost the status
            _interrupted()
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)
