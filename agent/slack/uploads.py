"""The files posted beside an answer (``files_upload_v2`` into its thread): full tables as CSV, exports, charts.

A table the message shows only in part goes up whole as CSV; an ``export_audience`` step's file goes up as written —
both under the same personal-data rule as the message: in a channel, unless ``[slack]
allow_pii_in_channels``, name, email and phone columns are removed before anything leaves the workspace.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agent.render.delimited import write_csv
from agent.render.slack import PII_COLUMNS, shareable_table
from agent.slack.charts import chart_png

if TYPE_CHECKING:
    from collections.abc import Collection

    from agent.answer import Answer
    from tools.results import Table


@dataclass(frozen=True)
class Upload:
    """One file for ``files_upload_v2``."""

    filename: str
    title: str
    content: bytes
    rows: int | None = None

    def as_slack(self) -> dict[str, object]:
        return {"filename": self.filename, "title": self.title, "content": self.content}


def answer_uploads(answer: Answer, *, allow_pii: bool, cut_tables: Collection[int], reports_dir: Path,
                   charts: bool = True) -> list[Upload]:
    """Every file this answer should come with, in the order they are posted: each table the message shows
    only in part (``cut_tables``, indexes in ``answer.tables``) as CSV, each export's file, charts."""
    uploads: list[Upload] = []
    index = 0
    for step in answer.steps:
        tables = step.result.tables()
        for table in tables:
            if index in cut_tables:
                uploads.append(table_csv(shareable_table(table, allow_pii)))
            index += 1
        if step.tool == "export_audience":
            exported = export_file(str(getattr(step.result, "path", "")), reports_dir, allow_pii)
            if exported is not None:
                uploads.append(exported)
        if charts and tables:
            png = chart_png(step.tool, tables[0])
            if png is not None:
                uploads.append(Upload(f"{_slug(tables[0].title)}.png", tables[0].title, png))
    return uploads


def table_csv(table: Table) -> Upload:
    """``table`` as CSV (canonical column names, raw values), as ``customers --format csv`` writes it."""
    buffer = io.StringIO()
    write_csv(table, buffer)
    return Upload(f"{_slug(table.title)}.csv", table.title, buffer.getvalue().encode("utf-8"), len(table.rows))


def export_file(path_text: str, reports_dir: Path, allow_pii: bool) -> Upload | None:
    """The exported audience file, without personal columns unless allowed; None when the path is not a
    file in the workspace's reports folder (the bot never uploads anything from elsewhere)."""
    if not path_text:
        return None
    path = Path(path_text).resolve()
    if not path.is_file() or not path.is_relative_to(reports_dir.resolve()):
        return None
    text = path.read_text(encoding="utf-8")
    rows = None
    if path.suffix.lower() == ".json":
        records = json.loads(text)
        if not allow_pii:
            records = [{k: v for k, v in record.items() if k.lower() not in PII_COLUMNS} for record in records]
            text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        rows = len(records)
    else:
        text, rows = _csv_without_pii(text) if not allow_pii else (text, max(text.count("\n") - 1, 0))
    title = path.name if allow_pii else f"{path.name} (no contact details: this is a channel)"
    return Upload(path.name, title, text.encode("utf-8"), rows)


def _csv_without_pii(text: str) -> tuple[str, int]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    keep = [i for i, name in enumerate(header) if name.lower() not in PII_COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([header[i] for i in keep])
    count = 0
    for row in reader:
        writer.writerow([row[i] for i in keep if i < len(row)])
        count += 1
    return buffer.getvalue(), count


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "table"
