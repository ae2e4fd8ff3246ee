"""Embedding throughput: the product's cached path vs plain ``SentenceTransformer.encode``.

Same texts, same model (all-MiniLM-L6-v2, bundled). The baseline is what a data scientist would write first:
``model.encode(texts, batch_size=64, normalize_embeddings=True)`` with library defaults otherwise. The product
path is ``tools.segments.embeddings.embed_texts`` (dedupe, length-sorted chunks, cache writes into a fresh
workspace's store) with each ``--backends`` encoder (default: the product default 'onnx-int8', and 'onnx').
Every variant runs ``--repeat`` times, alternating (bench/timing.py), each product run cold in a fresh
workspace. Then 1% of the texts change and the default backend runs again on the warm cache: only those are
embedded. Prints min/median wall and CPU seconds, ratios to the baseline, cosine to the baseline (mean and
min), the 1%-changed ratio and the load average. Model loads (and the one-off ONNX export) are outside the
timings. ``--join 4`` glues 4 texts into one to imitate long support tickets.

    .venv/bin/python bench/embedding_throughput.py [--n 2000] [--repeat 3] [--backends onnx-int8,onnx,torch]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from timing import alternate, load_line, table, timed  # noqa: E402

from tools.runtime.shop import Providers, Shop  # noqa: E402
from tools.segments.embeddings import DEFAULT_BACKEND, DEFAULT_MODEL, Encoder, embed_texts, make_encoder, resolve_model  # noqa: E402

DEFAULT_TEXTS = Path(__file__).resolve().parents[1] / "data" / "sample" / "texts.csv"
BASELINE = "plain SentenceTransformer.encode(batch 64)"


def load_texts(path: Path, count: int, join: int) -> list[str]:
    """``count`` texts from a texts CSV (a 'text' column), each made of ``join`` consecutive customer texts."""
    import pandas as pd

    rows = pd.read_csv(path)["text"].astype(str).tolist()
    return [" ".join(rows[i:i + join]) for i in range(0, len(rows), join)][:count]


def changed(texts: list[str], share: float, edit: int = 0) -> list[str]:
    """``texts`` with every 1/share-th one edited (``edit`` numbers the edit, so each call changes anew)."""
    step = max(1, round(1 / share))
    return [f"{t} (edited {edit})" if i % step == 0 else t for i, t in enumerate(texts)]


def product_cold(texts: list[str], encoder: Encoder, folder: Path, counter: itertools.count) -> np.ndarray:
    """The product path into a fresh workspace (empty cache): cache reads and writes included."""
    with Shop(folder / f"ws{next(counter)}", create=True, providers=Providers(encoder=encoder)) as shop:
        return embed_texts(shop.store, texts, encoder)[0]


def main() -> None:
    from sentence_transformers import SentenceTransformer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="number of texts (default %(default)s)")
    parser.add_argument("--join", type=int, default=1, help="texts glued into one (default %(default)s)")
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS, help="CSV with a 'text' column")
    parser.add_argument("--repeat", type=int, default=3, help="alternating repetitions (default %(default)s)")
    parser.add_argument("--backends", default=f"{DEFAULT_BACKEND},onnx", help="comma-separated product backends")
    args = parser.parse_args()
    texts = load_texts(args.texts, args.n, max(1, args.join))
    print(f"{len(texts):,} texts ({len(set(texts)):,} distinct), mean {np.mean([len(t) for t in texts]):.0f} chars, "
          f"{args.repeat} alternating repetitions\n{load_line()}")
    model = SentenceTransformer(resolve_model(DEFAULT_MODEL), device="cpu")
    model.encode(texts[:8])  # warm-up, as the product's encoders are loaded before timing
    encoders = {name: make_encoder(DEFAULT_MODEL, name, notice=print) for name in args.backends.split(",")}
    for encoder in encoders.values():
        encoder.encode(texts[:8])  # load (and export once) outside the timings
    counter = itertools.count()
    with tempfile.TemporaryDirectory() as tmp:
        variants = {BASELINE: lambda: np.asarray(model.encode(texts, batch_size=64, normalize_embeddings=True,
                                                              show_progress_bar=False), dtype=np.float32)}
        for name, encoder in encoders.items():
            variants[f"product embed_texts, {name}, cold"] = \
                lambda encoder=encoder: product_cold(texts, encoder, Path(tmp), counter)
        timings = alternate(variants, args.repeat)
        print("\n" + table(timings, BASELINE, items=len(texts)))
        reference = timings[BASELINE].result
        for name in encoders:
            cosine = np.sum(reference * timings[f"product embed_texts, {name}, cold"].result, axis=1)
            print(f"cosine({name}, plain fp32): mean {cosine.mean():.4f}, min {cosine.min():.4f}")
        first = next(iter(encoders))
        with Shop(Path(tmp) / "rerun", create=True, providers=Providers(encoder=encoders[first])) as shop:
            _, cold_wall, cold_cpu = timed(lambda: embed_texts(shop.store, texts, encoders[first]))
            reruns = [timed(lambda edit=edit: embed_texts(shop.store, changed(texts, 0.01, edit), encoders[first]))
                      for edit in range(args.repeat)]  # each a different 1%: nothing is served from an earlier rerun
            (_, stats), rerun_wall, rerun_cpu = min(reruns, key=lambda run: run[2])
    print(f"\n1% changed ({stats.embedded} texts re-embedded, {first}, min of {args.repeat}): "
          f"{rerun_wall / cold_wall:.3f} of the cold "
          f"wall time ({rerun_wall:.2f}s / {cold_wall:.2f}s), {rerun_cpu / cold_cpu:.3f} of the cold CPU time "
          f"({rerun_cpu:.2f} / {cold_cpu:.2f} CPU-s)\n{load_line()}")


if __name__ == "__main__":
    main()
