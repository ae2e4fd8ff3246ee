"""Acceptance on the bundled sample shop with the real model (slow: one cold embedding of ~9k texts).

One workspace is built for the module: 95% of the customers first (every 20th customer held back), a
re-run with no change, then the held-back 5% appended and a run over everyone, then five seeds. The
planted personas in ground_truth.csv are read by the test only, never by the product.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from shop_builders import run_cli
from sklearn.metrics import adjusted_rand_score

from tools.ingest.load import ingest_file
from tools.runtime.shop import Shop
from tools.segments.reading import profile_segment
from tools.segments.segmentation import SegmentationRun, run_segmentation
from tools.segments.settings import SegmentArgs, SegmentationArgs

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
HOLD_OUT_EVERY = 20  # 5% of customers arrive later
SEEDS = (1, 2, 3, 4, 5)


@dataclass
class SampleRuns:
    """Runs and assignments recorded while the module's workspace evolves."""

    shop: Shop
    truth: pd.Series
    held_out: set[str]
    runs: dict[str, SegmentationRun | dict] = field(default_factory=dict)
    assignments: dict[str, dict[str, int]] = field(default_factory=dict)


def _assignments(shop: Shop) -> dict[str, int]:
    with shop.reading() as con:
        return dict(con.execute("SELECT customer_id, segment_id FROM current_segments").fetchall())


def _split(directory: Path, held_out: set[str]) -> tuple[dict[str, Path], dict[str, Path]]:
    """Write the sample's tables twice: without the held-out customers, and only them."""
    first, later = {}, {}
    for table in ("orders", "customers", "texts"):
        frame = pd.read_csv(SAMPLE / f"{table}.csv", dtype=str, keep_default_na=False)
        late = frame["customer_id"].isin(held_out)
        first[table], later[table] = directory / f"{table}.csv", directory / f"{table}_later.csv"
        frame[~late].to_csv(first[table], index=False)
        frame[late].to_csv(later[table], index=False)
    return first, later


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleRuns]:
    if not (SAMPLE / "ground_truth.csv").is_file():
        pytest.skip("the sample shop is not generated yet (python -m data.generate)")
    truth = pd.read_csv(SAMPLE / "ground_truth.csv", dtype=str).set_index("customer_id")["persona"]
    held_out = set(sorted(truth.index)[::HOLD_OUT_EVERY])
    directory = tmp_path_factory.mktemp("sample")
    first, later = _split(directory, held_out)
    workspace = directory / "ws"
    # No encoder injected: the shop uses the bundled sentence-transformers model.
    with Shop(workspace, create=True) as shop:
        state = SampleRuns(shop, truth, held_out)
        for table, path in first.items():
            ingest_file(shop, table, path)
        state.runs["95%"] = run_segmentation(shop)
        state.assignments["95%"] = _assignments(shop)
        result = run_cli(workspace, "segment", "--json")  # the same run again, through the CLI
        assert result.exit_code == 0, result.output
        state.runs["unchanged"] = json.loads(result.stdout)["steps"][0]["data"]
        state.assignments["unchanged"] = _assignments(shop)
        for table, path in later.items():
            ingest_file(shop, table, path, mode="append")
        state.runs["100%"] = run_segmentation(shop)
        state.assignments["100%"] = _assignments(shop)
        for seed in SEEDS:
            run_segmentation(shop, SegmentationArgs(seed=seed))
            state.assignments[f"seed {seed}"] = _assignments(shop)
        yield state


def test_segments_match_the_planted_personas(sample_runs: SampleRuns) -> None:
    assigned = sample_runs.assignments["100%"]
    ari = adjusted_rand_score(sample_runs.truth.loc[list(assigned)], list(assigned.values()))
    print(f"ARI vs planted personas: {ari:.3f} (K={sample_runs.runs['100%'].k})")
    assert sample_runs.runs["100%"].k == sample_runs.truth.nunique()
    assert ari >= 0.90


def test_different_seeds_give_the_same_segments(sample_runs: SampleRuns) -> None:
    labelings = [list(sample_runs.assignments[f"seed {s}"].values()) for s in SEEDS]
    pairwise = [adjusted_rand_score(a, b) for a, b in itertools.combinations(labelings, 2)]
    mean = sum(pairwise) / len(pairwise)
    print(f"mean pairwise ARI over seeds {SEEDS}: {mean:.4f} (min {min(pairwise):.4f})")
    assert mean >= 0.95


def test_rerun_without_changes_keeps_every_id_and_embeds_nothing(sample_runs: SampleRuns) -> None:
    again = sample_runs.runs["unchanged"]
    assert again["embedding"]["embedded"] == 0
    assert {s["status"] for s in again["segments"]} == {"continued"}
    assert sample_runs.assignments["unchanged"] == sample_runs.assignments["95%"]


def test_five_percent_new_customers_keep_the_segment_ids(sample_runs: SampleRuns) -> None:
    before, after = sample_runs.runs["95%"], sample_runs.runs["100%"]
    assert {s.id for s in after.segments} == {s.id for s in before.segments}
    assert {s.status for s in after.segments} == {"continued"}
    old, new = sample_runs.assignments["95%"], sample_runs.assignments["100%"]
    kept = sum(new[c] == segment for c, segment in old.items()) / len(old)
    print(f"customers keeping their segment id after +5% customers: {kept:.2%}; "
          f"new pieces embedded: {after.embedding.embedded}")
    assert kept >= 0.97
    assert after.embedding.embedded <= 0.1 * before.embedding.embedded


def test_no_personal_data_in_profiles(sample_runs: SampleRuns) -> None:
    shop = sample_runs.shop
    with shop.reading() as con:
        people = con.execute("SELECT name, email, phone FROM customers").fetchall()
        run_ids = [r[0] for r in con.execute("SELECT run_id FROM segment_runs").fetchall()]
        stored = " ".join(r[0] for r in con.execute("SELECT profile FROM segment_definitions").fetchall())
    profiles = [profile_segment(shop, SegmentArgs(segment=str(s.id))) for s in sample_runs.runs["100%"].segments]
    shown = json.dumps([[p.data(), p.facts(), [t.rows for t in p.tables()]] for p in profiles], default=str)
    text = (stored + shown).lower()
    leaks = [value for name, email, phone in people for value in (name, email, phone)
             if value and value.lower() in text]
    assert len(run_ids) == 3 + len(SEEDS) and leaks == []
