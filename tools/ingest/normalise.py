"""Turn a mapped raw table into canonical rows, counting every row that is skipped and why.

Each ``normalise_*`` function returns a :class:`Normalised` whose ``frame`` has exactly the columns
of the workspace table (minus ``source_id``), ready to insert.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tools.errors import UserError
from tools.ingest.numbers import NumberColumn, implausible_number, parse_number_columns
from tools.ingest.parsing import Column, DateBounds, parse_dates
from tools.ingest.settings import IngestSettings
from tools.ingest.values import clean_ids

if TYPE_CHECKING:
    import pandas as pd

ORDER_COLUMNS = ("order_id", "customer_id", "order_date", "amount", "quantity", "unit_price", "product_id",
                 "product_name", "category", "currency", "country", "is_return", "attributes")
CUSTOMER_COLUMNS = ("customer_id", "name", "email", "phone", "country", "city", "signup_date", "attributes")
TEXT_COLUMNS = ("customer_id", "text", "date", "source", "attributes")
ID_FIELDS = ("customer_id", "order_id", "product_id")


@dataclass
class Normalised:
    """Canonical rows plus the bookkeeping the ingest report shows."""

    frame: pd.DataFrame
    rows_read: int
    skipped: Counter[str] = field(default_factory=Counter)
    returns: int = 0
    duplicates: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """A raw table with its mapping and the facts needed for precise error messages and plausibility checks."""

    frame: pd.DataFrame
    mapping: dict[str, str]
    path_label: str
    first_row_number: int
    kinds: dict[str, str] = field(default_factory=dict)  # source column -> boolean/list/map/struct/binary
    settings: IngestSettings = field(default_factory=IngestSettings)
    bounds: DateBounds | None = None

    def column(self, canonical: str) -> Column:
        return Column(self.path_label, self.mapping[canonical], self.first_row_number)

    def text(self, canonical: str) -> pd.Series | None:
        """The source cells for a canonical field, stripped, or None when the field is unmapped."""
        source = self.mapping.get(canonical)
        if source is None:
            return None
        if canonical in ID_FIELDS and source in self.kinds:
            raise UserError(
                f"{self.path_label}: column '{source}' (mapped to {canonical}) holds {self.kinds[source]} values, not "
                f"ids; map {canonical} to the column that holds the ids with --map {canonical}=COLUMN.")
        values = self.frame[source].astype(str)
        return clean_ids(values) if canonical in ID_FIELDS else values.str.strip()

    def dates(self, canonical: str, index: pd.Index, date_format: str | None) -> pd.Series:
        """The parsed dates of a canonical field for the rows in ``index``, within the plausible range."""
        return parse_dates(self.text(canonical)[index], self.column(canonical), date_format, self.bounds)


def normalise_orders(source: Source, date_format: str | None, return_prefix: str | None) -> Normalised:
    """Validate and convert order lines; returns (negative amounts, prefixed invoices) are kept as returns."""
    import pandas as pd

    kept, result = _rows_with_customer(source)
    frame = pd.DataFrame({"customer_id": kept})
    frame["order_date"] = source.dates("order_date", frame.index, date_format)
    frame = _skip_missing(frame, "order_date", "no order_date", result)
    limit = source.settings.max_abs_amount
    wanted = {name: NumberColumn(source.text(name)[frame.index], source.column(name), name != "amount", limit)
              for name in ("quantity", "unit_price", "amount") if name in source.mapping}
    numbers, notes = parse_number_columns(wanted, source.settings.decimal_mark)
    result.warnings += notes
    for name, values in numbers.items():
        frame[name] = values
    if "amount" not in source.mapping:
        frame["amount"] = _line_amounts(source, frame, limit)
    for name in ("order_id", "product_id", "product_name", "category", "currency", "country"):
        values = source.text(name)
        frame[name] = None if values is None else values[frame.index].replace("", None)
    is_return = frame["amount"] < 0
    if return_prefix and frame["order_id"].notna().any():
        prefixed = frame["order_id"].fillna("").str.startswith(return_prefix)
        frame.loc[prefixed, "amount"] = -frame.loc[prefixed, "amount"].abs()
        is_return |= prefixed
    frame["is_return"] = is_return
    result.returns = int(is_return.sum())
    frame["attributes"] = _attributes(source, frame.index)
    result.duplicates = int(frame.duplicated().sum())
    if result.duplicates:
        result.warnings.append(f"{result.duplicates:,} rows are exact duplicates of another row (kept).")
    result.frame = frame.reindex(columns=ORDER_COLUMNS)
    return result


def _line_amounts(source: Source, frame: pd.DataFrame, limit: float) -> pd.Series:
    """quantity × unit_price, refusing lines where either is missing or the product is not plausible."""
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore"):
        amount = frame["quantity"] * frame["unit_price"]
    missing = amount.isna() & (frame["quantity"].isna() | frame["unit_price"].isna())
    if missing.any():
        row = source.first_row_number + int(missing.idxmax())
        raise UserError(
            f"{source.path_label} row {row:,}: quantity or unit_price is empty, so the amount is unknown; "
            "fix the row or map an amount column with --map amount=COLUMN."
        )
    outside = ~np.isfinite(amount.to_numpy()) | (np.abs(amount.to_numpy()) > limit)
    if outside.any():
        label = amount.index[int(outside.argmax())]
        value = f"{frame.at[label, 'quantity']:g} × {frame.at[label, 'unit_price']:g}"
        column = Column(source.path_label, f"{source.mapping['quantity']} × {source.mapping['unit_price']}",
                        source.first_row_number)
        raise implausible_number(column, value, int(label), limit)
    return amount


def normalise_customers(source: Source, date_format: str | None) -> Normalised:
    """Validate customer rows; a customer listed twice keeps its last row (counted as a duplicate)."""
    import pandas as pd

    kept, result = _rows_with_customer(source)
    frame = pd.DataFrame({"customer_id": kept})
    for name in ("name", "email", "phone", "country", "city"):
        values = source.text(name)
        frame[name] = None if values is None else values[frame.index].replace("", None)
    if "signup_date" in source.mapping:
        frame["signup_date"] = source.dates("signup_date", frame.index, date_format)
    frame["attributes"] = _attributes(source, frame.index)
    duplicated = frame["customer_id"].duplicated(keep="last")
    result.duplicates = int(duplicated.sum())
    if result.duplicates:
        result.skipped["duplicate customer_id (last row kept)"] += result.duplicates
        frame = frame[~duplicated]
    result.frame = frame.reindex(columns=CUSTOMER_COLUMNS)
    return result


def normalise_texts(source: Source, date_format: str | None) -> Normalised:
    """Validate customer-written texts; empty texts are skipped and counted."""
    import pandas as pd

    kept, result = _rows_with_customer(source)
    frame = pd.DataFrame({"customer_id": kept, "text": source.text("text")[kept.index]})
    empty = frame["text"] == ""
    if empty.any():
        result.skipped["empty text"] += int(empty.sum())
        frame = frame.loc[~empty]
    if "date" in source.mapping:
        frame["date"] = source.dates("date", frame.index, date_format)
    values = source.text("source")
    frame["source"] = None if values is None else values[frame.index].str.lower().replace("", None)
    frame["attributes"] = _attributes(source, frame.index)
    result.duplicates = int(frame.duplicated(["customer_id", "text"]).sum())
    if result.duplicates:
        result.warnings.append(f"{result.duplicates:,} texts repeat another text of the same customer (kept).")
    result.frame = frame.reindex(columns=TEXT_COLUMNS)
    return result


def _rows_with_customer(source: Source) -> tuple[pd.Series, Normalised]:
    ids = source.text("customer_id")
    has_id = ids != ""
    result = Normalised(frame=None, rows_read=len(ids))  # type: ignore[arg-type]
    if not has_id.any():
        raise UserError(
            f"{source.path_label}: none of its {len(ids):,} rows has a customer_id (column "
            f"'{source.mapping['customer_id']}'); map the right column with --map customer_id=COLUMN."
        )
    missing = int((~has_id).sum())
    if missing:
        result.skipped["no customer_id"] += missing
    return ids[has_id], result


def _skip_missing(frame: pd.DataFrame, column: str, reason: str, result: Normalised) -> pd.DataFrame:
    """``frame`` without the rows whose ``column`` is empty, counting them under ``reason``."""
    missing = frame[column].isna()
    if not missing.any():
        return frame
    result.skipped[reason] += int(missing.sum())
    return frame.loc[~missing]


def _attributes(source: Source, index: pd.Index) -> pd.Series | None:
    """Unknown extra columns are kept, as one JSON object per row, so nothing the user had is lost."""
    import pandas as pd

    extras = [column for column in source.frame.columns if column not in source.mapping.values()]
    if not extras:
        return None
    lines = source.frame.loc[index, extras].to_json(orient="records", lines=True).splitlines()
    return pd.Series(lines, index=index)
