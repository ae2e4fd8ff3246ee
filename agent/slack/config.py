"""``[slack]`` of segment-agent.toml, plus the tokens, which only ever come from the environment.

Tokens are secrets, so they are never read from the config file (which sits in a workspace people copy
around) and never printed. ``api_url`` (env ``SLACK_API_URL`` wins) points the Web API client elsewhere:
tests use a local mock of Slack's API, companies a proxy.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

from tools.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tools.runtime.settings import Settings

SLACK_API = "https://slack.com/api/"
PLANNERS = ("auto", "embedded", "llm")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
COMMAND_NAME = re.compile(r"^/[a-z0-9_-]{1,31}$")


@dataclass(frozen=True)
class SlackConfig:
    """How the bot behaves (``[slack]``).

    ``channels``: channel ids it answers in (empty: direct messages only; DMs are always answered).
    ``allow_pii_in_channels``: whether customer names, emails and phones may be posted in a channel (in a
    DM they may). ``planner``: auto, embedded or llm, as ``ask --planner``. ``command``: the slash command.
    ``workers``: questions answered at the same time. ``table_rows``: rows shown in the table block (the
    rest go to the CSV). ``charts``: upload PNG charts for segment and lifecycle tables.
    ``progress_reaction``: the emoji put on a question while it is being answered (empty: none).
    ``keep_days``: how long thread state and seen event ids are kept.
    """

    channels: list[str] = field(default_factory=list)
    allow_pii_in_channels: bool = False
    planner: str = "auto"
    api_url: str = SLACK_API
    command: str = "/segments"
    workers: int = 2
    table_rows: int = 20
    charts: bool = True
    progress_reaction: str = "hourglass_flowing_sand"
    keep_days: int = 30

    @property
    def planner_choice(self) -> Literal["auto", "embedded", "llm"]:
        return self.planner  # type: ignore[return-value]

    def answers_in(self, channel: str, is_direct: bool) -> bool:
        """Whether the bot may answer in ``channel`` (DMs always; channels only when listed)."""
        return is_direct or channel in self.channels

    def may_post_pii(self, is_direct: bool) -> bool:
        return is_direct or self.allow_pii_in_channels


def load_slack_config(settings: Settings) -> SlackConfig:
    """``[slack]`` checked value by value, so a typo in a channel id is reported before the bot starts."""
    values = settings.section("slack", asdict(SlackConfig()))
    values["api_url"] = settings.env.get("SLACK_API_URL") or values["api_url"]
    config = SlackConfig(**values)
    where = f"[slack] of {settings.path}"
    bad = [channel for channel in config.channels if not isinstance(channel, str) or not CHANNEL_ID.match(channel)]
    if bad:
        raise UserError(f"channels in {where} must be Slack channel ids such as \"C0123ABCD\" (right-click the "
                        f"channel › Copy link: the id is the last part), not {bad[0]!r}.")
    if config.planner not in PLANNERS:
        raise UserError(f"planner in {where} must be one of {', '.join(PLANNERS)}, not {config.planner!r}.")
    if not re.match(r"^https?://[^\s/]+", config.api_url):
        raise UserError(f"api_url in {where} (or SLACK_API_URL) must be an http(s) URL such as {SLACK_API}, "
                        f"not {config.api_url!r}.")
    if not COMMAND_NAME.match(config.command):
        raise UserError(f"command in {where} must look like \"/segments\" (lower case, no spaces), not "
                        f"{config.command!r}.")
    for name, low, high in (("workers", 1, 16), ("table_rows", 1, 99), ("keep_days", 1, 3650)):
        if not low <= getattr(config, name) <= high:
            raise UserError(f"{name} in {where} must be between {low} and {high}, not {getattr(config, name)}.")
    return config


@dataclass(frozen=True)
class SlackCredentials:
    """The bot token (xoxb-), and the app token (xapp-, Socket Mode) or signing secret (HTTP mode)."""

    bot_token: str
    app_token: str = ""
    signing_secret: str = ""

    def __repr__(self) -> str:  # never print a secret by accident
        return "SlackCredentials(…)"


def load_credentials(env: Mapping[str, str], *, http: bool) -> SlackCredentials:
    """Read the tokens the chosen mode needs; a missing one is a UserError naming it and where to find it."""
    bot_token = env.get("SLACK_BOT_TOKEN", "").strip()
    missing = [] if bot_token else ["SLACK_BOT_TOKEN (OAuth & Permissions › Bot User OAuth Token, xoxb-…)"]
    if http:
        secret = env.get("SLACK_SIGNING_SECRET", "").strip()
        if not secret:
            missing.append("SLACK_SIGNING_SECRET (Basic Information › App Credentials › Signing Secret)")
        if missing:
            raise UserError(f"segment-agent slack --http needs {' and '.join(missing)} in the environment.")
        return SlackCredentials(bot_token, signing_secret=secret)
    app_token = env.get("SLACK_APP_TOKEN", "").strip()
    if not app_token:
        missing.append("SLACK_APP_TOKEN (Basic Information › App-Level Tokens, connections:write, xapp-…)")
    if missing:
        raise UserError(f"segment-agent slack needs {' and '.join(missing)} in the environment (or use --http "
                        "with SLACK_SIGNING_SECRET).")
    if not app_token.startswith("xapp-"):
        raise UserError("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Socket Mode), not a "
                        "bot or user token.")
    return SlackCredentials(bot_token, app_token=app_token)


def api_base_url(config: SlackConfig) -> str:
    """The Web API base URL as slack_sdk wants it (ending in a slash)."""
    return config.api_url.rstrip("/") + "/"
