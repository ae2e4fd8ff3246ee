"""Tools the weekly brief is made of (and that questions can use too): lifecycle_movers, segment_drift,
kpi_trend, recommend_actions, data_coverage."""

from __future__ import annotations

import shlex

from agent.toolbox.spec import ToolSpec
from agent.wording import audience_options
from tools.behaviour.changes import LifecycleMovers, MoversArgs, lifecycle_movers
from tools.behaviour.coverage import CoverageArgs, data_coverage
from tools.behaviour.customers import AudienceFilter
from tools.behaviour.trend import TrendArgs, kpi_trend
from tools.campaigns.actions import ActionPlan, ActionsArgs, recommend_actions
from tools.segments.drift import DriftArgs, segment_drift


def _movers_command(args: MoversArgs, _result: LifecycleMovers) -> list[str]:
    options = (["--brief", args.brief] if args.brief else []) + (["--since", str(args.since)] if args.since else [])
    return [shlex.join(["segment-agent", "brief", "movers", *options])]


def _action_commands(_args: ActionsArgs, plan: ActionPlan) -> list[str]:
    commands = []
    for action in plan.actions:
        filters = AudienceFilter(**action["audience"])
        commands.append(shlex.join(["segment-agent", "campaign", *audience_options(filters), "--channel",
                                    action["channel"], "--goal", action["goal"], "--variants", "1"]))
    return commands


SPECS = [
    ToolSpec("lifecycle_movers", "Who moved between lifecycle stages since the previous brief (brief=NAME) or a "
             "date (since=YYYY-MM-DD): counts then and now, each move, and the customers who moved by id, including "
             "who newly became a lapsing VIP.", MoversArgs, lifecycle_movers, _movers_command),
    ToolSpec("segment_drift", "Segment sizes now against the previous brief's snapshot: each segment's share "
             "change in points and its population-stability index (PSI), and the total PSI.", DriftArgs,
             segment_drift, lambda args, _r: [shlex.join(["segment-agent", "brief", "drift", "--brief", args.brief])]),
    ToolSpec("kpi_trend", "Net revenue, orders, buying customers and average order value per period (default: 12 "
             "weeks to the last order date), oldest first, for trends and charts.", TrendArgs, kpi_trend,
             lambda args, _r: [shlex.join(["segment-agent", "brief", "trend", "--period-days", str(args.period_days),
                                           "--periods", str(args.periods),
                                           *(["--end", str(args.end)] if args.end else [])])]),
    ToolSpec("recommend_actions", "The top campaigns to send now (lapsing VIPs, new customers, a segment's lapsing "
             "customers…), ranked by predicted 12-month value at stake, each with its numbers and one validated "
             "draft.", ActionsArgs, recommend_actions, _action_commands),
    ToolSpec("data_coverage", "Whether a period's numbers can be trusted: partial period (orders stop before it ends), "
             "stale data (newest order old compared with a reference day), thin data (few orders).", CoverageArgs,
             data_coverage, lambda args, _r: [shlex.join(["segment-agent", "brief", "coverage", "--start",
                                                          str(args.start), "--end", str(args.end)])]),
]
