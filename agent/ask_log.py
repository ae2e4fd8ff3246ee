"""The ask log: an append-only audit trail of every question answered, in its own SQLite file.

Like ``llm``'s logs database, it records what was asked and answered so answers are auditable and bugs
reproducible: the question, the planner, each tool call with its effective arguments, row count and time,
the store snapshot the answer was read from, the facts sent to a model, the model's messages, the
copywriter's prompts and replies, warnings and timings. It is a separate file (WAL mode) so logging never
waits for, or blocks, a writer of the shop's data; a log line that cannot be written never costs the answer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.errors import UserError

if TYPE_CHECKING:
    from agent.answer import Answer

LOG_FILENAME = "asks.sqlite"
BUSY_TIMEOUT_SECONDS = 10.0
JSON_COLUMNS = ("steps", "warnings", "facts_sent", "model_messages", "copy_prompts", "timings")
MIGRATIONS: list[tuple[str, str]] = [
    ("0001_asks", """CREATE TABLE asks (
        id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, source TEXT, question TEXT, planner TEXT,
        status TEXT, snapshot INTEGER, answer TEXT, steps TEXT, warnings TEXT, facts_sent TEXT,
        model_messages TEXT, copy_prompts TEXT, timings TEXT)"""),
]


@dataclass
class Transcript:
    """What one answer exchanged with language models, collected while it is being answered."""

    facts_sent: list[dict[str, Any]] = field(default_factory=list)
    model_messages: list[dict[str, Any]] = field(default_factory=list)
    copy_prompts: list[dict[str, str]] = field(default_factory=list)

    def clear(self) -> None:
        self.facts_sent.clear()
        self.model_messages.clear()
        self.copy_prompts.clear()


class AskLog:
    """Append and read ask records of one workspace."""

    def __init__(self, workspace: Path) -> None:
        self.path = workspace / LOG_FILENAME

    def append(self, answer: Answer, transcript: Transcript, *, source: str, snapshot: int | None,
               timings: dict[str, float], asked_at: datetime) -> int:
        """Store one answer; returns its id. Raises OSError/sqlite3.Error when the file cannot be written."""
        steps = [{"tool": s.tool, "args": s.args, "rows": s.rows, "ms": s.milliseconds} for s in answer.steps]
        values = {"asked_at": asked_at.isoformat(timespec="seconds"), "source": source, "question": answer.question,
                  "planner": answer.planner, "status": answer.status, "snapshot": snapshot, "answer": answer.answer,
                  "steps": steps, "warnings": answer.warnings, "facts_sent": transcript.facts_sent,
                  "model_messages": transcript.model_messages, "copy_prompts": transcript.copy_prompts,
                  "timings": timings}
        row = {k: json.dumps(v, default=str, ensure_ascii=False) if k in JSON_COLUMNS else v for k, v in values.items()}
        with self._connect(create=True) as connection:
            cursor = connection.execute(
                f"INSERT INTO asks ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
            return int(cursor.lastrowid or 0)

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest ``limit`` records, newest first (summary fields only)."""
        if not self.path.is_file():
            return []
        with self._connect() as connection:
            rows = connection.execute("SELECT id, asked_at, source, planner, status, question, steps, warnings "
                                      "FROM asks ORDER BY id DESC LIMIT ?", [limit]).fetchall()
        return [_decoded(row) for row in rows]

    def get(self, record_id: int) -> dict[str, Any]:
        """One full record; a UserError names the ids that exist otherwise."""
        row = None
        if self.path.is_file():
            with self._connect() as connection:
                row = connection.execute("SELECT * FROM asks WHERE id = ?", [record_id]).fetchone()
        if row is None:
            raise UserError(f"No ask log entry {record_id}; list them with  segment-agent logs.")
        return _decoded(row)

    @contextmanager
    def _connect(self, create: bool = False) -> Iterator[sqlite3.Connection]:
        """An autocommit connection, closed after the block (sqlite3's own ``with`` only commits)."""
        if not create and not self.path.is_file():
            raise UserError(f"No ask log at {self.path} yet: ask a question first.")
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            _migrate(connection)
            yield connection
        finally:
            connection.close()


def _migrate(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)")
    applied = {row[0] for row in connection.execute("SELECT name FROM migrations")}
    for name, statement in MIGRATIONS:
        if name not in applied:
            connection.execute("BEGIN IMMEDIATE")
            try:
                if not connection.execute("SELECT 1 FROM migrations WHERE name = ?", [name]).fetchone():
                    connection.execute(statement)
                    connection.execute("INSERT INTO migrations VALUES (?)", [name])
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise


def _decoded(row: sqlite3.Row) -> dict[str, Any]:
    record = dict(row)
    for key in JSON_COLUMNS:
        if key in record and isinstance(record[key], str):
            record[key] = json.loads(record[key])
    return record
