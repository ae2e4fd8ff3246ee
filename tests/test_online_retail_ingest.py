"""The real UCI Online Retail file: the counts a user checks first, verified against pandas on the raw file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shop_builders import run_cli, workspace_snapshot

ONLINE_RETAIL = Path("/work/shared/datasets/online_retail/online_retail.csv.gz")
II_NAMES = {"InvoiceNo": "Invoice", "UnitPrice": "Price", "CustomerID": "Customer ID"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ONLINE_RETAIL.exists(), reason=f"{ONLINE_RETAIL} is not available"),
]


@pytest.fixture(scope="module")
def expected() -> dict:
    """The figures computed straight from the raw file with pandas, independently of segment-agent."""
    import pandas as pd

    raw = pd.read_csv(ONLINE_RETAIL, dtype=str, keep_default_na=False)
    customer = raw["CustomerID"].str.strip()
    kept = raw[customer != ""]
    amount = kept["Quantity"].astype(float) * kept["UnitPrice"].astype(float)
    cancelled = kept["InvoiceNo"].str.startswith("C")
    net = amount.where(~cancelled, -amount.abs())
    return {
        "rows_read": len(raw),
        "rows_kept": len(kept),
        "skipped": {"no customer_id": int((customer == "").sum())},
        "customers": kept["CustomerID"].nunique(),
        "returns": int((cancelled | (net < 0)).sum()),
        "buyers": kept.loc[~(cancelled | (net < 0)), "CustomerID"].nunique(),
        "net_amount": round(float(net.sum()), 2),
    }


def _report(workspace: Path, *args: str) -> dict:
    """The ingest report inside the command's ``--json`` answer object."""
    result = run_cli(workspace, "ingest", "orders", *args, "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["status"], [step["tool"] for step in answer["steps"]]) == ("answered", ["ingest"])
    return answer["steps"][0]["data"]


def _counts(report: dict) -> dict:
    return {key: report[key] for key in ("rows_read", "rows_kept", "skipped", "customers", "returns")}


def test_online_retail_preset_counts_match_the_raw_file(expected: dict, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    report = _report(workspace, str(ONLINE_RETAIL), "--preset", "online-retail")

    assert _counts(report) == {key: expected[key] for key in _counts(report)}
    assert (report["customers"], report["rows_read"], report["skipped"]["no customer_id"], report["rows_kept"],
            report["returns"]) == (4_372, 541_909, 135_080, 406_829, 8_905)
    assert report["net_amount"] == pytest.approx(expected["net_amount"], abs=0.01)
    assert (report["first_date"], report["last_date"]) == ("2010-12-01", "2011-12-09")
    # Features are refreshed by the ingest itself, as of the last order, for every customer who bought something.
    assert (report["features"]["as_of"], report["features"]["customers"]) == ("2011-12-09", expected["buyers"])

    before = workspace_snapshot(workspace)
    again = _report(workspace, str(ONLINE_RETAIL), "--preset", "online-retail")
    assert again["status"] == "unchanged"
    assert _counts(again) == _counts(report)
    assert workspace_snapshot(workspace) == before


def test_online_retail_ii_column_names_load_with_map_alone(expected: dict, tmp_path: Path) -> None:
    import pandas as pd

    renamed = tmp_path / "online_retail_II.csv.gz"
    raw = pd.read_csv(ONLINE_RETAIL, dtype=str, keep_default_na=False)
    raw.rename(columns=II_NAMES).to_csv(renamed, index=False, compression="gzip")

    report = _report(tmp_path / "ws", str(renamed), "--map", "customer_id=Customer ID", "--map", "unit_price=Price",
                     "--map", "order_id=Invoice")

    assert _counts(report) == {key: expected[key] for key in _counts(report)}
    assert report["net_amount"] == pytest.approx(expected["net_amount"], abs=0.01)
