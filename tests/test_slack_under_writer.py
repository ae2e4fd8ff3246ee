"""The bot keeps answering while another process re-ingests, refreshes and re-segments the workspace in a loop
(DESIGN.md §4): 50 questions posted over HTTP, 50 answers in their threads, 0 errors."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ingest_shop, write_segment_shop
from slack_harness import blocks_text, running_bot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import readers_under_writer as harness  # noqa: E402

pytestmark = pytest.mark.slow
QUESTIONS = ["who are my lapsing customers?", "what segments do we have?", "how are we doing this month?",
             "who are my best customers?", "tell me about segment 2"]
FOLLOW_UP = "only the high-value ones"


def test_fifty_questions_while_a_writer_loops_get_fifty_answers(tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    small = write_segment_shop(tmp_path / "a", per_persona=8)
    large = write_segment_shop(tmp_path / "b", per_persona=12)
    workspace = tmp_path / "ws"
    ingest_shop(workspace, {"customers": large["customers"], "texts": large["texts"]})
    harness.write_state(workspace, small["orders"])  # orders, features and segments committed once
    stop = tmp_path / "stop-writer"
    loop = ["write-loop", str(workspace), str(small["orders"]), str(large["orders"]), str(stop)]
    writer = subprocess.Popen([sys.executable, harness.__file__, *loop], stdout=subprocess.PIPE, text=True)
    try:
        with caplog.at_level(logging.INFO, logger="segment_agent.slack"), running_bot(workspace, workers=2) as bot:
            threads = []
            for index in range(25):  # 25 threads: a question and a follow-up each = 50 questions
                threads.append(bot.mention(QUESTIONS[index % len(QUESTIONS)], wait=False))
                if index % 5 == 4:
                    bot.drain()
                    for thread in threads[-5:]:
                        bot.mention(FOLLOW_UP, thread_ts=thread, wait=False)
            bot.drain()
            posts = bot.slack.posts()
            per_thread = {thread: len(bot.slack.posts(thread)) for thread in threads}
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=900)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
    outcomes = [line["outcome"] for line in lines]
    assert len(posts) == 50 and set(per_thread.values()) == {2}
    assert outcomes.count("answered") == 50 and "failed" not in outcomes
    assert not [p for p in posts if "Sorry" in blocks_text(p)]
    writes = int(out.strip() or 0)
    assert writes >= 3, "the writer must have committed while the bot answered"
    ms = sorted(line["ms"] for line in lines if line["outcome"] == "answered")
    print(f"\n{len(posts)} answers, {outcomes.count('failed')} failed, {writes} writer commands meanwhile; "
          f"answer ms p50 {ms[len(ms) // 2]:.0f}, p95 {ms[int(len(ms) * 0.95)]:.0f} (queueing included)")
