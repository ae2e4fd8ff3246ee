"""Load a user's file into the workspace: read, map, validate, then write in one transaction.

Everything that can fail on bad input happens *before* the workspace is touched, and the write itself
is a single store transaction, so a failed ingest never leaves a half-loaded table. Orders and customers
change every customer's features, so those are recomputed inside the same transaction: readers see the
old data with the old features or the new data with the new ones. Re-ingesting the same file with the
same mapping is a no-op; adding to or replacing existing data must be asked for.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tools.behaviour.feature_store import FeatureRun, Progress, refresh_features
from tools.errors import UserError
from tools.ingest.mapping import get_preset, parse_map_options, resolve_mapping
from tools.ingest.normalise import Normalised, Source, normalise_customers, normalise_orders, normalise_texts
from tools.ingest.parsing import DateBounds
from tools.ingest.readers import ReadOptions, check_readable_file, read_table
from tools.ingest.schema import SCHEMAS
from tools.ingest.settings import IngestSettings
from tools.results import Column, Kind, Table, ToolResult
from tools.runtime.config_file import ensure_config_file
from tools.store.store import registered

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

IngestMode = Literal["auto", "append", "replace"]
DATE_COLUMNS = {"orders": "order_date", "customers": "signup_date", "texts": "date"}
Status = Literal["loaded", "appended", "replaced", "unchanged"]


FEATURE_TABLES = ("orders", "customers")


@dataclass
class IngestReport(ToolResult):
    """What an ingest did, in the numbers a user checks first (and the feature refresh it triggered)."""

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
    features: FeatureRun | None = None
    matched_customers: int | None = None  # customers/texts: ids also found among the order customers

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    def facts(self) -> dict[str, Any]:
        return {"table": self.table, "status": self.status, "rows_read": self.rows_read, "rows_kept": self.rows_kept,
                "rows_skipped": self.rows_skipped, "customers": self.customers}

    def tables(self) -> list[Table]:
        rows: list[list[Any]] = [["rows read", self.rows_read], ["rows kept", self.rows_kept]]
        rows += [[f"skipped: {reason}", count] for reason, count in self.skipped.items()]
        if self.table == "orders":
            rows += [["returns (kept, netted)", self.returns], ["net amount", self.net_amount]]
        if self.duplicates:
            rows.append(["duplicate rows", self.duplicates])
        if self.first_date:
            rows.append(["dates", f"{self.first_date} → {self.last_date}"])
        rows.append(["columns used", ", ".join(f"{k}←{v}" for k, v in self.mapping.items())])
        if self.features is not None:
            rows.append(["lifecycle", ", ".join(f"{k} {v:,}" for k, v in self.features.lifecycle_counts.items())])
        return [Table(f"{self.table} from {self.file}", [Column("measure"), Column("value", Kind.NUMBER)], rows)]

    def row_count(self) -> int:
        return self.rows_kept


def ingest_file(
    shop: Shop,
    table: str,
    path: Path,
    *,
    preset: str | None = None,
    map_pairs: list[str] | None = None,
    mode: IngestMode = "auto",
    date_format: str | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Validate ``path`` as a ``table`` file and store it in the shop's workspace (creating it if needed)."""
    started, wall_start = time.perf_counter(), time.time()
    schema = SCHEMAS.get(table)
    if schema is None:
        raise UserError(f"Unknown table '{table}'; choose orders, customers or texts.")
    chosen = get_preset(preset, table) if preset else None
    explicit = dict(chosen.mapping) if chosen else {}
    explicit.update(parse_map_options(map_pairs or [], schema))
    fmt = date_format or (chosen.date_format if chosen else None)
    check_readable_file(path)
    settings = IngestSettings.from_settings(shop.settings)
    fingerprint = _fingerprint(path, table, explicit, fmt, preset)
    if mode != "replace" and (previous := _already_loaded(shop, table, fingerprint, path)):
        return replace(previous, seconds=round(time.perf_counter() - started, 2))
    raw = read_table(path, chosen.read_options if chosen else ReadOptions(), settings)
    columns = list(raw.frame.columns)
    mapping = resolve_mapping(columns, schema, explicit, str(path), raw.frame.head(500))
    bounds = DateBounds(settings.earliest(), settings.latest(shop.now()))
    source = Source(raw.frame, mapping, str(path), 1 + raw.header_lines, raw.kinds, settings, bounds)
    normalised = _normalise(table, source, fmt, chosen.return_order_prefix if chosen else None)
    _require_rows(path, normalised)
    is_new = not shop.exists()
    commits_before = shop.store.commits
    features = None
    try:
        with shop.writing() as con:
            status = _store(con, table, normalised, path, fingerprint, mapping, mode, wall_start)
            if status != "unchanged" and table in FEATURE_TABLES and _has_orders(con):
                features = refresh_features(shop, progress=progress)
            # Everything that could still fail happens before the commit: once it is saved, the command succeeds.
            report = _report(table, path, status, normalised, mapping, raw.encoding, started)
            report.matched_customers = _matched_customers(con, table, normalised)
    except BaseException:
        if is_new and shop.store.commits == commits_before:
            shop.store.discard()
        raise
    report.features = features
    report.warnings += _match_warnings(report, table, path) + (features.warnings if features else [])
    try:
        ensure_config_file(shop.root)
    except OSError as exc:  # a convenience file: never a reason to report a saved ingest as failed
        report.warnings.append(f"The commented settings file could not be written ({exc.strerror or exc}).")
    return report


def _matched_customers(con: duckdb.DuckDBPyConnection, table: str, normalised: Normalised) -> int | None:
    """How many of a customers/texts file's customers are also order customers (None: no orders yet)."""
    if table == "orders" or not _has_orders(con):
        return None
    import pyarrow as pa

    ids = pa.table({"customer_id": normalised.frame["customer_id"].drop_duplicates().astype(str).tolist()})
    with registered(con, "incoming_ids", ids):
        return int(con.execute("SELECT count(*) FROM incoming_ids i WHERE EXISTS (SELECT 1 FROM orders o "
                               "WHERE o.customer_id = i.customer_id)").fetchone()[0])


def _match_warnings(report: IngestReport, table: str, path: Path) -> list[str]:
    """Say when a customers/texts file's ids do not line up with the orders (a wrong column, another id format)."""
    if table == "orders":
        return []
    if report.matched_customers is None:
        return [f"No orders are loaded yet, so the {report.customers:,} customers in {path.name} cannot be matched "
                "to buyers; load the orders too."]
    if report.matched_customers == report.customers:
        return []
    unmatched = report.customers - report.matched_customers
    if report.matched_customers == 0:
        return [f"None of the {report.customers:,} customers in {path.name} is a customer in the orders: the ids "
                "probably use another format or come from another column; check customer_id (or --map it)."]
    return [f"{report.matched_customers:,} of {report.customers:,} customers in {path.name} match a customer in "
            f"the orders; {unmatched:,} do not (they are kept, but no features describe them)."]


def _has_orders(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM orders").fetchone()[0] > 0


def _require_rows(path: Path, normalised: Normalised) -> None:
    """Loading zero rows is never what the user meant: say which rule dropped them all."""
    if len(normalised.frame):
        return
    reasons = ", ".join(f"{count:,} {reason}" for reason, count in normalised.skipped.items())
    raise UserError(
        f"{path}: none of its {normalised.rows_read:,} rows can be loaded ({reasons}); "
        "fix those columns or map the right ones with --map."
    )


def _already_loaded(shop: Shop, table: str, fingerprint: str, path: Path) -> IngestReport | None:
    """The report of an identical earlier ingest that is still active, so re-ingesting is a cheap no-op."""
    if not shop.exists():
        return None
    # Values are inlined rather than bound: DuckDB imports pandas (~0.7 s) for the first bound parameter,
    # and this path should stay fast. Both are safe: ``table`` is a schema name, ``fingerprint`` a hex digest.
    with shop.reading() as con:
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
