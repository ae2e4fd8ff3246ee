"""The bad files ``bench/fuzz_ingest.py`` feeds to ``segment-agent ingest``, by class, and the clean shop behind them.

Every case knows what must happen: a refusal (exit 1, one sentence, nothing changed) or a load whose stored
rows are exactly the rows the generator encoded — the same shop written in another encoding, number
format, date format, header language, delimiter, line ending, container (gzip, Parquet) or with invisible
characters in its ids. Cases are generated from a seed, so a failure can be replayed by class and index.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

REFUSE = "refuse"


@dataclass(frozen=True)
class Case:
    """One generated file and what ingesting it with ``--replace`` must do."""

    table: str
    klass: str
    name: str
    data: bytes
    options: tuple[str, ...] = ()
    expect: str | list[tuple] = REFUSE  # REFUSE, or the rows the table must hold afterwards
    warning: str | None = None  # a phrase the output must contain (store cases)


# --- the clean shop every case starts from ---------------------------------------------------------------

PRODUCTS = [
    ("Trail Running Shoes", "Running", 89.99),
    ("Crème brûlée set", "Kitchen", 24.50),
    ("Müsli jar", "Kitchen", 7.25),
    ("Dog Lead", "Pets", 12.00),
    ("Tent 4-person", "Outdoor", 1249.00),
    ("Yoga Mat", "Fitness", 35.90),
    ("Espresso machine", "Kitchen", 1499.99),
    ("Baby monitor", "Baby", 119.0),
]
NAMES = [
    "Zoë Müller",
    "José Núñez",
    "Anna Schmidt",
    "Łukasz Nowak",
    "Chloé Dubois",
    "Ben Williams",
    "Søren Kjær",
    "Ines Gonçalves",
    "Emma Brown",
    "Noah Jones",
]
TEXTS = [
    "Training for my first marathon, these shoes grip on muddy hills.",
    "The crème brûlée set is lovely, perfect for dinner parties.",
    "Dog lead is strong, my puppy pulls a lot.",
    "Tent survived a storm in Wales — très bien.",
    "Müsli jar keeps everything fresh, nice design.",
]


def base_orders(rng: random.Random, customers: int = 12, lines: int = 40) -> list[dict[str, Any]]:
    """Order lines: ids C001…, dates in 2024, a few returns, amounts = quantity × unit_price."""
    rows = []
    for number in range(lines):
        name, category, price = PRODUCTS[rng.randrange(len(PRODUCTS))]
        quantity = rng.choice([1, 1, 1, 2, 3]) * (-1 if number % 13 == 7 else 1)
        rows.append(
            {
                "order_id": f"O{1000 + number}",
                "customer_id": f"C{1 + number % customers:03d}",
                "order_date": datetime(2024, 1, 13)
                + timedelta(days=rng.randrange(160), hours=rng.randrange(24), minutes=rng.randrange(60)),
                "product_name": name,
                "category": category,
                "quantity": quantity,
                "unit_price": price,
                "amount": round(quantity * price, 2),
                "country": "Germany",
            }
        )
    return rows


def base_customers(count: int = 12) -> list[dict[str, Any]]:
    return [
        {
            "customer_id": f"C{n:03d}",
            "name": NAMES[n % len(NAMES)],
            "email": f"c{n}@example.org",
            "city": "Köln",
            "signup_date": datetime(2023, 1, 13) + timedelta(days=7 * n),
        }
        for n in range(1, count + 1)
    ]


def base_texts(count: int = 12) -> list[dict[str, Any]]:
    return [
        {
            "customer_id": f"C{n:03d}",
            "text": TEXTS[n % len(TEXTS)],
            "date": datetime(2024, 3, 13) + timedelta(days=n),
            "source": "review",
        }
        for n in range(1, count + 1)
    ]


COLUMNS = {
    "orders": [
        "order_id",
        "customer_id",
        "order_date",
        "product_name",
        "category",
        "quantity",
        "unit_price",
        "amount",
        "country",
    ],
    "customers": ["customer_id", "name", "email", "city", "signup_date"],
    "texts": ["customer_id", "text", "date", "source"],
}
DATE_FIELD = {"orders": "order_date", "customers": "signup_date", "texts": "date"}


def expected(table: str, rows: list[dict[str, Any]]) -> list[tuple]:
    """The comparable stored form of ``rows`` (what :func:`stored` reads back)."""
    if table == "orders":
        return sorted(
            (r["customer_id"], r["order_date"].strftime("%Y-%m-%d %H:%M:%S"), round(r["amount"], 2), r["product_name"])
            for r in rows
        )
    if table == "customers":
        return sorted((r["customer_id"], r["name"], r["signup_date"].strftime("%Y-%m-%d %H:%M:%S")) for r in rows)
    return sorted((r["customer_id"], r["text"]) for r in rows)


STORED_SQL = {
    "orders": "SELECT customer_id, strftime(order_date, '%Y-%m-%d %H:%M:%S'), round(amount, 2), product_name "
    "FROM orders",
    "customers": "SELECT customer_id, name, strftime(signup_date, '%Y-%m-%d %H:%M:%S') FROM customers",
    "texts": "SELECT customer_id, text FROM texts",
}


# --- writing a table in some dialect ----------------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    """How a file spells the same rows."""

    delimiter: str = ","
    decimal: str = "."
    thousands: str = ""
    currency: str = ""
    negative: str = "-"  # "-", "()" or "trailing"
    date_format: str = "%Y-%m-%d %H:%M:%S"
    encoding: str = "utf-8"
    newline: str = "\n"
    headers: dict[str, str] = field(default_factory=dict)
    quote_all: bool = False
    columns: tuple[str, ...] | None = None


def number_text(value: float, dialect: Dialect, decimals: int = 2) -> str:
    text = f"{abs(value):,.{decimals}f}".replace(",", "\0")
    text = text.replace(".", dialect.decimal).replace("\0", dialect.thousands)
    text = (
        f"{dialect.currency}{text}"
        if dialect.currency and not dialect.currency.startswith(" ")
        else (f"{text}{dialect.currency}" if dialect.currency else text)
    )
    if value < 0:
        text = {"-": f"-{text}", "()": f"({text})", "trailing": f"{text}-"}[dialect.negative]
    return text


def cell(name: str, value: Any, dialect: Dialect) -> str:
    if isinstance(value, datetime):
        return value.strftime(dialect.date_format)
    if name in ("amount", "unit_price") and isinstance(value, float | int):
        return number_text(float(value), dialect)
    return str(value)


def render(table: str, rows: list[dict[str, Any]], dialect: Dialect = Dialect()) -> bytes:
    """``rows`` as a delimited file in ``dialect``."""
    columns = list(dialect.columns or COLUMNS[table])
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=dialect.delimiter,
        lineterminator=dialect.newline,
        quoting=csv.QUOTE_ALL if dialect.quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerow([dialect.headers.get(c, c) for c in columns])
    for row in rows:
        writer.writerow([cell(c, row[c], dialect) for c in columns])
    text = buffer.getvalue()
    return text.encode(dialect.encoding)


def lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\n")


# --- case generators: each yields ``count`` cases of one class ------------------------------------------

Generator = Callable[[str, random.Random, int], Iterator[Case]]


def _rows(table: str, rng: random.Random) -> list[dict[str, Any]]:
    return {"orders": lambda: base_orders(rng), "customers": base_customers, "texts": base_texts}[table]()


def truncated(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """The file cut at a random byte inside a data line (a download or copy that stopped)."""
    for index in range(count):
        data = render(table, _rows(table, rng))
        header_end = data.index(b"\n") + 1
        cut = rng.randrange(header_end + 1, len(data) - 1)
        if data[cut - 1 : cut] == b"\n":
            cut += 1  # a cut exactly at a line end is a complete, shorter file: not this class
        yield Case(table, "truncated", f"{index}", data[:cut])


def short_row(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        lines = lines_of(render(table, _rows(table, rng)))
        target = rng.randrange(1, len(lines) - 1)
        fields = lines[target].split(b",")
        lines[target] = b",".join(fields[: rng.randrange(1, len(fields))])
        yield Case(table, "short row", f"{index}", b"\n".join(lines))


def extra_field(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        lines = lines_of(render(table, _rows(table, rng)))
        target = rng.randrange(1, len(lines) - 1)
        lines[target] += b"," + rng.choice([b"x", b"", b"12", b'"a,b"'])
        yield Case(table, "extra field", f"{index}", b"\n".join(lines))


def duplicate_header(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        columns = COLUMNS[table]
        original, copy = rng.sample(range(len(columns)), 2)
        headers = {columns[copy]: columns[original]}
        yield Case(table, "duplicate header", f"{index}", render(table, _rows(table, rng), Dialect(headers=headers)))


def _one_value(table: str, rng: random.Random, field_name: str, value: str, dialect: Dialect = Dialect()) -> bytes:
    """The clean file with one cell of ``field_name`` replaced by ``value`` (quoted as needed)."""
    rows = _rows(table, rng)
    columns = list(dialect.columns or COLUMNS[table])
    target = rng.randrange(len(rows))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\n")
    writer.writerow(columns)
    for number, row in enumerate(rows):
        writer.writerow([value if number == target and c == field_name else cell(c, row[c], dialect) for c in columns])
    return buffer.getvalue().encode("utf-8")


def mixed_decimal(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """One amount with a decimal comma (or space thousands) in a column of decimal points."""
    values = ["12,50", "3,5", "1.234,56", "12 345,67", "12\u00a0345,67", "12\u202f345,67", "0,99", "99,9"]
    for index in range(count):
        yield Case(table, "mixed decimal marks", f"{index}", _one_value(table, rng, "amount", rng.choice(values)))


def implausible_amount(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    values = [
        "1e10",
        "1e15",
        "1e308",
        "1e309",
        "-1e12",
        "inf",
        "-inf",
        "nan",
        "NaN",
        "1000000000.01",
        "99999999999999999999",
        "Infinity",
    ]
    for index in range(count):
        yield Case(
            table,
            "implausible amount",
            f"{index}",
            _one_value(table, rng, rng.choice(["amount", "unit_price"]), rng.choice(values)),
        )


def overflow_product(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """quantity × unit_price with no amount column, where the product is not a plausible order line."""
    dialect = Dialect(columns=("customer_id", "order_date", "quantity", "unit_price"))
    pairs = [("1e200", "1e200"), ("1e6", "1e6"), ("100000", "100000"), ("1e308", "10"), ("-1e160", "1e160")]
    for index in range(count):
        quantity, price = rng.choice(pairs)
        rows = base_orders(rng)
        target = rng.randrange(len(rows))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(dialect.columns)
        for number, row in enumerate(rows):
            values = (quantity, price) if number == target else (row["quantity"], row["unit_price"])
            writer.writerow([row["customer_id"], row["order_date"].strftime("%Y-%m-%d"), *values])
        yield Case(table, "overflowing quantity × price", f"{index}", buffer.getvalue().encode())


def implausible_date(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    future = (datetime.now() + timedelta(days=40)).strftime("%Y-%m-%d")
    values = [
        "9999-12-31",
        "0001-01-01",
        "1900-01-01",
        "1969-12-31",
        "-0001-01-05",
        "2999-01-01",
        future,
        "10000-01-01",
        "0000-01-01",
    ]
    for index in range(count):
        yield Case(table, "implausible date", f"{index}", _one_value(table, rng, DATE_FIELD[table], rng.choice(values)))


def bad_date(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    values = ["2024-13-45", "soon", "31/02/2024", "2024-02-30", "yesterday", "2024-1-1-1", "[/x]", "=NOW()"]
    for index in range(count):
        yield Case(table, "unparseable date", f"{index}", _one_value(table, rng, DATE_FIELD[table], rng.choice(values)))


def ambiguous_dates(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """Every date has day and month ≤ 12: refused without --date-format, stored exactly with it."""
    for index in range(count):
        rows = _rows(table, rng)
        for row in rows:
            row[DATE_FIELD[table]] = datetime(2024, rng.randrange(1, 13), rng.randrange(1, 13))
        fmt = rng.choice(["%d/%m/%Y", "%m/%d/%Y"])
        data = render(table, rows, Dialect(date_format=fmt))
        if index % 2:
            yield Case(
                table,
                "ambiguous day/month, --date-format given",
                f"{index}",
                data,
                ("--date-format", fmt),
                expected(table, rows),
            )
        else:
            yield Case(table, "ambiguous day/month", f"{index}", data)


def mixed_encoding(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """A UTF-8 file with one line pasted in Windows-1252."""
    for index in range(count):
        lines = lines_of(render(table, _rows(table, rng)))
        target = rng.randrange(1, len(lines) - 1)
        lines[target] = lines[target].decode("utf-8").replace("C0", "Ç0").encode("cp1252", "replace") + "é".encode(
            "cp1252"
        )
        yield Case(table, "mixed encodings", f"{index}", b"\n".join(lines))


def binary(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        data = bytearray(render(table, _rows(table, rng)))
        start = rng.randrange(len(data))
        data[start:start] = rng.randbytes(rng.randrange(8, 200)) + b"\x00"
        yield Case(table, "binary bytes", f"{index}", bytes(data))


def corrupt_gzip(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        packed = bytearray(gzip.compress(render(table, _rows(table, rng))))
        if index % 2:
            packed = packed[: rng.randrange(12, len(packed) - 8)]
        else:
            position = rng.randrange(12, len(packed) - 8)
            packed[position] ^= 0xFF
        yield Case(table, "corrupt gzip", f"{index}.csv.gz", bytes(packed))


def wide_header(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        width = rng.choice([1001, 5000, 20000, 100000])
        header = ",".join(COLUMNS[table] + [f"x{n}" for n in range(width)])
        row = ",".join(["C001", "2024-02-01"] + ["1"] * (width + len(COLUMNS[table]) - 2))
        yield Case(table, "very wide header", f"{index}", f"{header}\n{row}\n".encode())


def unbalanced_quote(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        lines = lines_of(render(table, _rows(table, rng)))
        target = rng.randrange(1, len(lines) - 1)
        fields = lines[target].split(b",")
        fields[-1] = b'"' + fields[-1]
        lines[target] = b",".join(fields)
        yield Case(table, "unbalanced quote", f"{index}", b"\n".join(lines))


def missing_required(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    required = {
        "orders": ["customer_id", "order_date", "amount"],
        "customers": ["customer_id"],
        "texts": ["customer_id", "text"],
    }[table]
    for index in range(count):
        gone = rng.sample(required, rng.randrange(1, len(required) + 1))
        headers = {
            name: rng.choice(["Feld", "col_9", "???", "Spalte 3", "[bold]x"]) + str(n) for n, name in enumerate(gone)
        }
        if table == "orders":
            headers.update({"quantity": "q_x", "unit_price": "p_x"})  # no quantity × price fallback either
        yield Case(
            table, "required column missing", f"{index}", render(table, _rows(table, rng), Dialect(headers=headers))
        )


def odd_number(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """Control characters, markup, formulas and words where a number belongs."""
    values = [
        "10\r5",
        "12\t5",
        "[bold]12",
        "=1+2",
        "<b>5</b>",
        "12abc",
        "--5",
        "(5",
        "1.2.3",
        "five",
        "0x1F",
        "12,34,5",
        "€",
        "",
        "1e",
        "1 2",
    ]
    for index in range(count):
        value = rng.choice(values)
        yield Case(table, "not a number", f"{index}", _one_value(table, rng, "amount", value))


def empty_files(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    header = ",".join(COLUMNS[table]).encode()
    options = [
        b"",
        b"\n\n \n",
        header,
        header + b"\n",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b" ",
        b"PK\x03\x04" + b"\0" * 40,
        b"\xd0\xcf\x11\xe0" + b"\0" * 40,
    ]
    for index in range(count):
        yield Case(table, "empty or not a table", f"{index}", options[index % len(options)])


def no_ids(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    for index in range(count):
        rows = _rows(table, rng)
        for row in rows:
            row["customer_id"] = rng.choice(["", " ", "NULL", "nan", "\u200b", "\ufeff"])
        yield Case(table, "no customer ids", f"{index}", render(table, rows))


def parquet_bad(table: str, rng: random.Random, count: int) -> Iterator[Case]:
    """Parquet whose customer_id is a list, map, struct, boolean or binary column — or a damaged file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = ["list", "bool", "map", "struct", "binary", "truncated", "duplicate"]
    for index in range(count):
        rows = _rows(table, rng)
        columns = {c: [cell(c, r[c], Dialect()) for r in rows] for c in COLUMNS[table]}
        kind = kinds[index % len(kinds)]
        arrays = {c: pa.array(v) for c, v in columns.items()}
        if kind == "list":
            arrays["customer_id"] = pa.array([[n, n + 1] for n in range(len(rows))])
        elif kind == "bool":
            arrays["customer_id"] = pa.array([n % 2 == 0 for n in range(len(rows))])
        elif kind == "map":
            arrays["customer_id"] = pa.array(
                [[("k", n)] for n in range(len(rows))], type=pa.map_(pa.string(), pa.int64())
            )
        elif kind == "struct":
            arrays["customer_id"] = pa.array([{"id": n} for n in range(len(rows))])
        elif kind == "binary":
            arrays["customer_id"] = pa.array([bytes([0xFF, n % 256, 0]) for n in range(len(rows))], pa.binary())
        names = list(arrays)
        values = list(arrays.values())
        if kind == "duplicate":
            names.append(names[0])
            values.append(values[0])
        buffer = io.BytesIO()
        pq.write_table(pa.Table.from_arrays(values, names=names), buffer)
        data = buffer.getvalue()
        if kind == "truncated":
            data = data[: rng.randrange(8, len(data) - 8)]
        yield Case(table, f"parquet: bad id column or damaged ({kind})", f"{index}.parquet", data)
