"""Resolve "who is this for" — a segment reference, audience filters, or both — into an audience table.

Campaign drafts, recommendations and exports all target a group the same way, through the audience
filters of ``find_customers``, so "lapsing VIPs in the outdoor segment" means the same customers in every
tool. The group's customer ids stay in the store as a temporary table that the tools join.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.behaviour.customers import AudienceFilter, audience_table
from tools.behaviour.feature_store import require_features
from tools.errors import UserError

if TYPE_CHECKING:
    from tools.runtime.shop import Shop


@dataclass(frozen=True)
class TargetGroup:
    """The customers a tool works on: the temp table holding their ids, and a plain-words label."""

    label: str
    kind: str  # "segment" or "audience"
    table: str
    size: int
    base_customers: int
    as_of: str
    filters: AudienceFilter
    segment_name: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        """The group's share of all customers with features."""
        return self.size / self.base_customers if self.base_customers else 0.0


@contextmanager
def target_group(shop: Shop, segment: str | None, audience: AudienceFilter | None) -> Iterator[TargetGroup]:
    """The customers of ``segment`` (id or slug) narrowed by ``audience`` filters; at least one is needed."""
    if segment is None and (audience is None or audience.is_everyone()):
        raise UserError("Say who this is for: pass --segment ID|SLUG or audience filters such as "
                        "--lifecycle lapsing --value high.")
    filters = (audience or AudienceFilter()).who()
    if segment is not None:
        filters = filters.model_copy(update={"segment": str(segment)})
    warnings = tuple(require_features(shop))
    with shop.reading() as con, audience_table(shop, filters) as table:
        segment_name = _segment_name(con, filters.segment) if filters.segment is not None else None
        label = _label(filters, segment_name)
        if not table.size:
            raise UserError(f"No customers match {label}; loosen the filters "
                            "(segment-agent customers with the same options shows the counts).")
        kind = "segment" if filters.segment is not None and filters.model_copy(update={"segment": None}) \
            .is_everyone() else "audience"
        yield TargetGroup(label, kind, table.name, table.size, table.base, table.as_of, filters, segment_name,
                          warnings)


def _segment_name(con: object, reference: str) -> str:
    from tools.segments.runs import latest_profiles, resolve_segment

    return str(resolve_segment(latest_profiles(con), reference)["name"])  # type: ignore[arg-type]


def _label(filters: AudienceFilter, segment_name: str | None) -> str:
    """"lapsing high-value customers in the Trail runners segment", or the filters' own description."""
    if filters.segment is None or not segment_name:
        return filters.describe()
    rest = filters.model_copy(update={"segment": None})
    if rest.is_everyone():
        return f"the {segment_name} segment"
    return f"{rest.describe()} in the {segment_name} segment"
