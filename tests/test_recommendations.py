"""recommend_products: lift against the base, minimum support, recent-purchase exclusion, bought-together."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from campaign_shop import copy_of_shared_shop, shared_shop
from shop_builders import open_shop

from tools.behaviour.customers import AudienceFilter
from tools.campaigns.recommendations import Recommendations, RecommendRequest, bought_together, recommend_products
from tools.errors import UserError
from tools.runtime.shop import Shop

UCI = Path("/work/shared/datasets/online_retail/online_retail.csv.gz")


@pytest.fixture(scope="module")
def shop() -> Iterator[Shop]:
    with open_shop(shared_shop()) as opened:
        yield opened


def names(items: list) -> list[str]:
    return [item.name for item in items]


def store_segments(shop: Shop, segments: dict[tuple[int, str, str], list[str]]) -> None:
    """Store one segment run assigning the listed customers to each (id, name, slug)."""
    from tools.segments.runs import RunRecord, save_run

    profiles = [{"id": sid, "name": name, "slug": slug, "size": len(members)}
                for (sid, name, slug), members in segments.items()]
    customer_ids = [cid for members in segments.values() for cid in members]
    assigned = [sid for (sid, _, _), members in segments.items() for _ in members]
    record = RunRecord(len(segments), 0, "test", "test", {}, profiles, np.eye(len(segments), 4, dtype=np.float32),
                       customer_ids, np.asarray(assigned), np.ones(len(customer_ids)))
    with shop.writing() as con:
        save_run(con, record)


def test_two_audiences_get_what_they_over_index_on(shop):
    runners = recommend_products(shop, RecommendRequest(audience=AudienceFilter(country="Germany")))
    cooks = recommend_products(shop, RecommendRequest(audience=AudienceFilter(country="France"), recent_days=30))
    assert set(names(runners.categories)) == {"Trail Running", "Yoga"}
    assert "Garden Tools" in names(cooks.categories) and "Trail Running" not in names(cooks.categories)
    assert isinstance(runners, Recommendations) and runners.customers == 20
    assert runners.warnings == ["This group has only 20 customers: its shares and lifts move with a handful of "
                                "people, so treat them as hints."]
    top = runners.products[0]
    assert top.lift == pytest.approx(2.0) and top.group_share == 1.0 and top.base_share == 0.5
    assert "20%" not in top.reason and "100% of this group bought it vs 50% of all customers" in top.reason


def test_items_most_of_the_group_bought_recently_are_left_out(shop):
    cooks = AudienceFilter(country="France")
    last_month = recommend_products(shop, RecommendRequest(audience=cooks, recent_days=30))
    assert last_month.excluded == ["Cast Iron Skillet", "Home & Kitchen"]  # every cook bought them in December
    assert names(last_month.products) == ["Chef Knife Set", "Pruning Shears"]  # half did: still worth promoting
    last_quarter = recommend_products(shop, RecommendRequest(audience=cooks))
    assert last_quarter.products == []
    assert any("already bought every candidate item" in w for w in last_quarter.warnings)
    lenient = recommend_products(shop, RecommendRequest(audience=cooks, max_recent_share=1.0))
    assert "Cast Iron Skillet" in names(lenient.products)


def test_minimum_support_drops_one_off_purchases(shop):
    loose = RecommendRequest(audience=AudienceFilter(country="France"), min_support=0.0, max_recent_share=1.0)
    assert "Trail Running Jacket" not in names(recommend_products(shop, loose).products)  # one buyer: below 2


def test_bought_together_ranks_basket_partners_of_the_anchor(shop):
    with shop.reading() as con:
        pairs = bought_together(con, ["Trail Running Jacket"], limit=5, min_orders=2)
    assert {p.item for p in pairs} == {"Merino Hiking Socks", "Cork Yoga Block"}
    assert all(p.anchor == "Trail Running Jacket" and p.orders_together >= 2 and 0 < p.confidence <= 1
               for p in pairs)


def test_unknown_segment_lists_the_valid_ones(tmp_path):
    with open_shop(copy_of_shared_shop(tmp_path)) as shop:
        store_segments(shop, {(1, "Trail runners", "trail-runners"): [f"C{c:02d}" for c in range(20)],
                              (2, "Home cooks", "home-cooks"): [f"C{c:02d}" for c in range(20, 40)]})
        by_slug = recommend_products(shop, RecommendRequest(segment="trail-runners"))
        assert by_slug.audience == "the Trail runners segment" and "Trail Running" in names(by_slug.categories)
        assert by_slug.customers == 20
        with pytest.raises(UserError, match="1 \\(trail-runners\\), 2 \\(home-cooks\\)"):
            recommend_products(shop, RecommendRequest(segment="9"))


def test_an_audience_is_required(shop):
    with pytest.raises(UserError, match="--segment"):
        recommend_products(shop, RecommendRequest())


@pytest.mark.slow
@pytest.mark.skipif(not UCI.is_file(), reason="UCI Online Retail dataset not available")
def test_online_retail_countries_get_different_recommendations(tmp_path):
    from tools.ingest.load import ingest_file

    with open_shop(tmp_path / "ws", create=True) as shop:
        ingest_file(shop, "orders", UCI, preset="online-retail")
        germany = recommend_products(shop, RecommendRequest(audience=AudienceFilter(country="Germany")))
        france = recommend_products(shop, RecommendRequest(audience=AudienceFilter(country="France")))
    assert len(germany.products) == 5 and len(france.products) == 5
    assert set(names(germany.products)) != set(names(france.products))
    assert all(item.lift > 1.5 for item in germany.products + france.products)
    assert germany.bought_together and france.bought_together
