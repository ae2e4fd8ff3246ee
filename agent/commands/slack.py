"""``segment-agent slack [--http --port N]`` runs the Slack bot; ``segment-agent slack manifest`` prints its
Slack app manifest (DESIGN.md §14)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from agent.commands.ask import PlannerOption
from agent.console import err
from tools.errors import UserError

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from agent.runtime import Runtime
    from agent.slack.config import SlackConfig, SlackCredentials

app = typer.Typer()


@app.callback(invoke_without_command=True)
def slack(
    ctx: typer.Context,
    http: Annotated[bool, typer.Option("--http", help="Serve Slack's Events API over HTTP (needs "
                                       "SLACK_SIGNING_SECRET) instead of Socket Mode (SLACK_APP_TOKEN).")] = False,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="HTTP port (with --http; 0 = any free "
                                      "port).")] = 3000,
    host: Annotated[str, typer.Option("--host", help="HTTP address to listen on (with --http); 0.0.0.0 for "
                                      "every interface.")] = "127.0.0.1",
    planner: Annotated[PlannerOption | None, typer.Option("--planner", help="auto, embedded or llm (default: "
                                                          "\\[slack] planner, else auto).", show_default=False)] = None,
) -> None:
    """Run the Slack bot: answers @mentions in allowed channels, DMs and /segments, in threads.

    Tokens come from the environment: SLACK_BOT_TOKEN, plus SLACK_APP_TOKEN or (--http) SLACK_SIGNING_SECRET.

    Settings are \\[slack] in segment-agent.toml; `segment-agent slack manifest` prints the Slack app manifest.

    Each thread is a chat session, also after a restart. Writers in other processes never stop it. Ctrl-C stops it.
    """
    if ctx.invoked_subcommand is not None:
        return
    from dataclasses import replace

    from agent.slack.config import api_base_url, load_credentials, load_slack_config

    runtime: Runtime = ctx.obj
    config = load_slack_config(runtime.settings)
    if planner is not None:
        config = replace(config, planner=planner.value)
    credentials = load_credentials(runtime.settings.env, http=http)
    _check_workspace(runtime, config.planner)
    _log_to_stderr()
    _serve(runtime, config, credentials, api_base_url(config), http=http, host=host, port=port)


@app.command("manifest")
def manifest(
    ctx: typer.Context,
    url: Annotated[str | None, typer.Option("--url", help="Public HTTPS URL of the bot's /slack/events endpoint: "
                                            "prints an HTTP-mode manifest (default: Socket Mode).",
                                            show_default=False)] = None,
    name: Annotated[str, typer.Option("--name", help="The app's and bot's display name.")] = "segment-agent",
) -> None:
    """Print the Slack app manifest (scopes, events, slash command) as JSON: paste it into
    https://api.slack.com/apps › Create New App › From a manifest."""
    from agent.slack.config import load_slack_config
    from agent.slack.manifest import app_manifest

    if url is not None and not url.startswith(("https://", "http://")):
        raise UserError(f"--url must be the bot's public URL, such as https://bot.example.com/slack/events, not "
                        f"{url!r}.")
    command = load_slack_config(ctx.obj.settings).command
    sys.stdout.write(json.dumps(app_manifest(name, command, url), indent=2) + "\n")


def _check_workspace(runtime: Runtime, planner: str) -> None:
    """Fail before connecting to Slack when the bot could not answer anything."""
    from agent.answering import NO_MODEL

    shop = runtime.shop(use_llm=False)
    if not shop.exists():
        shop.store.connection()  # raises the "no workspace" sentence
    if planner == "llm" and runtime.llm is None:
        raise UserError(NO_MODEL)


def _log_to_stderr() -> None:
    """One line per request on stderr (JSON from the responder; Bolt's own warnings as text)."""
    import logging

    logger = logging.getLogger("segment_agent.slack")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logging.getLogger("segment_agent.slack.bolt").setLevel(logging.WARNING)


def _serve(runtime: Runtime, config: SlackConfig, credentials: SlackCredentials, api_url: str, *, http: bool,
           host: str, port: int) -> None:
    """Run until Ctrl-C or SIGTERM, then finish the questions in hand and close every shop."""
    import signal

    from agent.slack.app import EVENTS_PATH, build_app, http_server, socket_mode_handler, web_client
    from agent.slack.responder import Responder

    client = web_client(credentials, api_url)
    identity = _who_am_i(client)
    responder = Responder(runtime.workspace, runtime.settings, runtime.providers, config, client)
    bolt = build_app(config, credentials, client, responder)
    where = f"{len(config.channels)} channel(s) and DMs" if config.channels else "DMs only"

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        if http:
            server = http_server(bolt, host, port)
            err().print(f"segment-agent slack: answering as {identity} in {where} (planner "
                        f"{config.planner}); listening on http://{host}:{server.server_port}{EVENTS_PATH} "
                        "— Ctrl-C to stop.", markup=False, highlight=False)
            try:
                server.serve_forever(poll_interval=0.2)
            finally:
                server.server_close()
        else:
            handler = socket_mode_handler(bolt, credentials)
            err().print(f"segment-agent slack: answering as {identity} in {where} (planner {config.planner}) "
                        "over Socket Mode — Ctrl-C to stop.", markup=False, highlight=False)
            try:
                handler.start()
            finally:
                handler.close()
    except KeyboardInterrupt:
        err().print("Stopping: finishing the questions in hand …", markup=False)
    finally:
        responder.close()
    err().print("segment-agent slack stopped.", markup=False)


def _who_am_i(client: WebClient) -> str:
    """The bot's name from auth.test; a rejected token is one sentence, not a traceback."""
    from slack_sdk.errors import SlackApiError

    try:
        identity = client.auth_test()
    except SlackApiError as exc:
        raise UserError(f"Slack did not accept SLACK_BOT_TOKEN ({exc.response.get('error', 'error')}); copy the "
                        "Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page.") from exc
    except OSError as exc:
        raise UserError(f"Cannot reach Slack's Web API ({exc}); check the network, or [slack] api_url / "
                        "SLACK_API_URL.") from exc
    return f"@{identity.get('user', 'bot')} ({identity.get('team', 'workspace')})"
