"""``kpi_summary`` over any period: rolling days, a calendar unit so far, the last full one, against the period
before or the same period last year, to an explicit end day — checked by hand on a seven-order shop."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from shop_builders import error_message, run_cli
from test_breakdown import shop  # noqa: F401 - the same five-customer shop (last order 2024-06-10, a Monday)

from tools.behaviour.kpi_periods import Comparison, KpiWindow, compared_range, current_range
from tools.concepts import Period


def _kpis(workspace: Path, *args: str) -> dict:
    result = run_cli(workspace, "kpis", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["steps"][0]["data"]


def test_the_last_7_days_against_the_7_before(shop: Path) -> None:  # noqa: F811
    data = _kpis(shop, "--days", "7")
    assert (data["period_start"], data["period_end"]) == ("2024-06-04", "2024-06-10")
    assert (data["previous_start"], data["previous_end"]) == ("2024-05-28", "2024-06-03")
    assert data["current"]["net_revenue"] == 10 and data["previous"]["net_revenue"] == 50
    assert data["change_pct"]["net_revenue"] == -80.0


def test_this_month_so_far_counts_new_returning_customers_and_the_repeat_rate(shop: Path) -> None:  # noqa: F811
    data = _kpis(shop, "--period", "month", "--window", "to_date")
    assert data["period_label"] == "June 2024 to date (2024-06-01 to 2024-06-10)"
    current = data["current"]
    assert (current["orders"], current["buying_customers"], current["net_revenue"]) == (2, 2, 60)
    assert (current["new_customers"], current["returning_customers"], current["repeat_rate"]) == (1, 1, 0.5)
    assert data["previous_label"].startswith("May 2024, first 10 days") and data["previous"]["orders"] == 0
    assert data["previous"]["aov"] is None and data["change_pct"]["net_revenue"] is None
    assert data["base"] == {"customers": 5, "repeat_rate": 0.4}  # c1 and c3 ordered twice


def test_against_the_same_period_last_year(shop: Path) -> None:  # noqa: F811
    data = _kpis(shop, "--period", "month", "--window", "to_date", "--vs", "same-period-last-year")
    assert (data["previous_start"], data["previous_end"]) == ("2023-06-01", "2023-06-10")
    assert data["previous"]["net_revenue"] == 40 and data["change_pct"]["net_revenue"] == 50.0


def test_the_last_full_month_to_an_explicit_end_day(shop: Path) -> None:  # noqa: F811
    data = _kpis(shop, "--period", "month", "--window", "last_full", "--end", "2024-03-31")
    assert data["period_label"] == "March 2024 (2024-03-01 to 2024-03-31)"
    assert data["previous_label"] == "February 2024 (2024-02-01 to 2024-02-29)"
    assert data["current"]["net_revenue"] == 100 and data["previous"]["net_revenue"] == 200
    assert data["base"]["customers"] == 3  # orders after the end day do not count


def test_a_quarter_so_far_is_compared_with_as_many_days_of_the_last_one(shop: Path) -> None:  # noqa: F811
    data = _kpis(shop, "--period", "quarter", "--window", "to_date")
    assert (data["period_start"], data["previous_start"], data["previous_end"]) == (
        "2024-04-01", "2024-01-01", "2024-03-11")
    assert data["current"]["net_revenue"] == 90 and data["previous"]["net_revenue"] == 400


def test_a_comparison_before_the_data_starts_is_flagged(shop: Path) -> None:  # noqa: F811
    result = run_cli(shop, "kpis", "--period", "year", "--window", "to_date", "--vs", "last-year", "--json")
    assert any("data starts on 2023-06-01" in w for w in json.loads(result.stdout)["warnings"])


@pytest.mark.parametrize(("args", "message"), [
    (["--days", "30", "--window", "to_date"], "needs a calendar period"),
    (["--period", "month", "--window", "sideways"], "--window 'sideways' is not valid"),
    (["--period", "month", "--vs", "next-year"], "--vs 'next_year' is not valid"),
    (["--end", "2020-01-01"], "before the first order"),
    (["--days", "7", "--period", "week"], "either --days or --period"),
])
def test_impossible_periods_are_one_sentence_and_exit_1(shop: Path, args: list[str], message: str) -> None:  # noqa: F811
    result = run_cli(shop, "kpis", *args)
    assert result.exit_code == 1 and message in error_message(result)


@pytest.mark.parametrize(("period", "window", "comparison", "end", "current", "previous"), [
    (Period.WEEK, KpiWindow.LAST_FULL, Comparison.PREVIOUS_PERIOD, date(2011, 12, 9),
     ("2011-11-28", "2011-12-04"), ("2011-11-21", "2011-11-27")),
    (Period.WEEK, KpiWindow.LAST_FULL, Comparison.SAME_PERIOD_LAST_YEAR, date(2011, 12, 9),
     ("2011-11-28", "2011-12-04"), ("2010-11-29", "2010-12-05")),  # 52 weeks: the same weekdays
    (Period.WEEK, KpiWindow.TO_DATE, Comparison.PREVIOUS_PERIOD, date(2011, 12, 9),
     ("2011-12-05", "2011-12-09"), ("2011-11-28", "2011-12-02")),
    (Period.MONTH, KpiWindow.LAST_FULL, Comparison.PREVIOUS_PERIOD, date(2011, 12, 9),
     ("2011-11-01", "2011-11-30"), ("2011-10-01", "2011-10-31")),
    (Period.MONTH, KpiWindow.TO_DATE, Comparison.PREVIOUS_PERIOD, date(2024, 3, 31),
     ("2024-03-01", "2024-03-31"), ("2024-02-01", "2024-02-29")),  # a whole month against a whole month
    (Period.YEAR, KpiWindow.LAST_FULL, Comparison.SAME_PERIOD_LAST_YEAR, date(2011, 12, 9),
     ("2010-01-01", "2010-12-31"), ("2009-01-01", "2009-12-31")),
    (30, KpiWindow.ROLLING, Comparison.PREVIOUS_PERIOD, date(2011, 12, 9),
     ("2011-11-10", "2011-12-09"), ("2011-10-11", "2011-11-09")),
])
def test_period_dates(period: Period | int, window: KpiWindow, comparison: Comparison, end: date,
                      current: tuple[str, str], previous: tuple[str, str]) -> None:
    now = current_range(period, window, end)
    before = compared_range(now, period, window, comparison)
    assert (now.start.isoformat(), now.end.isoformat()) == current
    assert (before.start.isoformat(), before.end.isoformat()) == previous


def test_a_rate_changes_in_points_not_percent(shop: Path) -> None:  # noqa: F811
    answer = json.loads(run_cli(shop, "kpis", "--days", "7", "--json").stdout)
    data = answer["steps"][0]["data"]
    now, before = data["current"]["repeat_rate"], data["previous"]["repeat_rate"]
    assert now is not None and before is not None and now != before
    assert data["change_pct"]["repeat_rate"] is None
    assert data["change_points"]["repeat_rate"] == round((now - before) * 100, 1)
    table = run_cli(shop, "kpis", "--days", "7").stdout
    assert f"{data['change_points']['repeat_rate']:+.1f} pts" in table
