"""Segments end to end on a tiny three-hobby shop, with a fake encoder plugged into the real pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FakeEncoder, ingest_shop, planted_persona, write_segment_shop
from shop_builders import run_cli
from sklearn.metrics import adjusted_rand_score

from tools.errors import UserError
from tools.segments.reading import (
    compare_segments,
    profile_segment,
    run_segmentation,
    segment_customer_ids,
    segment_overview,
    segment_vocabulary,
)
from tools.store.workspace import Workspace


def _current(workspace: Path) -> dict[str, int]:
    with Workspace(workspace).connect(read_only=True) as con:
        return dict(con.execute("SELECT customer_id, segment_id FROM current_segments").fetchall())


def _segment_of(workspace: Path, persona: str) -> int:
    """The id most of a planted persona's customers landed in."""
    ids = [seg for cid, seg in _current(workspace).items() if planted_persona(cid) == persona]
    return max(set(ids), key=ids.count)


def test_segments_recover_the_planted_hobbies(segment_shop: Path, fake_encoder: FakeEncoder) -> None:
    run = run_segmentation(segment_shop, encoder=fake_encoder, seed=1)
    assignments = _current(segment_shop)
    assert run.k == 3 and run.k_chosen_by == "auto" and len(assignments) == 24
    truth = [planted_persona(c) for c in assignments]
    assert adjusted_rand_score(truth, list(assignments.values())) == 1.0
    assert sorted(s.id for s in run.segments) == [1, 2, 3]


def test_rerun_without_changes_embeds_nothing_and_keeps_ids(segment_shop: Path, fake_encoder: FakeEncoder) -> None:
    first = run_segmentation(segment_shop, encoder=fake_encoder)
    before, calls = _current(segment_shop), fake_encoder.calls
    second = run_segmentation(segment_shop, encoder=fake_encoder)
    assert fake_encoder.calls == calls, "unchanged texts must not be embedded again"
    assert second.embedding.embedded == 0 and second.embedding.cached == first.embedding.distinct
    assert _current(segment_shop) == before
    assert [(s.id, s.name, s.slug) for s in second.segments] == [(s.id, s.name, s.slug) for s in first.segments]
    assert {s.status for s in second.segments} == {"continued"} and second.run_id == first.run_id + 1


def test_new_customers_join_existing_segments_and_only_new_text_is_embedded(
        segment_shop: Path, fake_encoder: FakeEncoder, tmp_path: Path) -> None:
    run_segmentation(segment_shop, encoder=fake_encoder)
    runner_segment = _segment_of(segment_shop, "runner")
    paths = write_segment_shop(tmp_path / "more", per_persona=2, prefix="N")
    with paths["texts"].open("a", encoding="utf-8") as handle:
        handle.write('NR001,"Ran my first trail race in these, marathon next",2024-03-09,review\n')
    ingest_shop(segment_shop, paths, mode="append")
    fake_encoder.texts.clear()
    run = run_segmentation(segment_shop, encoder=fake_encoder)
    assert fake_encoder.texts == ["Ran my first trail race in these, marathon next"]
    assert {s.status for s in run.segments} == {"continued"} and len(_current(segment_shop)) == 30
    assert _current(segment_shop)["NR001"] == runner_segment


def test_profiles_carry_evidence(segment_shop: Path, fake_encoder: FakeEncoder) -> None:
    run_segmentation(segment_shop, encoder=fake_encoder)
    runners = profile_segment(segment_shop, _segment_of(segment_shop, "runner"))
    assert runners.size == 8 and runners.share == pytest.approx(1 / 3, abs=1e-3)
    assert runners.top_categories[0]["name"] == "Running" and runners.top_categories[0]["lift"] == 3.0
    assert "marathon" in runners.terms
    assert runners.name.startswith("Running") and runners.slug == runners.name.lower().replace(" · ", "-")
    assert 1 <= len(runners.representative_texts) <= 3
    assert runners.rfm["frequency"] >= 2 and runners.revenue_share is not None
    assert runners.writers_share == pytest.approx(6 / 8)


def test_no_personal_data_in_any_profile(segment_shop: Path, fake_encoder: FakeEncoder) -> None:
    run_segmentation(segment_shop, encoder=fake_encoder)
    with Workspace(segment_shop).connect(read_only=True) as con:
        people = con.execute("SELECT name, email, phone FROM customers").fetchall()
        stored = " ".join(row[0] for row in con.execute("SELECT profile FROM segment_definitions").fetchall())
        summary = con.execute("SELECT summary FROM segment_runs").fetchone()[0]
    shown = json.dumps([profile_segment(segment_shop, i).__dict__ for i in (1, 2, 3)], default=str)
    for text in (stored, summary, shown):
        for name, email, phone in people:
            for value in (name, *name.split(), email, phone, phone.replace(" ", "")):
                assert value.lower() not in text.lower(), f"{value} leaked into a profile"


def test_quotes_are_redacted_with_the_customers_table(segment_shop: Path) -> None:
    import numpy as np

    from tools.privacy.redaction import PiiDirectory
    from tools.segments.profiles import representative_texts

    with Workspace(segment_shop).connect(read_only=True) as con:
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
    run = run_segmentation(shop_without_texts, encoder=fake_encoder, k=3)
    truth = [planted_persona(c) for c in _current(shop_without_texts)]
    assert adjusted_rand_score(truth, list(_current(shop_without_texts).values())) == 1.0
    profile = profile_segment(shop_without_texts, run.segments[0].id)
    assert profile.representative_texts == [] and profile.writers_share == 0.0
    assert profile.terms, "terms come from product names when nobody wrote anything"


def test_lookup_by_id_slug_or_name_and_helpful_unknown(segment_shop: Path, fake_encoder: FakeEncoder) -> None:
    run = run_segmentation(segment_shop, encoder=fake_encoder)
    first = run.segments[0]
    assert profile_segment(segment_shop, first.slug).id == first.id
    assert profile_segment(segment_shop, first.name.upper()).id == first.id
    assert profile_segment(segment_shop, f"segment {first.id}").id == first.id
    with pytest.raises(UserError, match=r"No segment 'nope'; segments are: 1 \(.+\), 2 .*3 "):
        profile_segment(segment_shop, "nope")


def test_overview_compare_and_members(segment_shop: Path, fake_encoder: FakeEncoder) -> None:
    run_segmentation(segment_shop, encoder=fake_encoder)
    overview = segment_overview(segment_shop)
    assert overview.k == 3 and sum(s.size for s in overview.segments) == 24
    runners, bakers = _segment_of(segment_shop, "runner"), _segment_of(segment_shop, "baker")
    comparison = compare_segments(segment_shop, str(runners), str(bakers))
    top = comparison.categories[0]
    assert {top["name"], comparison.categories[1]["name"]} == {"Running", "Kitchen"}
    assert "marathon" in comparison.terms_only_a
    members = segment_customer_ids(segment_shop, runners)
    assert members == sorted(members) and {planted_persona(c) for c in members} == {"runner"}
    with pytest.raises(UserError, match="two different segments"):
        compare_segments(segment_shop, runners, runners)


def test_vocabulary_is_empty_before_the_first_run(segment_shop: Path, fake_encoder: FakeEncoder,
                                                  tmp_path: Path) -> None:
    assert segment_vocabulary(tmp_path / "nowhere") == []
    assert segment_vocabulary(segment_shop) == []
    run_segmentation(segment_shop, encoder=fake_encoder)
    words = {word for entry in segment_vocabulary(segment_shop) for word in entry["words"]}
    assert {"marathon", "Running"} <= words


def test_a_failed_save_leaves_the_previous_segments(segment_shop: Path, fake_encoder: FakeEncoder,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import tools.segments.runs as store

    run_segmentation(segment_shop, encoder=fake_encoder)
    before = _current(segment_shop)
    # The last statement of the save fails, after the run, definitions and assignments were inserted.
    monkeypatch.setattr(store, "CURRENT_SEGMENTS_VIEW", "SELECT no_such_column FROM segment_runs")
    with pytest.raises(Exception, match="no_such_column"):
        run_segmentation(segment_shop, encoder=fake_encoder, k=2)
    monkeypatch.undo()
    assert _current(segment_shop) == before
    assert segment_overview(segment_shop).run_id == 1


def test_no_orders_or_workspace_says_what_to_run(tmp_path: Path, fake_encoder: FakeEncoder) -> None:
    with pytest.raises(UserError, match="segment-agent ingest orders"):
        run_segmentation(tmp_path / "missing", encoder=fake_encoder)
    Workspace.create(tmp_path / "empty")
    with pytest.raises(UserError, match="no orders yet: run  segment-agent ingest orders"):
        run_segmentation(tmp_path / "empty", encoder=fake_encoder)
    with pytest.raises(UserError, match="No segments yet: run  segment-agent segment"):
        segment_overview(tmp_path / "empty")


# --- CLI -------------------------------------------------------------------------------------------------------


@pytest.fixture
def cli_encoder(monkeypatch: pytest.MonkeyPatch, fake_encoder: FakeEncoder) -> FakeEncoder:
    """Make the CLI use the fake encoder (the real model is exercised by the slow tests)."""
    import tools.segments.reading

    monkeypatch.setattr(tools.segments.reading, "_default_encoder", lambda settings: fake_encoder)
    return fake_encoder


def test_cli_segment_and_segments_commands(segment_shop: Path, cli_encoder: FakeEncoder) -> None:
    result = run_cli(segment_shop, "segment", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "Segmented 24 customers into 3 segments" in result.output and "← chosen" in result.output
    overview = run_cli(segment_shop, "segments")
    assert overview.exit_code == 0 and "3 segments" in overview.output
    runners = _segment_of(segment_shop, "runner")
    shown = run_cli(segment_shop, "segments", "show", str(runners))
    assert shown.exit_code == 0 and "What they buy more than other customers" in shown.output
    assert "In their own words" in shown.output and "marathon" in shown.output
    compared = run_cli(segment_shop, "segments", "compare", "1", "2")
    assert compared.exit_code == 0 and "Only 1 talks about" in compared.output


def test_cli_json_outputs(segment_shop: Path, cli_encoder: FakeEncoder) -> None:
    run = json.loads(run_cli(segment_shop, "segment", "--k", "3", "--json").stdout)
    assert run["k"] == 3 and run["k_chosen_by"] == "given" and len(run["segments"]) == 3
    overview = json.loads(run_cli(segment_shop, "segments", "--json").stdout)
    assert [s["id"] for s in overview["segments"]] == [1, 2, 3]
    profile = json.loads(run_cli(segment_shop, "segments", "show", "2", "--json").stdout)
    assert profile["id"] == 2 and "top_categories" in profile
    comparison = json.loads(run_cli(segment_shop, "segments", "compare", "1", "3", "--json").stdout)
    assert comparison["a"]["id"] == 1 and comparison["b"]["id"] == 3


def test_cli_user_errors(segment_shop: Path, cli_encoder: FakeEncoder, tmp_path: Path) -> None:
    missing = run_cli(tmp_path / "none", "segment")
    assert missing.exit_code == 1 and "segment-agent ingest orders" in missing.output
    before = run_cli(segment_shop, "segments", "show", "1")
    assert before.exit_code == 1 and "run  segment-agent segment" in before.output
    run_cli(segment_shop, "segment")
    unknown = run_cli(segment_shop, "segments", "show", "99")
    assert unknown.exit_code == 1 and "No segment '99'; segments are: 1 (" in unknown.output


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
