"""Draw an answer as Markdown (GitHub-flavoured): the summary, tables, drafts and warnings — for brief files.

The summary's wording is the product's own, but values inside it (segment names, products, a model's prose)
are not, and table cells are the shop's data. So the summary is re-read as the little Markdown the narration
writes — paragraphs, ``-`` and ``1.`` lists, ``**bold**``, ``*italic*``, `` `code` `` — and everything between
those marks is escaped, as is every text cell: a review saying ``[click](http://…)`` or ``<img>`` shows as
typed. Only inline marks are escaped (``\\ ` * _ [ ] < > | ~``), not every punctuation mark as
:func:`agent.render.escape.escape_markdown` does, because the file is also read raw (in an editor, a diff,
Slack) where "2026\\-09\\-30" would be noise; block marks cannot occur since the renderer starts every line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.render.cells import format_cell, is_numeric

if TYPE_CHECKING:
    from agent.answer import Answer
    from tools.results import Table

MARKDOWN_ROWS = 15
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_INLINE = re.compile(r"\*\*(?P<bold>[^*\n]+?)\*\*|(?<![\w*])\*(?P<italic>[^*\n]+?)\*(?![\w*])|`(?P<code>[^`\n]+)`")
_BULLET = re.compile(r"^\s*[-*+] +(?=\S)")
_NUMBERED = re.compile(r"^\s*(\d{1,3})\. +(?=\S)")


@dataclass(frozen=True)
class Block:
    """A paragraph, or a bulleted or numbered list, of the narration's Markdown (lines of inline text)."""

    kind: str  # "paragraph", "bullets" or "numbered"
    lines: list[str]


def escape_inline(text: str) -> str:
    """``text`` safe inside a Markdown line: the marks that start emphasis, code, links, HTML and table cells are
    backslash-escaped; line breaks become spaces."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))


def blocks(markdown: str) -> list[Block]:
    """The narration's Markdown as paragraphs and lists (the only block forms it writes)."""
    found: list[Block] = []
    for chunk in re.split(r"\n\s*\n", markdown.strip()):
        current: Block | None = None
        for line in chunk.splitlines():
            kind, text = _line_kind(line)
            if current is not None and current.kind == kind:
                if kind == "paragraph":
                    current.lines[-1] += " " + text
                else:
                    current.lines.append(text)
            else:
                current = Block(kind, [text])
                found.append(current)
    return found


def inline_parts(text: str) -> list[tuple[str, str]]:
    """``text`` split into (kind, text) parts: "text", "bold", "italic" or "code"; escapes undone."""
    text = _UNESCAPE.sub(r"\1", text)
    parts, last = [], 0
    for match in _INLINE.finditer(text):
        if match.start() > last:
            parts.append(("text", text[last:match.start()]))
        kind = next(name for name in ("bold", "italic", "code") if match.group(name) is not None)
        parts.append((kind, match.group(kind)))
        last = match.end()
    if last < len(text):
        parts.append(("text", text[last:]))
    return parts


def safe_summary(markdown: str) -> str:
    """The narration's Markdown with only its own marks in effect."""
    out = []
    for block in blocks(markdown):
        for number, line in enumerate(block.lines, 1):
            prefix = {"bullets": "- ", "numbered": f"{number}. "}.get(block.kind, "")
            out.append(prefix + _inline_markdown(line))
        out.append("")
    return "\n".join(out).strip()


def markdown_table(table: Table, max_rows: int = MARKDOWN_ROWS) -> str:
    """A GFM table with friendly headers and cells formatted by kind; a line says how many rows were left out."""
    shown = table.rows[:max_rows]
    header = "| " + " | ".join(escape_inline(column.header) for column in table.columns) + " |"
    rule = "| " + " | ".join("---:" if is_numeric(column.kind) else "---" for column in table.columns) + " |"
    lines = [f"**{escape_inline(table.title)}**", "", header, rule]
    for r, row in enumerate(shown):
        lines.append("| " + " | ".join(escape_inline(format_cell(value, table.kind_at(r, c)))
                                       for c, value in enumerate(row)) + " |")
    total = table.total if table.total is not None else len(table.rows)
    if total > len(shown):
        lines += ["", f"*… and {_more(total - len(shown))} in the JSON.*"]
    return "\n".join(lines)


def render_answer(answer: Answer, *, max_rows: int = MARKDOWN_ROWS) -> str:
    """``answer`` as Markdown: summary, tables, drafts (as quotes), warnings."""
    parts = [safe_summary(answer.answer)] if answer.answer.strip() else []
    parts += [markdown_table(table, max_rows) for table in answer.tables if table.rows]
    for index, draft in enumerate(answer.drafts, 1):
        parts.append(draft_markdown(draft, index))
    if answer.warnings:
        parts.append("\n".join(f"- ⚠ {escape_inline(warning)}" for warning in answer.warnings))
    return "\n\n".join(part for part in parts if part)


def draft_markdown(draft: dict, index: int) -> str:
    """One draft as a block quote: what it is for, then subject, preheader, title and body."""
    label = draft.get("action") or f"Draft {index}"
    lines = [f"**{escape_inline(label)}** · {escape_inline(draft.get('channel', ''))} draft", ""]
    for key in ("subject", "preheader", "title"):
        if draft.get(key):
            lines.append(f"> **{key.capitalize()}:** {escape_inline(draft[key])}  ")
    for paragraph in str(draft.get("body", "")).split("\n"):
        lines.append(f"> {escape_inline(paragraph)}  " if paragraph.strip() else ">")
    return "\n".join(line.rstrip() if line.endswith("  ") and line.strip() == ">" else line for line in lines)


def _line_kind(line: str) -> tuple[str, str]:
    bullet = _BULLET.match(line)
    if bullet:
        return "bullets", line[bullet.end():]
    numbered = _NUMBERED.match(line)
    if numbered:
        return "numbered", line[numbered.end():]
    return "paragraph", line.strip()


def _inline_markdown(line: str) -> str:
    marks = {"bold": "**{}**", "italic": "*{}*", "code": "`{}`"}
    out = []
    for kind, text in inline_parts(line):
        if kind == "code":
            out.append("`" + text.replace("`", "'") + "`")
        else:
            out.append(marks.get(kind, "{}").format(escape_inline(text)))
    return "".join(out)


def _more(count: int) -> str:
    return f"{count:,} more row" + ("" if count == 1 else "s")
