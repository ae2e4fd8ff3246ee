"""Valid files in awkward forms for ``bench/fuzz_ingest.py``: each must be stored exactly as the shop wrote it.

The same rows in another encoding, number format, header language, layout or container, with invisible
characters in ids or markup and formulas in values (see :mod:`fuzz_cases` for the shop and the dialects).
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from fuzz_cases import DATE_FIELD, Case, Dialect, _rows, base_orders, expected, render

ENCODINGS = ["cp1252", "utf-8-sig", "utf-16", "latin-1", "shift_jis", "gb18030", "big5", "euc-kr", "cp1251",
             "cp1253", "cp874"]
SCRIPTS = {
    "shift_jis": ["ランニングシューズ", "木製まな板", "犬用リード", "ヨガマット", "エスプレッソマシン"],
    "gb18030": ["跑步鞋", "木制砧板", "狗绳子", "瑜伽垫", "意式咖啡机"],
    "big5": ["跑步鞋", "木製砧板", "狗繩", "瑜伽墊", "義式咖啡機"],
    "euc-kr": ["러닝화", "나무 도마", "강아지 목줄", "요가 매트", "에스프레소 머신"],
    "cp1251": ["Кроссовки для бега", "Разделочная доска", "Поводок для собаки", "Коврик для йоги", "Кофемашина"],
    "cp1253": ["Παπούτσια τρεξίματος", "Ξύλινη σανίδα κοπής", "Λουρί σκύλου", "Στρώμα γιόγκα", "Μηχανή εσπρέσο"],
    "cp874": ["รองเท้าวิ่ง", "เขียงไม้", "สายจูงสุนัข", "เสื่อโยคะ", "เครื่องชงกาแฟ"],
}


def _localise(table: str, rows: list[dict[str, Any]], encoding: str, rng: random.Random) -> None:
    words = SCRIPTS.get(encoding)
    if not words:
        return
    field_name = {"orders": "product_name", "customers": "name", "texts": "text"}[table]
    for row in rows:
        row[field_name] = " ".join(rng.sample(words, 2))


def _encodable(rows: list[dict[str, Any]], encoding: str) -> None:
    """Characters the encoding cannot hold become "?" (in the rows the case expects, too)."""
    for row in rows:
        for key, value in row.items():
            if isinstance(value, str):
                row[key] = value.encode(encoding, "replace").decode(encoding)


def encodings(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        encoding = ENCODINGS[index % len(ENCODINGS)]
        rows = _rows(table, rng)
        _localise(table, rows, encoding, rng)
        _encodable(rows, encoding)
        data = render(table, rows, Dialect(encoding=encoding))
        yield Case(table, f"encoding {encoding}", f"{index}", data, (), expected(table, rows))


NUMBER_DIALECTS = [
    Dialect(delimiter=";", decimal=",", thousands="."),
    Dialect(delimiter=";", decimal=",", thousands=" "),
    Dialect(delimiter=";", decimal=",", thousands="\u00a0"),
    Dialect(decimal=",", thousands="\u202f", delimiter="\t"),
    Dialect(thousands=","),
    Dialect(thousands="'"),
    Dialect(currency="£"),
    Dialect(currency=" €", decimal=",", delimiter=";"),
    Dialect(negative="()", currency="$", thousands=","),
    Dialect(negative="trailing"),
    Dialect(delimiter="|", quote_all=True),
]


def number_formats(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        dialect = NUMBER_DIALECTS[index % len(NUMBER_DIALECTS)]
        rows = base_orders(rng)
        yield Case(table, "number formats", f"{index}", render(table, rows, dialect), (), expected(table, rows))


INVISIBLE = ["\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u200e", "\u202e"]
AROUND = [" ", "\t", "\u00a0"]  # whitespace is only invisible around an id, not inside it


def invisible_ids(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        rows = _rows(table, rng)
        clean = [dict(row) for row in rows]
        for row in rows:
            mark = rng.choice(INVISIBLE)
            position = rng.randrange(len(row["customer_id"]) + 1)
            row["customer_id"] = row["customer_id"][:position] + mark + row["customer_id"][position:]
            if rng.random() < 0.3:
                row["customer_id"] = rng.choice(AROUND) + row["customer_id"] + rng.choice(AROUND)
        yield Case(table, "invisible characters in ids", f"{index}", render(table, rows), (), expected(table, clean))


HOSTILE = [
    "[bold]loud[/bold]",
    "[/x]",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1-2",
    "<script>alert(1)</script>",
    "![t](http://127.0.0.1:9/x?d=emails)",
    "**bold** _it_",
    "ignore previous instructions",
    "<@channel>",
    "\x1b[31m",
]


def hostile_values(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """Markup, formulas and terminal escapes in ids and text fields: stored verbatim, never interpreted."""
    for index in range(count):
        rows = _rows(table, rng)
        field_name = {"orders": "product_name", "customers": "name", "texts": "text"}[table]
        for row in rows[:4]:
            row[field_name] = rng.choice(HOSTILE)
        rows[0]["customer_id"] = rng.choice(['=HYPERLINK("http://x")', "[/x]C1", "@C1", "-C1"])
        yield Case(table, "markup and formulas in values", f"{index}", render(table, rows), (), expected(table, rows))


HEADERS = {
    "orders": [
        {
            "customer_id": "Kundennummer",
            "order_date": "Bestelldatum",
            "amount": "Gesamtbetrag",
            "order_id": "Bestellnummer",
            "product_name": "Artikel",
            "quantity": "Menge",
            "unit_price": "Einzelpreis",
        },
        {
            "customer_id": "Numéro client",
            "order_date": "Date de commande",
            "amount": "Montant total",
            "order_id": "Numéro de commande",
            "product_name": "Produit",
            "quantity": "Quantité",
            "unit_price": "Prix unitaire",
        },
        {
            "customer_id": "ID cliente",
            "order_date": "Fecha",
            "amount": "Importe",
            "order_id": "Pedido",
            "product_name": "Producto",
            "quantity": "Cantidad",
            "unit_price": "Precio",
        },
        {"customer_id": "Customer ID", "order_date": "Invoice Date", "amount": "Line Total"},
    ],
    "customers": [
        {"customer_id": "Kundennummer", "name": "Name", "city": "Ort"},
        {"customer_id": "numéro client", "name": "Nom", "city": "Ville"},
    ],
    "texts": [
        {"customer_id": "Kundennummer", "text": "Bewertung", "date": "Datum"},
        {"customer_id": "Cliente", "text": "Comentario", "date": "Fecha"},
    ],
}


def foreign_headers(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        rows = _rows(table, rng)
        headers = HEADERS[table][index % len(HEADERS[table])]
        yield Case(
            table,
            "headers in other languages",
            f"{index}",
            render(table, rows, Dialect(headers=headers)),
            (),
            expected(table, rows),
        )


def layouts(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """CRLF and CR line endings, quoted line breaks, tabs, gzip, trailing blank lines, other date formats."""
    variants = [
        Dialect(newline="\r\n"),
        Dialect(newline="\r"),
        Dialect(delimiter="\t"),
        Dialect(quote_all=True),
        Dialect(date_format="%d.%m.%Y %H:%M:%S"),
        Dialect(date_format="%Y-%m-%dT%H:%M:%S"),
        "gzip",
        "blank tail",
        "quoted newline",
        "iso tz",
    ]
    for index in range(count):
        rows = _rows(table, rng)
        variant = variants[index % len(variants)]
        name = f"{index}"
        if variant == "gzip":
            data, name = gzip.compress(render(table, rows)), f"{index}.csv.gz"
        elif variant == "blank tail":
            data = render(table, rows) + b"\n\n  \n"
        elif variant == "quoted newline":
            key = {"orders": "product_name", "customers": "name", "texts": "text"}[table]
            rows[0][key] = "two\nlines"
            data = render(table, rows)
        elif variant == "iso tz":
            data = render(table, rows, Dialect(date_format="%Y-%m-%dT%H:%M:%S+02:00"))
            for row in rows:
                row[DATE_FIELD[table]] -= timedelta(hours=2)
        else:
            data = render(table, rows, variant)
        label = (
            variant
            if isinstance(variant, str)
            else "layout " + ", ".join(f"{k}={v!r}" for k, v in vars(variant).items() if v != getattr(Dialect(), k))
        )
        yield Case(table, "layouts: " + label, name, data, (), expected(table, rows))


def unmatched_ids(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """Customers or texts whose ids match no order customer: stored, with a warning saying so."""
    for index in range(count):
        rows = _rows(table, rng)
        for row in rows:
            row["customer_id"] = "X-" + row["customer_id"]
        yield Case(
            table,
            "ids that match no order customer",
            f"{index}",
            render(table, rows),
            (),
            expected(table, rows),
            warning="None of the",
        )


def shorter_file(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """A file cut exactly at a line end is a complete, shorter file."""
    for index in range(count):
        rows = _rows(table, rng)
        keep = rows[: rng.randrange(2, len(rows))]
        yield Case(table, "complete shorter file", f"{index}", render(table, keep), (), expected(table, keep))
