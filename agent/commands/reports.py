"""``kpis`` and ``changes``: headline numbers and what moved since the last refresh."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from agent.commands.present import JsonOpt, present
from tools.concepts import Period


def kpis(
    ctx: typer.Context,
    days: Annotated[int | None, typer.Option("--days", "-d", min=1, max=3660, help="Length of the period in days.",
                                             show_default=False)] = None,
    period: Annotated[Period | None, typer.Option("--period", "-p", help="A named period instead of --days "
                                                  "(default: month, 30 days).", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Orders, buying customers, net revenue, AOV and new customers: the last period vs the one before."""
    from tools.errors import UserError

    if days is not None and period is not None:
        raise UserError("Pass either --days or --period, not both.")
    present(ctx, "kpi_summary", {"period": days if days is not None else (period or Period.MONTH)}, as_json=as_json)


def changes(
    ctx: typer.Context,
    since: Annotated[datetime | None, typer.Option("--since", formats=["%Y-%m-%d"],
                                                   help="Compare with the last refresh before this date.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """What changed since the previous feature refresh: customers per stage, and who moved between stages."""
    present(ctx, "whats_changed", {"since": since.date().isoformat()} if since else {}, as_json=as_json)
