"""``breakdown``: customers grouped by country, category, stage, tier or segment, with numbers checked by hand on a
five-customer shop, and the CLI command's JSON equal to the ``ask`` step that answers the same question."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shop_builders import RUNNER, error_message, run_cli, write_rows

from agent.cli import app

ORDERS = [
    ("o1", "c1", "2024-01-10", "100.00", "Kitchen", "United Kingdom"),
    ("o2", "c1", "2024-06-01", "50.00", "Garden", "United Kingdom"),
    ("o3", "c2", "2024-05-20", "30.00", "Kitchen", "United Kingdom"),
    ("o4", "c3", "2024-02-01", "200.00", "Garden", "Germany"),
    ("o5", "c3", "2024-03-01", "100.00", "Garden", "Germany"),
    ("o6", "c4", "2024-06-10", "10.00", "Kitchen", "Germany"),
    ("o7", "c5", "2023-06-01", "40.00", "Kitchen", "France"),
]
HEADER = ("order_id", "customer_id", "order_date", "amount", "category", "country")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("breakdown")
    workspace = root / "ws"
    assert run_cli(workspace, "ingest", "orders", str(write_rows(root, "orders.csv", ORDERS, HEADER))).exit_code == 0
    return workspace


def _data(workspace: Path, *args: str) -> dict:
    result = run_cli(workspace, "breakdown", *args, "--json")
    assert result.exit_code == 0, result.output
    [step] = json.loads(result.stdout)["steps"]
    return step["data"]


def _groups(data: dict) -> dict[str, dict]:
    return {group["group"]: group for group in data["groups"]}


def test_by_country_counts_customers_revenue_orders_and_aov(shop: Path) -> None:
    data = _data(shop, "--by", "country")
    groups = _groups(data)
    assert [g["group"] for g in data["groups"]] == ["Germany", "United Kingdom", "France"]  # customers, then name
    assert (groups["Germany"]["customers"], groups["Germany"]["revenue"], groups["Germany"]["orders"]) == (2, 310, 3)
    assert groups["Germany"]["aov"] == pytest.approx(103.33) and groups["Germany"]["revenue_per_customer"] == 155
    assert groups["United Kingdom"]["aov"] == 60 and groups["France"]["share"] == 0.2
    assert sum(g["revenue_share"] for g in data["groups"]) == pytest.approx(1.0, abs=1e-3)
    assert data["customers"] == 5 and data["revenue"] == 530


def test_by_category_counts_only_that_categorys_lines_and_says_groups_overlap(shop: Path) -> None:
    data = _data(shop, "--by", "category", "--sort", "revenue")
    groups = _groups(data)
    assert [g["group"] for g in data["groups"]] == ["Garden", "Kitchen"]
    assert (groups["Kitchen"]["customers"], groups["Kitchen"]["revenue"], groups["Kitchen"]["aov"]) == (4, 180, 45)
    assert (groups["Garden"]["customers"], groups["Garden"]["revenue"], groups["Garden"]["orders"]) == (2, 350, 3)
    assert data["overlapping"] is True


def test_a_filtered_breakdown_says_what_share_of_each_group_the_audience_is(shop: Path) -> None:
    data = _data(shop, "--by", "category", "--country", "United Kingdom", "--sort", "share_of_group")
    groups = _groups(data)
    assert groups["Kitchen"]["customers"] == 2 and groups["Kitchen"]["share_of_group"] == 0.5  # 2 of 4 buyers
    assert groups["Garden"]["share_of_group"] == 0.5  # c1 of c1, c3
    assert data["description"] == "customers in United Kingdom"


def test_ranking_lowest_first_leaving_out_small_groups_and_warning_about_noise(shop: Path) -> None:
    assert [g["group"] for g in _data(shop, "--by", "country", "--sort", "aov", "--ascending")["groups"]] == [
        "France", "United Kingdom", "Germany"]
    result = run_cli(shop, "breakdown", "--by", "country", "--sort", "aov", "--min-customers", "2", "--json")
    answer = json.loads(result.stdout)
    assert [g["group"] for g in answer["steps"][0]["data"]["groups"]] == ["Germany", "United Kingdom"]
    assert any("only 2 customers" in w and "noise" in w for w in answer["warnings"])


def test_lifecycle_groups_come_in_stage_order_with_mixes_that_add_up(shop: Path) -> None:
    data = _data(shop, "--by", "lifecycle", "--sort", "group")
    stages = [g["group"] for g in data["groups"]]
    assert stages == sorted(stages, key=["new", "active", "lapsing", "lapsed"].index)
    for group in data["groups"]:
        assert group[f"{group['group']}_share"] == 1.0
        assert group["high_share"] + group["mid_share"] + group["low_share"] == pytest.approx(1.0)
    listed = json.loads(run_cli(shop, "customers", "--lifecycle", "new", "--json").stdout)["steps"][0]["data"]
    assert _groups(data)["new"]["customers"] == listed["total"]


def test_the_table_is_chart_ready_and_the_summary_names_the_leader(shop: Path) -> None:
    answer = json.loads(run_cli(shop, "breakdown", "--by", "country", "--sort", "revenue", "--json").stdout)
    main, mix = answer["tables"]
    assert main["columns"][:3] == ["group", "customers", "share"] and main["kinds"][:3] == ["text", "count", "share"]
    assert main["rows"][0][:2] == ["Germany", 2] and mix["columns"] == ["group", "new_share", "active_share",
                                                                        "lapsing_share", "lapsed_share"]
    assert "the most net revenue — Germany 310.00" in answer["answer"]
    assert answer["reproduce"] == ["segment-agent breakdown --by country --sort revenue"]


@pytest.mark.parametrize(("args", "message"), [
    (["--by", "planet"], "--by 'planet' is not valid"),
    (["--by", "segment"], "No segments yet"),
    (["--by", "country", "--sort", "vibes"], "--sort 'vibes' is not valid"),
    (["--by", "country", "--lifecycle", "sleepy"], "--lifecycle"),
])
def test_bad_options_are_one_sentence_and_exit_1(shop: Path, args: list[str], message: str) -> None:
    result = run_cli(shop, "breakdown", *args)
    assert result.exit_code == 1 and message in error_message(result)


def test_a_shop_without_countries_cannot_be_grouped_by_country(segment_shop: Path) -> None:
    result = run_cli(segment_shop, "breakdown", "--by", "country")
    assert result.exit_code == 1 and "no country" in error_message(result)


@pytest.mark.parametrize(("question", "command"), [
    ("which country brings in the most revenue?", ["--by", "country", "--sort", "revenue"]),
    ("how many lapsing customers in each country", ["--by", "country", "--lifecycle", "lapsing"]),
    ("aov by category", ["--by", "category", "--sort", "aov"]),
])
def test_ask_and_the_command_carry_the_same_data(shop: Path, question: str, command: list[str]) -> None:
    asked = json.loads(RUNNER.invoke(app, ["-w", str(shop), "ask", question, "--json"]).stdout)
    [step] = asked["steps"]
    assert step["tool"] == "breakdown" and asked["status"] == "answered"
    assert asked["reproduce"] == ["segment-agent breakdown " + " ".join(command)]
    assert step["data"] == _data(shop, *command)
