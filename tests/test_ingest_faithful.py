"""Faithful parsing (issue 13): what a file says is what is stored — or the ingest says, with the row, why not.

Each test writes the shape a real export takes (a decimal comma in one row, a cut download, a Latin-1 byte
in a UTF-8 file, an order dated 9999-12-31…) and checks the stored values or the one-sentence refusal.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from shop_builders import error_message, run_cli, workspace_snapshot, write_rows, write_text

from tools.errors import UserError
from tools.ingest.load import ingest_file
from tools.runtime.shop import Shop

HEADER = ("customer_id", "order_date", "amount")


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    with Shop(tmp_path / "ws", create=True) as opened:
        yield opened


def stored(shop: Shop, sql: str) -> list[tuple]:
    with shop.reading() as con:
        return con.execute(sql).fetchall()


def refused(shop: Shop, path: Path, *phrases: str, **options: object) -> str:
    """Ingest must raise a UserError containing every phrase; returns the message."""
    with pytest.raises(UserError) as caught:
        ingest_file(shop, "orders", path, **options)
    message = str(caught.value)
    for phrase in phrases:
        assert phrase in message, message
    return message


# ---------------------------------------------------------------- numbers: one format per column


@pytest.mark.parametrize(("values", "first", "second"), [
    (("1,234.50", "12,50", "3.5"), "'1,234.50' (row 2)", "'12,50' (row 3)"),
    (("11.99", "12 345,67"), "'11.99' (row 2)", "'12 345,67' (row 3)"),
    (("11.99", "12\u202f345,67"), "'11.99' (row 2)", "'12\u202f345,67' (row 3)"),
])
def test_a_column_mixing_decimal_marks_is_refused(values: tuple[str, ...], first: str, second: str, shop: Shop,
                                                  tmp_path: Path) -> None:
    rows = [(f"c{n}", "2024-01-05", f'"{value}"') for n, value in enumerate(values)]
    path = write_rows(tmp_path, "orders.csv", rows, HEADER)

    refused(shop, path, "mixes number formats", "column 'amount'", first, second, "one format")
    assert not shop.exists()


@pytest.mark.parametrize(("delimiter", "cells", "amounts"), [
    (";", ("12,50", "1.234,56", "12 345,67", "0,5"), [12.5, 1234.56, 12345.67, 0.5]),
    (";", ("12\u202f345,67", "1\u00a0000", "3"), [12345.67, 1000.0, 3.0]),
    (",", ('"1,234.50"', '"1,000,000"', "3.5"), [1234.5, 1_000_000.0, 3.5]),
    (",", ("£12.50", "(4.00)", "12.50-", '"1\'234.50"'), [12.5, -4.0, -12.5, 1234.5]),
])
def test_number_formats_are_read_per_column(delimiter: str, cells: tuple[str, ...], amounts: list[float],
                                            shop: Shop, tmp_path: Path) -> None:
    rows = [(f"c{n}", "2024-01-05", cell) for n, cell in enumerate(cells)]
    ingest_file(shop, "orders", write_rows(tmp_path, "orders.csv", rows, HEADER, delimiter))

    assert [a for (a,) in stored(shop, "SELECT amount FROM orders ORDER BY customer_id")] == amounts


def test_another_column_settles_an_ambiguous_one(shop: Shop, tmp_path: Path) -> None:
    # "1.234" alone could be 1.234 or 1234; the unit prices ("12,50") show this file uses decimal commas
    rows = [("c1", "2024-01-05", "1.234", "12,50"), ("c2", "2024-01-06", "2", "3,10")]
    ingest_file(shop, "orders", write_rows(tmp_path, "orders.csv", rows, ("customer_id", "order_date", "quantity",
                                                                          "unit_price"), ";"))

    assert stored(shop, "SELECT quantity FROM orders ORDER BY customer_id") == [(1234.0,), (2.0,)]


def test_an_ambiguous_column_is_read_with_a_point_and_says_so(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "2024-01-05", "1.234"), ("c2", "2024-01-06", "2.500")]
    report = ingest_file(shop, "orders", write_rows(tmp_path, "orders.csv", rows, HEADER))

    assert stored(shop, "SELECT amount FROM orders ORDER BY customer_id") == [(1.234,), (2.5,)]
    assert any("decimal_mark" in warning and "'1.234'" in warning for warning in report.warnings)


def test_decimal_mark_setting_settles_ambiguous_columns(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "segment-agent.toml").write_text('[ingest]\ndecimal_mark = ","\n')
    rows = [("c1", "2024-01-05", "1.234"), ("c2", "2024-01-06", "2.500")]
    with Shop(workspace, create=True) as shop:
        ingest_file(shop, "orders", write_rows(tmp_path, "orders.csv", rows, HEADER))
        assert stored(shop, "SELECT sum(amount) FROM orders") == [(3734.0,)]


@pytest.mark.parametrize("value", ["1e15", "1e308", "-1e12", "1000000000.5"])
def test_implausible_amounts_are_refused_with_row_and_value(value: str, shop: Shop, tmp_path: Path) -> None:
    path = write_rows(tmp_path, "orders.csv", [("c1", "2024-01-05", "3"), ("c2", "2024-01-06", value)], HEADER)

    refused(shop, path, "row 3", f"'{value}'", "column 'amount'", "not a plausible value", "max_abs_amount")


def test_quantity_times_price_that_overflows_is_refused(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "2024-01-05", "2", "3.5"), ("c2", "2024-01-06", "1e6", "1e6")]
    path = write_rows(tmp_path, "orders.csv", rows, ("customer_id", "order_date", "quantity", "unit_price"))

    refused(shop, path, "row 3", "1e+06 × 1e+06", "not a plausible value")


def test_the_amount_bound_is_configurable(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "segment-agent.toml").write_text("[ingest]\nmax_abs_amount = 1e13\n")
    rows = [("c1", "2024-01-05", "3"), ("c2", "2024-01-06", "2e12")]
    with Shop(workspace, create=True) as shop:
        assert ingest_file(shop, "orders", write_rows(tmp_path, "o.csv", rows, HEADER)).net_amount == 2e12 + 3


# ---------------------------------------------------------------- dates: plausible, unambiguous


@pytest.mark.parametrize(("value", "side", "setting"), [
    ("9999-12-31", "after", "max_days_ahead"), ("0001-01-01", "before 1970-01-01", "earliest_date"),
    ("-0001-01-05", "before 1970-01-01", "earliest_date"), ("1969-12-31", "before", "earliest_date"),
])
def test_implausible_dates_are_refused_before_anything_is_written(value: str, side: str, setting: str,
                                                                  tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    good = write_rows(tmp_path, "good.csv", [("c1", "2024-01-05", "3")], HEADER)
    assert run_cli(workspace, "ingest", "orders", str(good)).exit_code == 0
    before = workspace_snapshot(workspace)
    bad = write_rows(tmp_path, "bad.csv", [("c1", "2024-01-05", "3"), ("c2", value, "4")], HEADER)

    result = run_cli(workspace, "ingest", "orders", str(bad), "--replace")

    assert result.exit_code == 1, result.output
    assert all(phrase in error_message(result) for phrase in ("row 3", f"'{value}'", side, setting))
    assert workspace_snapshot(workspace) == before


def test_the_clock_decides_what_tomorrow_is(tmp_path: Path) -> None:
    from datetime import datetime

    from tools.runtime.shop import Providers

    rows = [("c1", "2030-06-01", "3")]
    with Shop(tmp_path / "ws", providers=Providers(clock=lambda: datetime(2030, 6, 1, 12)), create=True) as shop:
        assert ingest_file(shop, "orders", write_rows(tmp_path, "o.csv", rows, HEADER)).first_date == "2030-06-01"
    with Shop(tmp_path / "ws2", providers=Providers(clock=lambda: datetime(2030, 5, 1)), create=True) as shop:
        refused(shop, write_rows(tmp_path, "o2.csv", rows, HEADER), "'2030-06-01'", "after 2030-05-02")


def test_day_month_ambiguity_is_refused_until_a_format_is_given(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "01/02/2025", "3"), ("c2", "07/08/2025", "4")]
    path = write_rows(tmp_path, "orders.csv", rows, HEADER)

    refused(shop, path, "day-first and month-first", "'01/02/2025'", "--date-format %d/%m/%Y",
            "--date-format %m/%d/%Y")
    report = ingest_file(shop, "orders", path, date_format="%m/%d/%Y")
    assert (report.first_date, report.last_date) == ("2025-01-02", "2025-07-08")


def test_a_day_above_twelve_settles_the_order(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "01/02/2025", "3"), ("c2", "25/08/2025", "4")]
    report = ingest_file(shop, "orders", write_rows(tmp_path, "orders.csv", rows, HEADER))
    assert (report.first_date, report.last_date) == ("2025-02-01", "2025-08-25")


# ---------------------------------------------------------------- rows and headers pandas would repair


def test_a_cut_last_row_is_refused(shop: Shop, tmp_path: Path) -> None:
    path = write_text(tmp_path, "orders.csv", "customer_id,order_date,amount\nc1,2024-01-05,12.50\nc2,2024-01-06,1")

    refused(shop, path, "ends without a line break", "row 3", "'c2,2024-01-06,1'", "cut off")


def test_a_short_row_is_refused_with_its_row_number(shop: Shop, tmp_path: Path) -> None:
    text = "customer_id,order_date,amount,note\nc1,2024-01-05,12.50,\nc2,2024-01-06,3\nc3,2024-01-07,4,x\n"
    refused(shop, write_text(tmp_path, "orders.csv", text), "row 3 has 3 fields but the header has 4")


def test_duplicate_header_names_are_refused(shop: Shop, tmp_path: Path) -> None:
    path = write_text(tmp_path, "orders.csv", "customer_id,order_date,amount,customer_id\nc1,2024-01-05,3,c9\n")
    refused(shop, path, "two columns named 'customer_id'", "columns 1 and 4")


def test_two_columns_that_both_fit_a_field_are_refused(shop: Shop, tmp_path: Path) -> None:
    path = write_text(tmp_path, "orders.csv", "Customer ID,customer_id,order_date,amount\nc1,c2,2024-01-05,3\n")
    refused(shop, path, "2 columns that could be customer_id", "--map customer_id=")


def test_a_carriage_return_inside_a_number_is_shown_escaped(shop: Shop, tmp_path: Path) -> None:
    path = write_text(tmp_path, "orders.csv", 'customer_id,order_date,amount\nc1,2024-01-05,"10\r5"\n')
    refused(shop, path, "'10\\r5'", "not a number")


def test_a_header_of_100000_columns_is_refused_before_parsing(shop: Shop, tmp_path: Path) -> None:
    header = "customer_id,order_date,amount," + ",".join(f"x{n}" for n in range(100_000))
    path = write_text(tmp_path, "wide.csv", header + "\nc1,2024-01-05,3\n")
    refused(shop, path, "about 100,003 columns", "max_columns")


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(("encoding", "names"), [
    ("cp1252", ("Müller & Zoë", "Crème brûlée €5")), ("latin-1", ("Ångström", "Smørrebrød")),
    ("utf-16", ("Łukasz Nowak", "東京")), ("utf-8-sig", ("José", "Zoë")),
    ("shift_jis", ("山田太郎 東京都", "ランニングシューズ 木製まな板")),
    ("gb18030", ("张伟 北京市", "跑步鞋 推荐给朋友")),
    ("cp1251", ("Иван Петров из Москвы", "Кроссовки для бега и поводок для собаки")),
])
def test_encodings_are_detected_and_stored_exactly(encoding: str, names: tuple[str, str], shop: Shop,
                                                   tmp_path: Path) -> None:
    rows = [("c1", "2024-01-05", "3", names[0]), ("c2", "2024-01-06", "4", names[1])]
    path = write_rows(tmp_path, "orders.csv", rows, (*HEADER, "product_name"), encoding=encoding)

    report = ingest_file(shop, "orders", path)

    assert stored(shop, "SELECT product_name FROM orders ORDER BY customer_id") == [(names[0],), (names[1],)]
    assert codecs.lookup(report.encoding)  # the report names a real codec (cp932 for Shift-JIS, cp1252 for Latin-1)


def test_one_foreign_byte_in_a_utf8_file_is_refused_not_decoded_as_cp1252(shop: Shop, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes("customer_id,order_date,amount,name\nc1,2024-01-05,3,Müller\n".encode()
                     + b"c2,2024-01-06,4,Caf\xe9\n")

    refused(shop, path, "UTF-8 except for line 3", "save the whole file again as UTF-8")


def test_the_encoding_setting_overrides_detection(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "segment-agent.toml").write_text('[ingest]\nencoding = "cp1251"\n')
    path = write_rows(tmp_path, "o.csv", [("c1", "2024-01-05", "3", "Жук")], (*HEADER, "product_name"),
                      encoding="cp1251")
    with Shop(workspace, create=True) as shop:
        ingest_file(shop, "orders", path)
        assert stored(shop, "SELECT product_name FROM orders") == [("Жук",)]


# ---------------------------------------------------------------- ids, Parquet types, matching


def test_ids_lose_invisible_characters(shop: Shop, tmp_path: Path) -> None:
    rows = [("\ufeffC-17", "2024-01-05", "3"), ("C-17\u200b", "2024-01-06", "4"), ("C\u200d-18", "2024-01-07", "5")]
    report = ingest_file(shop, "orders", write_rows(tmp_path, "orders.csv", rows, HEADER))

    assert report.customers == 2
    assert stored(shop, "SELECT DISTINCT customer_id FROM orders ORDER BY 1") == [("C-17",), ("C-18",)]


@pytest.mark.parametrize("kind", ["list", "bool", "map", "struct", "binary"])
def test_parquet_ids_that_are_not_ids_are_refused(kind: str, shop: Shop, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    ids = {"list": pa.array([[1, 2], [3]]), "bool": pa.array([True, False]),
           "map": pa.array([[("k", 1)], []], type=pa.map_(pa.string(), pa.int64())),
           "struct": pa.array([{"id": 1}, {"id": 2}]), "binary": pa.array([b"\xff\x00", b"\xfe"], pa.binary())}[kind]
    table = pa.table({"customer_id": ids, "order_date": ["2024-01-05", "2024-01-06"], "amount": [1.0, 2.0]})
    pq.write_table(table, tmp_path / "orders.parquet")

    refused(shop, tmp_path / "orders.parquet", "column 'customer_id'", "not ids")


def test_parquet_text_in_binary_columns_and_far_timestamps(shop: Shop, tmp_path: Path) -> None:
    from datetime import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"customer_id": pa.array([b"c1", b"c2"], pa.binary()),
                      "order_date": pa.array([datetime(2024, 1, 5), datetime(2024, 1, 6)], pa.timestamp("ms")),
                      "amount": pa.array([1.5, 2.0]), "tags": pa.array([["a"], ["b", "c"]])})
    pq.write_table(table, tmp_path / "orders.parquet")
    ingest_file(shop, "orders", tmp_path / "orders.parquet")
    assert stored(shop, "SELECT customer_id, attributes FROM orders ORDER BY 1") == [
        ("c1", '{"tags":"[\\"a\\"]"}'), ("c2", '{"tags":"[\\"b\\", \\"c\\"]"}')]

    far = pa.table({"customer_id": ["c1"], "order_date": pa.array([datetime(9999, 12, 31)], pa.timestamp("ms")),
                    "amount": [1.0]})
    pq.write_table(far, tmp_path / "far.parquet")
    refused(shop, tmp_path / "far.parquet", "'9999-12-31 00:00:00", "outside the plausible range", mode="replace")


def test_texts_report_how_many_ids_match_order_customers(shop: Shop, tmp_path: Path) -> None:
    ingest_file(shop, "orders", write_rows(tmp_path, "o.csv", [("c1", "2024-01-05", "3"), ("c2", "2024-01-06", "4")],
                                           HEADER))
    texts = write_rows(tmp_path, "t.csv", [("c1", "Lovely mug"), ("x9", "Great tea")], ("customer_id", "text"))
    report = ingest_file(shop, "texts", texts)
    assert report.matched_customers == 1
    assert any("1 of 2 customers in t.csv match" in warning for warning in report.warnings)

    other = write_rows(tmp_path, "t2.csv", [("X-1", "Lovely"), ("X-2", "Great")], ("customer_id", "text"))
    report = ingest_file(shop, "texts", other, mode="replace")
    assert report.matched_customers == 0 and any("None of the 2 customers" in w for w in report.warnings)


# ---------------------------------------------------------------- mapping suggestions


def test_german_headers_map_themselves(shop: Shop, tmp_path: Path) -> None:
    rows = [("K1", "B1", "05.01.2024", "12,50"), ("K2", "B2", "06.01.2024", "3,00")]
    header = ("Kundennummer", "Bestellnummer", "Bestelldatum", "Gesamtbetrag")
    report = ingest_file(shop, "orders", write_rows(tmp_path, "de.csv", rows, header, ";"))

    assert report.mapping == {"customer_id": "Kundennummer", "order_date": "Bestelldatum", "amount": "Gesamtbetrag",
                              "order_id": "Bestellnummer"}
    assert report.net_amount == 15.5


def test_every_missing_field_is_named_with_a_suggestion_by_name_and_content(shop: Shop, tmp_path: Path) -> None:
    rows = [("K1", "B1", "05.01.2024", "12,50"), ("K1", "B2", "06.01.2024", "3,00")]
    path = write_rows(tmp_path, "de.csv", rows, ("Kd", "Bestellnummer", "Tag", "Summe (EUR)"), ";")

    message = refused(shop, path, "no column for customer_id, order_date or amount")
    assert '--map customer_id="Kd"' in message and '--map order_date="Tag"' in message
    assert '--map amount="Summe (EUR)"' in message and "Bestellnummer" not in message.split("likeliest")[1]
    assert "values look like dates" in message


# ---------------------------------------------------------------- messages: plain, capped, truthful


def test_values_that_look_like_markup_are_shown_as_typed(tmp_path: Path) -> None:
    folder = tmp_path / "d[/x]"
    folder.mkdir(parents=True)
    path = write_rows(folder, "o[bold]x.csv", [("c1", "2024-01-05", "[bold]12")], HEADER)

    result = run_cli(tmp_path / "ws", "ingest", "orders", str(path))

    assert result.exit_code == 1
    assert "'[bold]12'" in result.stderr and "d[/x]/o[bold]x.csv" in error_message(result)


def test_a_valid_file_under_a_markup_path_loads_and_reports(tmp_path: Path) -> None:
    folder = tmp_path / "d[/x]"
    folder.mkdir(parents=True)
    path = write_rows(folder, "[red]o.csv", [("c1", "2024-01-05", "12"), ("c2", "2024-01-06", "3")], HEADER)

    result = run_cli(tmp_path / "ws", "ingest", "orders", str(path), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["steps"][0]["data"]["rows_kept"] == 2


def test_huge_errors_are_capped(tmp_path: Path) -> None:
    columns = ",".join(f"column_with_a_long_name_{n}" for n in range(900))
    path = write_text(tmp_path, "orders.csv", f"{columns}\n" + ",".join(["1"] * 900) + "\n")

    result = run_cli(tmp_path / "ws", "ingest", "orders", str(path))

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.stderr) < 1300 and "and 880 more" in error_message(result)
