"""export_audience: ESP-ready columns, only the audience's rows, atomic writes, no silent overwrites."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from campaign_shop import shared_shop

from tools.behaviour.customers import AudienceFilter
from tools.campaigns.audience_export import ExportRequest, export_audience, write_atomically
from tools.errors import UserError
from tools.ingest.load import ingest_file
from tools.store.workspace import Workspace

GERMANY = AudienceFilter(country="Germany")


@pytest.fixture(scope="module")
def shop() -> Path:
    return shared_shop()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_csv_has_esp_columns_and_only_the_audience(shop, tmp_path):
    out = tmp_path / "germany.csv"
    result = export_audience(shop, ExportRequest(audience=GERMANY, out=str(out)))
    rows = read_csv(out)
    assert result.rows == len(rows) == 20 and result.format == "csv"
    assert list(rows[0])[:5] == ["email", "phone_number", "first_name", "last_name", "customer_id"]
    assert {"lifecycle", "value_tier", "p_alive", "predicted_value_12m"} <= set(rows[0])
    assert {row["country"] for row in rows} == {"Germany"}
    anna = next(row for row in rows if row["customer_id"] == "C00")
    assert (anna["email"], anna["first_name"], anna["last_name"]) == ("anna.schmidt@example.com", "Anna", "Schmidt")
    assert anna["phone_number"] == "+49 151 5550000"
    values = [float(row["predicted_value_12m"]) for row in rows]
    assert values == sorted(values, reverse=True)


def test_json_format_from_the_file_name(shop, tmp_path):
    out = tmp_path / "germany.json"
    result = export_audience(shop, ExportRequest(audience=GERMANY, out=str(out)))
    records = json.loads(out.read_text(encoding="utf-8"))
    assert result.format == "json" and len(records) == 20 and records[0]["email"].endswith("@example.com")


def test_refuses_to_overwrite_without_force_and_leaves_no_temp_files(shop, tmp_path):
    out = tmp_path / "audience.csv"
    out.write_text("precious\n")
    with pytest.raises(UserError, match="--force"):
        export_audience(shop, ExportRequest(audience=GERMANY, out=str(out)))
    assert out.read_text() == "precious\n"
    export_audience(shop, ExportRequest(audience=GERMANY, out=str(out), force=True))
    assert len(read_csv(out)) == 20
    assert [p.name for p in tmp_path.iterdir()] == ["audience.csv"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "a.csv"
    out.write_text("old\n")

    def broken_replace(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("tools.campaigns.audience_export.os.replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(out, "new\n", force=True)
    assert out.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_missing_folder_is_a_user_error(shop, tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        export_audience(shop, ExportRequest(audience=GERMANY, out=str(tmp_path / "nope" / "a.csv")))


def test_default_destination_is_the_workspace_reports_folder(shop):
    result = export_audience(shop, ExportRequest(audience=GERMANY, force=True))
    assert Path(result.path).parent == Workspace(shop).reports_dir
    assert Path(result.path).name.startswith("audience-customers-in-germany-")


def test_spreadsheet_formulas_in_names_are_neutralised(tmp_path):
    orders, customers = tmp_path / "orders.csv", tmp_path / "customers.csv"
    orders.write_text("customer_id,order_date,amount\nX1,2023-01-01,10\nX1,2023-02-01,12\nX2,2023-01-05,8\n")
    customers.write_text('customer_id,name,email\nX1,"=HYPERLINK(""http://x"") Evil",x1@example.com\n'
                         "X2,Plain Person,x2@example.com\n")
    for table, path in (("orders", orders), ("customers", customers)):
        ingest_file(tmp_path / "ws", table, path)
    out = tmp_path / "out.csv"
    export_audience(tmp_path / "ws", ExportRequest(audience=AudienceFilter(min_orders=1), out=str(out)))
    first_names = {row["customer_id"]: row["first_name"] for row in read_csv(out)}
    assert first_names["X1"].startswith("'=") and first_names["X2"] == "Plain"


def test_a_shop_without_contact_details_exports_ids_and_says_so(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("customer_id,order_date,amount\nX1,2023-01-01,10\nX2,2023-01-05,8\n")
    ingest_file(tmp_path / "ws", "orders", orders)
    result = export_audience(tmp_path / "ws", ExportRequest(audience=AudienceFilter(min_orders=1),
                                                            out=str(tmp_path / "out.csv")))
    assert "email" not in result.columns and result.columns[0] == "customer_id"
    assert "no email or phone" in result.warnings[0]
