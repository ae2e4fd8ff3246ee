"""The Slack app manifest: everything the bot needs declared once, for "Create an app › From a manifest".

Scopes are the fewest that work: read mentions and DMs, write messages and reactions, upload files, the
slash command. The bot reads no channel history — in a channel it hears only messages that mention it.
"""

from __future__ import annotations

from typing import Any

BOT_SCOPES = ("app_mentions:read", "chat:write", "commands", "files:write", "im:history", "im:read", "im:write",
              "reactions:write")
BOT_EVENTS = ("app_mention", "message.im")


def app_manifest(name: str = "segment-agent", command: str = "/segments", request_url: str | None = None
                 ) -> dict[str, Any]:
    """The manifest for Socket Mode (``request_url`` None) or HTTP mode (events and the command posted to
    ``request_url``, e.g. https://bot.example.com/slack/events)."""
    slash: dict[str, Any] = {"command": command, "description": "Ask about your customers",
                             "usage_hint": "who are my lapsing VIPs?", "should_escape": False}
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    if request_url:
        slash["url"] = request_url
        events["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name[:35],
            "description": "Who is lapsing, who your VIPs are, what each segment cares about, what to send them.",
            "background_color": "#2c3e50"},
        "features": {
            "app_home": {"home_tab_enabled": False, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": name[:80], "always_online": True},
            "slash_commands": [slash]},
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": {"is_enabled": False},
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False},
    }
