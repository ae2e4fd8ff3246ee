"""Shared fixtures: a fake text encoder and a tiny shop with three obvious interest groups.

The fake encoder plugs into the same :class:`tools.segments.embeddings.Encoder` protocol the real model uses, so
segment tests exercise the whole pipeline in milliseconds and can count what was embedded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

FAKE_DIM = 48


TOPIC_WORDS = (
    {"running", "run", "runs", "marathon", "trail", "race", "parkrun", "training", "shoes", "socks", "hydration",
     "vest", "pace", "hills"},
    {"baking", "sourdough", "bread", "dough", "kitchen", "skillet", "mixer", "loaf", "proofing", "pastry", "crumb",
     "starter", "basket", "cast", "iron", "stand", "proves"},
    {"dog", "puppy", "walks", "lead", "pets", "treats", "bed", "park", "calm", "pulls", "sleeps"},
)


class FakeEncoder:
    """Deterministic "semantic" vectors for the tiny shop: topic words pull a text towards their topic's
    axis, every other word adds a small fixed random direction.

    Texts and product names about the same hobby point the same way, which is all clustering needs.
    ``calls`` and ``texts`` record every batch it was asked to encode.
    """

    def __init__(self, name: str = "fake-topics") -> None:
        self.name = name
        self.calls = 0
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts.extend(texts)
        rows = []
        for text in texts:
            vector = np.zeros(FAKE_DIM)
            for word in re.findall(r"[a-z]+", text.lower()):
                topics = [i for i, words in enumerate(TOPIC_WORDS) if word in words]
                if topics:
                    vector[topics[0]] += 1.0
                seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                vector += 0.15 * np.random.default_rng(seed).standard_normal(FAKE_DIM)
            rows.append(vector / (np.linalg.norm(vector) or 1.0))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), FAKE_DIM)


# (persona, category, products, what they write)
PERSONAS = (
    ("runner", "Running", ("Trail Running Shoes", "Running Socks", "Hydration Vest"),
     ("Training for my first marathon, these trail running shoes grip on muddy hills.",
      "Long runs feel easier, great for marathon training and parkrun.",
      "Perfect for trail running and race day, my marathon pace improved.")),
    ("baker", "Kitchen", ("Sourdough Proofing Basket", "Cast Iron Skillet", "Stand Mixer"),
     ("Baking sourdough every weekend, the loaf crust is perfect.",
      "My sourdough starter and bread baking finally work, lovely crumb.",
      "Great for baking bread and pastry, the dough proves nicely.")),
    ("dog", "Pets", ("Dog Lead", "Dog Bed", "Dog Treats"),
     ("My dog loves the walks, the lead is strong for a puppy that pulls.",
      "Our puppy sleeps in the dog bed every night, the dog is happy.",
      "The dog treats keep my puppy calm on long walks in the park.")),
)
CUSTOMERS_PER_PERSONA = 8


def write_segment_shop(directory: Path, per_persona: int = CUSTOMERS_PER_PERSONA, with_texts: bool = True,
                       silent_every: int = 4, prefix: str = "") -> dict[str, Path]:
    """Write orders/customers/texts CSVs for a three-persona shop; returns table -> path.

    Every ``silent_every``-th customer writes nothing (so the purchase fallback is exercised); customer
    names, emails and phones appear inside some texts, so redaction can be checked.
    """
    directory.mkdir(parents=True, exist_ok=True)
    orders = ["order_id,customer_id,order_date,amount,product_name,category"]
    customers = ["customer_id,name,email,phone"]
    texts = ["customer_id,text,date,source"]
    for p_index, (persona, category, products, phrases) in enumerate(PERSONAS):
        for number in range(per_persona):
            cid = f"{prefix}{persona[0].upper()}{number:03d}"
            first, last = f"Zed{persona.title()}{number}", f"Quill{number}"
            email, phone = f"{first.lower()}.{last.lower()}@example.com", f"07700 9{p_index}{number:04d}"
            customers.append(f"{cid},{first} {last},{email},{phone}")
            for o_number, product in enumerate(products[: 2 + number % 2]):
                orders.append(f"{cid}-{o_number},{cid},2024-0{1 + o_number}-1{number % 9},"
                              f"{20 + 5 * p_index + number}.00,{product},{category}")
            if with_texts and number % silent_every != silent_every - 1:
                body = phrases[number % len(phrases)]
                if number == 0:
                    body += f" My name is {first} {last}, email me at {email} or call {phone}."
                texts.append(f'{cid},"{body}",2024-03-0{1 + number % 9},review')
    paths = {}
    for table, rows in (("orders", orders), ("customers", customers), ("texts", texts)):
        if table == "texts" and not with_texts:
            continue
        paths[table] = directory / f"{table}.csv"
        paths[table].write_text("\n".join(rows) + "\n", encoding="utf-8")
    return paths


def planted_persona(customer_id: str) -> str:
    """The persona a tiny-shop customer id was written for (first letter after any prefix)."""
    return {"R": "runner", "B": "baker", "D": "dog"}[customer_id.lstrip("N")[0]]


def ingest_shop(workspace: Path, paths: dict[str, Path], mode: str = "auto") -> None:
    """Load the written CSVs into ``workspace`` (features are computed by the orders ingest)."""
    from tools.ingest.load import ingest_file
    from tools.runtime.shop import Shop

    with Shop(workspace, create=True) as shop:
        for table, path in paths.items():
            ingest_file(shop, table, path, mode=mode)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    """A fresh counting fake encoder."""
    return FakeEncoder()


@pytest.fixture
def segment_shop(tmp_path: Path) -> Path:
    """A workspace holding the three-persona tiny shop (orders, customers, texts)."""
    workspace = tmp_path / "ws"
    ingest_shop(workspace, write_segment_shop(tmp_path / "files"))
    return workspace


@pytest.fixture
def shop_without_texts(tmp_path: Path) -> Path:
    """The same shop with no texts at all: segments must come from product names and categories."""
    workspace = tmp_path / "ws-no-texts"
    ingest_shop(workspace, write_segment_shop(tmp_path / "files-no-texts", with_texts=False))
    return workspace


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample shop ingested with features computed (no segments: those need the real model).

    Its config sets short LLM timeouts so fallback tests are quick; with no OPENAI_* env vars set no model is
    configured, so the embedded planner answers.
    """
    from tools.ingest.sample_shop import sample_files

    root = tmp_path_factory.mktemp("sample") / "ws"
    ingest_shop(root, sample_files())
    (root / "segment-agent.toml").write_text("[llm]\ntimeout_seconds = 2.0\nmax_retries = 0\n")
    return root
