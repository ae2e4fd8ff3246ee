"""Behaviour features, lifecycle and value tiers on awkward shops, and the customers/explain CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from tools.behaviour.feature_store import refresh_features
from tools.ingest.load import ingest_file


def _shop(tmp_path: Path, rows: list[tuple[str, str, float]]) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text("customer_id,order_date,amount\n" + "".join(f"{c},{d},{a}\n" for c, d, a in rows))
    root = tmp_path / "ws"
    ingest_file(root, "orders", path)
    return root


EDGE_SHOPS = {
    "one order each": [(f"c{i}", f"2024-0{1 + i % 9}-1{i % 9}", 10.0 + i) for i in range(40)],
    "ten customers": [(f"c{i}", f"2024-0{1 + j}-0{1 + i % 9}", 20.0) for i in range(10) for j in range(i % 3 + 1)],
    "all on one day": [(f"c{i}", "2024-05-05", 15.0 * (1 + i % 4)) for i in range(30)],
    "zero and negative amounts": [(f"c{i % 12}", f"2024-0{1 + i % 9}-0{1 + i % 8}", (i % 5 - 2) * 7.0)
                                  for i in range(60)],
}


@pytest.mark.parametrize("name", list(EDGE_SHOPS))
def test_awkward_shops_never_raise_and_every_customer_gets_a_stage(tmp_path: Path, name: str) -> None:
    root = _shop(tmp_path, EDGE_SHOPS[name])
    run = refresh_features(root)

    assert run.customers > 0
    assert sum(run.lifecycle_counts.values()) == run.customers
    assert set(run.lifecycle_counts) <= {"new", "active", "lapsing", "lapsed"}
    assert sum(run.value_counts.values()) == run.customers


def test_thin_shop_warns_and_falls_back_to_recency_rules(tmp_path: Path) -> None:
    run = refresh_features(_shop(tmp_path, EDGE_SHOPS["one order each"]))
    assert any("recency" in warning.lower() or "not used" in warning.lower() for warning in run.warnings)


def test_a_customer_overdue_against_their_own_rhythm_is_lapsing(tmp_path: Path) -> None:
    regular = [(f"r{i}", f"2024-{m:02d}-01", 30.0) for i in range(30) for m in range(1, 13)]  # monthly, active
    slipping = [("late", f"2024-{m:02d}-01", 30.0) for m in range(1, 9)]  # monthly, stopped in August
    root = _shop(tmp_path, regular + slipping + [("z", "2024-12-01", 5.0)])
    refresh_features(root)
    result = CliRunner().invoke(app, ["-w", str(root), "explain", "late", "--json"])
    explanation = json.loads(result.stdout)

    assert explanation["lifecycle"] == "lapsing"
    assert "usually 31 days apart" in explanation["lifecycle_reason"]


def test_customers_filters_sorting_and_formats(tmp_path: Path) -> None:
    rows = [(f"c{i:02d}", f"2024-{1 + i % 12:02d}-15", 10.0 * (i + 1)) for i in range(24)]
    rows += [(f"c{i:02d}", "2024-12-20", 5.0) for i in range(0, 24, 3)]
    root = _shop(tmp_path, rows)
    runner = CliRunner()
    result = runner.invoke(app, ["-w", str(root), "customers", "--min-orders", "2", "--sort", "monetary",
                                 "--format", "json", "--all"])
    data = json.loads(result.stdout)
    spends = [row[data["columns"].index("monetary")] for row in data["rows"]]
    assert data["total"] == 8 and spends == sorted(spends, reverse=True)
    csv_out = runner.invoke(app, ["-w", str(root), "customers", "--value", "high", "--format", "csv"]).stdout
    assert csv_out.splitlines()[0].startswith("customer_id,lifecycle,value_tier")
    bad = runner.invoke(app, ["-w", str(root), "customers", "--lifecycle", "sleepy"])
    assert bad.exit_code == 1 and "--lifecycle" in bad.output
    unknown_country = runner.invoke(app, ["-w", str(root), "customers", "--country", "Atlantis"])
    assert unknown_country.exit_code == 1
