"""Map a file's columns onto the canonical schema: presets, explicit ``--map``, then name matching.

A preset describes a known public layout once (UCI Online Retail, CDNOW) so users do not need to
remember its column names. Explicit ``--map canonical=source`` always wins, which is what makes
unknown layouts (e.g. Online Retail II's "Customer ID") work without code changes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from tools.errors import UserError
from tools.ingest.readers import ReadOptions
from tools.ingest.schema import TableSchema


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
    columns: list[str], schema: TableSchema, explicit: dict[str, str], path_label: str
) -> dict[str, str]:
    """Return canonical -> source column for every field present; raise if a required one is missing."""
    mapping: dict[str, str] = {}
    for canonical, source in explicit.items():
        if source not in columns:
            hint = _closest(source, columns)
            raise UserError(
                f"{path_label} has no column '{source}' (mapped to {canonical}){hint}; "
                f"columns found: {', '.join(columns)}."
            )
        mapping[canonical] = source
    used = set(mapping.values())
    by_key = {_key(column): column for column in columns if column not in used}
    for canonical in schema.fields:
        if canonical in mapping:
            continue
        for candidate in (canonical, *schema.aliases.get(canonical, ())):
            source = by_key.get(_key(candidate))
            if source is not None:
                mapping[canonical] = source
                del by_key[_key(candidate)]
                break
    _require(schema, mapping, columns, path_label)
    return mapping


def _require(schema: TableSchema, mapping: dict[str, str], columns: list[str], path_label: str) -> None:
    missing = [name for name in schema.required if name not in mapping]
    if schema.name == "orders" and "amount" in missing and {"quantity", "unit_price"} <= mapping.keys():
        missing.remove("amount")  # amount = quantity x unit_price
    if not missing:
        return
    field_name = missing[0]
    unmapped = [column for column in columns if column not in mapping.values()]
    suggestion = difflib.get_close_matches(field_name, unmapped, n=1, cutoff=0.3)
    hint = (
        f"the closest is '{suggestion[0]}', so pass --map {field_name}=\"{suggestion[0]}\" if that is it"
        if suggestion
        else f"pass --map {field_name}=\"YOUR COLUMN\""
    )
    extra = " (or quantity and unit_price)" if field_name == "amount" else ""
    raise UserError(
        f"{path_label} has no column for {field_name}{extra}; columns found: {', '.join(columns)}; {hint}."
    )


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _closest(name: str, candidates: list[str]) -> str:
    match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
    return f" (did you mean '{match[0]}'?)" if match else ""
