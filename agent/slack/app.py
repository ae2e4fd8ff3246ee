"""The Bolt app: listeners for app mentions, DMs and the slash command, served over HTTP or Socket Mode.

Bolt does what Slack requires of every app and is easy to get subtly wrong by hand: HTTP requests are
accepted only with a valid ``X-Slack-Signature`` whose timestamp is within five minutes (anything else gets
401 and never reaches a listener), ``url_verification`` challenges are answered, events are acknowledged
before any work starts, and the bot's own messages are dropped. The listeners only turn a payload into a
:class:`~agent.slack.messages.Question` and hand it to the :class:`~agent.slack.responder.Responder`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from agent.slack.messages import question_from_command, question_from_event, retry_number
from tools.errors import UserError

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient

    from agent.slack.config import SlackConfig, SlackCredentials
    from agent.slack.responder import Responder

LOGGER = logging.getLogger("segment_agent.slack")
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HELP = ("Ask me about your customers, for example: “who are my lapsing VIPs?”, “what segments do we have?”, "
        "“draft a win-back email for lapsing high-value customers”. I answer in a thread; reply there (mention "
        "me) for follow-ups such as “only those in France” or “export them”.")
ACKS = {"queued": "Looking into it… the answer will appear in this channel.",
        "duplicate": "I'm already answering that one.",
        "not_allowed": "I only answer in the channels listed in [slack] channels of segment-agent.toml, and in "
                       "direct messages. Ask me in a DM, or ask an admin to add this channel."}


def web_client(credentials: SlackCredentials, api_url: str) -> WebClient:
    """The Web API client every call goes through (``api_url`` may point at a proxy or a test's mock)."""
    from slack_sdk import WebClient

    return WebClient(token=credentials.bot_token, base_url=api_url, timeout=30)


def build_app(config: SlackConfig, credentials: SlackCredentials, client: WebClient, responder: Responder) -> App:
    """The Bolt app with its three listeners. Raises UserError when Slack rejects the bot token."""
    from slack_bolt import App
    from slack_bolt.error import BoltError

    bolt_logger = logging.getLogger("segment_agent.slack.bolt")
    level = bolt_logger.level
    bolt_logger.setLevel(logging.ERROR)  # Bolt warns that SLACK_BOT_TOKEN is unused: it is, through ``client``
    try:
        app = App(client=client, signing_secret=credentials.signing_secret or None,
                  request_verification_enabled=bool(credentials.signing_secret),
                  process_before_response=False, ignoring_self_events_enabled=True,
                  listener_executor=responder.intake, logger=bolt_logger)
    except BoltError as exc:
        raise UserError(f"Slack did not accept SLACK_BOT_TOKEN ({exc}); copy the Bot User OAuth Token (xoxb-…) "
                        "from your app's OAuth & Permissions page.") from exc
    finally:
        bolt_logger.setLevel(level)

    def on_event(body: dict[str, Any], context: Any, request: Any) -> None:
        question = question_from_event(body, context.bot_user_id, retry_number(request.headers))
        if question is None:  # edits, deletions, bots, chatter: still one line in the log
            event = body.get("event") or {}
            LOGGER.info(json.dumps({"event": body.get("event_id"), "kind": event.get("type"),
                                    "subtype": event.get("subtype"), "channel": event.get("channel"),
                                    "outcome": "ignored"}))
            return
        responder.accept(question)

    def on_command(ack: Callable[..., None], command: dict[str, Any]) -> None:
        question = question_from_command(command)
        if not question.text or question.text.lower() in ("help", "?"):
            ack(text=HELP)
            return
        outcome = responder.accept(question, respond_url=command.get("response_url"))
        ack(text=ACKS.get(outcome, ACKS["queued"]))

    app.event("app_mention")(on_event)
    app.event("message")(on_event)
    app.command(config.command)(on_command)
    return app


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    """One thread per request, so a slow client never delays Slack's next delivery."""

    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        return  # each request is logged once, as JSON, by the WSGI wrapper


def http_server(app: App, host: str, port: int) -> WSGIServer:
    """A threaded HTTP server for ``app`` on ``host:port``: POST /slack/events (events and the slash command,
    signature-checked by Bolt) and GET /healthz. Call ``serve_forever()``; ``server_port`` is the real port."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if method == "GET" and path == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        seen: dict[str, str] = {}

        def recording(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            seen["status"] = status
            return start_response(status, headers, *rest)

        body = bolt(environ, recording)
        code = int(seen.get("status", "500").split()[0])
        if code != 200:  # accepted requests are logged by the responder, with what became of them
            LOGGER.info(json.dumps({"http": code, "method": method, "path": path,
                                    "retry": environ.get("HTTP_X_SLACK_RETRY_NUM"),
                                    "outcome": "rejected" if code in (401, 403) else "not_handled",
                                    "ms": round((time.perf_counter() - started) * 1000, 1)}))
        return body

    try:
        return make_server(host, port, wsgi, server_class=_ThreadingServer, handler_class=_QuietHandler)
    except OSError as exc:
        raise UserError(f"Cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port.") from exc


def socket_mode_handler(app: App, credentials: SlackCredentials) -> Any:
    """Bolt's Socket Mode handler (a websocket to Slack: no public URL needed). Call ``start()``."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    return SocketModeHandler(app, app_token=credentials.app_token)
