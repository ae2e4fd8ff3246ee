"""``segment-agent segment`` and ``segment-agent segments [show ID|SLUG | compare A B]``.

Thin commands over the segment tools: the same renderer as every other answer draws them, with embedding
progress on stderr; they never compute numbers themselves.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from agent.commands.present import JsonOpt, present, yield_cpu_to_readers
from agent.console import err

SegmentArg = Annotated[str, typer.Argument(help="Segment id, slug or name (see  segment-agent segments).",
                                           show_default=False)]
STAGE_WORDS = {"features": "Customer features", "documents": "Reading texts", "embedding": "Embedding texts",
               "clustering": "Clustering (choosing K)", "profiles": "Profiling segments", "saving": "Saving"}

app = typer.Typer(help="List, show and compare the current voice-of-customer segments.")


def segment(
    ctx: typer.Context,
    k: Annotated[int | None, typer.Option("--k", min=2, max=50, help="Number of segments (default: chosen "
                                          "automatically from 3–12).", show_default=False)] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default from config: 7); same data "
                                             "and seed give the same segments.", show_default=False)] = None,
    model: Annotated[str | None, typer.Option("--model", help="sentence-transformers model name or local path "
                                              "(default all-MiniLM-L6-v2, bundled).", show_default=False)] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (default) or ray: embed new texts and assign "
                                        "customers on Ray (pip install 'segment-agent[ray]').")] = "local",
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster address for --engine ray "
                                                "(default: start Ray on this machine).", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Group customers into segments by what they write (or buy), and profile each segment.

    Unchanged texts are never embedded twice; segments that continue last run's keep their ids and names.
    Other commands keep answering from the previous segments while this runs.
    """
    args = {key: value for key, value in (("k", k), ("seed", seed), ("model", model)) if value is not None}
    from tools.segments.ray_engine import open_engine

    yield_cpu_to_readers(ctx)
    with open_engine(engine, address) as on_ray, embedding_progress() as progress:
        present(ctx, "run_segmentation", args, as_json=as_json, progress=progress,
                **({"engine": on_ray} if on_ray else {}))


@app.callback(invoke_without_command=True)
def overview(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show every current segment: size, share of revenue, what it buys and talks about."""
    if ctx.invoked_subcommand is not None:
        return
    present(ctx, "segment_overview", {}, as_json=as_json, max_rows=100)


@app.command("show")
def show(ctx: typer.Context, segment_ref: SegmentArg, as_json: JsonOpt = False) -> None:
    """Show one segment's full profile: who they are, what they buy and say, in their own (redacted) words."""
    present(ctx, "profile_segment", {"segment": segment_ref}, as_json=as_json, max_rows=100)


@app.command("compare")
def compare(ctx: typer.Context, first: SegmentArg, second: SegmentArg, as_json: JsonOpt = False) -> None:
    """Compare two segments side by side: size, value, recency, and where their tastes differ most."""
    present(ctx, "compare_segments", {"segments": [first, second]}, as_json=as_json, max_rows=100)


@contextmanager
def embedding_progress() -> Iterator[Any]:
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
