"""Turn a user's file into a table of strings, or a clear error saying what is wrong with it.

Reading is deliberately type-agnostic (every cell is text): parsing dates and numbers happens later
with row-level error messages. CSV delimiter and encoding are detected (UTF-8 with or without BOM,
then Windows-1252/Latin-1), gzip is transparent, and Parquet is read with pyarrow.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

PARQUET_SUFFIXES = {".parquet", ".pq"}
DELIMITERS = ",;\t|"
CONTROL_BYTE_LIMIT = 0.01
SNIFF_LINES = 50
_FIELD_COUNT_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


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
    check_readable_file(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _read_parquet(path)
    raw = _read_bytes(path)
    if raw[:4] == b"PAR1":
        return _read_parquet(path)
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise UserError(
            f"{path} is an Excel workbook or a zip archive, not a text table; save the sheet as CSV "
            "(or unzip it) and pass that file."
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = raw.decode("utf-16", errors="replace"), "utf-16"  # Excel's "Unicode text" export
    else:
        _reject_binary(path, raw)
        text, encoding = _decode(raw)
    if not text.strip():
        raise UserError(f"{path} is empty: export the table again with a header row and data rows.")
    return _read_delimited(path, raw, text, encoding, options)


def check_readable_file(path: Path) -> None:
    """Raise a :class:`UserError` unless ``path`` is an existing, non-empty, readable file."""
    if not path.exists():
        raise UserError(f"{path} does not exist: check the path (relative paths start at {Path.cwd()}).")
    if path.is_dir():
        raise UserError(f"{path} is a directory: pass the CSV or Parquet file inside it instead.")
    if not os.access(path, os.R_OK):
        raise UserError(f"{path} cannot be read (permission denied): fix its permissions or copy it elsewhere.")
    if path.stat().st_size == 0:
        is_parquet = path.suffix.lower() in PARQUET_SUFFIXES
        how = "export the Parquet file again" if is_parquet else "export it again with a header row and data rows"
        raise UserError(f"{path} is empty (0 bytes): {how}.")


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


def _head_lines(text: str, count: int = SNIFF_LINES) -> list[str]:
    """The first ``count`` non-blank lines, without splitting the whole (possibly huge) text."""
    lines: list[str] = []
    start = 0
    while len(lines) < count and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end].rstrip("\r")
        if line.strip():
            lines.append(line)
        start = end + 1
    return lines


def _sniff_delimiter(lines: list[str]) -> str:
    header_counts = {delimiter: lines[0].count(delimiter) for delimiter in DELIMITERS}
    by_header = max(header_counts, key=header_counts.__getitem__)
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and (header_counts[sniffed] or not header_counts[by_header]):
        return sniffed
    return by_header if header_counts[by_header] else ","


def _choose_delimiter(lines: list[str], options: ReadOptions) -> str:
    """Presets for whitespace files still accept a delimited export of the same layout."""
    if options.whitespace_separated and not any(delimiter in lines[0] for delimiter in ",;|"):
        return r"\s+"
    return _sniff_delimiter(lines)


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == r"\s+":
        return line.split()
    return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))


def _looks_like_data(line: str, delimiter: str) -> bool:
    """True when a headerless layout's first line is a data row (its first field is a number)."""
    fields = _split(line, delimiter)
    return bool(fields) and re.fullmatch(r"[-+]?\d[\d.,]*", fields[0].strip()) is not None


def _read_delimited(path: Path, raw: bytes, text: str, encoding: str, options: ReadOptions) -> RawTable:
    """Parse the table; ``text`` (decoded ``raw``) is only used to sniff the layout from its first lines."""
    import pandas as pd

    lines = _head_lines(text)
    delimiter = _choose_delimiter(lines, options)
    names = list(options.column_names) if options.column_names else None
    skip_header = bool(names) and not _looks_like_data(lines[0], delimiter)
    if names and len(lines) > skip_header:
        _check_layout_width(path, lines[int(skip_header)], delimiter, names, 1 + int(skip_header))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.BytesIO(raw),  # pandas parses bytes about twice as fast as a str buffer
                encoding=encoding,
                encoding_errors="replace",
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                header=None if names else "infer",
                names=names,
                skiprows=1 if skip_header else None,
                index_col=False,
                skipinitialspace=True,
            )
    except pd.errors.EmptyDataError as exc:
        raise UserError(f"{path} has no columns: export it again with a header row.") from exc
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise _field_count_error(path, lines, delimiter, str(exc)) from exc
    frame.columns = [str(column).strip().lstrip("\ufeff") for column in frame.columns]
    if frame.empty:
        raise UserError(f"{path} has a header row but no data rows: export it again with the data.")
    return RawTable(frame, encoding, delimiter, 0 if names and not skip_header else 1)


def _check_layout_width(path: Path, line: str, delimiter: str, names: list[str], line_number: int) -> None:
    found = len(_split(line, delimiter))
    if found != len(names):
        raise UserError(
            f"{path} line {line_number} has {found} fields but this layout expects {len(names)} "
            f"({', '.join(names)}); pass a file in that layout, or drop --preset and map the columns with --map."
        )


def _field_count_error(path: Path, lines: list[str], delimiter: str, message: str) -> UserError:
    """Name the first line whose field count differs from the header's, and how to fix it."""
    expected = len(_split(lines[0], delimiter))
    shown = "whitespace" if delimiter == r"\s+" else repr(delimiter)
    for number, line in enumerate(lines[1:], start=2):
        found = len(_split(line, delimiter))
        if found > expected:
            return _width_error(path, number, found, expected, shown)
    match = _FIELD_COUNT_ERROR.search(message)
    if match:
        expected, number, found = (int(group) for group in match.groups())
        return _width_error(path, number, found, expected, shown)
    return UserError(
        f"{path} could not be read as a table separated by {shown} ({message.strip().splitlines()[0]}); "
        "check that every row has the same number of fields."
    )


def _width_error(path: Path, line: int, found: int, expected: int, shown: str) -> UserError:
    return UserError(
        f"{path} line {line} has {found} fields separated by {shown} but the header has {expected}; "
        "quote values that contain the separator, or fix that row."
    )


def _read_parquet(path: Path) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{path} is not a valid Parquet file ({first_line}); export it again.") from exc
    # A named index (e.g. written from df.set_index("customer_id")) is data; an unnamed one is not.
    frame = frame.reset_index(drop=all(name is None for name in frame.index.names))
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
        return series.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").astype(str)
    missing = series.isna()
    return series.astype(str).where(~missing, "")
