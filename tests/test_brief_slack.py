"""``brief run --post slack`` against a local mock of Slack's Web API on 127.0.0.1 (no Slack reachable).

The mock answers ``chat.postMessage``, ``files.getUploadURLExternal`` (pointing the upload at itself),
the upload itself and ``files.completeUploadExternal``, and records every request, so the test can assert
exactly what reached "Slack": one message in the configured channel, within the block limits, with the
Markdown and the charts uploaded into its thread — and nothing posted when the setup is incomplete.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from conftest import FakeEncoder
from shop_builders import RUNNER, error_message
from test_brief_golden import DATES, SCRIPT, build_tiny_briefs

from agent.runtime import AgentProviders

CHANNEL = "C0BRIEF01"


class MockSlack(ThreadingHTTPServer):
    """Records (path, fields) of every request; hands out upload URLs on itself."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.uploads: dict[str, bytes] = {}
        self.refusal: str | None = None  # an error chat.postMessage answers with, like Slack's not_in_channel

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/"


class _Handler(BaseHTTPRequestHandler):
    server: MockSlack

    def log_message(self, *_args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/upload/"):
            self.server.uploads[self.path.rsplit("/", 1)[1]] = body
            self._reply({"ok": True})
            return
        kind = self.headers.get("Content-Type", "")
        fields = json.loads(body) if "json" in kind else {k: v[0] for k, v in parse_qs(body.decode()).items()}
        method = self.path.removeprefix("/api/")
        self.server.requests.append((method, fields))
        if method == "chat.postMessage" and self.server.refusal:
            self._reply({"ok": False, "error": self.server.refusal})
        elif method == "chat.postMessage":
            self._reply({"ok": True, "channel": fields["channel"], "ts": "1727700000.000100"})
        elif method == "files.getUploadURLExternal":
            file_id = f"F{len(self.server.requests):04d}"
            self._reply({"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:"
                         f"{self.server.server_address[1]}/upload/{file_id}"})
        elif method == "files.completeUploadExternal":
            files = json.loads(fields["files"]) if isinstance(fields["files"], str) else fields["files"]
            self._reply({"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]})
        else:
            self._reply({"ok": False, "error": "unknown_method"})

    def _reply(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def slack() -> Iterator[MockSlack]:
    server = MockSlack()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_briefs(tmp_path_factory.mktemp("slack-brief"))


def _post(workspace: Path, env: dict[str, str]) -> Any:
    from agent.cli import app

    return RUNNER.invoke(app, ["-w", str(workspace), "brief", "run", str(SCRIPT), "--as-of", DATES[1], "--post",
                               "slack"], env=env, obj=AgentProviders(encoder=FakeEncoder()))


def test_post_slack_sends_one_message_and_uploads_the_markdown_and_charts(tiny: Path, slack: MockSlack) -> None:
    (tiny / "segment-agent.toml").write_text(f'[brief]\nslack_channel = "{CHANNEL}"\n', encoding="utf-8")
    result = _post(tiny, {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.url})
    assert result.exit_code == 0, result.output
    methods = [method for method, _fields in slack.requests]
    assert methods.count("chat.postMessage") == 1 and methods[0] == "chat.postMessage"
    message = slack.requests[0][1]
    assert message["channel"] == CHANNEL
    blocks = json.loads(message["blocks"]) if isinstance(message["blocks"], str) else message["blocks"]
    assert 0 < len(blocks) <= 50 and all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert blocks[0]["text"]["text"] == f"*Weekly segment brief · {DATES[1]}*"
    assert any("Who moved between lifecycle stages" in b["text"]["text"] for b in blocks)
    complete = next(fields for method, fields in slack.requests if method == "files.completeUploadExternal")
    assert complete["channel_id"] == CHANNEL and complete["thread_ts"] == "1727700000.000100"
    names = sorted(f["title"] for f in json.loads(complete["files"]))
    assert names == sorted([f"brief-{DATES[1]}.md", "kpi_trend.png", "lifecycle_flow.png",
                            "segment_share_change.png"])
    uploaded = list(slack.uploads.values())
    assert (tiny / "reports" / f"brief-{DATES[1]}.md").read_bytes() in uploaded
    assert sum(body.startswith(b"\x89PNG") for body in uploaded) == 3


def test_post_slack_without_a_token_or_channel_fails_before_writing_anything(tiny: Path, slack: MockSlack,
                                                                               tmp_path: Path) -> None:
    (tiny / "segment-agent.toml").write_text("", encoding="utf-8")
    no_channel = _post(tiny, {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.url})
    assert no_channel.exit_code == 1 and "needs a channel: set slack_channel" in error_message(no_channel)
    (tiny / "segment-agent.toml").write_text(f'[brief]\nslack_channel = "{CHANNEL}"\n', encoding="utf-8")
    no_token = _post(tiny, {"SLACK_BOT_TOKEN": "", "SLACK_API_URL": slack.url})
    assert no_token.exit_code == 1 and "SLACK_BOT_TOKEN" in error_message(no_token)
    assert slack.requests == []


def test_a_refusal_from_slack_is_one_sentence_and_exit_1(tiny: Path, slack: MockSlack) -> None:
    (tiny / "segment-agent.toml").write_text('[brief]\nslack_channel = "C0NOTHERE"\n', encoding="utf-8")
    slack.refusal = "not_in_channel"
    result = _post(tiny, {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack.url})
    assert result.exit_code == 1
    assert error_message(result).startswith("Slack refused the brief (not_in_channel)")
