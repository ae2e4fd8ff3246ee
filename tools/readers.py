"""Turn a user's file into a table of strings, or a clear error saying what is wrong with it.

Reading is deliberately type-agnostic (every cell is text): parsing dates and numbers happens later
with row-level error messages. CSV delimiter and encoding are detected (UTF-8 with or without BOM,
then Windows-1252/Latin-1), gzip is transparent, and Parquet is read with pyarrow.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

PARQUET_SUFFIXES = {".parquet", ".pq"}
DELIMITERS = ",;\t|"
CONTROL_BYTE_LIMIT = 0.01


@dataclass(frozen=True)
class RawTable:
    """A file's cells as strings plus how it was read (for the ingest report)."""

    frame: pd.DataFrame
    encoding: str
    delimiter: str
    header_lines: int


@dataclass(frozen=True)
class ReadOptions:
    """How to read a text file when detection is not wanted (presets set these)."""

    whitespace_separated: bool = False
    column_names: tuple[str, ...] | None = None


def read_table(path: Path, options: ReadOptions | None = None) -> RawTable:
    """Read ``path`` (CSV/TSV, optionally gzipped, or Parquet) into a DataFrame of strings."""
    options = options or ReadOptions()
    _check_is_readable_file(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _read_parquet(path)
    raw = _read_bytes(path)
    if raw[:4] == b"PAR1":
        return _read_parquet(path)
    _reject_binary(path, raw)
    text, encoding = _decode(raw)
    if not text.strip():
        raise UserError(f"{path} is empty: export the table again with a header row and data rows.")
    return _read_delimited(path, text, encoding, options)


def _check_is_readable_file(path: Path) -> None:
    if not path.exists():
        raise UserError(f"{path} does not exist: check the path (relative paths start at {Path.cwd()}).")
    if path.is_dir():
        raise UserError(f"{path} is a directory: pass the CSV or Parquet file inside it instead.")
    if path.stat().st_size == 0:
        raise UserError(f"{path} is empty (0 bytes): export the table again with a header row and data rows.")


def _read_bytes(path: Path) -> bytes:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise UserError(f"{path} looks gzipped but is damaged ({exc}); download or export it again.") from exc
    return raw


def _reject_binary(path: Path, raw: bytes) -> None:
    head = raw[:65536]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    if b"\x00" in head or controls > CONTROL_BYTE_LIMIT * len(head):
        raise UserError(
            f"{path} is not a text table (it contains binary data); pass a CSV, TSV or Parquet file."
        )


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0]
        counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def _read_delimited(path: Path, text: str, encoding: str, options: ReadOptions) -> RawTable:
    import pandas as pd

    delimiter = r"\s+" if options.whitespace_separated else _sniff_delimiter(text)
    names = list(options.column_names) if options.column_names else None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            header=None if names else "infer",
            names=names,
            skipinitialspace=True,
        )
    except pd.errors.EmptyDataError as exc:
        raise UserError(f"{path} has no columns: export it again with a header row.") from exc
    except pd.errors.ParserError as exc:
        raise UserError(
            f"{path} could not be read as a table with delimiter {delimiter!r} ({str(exc).strip()}); "
            "check that every row has the same number of fields."
        ) from exc
    frame.columns = [str(column).strip() for column in frame.columns]
    if frame.empty:
        raise UserError(f"{path} has a header row but no data rows: export it again with the data.")
    return RawTable(frame, encoding, delimiter, 0 if names else 1)


def _read_parquet(path: Path) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise UserError(f"{path} is not a valid Parquet file ({exc}); export it again.") from exc
    frame = table.to_pandas()
    if frame.empty:
        raise UserError(f"{path} has columns but no data rows: export it again with the data.")
    for column in frame.columns:
        frame[column] = _as_text(frame[column])
    frame.columns = [str(column).strip() for column in frame.columns]
    return RawTable(frame, "parquet", "", 0)


def _as_text(series: pd.Series) -> pd.Series:
    """Parquet cells arrive typed; turn them into the strings the rest of ingest expects."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    return series.map(lambda value: "" if value is None or value != value else str(value))
