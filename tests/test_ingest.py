"""Ingest: files in the shapes shops really export, mapped onto the canonical schema, with the §3 rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shop_builders import (
    GOOD_ORDERS,
    good_orders,
    query,
    run_cli,
    workspace_snapshot,
    write_rows,
    write_text,
)
from typer.testing import Result

from tools.ingest.load import ingest_file
from tools.runtime.shop import Shop


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    """A shop on a fresh workspace that the test's ingests create."""
    with Shop(tmp_path / "ws", create=True) as opened:
        yield opened


def select(shop: Shop, sql: str) -> list[tuple]:
    """Rows of ``sql`` on the shop's current snapshot."""
    with shop.reading() as con:
        return con.execute(sql).fetchall()


def answer_data(result: Result) -> dict:
    """The ingest report inside a command's ``--json`` answer object."""
    answer = json.loads(result.stdout)
    assert [step["tool"] for step in answer["steps"]] == ["ingest"], answer
    return answer["steps"][0]["data"]

# ---------------------------------------------------------------- detection: delimiters, encodings, formats


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_detected(delimiter: str, shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "2024-01-05", "10.00", "Blue mug"), ("c2", "2024-01-06", "20.50", "Tea for two")]
    path = write_rows(tmp_path, "orders.txt", rows, ("customer_id", "order_date", "amount", "product_name"),
                      delimiter)

    report = ingest_file(shop, "orders", path)

    assert (report.rows_kept, report.customers, report.net_amount) == (2, 2, 30.5)
    assert select(shop, "SELECT product_name FROM orders ORDER BY customer_id") == [
        ("Blue mug",), ("Tea for two",)]


def test_quoted_fields_may_contain_the_delimiter_and_quotes(shop: Shop, tmp_path: Path) -> None:
    text = ('customer_id,order_date,amount,product_name\n'
            'c1,2024-01-05,"1,234.50","Mug, blue ""large"""\n'
            'c2,2024-01-06,3,"Line one; line two"\n')
    report = ingest_file(shop, "orders", write_text(tmp_path, "orders.csv", text))

    assert report.net_amount == 1237.5
    assert select(shop, "SELECT product_name FROM orders ORDER BY customer_id") == [
        ('Mug, blue "large"',), ("Line one; line two",)]


def test_utf8_bom_does_not_stick_to_the_first_column(shop: Shop, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes("customer_id,order_date,amount\nc1,2024-01-05,10\n".encode("utf-8-sig"))

    report = ingest_file(shop, "orders", path)

    assert report.mapping["customer_id"] == "customer_id"
    assert report.encoding == "utf-8-sig"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_windows_and_latin1_text_is_decoded(encoding: str, shop: Shop, tmp_path: Path) -> None:
    rows = [("Müller", "2024-01-05", "£12.50", "café crème"), ("Zoë", "2024-01-06", "3", "£5 voucher")]
    path = write_rows(tmp_path, "orders.csv", rows, ("customer_id", "order_date", "amount", "product_name"),
                      ";", encoding)

    report = ingest_file(shop, "orders", path)

    assert report.net_amount == 15.5
    assert select(shop, "SELECT customer_id, product_name FROM orders ORDER BY amount") == [
        ("Zoë", "£5 voucher"), ("Müller", "café crème")]


def test_utf16_excel_export_is_read(shop: Shop, tmp_path: Path) -> None:
    path = tmp_path / "orders.txt"
    path.write_bytes("customer_id\torder_date\tamount\nMüller\t2024-01-05\t7\n".encode("utf-16"))

    report = ingest_file(shop, "orders", path)

    assert (report.rows_kept, report.net_amount) == (1, 7.0)


def test_gzipped_csv_is_read(shop: Shop, tmp_path: Path) -> None:
    plain = good_orders(tmp_path)
    gzipped = write_text(tmp_path, "orders.csv.gz", plain.read_text())

    report = ingest_file(shop, "orders", gzipped)

    assert (report.rows_kept, report.customers, report.net_amount) == (3, 2, 35.75)


def test_european_decimal_commas_are_read_as_decimals(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "05.01.2024", "12,50"), ("c2", "06.01.2024", "1.234,56"), ("c3", "07.01.2024", "7")]
    report = ingest_file(shop, "orders", write_rows(tmp_path, "orders.csv", rows, delimiter=";"))

    assert report.net_amount == 1254.06
    assert (report.first_date, report.last_date) == ("2024-01-05", "2024-01-07")


@settings(max_examples=60, deadline=None)
@given(cents=st.lists(st.integers(-10**9, 10**9), min_size=1, max_size=8), european=st.booleans(),
       symbol=st.sampled_from(["", "£", "€ ", "$"]))
def test_formatted_amounts_parse_to_the_same_numbers(cents: list[int], european: bool, symbol: str) -> None:
    import pandas as pd

    from tools.ingest.parsing import Column, parse_numbers

    def formatted(value: int) -> str:
        text = f"{abs(value) / 100:,.2f}"
        if european:
            text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return f"{'-' if value < 0 else ''}{symbol}{text}"

    values = pd.Series([formatted(value) for value in cents], dtype="str")
    parsed = parse_numbers(values, Column("orders.csv", "amount", 2))
    assert parsed.round(2).tolist() == [value / 100 for value in cents]


def test_parquet_round_trip(shop: Shop, tmp_path: Path) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.DataFrame({
        "customer_id": [17850, 13047, 17850],
        "order_date": [pd.Timestamp("2024-01-05 10:30"), pd.Timestamp("2024-01-06"), pd.Timestamp("2024-02-01")],
        "amount": [10.0, -2.5, 5.25],
        "product_name": ["Mug", None, "Crème brûlée set"],
        "loyalty_tier": ["gold", "silver", "gold"],
    })
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.Table.from_pandas(frame), path)

    report = ingest_file(shop, "orders", path)

    assert (report.rows_read, report.customers, report.returns, report.net_amount) == (3, 2, 1, 12.75)
    stored = select(shop, "SELECT customer_id, order_date, amount, product_name, attributes "
                                    "FROM orders ORDER BY order_date")
    assert [row[:4] for row in stored] == [
        ("17850", pd.Timestamp("2024-01-05 10:30"), 10.0, "Mug"),
        ("13047", pd.Timestamp("2024-01-06"), -2.5, None),
        ("17850", pd.Timestamp("2024-02-01"), 5.25, "Crème brûlée set"),
    ]
    assert json.loads(stored[0][4]) == {"loyalty_tier": "gold"}


def test_parquet_with_a_named_index_keeps_it_as_a_column(shop: Shop, tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"customer_id": ["a", "b"], "order_date": ["2024-01-01", "2024-01-02"],
                          "amount": [1.0, 2.0]}).set_index("customer_id")
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path)

    assert ingest_file(shop, "orders", path).customers == 2


# ---------------------------------------------------------------- mapping: presets, --map, aliases, extras

ONLINE_RETAIL_II = ("Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID",
                    "Country")


def test_online_retail_ii_layout_loads_with_explicit_maps(tmp_path: Path) -> None:
    uk = "United Kingdom"
    rows = [("536365", "85123A", "WHITE HANGING HEART", "6", "2010-12-01 08:26:00", "2.55", "17850.0", uk),
            ("536365", "71053", "WHITE METAL LANTERN", "6", "2010-12-01 08:26:00", "3.39", "17850.0", uk),
            ("C536379", "D", "Discount", "-1", "2010-12-01 09:41:00", "27.50", "14527.0", uk),
            ("536414", "22139", "", "56", "2010-12-01 11:52:00", "0.00", "", uk)]
    path = write_rows(tmp_path, "online_retail_II.csv", rows, ONLINE_RETAIL_II)

    result = run_cli(tmp_path / "ws", "ingest", "orders", str(path), "--json", "--map", 'customer_id="Customer ID"',
                     "--map", "unit_price=Price", "--map", "order_id=Invoice")

    assert result.exit_code == 0, result.output
    report = answer_data(result)
    assert report["mapping"] == {
        "customer_id": "Customer ID", "unit_price": "Price", "order_id": "Invoice", "order_date": "InvoiceDate",
        "product_id": "StockCode", "product_name": "Description", "quantity": "Quantity", "country": "Country"}
    assert (report["rows_read"], report["rows_kept"], report["skipped"]) == (4, 3, {"no customer_id": 1})
    assert (report["customers"], report["returns"], report["net_amount"]) == (2, 1, round(15.30 + 20.34 - 27.50, 2))
    assert query(tmp_path / "ws", "SELECT DISTINCT customer_id FROM orders ORDER BY 1") == [("14527",), ("17850",)]
    # The ingest refreshed features in the same write; 14527 only returned something, so has no purchase to score.
    assert (report["features"]["customers"], report["features"]["as_of"]) == (1, "2010-12-01")


def test_explicit_map_beats_a_matching_column_name(shop: Shop, tmp_path: Path) -> None:
    rows = [("web-1", "C-100", "2024-01-05", "10")]
    path = write_rows(tmp_path, "orders.csv", rows, ("customer_id", "account", "order_date", "amount"))

    report = ingest_file(shop, "orders", path, map_pairs=["customer_id=account"])

    assert report.mapping["customer_id"] == "account"
    assert select(shop, "SELECT customer_id, attributes FROM orders") == [
        ("C-100", '{"customer_id":"web-1"}')]


def test_extra_columns_are_kept_as_attributes(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "2024-01-05", "10", "gold", "app"), ("c2", "2024-01-06", "4", "", "web")]
    path = write_rows(tmp_path, "orders.csv", rows, ("customer_id", "order_date", "amount", "tier", "channel"))

    ingest_file(shop, "orders", path)

    attributes = [json.loads(row[0]) for row in select(shop, "SELECT attributes FROM orders ORDER BY customer_id")]
    assert attributes == [{"tier": "gold", "channel": "app"}, {"tier": "", "channel": "web"}]


def test_common_column_names_map_themselves(shop: Shop, tmp_path: Path) -> None:
    rows = [("17850", "13/12/2010", "2", "3.50", "SKU-1")]
    path = write_rows(tmp_path, "orders.csv", rows, ("Customer ID", "Order Date", "Qty", "Unit Price", "SKU"))

    report = ingest_file(shop, "orders", path)

    assert report.mapping == {"customer_id": "Customer ID", "order_date": "Order Date", "product_id": "SKU",
                              "quantity": "Qty", "unit_price": "Unit Price"}
    assert (report.net_amount, report.first_date) == (7.0, "2010-12-13")


@pytest.mark.parametrize("header", ["", " customer_id  date number_of_cds  dollar_value\n"])
def test_cdnow_preset_reads_the_whitespace_master_layout(header: str, shop: Shop, tmp_path: Path) -> None:
    text = header + (" 00001 19970101  1   11.77\n 00002 19970112  1   12.00\n 00002 19970112  5   77.00\n"
                     " 00003 19970102  2   20.76\n")
    path = write_text(tmp_path, "CDNOW_master.txt.gz", text)

    report = ingest_file(shop, "orders", path, preset="cdnow")

    assert (report.rows_read, report.customers, report.net_amount) == (4, 3, 121.53)
    assert (report.first_date, report.last_date) == ("1997-01-01", "1997-01-12")
    assert select(shop, "SELECT customer_id, quantity FROM orders ORDER BY amount DESC LIMIT 1") == [
        ("00002", 5.0)]


def test_online_retail_preset_treats_c_invoices_as_returns(shop: Shop, tmp_path: Path) -> None:
    header = ("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID",
              "Country")
    rows = [("536365", "85123A", "HEART", "6", "2010-12-01 08:26:00", "2.55", "17850.0", "United Kingdom"),
            ("C536379", "D", "Discount", "1", "2010-12-01 09:41:00", "27.50", "14527.0", "United Kingdom"),
            ("C536383", "35004C", "LANTERN", "-1", "2010-12-01 09:49:00", "4.65", "15311.0", "United Kingdom")]
    path = write_rows(tmp_path, "online_retail.csv", rows, header)

    report = ingest_file(shop, "orders", path, preset="online-retail")

    assert (report.returns, report.net_amount) == (2, round(15.30 - 27.50 - 4.65, 2))
    assert select(shop, "SELECT order_id, amount, is_return FROM orders ORDER BY order_id") == [
        ("536365", pytest.approx(15.3), False), ("C536379", -27.5, True), ("C536383", -4.65, True)]


# ---------------------------------------------------------------- rules (DESIGN §3)


def test_rows_without_customer_id_are_skipped_and_counted(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "2024-01-05", "10"), ("", "2024-01-05", "3"), ("NULL", "2024-01-06", "4"),
            ("17850.0", "2024-01-07", "2")]
    report = ingest_file(shop, "orders", write_rows(tmp_path, "orders.csv", rows))

    assert (report.rows_read, report.rows_kept, report.skipped) == (4, 2, {"no customer_id": 2})
    assert select(shop, "SELECT customer_id FROM orders ORDER BY 1") == [("17850",), ("c1",)]


def test_order_lines_of_one_order_stay_one_order(shop: Shop, tmp_path: Path) -> None:
    rows = [("o1", "c1", "2024-01-05", "2", "3.00"), ("o1", "c1", "2024-01-05", "1", "4.00"),
            ("o2", "c1", "2024-02-05", "1", "5.00")]
    path = write_rows(tmp_path, "orders.csv", rows, ("order_id", "customer_id", "order_date", "quantity",
                                                     "unit_price"))
    report = ingest_file(shop, "orders", path)

    assert (report.rows_kept, report.net_amount) == (3, 15.0)
    assert select(shop, "SELECT order_id, sum(amount) FROM orders GROUP BY 1 ORDER BY 1") == [
        ("o1", 10.0), ("o2", 5.0)]


def test_negative_amounts_are_returns_that_net_revenue(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "2024-01-05", "10"), ("c1", "2024-01-09", "-4")]
    report = ingest_file(shop, "orders", write_rows(tmp_path, "orders.csv", rows))

    assert (report.returns, report.net_amount) == (1, 6.0)


def test_duplicate_rows_are_reported(tmp_path: Path) -> None:
    rows = [("c1", "2024-01-05", "10"), ("c1", "2024-01-05", "10"), ("c2", "2024-01-05", "10")]
    result = run_cli(tmp_path / "ws", "ingest", "orders", str(write_rows(tmp_path, "orders.csv", rows)))

    assert result.exit_code == 0
    assert "duplicate rows" in result.stdout
    assert "1 rows are exact duplicates" in result.stderr


def _file_states(workspace: Path) -> dict[str, tuple[int, int]]:
    """Every file in the workspace (catalog, Parquet data, lock) with its size and modification time."""
    return {str(path.relative_to(workspace)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(workspace.rglob("*")) if path.is_file()}


def test_reingesting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    workspace, path = tmp_path / "ws", good_orders(tmp_path)
    assert run_cli(workspace, "ingest", "orders", str(path)).exit_code == 0
    before = workspace_snapshot(workspace)
    files = _file_states(workspace)
    assert "catalog.sqlite" in files

    result = run_cli(workspace, "ingest", "orders", str(path), "--json")

    assert result.exit_code == 0
    report = answer_data(result)
    assert (report["status"], report["rows_kept"], report["customers"]) == ("unchanged", 3, 2)
    assert report["features"] is None
    assert workspace_snapshot(workspace) == before
    assert _file_states(workspace) == files
    assert "nothing changed" in run_cli(workspace, "ingest", "orders", str(path)).stdout


def test_a_different_file_needs_append_or_replace(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    run_cli(workspace, "ingest", "orders", str(good_orders(tmp_path)))
    other = write_rows(tmp_path, "february.csv", [("c3", "2024-02-05", "7")])

    result = run_cli(workspace, "ingest", "orders", str(other))

    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert all(part in message for part in ("orders.csv", "february.csv", "--append", "--replace"))


def test_append_adds_and_replace_replaces(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    run_cli(workspace, "ingest", "orders", str(good_orders(tmp_path)))
    february = write_rows(tmp_path, "february.csv", [("c3", "2024-02-05", "7")])

    appended = run_cli(workspace, "ingest", "orders", str(february), "--append")
    assert appended.exit_code == 0 and appended.stdout.startswith("Appended 1 order lines")
    assert workspace_snapshot(workspace)["orders"] == len(GOOD_ORDERS) + 1
    again = run_cli(workspace, "ingest", "orders", str(february), "--append")
    assert "nothing changed" in again.stdout
    assert workspace_snapshot(workspace)["orders"] == len(GOOD_ORDERS) + 1

    replaced = run_cli(workspace, "ingest", "orders", str(february), "--replace")
    assert replaced.exit_code == 0 and replaced.stdout.startswith("Replaced with 1 order lines")
    snapshot = workspace_snapshot(workspace)
    assert (snapshot["orders"], snapshot["amount"]) == (1, 7.0)
    assert [row[-1] for row in snapshot["ingest_log"]] == [False, False, True]


def test_appending_overlapping_files_warns_about_repeated_lines(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    run_cli(workspace, "ingest", "orders", str(good_orders(tmp_path)))
    overlap = write_rows(tmp_path, "overlap.csv", [GOOD_ORDERS[-1], ("c3", "2024-02-05", "7")])

    result = run_cli(workspace, "ingest", "orders", str(overlap), "--append")

    assert result.exit_code == 0
    assert "1 order lines in overlap.csv repeat lines already loaded" in " ".join(result.stderr.split())
    assert workspace_snapshot(workspace)["orders"] == len(GOOD_ORDERS) + 2


def test_customers_append_upserts_by_customer_id(tmp_path: Path) -> None:
    workspace, header = tmp_path / "ws", ("customer_id", "name", "email", "signup_date")
    first = write_rows(tmp_path, "customers.csv", [("c1", "Ann", "ann@example.com", "2023-05-01"),
                                                   ("c2", "Bob", "", "2023-06-01")], header)
    update = write_rows(tmp_path, "update.csv", [("c2", "Robert", "rob@example.com", "2023-06-01"),
                                                 ("c3", "Cleo", "", "")], header)

    assert run_cli(workspace, "ingest", "customers", str(first)).exit_code == 0
    assert run_cli(workspace, "ingest", "customers", str(update), "--append").exit_code == 0

    assert query(workspace, "SELECT customer_id, name, email FROM customers ORDER BY 1") == [
        ("c1", "Ann", "ann@example.com"), ("c2", "Robert", "rob@example.com"), ("c3", "Cleo", None)]


def test_customers_listed_twice_keep_their_last_row(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "Ann"), ("c1", "Annie"), ("c2", "Bob")]
    report = ingest_file(shop, "customers", write_rows(tmp_path, "c.csv", rows, ("customer_id", "name")))

    assert (report.rows_kept, report.duplicates) == (2, 1)
    assert select(shop, "SELECT name FROM customers ORDER BY 1") == [("Annie",), ("Bob",)]


def test_texts_load_with_source_and_skip_empty_texts(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "Love the mugs", "2024-01-05", "Review"), ("c2", "", "2024-01-06", "ticket")]
    path = write_rows(tmp_path, "texts.csv", rows, ("customer_id", "review_text", "date", "source"))

    report = ingest_file(shop, "texts", path)

    assert (report.rows_kept, report.skipped) == (1, {"empty text": 1})
    assert select(shop, "SELECT text, source FROM texts") == [("Love the mugs", "review")]


def test_explicit_date_format_decides_ambiguous_dates(shop: Shop, tmp_path: Path) -> None:
    rows = [("c1", "01/02/2024", "1"), ("c2", "03/04/2024", "1")]
    path = write_rows(tmp_path, "orders.csv", rows)

    report = ingest_file(shop, "orders", path, date_format="%m/%d/%Y")

    assert (report.first_date, report.last_date) == ("2024-01-02", "2024-03-04")
