"""The answer contract (DESIGN.md §8): what ``ask --json``, chat, Slack and briefs all consume."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class TableData:
    """A table for the user (never sent to an LLM)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class ToolOutcome:
    """What one tool call produced.

    ``facts`` are aggregates safe for an LLM and the only numbers an answer may cite; ``summary`` is the
    deterministic Markdown sentence(s) rendered from them; tables and drafts go straight to the user.
    """

    facts: dict[str, Any]
    summary: str
    tables: list[TableData] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    reproduce: list[str] = field(default_factory=list)
    rows: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Step:
    """One tool call as shown in the answer: name, validated args, row count."""

    tool: str
    args: dict[str, Any]
    rows: int | None = None


@dataclass
class Answer:
    """A complete answer to one question."""

    question: str
    planner: str
    steps: list[Step] = field(default_factory=list)
    answer: str = ""
    tables: list[TableData] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    reproduce: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcomes: list[ToolOutcome] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, Any]:
        """Exactly the §8 object (outcomes stay internal)."""
        payload = asdict(self)
        payload.pop("outcomes")
        return payload

    def add(self, step: Step, outcome: ToolOutcome) -> None:
        """Record a tool call and everything it produced."""
        step.rows = outcome.rows
        self.steps.append(step)
        self.outcomes.append(outcome)
        self.tables.extend(outcome.tables)
        self.drafts.extend(outcome.drafts)
        self.reproduce.extend(command for command in outcome.reproduce if command not in self.reproduce)
        self.warnings.extend(outcome.warnings)
