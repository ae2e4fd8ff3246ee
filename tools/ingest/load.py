"""Load a user's file into the workspace: read, map, validate, then write in one transaction.

Everything that can fail on bad input happens *before* the workspace is touched, and the write itself
is a single DuckDB transaction, so a failed ingest never leaves a half-loaded table. Re-ingesting the
same file with the same mapping is a no-op; adding to or replacing existing data must be asked for.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tools.errors import UserError
from tools.ingest.mapping import get_preset, parse_map_options, resolve_mapping
from tools.ingest.normalise import Normalised, Source, normalise_customers, normalise_orders, normalise_texts
from tools.ingest.readers import ReadOptions, check_readable_file, read_table
from tools.ingest.schema import SCHEMAS
from tools.settings import ensure_config_file
from tools.store.workspace import Workspace, registered

if TYPE_CHECKING:
    import duckdb

IngestMode = Literal["auto", "append", "replace"]
DATE_COLUMNS = {"orders": "order_date", "customers": "signup_date", "texts": "date"}
Status = Literal["loaded", "appended", "replaced", "unchanged"]


@dataclass
class IngestReport:
    """What an ingest did, in the numbers a user checks first."""

    table: str
    file: str
    status: Status
    rows_read: int
    rows_kept: int
    skipped: dict[str, int]
    returns: int
    duplicates: int
    customers: int
    first_date: str | None
    last_date: str | None
    net_amount: float | None
    mapping: dict[str, str]
    encoding: str
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())


def ingest_file(
    workspace_root: Path,
    table: str,
    path: Path,
    *,
    preset: str | None = None,
    map_pairs: list[str] | None = None,
    mode: IngestMode = "auto",
    date_format: str | None = None,
) -> IngestReport:
    """Validate ``path`` as a ``table`` file and store it in the workspace at ``workspace_root``."""
    started, wall_start = time.perf_counter(), time.time()
    schema = SCHEMAS.get(table)
    if schema is None:
        raise UserError(f"Unknown table '{table}'; choose orders, customers or texts.")
    chosen = get_preset(preset, table) if preset else None
    explicit = dict(chosen.mapping) if chosen else {}
    explicit.update(parse_map_options(map_pairs or [], schema))
    fmt = date_format or (chosen.date_format if chosen else None)
    check_readable_file(path)
    fingerprint = _fingerprint(path, table, explicit, fmt, preset)
    if mode != "replace" and (previous := _already_loaded(workspace_root, table, fingerprint, path)):
        return replace(previous, seconds=round(time.perf_counter() - started, 2))
    raw = read_table(path, chosen.read_options if chosen else ReadOptions())
    mapping = resolve_mapping(list(raw.frame.columns), schema, explicit, str(path))
    source = Source(raw.frame, mapping, str(path), first_row_number=1 + raw.header_lines)
    normalised = _normalise(table, source, fmt, chosen.return_order_prefix if chosen else None)
    _require_rows(path, normalised)
    is_new = not Workspace(workspace_root).exists()
    workspace = Workspace.create(workspace_root, migrate=False)
    try:
        with workspace.transaction() as con:
            status = _store(con, table, normalised, path, fingerprint, mapping, mode, wall_start)
    except BaseException:
        if is_new:
            _discard_if_empty(workspace)
        raise
    ensure_config_file(workspace_root)
    return _report(table, path, status, normalised, mapping, raw.encoding, started)


def _require_rows(path: Path, normalised: Normalised) -> None:
    """Loading zero rows is never what the user meant: say which rule dropped them all."""
    if len(normalised.frame):
        return
    reasons = ", ".join(f"{count:,} {reason}" for reason, count in normalised.skipped.items())
    raise UserError(
        f"{path}: none of its {normalised.rows_read:,} rows can be loaded ({reasons}); "
        "fix those columns or map the right ones with --map."
    )


def _discard_if_empty(workspace: Workspace) -> None:
    """A first ingest that failed mid-write leaves no workspace behind rather than an empty one."""
    try:
        with workspace.connect(read_only=True) as con:
            logged = con.execute("SELECT count(*) FROM ingest_log").fetchone()[0]
    except Exception:  # the original error matters more than this clean-up
        return
    if not logged:
        for leftover in (workspace.db_path, workspace.db_path.with_name(workspace.db_path.name + ".wal")):
            leftover.unlink(missing_ok=True)


def _already_loaded(workspace_root: Path, table: str, fingerprint: str, path: Path) -> IngestReport | None:
    """The report of an identical earlier ingest that is still active, so re-ingesting is a cheap no-op."""
    workspace = Workspace(workspace_root)
    if not workspace.exists():
        return None
    # Values are inlined rather than bound: DuckDB imports pandas (~0.7 s) for the first bound parameter,
    # and this path should stay fast. Both are safe: ``table`` is a schema name, ``fingerprint`` a hex digest.
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT id, rows_read, rows_kept, skipped_reasons, returns, duplicates, mapping FROM ingest_log "
            f"WHERE table_name = '{table}' AND file_sha256 = '{fingerprint}' AND active"
        ).fetchone()
        if row is None:
            return None
        source_id, rows_read, rows_kept, skipped, returns, duplicates, mapping = row
        amount = "sum(amount)" if table == "orders" else "NULL"
        customers, first, last, net = con.execute(
            f"SELECT count(DISTINCT customer_id), min({DATE_COLUMNS[table]}), max({DATE_COLUMNS[table]}), "
            f"{amount} FROM {table} WHERE source_id = {int(source_id)}"
        ).fetchone()
    return IngestReport(table, str(path), "unchanged", rows_read, rows_kept, json.loads(skipped), returns,
                        duplicates, customers, _day(first), _day(last),
                        None if net is None else round(float(net), 2), json.loads(mapping), "", 0.0)


def _day(value: datetime | None) -> str | None:
    return None if value is None else str(value.date())


def _normalise(table: str, source: Source, date_format: str | None, return_prefix: str | None) -> Normalised:
    if table == "orders":
        return normalise_orders(source, date_format, return_prefix)
    if table == "customers":
        return normalise_customers(source, date_format)
    return normalise_texts(source, date_format)


def _fingerprint(path: Path, table: str, mapping: dict[str, str], date_format: str | None,
                 preset: str | None) -> str:
    """Identity of an ingest: the file's bytes plus every option that changes how they are read."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(json.dumps([table, sorted(mapping.items()), date_format, preset]).encode())
    return digest.hexdigest()


def _store(con: duckdb.DuckDBPyConnection, table: str, normalised: Normalised, path: Path, fingerprint: str,
           mapping: dict[str, str], mode: IngestMode, started: float) -> Status:
    already = con.execute(
        "SELECT count(*) FROM ingest_log WHERE table_name = ? AND file_sha256 = ? AND active",
        [table, fingerprint],
    ).fetchone()[0]
    if already and mode != "replace":
        return "unchanged"
    active_files = [row[0] for row in con.execute(
        "SELECT file FROM ingest_log WHERE table_name = ? AND active ORDER BY id", [table]).fetchall()]
    if active_files and mode == "auto":
        raise UserError(
            f"The workspace already has {table} from {active_files[-1]}; pass --append to add {path.name} "
            f"to it or --replace to load {path.name} instead."
        )
    if mode == "replace":
        con.execute(f"DELETE FROM {table}")
        con.execute("UPDATE ingest_log SET active = false WHERE table_name = ?", [table])
    source_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingest_log").fetchone()[0]
    import pyarrow as pa

    frame = normalised.frame.assign(source_id=source_id)
    # Arrow hands DuckDB the string columns without a per-cell conversion (about twice as fast).
    with registered(con, "incoming", pa.Table.from_pandas(frame, preserve_index=False)):
        if table == "customers":
            con.execute("DELETE FROM customers WHERE customer_id IN (SELECT customer_id FROM incoming)")
        if table == "orders" and mode == "append":
            _warn_about_overlap(con, path, normalised)
        columns = ", ".join(frame.columns)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
    con.execute(
        "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true)",
        [source_id, table, str(path.resolve()), fingerprint, json.dumps(mapping), mode, normalised.rows_read,
         len(frame), sum(normalised.skipped.values()), json.dumps(dict(normalised.skipped)),
         normalised.returns, normalised.duplicates, json.dumps(normalised.warnings),
         datetime.fromtimestamp(started), datetime.now()],
    )
    return {"auto": "loaded", "append": "appended", "replace": "replaced"}[mode]


def _warn_about_overlap(con: duckdb.DuckDBPyConnection, path: Path, normalised: Normalised) -> None:
    """Appending a file that repeats lines already loaded double-counts them: say so (the lines are kept)."""
    overlap = con.execute(
        "SELECT count(*) FROM incoming i WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = i.customer_id "
        "AND o.order_date = i.order_date AND o.amount = i.amount AND o.order_id IS NOT DISTINCT FROM i.order_id "
        "AND o.product_id IS NOT DISTINCT FROM i.product_id)"
    ).fetchone()[0]
    if overlap:
        normalised.warnings.append(
            f"{overlap:,} order lines in {path.name} repeat lines already loaded (kept); if the files overlap, "
            "load one combined file with --replace instead."
        )


def _report(table: str, path: Path, status: Status, normalised: Normalised, mapping: dict[str, str],
            encoding: str, started: float) -> IngestReport:
    frame = normalised.frame
    date_column = DATE_COLUMNS[table]
    dates = frame[date_column].dropna() if date_column in frame else frame.iloc[0:0, 0]
    return IngestReport(
        table=table,
        file=str(path),
        status=status,
        rows_read=normalised.rows_read,
        rows_kept=len(frame),
        skipped=dict(normalised.skipped),
        returns=normalised.returns,
        duplicates=normalised.duplicates,
        customers=int(frame["customer_id"].nunique()),
        first_date=str(dates.min().date()) if len(dates) else None,
        last_date=str(dates.max().date()) if len(dates) else None,
        net_amount=round(float(frame["amount"].sum()), 2) if table == "orders" else None,
        mapping=mapping,
        encoding=encoding,
        seconds=round(time.perf_counter() - started, 2),
        warnings=list(normalised.warnings),
    )
