"""Draw an answer as a Slack message (Block Kit) that Slack always accepts.

Slack rejects a whole message for one oversized piece, so every limit is kept here rather than hoped for:
at most 50 blocks, section text at most 3,000 characters (long summaries are split at line or sentence
breaks), one table block per message of at most 100 rows × 20 cells, context blocks of at most 10 elements,
headers of at most 150 characters. What does not fit is cut with a note saying where the rest is (the CSV
uploaded beside the answer, or ``--json``).

Values are formatted by :func:`agent.render.cells.format_cell` (a share reads "62%" here as in the terminal),
and every string that comes from data or a model — customer-written words in segment names, product
names, countries, the question itself — goes through :func:`agent.render.escape.escape_slack`, so
``<!channel>`` or ``*click*`` in a review is shown, never obeyed. Customer tables drop name, email and phone
columns unless the caller allows personal data (a DM, or ``[slack] allow_pii_in_channels``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agent.render.cells import format_cell, is_numeric
from agent.render.escape import escape_slack
from tools.results import Table

if TYPE_CHECKING:
    from agent.answer import Answer

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_TABLE_ROWS = 100  # the header row included
MAX_TABLE_CELLS = 20
MAX_CONTEXT_ELEMENTS = 10
MAX_HEADER_CHARS = 150
MAX_CELL_CHARS = 120
MAX_FALLBACK_CHARS = 2900
DEFAULT_TABLE_ROWS = 20
PII_COLUMNS = frozenset({"name", "first_name", "last_name", "full_name", "email", "phone", "phone_number",
                         "mobile", "address", "street", "postcode", "zip"})
DRAFT_LABELS = (("subject", "Subject"), ("preheader", "Preheader"), ("title", "Title"))
_INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|(?<![\w*])\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
                     r"|`(?P<code>[^`]+)`")


@dataclass
class SlackMessage:
    """What ``chat.postMessage`` takes: the notification/fallback ``text`` and the ``blocks``; ``cut_tables``
    are the indexes (in ``answer.tables``) of tables the message shows only in part, which belong in a CSV."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    cut_tables: list[int] = field(default_factory=list)


def render_answer(answer: Answer, *, allow_pii: bool = False, table_rows: int = DEFAULT_TABLE_ROWS,
                  asked_by: str | None = None, files_note: str | None = None) -> SlackMessage:
    """The §8 answer as one Slack message within every Block Kit limit.

    ``asked_by`` (a Slack user id) quotes the question first — for slash commands, whose question is not
    otherwise visible in the channel. ``files_note`` says what is uploaded beside the message.
    """
    head: list[dict[str, Any]] = []
    if asked_by:
        head.append(_context([f"<@{_user_id(asked_by)}> asked: {escape_slack(_cut(answer.question, 2000))}"]))
    body = [_section(part) for part in split_text(mrkdwn(answer.answer) or "_(no answer)_", MAX_SECTION_CHARS)]
    starts, cut = [], []
    for index, table in enumerate(shareable_table(table, allow_pii) for table in answer.tables):
        starts.append(len(body))
        blocks, partial = (table_blocks if index == 0 else _text_table_blocks)(table, table_rows)
        body += blocks
        if partial:
            cut.append(index)
    for index, draft in enumerate(answer.drafts, 1):
        body += draft_blocks(draft, index)
    tail = _tail_blocks(answer, files_note)
    room = MAX_BLOCKS - len(head) - len(tail)
    if len(body) > room:
        left_out = len(body) - room + 1
        body = body[: room - 1] + [_context([f"{left_out} more part(s) of this answer did not fit in one Slack "
                                             "message; ask the same question with  segment-agent ask --json  "
                                             "for all of it."])]
        cut = sorted({*cut, *(index for index, start in enumerate(starts) if start >= room - 1)})
    return SlackMessage(fallback_text(answer), head + body + tail, cut)


def plain_message(answer: Answer) -> SlackMessage:
    """A text-only message (no blocks): posted when Slack refuses the rich one, so the thread still gets an
    answer."""
    lines = [mrkdwn(answer.answer)]
    if answer.tables:
        lines.append(f"_{len(answer.tables)} table(s): see the CSV in this thread, or run the reproduce command._")
    lines += [f"{escape_slack(draft.get('channel', ''))} draft {index}: "
              f"{escape_slack(draft.get('subject') or draft.get('title') or '')}"
              for index, draft in enumerate(answer.drafts, 1)]
    lines += [f"reproduce: `{_code(command)}`" for command in answer.reproduce[:3]]
    return SlackMessage(_cut("\n".join(line for line in lines if line), 3900))


def error_message(sentence: str) -> SlackMessage:
    """A polite one-block message for a question that could not be answered."""
    text = f":warning: Sorry — I couldn't answer that. {escape_slack(_cut(sentence, 2800))}"
    return SlackMessage(_cut(text, MAX_FALLBACK_CHARS), [_section(text)])


def fallback_text(answer: Answer) -> str:
    """The message's top-level ``text``: what notifications and screen readers show."""
    first = re.split(r"\n\s*\n", answer.answer.strip(), maxsplit=1)[0] if answer.answer.strip() else "Answer"
    return _cut(mrkdwn(first), MAX_FALLBACK_CHARS)


# -- text --------------------------------------------------------------------------------------------------

def mrkdwn(markdown: str) -> str:
    """Turn an answer's Markdown (``**bold**``, ``*italic*``, `` `code` ``, ``- `` lists) into Slack mrkdwn.

    The answer's wording is the product's own, but the values inside it (segment names, products, countries,
    a model's prose) are not: everything between the formatting marks is escaped, so only the marks the
    narration wrote take effect.
    """
    lines = []
    for line in str(markdown).splitlines():
        bullet = re.match(r"^(\s*)[-*+] (?=\S)", line)
        if bullet:
            line = bullet.group(1) + "• " + line[bullet.end():]
        heading = re.match(r"^#{1,6} +(.*)$", line)
        lines.append(f"*{_inline(heading.group(1))}*" if heading else _inline(line))
    return "\n".join(lines)


def _inline(text: str) -> str:
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", text)  # Markdown escapes: the character as typed
    parts, last = [], 0
    for match in _INLINE.finditer(text):
        parts.append(escape_slack(text[last:match.start()]))
        if match.group("bold") is not None:
            parts.append(f"*{escape_slack(match.group('bold'))}*")
        elif match.group("italic") is not None:
            parts.append(f"_{escape_slack(match.group('italic'))}_")
        else:
            parts.append(f"`{_code(match.group('code'))}`")
        last = match.end()
    parts.append(escape_slack(text[last:]))
    return "".join(parts)


def _code(text: str) -> str:
    """Text for inside a code span or block: Slack shows formatting marks there as typed, so only its three
    control characters need escaping (the joiners escape_slack adds would end up in a copied command)."""
    return escape_slack(text).replace("\u2060", "").replace("```", "'''").replace("`", "'")


def split_text(text: str, limit: int = MAX_SECTION_CHARS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, split at a blank line, a line, a sentence or a
    space (in that order of preference), never inside an escaped entity."""
    pieces, rest = [], text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max((window.rfind(mark) for mark in ("\n\n", "\n")), default=-1)
        if cut < limit // 2:
            cut = max(window.rfind(". "), window.rfind("; "))
            cut = cut + 1 if cut >= limit // 2 else window.rfind(" ")
        if cut < limit // 4:
            cut = limit
        amp = window.rfind("&", 0, cut)
        if amp != -1 and ";" not in window[amp:cut] and cut - amp < 6:
            cut = amp  # keep "&amp;" whole
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


# -- tables ------------------------------------------------------------------------------------------------

def shareable_table(table: Table, allow_pii: bool) -> Table:
    """``table`` as it may be posted: a customer table (one with a customer id) loses its personal columns
    unless ``allow_pii``. Aggregates and ids stay."""
    if allow_pii or "customer_id" not in table.names:
        return table
    keep = [i for i, column in enumerate(table.columns) if column.name.lower() not in PII_COLUMNS]
    if len(keep) == len(table.columns):
        return table
    return Table(table.title, [table.columns[i] for i in keep], [[row[i] for i in keep] for row in table.rows],
                 table.total, table.row_kinds)


def table_blocks(table: Table, max_rows: int = DEFAULT_TABLE_ROWS) -> tuple[list[dict[str, Any]], bool]:
    """A title, the table block (header + at most ``max_rows`` rows, at most 20 columns) and a note when
    rows or columns were left out; and whether any were."""
    shown_rows = min(len(table.rows), max(1, min(max_rows, MAX_TABLE_ROWS - 1)))
    keep = list(range(min(len(table.columns), MAX_TABLE_CELLS)))
    header = [_raw(table.columns[i].header) for i in keep]
    rows = [[_raw(format_cell(table.rows[r][i], table.kind_at(r, i))) for i in keep] for r in range(shown_rows)]
    settings = [{"align": "right"} if is_numeric(table.columns[i].kind) else {"is_wrapped": True} for i in keep]
    blocks: list[dict[str, Any]] = [_section(f"*{escape_slack(_cut(table.title, 2900))}*"),
                                    {"type": "table", "column_settings": settings, "rows": [header, *rows]}]
    note = _rows_note(table, shown_rows, len(keep))
    if note:
        blocks.append(_context([note]))
    return blocks, bool(note)


def _text_table_blocks(table: Table, max_rows: int) -> tuple[list[dict[str, Any]], bool]:
    """A further table (Slack allows one table block per message) as an aligned monospace section."""
    keep = list(range(min(len(table.columns), MAX_TABLE_CELLS)))
    title = f"*{escape_slack(_cut(table.title, 500))}*\n"
    cells = [[_code(_cut(table.columns[i].header, 40)) for i in keep]]
    cells += [[_code(_cut(format_cell(table.rows[r][i], table.kind_at(r, i)), 40)) for i in keep]
              for r in range(min(len(table.rows), max_rows))]
    widths = [max(len(row[c]) for row in cells) for c in range(len(keep))]
    numeric = [is_numeric(table.columns[i].kind) for i in keep]
    lines = ["  ".join(cell.rjust(w) if num else cell.ljust(w) for cell, w, num in zip(row, widths, numeric,
                                                                                       strict=True)).rstrip()
             for row in cells]
    budget = MAX_SECTION_CHARS - len(title) - 8
    shown = 0
    while shown < len(lines) and sum(len(line) + 1 for line in lines[: shown + 1]) <= budget:
        shown += 1
    blocks = [_section(title + "```" + "\n".join(lines[:shown]) + "```")]
    note = _rows_note(table, max(shown - 1, 0), len(keep))
    if note:
        blocks.append(_context([note]))
    return blocks, bool(note)


def _rows_note(table: Table, shown: int, columns_shown: int) -> str:
    total = table.total if table.total is not None else len(table.rows)
    notes = []
    if total > shown:
        where = "all of them are in the CSV in this thread" if len(table.rows) >= total else (
            f"the CSV in this thread has the first {len(table.rows):,}; ask me to export them for everyone")
        notes.append(f"Showing {shown:,} of {total:,} rows — {where}.")
    if columns_shown < len(table.columns):
        notes.append(f"{len(table.columns) - columns_shown} more column(s) in the CSV.")
    return " ".join(notes)


# -- drafts, warnings, steps -------------------------------------------------------------------------------

def draft_blocks(draft: dict[str, Any], index: int) -> list[dict[str, Any]]:
    """One draft as copyable blocks: a header, the short fields, the body as a code block (one click to copy,
    no formatting applied), and the facts it used."""
    channel = str(draft.get("channel", ""))
    channel = "SMS" if channel == "sms" else channel.capitalize()
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {
        "type": "plain_text", "text": _cut(f"Draft {index} · {channel}", MAX_HEADER_CHARS), "emoji": False}}]
    fields = [f"*{label}:* {escape_slack(_cut(str(draft[key]), 900))}" for key, label in DRAFT_LABELS
              if draft.get(key)]
    if fields:
        blocks.append(_section("\n".join(fields)))
    body = draft.get("body") or draft.get("message")
    if body:
        for piece in split_text(_code(str(body)), MAX_SECTION_CHARS - 6):
            blocks.append(_section(f"```{piece}```"))
    facts = [escape_slack(_cut(str(fact), 280)) for fact in draft.get("facts_used", [])]
    if facts:
        blocks.append(_context([_cut("facts used: " + "; ".join(facts), 2900)]))
    return blocks


def _tail_blocks(answer: Answer, files_note: str | None) -> list[dict[str, Any]]:
    elements = [f":warning: {escape_slack(_cut(warning, 600))}" for warning in answer.warnings[:4]]
    if len(answer.warnings) > 4:
        elements.append(f"… and {len(answer.warnings) - 4} more warning(s).")
    if files_note:
        elements.append(escape_slack(files_note))
    if answer.steps:
        steps = " → ".join(f"{step.tool}({_args(step.args)})" for step in answer.steps)
        elements.append(f"steps ({escape_slack(answer.planner)}): `{_code(_cut(steps, 1500))}`")
    elements += [f"reproduce: `{_code(_cut(command, 900))}`" for command in answer.reproduce]
    if not elements:
        return []
    elements = elements[:MAX_CONTEXT_ELEMENTS]
    return [{"type": "divider"}, _context(elements)]


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in args.items())


# -- block helpers -----------------------------------------------------------------------------------------

def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, MAX_SECTION_CHARS)}}


def _context(texts: list[str]) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, MAX_SECTION_CHARS)}
                                            for text in texts[:MAX_CONTEXT_ELEMENTS]]}


def _raw(text: str) -> dict[str, str]:
    """A table cell: never empty (Slack rejects empty cells), never longer than a cell should be."""
    return {"type": "raw_text", "text": escape_slack(_cut(text, MAX_CELL_CHARS)) or "–"}


def _cut(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _user_id(user: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", user.upper())
