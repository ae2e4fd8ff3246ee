"""Resolve "who is this for" — a segment reference, audience filters, or both — into customer ids.

Campaign drafts, recommendations and exports all target a group the same way, through ``find_customers``,
so "lapsing VIPs in the outdoor segment" means the same customers in every tool.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tools.behaviour.customers import AudienceFilter, find_customers
from tools.errors import UserError
from tools.store.workspace import Workspace


@dataclass(frozen=True)
class TargetGroup:
    """The customers a tool works on, with a plain-words label for copy, tables and answers."""

    label: str
    kind: str  # "segment" or "audience"
    customer_ids: list[str]
    base_customers: int
    as_of: str
    filters: AudienceFilter
    segment_name: str | None = None

    @property
    def size(self) -> int:
        return len(self.customer_ids)

    @property
    def share(self) -> float:
        """The group's share of all customers with features."""
        return self.size / self.base_customers if self.base_customers else 0.0


def resolve_target(workspace_root: Path, segment: str | None, audience: AudienceFilter | None) -> TargetGroup:
    """The customers of ``segment`` (id or slug) narrowed by ``audience`` filters; at least one is needed."""
    if segment is None and (audience is None or audience == AudienceFilter()):
        raise UserError("Say who this is for: pass --segment ID|SLUG or audience filters such as "
                        "--lifecycle lapsing --value high.")
    filters = (audience or AudienceFilter()).model_copy(update={"limit": None})
    if segment is not None:
        filters = filters.model_copy(update={"segment": str(segment)})
    found = find_customers(workspace_root, filters)
    with Workspace(workspace_root).connect(read_only=True) as con:
        base = con.execute("SELECT count(*) FROM customer_features").fetchone()[0]
        segment_name = _segment_name(con, found.columns, found.rows) if filters.segment is not None else None
    label = _label(filters, segment_name)
    if not found.customer_ids:
        raise UserError(f"No customers match {label}; loosen the filters "
                        "(segment-agent customers with the same options shows the counts).")
    kind = "segment" if filters.segment is not None and filters.model_copy(update={"segment": None}) == \
        AudienceFilter() else "audience"
    return TargetGroup(label, kind, [str(i) for i in found.customer_ids], int(base), found.as_of, filters,
                       segment_name)


def _segment_name(con: object, columns: list[str], rows: list[list]) -> str | None:
    if "segment_name" not in columns or not rows:
        return None
    return rows[0][columns.index("segment_name")]


def _label(filters: AudienceFilter, segment_name: str | None) -> str:
    """"lapsing high-value customers in the Trail runners segment", or the filters' own description."""
    if filters.segment is None or not segment_name:
        return filters.describe()
    rest = filters.model_copy(update={"segment": None})
    if rest == AudienceFilter():
        return f"the {segment_name} segment"
    return f"{rest.describe()} in the {segment_name} segment"
