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
    window: Annotated[str | None, typer.Option("--window", help="rolling (default: the last N days), to_date (this "
                                               "calendar week/month/quarter/year so far) or last_full (the last "
                                               "complete one).", show_default=False)] = None,
    versus: Annotated[str | None, typer.Option("--vs", help="previous_period (default) or same_period_last_year.",
                                               show_default=False)] = None,
    end: Annotated[datetime | None, typer.Option("--end", formats=["%Y-%m-%d"], show_default=False,
                                                 help="Last day of the period (default: the last order date).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Orders, active customers, net revenue, AOV, new and returning customers and the repeat purchase rate.

    The last 30 days vs the 30 before by default.

    e.g. --period month --window to_date (this month so far), --period week --window last_full --vs last-year.
    """
    from pydantic import ValidationError

    from agent.commands.present import option_error
    from tools.behaviour.kpis import KpiArgs
    from tools.errors import UserError

    if days is not None and period is not None:
        raise UserError("Pass either --days or --period, not both.")
    if days is not None and window and window.strip().lower() not in ("rolling", ""):
        raise UserError(f"--window {window} needs a calendar period (--period week, month, quarter or year), "
                        "not --days.")
    values = {"period": days if days is not None else (period or Period.MONTH),
              "window": window.strip().lower().replace("-", "_") if window else None,
              "comparison": _option_value(versus), "end": end.date() if end else None}
    try:
        args = KpiArgs(**{key: value for key, value in values.items() if value is not None})
    except ValidationError as exc:
        raise UserError(option_error(exc, {"comparison": "--vs", "window": "--window"})) from None
    present(ctx, "kpi_summary", args, as_json=as_json)


def _option_value(text: str | None) -> str | None:
    """'same-period-last-year' and 'last-year' work as well as 'same_period_last_year'."""
    if text is None:
        return None
    value = text.strip().lower().replace("-", "_")
    return {"last_year": "same_period_last_year", "previous": "previous_period"}.get(value, value)


def changes(
    ctx: typer.Context,
    since: Annotated[datetime | None, typer.Option("--since", formats=["%Y-%m-%d"],
                                                   help="Compare with the last refresh before this date.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """What changed since the previous feature refresh: customers per stage, and who moved between stages."""
    present(ctx, "whats_changed", {"since": since.date().isoformat()} if since else {}, as_json=as_json)
