"""The headline question on the real UCI Online Retail shop (4,372 customers): every answer fits in one Slack
message — a table block with the top rows — and the whole list arrives as a CSV in the thread."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from shop_builders import run_cli
from slack_harness import running_bot, slack_problems

ONLINE_RETAIL = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "online_retail" / "online_retail.csv.gz"
QUESTIONS = [
    ("who are my lapsing high-value customers?", ["--lifecycle", "lapsing", "--value", "high"]),
    ("which VIPs are lapsing or lapsed?", ["--lifecycle", "lapsing,lapsed", "--value", "high"]),
    ("who are my lapsed customers?", ["--lifecycle", "lapsed"]),
    ("list all customers", []),
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ONLINE_RETAIL.exists(), reason=f"{ONLINE_RETAIL} is not available"),
]


@pytest.fixture(scope="module")
def retail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = tmp_path_factory.mktemp("retail") / "ws"
    loaded = run_cli(workspace, "ingest", "orders", str(ONLINE_RETAIL), "--preset", "online-retail")
    assert loaded.exit_code == 0, loaded.output
    return workspace


def test_headline_answers_fit_slack_and_the_full_list_comes_as_csv(retail: Path) -> None:
    with running_bot(retail, table_rows=20) as bot:
        for question, options in QUESTIONS:
            thread = bot.mention(question)
            [post] = bot.slack.posts(thread)
            assert slack_problems(post.args) == [], question
            blocks = post.args["blocks"]
            assert len(blocks) <= 50
            [table] = [block for block in blocks if block["type"] == "table"]
            assert len(table["rows"]) == 21 and len(table["rows"][0]) <= 20  # header + the top 20
            [upload] = [f for f in bot.slack.files_in(thread) if f["title"][0].isdigit()]
            total = int(upload["title"].split()[0].replace(",", ""))
            rows = list(csv.DictReader(io.StringIO(upload["content"].decode())))
            assert len(rows) == min(total, 1000), question
            same = run_cli(retail, "customers", *options, "--format", "csv")
            assert upload["content"].decode() == same.stdout, question  # exactly what the CLI exports
        assert bot.slack.rejected() == []
    lapsing = next(f for f in bot.slack.files_in(bot.slack.posts()[0].args["thread_ts"]))
    assert int(lapsing["title"].split()[0]) >= 50  # dozens of lapsing VIPs, far more than one message shows
