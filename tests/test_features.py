"""Behaviour features, lifecycle and value tiers on awkward shops, and the customers/explain CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shop_builders import run_cli

from tools.behaviour.feature_store import refresh_features
from tools.ingest.load import IngestReport, ingest_file
from tools.runtime.shop import Shop


def _orders_file(tmp_path: Path, rows: list[tuple[str, str, float]]) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text("customer_id,order_date,amount\n" + "".join(f"{c},{d},{a}\n" for c, d, a in rows))
    return path


def _ingest(shop: Shop, tmp_path: Path, rows: list[tuple[str, str, float]]) -> IngestReport:
    """Load ``rows`` as the shop's orders; the ingest computes the features in the same write."""
    return ingest_file(shop, "orders", _orders_file(tmp_path, rows))


def _shop(tmp_path: Path, rows: list[tuple[str, str, float]]) -> Path:
    """A workspace holding ``rows`` as its orders (and their features), for the CLI to open."""
    root = tmp_path / "ws"
    with Shop(root, create=True) as shop:
        _ingest(shop, tmp_path, rows)
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
    with Shop(tmp_path / "ws", create=True) as shop:
        run = _ingest(shop, tmp_path, EDGE_SHOPS[name]).features
        assert run is not None

        assert run.customers > 0
        assert sum(run.lifecycle_counts.values()) == run.customers
        assert set(run.lifecycle_counts) <= {"new", "active", "lapsing", "lapsed"}
        assert sum(run.value_counts.values()) == run.customers
        assert refresh_features(shop).facts() == run.facts()


def test_thin_shop_warns_and_falls_back_to_recency_rules(tmp_path: Path) -> None:
    with Shop(tmp_path / "ws", create=True) as shop:
        report = _ingest(shop, tmp_path, EDGE_SHOPS["one order each"])

    assert report.features is not None
    fallback = [warning for warning in report.features.warnings
                if "recency" in warning.lower() or "not used" in warning.lower()]
    assert fallback
    assert set(fallback) <= set(report.warnings)


def test_a_customer_overdue_against_their_own_rhythm_is_lapsing(tmp_path: Path) -> None:
    regular = [(f"r{i}", f"2024-{m:02d}-01", 30.0) for i in range(30) for m in range(1, 13)]  # monthly, active
    slipping = [("late", f"2024-{m:02d}-01", 30.0) for m in range(1, 9)]  # monthly, stopped in August
    root = _shop(tmp_path, regular + slipping + [("z", "2024-12-01", 5.0)])
    result = run_cli(root, "explain", "late", "--json")
    assert result.exit_code == 0, result.output
    explanation = json.loads(result.stdout)["steps"][0]["data"]

    assert explanation["lifecycle"] == "lapsing"
    assert "usually 31 days apart" in explanation["lifecycle_reason"]


def test_customers_filters_sorting_and_formats(tmp_path: Path) -> None:
    rows = [(f"c{i:02d}", f"2024-{1 + i % 12:02d}-15", 10.0 * (i + 1)) for i in range(24)]
    rows += [(f"c{i:02d}", "2024-12-20", 5.0) for i in range(0, 24, 3)]
    root = _shop(tmp_path, rows)
    result = run_cli(root, "customers", "--min-orders", "2", "--sort", "monetary", "--format", "json", "--all")
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)["tables"][0]
    spends = [row[table["columns"].index("monetary")] for row in table["rows"]]
    assert table["total"] == 8 and len(spends) == 8 and spends == sorted(spends, reverse=True)
    csv_out = run_cli(root, "customers", "--value", "high", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("customer_id,lifecycle,value_tier")
    bad = run_cli(root, "customers", "--lifecycle", "sleepy")
    assert bad.exit_code == 1 and "--lifecycle" in bad.stderr
    unknown_country = run_cli(root, "customers", "--country", "Atlantis")
    assert unknown_country.exit_code == 1


def test_reads_warn_about_changed_rules_until_features_are_refreshed(tmp_path: Path) -> None:
    root = _shop(tmp_path, [(f"c{i:02d}", f"2024-{1 + i % 12:02d}-15", 10.0 * (i + 1)) for i in range(20)])

    def high_value() -> tuple[int, str]:
        result = run_cli(root, "customers", "--value", "high", "--format", "csv", "--all")
        assert result.exit_code == 0, result.output
        return len(result.stdout.splitlines()) - 1, " ".join(result.stderr.split())

    assert high_value() == (4, "")  # top 20% of 20 customers
    (root / "segment-agent.toml").write_text("[value_tiers]\nhigh_share = 0.5\n")

    count, warning = high_value()
    assert count == 4  # a read answers from the stored features: it never refreshes them
    assert "run segment-agent features" in warning

    assert run_cli(root, "features").exit_code == 0
    assert high_value() == (10, "")
