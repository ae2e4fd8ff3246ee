"""Acceptance on the bundled sample shop with the real model (slow: one cold embedding of ~9k texts).

One workspace is built for the module: 95% of the customers first (every 20th customer held back), a
re-run with no change, then the held-back 5% appended and a run over everyone, then five seeds. The
planted personas in ground_truth.csv are read by the test only, never by the product.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from shop_builders import run_cli
from sklearn.metrics import adjusted_rand_score

from tools.ingest.load import ingest_file
from tools.segments.reading import SegmentationRun, profile_segment, run_segmentation
from tools.store.workspace import Workspace

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
HOLD_OUT_EVERY = 20  # 5% of customers arrive later
SEEDS = (1, 2, 3, 4, 5)


@dataclass
class SampleRuns:
    """Runs and assignments recorded while the module's workspace evolves."""

    workspace: Path
    truth: pd.Series
    held_out: set[str]
    runs: dict[str, SegmentationRun] = field(default_factory=dict)
    assignments: dict[str, dict[str, int]] = field(default_factory=dict)


def _assignments(workspace: Path) -> dict[str, int]:
    with Workspace(workspace).connect(read_only=True) as con:
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
def sample_runs(tmp_path_factory: pytest.TempPathFactory) -> SampleRuns:
    if not (SAMPLE / "ground_truth.csv").is_file():
        pytest.skip("the sample shop is not generated yet (python -m data.generate)")
    truth = pd.read_csv(SAMPLE / "ground_truth.csv", dtype=str).set_index("customer_id")["persona"]
    held_out = set(sorted(truth.index)[::HOLD_OUT_EVERY])
    directory = tmp_path_factory.mktemp("sample")
    first, later = _split(directory, held_out)
    state = SampleRuns(directory / "ws", truth, held_out)
    for table, path in first.items():
        ingest_file(state.workspace, table, path)
    state.runs["95%"] = run_segmentation(state.workspace)
    state.assignments["95%"] = _assignments(state.workspace)
    result = run_cli(state.workspace, "segment", "--json")  # the same run again, through the CLI
    assert result.exit_code == 0, result.output
    state.runs["unchanged"] = json.loads(result.stdout)
    state.assignments["unchanged"] = _assignments(state.workspace)
    for table, path in later.items():
        ingest_file(state.workspace, table, path, mode="append")
    state.runs["100%"] = run_segmentation(state.workspace)
    state.assignments["100%"] = _assignments(state.workspace)
    for seed in SEEDS:
        run_segmentation(state.workspace, seed=seed)
        state.assignments[f"seed {seed}"] = _assignments(state.workspace)
    return state


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
    with Workspace(sample_runs.workspace).connect(read_only=True) as con:
        people = con.execute("SELECT name, email, phone FROM customers").fetchall()
        run_ids = [r[0] for r in con.execute("SELECT run_id FROM segment_runs").fetchall()]
        stored = " ".join(r[0] for r in con.execute("SELECT profile FROM segment_definitions").fetchall())
    shown = json.dumps([profile_segment(sample_runs.workspace, s.id).__dict__
                        for s in sample_runs.runs["100%"].segments], default=str)
    text = (stored + shown).lower()
    leaks = [value for name, email, phone in people for value in (name, email, phone)
             if value and value.lower() in text]
    assert len(run_ids) == 3 + len(SEEDS) and leaks == []
