"""Read a Parquet file into the table of strings the rest of ingest expects, keeping track of odd column types.

Columns are turned into text in Arrow (no pandas conversion of timestamps, so year 1 or 9999 cannot
overflow): numbers and decimals as written, timestamps as ``YYYY-MM-DD HH:MM:SS``, booleans as
``true``/``false``, binary as UTF-8 text when it is text (else hex), lists, maps and structs as JSON. The
types that are never an id — booleans, binary, lists, maps, structs — are remembered in
:attr:`ParquetTable.kinds`, so mapping ``customer_id`` to one is refused instead of storing ``"[1, 2]"``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.errors import UserError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

_INDEX_COLUMN = re.compile(r"__index_level_\d+__")


@dataclass(frozen=True)
class ParquetTable:
    """The cells as strings (missing = empty) and the non-scalar kind of each odd column."""

    frame: pd.DataFrame
    kinds: dict[str, str]


def read_parquet(path: Path, max_columns: int) -> ParquetTable:
    """Read ``path``; a damaged file, duplicate column names or too many columns are UserErrors."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
        if len(schema.names) > max_columns:
            raise UserError(f"{path} has {len(schema.names):,} columns, more than the {max_columns:,} allowed "
                            "(max_columns in [ingest] of segment-agent.toml); export only the columns you need.")
        table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{path} is not a valid Parquet file ({first_line}); export it again.") from exc
    names = [str(name).strip() for name in table.column_names]
    _refuse_duplicates(path, names)
    if table.num_rows == 0:
        raise UserError(f"{path} has columns but no data rows: export it again with the data.")
    columns: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for name, column in zip(names, table.columns, strict=True):
        if _INDEX_COLUMN.fullmatch(name):
            continue  # an unnamed pandas index is not data (a named one is a real column)
        text, kind = _as_text(column)
        columns[name] = text
        if kind:
            kinds[name] = kind
    frame = pa.table(columns).to_pandas().fillna("").astype(str)
    return ParquetTable(frame, kinds)


def _refuse_duplicates(path: Path, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise UserError(f"{path} has two columns named '{name[:60]}'; rename one so every column name is unique "
                            "and export it again.")
        seen.add(name)


def _as_text(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray, str | None]:
    """The column as strings (nulls kept) and its kind when it is not a plain scalar type."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S" if pa.types.is_timestamp(kind) else "%Y-%m-%d"), None
    if pa.types.is_floating(kind):
        text = pc.cast(column, pa.string())
        return pc.if_else(pc.is_nan(column), pa.scalar(None, pa.string()), text), None
    if pa.types.is_boolean(kind):
        return pc.cast(column, pa.string()), "boolean"
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
        try:
            return pc.cast(column, pa.string()), None
        except pa.ArrowInvalid:
            return pa.chunked_array([pa.array([None if v is None else v.hex() for v in column.to_pylist()],
                                              pa.string())]), "binary"
    if pa.types.is_nested(kind):
        label = "map" if pa.types.is_map(kind) else "struct" if pa.types.is_struct(kind) else "list"
        values = [None if v is None else json.dumps(v, default=str, ensure_ascii=False) for v in column.to_pylist()]
        return pa.chunked_array([pa.array(values, pa.string())]), label
    try:
        return pc.cast(column, pa.string()), None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.chunked_array([pa.array([None if v is None else str(v) for v in column.to_pylist()],
                                          pa.string())]), None
