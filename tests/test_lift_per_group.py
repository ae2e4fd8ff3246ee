"""All segments' lift lists in one query agree exactly with the one-group query (tools.segments.lift)."""

from __future__ import annotations

import zlib
from pathlib import Path

import pandas as pd
import pytest
from shop_builders import open_shop

from tools.segments.lift import top_by_lift, top_by_lift_per_group
from tools.store.store import registered


@pytest.mark.parametrize("kind", ["category", "product_name"])
def test_one_pass_lifts_equal_per_group_lifts_on_the_sample_shop(sample_workspace: Path, kind: str) -> None:
    with open_shop(sample_workspace) as shop, shop.reading() as con:
        customers = [c for (c,) in con.execute("SELECT customer_id FROM customers ORDER BY 1").fetchall()]
        # six uneven groups (by id hash), one of them tiny so minimum support bites
        segments = [min(5, zlib.crc32(c.encode()) % 7) if i % 50 else 6 for i, c in enumerate(customers)]
        members = pd.DataFrame({"customer_id": customers, "segment": segments})
        with registered(con, "members", members):
            together = top_by_lift_per_group(con, "members", kind, limit=8, min_support=0.03)
        assert set(together) <= set(range(7)) and len(together) >= 5
        for segment in range(7):
            group = members[members["segment"] == segment][["customer_id"]]
            with registered(con, "one_group", group):
                alone = top_by_lift(con, "one_group", kind, limit=8, min_support=0.03)
            assert together.get(segment, []) == alone, segment
