"""Posting a written brief somewhere people read it: a small :class:`BriefPoster` interface, and Slack.

The brief only needs "post this summary and these files"; how (and where) is the poster's business, so the
Slack bot's code and the brief's do not depend on each other. :class:`SlackBriefPoster` posts the summary as a
message (Slack mrkdwn, within Slack's block limits) with ``chat.postMessage`` and uploads the Markdown file and
the charts into its thread with ``files_upload_v2``, through slack_sdk's ``WebClient``. The channel is
``[brief] slack_channel``; the token is ``SLACK_BOT_TOKEN``; ``SLACK_API_URL`` (or ``[slack] api_url``) points the
client elsewhere (a proxy, or a test's local mock of Slack's Web API).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from agent.render.escape import escape_slack
from agent.render.markdown import blocks, inline_parts
from tools.errors import UserError

if TYPE_CHECKING:
    from agent.brief.outputs import BriefFiles
    from agent.brief.runner import BriefRun
    from tools.runtime.settings import Settings

SLACK_API = "https://slack.com/api/"
MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class BriefSettings:
    """``[brief]`` of segment-agent.toml: ``slack_channel`` is the channel id ``--post slack`` posts to."""

    slack_channel: str = ""


@dataclass
class BriefPost:
    """What is posted: a title, the summary (Markdown), and the files to attach."""

    title: str
    summary: str
    files: list[Path] = field(default_factory=list)


@dataclass
class PostReceipt:
    """Where it went: the channel, the message's timestamp, and how many files were attached."""

    channel: str
    ts: str
    files: int


class BriefPoster(Protocol):
    """Anything that can post a brief (Slack here; e-mail or Teams would fit the same slot)."""

    def post(self, brief: BriefPost) -> PostReceipt: ...


class SlackBriefPoster:
    """Post to one Slack channel through a ``slack_sdk.WebClient``."""

    def __init__(self, client: Any, channel: str) -> None:
        self.client = client
        self.channel = channel

    def post(self, brief: BriefPost) -> PostReceipt:
        from slack_sdk.errors import SlackApiError

        try:
            message = self.client.chat_postMessage(channel=self.channel, text=_cut(brief.title, 150),
                                                   blocks=slack_blocks(brief), unfurl_links=False)
            ts = str(message["ts"])
            if brief.files:
                self.client.files_upload_v2(channel=self.channel, thread_ts=ts, file_uploads=[
                    {"file": str(path), "filename": path.name, "title": path.name} for path in brief.files])
        except SlackApiError as exc:
            raise UserError(f"Slack refused the brief ({exc.response.get('error', 'error')}); check "
                            f"SLACK_BOT_TOKEN and that the app is in channel {self.channel}.") from None
        except OSError as exc:
            raise UserError(f"Could not reach Slack to post the brief ({exc}).") from None
        return PostReceipt(self.channel, ts, len(brief.files))


def slack_poster(settings: Settings) -> SlackBriefPoster:
    """The poster ``--post slack`` uses; a UserError says what is missing before the brief runs."""
    from slack_sdk import WebClient

    config = BriefSettings(**settings.section("brief", {"slack_channel": ""}))
    where = f"[brief] of {settings.path}"
    if not config.slack_channel:
        raise UserError(f"--post slack needs a channel: set slack_channel = \"C0123ABCD\" in {where}.")
    if not CHANNEL_ID.match(config.slack_channel):
        raise UserError(f"slack_channel in {where} must be a Slack channel id such as \"C0123ABCD\", not "
                        f"{config.slack_channel!r}.")
    token = settings.env.get("SLACK_BOT_TOKEN", "").strip()
    if not token:
        raise UserError("--post slack needs SLACK_BOT_TOKEN in the environment (the bot's xoxb- token).")
    raw = settings.values.get("slack", {})
    api_url = settings.env.get("SLACK_API_URL") or (raw.get("api_url") if isinstance(raw, dict) else None) or SLACK_API
    if not re.match(r"^https?://[^\s/]+", str(api_url)):
        raise UserError(f"SLACK_API_URL (or [slack] api_url) must be an http(s) URL, not {api_url!r}.")
    return SlackBriefPoster(WebClient(token=token, base_url=str(api_url).rstrip("/") + "/", timeout=30),
                            config.slack_channel)


def brief_post(run: BriefRun, files: BriefFiles) -> BriefPost:
    """The summary posted for a brief: each shown section's headline sentences, and the Markdown and charts."""
    parts = [f"**{run.title} · {run.as_of.isoformat()}**",
             f"{run.period.name.replace('_', ' ').capitalize()}: {run.period.start} to {run.period.end}"]
    for section in run.shown:
        if section.kind == "checks":
            continue
        text = section.answer.answer.strip() or "(no summary)"
        parts.append(f"**{section.title}**\n{text}")
    if run.warnings:
        parts.append("**Warnings**\n" + "\n".join(f"- {warning}" for warning in run.warnings))
    return BriefPost(f"{run.title} · {run.as_of.isoformat()}", "\n\n".join(parts), [files.markdown, *files.charts])


def slack_blocks(brief: BriefPost) -> list[dict[str, Any]]:
    """The summary as section blocks of Slack mrkdwn, each within Slack's limit, at most ``MAX_BLOCKS``."""
    found = []
    for chunk in re.split(r"\n\s*\n", brief.summary):
        text = mrkdwn(chunk)
        while text:
            found.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION_CHARS]}})
            text = text[MAX_SECTION_CHARS:]
    if len(found) > MAX_BLOCKS:
        found = found[: MAX_BLOCKS - 1] + [{"type": "context", "elements": [
            {"type": "mrkdwn", "text": "The rest is in the attached Markdown file."}]}]
    return found


def mrkdwn(markdown: str) -> str:
    """The narration's Markdown as Slack mrkdwn: its marks kept, every value escaped (no mentions, no links)."""
    lines = []
    for block in blocks(markdown):
        for number, line in enumerate(block.lines, 1):
            prefix = {"bullets": "• ", "numbered": f"{number}. "}.get(block.kind, "")
            lines.append(prefix + "".join(_mark(kind, text) for kind, text in inline_parts(line)))
    return "\n".join(lines)


def _mark(kind: str, text: str) -> str:
    escaped = escape_slack(text)
    if kind == "code":  # Slack shows marks inside code as typed: only &, <, > and the backquote need care
        return "`" + escaped.replace("\u2060", "").replace("`", "'") + "`"
    return {"bold": f"*{escaped}*", "italic": f"_{escaped}_"}.get(kind, escaped)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
