"""The ``campaign``, ``recommend`` and ``export`` commands end to end, on a tiny shop, with no model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from campaign_shop import copy_of_shared_shop, shared_shop
from typer.testing import CliRunner

from agent.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def shop() -> Path:
    return shared_shop()


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SEGMENT_AGENT_MODEL"):
        monkeypatch.delenv(name, raising=False)


def run(shop: Path, *args: str):
    return runner.invoke(app, ["-w", str(shop), *args])


def test_campaign_prints_three_distinct_validated_email_drafts(shop):
    result = run(shop, "campaign", "--country", "Germany", "--channel", "email", "--goal", "winback",
                 "--offer", "15% off")
    assert result.exit_code == 0, result.output
    assert all(f"Variant {n}" in result.output for n in (1, 2, 3))
    assert result.output.count("Subject:") == 3 and "Facts used:" in result.output
    assert "15% off" in result.output and "writer template" in result.output


def test_campaign_json_lists_drafts_with_the_facts_they_used(shop):
    result = run(shop, "campaign", "--country", "Germany", "--channel", "sms", "--goal", "loyalty", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["channel"] == "sms" and len(payload["drafts"]) == 3
    assert all(d["body"].endswith("Reply STOP to opt out") and d["facts_used"] for d in payload["drafts"])
    assert len({d["body"] for d in payload["drafts"]}) == 3


def test_campaign_out_file_is_written_and_never_silently_overwritten(shop, tmp_path):
    target = tmp_path / "drafts.md"
    first = run(shop, "campaign", "--country", "France", "--channel", "push", "--goal", "cross_sell",
                "--out", str(target))
    assert first.exit_code == 0, first.output
    assert target.read_text().startswith("# Push drafts: cross_sell for customers in France")
    again = run(shop, "campaign", "--country", "France", "--channel", "push", "--out", str(target))
    assert again.exit_code == 1 and "--force" in again.output
    as_json = tmp_path / "drafts.json"
    assert run(shop, "campaign", "--country", "France", "--out", str(as_json)).exit_code == 0
    assert len(json.loads(as_json.read_text())["drafts"]) == 3


@pytest.mark.parametrize(("option", "value", "choices"), [("--channel", "fax", "'email', 'sms', 'push'"),
                                                          ("--goal", "revenge", "'winback', 'welcome'")])
def test_invalid_channel_or_goal_lists_the_options(shop, option, value, choices):
    result = run(shop, "campaign", "--country", "Germany", option, value)
    assert result.exit_code != 0 and choices in " ".join(result.output.split())


def test_offer_above_the_brand_maximum_is_refused(shop):
    result = run(shop, "campaign", "--country", "Germany", "--offer", "60% off")
    assert result.exit_code == 1 and "maximum discount of 20%" in result.output


def test_brand_config_shapes_the_drafts(tmp_path):
    shop = copy_of_shared_shop(tmp_path)
    (shop / "segment-agent.toml").write_text('[brand]\nname = "Northwind"\nmax_discount_percent = 30\n'
                                             'sms_opt_out = "Text STOP to end"\n')
    result = run(shop, "campaign", "--country", "Germany", "--channel", "sms", "--offer", "25% off", "--json")
    assert result.exit_code == 0, result.output
    bodies = [d["body"] for d in json.loads(result.stdout)["drafts"]]
    assert all(b.startswith("Northwind: ") and b.endswith("Text STOP to end") and "25% off" in b for b in bodies)


def test_campaign_needs_an_audience(shop):
    result = run(shop, "campaign", "--channel", "email")
    assert result.exit_code == 1 and "--segment" in result.output


def test_recommend_shows_lift_tables_and_json(shop):
    table = run(shop, "recommend", "--country", "Germany")
    assert table.exit_code == 0 and "Categories by lift" in table.output and "Trail Running" in table.output
    payload = json.loads(run(shop, "recommend", "--country", "Germany", "--limit", "2", "--json").stdout)
    assert len(payload["products"]) == 2 and payload["products"][0]["lift"] > 1


def test_export_writes_a_csv_and_refuses_to_overwrite(shop, tmp_path):
    target = tmp_path / "vip.csv"
    result = run(shop, "export", "--country", "Germany", "--value", "high", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text().splitlines()[0].startswith("email,phone_number,first_name,last_name")
    assert run(shop, "export", "--country", "Germany", "--out", str(target)).exit_code == 1
    assert run(shop, "export", "--country", "Germany", "--out", str(target), "--force").exit_code == 0
