"""What an incoming Slack event asks, and whether the bot should answer it at all.

Pure functions over Slack's payloads (no network), so every rule — ignore bots, edits and deletions, answer
in the thread, strip the mention, only allowed channels — is tested directly and applies the same way to
app mentions, DMs and the slash command.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

# Message subtypes that are a person asking something; every other subtype (message_changed,
# message_deleted, bot_message, channel_join, …) is ignored.
ASKING_SUBTYPES = (None, "", "file_share", "thread_broadcast")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<(?:[^>|]*\|)?([^>]*)>")
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class Question:
    """One question to answer: where it was asked, where the answer goes, and the keys that identify it."""

    kind: str  # "mention", "dm" or "command"
    channel: str
    user: str
    text: str
    thread_ts: str | None  # the thread to answer in; None for a slash command (its answer starts one)
    message_ts: str | None  # the question's own message (for the progress reaction)
    event_id: str = ""
    retry: int = 0

    @property
    def is_direct(self) -> bool:
        return self.kind == "dm" or self.channel.startswith("D")

    def dedupe_keys(self) -> list[str]:
        """Every id this question is known by: the event id, and the message itself (an edit-free message
        reaching us as two events, or twice, is still one question)."""
        keys = [f"event:{self.event_id}" if self.event_id else ""]
        if self.message_ts:
            keys.append(f"message:{self.channel}:{self.message_ts}")
        return [key for key in keys if key]


def question_from_event(body: dict[str, Any], bot_user_id: str | None, retry: int = 0) -> Question | None:
    """The question in an ``app_mention`` or DM ``message`` event, or None when the bot should stay quiet:
    its own or another bot's messages, edits, deletions and other subtypes, channel messages without a
    mention (those come as app_mention), and empty text."""
    event = body.get("event") or {}
    kind = event.get("type")
    if event.get("subtype") not in ASKING_SUBTYPES or event.get("bot_id") or event.get("bot_profile"):
        return None
    user = str(event.get("user") or "")
    if not user or (bot_user_id and user == bot_user_id):
        return None
    channel = str(event.get("channel") or "")
    if kind == "message" and event.get("channel_type") != "im":
        return None  # channel chatter: the bot answers there only when mentioned (app_mention)
    if kind not in ("message", "app_mention") or not channel or not event.get("ts"):
        return None
    text = plain_text(str(event.get("text") or ""), bot_user_id)
    if not text:
        return None
    ts = str(event["ts"])
    return Question("dm" if kind == "message" else "mention", channel, user, text,
                    str(event.get("thread_ts") or ts), ts, str(body.get("event_id") or ""), retry)


def question_from_command(command: dict[str, Any]) -> Question:
    """The question of a ``/segments …`` slash command (its answer starts a thread of its own)."""
    channel = str(command.get("channel_id") or "")
    text = plain_text(str(command.get("text") or ""), None)
    return Question("dm" if channel.startswith("D") else "command", channel, str(command.get("user_id") or ""),
                    text, None, None, f"command:{command.get('trigger_id')}" if command.get("trigger_id") else "")


def plain_text(text: str, bot_user_id: str | None) -> str:
    """Slack's message markup as the words the person typed: the bot's own mention removed, other mentions
    as "@someone", links as their label, entities decoded, whitespace collapsed."""
    def mention(match: re.Match[str]) -> str:
        return "" if bot_user_id and match.group(1) == bot_user_id else "@someone"

    text = _MENTION.sub(mention, text)
    text = _LINK.sub(lambda match: match.group(1), text)
    text = html.unescape(text)
    text = re.sub(r"\s+", " ", text).strip(" \t:,")
    return text[:MAX_QUESTION_CHARS]


def retry_number(headers: dict[str, Any]) -> int:
    """``X-Slack-Retry-Num`` of an HTTP request (0 for a first delivery or Socket Mode)."""
    for key, value in headers.items():
        if key.lower() == "x-slack-retry-num":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return int(str(raw))
            except ValueError:
                return 0
    return 0
