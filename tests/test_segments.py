"""Segments end to end on a tiny three-hobby shop, with a fake encoder plugged into the real pipeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeEncoder, ingest_shop, planted_persona, write_segment_shop
from shop_builders import RUNNER, open_shop
from sklearn.metrics import adjusted_rand_score
from typer.testing import Result

from tools.errors import UserError
from tools.runtime.shop import Shop
from tools.segments.reading import (
    SegmentProfile,
    compare_segments,
    profile_segment,
    segment_overview,
    segment_vocabulary,
)
from tools.segments.segmentation import run_segmentation
from tools.segments.settings import CompareArgs, SegmentArgs, SegmentationArgs


def _current(shop: Shop) -> dict[str, int]:
    with shop.reading() as con:
        return dict(con.execute("SELECT customer_id, segment_id FROM current_segments").fetchall())


def _segment_of(shop: Shop, persona: str) -> int:
    """The id most of a planted persona's customers landed in."""
    ids = [seg for cid, seg in _current(shop).items() if planted_persona(cid) == persona]
    return max(set(ids), key=ids.count)


def _profile(shop: Shop, segment: object) -> SegmentProfile:
    return profile_segment(shop, SegmentArgs(segment=str(segment)))


def _members(shop: Shop, segment: int) -> list[str]:
    """A segment's customer ids as find_customers lists them (sorted by id)."""
    from tools.behaviour.customers import CustomerQuery, find_customers

    result = find_customers(shop, CustomerQuery(segment=str(segment), sort_by="customer_id", limit=1_000_000))
    column = result.columns.index("customer_id")
    return [row[column] for row in result.rows]


@pytest.fixture
def shop(segment_shop: Path, fake_encoder: FakeEncoder) -> Iterator[Shop]:
    """The tiny shop opened with the fake encoder (one store connection for the whole test)."""
    with open_shop(segment_shop, encoder=fake_encoder) as opened:
        yield opened


def test_segments_recover_the_planted_hobbies(shop: Shop) -> None:
    stages: list[str] = []
    run = run_segmentation(shop, SegmentationArgs(seed=1), progress=lambda stage, _done, _total: stages.append(stage))
    assignments = _current(shop)
    assert stages[0] == "features" and stages[-1] == "saving" and "embedding" in stages
    assert run.k == 3 and run.k_chosen_by == "auto" and len(assignments) == 24
    truth = [planted_persona(c) for c in assignments]
    assert adjusted_rand_score(truth, list(assignments.values())) == 1.0
    assert sorted(s.id for s in run.segments) == [1, 2, 3]


def test_rerun_without_changes_embeds_nothing_and_keeps_ids(shop: Shop, fake_encoder: FakeEncoder) -> None:
    first = run_segmentation(shop)
    before, calls = _current(shop), fake_encoder.calls
    second = run_segmentation(shop)
    assert fake_encoder.calls == calls, "unchanged texts must not be embedded again"
    assert second.embedding.embedded == 0 and second.embedding.cached == first.embedding.distinct
    assert _current(shop) == before
    assert [(s.id, s.name, s.slug) for s in second.segments] == [(s.id, s.name, s.slug) for s in first.segments]
    assert {s.status for s in second.segments} == {"continued"} and second.run_id == first.run_id + 1


def test_new_customers_join_existing_segments_and_only_new_text_is_embedded(
        shop: Shop, segment_shop: Path, fake_encoder: FakeEncoder, tmp_path: Path) -> None:
    run_segmentation(shop)
    runner_segment = _segment_of(shop, "runner")
    paths = write_segment_shop(tmp_path / "more", per_persona=2, prefix="N")
    with paths["texts"].open("a", encoding="utf-8") as handle:
        handle.write('NR001,"Ran my first trail race in these, marathon next",2024-03-09,review\n')
    ingest_shop(segment_shop, paths, mode="append")  # another command, with its own store connection
    fake_encoder.texts.clear()
    run = run_segmentation(shop)
    assert fake_encoder.texts == ["Ran my first trail race in these, marathon next"]
    assert {s.status for s in run.segments} == {"continued"} and len(_current(shop)) == 30
    assert _current(shop)["NR001"] == runner_segment


def test_profiles_carry_evidence(shop: Shop) -> None:
    run_segmentation(shop)
    runners = _profile(shop, _segment_of(shop, "runner"))
    assert runners.size == 8 and runners.share == pytest.approx(1 / 3, abs=1e-3)
    assert runners.top_categories[0]["name"] == "Running" and runners.top_categories[0]["lift"] == 3.0
    assert "marathon" in runners.terms
    assert runners.name.startswith("Running") and runners.slug == runners.name.lower().replace(" · ", "-")
    assert 1 <= len(runners.representative_texts) <= 3
    assert runners.rfm["frequency"] >= 2 and runners.revenue_share is not None
    assert runners.writers_share == pytest.approx(6 / 8)


def test_no_personal_data_in_any_profile(shop: Shop) -> None:
    run_segmentation(shop)
    with shop.reading() as con:
        people = con.execute("SELECT name, email, phone FROM customers").fetchall()
        stored = " ".join(row[0] for row in con.execute("SELECT profile FROM segment_definitions").fetchall())
        summary = con.execute("SELECT summary FROM segment_runs").fetchone()[0]
    profiles = [_profile(shop, i) for i in (1, 2, 3)]
    shown = json.dumps([[p.data(), p.facts(), [t.rows for t in p.tables()]] for p in profiles], default=str)
    for text in (stored, summary, shown):
        for name, email, phone in people:
            for value in (name, *name.split(), email, phone, phone.replace(" ", "")):
                assert value.lower() not in text.lower(), f"{value} leaked into a profile"


def test_quotes_are_redacted_with_the_customers_table(shop: Shop) -> None:
    import numpy as np

    from tools.privacy.redaction import PiiDirectory
    from tools.segments.profiles import representative_texts

    with shop.reading() as con:
        pii = PiiDirectory.load(con)
        name, email, phone = con.execute("SELECT name, email, phone FROM customers WHERE customer_id = 'R000'"
                                         ).fetchone()
    text = (f"Marathon shoes are great. My name is {name}, email me at {email} or call {phone}. "
            f"Thanks, {name.split()[0]}")
    quotes = representative_texts([text], ["R000"], np.ones((1, 2), dtype=np.float32), np.ones(2), pii)
    assert quotes == ["Marathon shoes are great. My name is [name], email me at [email] or call [phone]. "
                      "Thanks, [name]"]


def test_shop_without_texts_is_segmented_by_what_customers_bought(
        shop_without_texts: Path, fake_encoder: FakeEncoder) -> None:
    with open_shop(shop_without_texts, encoder=fake_encoder) as shop:
        run = run_segmentation(shop, SegmentationArgs(k=3))
        assignments = _current(shop)
        truth = [planted_persona(c) for c in assignments]
        assert adjusted_rand_score(truth, list(assignments.values())) == 1.0
        profile = _profile(shop, run.segments[0].id)
    assert profile.representative_texts == [] and profile.writers_share == 0.0
    assert profile.terms, "terms come from product names when nobody wrote anything"


def test_lookup_by_id_slug_or_name_and_helpful_unknown(shop: Shop) -> None:
    run = run_segmentation(shop)
    first = run.segments[0]
    assert _profile(shop, first.slug).id == first.id
    assert _profile(shop, first.name.upper()).id == first.id
    assert _profile(shop, f"segment {first.id}").id == first.id
    with pytest.raises(UserError, match=r"No segment 'nope'; segments are: 1 \(.+\), 2 .*3 "):
        _profile(shop, "nope")


def test_overview_compare_and_members(shop: Shop) -> None:
    run_segmentation(shop)
    overview = segment_overview(shop)
    assert overview.k == 3 and sum(s.size for s in overview.segments) == 24
    runners, bakers = _segment_of(shop, "runner"), _segment_of(shop, "baker")
    comparison = compare_segments(shop, CompareArgs(segments=[str(runners), str(bakers)]))
    top = comparison.categories[0]
    assert {top["name"], comparison.categories[1]["name"]} == {"Running", "Kitchen"}
    assert "marathon" in comparison.terms_only_a
    members = _members(shop, runners)
    assert len(members) == 8 and members == sorted(members)
    assert {planted_persona(c) for c in members} == {"runner"}
    with shop.reading() as con:
        by_sql = con.execute("SELECT customer_id FROM current_segments WHERE segment_id = ? ORDER BY 1",
                             [runners]).fetchall()
    assert [cid for (cid,) in by_sql] == members
    with pytest.raises(UserError, match="two different segments"):
        compare_segments(shop, CompareArgs(segments=[str(runners), str(runners)]))


def test_vocabulary_is_empty_before_the_first_run(shop: Shop, tmp_path: Path) -> None:
    with open_shop(tmp_path / "nowhere") as nowhere:
        assert segment_vocabulary(nowhere) == []
    assert not (tmp_path / "nowhere").exists(), "asking for the vocabulary must not create a workspace"
    assert segment_vocabulary(shop) == []
    run_segmentation(shop)
    words = {word for entry in segment_vocabulary(shop) for word in entry["words"]}
    assert {"marathon", "Running"} <= words


def test_current_segments_is_empty_before_the_first_run(shop: Shop) -> None:
    assert _current(shop) == {}
    run_segmentation(shop)
    assert len(_current(shop)) == 24


def test_a_failed_save_leaves_the_previous_segments(shop: Shop, segment_shop: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import tools.segments.runs as runs

    run_segmentation(shop)
    before = _current(shop)
    save_run = runs.save_run

    def save_then_fail(con: Any, record: Any) -> int:
        # Fails after the run, its definitions and its assignments were inserted, before the commit.
        save_run(con, record)
        raise RuntimeError("disk full while saving")

    monkeypatch.setattr(runs, "save_run", save_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        run_segmentation(shop, SegmentationArgs(k=2))
    monkeypatch.undo()
    assert _current(shop) == before
    assert segment_overview(shop).run_id == 1
    with open_shop(segment_shop) as other:  # another process sees the same: nothing of the failed run
        assert _current(other) == before and segment_overview(other).k == 3


def test_no_orders_or_workspace_says_what_to_run(tmp_path: Path, fake_encoder: FakeEncoder) -> None:
    with open_shop(tmp_path / "missing", encoder=fake_encoder) as missing:
        with pytest.raises(UserError, match="segment-agent ingest orders"):
            run_segmentation(missing)
    with open_shop(tmp_path / "empty", create=True, encoder=fake_encoder) as empty:
        with pytest.raises(UserError, match="no orders yet: run  segment-agent ingest orders"):
            run_segmentation(empty)
        with pytest.raises(UserError, match="No segments yet: run  segment-agent segment"):
            segment_overview(empty)
    assert not (tmp_path / "missing").exists(), "a failed segmentation must not create a workspace folder"


# --- CLI -------------------------------------------------------------------------------------------------------


def _cli(workspace: Path, encoder: FakeEncoder, *args: str) -> Result:
    """Run the CLI with the fake encoder injected (the real model is exercised by the slow tests)."""
    from agent.cli import app
    from agent.runtime import AgentProviders

    return RUNNER.invoke(app, ["-w", str(workspace), *args], obj=AgentProviders(encoder=encoder))


def _data(result: Result) -> dict[str, Any]:
    """The tool's result inside a command's --json answer object."""
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["planner"] == "direct" and answer["status"] == "answered" and len(answer["steps"]) == 1
    return answer["steps"][0]["data"]


def test_cli_segment_and_segments_commands(segment_shop: Path, fake_encoder: FakeEncoder) -> None:
    result = _cli(segment_shop, fake_encoder, "segment", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "Segmented 24 customers into 3 segments" in result.output
    assert "K search" in result.output and "←" in result.output
    overview = _cli(segment_shop, fake_encoder, "segments")
    assert overview.exit_code == 0 and "3 segments over 24 customers" in overview.output
    with open_shop(segment_shop) as shop:
        runners = _segment_of(shop, "runner")
        names = {s.id: s.name for s in segment_overview(shop).segments}
    shown = _cli(segment_shop, fake_encoder, "segments", "show", str(runners))
    assert shown.exit_code == 0 and f"What segment {runners} buys more than other customers" in shown.output
    assert f"Segment {runners} in their own words (redacted)" in shown.output and "marathon" in shown.output
    compared = _cli(segment_shop, fake_encoder, "segments", "compare", "1", "2")
    assert compared.exit_code == 0 and f"Only {names[1]} talks about" in compared.output
    assert "Segment 1 vs 2" in compared.output and "Categories that differ most" in compared.output


def test_cli_json_outputs(segment_shop: Path, fake_encoder: FakeEncoder) -> None:
    run = _data(_cli(segment_shop, fake_encoder, "segment", "--k", "3", "--json"))
    assert run["k"] == 3 and run["k_chosen_by"] == "given" and len(run["segments"]) == 3
    overview = _data(_cli(segment_shop, fake_encoder, "segments", "--json"))
    assert [s["id"] for s in overview["segments"]] == [1, 2, 3]
    profile = _data(_cli(segment_shop, fake_encoder, "segments", "show", "2", "--json"))
    assert profile["id"] == 2 and "top_categories" in profile
    comparison = _data(_cli(segment_shop, fake_encoder, "segments", "compare", "1", "3", "--json"))
    assert comparison["a"]["id"] == 1 and comparison["b"]["id"] == 3


def test_cli_user_errors(segment_shop: Path, fake_encoder: FakeEncoder, tmp_path: Path) -> None:
    missing = _cli(tmp_path / "none", fake_encoder, "segment")
    assert missing.exit_code == 1 and "segment-agent ingest orders" in missing.output
    before = _cli(segment_shop, fake_encoder, "segments", "show", "1")
    assert before.exit_code == 1 and "run  segment-agent segment" in before.output
    assert _cli(segment_shop, fake_encoder, "segment").exit_code == 0
    unknown = _cli(segment_shop, fake_encoder, "segments", "show", "99")
    assert unknown.exit_code == 1 and "No segment '99'; segments are: 1 (" in unknown.output
    assert not (tmp_path / "none").exists(), "a failed segment command must not create a workspace folder"


# --- naming ----------------------------------------------------------------------------------------------------


def test_rule_based_names_read_like_a_marketer_would_say_them() -> None:
    from tools.segments.naming import Item, RuleBasedNamer, SegmentEvidence, slugify, unique_names, unique_slugs

    namer = RuleBasedNamer()
    runners = SegmentEvidence(["running", "marathon", "trail"], [Item("Running", 3.8, 1.0),
                                                               Item("Fitness & Yoga", 1.2, 0.31)])
    assert namer.name(runners) == "Running · marathon"
    yoga = SegmentEvidence(["yoga", "wellness routine"], [Item("Beauty & Wellness", 3.2, 0.74),
                                                          Item("Fitness & Yoga", 2.8, 0.9)])
    assert namer.name(yoga) == "Fitness & Yoga · wellness routine"  # the category the top term names
    bargain_hunters = SegmentEvidence(["price", "discount"], [Item("Beauty & Wellness", 2.1, 0.4)])
    assert namer.name(bargain_hunters) == "Price & discount"  # buys a bit of everything: named by its words
    assert namer.name(SegmentEvidence(["bag", "jumbo bag", "lunch bag"])) == "Jumbo bag & lunch bag"
    assert slugify("Fitness & Yoga · wellness routine") == "fitness-yoga-wellness-routine"
    assert unique_names(["Pets · dog", "pets · dog"], {"Running"}) == ["Pets · dog", "pets · dog (2)"]
    assert unique_slugs(["pets-dog", "pets-dog", "7"], {"running"}) == ["pets-dog", "pets-dog-2", "7-2"]
