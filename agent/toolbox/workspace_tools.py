"""Commands only a person runs (never offered to the planner or a model): ingest, features, status."""

from __future__ import annotations

import shlex
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.toolbox.spec import ToolSpec
from tools.behaviour.feature_store import FeatureRun, refresh_features
from tools.ingest.load import IngestReport, ingest_file
from tools.store.inventory import describe_workspace


class IngestArgs(BaseModel):
    """Arguments of ``ingest``: which table, which file, and how to read it."""

    table: Literal["orders", "customers", "texts"]
    file: str
    preset: str | None = None
    map: list[str] = Field(default_factory=list)
    mode: Literal["auto", "append", "replace"] = "auto"
    date_format: str | None = None
    url: str | None = None  # SQL source (issue 17): file is then ignored and query is required
    query: str | None = None


class FeaturesArgs(BaseModel):
    """Arguments of ``features``."""

    as_of: date | None = None


class StatusArgs(BaseModel):
    """No arguments."""


def _ingest(shop: Any, args: IngestArgs, **options: Any) -> IngestReport:
    if args.url:
        from tools.ingest.sql_source import ingest_query

        return ingest_query(shop, args.table, args.url, args.query or "", preset=args.preset, map_pairs=args.map,
                            mode=args.mode, date_format=args.date_format, **options)
    return ingest_file(shop, args.table, Path(args.file), preset=args.preset, map_pairs=args.map, mode=args.mode,
                       date_format=args.date_format, **options)


def _features(shop: Any, args: FeaturesArgs, **options: Any) -> FeatureRun:
    as_of = datetime.combine(args.as_of, datetime.min.time()) if args.as_of else None
    return refresh_features(shop, as_of, **options)


def _ingest_command(args: IngestArgs, _result: object) -> list[str]:
    command = ["segment-agent", "ingest", args.table, args.file]
    command += ["--preset", args.preset] if args.preset else []
    for pair in args.map:
        command += ["--map", pair]
    command += [f"--{args.mode}"] if args.mode != "auto" else []
    command += ["--date-format", args.date_format] if args.date_format else []
    return [shlex.join(command)]


SPECS = [
    ToolSpec("ingest", "Load a file into the workspace.", IngestArgs, _ingest, _ingest_command, for_agent=False),
    ToolSpec("refresh_features", "Recompute customer features.", FeaturesArgs, _features,
             lambda args, _r: ["segment-agent features" + (f" --as-of {args.as_of}" if args.as_of else "")],
             for_agent=False),
    ToolSpec("workspace_status", "What the workspace holds.", StatusArgs,
             lambda shop, _args: describe_workspace(shop), lambda _a, _r: ["segment-agent status"], for_agent=False),
]
