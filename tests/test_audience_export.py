"""export_audience: ESP-ready columns, only the audience's rows, atomic writes, no silent overwrites."""

from __future__ import annotations

import csv
import errno
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from campaign_shop import shared_shop
from pydantic import ValidationError
from shop_builders import open_shop

from tools.behaviour.customers import AudienceFilter
from tools.campaigns.audience_export import Destination, ExportRequest, export_audience, write_atomically
from tools.errors import UserError
from tools.ingest.load import ingest_file
from tools.runtime.shop import Shop

GERMANY = AudienceFilter(country="Germany")


@pytest.fixture(scope="module")
def shop() -> Iterator[Shop]:
    with open_shop(shared_shop()) as opened:
        yield opened


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ingest(workspace: Path, files: dict[str, Path]) -> Shop:
    """A new workspace holding ``files`` (table -> path), opened as a shop."""
    shop = open_shop(workspace, create=True)
    for table, path in files.items():
        ingest_file(shop, table, path)
    return shop


def test_csv_has_esp_columns_and_only_the_audience(shop, tmp_path):
    out = tmp_path / "germany.csv"
    result = export_audience(shop, ExportRequest(audience=GERMANY), destination=Destination(out))
    rows = read_csv(out)
    assert result.rows == len(rows) == 20 and result.format == "csv" and result.path == str(out)
    assert list(rows[0])[:5] == ["email", "phone_number", "first_name", "last_name", "customer_id"]
    assert {"lifecycle", "value_tier", "p_alive", "predicted_value_12m"} <= set(rows[0])
    assert {row["country"] for row in rows} == {"Germany"}
    anna = next(row for row in rows if row["customer_id"] == "C00")
    assert (anna["email"], anna["first_name"], anna["last_name"]) == ("anna.schmidt@example.com", "Anna", "Schmidt")
    assert anna["phone_number"] == "+49 151 5550000"
    values = [float(row["predicted_value_12m"]) for row in rows]
    assert values == sorted(values, reverse=True)


def test_json_format_from_the_file_name_or_the_request(shop, tmp_path):
    out = tmp_path / "germany.json"
    result = export_audience(shop, ExportRequest(audience=GERMANY), destination=Destination(out))
    records = json.loads(out.read_text(encoding="utf-8"))
    assert result.format == "json" and len(records) == 20 and records[0]["email"].endswith("@example.com")
    asked = tmp_path / "germany.export"
    result = export_audience(shop, ExportRequest(audience=GERMANY, format="json"), destination=Destination(asked))
    assert result.format == "json" and json.loads(asked.read_text(encoding="utf-8")) == records


def test_the_result_holds_counts_and_no_contact_details(shop, tmp_path):
    result = export_audience(shop, ExportRequest(audience=GERMANY), destination=Destination(tmp_path / "a.csv"))
    shown = json.dumps([result.facts(), result.data()])
    assert result.facts()["rows"] == 20 and result.row_count() == 20
    assert "example.com" not in shown and "+49" not in shown and "Schmidt" not in shown


def test_refuses_to_overwrite_without_force_and_leaves_no_temp_files(shop, tmp_path):
    out = tmp_path / "audience.csv"
    out.write_text("precious\n")
    with pytest.raises(UserError, match="--force"):
        export_audience(shop, ExportRequest(audience=GERMANY), destination=Destination(out))
    assert out.read_text() == "precious\n"
    export_audience(shop, ExportRequest(audience=GERMANY), destination=Destination(out, force=True))
    assert len(read_csv(out)) == 20
    assert [p.name for p in tmp_path.iterdir()] == ["audience.csv"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "a.csv"
    out.write_text("old\n")

    def broken_replace(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("tools.campaigns.audience_export.os.replace", broken_replace)
    with pytest.raises(UserError, match="the disk is full"):
        write_atomically(out, "new\n", force=True)
    assert out.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_missing_folder_is_a_user_error(shop, tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        export_audience(shop, ExportRequest(audience=GERMANY), destination=Destination(tmp_path / "nope" / "a.csv"))


def test_the_request_cannot_choose_a_path():
    assert set(ExportRequest.model_fields) == {"segment", "audience", "format"}
    with pytest.raises(ValidationError):
        ExportRequest(audience=GERMANY, format="xlsx")


def test_default_destination_is_the_workspace_reports_folder_and_is_rewritten(shop):
    with shop.reading() as con:
        as_of = str(con.execute("SELECT max(as_of) FROM customer_features").fetchone()[0])[:10]
    first = export_audience(shop, ExportRequest(audience=GERMANY))
    path = Path(first.path)
    assert path == shop.reports_dir / f"audience-customers-in-germany-{as_of}.csv"
    assert len(read_csv(path)) == 20
    path.write_text("stale\n")
    again = export_audience(shop, ExportRequest(audience=GERMANY))  # asked again: rewritten in place, no force
    assert again.path == first.path and len(read_csv(path)) == 20
    as_json = export_audience(shop, ExportRequest(audience=GERMANY, format="json"))
    assert Path(as_json.path) == path.with_suffix(".json") and len(json.loads(Path(as_json.path).read_text())) == 20
    assert not [p.name for p in shop.reports_dir.iterdir() if p.name.endswith(".tmp")]


def test_spreadsheet_formulas_in_names_are_neutralised(tmp_path):
    orders, customers = tmp_path / "orders.csv", tmp_path / "customers.csv"
    orders.write_text("customer_id,order_date,amount\nX1,2023-01-01,10\nX1,2023-02-01,12\nX2,2023-01-05,8\n")
    customers.write_text('customer_id,name,email\nX1,"=HYPERLINK(""http://x"") Evil",x1@example.com\n'
                         "X2,Plain Person,x2@example.com\n")
    out = tmp_path / "out.csv"
    with ingest(tmp_path / "ws", {"orders": orders, "customers": customers}) as shop:
        export_audience(shop, ExportRequest(audience=AudienceFilter(min_orders=1)), destination=Destination(out))
    first_names = {row["customer_id"]: row["first_name"] for row in read_csv(out)}
    assert first_names["X1"].startswith("'=") and first_names["X2"] == "Plain"


def test_a_shop_without_contact_details_exports_ids_and_says_so(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("customer_id,order_date,amount\nX1,2023-01-01,10\nX2,2023-01-05,8\n")
    with ingest(tmp_path / "ws", {"orders": orders}) as shop:
        result = export_audience(shop, ExportRequest(audience=AudienceFilter(min_orders=1)),
                                 destination=Destination(tmp_path / "out.csv"))
    assert "email" not in result.columns and result.columns[0] == "customer_id"
    assert "no email or phone" in result.warnings[0]
