"""``segment-agent brief …``: run a weekly brief script, write a starter one, list past briefs, and the brief's
tools on their own (movers, drift, trend, coverage).

``brief run`` is made for cron: it prints nothing on success unless ``--verbose`` (or ``--json``), exits 0 when
the brief was written (and posted), 1 with one sentence for a bad script, workspace or Slack setting — checked
before anything is written — and 2 for a wrong option.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from agent.commands.present import JsonOpt, present

app = typer.Typer(help="The weekly segment brief: what changed, who is slipping, what to send them.",
                  no_args_is_help=True)
DEFAULT_SCRIPT = "weekly_brief.yaml"
DateOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], show_default=False)]


class PostTarget(StrEnum):
    slack = "slack"


@app.command("run")
def run(
    ctx: typer.Context,
    script: Annotated[Path, typer.Argument(help="The brief script (YAML); start from  segment-agent brief init.")],
    as_of: Annotated[datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="The brief's date (YYYY-MM-DD): customers and data as they were "
        "at its end. Default: the last order date.", show_default=False)] = None,
    period: Annotated[str | None, typer.Option(
        "--period", help="Override the script's period, e.g. last_7_days, last_full_week, last_full_month.",
        show_default=False)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the files (default: the workspace's "
                                             "reports/).", show_default=False)] = None,
    post: Annotated[PostTarget | None, typer.Option("--post", help="Also post the summary and charts: slack "
                                                    "(channel: [brief] slack_channel).", show_default=False)] = None,
    as_json: JsonOpt = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show progress and the files written.")] = False,
) -> None:
    """Run a brief script and write reports/NAME-DATE.md, .html and .json (idempotent for a date)."""
    from agent.brief.charts import brief_charts
    from agent.brief.outputs import brief_document, write_brief
    from agent.brief.poster import brief_post, slack_poster
    from agent.brief.runner import run_brief, save_snapshot
    from agent.brief.script import load_script
    from agent.console import err, print_json

    loaded = load_script(script)
    runtime = ctx.obj
    poster = slack_poster(runtime.settings) if post is PostTarget.slack else None
    shop = runtime.shop()
    say = (lambda message: err().print(message, markup=False, highlight=False)) if verbose else (lambda _m: None)
    reference = as_of.date() if as_of else shop.now().date()
    run_result = run_brief(shop, loaded, as_of=as_of.date() if as_of else None, period_name=period,
                           llm=runtime.llm, reference=reference, progress=say)
    say("drawing charts")
    charts = brief_charts(run_result)
    files = write_brief(run_result, charts, out or shop.reports_dir)
    save_snapshot(shop, run_result, [str(path) for path in files.all()])
    for path in files.all():
        say(f"wrote {path}")
    if poster is not None:
        receipt = poster.post(brief_post(run_result, files))
        say(f"posted to {receipt.channel} (message {receipt.ts}, {receipt.files} files)")
    if as_json:
        print_json(brief_document(run_result, charts))


@app.command("init")
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter script.")] = Path(DEFAULT_SCRIPT),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter brief script (the default weekly brief) to edit and run."""
    from agent.prompts import load_prompt
    from tools.errors import UserError

    if path.exists() and not force:
        raise UserError(f"{path} already exists; pass --force to overwrite it, or give another path.")
    if path.parent and not path.parent.is_dir():
        raise UserError(f"Folder {path.parent} does not exist; create it first or give another path.")
    path.write_text(load_prompt(DEFAULT_SCRIPT), encoding="utf-8")
    typer.echo(f"Wrote {path}. Edit it, then:  segment-agent brief run {path}")


@app.command("list")
def list_briefs(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="Only briefs of this name.", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many, newest first.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Past briefs, newest first: date, period, when they were written, and their files."""
    from dataclasses import asdict

    from agent.console import out, print_json
    from agent.render.terminal import rich_table
    from tools.behaviour.brief_snapshots import brief_history
    from tools.results import Column, Kind, Table

    shop = ctx.obj.shop()
    with shop.reading() as con:
        records = brief_history(con, name, limit)
    if as_json:
        print_json([asdict(record) for record in records])
        return
    if not records:
        typer.echo("No briefs yet: run  segment-agent brief run weekly_brief.yaml  (see  brief init).")
        return
    table = Table("Briefs", [Column("brief"), Column("brief_date", Kind.DATE, "date"), Column("period"),
                             Column("created_at", label="written"), Column("customers", Kind.COUNT),
                             Column("file")],
                  [[r.brief, r.brief_date, f"{r.period_start} to {r.period_end}", r.created_at, r.customers,
                    next((f for f in r.summary.get("files", []) if f.endswith(".html")), "")] for r in records])
    out().print(rich_table(table, out().width))


@app.command("movers")
def movers(
    ctx: typer.Context,
    brief: Annotated[str | None, typer.Option("--brief", help="Compare with this brief's previous snapshot.",
                                              show_default=False)] = None,
    since: DateOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Movers listed by id.")] = 100,
    as_json: JsonOpt = False,
) -> None:
    """Who moved between lifecycle stages since a brief (--brief NAME) or a date (--since YYYY-MM-DD)."""
    args = {"brief": brief, "since": since.date().isoformat() if since else None, "limit": limit}
    present(ctx, "lifecycle_movers", {k: v for k, v in args.items() if v is not None}, as_json=as_json)


@app.command("drift")
def drift(
    ctx: typer.Context,
    brief: Annotated[str, typer.Option("--brief", help="Compare with this brief's previous snapshot.")] = "brief",
    as_json: JsonOpt = False,
) -> None:
    """Segment sizes and their drift (share change, PSI) since the previous brief."""
    present(ctx, "segment_drift", {"brief": brief}, as_json=as_json)


@app.command("trend")
def trend(
    ctx: typer.Context,
    end: DateOpt = None,
    period_days: Annotated[int, typer.Option("--period-days", min=1, max=366, help="Days per period.")] = 7,
    periods: Annotated[int, typer.Option("--periods", min=2, max=104, help="How many periods.")] = 12,
    as_json: JsonOpt = False,
) -> None:
    """Net revenue, orders, buying customers and AOV per period (default: 12 weeks to the last order)."""
    args = {"period_days": period_days, "periods": periods, **({"end": end.date().isoformat()} if end else {})}
    present(ctx, "kpi_trend", args, as_json=as_json)


@app.command("coverage")
def coverage(
    ctx: typer.Context,
    start: Annotated[datetime, typer.Option("--start", formats=["%Y-%m-%d"], help="First day of the period.")],
    end: Annotated[datetime, typer.Option("--end", formats=["%Y-%m-%d"], help="Last day of the period.")],
    as_json: JsonOpt = False,
) -> None:
    """Whether a period's data is complete, fresh and large enough to trust (the brief's warnings)."""
    present(ctx, "data_coverage", {"start": start.date().isoformat(), "end": end.date().isoformat()},
            as_json=as_json)
