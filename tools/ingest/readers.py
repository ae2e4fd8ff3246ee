"""Turn a user's file into a table of strings, or a clear error saying what is wrong with it.

Reading is deliberately type-agnostic (every cell is text): parsing dates and numbers happens later with
row-level error messages. The encoding is decided from the bytes (:mod:`tools.ingest.encoding`), the CSV
delimiter is sniffed, gzip is transparent and Parquet goes through :mod:`tools.ingest.parquet_files`. What
pandas would quietly repair is refused instead, with the row to fix: a row with fewer fields than the header
(pandas pads it with empty cells), a last row cut off by a truncated download (pandas stores what is left:
an amount of 12.50 becomes 1), two columns with the same name (pandas renames one and the mapping would
silently use the other), and a header so wide that parsing it would take minutes.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import UserError
from tools.ingest.encoding import Decoded, decode, is_utf16
from tools.ingest.parquet_files import read_parquet
from tools.ingest.settings import IngestSettings
from tools.ingest.values import shown

if TYPE_CHECKING:
    import pandas as pd

PARQUET_SUFFIXES = {".parquet", ".pq"}
DELIMITERS = ",;\t|"
CONTROL_BYTE_LIMIT = 0.01
SNIFF_LINES = 50
_FIELD_COUNT_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class RawTable:
    """A file's cells as strings plus how it was read (for the ingest report)."""

    frame: pd.DataFrame
    encoding: str
    delimiter: str
    header_lines: int
    kinds: dict[str, str] = field(default_factory=dict)  # Parquet columns that are booleans, lists, binary…


@dataclass(frozen=True)
class ReadOptions:
    """How to read a text file when detection is not wanted (presets set these)."""

    whitespace_separated: bool = False
    column_names: tuple[str, ...] | None = None


def read_table(path: Path, options: ReadOptions | None = None, settings: IngestSettings | None = None) -> RawTable:
    """Read ``path`` (CSV/TSV, optionally gzipped, or Parquet) into a DataFrame of strings."""
    options = options or ReadOptions()
    settings = settings or IngestSettings()
    check_readable_file(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _parquet(path, settings)
    raw = _read_bytes(path)
    if raw[:4] == b"PAR1":
        return _parquet(path, settings)
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise UserError(
            f"{path} is an Excel workbook or a zip archive, not a text table; save the sheet as CSV "
            "(or unzip it) and pass that file."
        )
    if not is_utf16(raw):
        _reject_binary(path, raw)
    decoded = decode(path, raw, settings.encoding)
    if not decoded.text.strip():
        raise UserError(f"{path} is empty: export the table again with a header row and data rows.")
    return _read_delimited(path, raw, decoded, options, settings)


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


def _parquet(path: Path, settings: IngestSettings) -> RawTable:
    table = read_parquet(path, settings.max_columns)
    return RawTable(table.frame, "parquet", "", 0, table.kinds)


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path} cannot be read ({exc.strerror or exc}); check the file and try again.") from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise UserError(f"{path} looks gzipped but is damaged ({str(exc)[:120]}); download or export it "
                            "again.") from exc
    return raw


def _reject_binary(path: Path, raw: bytes) -> None:
    head = raw[:65536]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    if b"\x00" in head or controls > CONTROL_BYTE_LIMIT * len(head):
        raise UserError(
            f"{path} is not a text table (it contains binary data); pass a CSV, TSV or Parquet file."
        )


def _first_line(text: str) -> str:
    match = _LINE_BREAK.search(text)
    return text[: match.start()] if match else text


def _head_lines(text: str, count: int = SNIFF_LINES) -> list[str]:
    """The first ``count`` non-blank lines (any line break), without splitting the whole (possibly huge) text."""
    lines: list[str] = []
    position = 0
    for match in _LINE_BREAK.finditer(text):
        line = text[position:match.start()]
        position = match.end()
        if line.strip():
            lines.append(line)
            if len(lines) >= count:
                return lines
    if text[position:].strip() and len(lines) < count:
        lines.append(text[position:])
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
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        return line.split(delimiter)


def _looks_like_data(line: str, delimiter: str) -> bool:
    """True when a headerless layout's first line is a data row (its first field is a number)."""
    fields = _split(line, delimiter)
    return bool(fields) and re.fullmatch(r"[-+]?\d[\d.,]*", fields[0].strip()) is not None


def _check_width(path: Path, header: str, settings: IngestSettings) -> None:
    """Refuse an absurdly wide header before any parsing (100,000 columns would take minutes to say so)."""
    widest = max(header.count(delimiter) for delimiter in DELIMITERS) + 1
    if widest > settings.max_columns:
        raise UserError(f"{path} has about {widest:,} columns in its first line, more than the "
                        f"{settings.max_columns:,} allowed (max_columns in [ingest] of segment-agent.toml); export "
                        "only the columns you need.")


def _read_delimited(path: Path, raw: bytes, decoded: Decoded, options: ReadOptions,
                    settings: IngestSettings) -> RawTable:
    """Parse the table; the decoded text is used to sniff the layout and to check what pandas would hide."""
    import pandas as pd

    text = decoded.text
    _check_width(path, _first_line(text.lstrip()), settings)
    lines = _head_lines(text)
    delimiter = _choose_delimiter(lines, options)
    names = list(options.column_names) if options.column_names else None
    skip_header = bool(names) and not _looks_like_data(lines[0], delimiter)
    if names and len(lines) > skip_header:
        _check_layout_width(path, lines[int(skip_header)], delimiter, names, 1 + int(skip_header))
    if not names:
        _refuse_duplicate_names(path, _split(lines[0], delimiter))
    # pandas parses UTF-8 bytes about twice as fast as a str buffer; other encodings are already decoded
    source = io.BytesIO(raw) if decoded.encoding in ("utf-8", "utf-8-sig") else io.StringIO(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                source,
                encoding=decoded.encoding if isinstance(source, io.BytesIO) else None,
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
    header_lines = 0 if names and not skip_header else 1
    _refuse_short_rows(path, text, frame, header_lines, delimiter)
    _refuse_cut_last_row(path, text, frame, header_lines, delimiter)
    return RawTable(frame.astype(str), decoded.encoding, delimiter, header_lines)


def _refuse_duplicate_names(path: Path, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for number, name in enumerate((name.strip().lstrip("\ufeff") for name in header), start=1):
        if name and name in seen:
            raise UserError(f"{path} has two columns named {shown(name)} (columns {seen[name]} and {number}); "
                            "rename one so every column name is unique, then ingest it again.")
        seen[name] = number


def _refuse_short_rows(path: Path, text: str, frame: pd.DataFrame, header_lines: int, delimiter: str) -> None:
    """pandas pads a row with fewer fields than the header with empty cells; that row is broken. Such a row
    always leaves the last column empty, so the (0.5 s per 500k rows) recount only runs when one is."""
    if not (frame.iloc[:, -1] == "").any():
        return
    expected = frame.shape[1]
    if delimiter == r"\s+":
        records = (line.split() for line in _LINE_BREAK.split(text) if line.strip())
    else:
        records = (row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                             skipinitialspace=True) if row)
    number = 0
    try:
        for number, row in enumerate(records, start=1):  # the header, when there is one, is row 1
            if len(row) < expected and number > header_lines:
                _short_row(path, number, len(row), expected)
    except csv.Error as exc:
        raise UserError(f"{path} row {number + 1:,} cannot be read as a delimited row ({exc}); fix that row or export "
                        "the file again.") from None


def _short_row(path: Path, number: int, found: int, expected: int) -> None:
    raise UserError(f"{path} row {number:,} has {found} field{'s' if found != 1 else ''} but the header has "
                    f"{expected}; fix that row (or export the file again) so every row has all the columns.")


def _refuse_cut_last_row(path: Path, text: str, frame: pd.DataFrame, header_lines: int, delimiter: str) -> None:
    """A file that stops in the middle of a line lost the end of its last row (a truncated download or copy)."""
    if text.rstrip(" \t\x1a").endswith(("\n", "\r")):
        return
    last = text[text.rstrip().rfind("\n") + 1:].strip()
    raise UserError(f"{path} ends without a line break, so its last row (row {len(frame) + header_lines:,}: "
                    f"{shown(last, 80)}) may have been cut off; if that row is complete, add a line break at the end "
                    "of the file, otherwise export the file again.")


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
    shown_delimiter = "whitespace" if delimiter == r"\s+" else repr(delimiter)
    if "EOF inside string" in message or "EOF while" in message:
        return UserError(f"{path} ends inside a quoted value (a quote is never closed, or the file was cut off); "
                         "fix the unbalanced quote or export the file again.")
    for number, line in enumerate(lines[1:], start=2):
        found = len(_split(line, delimiter))
        if found > expected:
            return _width_error(path, number, found, expected, shown_delimiter)
    match = _FIELD_COUNT_ERROR.search(message)
    if match:
        expected, number, found = (int(group) for group in match.groups())
        return _width_error(path, number, found, expected, shown_delimiter)
    first = message.strip().splitlines()[0][:200] if message.strip() else "unreadable"
    return UserError(
        f"{path} could not be read as a table separated by {shown_delimiter} ({first}); "
        "check that every row has the same number of fields."
    )


def _width_error(path: Path, line: int, found: int, expected: int, shown_delimiter: str) -> UserError:
    return UserError(
        f"{path} line {line} has {found} fields separated by {shown_delimiter} but the header has {expected}; "
        "quote values that contain the separator, or fix that row."
    )
