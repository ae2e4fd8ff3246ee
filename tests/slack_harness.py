"""Slack without Slack: a recording mock of the Web API, signed requests, and the real bot on 127.0.0.1.

Slack's own recommendation for testing apps: point ``WebClient(base_url=…)`` at a local server that records
every call, and send the app requests signed exactly as Slack signs them
(:class:`slack_sdk.signature.SignatureVerifier`). The mock checks messages the way Slack does — block count,
text lengths, one table per message of at most 100 rows × 20 cells, every block valid for slack_sdk's own
Block Kit models — and answers ``invalid_blocks`` otherwise, so a test sees exactly what Slack would refuse.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-app-token"
SIGNING_SECRET = "test-signing-secret-8f2c"
BOT_USER = "UBOT0001"
TEAM = "T0TEAM01"
CHANNEL = "C0SALES01"
OTHER_CHANNEL = "C0RANDOM1"
DM_CHANNEL = "D0DIRECT1"
ASKER = "U0MARKETR"


@dataclass
class Call:
    """One Web API call as the mock received it."""

    method: str
    args: dict[str, Any]
    token: str | None
    reply: dict[str, Any] = field(default_factory=dict)


def slack_problems(args: dict[str, Any]) -> list[str]:
    """Why Slack would refuse this chat.postMessage (empty when it would accept it)."""
    from slack_sdk.models.blocks import Block

    blocks = args.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    problems = []
    if not args.get("text") and not blocks:
        problems.append("no_text")
    if len(str(args.get("text") or "")) > 40000:
        problems.append("msg_too_long")
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks (max 50)")
    tables = [block for block in blocks if block.get("type") == "table"]
    if len(tables) > 1:
        problems.append("only one table block per message")
    for index, block in enumerate(blocks):
        if block.get("type") == "table":
            problems += [f"block {index}: {p}" for p in _table_problems(block)]
            continue
        try:
            Block.parse(block).validate_json()
        except Exception as exc:  # slack_sdk's SlackObjectFormationError, or a malformed dict
            problems.append(f"block {index} ({block.get('type')}): {exc}")
        for text in _texts(block):
            if len(text) > 3000:
                problems.append(f"block {index}: text of {len(text)} chars (max 3000)")
    return problems


def _table_problems(block: dict[str, Any]) -> list[str]:
    rows = block.get("rows") or []
    problems = [] if rows else ["table without rows"]
    if len(rows) > 100:
        problems.append(f"{len(rows)} rows (max 100)")
    for number, row in enumerate(rows):
        if len(row) > 20:
            problems.append(f"row {number}: {len(row)} cells (max 20)")
        if any(cell.get("type") != "raw_text" or not cell.get("text") for cell in row):
            problems.append(f"row {number}: every cell must be a non-empty raw_text")
    if len(block.get("column_settings") or []) > 20:
        problems.append("more than 20 column settings")
    return problems


def _texts(block: dict[str, Any]) -> list[str]:
    texts = []
    if isinstance(block.get("text"), dict):
        texts.append(block["text"].get("text", ""))
    texts += [element.get("text", "") for element in block.get("elements", []) if isinstance(element, dict)]
    return texts


class MockSlackApi:
    """A recording Slack Web API on 127.0.0.1 (a real HTTP server in a thread)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.uploads: dict[str, bytes] = {}
        self.responses: list[dict[str, Any]] = []
        self.failures: dict[str, list[str]] = {}  # method -> errors to answer with, one per call
        self.socket_url = ""  # what apps.connections.open hands out (a SocketModeSlack's URL)
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._ts = itertools.count(1)
        self._files = itertools.count(1)
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, reply = mock.handle(self.path, self.headers, raw)
                body = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if not isinstance(reply, bytes) else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what the bot sent ----------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def posts(self, thread_ts: str | None = None) -> list[Call]:
        """chat.postMessage calls that Slack accepted (in ``thread_ts``, when given)."""
        return [call for call in self.calls_to("chat.postMessage") if call.reply.get("ok")
                and (thread_ts is None or call.args.get("thread_ts") == thread_ts)]

    def rejected(self) -> list[Call]:
        return [call for call in self.calls_to("chat.postMessage") if not call.reply.get("ok")]

    def files_in(self, thread_ts: str) -> list[dict[str, Any]]:
        """Files completed into ``thread_ts``: title and content (bytes)."""
        found = []
        for call in self.calls_to("files.completeUploadExternal"):
            if call.args.get("thread_ts") == thread_ts:
                for item in call.args["files"]:
                    found.append({"title": item.get("title"), "id": item["id"], "content": self.uploads[item["id"]],
                                  "channel": call.args.get("channel_id")})
        return found

    # -- serving ------------------------------------------------------------------------------------------

    def handle(self, path: str, headers: Any, raw: bytes) -> tuple[int, Any]:
        if path.startswith("/upload/"):
            with self._lock:
                self.uploads[path.rsplit("/", 1)[-1]] = raw
            return 200, f"OK - {len(raw)}".encode()
        if path.startswith("/respond/"):
            with self._lock:
                self.responses.append(json.loads(raw or b"{}"))
            return 200, b"ok"
        method = path.removeprefix("/api/").split("?")[0]
        args = _arguments(headers.get("Content-Type", ""), raw)
        token = (headers.get("Authorization") or "").removeprefix("Bearer ") or args.get("token")
        reply = self._reply(method, args, token)
        with self._lock:
            self.calls.append(Call(method, args, token, reply))
            self._arrived.notify_all()
        return 200, reply

    def wait_for(self, method: str, count: int = 1, timeout: float = 60.0) -> list[Call]:
        """Block until ``count`` calls to ``method`` arrived (for a bot in another process); returns them."""
        with self._arrived:
            self._arrived.wait_for(lambda: sum(c.method == method for c in self.calls) >= count, timeout)
            return [call for call in self.calls if call.method == method]

    def _reply(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "apps.connections.open":
            if token != APP_TOKEN:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_url} if self.socket_url else {"ok": False, "error": "no_socket"}
        if token != BOT_TOKEN:
            return {"ok": False, "error": "invalid_auth"}
        with self._lock:
            queued = self.failures.get(method)
            if queued:
                return {"ok": False, "error": queued.pop(0)}
        if method == "auth.test":
            return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "segment-agent",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0BOT0001"}
        if method == "chat.postMessage":
            problems = slack_problems(args)
            if problems:
                return {"ok": False, "error": "invalid_blocks", "errors": problems}
            return {"ok": True, "channel": args.get("channel"), "ts": self.new_ts(),
                    "message": {"text": args.get("text")}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.new_ts()}
        if method in ("reactions.add", "reactions.remove"):
            return {"ok": True}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._files):06d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files
            args["files"] = files
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": False, "error": "unknown_method"}

    def new_ts(self) -> str:
        return f"{1_760_000_000 + next(self._ts)}.000100"


class SocketModeSlack:
    """Slack's Socket Mode end on 127.0.0.1: a websocket server that greets the bot with ``hello``, pushes the
    envelopes a test gives it and records every acknowledgement the bot sends back."""

    def __init__(self) -> None:
        from websockets.sync.server import serve

        self.acks: list[dict[str, Any]] = []
        self._outbox: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self.server = serve(self._session, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"

    def push(self, payload: dict[str, Any], envelope_id: str, kind: str = "events_api") -> None:
        """Deliver one envelope (an Events API payload, or a slash command) to the connected bot."""
        with self._changed:
            self._outbox.append({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                 "accepts_response_payload": kind != "events_api", "retry_attempt": 0})
            self._changed.notify_all()

    def wait_for_ack(self, envelope_id: str, timeout: float = 30.0) -> dict[str, Any] | None:
        with self._changed:
            self._changed.wait_for(lambda: any(a.get("envelope_id") == envelope_id for a in self.acks), timeout)
            return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

    def _session(self, connection: Any) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0APP0001"}}))
        reader = threading.Thread(target=self._read_acks, args=(connection,), daemon=True)
        reader.start()
        while reader.is_alive():
            with self._changed:
                self._changed.wait_for(lambda: bool(self._outbox) or not reader.is_alive(), 0.5)
                outgoing, self._outbox = self._outbox, []
            for envelope in outgoing:
                connection.send(json.dumps(envelope))

    def _read_acks(self, connection: Any) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            for message in connection:
                with self._changed:
                    self.acks.append(json.loads(message))
                    self._changed.notify_all()
        except ConnectionClosed:
            return

    def close(self) -> None:
        self.server.shutdown()


def _arguments(content_type: str, raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    return {key: values[-1] for key, values in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}


# -- requests to the bot ------------------------------------------------------------------------------------

def signed_headers(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/json") -> dict[str, str]:
    """The headers Slack sends: X-Slack-Request-Timestamp and the v0 HMAC signature of timestamp + body."""
    from slack_sdk.signature import SignatureVerifier

    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature, "Content-Type": content_type}


def send(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body`` to the bot; returns (status, response text)."""
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def event_body(text: str, *, ts: str, channel: str = CHANNEL, thread_ts: str | None = None,
               kind: str = "app_mention", user: str = ASKER, event_id: str | None = None,
               **extra: Any) -> str:
    """An Events API envelope as Slack posts it."""
    event: dict[str, Any] = {"type": kind, "user": user, "text": text, "ts": ts, "channel": channel,
                             "event_ts": ts, **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    if kind == "message" and "channel_type" not in extra:
        event["channel_type"] = "im" if channel.startswith("D") else "channel"
    return json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0APP0001", "type": "event_callback",
                       "event_id": event_id or f"Ev{ts.replace('.', '')}", "event_time": int(float(ts)),
                       "event": event})


def command_body(text: str, *, channel: str = CHANNEL, trigger_id: str = "13345224609.738474920.8088930838d88f008",
                 response_url: str = "", command: str = "/segments") -> str:
    """A slash-command form post as Slack sends it."""
    return urllib.parse.urlencode({"token": "legacy", "team_id": TEAM, "channel_id": channel, "channel_name": "x",
                                   "user_id": ASKER, "user_name": "marketer", "command": command, "text": text,
                                   "response_url": response_url, "trigger_id": trigger_id, "api_app_id": "A0APP0001"})


_MESSAGE_NUMBERS = itertools.count(1)


class BotUnderTest:
    """The real bot (Bolt app + responder) serving HTTP on 127.0.0.1, talking to a :class:`MockSlackApi`."""

    def __init__(self, workspace: Path, slack: MockSlackApi, providers: Any = None, **slack_settings: Any) -> None:
        from agent.runtime import AgentProviders
        from agent.slack.app import EVENTS_PATH, build_app, http_server, web_client
        from agent.slack.config import SlackCredentials, api_base_url, load_slack_config
        from agent.slack.responder import Responder
        from tools.runtime.settings import Settings

        self.slack = slack
        settings = Settings.load(workspace, env={"SLACK_API_URL": slack.api_url})
        values = {**settings.values, "slack": {"planner": "embedded", "channels": [CHANNEL], **slack_settings}}
        settings = Settings(workspace, values, settings.env)
        config = load_slack_config(settings)
        credentials = SlackCredentials(BOT_TOKEN, signing_secret=SIGNING_SECRET)
        client = web_client(credentials, api_base_url(config))
        self.responder = Responder(workspace, settings, providers or AgentProviders(), config, client)
        app = build_app(config, credentials, client, self.responder)
        self.server = http_server(app, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_port}{EVENTS_PATH}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def new_ts(self) -> str:
        """A message ts no other bot in this test run has seen (a restarted bot must not meet old ids)."""
        number = next(_MESSAGE_NUMBERS)
        return f"{1_750_000_000 + number}.{number:06d}"

    def mention(self, question: str, *, thread_ts: str | None = None, channel: str = CHANNEL,
                wait: bool = True) -> str:
        """@mention the bot (in ``thread_ts`` when given); returns the question's ts."""
        ts = self.new_ts()
        kind = "message" if channel.startswith("D") else "app_mention"
        text = question if kind == "message" else f"<@{BOT_USER}> {question}"
        status, _ = self.post(event_body(text, ts=ts, channel=channel, thread_ts=thread_ts, kind=kind))
        assert status == 200
        if wait:
            self.drain()
        return ts

    def post(self, body: str, **header_options: Any) -> tuple[int, str]:
        extra = header_options.pop("extra_headers", {})
        return send(self.url, body, {**signed_headers(body, **header_options), **extra})

    def drain(self) -> None:
        self.responder.drain(timeout=120)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.responder.close()


@contextmanager
def running_bot(workspace: Path, providers: Any = None, **slack_settings: Any) -> Iterator[BotUnderTest]:
    """A mock Slack API and the bot, both on 127.0.0.1, closed afterwards."""
    slack = MockSlackApi()
    bot = BotUnderTest(workspace, slack, providers, **slack_settings)
    try:
        yield bot
    finally:
        bot.close()
        slack.close()


def blocks_text(call: Call) -> str:
    """Every text in a posted message's blocks, joined, as a reader sees it."""
    blocks = call.args.get("blocks") or []
    parts = [call.args.get("text") or ""]
    for block in blocks:
        parts += _texts(block)
        if isinstance(block.get("fields"), list):
            parts += [f.get("text", "") for f in block["fields"]]
        for row in block.get("rows", []):
            parts.append(" | ".join(cell.get("text", "") for cell in row))
    return "\n".join(parts).replace("\u2060", "")  # the invisible joiners escape_slack adds
