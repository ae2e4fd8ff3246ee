"""What the bot remembers between requests, in ``slack.sqlite`` in the workspace.

Two things, both needed across restarts:

- **seen keys** — Slack event ids, the (channel, ts) of each message, slash-command trigger ids. A key is
  claimed atomically before a question is answered, so a Slack retry (``X-Slack-Retry-Num``), a replayed
  request or the same message arriving as two events gets exactly one answer, even from two bot processes.
- **threads** — each thread's chat state: the planner's :class:`~agent.planner.Context` and the previous
  question with its tool calls, so "only those in France" continues the thread after a restart as in ``chat``.

It is a separate SQLite file (WAL mode), like the ask log, so the bot never needs the store's writer lock
to remember a thread, and a ``segment`` or ``ingest`` running in another process never delays it.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.planner import Context
from tools.results import ToolResult

if TYPE_CHECKING:
    from agent.answer import Answer

THREADS_FILENAME = "slack.sqlite"
BUSY_TIMEOUT_SECONDS = 10.0
MIGRATIONS: list[tuple[str, str]] = [
    ("0001_seen", "CREATE TABLE seen (key TEXT PRIMARY KEY, seen_at REAL NOT NULL)"),
    ("0002_threads", """CREATE TABLE threads (
        channel TEXT NOT NULL, thread_ts TEXT NOT NULL, context TEXT NOT NULL, previous TEXT,
        turns INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL, PRIMARY KEY (channel, thread_ts))"""),
]


@dataclass
class RecalledResult(ToolResult):
    """A tool call from an earlier turn as the thread remembers it: what ran and how many rows, not the rows."""

    rows: int | None = None
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"rows": self.rows}

    def row_count(self) -> int | None:
        return self.rows


@dataclass
class ThreadState:
    """One thread's conversation so far."""

    context: Context = field(default_factory=Context)
    previous: dict[str, Any] | None = None
    turns: int = 0

    def previous_answer(self) -> Answer | None:
        """The last answer as far as a follow-up needs it (question and tool calls), for ``Session.history``."""
        from agent.answer import Answer, Step

        if not self.previous:
            return None
        answer = Answer(question=self.previous["question"], planner=self.previous["planner"],
                        status=self.previous["status"])
        for step in self.previous["steps"]:
            answer.steps.append(Step(step["tool"], step["args"], RecalledResult(step.get("rows")), ""))
        return answer


class ThreadStore:
    """Claim keys and load/save thread state in one workspace's ``slack.sqlite``."""

    def __init__(self, workspace: Path, keep_days: int = 30) -> None:
        self.path = workspace / THREADS_FILENAME
        self.keep_seconds = keep_days * 86400.0

    def claim(self, *keys: str) -> bool:
        """Record ``keys`` as seen; False (and nothing recorded) when any of them was seen before."""
        wanted = [key for key in dict.fromkeys(keys) if key]
        if not wanted:
            return True
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                marks = ",".join("?" * len(wanted))
                if connection.execute(f"SELECT 1 FROM seen WHERE key IN ({marks}) LIMIT 1", wanted).fetchone():
                    connection.execute("ROLLBACK")
                    return False
                now = time.time()
                connection.executemany("INSERT INTO seen VALUES (?, ?)", [(key, now) for key in wanted])
                connection.execute("COMMIT")
                return True
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    def load(self, channel: str, thread_ts: str) -> ThreadState:
        """The thread's state; a new thread (or one past ``keep_days``) starts empty."""
        with self._connect() as connection:
            row = connection.execute("SELECT context, previous, turns FROM threads WHERE channel = ? AND "
                                     "thread_ts = ?", [channel, thread_ts]).fetchone()
        if row is None:
            return ThreadState()
        known = {f.name for f in dataclasses.fields(Context)}
        context = Context(**{k: v for k, v in json.loads(row[0]).items() if k in known})
        return ThreadState(context, json.loads(row[1]) if row[1] else None, int(row[2]))

    def save(self, channel: str, thread_ts: str, context: Context, answer: Answer | None) -> None:
        """Store the thread's context after a turn, with the answer's question and tool calls."""
        previous = None if answer is None else {
            "question": answer.question, "planner": answer.planner, "status": answer.status,
            "steps": [{"tool": s.tool, "args": s.args, "rows": s.rows} for s in answer.steps]}
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO threads (channel, thread_ts, context, previous, turns, updated_at) "
                "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (channel, thread_ts) DO UPDATE SET "
                "context = excluded.context, previous = coalesce(excluded.previous, threads.previous), "
                "turns = threads.turns + 1, updated_at = excluded.updated_at",
                [channel, thread_ts, _json(dataclasses.asdict(context)), _json(previous) if previous else None,
                 time.time()])

    def prune(self) -> int:
        """Forget seen keys and threads older than ``keep_days``; returns how many rows went."""
        cutoff = time.time() - self.keep_seconds
        with self._connect() as connection:
            removed = connection.execute("DELETE FROM seen WHERE seen_at < ?", [cutoff]).rowcount
            removed += connection.execute("DELETE FROM threads WHERE updated_at < ?", [cutoff]).rowcount
        return int(removed)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """An autocommit connection for one call (safe from any thread), closed afterwards."""
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            _migrate(connection)
            yield connection
        finally:
            connection.close()


def _json(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _migrate(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)")
    applied = {row[0] for row in connection.execute("SELECT name FROM migrations")}
    for name, statement in MIGRATIONS:
        if name in applied:
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            if not connection.execute("SELECT 1 FROM migrations WHERE name = ?", [name]).fetchone():
                connection.execute(statement)
                connection.execute("INSERT INTO migrations VALUES (?)", [name])
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
