"""Which Slack events are questions, where their answers go, and how the ``[slack]`` settings are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from slack_harness import ASKER, BOT_USER, CHANNEL, DM_CHANNEL, command_body, event_body

from agent.slack.config import load_credentials, load_slack_config
from agent.slack.messages import plain_text, question_from_command, question_from_event, retry_number
from agent.slack.threads import ThreadStore
from tools.errors import UserError
from tools.runtime.settings import Settings


def event(text: str, **options: object) -> dict:
    return json.loads(event_body(text, ts=str(options.pop("ts", "1750000000.000100")), **options))  # type: ignore[arg-type]


def test_a_mention_is_answered_in_its_own_thread_or_the_thread_it_is_in() -> None:
    top = question_from_event(event(f"<@{BOT_USER}> who are my lapsing VIPs?"), BOT_USER)
    reply = question_from_event(event(f"<@{BOT_USER}> only those in France", ts="1750000009.000200",
                                      thread_ts="1750000000.000100"), BOT_USER)

    assert top is not None and reply is not None
    assert (top.kind, top.text, top.thread_ts, top.message_ts) == (
        "mention", "who are my lapsing VIPs?", "1750000000.000100", "1750000000.000100")
    assert (reply.text, reply.thread_ts, reply.message_ts) == ("only those in France", "1750000000.000100",
                                                                "1750000009.000200")
    assert reply.dedupe_keys() == ["event:Ev1750000009000200", f"message:{CHANNEL}:1750000009.000200"]


@pytest.mark.parametrize("overrides", [
    {"user": BOT_USER},  # its own message
    {"bot_id": "B0OTHER01"},  # another bot (or itself, posting as a bot)
    {"subtype": "message_changed"},  # an edit
    {"subtype": "message_deleted"},  # a deletion
    {"subtype": "channel_join"},
    {"kind": "message", "channel_type": "channel"},  # channel chatter without a mention
    {"kind": "reaction_added"},
])
def test_the_bot_stays_quiet_for_what_is_not_a_question(overrides: dict) -> None:
    assert question_from_event(event(f"<@{BOT_USER}> who is lapsing?", **overrides), BOT_USER) is None


def test_a_mention_with_nothing_else_is_not_a_question() -> None:
    assert question_from_event(event(f"<@{BOT_USER}>  "), BOT_USER) is None


def test_direct_messages_need_no_mention() -> None:
    question = question_from_event(event("how are we doing this month?", kind="message", channel=DM_CHANNEL),
                                   BOT_USER)
    assert question is not None and question.is_direct and question.kind == "dm"


def test_slack_markup_reads_as_the_words_typed() -> None:
    text = f"<@{BOT_USER}> compare <@U0OTHER1|ann> &amp; <#C0ABC|general>: see <https://x.example|this> &lt;3"
    assert plain_text(text, BOT_USER) == "compare @someone & general: see this <3"


def test_a_slash_command_starts_its_own_thread() -> None:
    from urllib.parse import parse_qsl

    form = dict(parse_qsl(command_body("who are my lapsing VIPs?", trigger_id="T123")))
    question = question_from_command(form)
    assert (question.kind, question.thread_ts, question.user, question.text) == (
        "command", None, ASKER, "who are my lapsing VIPs?")
    assert question.dedupe_keys() == ["event:command:T123"]


def test_retry_number_is_read_from_slack_headers() -> None:
    assert retry_number({"X-Slack-Retry-Num": ["2"]}) == 2
    assert retry_number({"x-slack-retry-num": "1"}) == 1
    assert retry_number({}) == 0


def test_each_id_is_claimed_once_even_across_restarts(tmp_path: Path) -> None:
    assert ThreadStore(tmp_path).claim("event:Ev1", "message:C1:1.0")
    assert not ThreadStore(tmp_path).claim("event:Ev1")  # the same event id again (a retry)
    assert not ThreadStore(tmp_path).claim("event:Ev2", "message:C1:1.0")  # the same message as another event
    assert ThreadStore(tmp_path).claim("event:Ev3", "message:C1:2.0")


def settings_with(tmp_path: Path, slack: dict, env: dict | None = None) -> Settings:
    return Settings(tmp_path, {"slack": slack}, env or {})


def test_slack_settings_are_read_and_env_points_the_api_elsewhere(tmp_path: Path) -> None:
    config = load_slack_config(settings_with(tmp_path, {"channels": [CHANNEL], "allow_pii_in_channels": True},
                                             {"SLACK_API_URL": "http://127.0.0.1:9/api"}))
    assert config.channels == [CHANNEL] and config.api_url == "http://127.0.0.1:9/api"
    assert config.answers_in(CHANNEL, False) and not config.answers_in("C0ELSEWHR", False)
    assert config.answers_in(DM_CHANNEL, True) and config.may_post_pii(False)
    assert not load_slack_config(settings_with(tmp_path, {})).answers_in(CHANNEL, False)  # empty = DMs only


@pytest.mark.parametrize(("slack", "words"), [
    ({"channels": ["#general"]}, "channel ids"),
    ({"channels": "C0SALES01"}, "must be a list"),
    ({"planner": "gpt"}, "planner"),
    ({"workers": 0}, "between 1 and 16"),
    ({"table_rows": 500}, "between 1 and 99"),
    ({"command": "segments"}, "/segments"),
    ({"api_url": "slack.com"}, "http(s) URL"),
    ({"chanels": []}, "Unknown setting 'chanels'"),
])
def test_a_bad_slack_setting_is_one_clear_sentence(tmp_path: Path, slack: dict, words: str) -> None:
    with pytest.raises(UserError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_slack_config(settings_with(tmp_path, slack))


def test_missing_tokens_name_the_variable_and_where_to_find_it() -> None:
    with pytest.raises(UserError, match="SLACK_BOT_TOKEN .*SLACK_APP_TOKEN"):
        load_credentials({}, http=False)
    with pytest.raises(UserError, match="SLACK_SIGNING_SECRET"):
        load_credentials({"SLACK_BOT_TOKEN": "xoxb-1"}, http=True)
    with pytest.raises(UserError, match="xapp-"):
        load_credentials({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, http=False)
    assert "xoxb" not in repr(load_credentials({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, http=True))
