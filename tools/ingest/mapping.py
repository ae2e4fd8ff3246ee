"""Map a file's columns onto the canonical schema: presets, explicit ``--map``, then name matching.

A preset describes a known public layout once (UCI Online Retail, CDNOW) so users do not need to
remember its column names. Explicit ``--map canonical=source`` always wins, which is what makes
unknown layouts (e.g. Online Retail II's "Customer ID") work without code changes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tools.errors import UserError
from tools.ingest.readers import ReadOptions
from tools.ingest.schema import TableSchema
from tools.ingest.suggestions import columns_found, key, missing_fields_error

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Preset:
    """A known file layout: column mapping plus reading and business rules."""

    name: str
    table: str
    description: str
    mapping: dict[str, str]
    read_options: ReadOptions = field(default_factory=ReadOptions)
    date_format: str | None = None
    return_order_prefix: str | None = None


PRESETS: dict[str, Preset] = {
    "online-retail": Preset(
        name="online-retail",
        table="orders",
        description="UCI Online Retail (InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, "
        "CustomerID, Country); invoices starting with C are returns",
        mapping={
            "order_id": "InvoiceNo",
            "product_id": "StockCode",
            "product_name": "Description",
            "quantity": "Quantity",
            "order_date": "InvoiceDate",
            "unit_price": "UnitPrice",
            "customer_id": "CustomerID",
            "country": "Country",
        },
        return_order_prefix="C",
    ),
    "cdnow": Preset(
        name="cdnow",
        table="orders",
        description="CDNOW whitespace file: customer id, YYYYMMDD date, number of CDs, dollars",
        mapping={"customer_id": "customer_id", "order_date": "date", "quantity": "cds", "amount": "dollars"},
        read_options=ReadOptions(whitespace_separated=True, column_names=("customer_id", "date", "cds", "dollars")),
        date_format="%Y%m%d",
    ),
}


def parse_map_options(pairs: list[str], schema: TableSchema) -> dict[str, str]:
    """Parse repeated ``canonical=source`` options into a mapping, validating canonical names."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        canonical, sep, source = pair.partition("=")
        canonical, source = canonical.strip(), source.strip().strip('"').strip("'")
        if not sep or not canonical or not source:
            raise UserError(f"--map {pair!r} is not canonical=source; write e.g. --map customer_id=\"Customer ID\".")
        if canonical not in schema.fields:
            hint = _closest(canonical, list(schema.fields))
            raise UserError(
                f"--map {pair!r}: {schema.name} has no field '{canonical}'{hint}; "
                f"fields are {', '.join(schema.fields)}."
            )
        mapping[canonical] = source
    return mapping


def get_preset(name: str, table: str) -> Preset:
    """Look up a preset by name and check it describes ``table``."""
    preset = PRESETS.get(name)
    if preset is None:
        raise UserError(f"Unknown preset '{name}'; available presets: {', '.join(sorted(PRESETS))}.")
    if preset.table != table:
        raise UserError(f"Preset '{name}' describes {preset.table} files; use it with  ingest {preset.table}.")
    return preset


def resolve_mapping(
    columns: list[str], schema: TableSchema, explicit: dict[str, str], path_label: str,
    sample: pd.DataFrame | None = None,
) -> dict[str, str]:
    """Return canonical -> source column for every field present; raise if a required one is missing.

    Names match after dropping case, accents and punctuation, against the field and its synonyms
    (:mod:`tools.ingest.schema`); two columns that match one field equally are refused rather than one
    picked silently. ``sample`` (the first rows) lets the error for missing fields suggest columns by content.
    """
    mapping: dict[str, str] = {}
    for canonical, source in explicit.items():
        if source not in columns:
            hint = _closest(source, columns)
            raise UserError(
                f"{path_label} has no column '{source}' (mapped to {canonical}){hint}; "
                f"columns found: {columns_found(columns)}."
            )
        mapping[canonical] = source
    by_key: dict[str, list[str]] = {}
    for column in columns:
        if column not in mapping.values():
            by_key.setdefault(key(column), []).append(column)
    for canonical in schema.fields:
        if canonical in mapping:
            continue
        for candidate in (canonical, *schema.aliases.get(canonical, ())):
            sources = by_key.get(key(candidate))
            if not sources:
                continue
            if len(sources) > 1:
                raise UserError(
                    f"{path_label} has {len(sources)} columns that could be {canonical} "
                    f"({', '.join(repr(s) for s in sources[:4])}); pass --map {canonical}=\"COLUMN\" to say which.")
            mapping[canonical] = sources[0]
            del by_key[key(candidate)]
            break
    _require(schema, mapping, columns, path_label, sample)
    return mapping


def _require(schema: TableSchema, mapping: dict[str, str], columns: list[str], path_label: str,
             sample: pd.DataFrame | None) -> None:
    missing = [name for name in schema.required if name not in mapping]
    if schema.name == "orders" and "amount" in missing and {"quantity", "unit_price"} <= mapping.keys():
        missing.remove("amount")  # amount = quantity x unit_price
    if missing:
        raise missing_fields_error(schema, missing, mapping, columns, sample, path_label)


def _closest(name: str, candidates: list[str]) -> str:
    match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
    return f" (did you mean '{match[0]}'?)" if match else ""
