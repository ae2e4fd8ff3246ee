"""Ingest from a SQL database: stream a query's rows in chunks into the same path as a file.

Why a staging Parquet file: the file path (mapping, presets, validation, one-transaction load, the no-op
re-ingest fingerprint) is the one users already trust, so a query's result is streamed in chunks through
SQLAlchemy into a temporary all-text Parquet file and handed to :func:`tools.ingest.load.ingest_file`.
Memory stays at one chunk while reading; a failure while streaming (bad URL, auth, missing column, server
gone) is one sentence with the password hidden, raised before the workspace is touched.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.errors import UserError

if TYPE_CHECKING:
    from tools.ingest.load import IngestReport
    from tools.runtime.shop import Shop

CHUNK_ROWS = 50_000


def redacted(url: str) -> str:
    """``url`` as it may appear in messages and logs: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "the given database URL"


def ingest_query(shop: Shop, table: str, url: str, query: str, **options: Any) -> IngestReport:
    """Run ``query`` against ``url`` and ingest its rows as ``table`` exactly as a file would be."""
    from tools.ingest.load import ingest_file

    shown = redacted(url)
    with tempfile.TemporaryDirectory(prefix="segment-agent-sql-") as folder:
        staged = Path(folder) / f"{table}.parquet"
        _stage(url, query, staged, shown)
        try:
            report = ingest_file(shop, table, staged, **options)
        except UserError as exc:  # name the query's source, never the staging file
            raise UserError(str(exc).replace(str(staged), f"The query against {shown}")) from None
    return replace(report, file=shown)


def _stage(url: str, query: str, target: Path, shown: str) -> None:
    """Stream the query's rows, chunk by chunk, into ``target`` as text columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise UserError(f"{shown} is not a usable database URL ({type(exc).__name__}); "
                        "write it as dialect+driver://user:password@host:port/database.") from None
    writer = None
    try:
        with engine.connect().execution_options(stream_results=True, yield_per=CHUNK_ROWS) as con:
            result = con.execute(text(query))
            names = list(result.keys())
            schema = pa.schema([(name, pa.string()) for name in names])
            writer = pq.ParquetWriter(target, schema)
            for rows in result.partitions(CHUNK_ROWS):
                columns = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
                arrays = [pa.array([None if v is None else _text(v) for v in col], pa.string()) for col in columns]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc) or type(exc).__name__).strip().splitlines()[0]
        raise UserError(f"Reading from {shown} failed: {_hide(reason, url)}; nothing was loaded.") from None
    finally:
        if writer is not None:
            writer.close()
        engine.dispose()
    if writer is None:
        raise UserError(f"The query against {shown} returned no columns; nothing was loaded.")


def _text(value: object) -> str:
    """A cell as the text a CSV export would hold (dates in ISO form, numbers unrounded)."""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()  # type: ignore[call-arg]
    return str(value)


def _hide(reason: str, url: str) -> str:
    """Remove the password from a driver's message in case it quotes the connection string."""
    from sqlalchemy.engine import make_url

    try:
        password = make_url(url).password
    except Exception:  # noqa: BLE001 - an unparseable URL has no password to hide
        return reason
    return reason.replace(str(password), "***") if password else reason
