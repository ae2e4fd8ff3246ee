"""``recommend_actions``: the few campaigns most worth sending now, each with its audience, numbers and a draft.

Candidates are the audiences a CRM team works every week — lapsing VIPs, lapsing mid-value customers, new
customers, active VIPs, active mid-value customers, lapsed VIPs, and the lapsing customers of the segment with
the most at stake — each paired with the goal that fits it. Audiences at risk (slipping, lapsed, or too new to
have a habit: winback and welcome goals) come before growth audiences (loyalty, upsell), because an active
customer buys again without a nudge and a slipping one may not; within each group they are ranked by what is
at stake, the audience's predicted 12-month value (its net revenue to date when the probability model could
not be fitted). Audiences under ``min_customers`` are left out. Each chosen action gets one validated draft
from ``draft_campaign``, so the copy obeys the brand rules like any other draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.behaviour.audience_stats import summarise_audience
from tools.behaviour.customers import AudienceFilter, audience_table
from tools.behaviour.feature_store import require_features
from tools.campaigns.drafting import CampaignRequest, draft_campaign
from tools.concepts import Channel, Goal
from tools.results import Column, Kind, Table, ToolResult
from tools.segments.runs import has_segment_runs

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

CANDIDATES: tuple[tuple[str, dict[str, Any], Goal], ...] = (
    ("Win back lapsing VIPs", {"lifecycle": ["lapsing"], "value_tier": ["high"]}, Goal.WINBACK),
    ("Win back lapsing mid-value customers", {"lifecycle": ["lapsing"], "value_tier": ["mid"]}, Goal.WINBACK),
    ("Welcome new customers", {"lifecycle": ["new"]}, Goal.WELCOME),
    ("Reward active VIPs", {"lifecycle": ["active"], "value_tier": ["high"]}, Goal.LOYALTY),
    ("Upsell active mid-value customers", {"lifecycle": ["active"], "value_tier": ["mid"]}, Goal.UPSELL),
    ("Win back lapsed VIPs", {"lifecycle": ["lapsed"], "value_tier": ["high"]}, Goal.WINBACK),
)

AT_RISK_GOALS = (Goal.WINBACK.value, Goal.WELCOME.value)


class ActionsArgs(BaseModel):
    """Arguments of ``recommend_actions``."""

    limit: int = Field(3, ge=1, le=6, description="How many actions to recommend.")
    channel: Channel = Field(Channel.EMAIL, description="Channel to draft for: email, sms or push.")
    min_customers: int = Field(5, ge=1, description="Leave out audiences smaller than this.")
    draft: bool = Field(True, description="Write one validated draft per action.")


@dataclass
class ActionPlan(ToolResult):
    """The recommended actions, best first (audiences at risk, then growth).

    Each action: rank, title, at_risk, audience (filters), audience_label, segment, goal, channel, customers,
    share_of_customers, net_revenue, predicted_value_12m, median_days_since_order, at_stake, at_stake_measure
    and draft (the validated draft's fields, or None).
    """

    as_of: str
    actions: list[dict[str, Any]]
    candidates: int
    ranked_by: str
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        keys = ("rank", "title", "audience_label", "goal", "channel", "customers", "share_of_customers",
                "net_revenue", "predicted_value_12m", "median_days_since_order")
        return {"as_of": self.as_of, "ranked_by": self.ranked_by,
                "actions": [{k: action[k] for k in keys} for action in self.actions]}

    def tables(self) -> list[Table]:
        return [Table("Recommended actions", [
            Column("rank", Kind.COUNT, "#"), Column("title", label="action"), Column("audience_label", label="who"),
            Column("customers", Kind.COUNT), Column("net_revenue", Kind.MONEY, "net revenue"),
            Column("predicted_value_12m", Kind.MONEY, "pred. value 12m"),
            Column("median_days_since_order", Kind.DAYS, "median days since order"), Column("goal"),
            Column("channel")],
            [[a["rank"], a["title"], a["audience_label"], a["customers"], a["net_revenue"], a["predicted_value_12m"],
              a["median_days_since_order"], a["goal"], a["channel"]] for a in self.actions])]

    def draft_texts(self) -> list[dict[str, Any]]:
        return [{**a["draft"], "action": a["title"]} for a in self.actions if a["draft"]]

    def row_count(self) -> int:
        return len(self.actions)


def recommend_actions(shop: Shop, args: ActionsArgs) -> ActionPlan:
    """The top campaigns to send now: who to target (lapsing VIPs, new customers, a segment's lapsing
    customers…), why in numbers (customers, net revenue, predicted 12-month value, days since last order), and
    one validated draft each; audiences at risk first. Use for "what should we do this week?"."""
    warnings = require_features(shop)
    with shop.reading() as con:
        candidates = [(title, AudienceFilter(**filters), goal) for title, filters, goal in CANDIDATES]
        segment = _segment_most_at_stake(con) if has_segment_runs(con) else None
        if segment is not None:
            candidates.append((f"Win back lapsing customers of {segment[1]}",
                               AudienceFilter(lifecycle=["lapsing"], segment=str(segment[0])), Goal.WINBACK))
        scored = [_score(shop, con, *candidate) for candidate in candidates]
        as_of = str(con.execute("SELECT max(as_of) FROM customer_features").fetchone()[0])[:10]
    model_used = any(s["predicted_value_12m"] is not None for s in scored)
    measure = "predicted_value_12m" if model_used else "net_revenue"
    for action in scored:
        action["at_stake_measure"] = measure
        action["at_stake"] = action[measure] or 0.0
    chosen = sorted((s for s in scored if s["customers"] >= args.min_customers),
                    key=lambda s: (s["goal"] not in AT_RISK_GOALS, -s["at_stake"], s["title"]))[: args.limit]
    for rank, action in enumerate(chosen, 1):
        action["rank"] = rank
        action["channel"] = args.channel.value
        action["draft"] = _draft(shop, action, args.channel, warnings) if args.draft else None
    return ActionPlan(as_of, chosen, len(candidates), measure, warnings)


def _score(shop: Shop, con: duckdb.DuckDBPyConnection, title: str, filters: AudienceFilter,
           goal: Goal) -> dict[str, Any]:
    with audience_table(shop, filters) as table:
        stats = summarise_audience(con, table.name, with_segments=False) if table.size else {}
    return {"rank": 0, "title": title, "at_risk": goal.value in AT_RISK_GOALS,
            "audience": filters.model_dump(mode="json", exclude_defaults=True),
            "audience_label": filters.describe(), "segment": filters.segment, "goal": goal.value, "channel": "",
            "customers": table.size, "share_of_customers": round(table.share, 4),
            "net_revenue": stats.get("net_revenue") or 0.0, "predicted_value_12m": stats.get("predicted_value_12m"),
            "median_days_since_order": stats.get("median_days_since_order"), "draft": None}


def _segment_most_at_stake(con: duckdb.DuckDBPyConnection) -> tuple[int, str] | None:
    """The segment whose lapsing customers hold the most predicted value (or net revenue)."""
    row = con.execute(
        "SELECT s.segment_id, s.segment_name FROM customer_features f JOIN current_segments s USING (customer_id) "
        "WHERE f.lifecycle = 'lapsing' GROUP BY 1, 2 "
        "ORDER BY coalesce(sum(f.predicted_value_12m), sum(f.monetary)) DESC, 1 LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _draft(shop: Shop, action: dict[str, Any], channel: Channel, warnings: list[str]) -> dict[str, Any] | None:
    filters = AudienceFilter(**action["audience"])
    segment, audience = filters.segment, filters.model_copy(update={"segment": None})
    request = CampaignRequest(segment=segment, audience=None if audience.is_everyone() else audience,
                              channel=channel, goal=Goal(action["goal"]), variants=1)
    result = draft_campaign(shop, request)
    warnings.extend(w for w in result.warnings if w not in warnings)
    drafts = result.draft_texts()
    return drafts[0] if drafts else None
