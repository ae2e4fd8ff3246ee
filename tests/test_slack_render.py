"""The Slack renderer: any answer, however large, becomes one message Slack accepts; data stays inert; customer
contact columns stay out of channels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from slack_harness import slack_problems

from agent.answer import Answer, Step
from agent.render.slack import error_message, mrkdwn, plain_message, render_answer, split_text
from tools.results import Column, Kind, Table, ToolResult

HOSTILE = "<!channel> *FREE* _now_ <http://evil.example|click> &"


@dataclass
class TablesResult(ToolResult):
    """A tool result holding the given tables and drafts (stands in for any tool's typed result)."""

    held: list[Table]
    drafts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {}

    def tables(self) -> list[Table]:
        return self.held

    def draft_texts(self) -> list[dict[str, Any]]:
        return self.drafts


def answer_with(*tables: Table, summary: str = "**Done**", drafts: list[dict[str, Any]] | None = None,
                warnings: list[str] | None = None, steps: int = 1) -> Answer:
    answer = Answer(question="who are my lapsing VIPs?", planner="embedded", answer=summary)
    for number in range(steps):
        result = TablesResult(list(tables) if number == 0 else [], drafts or [] if number == 0 else [],
                              list(warnings or []) if number == 0 else [])
        answer.add(Step(f"tool_{number}", {"limit": 1000, "country": "France"}, result, "",
                        [f"segment-agent customers --country France --n {number}"]))
    return answer


def wide_table(rows: int, columns: int = 26) -> Table:
    cols = [Column("customer_id", Kind.ID), Column("email"), Column("name"), Column("phone")]
    cols += [Column(f"m{i}", Kind.MONEY) for i in range(columns - len(cols))]
    data = [[f"C{r:05d}", f"p{r}@example.com", f"Person {r}", f"+44 7700 {r:06d}", *[r * 10.5] * (columns - 4)]
            for r in range(rows)]
    return Table(f"{rows:,} lapsing high-value customers", cols, data, total=rows * 3)


def test_a_huge_answer_still_fits_every_slack_limit() -> None:
    summary = "\n\n".join(f"**Paragraph {i}**: " + "lapsing customers spent a lot. " * 40 for i in range(12))
    drafts = [{"channel": "email", "subject": f"Subject {i}", "preheader": "p" * 200, "body": "Hello there. " * 600,
               "facts_used": ["fact " * 100] * 20} for i in range(12)]
    others = [Table(f"extra {i}", [Column("item"), Column("share", Kind.SHARE)],
                    [[f"item {r}", 0.5] for r in range(400)]) for i in range(3)]
    answer = answer_with(wide_table(500), *others, summary=summary, drafts=drafts,
                         warnings=[f"warning {i} " * 50 for i in range(15)], steps=8)

    message = render_answer(answer, table_rows=99)

    assert slack_problems({"text": message.text, "blocks": message.blocks}) == []
    assert len(message.blocks) <= 50
    tables = [block for block in message.blocks if block["type"] == "table"]
    assert len(tables) == 1 and len(tables[0]["rows"]) == 100 and all(len(row) <= 20 for row in tables[0]["rows"])
    assert "did not fit in one Slack message" in str(message.blocks)
    assert message.blocks[-1]["type"] == "context" and "reproduce" in str(message.blocks[-1])


def test_long_summaries_are_split_into_sections_without_losing_a_word() -> None:
    summary = "\n".join(f"- **Segment {i}** talks about running, hills & trails; " + "words " * 30 for i in range(60))

    message = render_answer(answer_with(summary=summary))

    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert len(sections) >= 3 and all(len(text) <= 3000 for text in sections)
    assert " ".join(" ".join(sections).split()) == " ".join(mrkdwn(summary).split())
    assert slack_problems({"text": message.text, "blocks": message.blocks}) == []


def test_split_text_prefers_line_breaks_and_never_cuts_an_entity() -> None:
    lines = "\n".join(f"line {i} " + "x" * 90 for i in range(60))
    assert all(piece.endswith("x") for piece in split_text(lines, 3000))  # cut at line ends only

    solid = "a" * 2997 + "&amp;" + "b" * 50  # nowhere good to cut: the limit falls inside "&amp;"
    pieces = split_text(solid, 3000)
    assert pieces == ["a" * 2997, "&amp;" + "b" * 50]


def test_customer_written_text_is_shown_never_obeyed() -> None:
    table = Table("Segments", [Column("segment_id", Kind.ID), Column("name")], [[1, HOSTILE]])
    draft = {"channel": "email", "subject": HOSTILE, "body": f"Hi {HOSTILE}", "facts_used": [HOSTILE]}

    message = render_answer(answer_with(table, summary=f"**Segment 1 · {HOSTILE}**: big", drafts=[draft],
                                        warnings=[HOSTILE]))

    posted = str(message.blocks) + message.text
    assert "<!channel>" not in posted and "<http" not in posted
    assert "&lt;!channel&gt;" in posted
    for text in re.findall(r"'text': '([^']*)'", posted):
        if text.startswith("```"):
            continue  # a code block shows marks as typed anyway
        # formatting marks from data are split by an invisible joiner, so they print as typed
        assert "*FREE*" not in text and "_now_" not in text


def test_customer_tables_drop_contact_columns_in_channels_but_not_in_dms() -> None:
    contacts = Table("Customers", [Column("customer_id", Kind.ID), Column("name"), Column("email"),
                                   Column("phone"), Column("country")],
                     [["C1", "Ann Lee", "ann@example.com", "+44 7700 900123", "France"]])
    segments = Table("Segments", [Column("segment_id", Kind.ID), Column("name")], [[1, "Trail runners"]])

    in_channel = str(render_answer(answer_with(contacts, segments), allow_pii=False).blocks)
    in_dm = str(render_answer(answer_with(contacts, segments), allow_pii=True).blocks)

    assert "ann@example.com" not in in_channel and "Ann Lee" not in in_channel and "7700" not in in_channel
    assert "C1" in in_channel and "France" in in_channel
    assert "Trail runners" in in_channel  # a segment's name is not personal data
    assert "ann@example.com" in in_dm and "Ann Lee" in in_dm


def test_values_read_the_same_as_in_the_terminal() -> None:
    table = Table("KPIs", [Column("kpi"), Column("revenue", Kind.MONEY), Column("share", Kind.SHARE),
                           Column("lift", Kind.LIFT), Column("missing", Kind.COUNT)],
                  [["all", 1234.5, 0.62, 4.44, None]])

    block = next(b for b in render_answer(answer_with(table)).blocks if b["type"] == "table")

    assert [cell["text"] for cell in block["rows"][1]] == ["all", "1,234.50", "62%", "4.4×", "–"]
    assert block["column_settings"][1] == {"align": "right"}


def test_markdown_becomes_slack_mrkdwn() -> None:
    assert mrkdwn("**12 customers** are *lapsing*; run `segment-agent ask`\n- first\n## Head") == (
        "*12 customers* are _lapsing_; run `segment-agent ask`\n• first\n*Head*")


def test_drafts_are_copyable_code_blocks_with_their_facts() -> None:
    draft = {"channel": "sms", "body": "Back soon? 10% off* this week. Reply STOP to opt out",
             "facts_used": ["audience: lapsing (19 customers)"]}

    blocks = render_answer(answer_with(drafts=[draft])).blocks

    assert {"type": "header", "text": {"type": "plain_text", "text": "Draft 1 · SMS", "emoji": False}} in blocks
    body = next(b["text"]["text"] for b in blocks if b["type"] == "section" and "```" in b["text"]["text"])
    assert body == "```Back soon? 10% off* this week. Reply STOP to opt out```"  # copied exactly as written
    assert any("facts used: audience: lapsing (19 customers)" in str(b) for b in blocks if b["type"] == "context")


def test_fallback_and_error_messages_fit_too() -> None:
    answer = answer_with(wide_table(50), summary="x" * 20000)
    for message in (plain_message(answer), error_message("The workspace is gone " * 400)):
        assert slack_problems({"text": message.text, "blocks": message.blocks}) == []
        assert len(message.text) <= 4000


def test_the_message_says_which_tables_it_shows_only_in_part() -> None:
    short = Table("Stages", [Column("stage"), Column("now", Kind.COUNT)], [["new", 3], ["lapsing", 9]])
    long_text = Table("Quotes", [Column(f"quote {i}") for i in range(8)], [["a long review " * 5] * 8] * 15)

    assert render_answer(answer_with(short, short)).cut_tables == []
    assert render_answer(answer_with(wide_table(25), short)).cut_tables == [0]  # 25 rows, 20 shown
    assert render_answer(answer_with(short, long_text)).cut_tables == [1]  # past 3,000 characters
