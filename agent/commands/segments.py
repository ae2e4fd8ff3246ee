"""``segment-agent segment`` and ``segment-agent segments [show ID|SLUG | compare A B]``.

Thin Typer commands over ``tools.segments.reading``: they render what the tools computed (rich tables for people,
``--json`` for scripts) and show embedding progress on stderr; they never compute numbers themselves.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agent.console import err, out, print_json, warn
from agent.wording import money, pct

if TYPE_CHECKING:
    from tools.segments.reading import Progress, SegmentationRun, SegmentComparison, SegmentOverview, SegmentProfile

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
SegmentArg = Annotated[str, typer.Argument(help="Segment id, slug or name (see  segment-agent segments).",
                                           show_default=False)]

app = typer.Typer(help="List, show and compare the current voice-of-customer segments.")


def segment(
    ctx: typer.Context,
    k: Annotated[int | None, typer.Option("--k", min=2, max=50, help="Number of segments (default: chosen "
                                          "automatically from 3–12).", show_default=False)] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default from config: 7); same data "
                                             "and seed give the same segments.", show_default=False)] = None,
    model: Annotated[str | None, typer.Option("--model", help="sentence-transformers model name or local path "
                                              "(default all-MiniLM-L6-v2, bundled).", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Group customers into segments by what they write (or buy), and profile each segment.

    Unchanged texts are never embedded twice; segments that continue last run's keep their ids and names.
    """
    from tools.segments.reading import run_segmentation

    with _progress() as progress:
        run = run_segmentation(ctx.obj.workspace, k=k, seed=seed, model=model, progress=progress)
    if as_json:
        print_json(run)
        return
    _render_run(run)


@app.callback(invoke_without_command=True)
def overview(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show every current segment: size, share of revenue, what it buys and talks about."""
    if ctx.invoked_subcommand is not None:
        return
    from tools.segments.reading import segment_overview

    result = segment_overview(ctx.obj.workspace)
    if as_json:
        print_json(result)
        return
    _render_overview(result)


@app.command("show")
def show(ctx: typer.Context, segment_ref: SegmentArg, as_json: JsonOpt = False) -> None:
    """Show one segment's full profile: who they are, what they buy and say, in their own (redacted) words."""
    from tools.segments.reading import profile_segment

    profile = profile_segment(ctx.obj.workspace, segment_ref)
    if as_json:
        print_json(profile)
        return
    _render_profile(profile)


@app.command("compare")
def compare(ctx: typer.Context, first: SegmentArg, second: SegmentArg, as_json: JsonOpt = False) -> None:
    """Compare two segments side by side: size, value, recency, and where their tastes differ most."""
    from tools.segments.reading import compare_segments

    result = compare_segments(ctx.obj.workspace, first, second)
    if as_json:
        print_json(result)
        return
    _render_comparison(result)


@contextmanager
def _progress() -> Iterator[Progress]:
    """A rich progress display on stderr: one line per stage, a bar with texts/s while embedding."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    display = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=err(), transient=True)
    tasks: dict[str, Any] = {}
    started: dict[str, float] = {}

    def update(stage: str, done: int | None, total: int | None) -> None:
        if stage not in tasks:
            for task_id in tasks.values():
                display.update(task_id, visible=False)
            tasks[stage] = display.add_task(STAGE_WORDS.get(stage, stage), total=None, rate="")
            started[stage] = time.perf_counter()
        if done is not None:
            elapsed = time.perf_counter() - started[stage]
            rate = f"{done / elapsed:,.0f} texts/s" if done and elapsed > 0 else ""
            display.update(tasks[stage], total=total, completed=done, rate=rate)

    with display:
        yield update


STAGE_WORDS = {"features": "Customer features", "documents": "Reading texts", "embedding": "Embedding texts",
               "clustering": "Clustering (choosing K)", "profiles": "Profiling segments", "saving": "Saving"}


def _render_run(run: SegmentationRun) -> None:
    from rich.table import Table

    console = out()
    console.print(f"Segmented [bold]{run.customers:,}[/bold] customers into [bold]{run.k}[/bold] segments "
                  f"(run {run.run_id}, seed {run.seed}, model {run.model}).")
    console.print(f"K: {run.reason}.")
    if run.scores:
        scores = Table("K", "silhouette ↑", "Davies–Bouldin ↓", "", box=None, title="K search", title_justify="left")
        for score in run.scores:
            scores.add_row(str(score.k), f"{score.silhouette:.3f}", f"{score.davies_bouldin:.2f}",
                           "← chosen" if score.k == run.k else "")
        console.print(scores)
    stats = run.embedding
    console.print(f"Embedded {stats.embedded:,} new texts ({stats.cached:,} from cache)"
                  + (f" at {stats.texts_per_second:,.0f} texts/s" if stats.embedded else "") + ". Stage times: "
                  + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in run.stage_seconds.items()))
    console.print(_segments_table(run.segments, show_status=True))
    if run.retired_ids:
        console.print(f"Segments no longer found: {', '.join(map(str, run.retired_ids))}.")
    for message in run.warnings:
        warn(message)
    console.print("Next: [bold]segment-agent segments show ID[/bold] for a full profile.")


def _segments_table(segments: list[Any], show_status: bool = False) -> Any:
    from rich.table import Table

    table = Table("id", "segment", "customers", "share", "revenue", "buys more of · talks about",
                  *(["status"] if show_status else []), box=None, header_style="bold")
    for s in segments:
        evidence = " · ".join(part for part in (", ".join(s.top_categories[:2]), ", ".join(s.terms[:4])) if part)
        table.add_row(str(s.id), f"{s.name}\n[dim]{s.slug}[/dim]", f"{s.size:,}", pct(s.share), pct(s.revenue_share),
                      evidence or "–", *([s.status] if show_status else []))
    return table


def _render_overview(result: SegmentOverview) -> None:
    console = out()
    console.print(f"[bold]{result.k} segments[/bold] of {result.customers:,} customers · run {result.run_id} on "
                  f"{result.created_at} · K {'chosen automatically' if result.k_chosen_by == 'auto' else 'given'}"
                  f" · {result.model}")
    console.print(_segments_table(result.segments))
    console.print("Show one: [bold]segment-agent segments show ID|SLUG[/bold] · compare two: "
                  "[bold]segment-agent segments compare A B[/bold]")


def _render_profile(p: SegmentProfile) -> None:
    console = out()
    console.print(f"[bold]Segment {p.id} · {p.name}[/bold]  [dim]({p.slug})[/dim]")
    console.print(f"{p.size:,} customers ({pct(p.share)} of customers) · {pct(p.revenue_share)} of revenue "
                  f"({money(p.revenue)}) · {_since(p)}")
    for line in _typical_lines(p):
        console.print(line)
    _print_items(console, "What they buy more than other customers", p.top_categories, p.top_products)
    if p.terms:
        console.print(f"\n[bold]What they talk about[/bold]: {', '.join(p.terms)}")
    if p.representative_texts:
        console.print("\n[bold]In their own words[/bold] [dim](redacted)[/dim]")
        for quote in p.representative_texts:
            console.print(f"  “{quote}”", markup=False)
    elif p.writers_share == 0:
        console.print("\n[dim]No customer texts in this segment: it is described by what its customers bought.[/dim]")
    console.print(f"\n[dim]{pct(p.writers_share)} of these customers wrote reviews, tickets or chats · "
                  f"find them:  segment-agent customers --segment {p.id}[/dim]")


def _since(p: SegmentProfile) -> str:
    if p.first_run_id == p.run_id:
        return f"new in run {p.run_id}"
    return f"tracked since run {p.first_run_id}"


def _typical_lines(p: SegmentProfile) -> list[str]:
    lines = []
    rfm, shop = p.rfm, p.shop.get("rfm", {})
    templates = (("recency_days", "last order {} days ago", "{:,.0f}"), ("frequency", "{} orders", "{:,.1f}"),
                 ("monetary", "spends {}", "{:,.2f}"), ("aov", "{} per order", "{:,.2f}"))
    parts = [template.format(number.format(rfm[key]).removesuffix(".0"))
             + f" (shop: {number.format(shop[key]).removesuffix('.0')})" if shop.get(key) is not None else ""
             for key, template, number in templates if rfm.get(key) is not None]
    if parts:
        lines.append("Typical customer (medians): " + " · ".join(parts))
    if p.lifecycle_mix:
        lines.append("Lifecycle: " + " · ".join(f"{k} {pct(v)}" for k, v in p.lifecycle_mix.items()))
    if p.value_mix:
        order = {"high": 0, "mid": 1, "low": 2}
        lines.append("Value: " + " · ".join(f"{k} {pct(v)}" for k, v in
                                             sorted(p.value_mix.items(), key=lambda kv: order.get(kv[0], 9))))
    return lines


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}".removesuffix(".0")


def _print_items(console: Any, title: str, categories: list[dict], products: list[dict]) -> None:
    from rich.table import Table

    if not categories and not products:
        return
    console.print(f"\n[bold]{title}[/bold]")
    table = Table("", "bought by", "vs all customers", "lift", box=None)
    for heading, items in (("Categories", categories), ("Products", products)):
        if items:
            table.add_row(f"[italic]{heading}[/italic]", "", "", "")
        for item in items:
            table.add_row(f"  {item['name']}", pct(item["buyer_share"]), pct(item["base_share"]),
                          f"{item['lift']:.1f}×")
    console.print(table)


def _render_comparison(c: SegmentComparison) -> None:
    from rich.table import Table

    console = out()
    console.print(f"[bold]Segment {c.a.id} · {c.a.name}[/bold]  vs  [bold]Segment {c.b.id} · {c.b.name}[/bold]")
    metrics = Table("", f"{c.a.id} {c.a.slug}", f"{c.b.id} {c.b.slug}", box=None)
    for row in c.metrics:
        fmt = pct if row["metric"].startswith("share") else money if "revenue" in row["metric"] or "value" in \
            row["metric"] else _number
        metrics.add_row(row["metric"], fmt(row["a"]), fmt(row["b"]))
    console.print(metrics)
    for title, items in (("Categories that differ most (share of buyers)", c.categories),
                         ("Products that differ most (share of buyers)", c.products)):
        if items:
            table = Table("", str(c.a.id), str(c.b.id), box=None, title=title, title_justify="left")
            for item in items:
                table.add_row(item["name"], pct(item["a_share"]), pct(item["b_share"]))
            console.print(table)
    console.print(f"Only {c.a.id} talks about: {', '.join(c.terms_only_a) or '–'}")
    console.print(f"Only {c.b.id} talks about: {', '.join(c.terms_only_b) or '–'}")
    if c.shared_terms:
        console.print(f"Both talk about: {', '.join(c.shared_terms)}")

