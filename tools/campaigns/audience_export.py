"""``export_audience``: an audience as a CSV or JSON file that imports cleanly into email/SMS platforms.

This is the only place customer contact details leave the workspace, and they go to the user's file,
never to a model. Columns use the names ESP importers map automatically (email, phone_number,
first_name, last_name); everything else is a custom property. Files are written atomically (temp file +
rename) and an existing file is only replaced when asked.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from tools.behaviour.customers import AudienceFilter
from tools.campaigns.target_group import TargetGroup, target_group
from tools.csv_cells import safe_cell
from tools.errors import UserError
from tools.jsonable import to_plain
from tools.results import ToolResult
from tools.store.faults import as_resource_error

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

CONTACT_COLUMNS = ["email", "phone_number", "first_name", "last_name"]
PROPERTY_COLUMNS = ["customer_id", "country", "city", "segment_id", "segment", "lifecycle", "value_tier", "p_alive",
                    "predicted_value_12m", "expected_orders_90d", "days_since_last_order", "orders", "total_spend"]


class ExportRequest(BaseModel):
    """Arguments of ``export_audience``: who to export and in which format. The file goes to the workspace's
    reports/ folder (named after the audience and date); only a person at the CLI picks another path."""

    segment: str | None = Field(None, description="Segment id or slug to export.")
    audience: AudienceFilter | None = Field(None, description="Audience filters, e.g. lifecycle and value tier.")
    format: Literal["csv", "json"] = Field("csv", description="csv or json.")


@dataclass(frozen=True)
class Destination:
    """A path a person chose at the command line, and whether an existing file there may be replaced."""

    path: Path
    force: bool = False


@dataclass
class ExportResult(ToolResult):
    """Where the export went and what it holds (counts only: the rows stay in the file)."""

    path: str
    format: str
    rows: int
    columns: list[str]
    audience: str
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"audience": self.audience, "rows": self.rows, "format": self.format, "columns": self.columns}

    def row_count(self) -> int:
        return self.rows


def export_audience(shop: Shop, request: ExportRequest, destination: Destination | None = None) -> ExportResult:
    """Write a segment's or audience's customers to a CSV or JSON file for an email/SMS platform.

    Use this for "export lapsing VIPs as CSV". The file holds email, phone_number, first_name and last_name
    when the customers table has them, plus segment, lifecycle, value tier, P(alive) and predicted value.
    Returns the path and row count only; contact details are never returned to the caller. Without a
    ``destination`` the file is the workspace's own report for this audience and date (rewritten in place
    when asked again); a chosen path is never overwritten unless ``destination.force``.
    """
    with shop.reading() as con, target_group(shop, request.segment, request.audience) as group:
        path, fmt, force = _destination(shop, group, request, destination)
        columns, rows = _rows(con, group)
    text = _as_json(columns, rows) if fmt == "json" else _as_csv(columns, rows)
    write_atomically(path, text, force)
    return ExportResult(str(path), fmt, len(rows), columns, group.label,
                        [*group.warnings, *_warnings(columns, rows)])


def write_atomically(path: Path, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder and a rename, so readers never see half
    a file; refuse to replace an existing file unless ``force``. The file is private (0600): it holds
    contact details. A full disk, a read-only folder or a file-size limit is one sentence, and nothing is left
    behind."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name such as {path / 'audience.csv'}.")
    if path.exists() and not force:
        raise UserError(f"{path} already exists; pass --force to overwrite it, or choose another file.")
    if not path.parent.is_dir():
        raise UserError(f"The folder {path.parent} does not exist; create it or choose another path.")
    temp_name: str | None = None
    try:
        descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except OSError as exc:
        _remove(temp_name)
        raise as_resource_error(exc, path.parent, "write", "the file") or UserError(
            f"Could not write {path} ({exc.strerror or exc}); choose another path.") from exc
    except BaseException:
        _remove(temp_name)
        raise


def _remove(temp_name: str | None) -> None:
    if temp_name is not None:
        Path(temp_name).unlink(missing_ok=True)


def _destination(shop: Shop, group: TargetGroup, request: ExportRequest, chosen: Destination | None
                 ) -> tuple[Path, str, bool]:
    if chosen is not None:
        path = chosen.path.expanduser()
        return path, "json" if path.suffix.lower() == ".json" else request.format, chosen.force
    slug = re.sub(r"[^a-z0-9]+", "-", group.label.lower()).strip("-")[:60] or "audience"
    try:
        shop.reports_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Cannot create {shop.reports_dir} ({exc.strerror or exc}); check the workspace is "
                        "writable.") from exc
    return shop.reports_dir / f"audience-{slug}-{group.as_of}.{request.format}", request.format, True


def _rows(con: duckdb.DuckDBPyConnection, group: TargetGroup) -> tuple[list[str], list[dict[str, Any]]]:
    frame = con.execute(f"""
        SELECT c.email, c.phone AS phone_number, c.name, f.customer_id,
               coalesce(c.country, CAST(f.country AS VARCHAR)) AS country, c.city, s.segment_id,
               s.segment_name AS segment, f.lifecycle, f.value_tier, f.p_alive,
               f.predicted_value_12m, f.expected_orders_90d, f.recency_days AS days_since_last_order,
               f.frequency AS orders, f.monetary AS total_spend
        FROM {group.table} JOIN customer_features f USING (customer_id)
        LEFT JOIN (SELECT customer_id, any_value(name) AS name, any_value(email) AS email,
                          any_value(phone) AS phone, any_value(country) AS country, any_value(city) AS city
                   FROM customers GROUP BY customer_id) c USING (customer_id)
        LEFT JOIN current_segments s USING (customer_id)
        ORDER BY f.predicted_value_12m DESC NULLS LAST, f.customer_id""").df()
    names = [_split_name(value) for value in frame.pop("name")]
    frame.insert(2, "first_name", [first for first, _ in names])
    frame.insert(3, "last_name", [last for _, last in names])
    columns = [c for c in CONTACT_COLUMNS + PROPERTY_COLUMNS if c in frame and frame[c].notna().any()]
    rows = [{c: _missing_as_none(to_plain(value, 4)) for c, value in zip(columns, row, strict=True)}
            for row in frame[columns].itertuples(index=False)]
    return columns, rows


def _split_name(value: Any) -> tuple[str | None, str | None]:
    """"Anna Maria Schmidt" -> ("Anna Maria", "Schmidt"): ESPs greet by first name, so keep all but the last."""
    if not isinstance(value, str) or not value.strip():
        return None, None
    parts = value.split()
    return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else (parts[0], None)


def _missing_as_none(value: Any) -> Any:
    """pandas' missing markers (NA, NaT, NaN) as None: an empty CSV cell, a JSON null — never "<NA>"."""
    return None if safe_cell(value) == "" and not isinstance(value, str) else value


def _as_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({column: safe_cell(value) for column, value in row.items()} for row in rows)
    return buffer.getvalue()


def _as_json(columns: list[str], rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n"


def _warnings(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    if "email" not in columns and "phone_number" not in columns:
        return ["The customers table has no email or phone numbers, so the file has customer ids only; load "
                "contact details with  segment-agent ingest customers FILE."]
    if "email" in columns and (missing := sum(1 for row in rows if not row.get("email"))):
        return [f"{missing:,} of {len(rows):,} customers have no email address."]
    return []
