"""Embedding throughput: the product's cached path vs plain ``SentenceTransformer.encode``.

Same texts, same model (all-MiniLM-L6-v2, bundled). The baseline is what a data scientist would write
first: ``model.encode(texts, normalize_embeddings=True)`` with library defaults (batch 32, the model's
256-token limit). The product path is ``tools.segments.embeddings.embed_texts`` (dedupe, length-sorted chunks,
batches of 32, 128 tokens, cache writes into a fresh workspace's store). Then 1% of the texts change and
the product path runs again: only those are embedded. Prints wall and CPU seconds, texts/s, ratios to the
baseline, the load average and the mean cosine agreement of the vectors. ``--join 4`` glues 4 texts into
one to imitate long support tickets.

    .venv/bin/python bench/embedding_throughput.py [--n 2000] [--join 1] [--texts data/sample/texts.csv]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tools.runtime.shop import Providers, Shop  # noqa: E402
from tools.segments.embeddings import DEFAULT_MODEL, SentenceTransformerEncoder, embed_texts, resolve_model  # noqa: E402

DEFAULT_TEXTS = Path(__file__).resolve().parents[1] / "data" / "sample" / "texts.csv"


def load_texts(path: Path, count: int, join: int) -> list[str]:
    """``count`` texts from a texts CSV (a 'text' column), each made of ``join`` consecutive customer texts."""
    import pandas as pd

    rows = pd.read_csv(path)["text"].astype(str).tolist()
    return [" ".join(rows[i:i + join]) for i in range(0, len(rows), join)][:count]


def baseline(texts: list[str]) -> tuple[np.ndarray, float, float]:
    """Plain sentence-transformers with default settings; returns vectors, wall and CPU seconds (model load
    excluded; CPU counts every thread of this process)."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(resolve_model(DEFAULT_MODEL), device="cpu")
    model.encode(texts[:8])  # warm-up, like the product's first batch
    started, started_cpu = time.perf_counter(), time.process_time()
    vectors = model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    return (np.asarray(vectors, dtype=np.float32), time.perf_counter() - started,
            time.process_time() - started_cpu)


def product(shop: Shop, texts: list[str], encoder: SentenceTransformerEncoder) -> tuple[np.ndarray, float, float]:
    """The product path into ``shop``'s store; returns vectors, wall and CPU seconds (cache reads and writes
    included)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    vectors, _ = embed_texts(shop.store, texts, encoder)
    return vectors, time.perf_counter() - started, time.process_time() - started_cpu


def changed(texts: list[str], share: float) -> list[str]:
    """``texts`` with every 1/share-th one edited."""
    step = max(1, round(1 / share))
    return [f"{t} (edited)" if i % step == 0 else t for i, t in enumerate(texts)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="number of texts (default %(default)s)")
    parser.add_argument("--join", type=int, default=1, help="texts glued into one (default %(default)s)")
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS, help="CSV with a 'text' column")
    args = parser.parse_args()
    texts = load_texts(args.texts, args.n, max(1, args.join))
    print(f"{len(texts):,} texts ({len(set(texts)):,} distinct), mean {np.mean([len(t) for t in texts]):.0f} chars, "
          f"{os.cpu_count()} CPU cores")
    base_vectors, base_seconds, base_cpu = baseline(texts)
    encoder = SentenceTransformerEncoder()
    encoder.encode(texts[:8])  # load the model outside the timing, as the baseline does
    with tempfile.TemporaryDirectory() as tmp, \
            Shop(Path(tmp) / "ws", create=True, providers=Providers(encoder=encoder)) as shop:
        vectors, cold_seconds, cold_cpu = product(shop, texts, encoder)
        edited = changed(texts, 0.01)
        _, rerun_seconds, rerun_cpu = product(shop, edited, encoder)
        _, warm_seconds, warm_cpu = product(shop, edited, encoder)
    agreement = float(np.mean(np.sum(base_vectors * vectors, axis=1)))
    rows = [
        ("plain SentenceTransformer.encode", base_seconds, base_cpu),
        ("product path, cold (empty cache)", cold_seconds, cold_cpu),
        ("product path, 1% of texts changed", rerun_seconds, rerun_cpu),
        ("product path, nothing changed", warm_seconds, warm_cpu),
    ]
    print(f"\n{'run':<36} {'wall s':>8} {'CPU s':>8} {'texts/s':>10} {'speed-up':>9} {'CPU ratio':>10}")
    for name, seconds, cpu in rows:
        print(f"{name:<36} {seconds:>8.2f} {cpu:>8.2f} {len(texts) / seconds:>10,.0f} "
              f"{base_seconds / seconds:>8.1f}× {base_cpu / cpu:>9.1f}×")
    print(f"\n1% changed vs full cold run: {rerun_seconds / cold_seconds:.3f} of the wall time, "
          f"{rerun_cpu / cold_cpu:.3f} of the CPU time")
    print(f"mean cosine(product vector, baseline vector) = {agreement:.4f} (1.0 = identical; the product cuts "
          f"texts at {encoder.max_seq_length} tokens)")
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          "speed-up and CPU ratio = baseline / run")

if __name__ == "__main__":
    main()
