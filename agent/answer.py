"""The answer contract (DESIGN.md §8): what ``ask --json``, every command's ``--json``, chat, Slack and briefs
consume.

An answer is built from tool results only: each step keeps the tool's typed result, and the step's ``data``
in JSON is exactly what the matching command prints with ``--json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tools.jsonable import to_jsonable

if TYPE_CHECKING:
    from tools.results import Table, ToolResult

Status = Literal["answered", "refused", "not_understood"]


@dataclass
class Step:
    """One tool call as shown in the answer: name, effective args (defaults included), row count."""

    tool: str
    args: dict[str, Any]
    result: ToolResult
    summary: str
    reproduce: list[str] = field(default_factory=list)
    milliseconds: float = 0.0

    @property
    def rows(self) -> int | None:
        return self.result.row_count()

    def to_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "args": self.args, "rows": self.rows, "data": self.result.data()}


@dataclass
class Answer:
    """A complete answer to one question (or one command)."""

    question: str
    planner: str
    steps: list[Step] = field(default_factory=list)
    answer: str = ""
    warnings: list[str] = field(default_factory=list)
    status: Status = "answered"

    def add(self, step: Step) -> None:
        """Record a tool call and everything it produced."""
        self.steps.append(step)
        for warning in step.result.warnings:
            if warning not in self.warnings:
                self.warnings.append(warning)

    @property
    def tables(self) -> list[Table]:
        return [table for step in self.steps for table in step.result.tables()]

    @property
    def drafts(self) -> list[dict[str, Any]]:
        return [draft for step in self.steps for draft in step.result.draft_texts()]

    @property
    def reproduce(self) -> list[str]:
        return list(dict.fromkeys(command for step in self.steps for command in step.reproduce))

    def summaries(self) -> str:
        """The data-derived Markdown of every step, in order."""
        return "\n\n".join(step.summary for step in self.steps if step.summary)

    def to_json(self) -> dict[str, Any]:
        """Exactly the §8 object."""
        return to_jsonable({
            "question": self.question, "planner": self.planner, "status": self.status,
            "steps": [step.to_json() for step in self.steps], "answer": self.answer,
            "tables": [table.to_json() for table in self.tables], "drafts": self.drafts,
            "reproduce": self.reproduce, "warnings": self.warnings})
