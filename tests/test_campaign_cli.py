"""The ``campaign``, ``recommend`` and ``export`` commands end to end, on a tiny shop, with no model."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from campaign_shop import copy_of_shared_shop, shared_shop
from shop_builders import error_message, run_cli
from typer.testing import Result


@pytest.fixture(scope="module")
def shop() -> Path:
    return shared_shop()


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SEGMENT_AGENT_MODEL"):
        monkeypatch.delenv(name, raising=False)


def run(shop: Path, *args: str) -> Result:
    return run_cli(shop, *args)


def answer_of(result: Result, tool: str) -> dict:
    """The answer object a data command prints with ``--json`` (one direct step running ``tool``)."""
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["planner"] == "direct" and answer["status"] == "answered"
    assert [step["tool"] for step in answer["steps"]] == [tool]
    return answer


def data_of(result: Result, tool: str) -> dict:
    """The tool's result inside the ``--json`` answer object."""
    return answer_of(result, tool)["steps"][0]["data"]


def test_campaign_prints_three_distinct_validated_email_drafts(shop):
    result = run(shop, "campaign", "--country", "Germany", "--channel", "email", "--goal", "winback",
                 "--offer", "15% off")
    assert result.exit_code == 0, result.output
    assert all(f"Draft {n} · email" in result.stdout for n in (1, 2, 3)) and "Draft 4" not in result.stdout
    assert result.stdout.count("Subject:") == 3 and result.stdout.count("facts used:") == 3
    assert "15% off" in result.stdout and "written by the template writer" in result.stdout
    # the runners live in Germany and wrote no German: the drafts are English, and the user is told so
    assert "mostly reads German" in result.stderr and "drafts in English only" in result.stderr


def test_campaign_json_lists_drafts_with_the_facts_they_used(shop):
    answer = answer_of(run(shop, "campaign", "--country", "Germany", "--channel", "sms", "--goal", "loyalty",
                           "--json"), "draft_campaign")
    data = answer["steps"][0]["data"]
    assert data["channel"] == "sms" and data["goal"] == "loyalty" and data["writer"] == "template"
    assert len(data["drafts"]) == 3 and answer["steps"][0]["rows"] == 3
    assert all(d["body"].endswith("Reply STOP to opt out") and d["facts_used"] for d in data["drafts"])
    assert len({d["body"] for d in data["drafts"]}) == 3
    copyable = answer["drafts"]
    assert [d["body"] for d in copyable] == [d["body"] for d in data["drafts"]]
    assert all(d["channel"] == "sms" and d["facts_used"] for d in copyable)
    assert answer["reproduce"][0].startswith("segment-agent campaign --country Germany --channel sms --goal loyalty")


def test_campaign_length_option_shortens_and_lengthens_the_drafts(shop):
    bodies = {}
    for length in ("short", "standard", "long"):
        result = run(shop, "campaign", "--country", "Germany", "--length", length, "--json")
        answer = answer_of(result, "draft_campaign")
        data = answer["steps"][0]["data"]
        assert data["length"] == length and answer["steps"][0]["args"]["length"] == length
        assert ("--length " + length in answer["reproduce"][0]) == (length != "standard")
        bodies[length] = statistics.mean(len(d["body"]) for d in data["drafts"])
    assert bodies["short"] < bodies["standard"] < bodies["long"], bodies


def test_campaign_out_file_is_written_and_never_silently_overwritten(shop, tmp_path):
    target = tmp_path / "drafts.md"
    first = run(shop, "campaign", "--country", "France", "--channel", "push", "--goal", "cross_sell",
                "--out", str(target))
    assert first.exit_code == 0, first.output
    assert target.read_text().startswith("# Push drafts: cross_sell for customers in France")
    assert f"Wrote the drafts to {target}" in first.stdout
    again = run(shop, "campaign", "--country", "France", "--channel", "push", "--out", str(target))
    assert again.exit_code == 1 and "--force" in error_message(again)
    assert target.read_text().startswith("# Push drafts: cross_sell")
    forced = run(shop, "campaign", "--country", "France", "--channel", "push", "--out", str(target), "--force")
    assert forced.exit_code == 0 and target.read_text().startswith("# Push drafts: winback")
    as_json = tmp_path / "drafts.json"
    assert run(shop, "campaign", "--country", "France", "--out", str(as_json)).exit_code == 0
    assert len(json.loads(as_json.read_text())["drafts"]) == 3


@pytest.mark.parametrize(("option", "value", "choices"), [("--channel", "fax", "'email', 'sms', 'push'"),
                                                          ("--goal", "revenge", "'winback', 'welcome'"),
                                                          ("--length", "huge", "'short', 'standard', 'long'")])
def test_invalid_channel_goal_or_length_lists_the_options(shop, option, value, choices):
    result = run(shop, "campaign", "--country", "Germany", option, value)
    assert result.exit_code == 2 and choices in " ".join(result.output.split())


def test_offer_above_the_brand_maximum_is_refused(shop):
    result = run(shop, "campaign", "--country", "Germany", "--offer", "60% off")
    assert result.exit_code == 1 and "maximum discount of 20%" in error_message(result)


def test_brand_config_shapes_the_drafts(tmp_path):
    shop = copy_of_shared_shop(tmp_path)
    (shop / "segment-agent.toml").write_text('[brand]\nname = "Northwind"\nmax_discount_percent = 30\n'
                                             'sms_opt_out = "Text STOP to end"\n')
    result = run(shop, "campaign", "--country", "Germany", "--channel", "sms", "--offer", "25% off", "--json")
    bodies = [d["body"] for d in data_of(result, "draft_campaign")["drafts"]]
    assert len(bodies) == 3
    assert all(b.startswith("Northwind: ") and b.endswith("Text STOP to end") and "25% off" in b for b in bodies)


def test_campaign_needs_an_audience(shop):
    result = run(shop, "campaign", "--channel", "email")
    assert result.exit_code == 1 and "--segment" in error_message(result)


def test_recommend_shows_lift_tables_and_json(shop):
    table = run(shop, "recommend", "--country", "Germany")
    assert table.exit_code == 0, table.output
    assert "What to promote to customers in Germany" in table.stdout and "Trail Running" in table.stdout
    answer = answer_of(run(shop, "recommend", "--country", "Germany", "--limit", "2", "--json"), "recommend_products")
    products = answer["steps"][0]["data"]["products"]
    assert len(products) == 2 and products[0]["lift"] > 1
    assert answer["tables"][0]["title"].startswith("What to promote to customers in Germany")


def test_recommend_warnings_go_to_stderr(shop):
    result = run(shop, "recommend", "--min-orders", "1")  # everyone: lifts stay close to 1
    assert result.exit_code == 0, result.output
    assert "100% of all customers" in result.stderr and "100% of all customers" not in result.stdout


def test_export_writes_a_csv_and_refuses_to_overwrite(shop, tmp_path):
    target = tmp_path / "vip.csv"
    result = run(shop, "export", "--country", "Germany", "--value", "high", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text().splitlines()[0].startswith("email,phone_number,first_name,last_name")
    refused = run(shop, "export", "--country", "Germany", "--out", str(target))
    assert refused.exit_code == 1 and "--force" in error_message(refused)
    assert len(target.read_text().splitlines()) == 1 + 4  # still the four high-value runners
    assert run(shop, "export", "--country", "Germany", "--out", str(target), "--force").exit_code == 0
    assert len(target.read_text().splitlines()) == 1 + 20


def test_export_without_out_goes_to_the_reports_folder(shop):
    data = data_of(run(shop, "export", "--country", "France", "--format", "json", "--json"), "export_audience")
    path = Path(data["path"])
    assert path.parent == shop / "reports" and path.name.startswith("audience-customers-in-france-")
    assert path.suffix == ".json" and data["rows"] == 20 and len(json.loads(path.read_text())) == 20
    again = run(shop, "export", "--country", "France", "--format", "json")  # the same report, rewritten
    assert again.exit_code == 0 and str(path) in " ".join(again.stdout.split())


def test_export_format_must_be_csv_or_json(shop, tmp_path):
    result = run(shop, "export", "--country", "Germany", "--format", "xlsx", "--out", str(tmp_path / "a.xlsx"))
    assert result.exit_code == 1 and "choose csv or json" in error_message(result)
    assert not (tmp_path / "a.xlsx").exists()
