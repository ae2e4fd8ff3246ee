"""``segment --engine ray``: Ray Data embedding and assignment agree with the local engine (DESIGN.md §12).

One local Ray (2 CPUs, one embedding actor) is shared by the whole test run. On the bundled sample shop with the
real model, the local engine runs first; then part of the embedding cache is dropped so the Ray engine has to
embed those texts itself (with the model-holding actor), and its run must give the same assignments (ARI ≥ 0.99),
the same vectors for the re-embedded texts and the same segment ids.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from shop_builders import error_message, run_cli
from sklearn.metrics import adjusted_rand_score

from tools.ingest.load import ingest_file
from tools.ingest.sample_shop import sample_files
from tools.runtime.shop import Shop
from tools.segments.ray_engine import INSTALL_HINT, RayEngine
from tools.segments.segmentation import run_segmentation

DROPPED = 300  # cached texts the Ray engine must embed again


@pytest.fixture(scope="session")
def ray_session() -> Iterator[None]:
    ray = pytest.importorskip("ray", reason="the [ray] extra is not installed (pip install -e '.[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=300 * 1024**2)
    yield
    ray.shutdown()


def _assignments(shop: Shop) -> dict[str, int]:
    with shop.reading() as con:
        return dict(con.execute("SELECT customer_id, segment_id FROM current_segments ORDER BY 1").fetchall())


@pytest.mark.slow
def test_ray_engine_matches_the_local_engine_on_the_sample_shop(ray_session: None, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    with Shop(workspace, create=True) as shop:
        for table, path in sample_files().items():
            ingest_file(shop, table, path)
        local = run_segmentation(shop)
        local_assigned = _assignments(shop)
        with shop.writing() as con:
            dropped = [h for (h,) in con.execute("SELECT text_hash FROM embedding_cache ORDER BY text_hash LIMIT ?",
                                                 [DROPPED]).fetchall()]
            before = {h: bytes(v) for h, v in con.execute(
                "SELECT text_hash, vector FROM embedding_cache WHERE text_hash IN (SELECT unnest(?))",
                [dropped]).fetchall()}
            con.execute("DELETE FROM embedding_cache WHERE text_hash IN (SELECT unnest(?))", [dropped])
        on_ray = run_segmentation(shop, engine=RayEngine())
        ray_assigned = _assignments(shop)
        with shop.reading() as con:
            after = {h: bytes(v) for h, v in con.execute(
                "SELECT text_hash, vector FROM embedding_cache WHERE text_hash IN (SELECT unnest(?))",
                [dropped]).fetchall()}
    assert on_ray.embedding.embedded == DROPPED and on_ray.embedding.cached == local.embedding.distinct - DROPPED
    assert set(after) == set(dropped)
    # The default int8 ONNX model quantises activations per batch, so a text's vector depends slightly on the
    # texts batched with it: the same text embedded in another batch agrees in direction, not bit for bit
    # (DESIGN.md §6: cosine ≥0.98 between batchings; measured here min 0.985, mean 0.993).
    cosines = [float(np.frombuffer(after[h], np.float32) @ np.frombuffer(before[h], np.float32)) for h in dropped]
    gap = 1.0 - min(cosines)
    assert min(cosines) >= 0.98 and float(np.mean(cosines)) >= 0.99, f"lowest cosine to the local vector {1 - gap}"
    assert list(ray_assigned) == list(local_assigned)
    ari = adjusted_rand_score(list(local_assigned.values()), list(ray_assigned.values()))
    print(f"ARI local vs Ray: {ari:.4f} (K={local.k} / {on_ray.k}); re-embedded {DROPPED}, "
          f"lowest cosine to local vectors {1 - gap:.4f}")
    assert on_ray.k == local.k and ari >= 0.99
    assert {s.id for s in on_ray.segments} == {s.id for s in local.segments}
    assert {s.status for s in on_ray.segments} == {"continued"}

    result = run_cli(workspace, "segment", "--engine", "ray", "--json")  # the CLI joins the running Ray
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["steps"][0]["data"]
    assert data["embedding"]["embedded"] == 0 and {s["status"] for s in data["segments"]} == {"continued"}


@pytest.mark.slow
def test_ray_engine_with_a_given_k_and_a_fake_encoder(ray_session: None, segment_shop: Path, fake_encoder) -> None:
    from shop_builders import open_shop

    with open_shop(segment_shop, encoder=fake_encoder) as shop:
        from tools.segments.settings import SegmentationArgs

        local = run_segmentation(shop, SegmentationArgs(k=3))
        local_assigned = _assignments(shop)
    with open_shop(segment_shop, encoder=fake_encoder) as shop:
        on_ray = run_segmentation(shop, SegmentationArgs(k=3), engine=RayEngine())
        assert _assignments(shop) == local_assigned
    assert on_ray.embedding.embedded == 0 and [s.id for s in on_ray.segments] == [s.id for s in local.segments]


def test_engine_ray_without_ray_installed_says_how_to_install(segment_shop: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError, as without the extra
    result = run_cli(segment_shop, "segment", "--engine", "ray")
    assert result.exit_code == 1
    assert error_message(result) == " ".join(INSTALL_HINT.split())


def test_unknown_engine_and_stray_address_are_one_sentence_errors(segment_shop: Path) -> None:
    unknown = run_cli(segment_shop, "segment", "--engine", "spark")
    assert unknown.exit_code == 1 and "Unknown engine 'spark'" in error_message(unknown)
    stray = run_cli(segment_shop, "segment", "--address", "10.0.0.1:6379")
    assert stray.exit_code == 1 and "only applies with --engine ray" in error_message(stray)
