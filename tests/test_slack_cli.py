"""``segment-agent slack``: the manifest, clear refusals before connecting, and the real command serving HTTP."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from shop_builders import error_message, run_cli
from slack_harness import BOT_TOKEN, BOT_USER, CHANNEL, SIGNING_SECRET, MockSlackApi, event_body, send, signed_headers

SLACK_ENV = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*SLACK_ENV, "OPENAI_API_KEY", "OPENAI_BASE_URL", "SEGMENT_AGENT_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def workspace(sample_workspace: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "shop"
    shutil.copytree(sample_workspace, copy)
    (copy / "segment-agent.toml").write_text(f'[slack]\nchannels = ["{CHANNEL}"]\nplanner = "embedded"\n')
    return copy


def test_manifest_declares_scopes_events_and_the_slash_command(tmp_path: Path) -> None:
    socket = run_cli(tmp_path / "none", "slack", "manifest")
    http = run_cli(tmp_path / "none", "slack", "manifest", "--url", "https://bot.example.com/slack/events")

    assert socket.exit_code == 0 and http.exit_code == 0, socket.output + http.output
    socket_mode, hosted = json.loads(socket.stdout), json.loads(http.stdout)
    assert socket_mode["settings"]["socket_mode_enabled"] is True
    assert set(socket_mode["settings"]["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert {"app_mentions:read", "chat:write", "commands", "files:write", "im:history",
            "reactions:write"} <= set(socket_mode["oauth_config"]["scopes"]["bot"])
    assert "channels:history" not in socket_mode["oauth_config"]["scopes"]["bot"]  # it reads no channel chatter
    assert socket_mode["features"]["slash_commands"][0]["command"] == "/segments"
    assert hosted["settings"]["socket_mode_enabled"] is False
    assert hosted["settings"]["event_subscriptions"]["request_url"] == "https://bot.example.com/slack/events"
    assert hosted["features"]["slash_commands"][0]["url"] == "https://bot.example.com/slack/events"


def test_missing_tokens_and_bad_settings_stop_before_connecting(workspace: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    socket = run_cli(workspace, "slack")
    assert socket.exit_code == 1 and "SLACK_BOT_TOKEN" in error_message(socket) and "SLACK_APP_TOKEN" in \
        error_message(socket)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    http = run_cli(workspace, "slack", "--http")
    assert http.exit_code == 1 and "SLACK_SIGNING_SECRET" in error_message(http)

    (workspace / "segment-agent.toml").write_text('[slack]\nchannels = ["general"]\n')
    bad = run_cli(workspace, "slack", "--http")
    assert bad.exit_code == 1 and "Slack channel ids" in error_message(bad)

    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    missing = run_cli(workspace.parent / "no-such-shop", "slack", "--http")
    assert missing.exit_code == 1 and error_message(missing).startswith("No workspace at")
    assert not (workspace.parent / "no-such-shop").exists()


def test_a_rejected_bot_token_is_one_sentence(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slack = MockSlackApi()
    try:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
        monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)
        result = run_cli(workspace, "slack", "--http", "--port", "0")
    finally:
        slack.close()
    assert result.exit_code == 1 and "Slack did not accept SLACK_BOT_TOKEN (invalid_auth)" in error_message(result)


def test_the_command_serves_http_answers_a_signed_mention_and_stops_cleanly(workspace: Path) -> None:
    slack = MockSlackApi()
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.api_url, "COLUMNS": "300"}
    bot = subprocess.Popen([sys.executable, "-c", "from agent.cli import main; main()", "-w", str(workspace),
                            "slack", "--http", "--port", "0"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        banner = bot.stderr.readline()  # type: ignore[union-attr]
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)/slack/events", banner)
        assert match, banner
        base = match.group(1)
        with urllib.request.urlopen(base + "/healthz", timeout=10) as health:
            assert health.read() == b"ok\n"
        body = event_body(f"<@{BOT_USER}> who are my lapsing high-value customers?", ts="1750009999.000100")
        assert send(base + "/slack/events", body, signed_headers(body))[0] == 200
        assert send(base + "/slack/events", body, signed_headers(body, secret="wrong"))[0] == 401
        [post] = slack.wait_for("chat.postMessage", 1, timeout=120)
        assert post.args["thread_ts"] == "1750009999.000100" and "205 lapsing" in post.args["text"]
        slack.wait_for("reactions.remove", 1, timeout=60)
        bot.send_signal(signal.SIGTERM)
        _, rest = bot.communicate(timeout=60)
    finally:
        if bot.poll() is None:
            bot.kill()
        slack.close()
    assert bot.returncode == 0, rest
    log = [json.loads(line.split(" INFO ", 1)[1]) for line in rest.splitlines() if " INFO {" in line]
    assert [line["outcome"] for line in log] == ["answered", "rejected"] or \
        sorted(line["outcome"] for line in log) == ["answered", "rejected"]
    assert "segment-agent slack stopped." in rest
    assert len(slack.calls_to("chat.postMessage")) == 1
