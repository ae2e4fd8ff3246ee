"""Draw answers as one self-contained HTML page: inline CSS, images as data: URIs, no script, prints well.

The page loads nothing from anywhere (its Content-Security-Policy allows only inline styles and data:
images), so it opens offline, in a mail client or an archive years later exactly as written. Every value that
the product did not write itself — table cells, segment names inside a summary, drafts, warnings — goes
through :func:`agent.render.escape.escape_html`; the summary's own marks (lists, bold, italic, code) are read
with :mod:`agent.render.markdown` and become tags.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from agent.render.cells import format_cell, is_numeric
from agent.render.escape import escape_html
from agent.render.markdown import blocks, inline_parts

if TYPE_CHECKING:
    from agent.answer import Answer
    from tools.results import Table

HTML_ROWS = 25
NUMERIC_CLASS = ' class="num"'
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
:root { --ink: #1d2430; --muted: #5b6575; --line: #d9dee7; --accent: #2a6f97; --warn: #9a5b00; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; color: var(--ink);
       max-width: 1000px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 12px; }
nav ol { columns: 2; color: var(--muted); padding-left: 20px; }
section { margin: 28px 0; break-inside: auto; }
h2 { font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 4px; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 10px 0 16px; font-size: 13px; break-inside: auto; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f9; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
.more { color: var(--muted); font-size: 13px; }
figure { margin: 12px 0; break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 13px; }
blockquote.draft { border-left: 4px solid var(--accent); background: #f6f9fc; margin: 12px 0; padding: 8px 14px;
                   break-inside: avoid; white-space: pre-line; }
blockquote.draft .label { font-weight: 600; display: block; white-space: normal; }
ul.warnings li { color: var(--warn); }
.problem { color: var(--warn); font-weight: 600; }
code { background: #f3f5f9; padding: 0 3px; border-radius: 3px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 16mm 14mm; }
}
"""


def page(title: str, body: str) -> str:
    """A complete HTML document around ``body`` (already HTML); ``title`` is escaped here."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape_html(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def summary_html(markdown: str) -> str:
    """The narration's Markdown as paragraphs and lists, its values escaped."""
    out = []
    for block in blocks(markdown):
        if block.kind == "paragraph":
            out += [f"<p>{_inline(line)}</p>" for line in block.lines]
        else:
            tag = "ul" if block.kind == "bullets" else "ol"
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(line)}</li>" for line in block.lines) + f"</{tag}>")
    return "\n".join(out)


def table_html(table: Table, max_rows: int = HTML_ROWS) -> str:
    """A table with friendly headers, cells formatted by kind (numbers right-aligned), and a count of the rest."""
    numeric = [NUMERIC_CLASS if is_numeric(column.kind) else "" for column in table.columns]
    head = "".join(f'<th{numeric[i]} scope="col">{escape_html(column.header)}</th>'
                   for i, column in enumerate(table.columns))
    rows = []
    for r, row in enumerate(table.rows[:max_rows]):
        cells = "".join(f"<td{numeric[c]}>{escape_html(format_cell(value, table.kind_at(r, c)))}</td>"
                        for c, value in enumerate(row))
        rows.append(f"<tr>{cells}</tr>")
    total = table.total if table.total is not None else len(table.rows)
    shown = min(len(table.rows), max_rows)
    more = f"\n<p class=\"more\">… and {_more(total - shown)} in the JSON.</p>" if total > shown else ""
    return (f"<table>\n<caption>{escape_html(table.title)}</caption>\n<thead><tr>{head}</tr></thead>\n"
            f"<tbody>\n" + "\n".join(rows) + f"\n</tbody>\n</table>{more}")


def draft_html(draft: dict, index: int) -> str:
    """One draft as a block: what it is for, then its subject, preheader, title and body."""
    label = draft.get("action") or f"Draft {index}"
    parts = [f"<span class=\"label\">{escape_html(label)} · {escape_html(draft.get('channel', ''))} draft</span>"]
    for key in ("subject", "preheader", "title"):
        if draft.get(key):
            parts.append(f"<strong>{key.capitalize()}:</strong> {escape_html(draft[key])}")
    parts.append(escape_html(draft.get("body", "")))
    return "<blockquote class=\"draft\">" + "\n".join(parts) + "</blockquote>"


def image_html(png: bytes, alt: str, width: int, height: int, caption: str = "") -> str:
    """A PNG embedded as a data: URI inside a figure (no file to lose, nothing fetched)."""
    data = base64.b64encode(png).decode("ascii")
    figcaption = f"<figcaption>{escape_html(caption)}</figcaption>" if caption else ""
    return (f"<figure><img src=\"data:image/png;base64,{data}\" width=\"{width}\" height=\"{height}\" "
            f"alt=\"{escape_html(alt)}\">{figcaption}</figure>")


def answer_html(answer: Answer, *, max_rows: int = HTML_ROWS) -> str:
    """``answer`` as HTML: summary, tables, drafts, warnings."""
    parts = [summary_html(answer.answer)] if answer.answer.strip() else []
    parts += [table_html(table, max_rows) for table in answer.tables if table.rows]
    parts += [draft_html(draft, index) for index, draft in enumerate(answer.drafts, 1)]
    if answer.warnings:
        parts.append("<ul class=\"warnings\">" + "".join(f"<li>{escape_html(w)}</li>" for w in answer.warnings)
                     + "</ul>")
    return "\n".join(parts)


def _inline(line: str) -> str:
    tags = {"bold": "strong", "italic": "em", "code": "code"}
    return "".join(escape_html(text) if kind == "text" else f"<{tags[kind]}>{escape_html(text)}</{tags[kind]}>"
                   for kind, text in inline_parts(line))


def _more(count: int) -> str:
    return f"{count:,} more row" + ("" if count == 1 else "s")
