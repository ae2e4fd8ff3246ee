"""Draw an answer in the terminal: summary, tables, drafts, warnings, then the steps and how to reproduce them.

Every cell is formatted by its column kind (:mod:`agent.render.cells`) and printed as plain text, so
customer-written values are never read as rich markup; numeric columns are never cut, even when output
is piped into another program.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markdown import Markdown
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from agent.render.cells import format_cell
from tools.results import Kind

if TYPE_CHECKING:
    from agent.answer import Answer
    from tools.results import Table

TERMINAL_ROWS = 20
TEXT_MIN = 10  # a text column narrower than this wraps into an unreadable ribbon
COMPACT_COLUMNS = ("customer_id", "lifecycle", "value_tier", "recency_days", "frequency", "monetary", "p_alive",
                   "buy_again_score", "predicted_value_12m", "segment_id")
DRAFT_FIELDS = ("subject", "preheader", "title", "body")


def render_answer(answer: Answer, console: Console, errors: Console | None = None, *, show_steps: bool = True,
                  max_rows: int = TERMINAL_ROWS) -> None:
    """Print ``answer`` as a marketer reads it; warnings go to ``errors`` (default: the same console)."""
    errors = errors or console
    if answer.answer:
        console.print(Markdown(answer.answer))
    for table in answer.tables:
        print_table(console, table, max_rows)
        total = table.total if table.total is not None else len(table.rows)
        shown = min(len(table.rows), max_rows)
        if total > shown:
            console.print(Text(f"… showing {shown:,} of {total:,} rows (use --json or --format csv for the rest)",
                               style="dim"))
    for index, draft in enumerate(answer.drafts, 1):
        console.print(Panel(_draft_text(draft), title=f"Draft {index} · {draft.get('channel', '')}",
                            title_align="left", width=min(console.width, 100)))
    for warning in answer.warnings:
        errors.print(Text.assemble(("warning: ", "yellow"), warning))
    if show_steps and answer.steps:
        steps = " → ".join(f"{step.tool}({_args(step.args)})" for step in answer.steps)
        console.print(Text(f"steps ({answer.planner}): {steps}", style="dim"))
        for command in answer.reproduce:
            console.print(Text(f"reproduce: {command}", style="dim"))


def print_table(console: Console, table: Table, max_rows: int = TERMINAL_ROWS) -> None:
    """Print ``table`` so that no number is ever cut: into a pipe or file every column is printed at full width
    (however wide the lines get); on a terminal, columns that do not fit are left out whole, and named."""
    if not console.is_terminal:
        drawn = rich_table(table, 10_000, max_rows)
        needed = Measurement.get(console, console.options.update_width(10_000), drawn).maximum
        console.print(drawn, width=max(console.width, needed), crop=False)
        return
    keep = _columns_to_show(table, console.width)
    while len(keep) > 1 and _readable_width(table, keep, max_rows) > console.width:
        keep.pop(_least_needed(table, keep))
    console.print(rich_table(table, console.width, max_rows, keep))
    hidden = [table.columns[i].header for i in sorted(set(range(len(table.columns))) - set(keep))]
    if hidden:
        console.print(Text(f"({len(hidden)} more column{'s' if len(hidden) != 1 else ''}: {', '.join(hidden)} — "
                           "widen the terminal, or use --json or --format csv)", style="dim"))


def rich_table(table: Table, width: int, max_rows: int = TERMINAL_ROWS, keep: list[int] | None = None) -> RichTable:
    """A rich table with friendly headers and formatted cells; wide customer tables keep their key columns
    on a narrow terminal (CSV and JSON always have them all)."""
    keep = _columns_to_show(table, width) if keep is None else keep
    shown_rows = table.rows[:max_rows]
    drawn = RichTable(title=Text(table.title), title_justify="left", header_style="bold")
    for index in keep:
        column = table.columns[index]
        values = [row[index] for row in shown_rows]
        numbers = [format_cell(v, table.kind_at(r, index)) for r, v in enumerate(values) if _is_number(v)]
        if numbers and len(numbers) == sum(v is not None for v in values):
            # numbers are never cut or wrapped, however narrow the terminal or pipe
            longest = max([len(column.header), *(len(cell) for cell in numbers)])
            drawn.add_column(Text(column.header), justify="right", no_wrap=True, min_width=longest)
        else:
            drawn.add_column(Text(column.header), overflow="fold")
    for r, row in enumerate(shown_rows):
        drawn.add_row(*(Text(format_cell(row[i], table.kind_at(r, i))) for i in keep))
    return drawn


def _readable_width(table: Table, keep: list[int], max_rows: int) -> int:
    """Characters the kept columns need: numbers and headers whole, text at least TEXT_MIN wide (it may wrap)."""
    rows = table.rows[:max_rows]
    width = 1
    for index in keep:
        cells = [format_cell(row[index], table.kind_at(r, index)) for r, row in enumerate(rows)]
        longest = max([len(table.columns[index].header), *(len(cell) for cell in cells)])
        numeric = any(_is_number(row[index]) for row in rows)
        width += (longest if numeric else min(longest, max(TEXT_MIN, len(table.columns[index].header)))) + 3
    return width


def _least_needed(table: Table, keep: list[int]) -> int:
    """Position in ``keep`` of the column to leave out first on a narrow terminal: the last one that is not a
    key column (an id, a customer table's compact columns), else the last one."""
    for position in range(len(keep) - 1, 0, -1):
        column = table.columns[keep[position]]
        if column.name not in COMPACT_COLUMNS and column.kind is not Kind.ID:
            return position
    return len(keep) - 1


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _columns_to_show(table: Table, width: int) -> list[int]:
    """All columns, or for a wide customer table on a narrow terminal its key columns."""
    if len(table.columns) <= 8 or width >= 150:
        return list(range(len(table.columns)))
    keep = [i for i, column in enumerate(table.columns) if column.name in COMPACT_COLUMNS]
    return keep if "customer_id" in table.names and keep else list(range(len(table.columns)))


def _args(args: dict) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in args.items())


def _draft_text(draft: dict) -> Text:
    text = Text()
    for key in DRAFT_FIELDS:
        if draft.get(key):
            if key != "body":
                text.append(f"{key.capitalize()}: ", style="bold")
            text.append(str(draft[key]) + "\n")
    if draft.get("characters"):
        text.append(f"{draft['characters']}\n", style="dim")
    if draft.get("facts_used"):
        text.append("facts used: " + "; ".join(map(str, draft["facts_used"])), style="dim")
    return text
