"""Tools about segments: segment_overview, profile_segment, compare_segments, run_segmentation."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from pydantic import BaseModel

from agent.answer import TableData, ToolOutcome
from agent.toolbox import ToolSpec
from agent.wording import money, pct
from tools.segments.settings import CompareArgs, SegmentArgs, SegmentationArgs

OVERVIEW_COLUMNS = ["segment_id", "name", "customers", "share", "revenue_share", "top_categories", "terms"]


class NoArgs(BaseModel):
    """No arguments."""


def _overview_table(segments: list) -> TableData:
    rows = [[s.id, s.name, s.size, s.share, s.revenue_share, ", ".join(s.top_categories[:3]), ", ".join(s.terms[:5])]
            for s in segments]
    return TableData(f"{len(segments)} segments", OVERVIEW_COLUMNS, rows)


def _segment_overview(root: Path, _args: NoArgs) -> ToolOutcome:
    from tools.segments.reading import segment_overview

    overview = segment_overview(root)
    facts = {"run_id": overview.run_id, "k": overview.k, "k_chosen_by": overview.k_chosen_by,
             "customers": overview.customers,
             "segments": [{"id": s.id, "name": s.name, "slug": s.slug, "customers": s.size, "share": s.share,
                           "revenue_share": s.revenue_share, "top_categories": s.top_categories[:3],
                           "terms": s.terms[:6]} for s in overview.segments]}
    lines = [f"- **{s.id} · {s.name}**: {s.size:,} customers ({pct(s.share)}), {pct(s.revenue_share)} of revenue; "
             f"talks about {', '.join(s.terms[:4])}" for s in overview.segments]
    summary = (f"**{overview.k} segments** over {overview.customers:,} customers ({overview.reason}).\n\n"
               + "\n".join(lines))
    return ToolOutcome(facts, summary, [_overview_table(overview.segments)], reproduce=["segment-agent segments"],
                       rows=len(overview.segments), warnings=list(overview.warnings))


def _profile_facts(profile: object) -> dict:
    data = asdict(profile)  # type: ignore[call-overload]
    keep = ("id", "name", "slug", "size", "share", "revenue", "revenue_share", "rfm", "lifecycle_mix", "value_mix",
            "top_categories", "top_products", "terms", "representative_texts", "writers_share")
    return {key: data[key] for key in keep}


def _profile_segment(root: Path, args: SegmentArgs) -> ToolOutcome:
    from tools.segments.reading import profile_segment

    profile = profile_segment(root, args.segment)
    facts = _profile_facts(profile)
    cats = ", ".join(f"{c['name']} ({c['lift']:.1f}×)" for c in profile.top_categories[:3] if "name" in c)
    products = ", ".join(p["name"] for p in profile.top_products[:3] if "name" in p)
    summary = (f"**Segment {profile.id} · {profile.name}**: {profile.size:,} customers ({pct(profile.share)}), "
               f"{money(profile.revenue)} net revenue ({pct(profile.revenue_share)} of the shop). "
               f"They buy more {cats or 'of no category in particular'} than other customers"
               + (f" — especially {products}" if products else "") + ". "
               f"They talk about {', '.join(profile.terms[:6])}.")
    if profile.representative_texts:
        summary += "\n\n> " + profile.representative_texts[0]
    rows = [[c.get("name"), c.get("buyer_share"), c.get("lift")] for c in profile.top_categories]
    rows += [[p.get("name"), p.get("buyer_share"), p.get("lift")] for p in profile.top_products]
    table = TableData(f"What segment {profile.id} buys more than others", ["item", "bought by", "lift"], rows)
    return ToolOutcome(facts, summary, [table], reproduce=[f"segment-agent segments show {profile.id}"], rows=1)


def _compare_segments(root: Path, args: CompareArgs) -> ToolOutcome:
    from tools.segments.reading import compare_segments

    comparison = compare_segments(root, args.segments[0], args.segments[1])
    a, b = comparison.a, comparison.b
    facts = {"a": _profile_facts(a), "b": _profile_facts(b), "metrics": comparison.metrics,
             "terms_only_a": comparison.terms_only_a, "terms_only_b": comparison.terms_only_b}
    summary = (f"**{a.id} · {a.name}** ({a.size:,} customers, {pct(a.revenue_share)} of revenue) vs "
               f"**{b.id} · {b.name}** ({b.size:,} customers, {pct(b.revenue_share)} of revenue). "
               f"Only {a.name} talks about {', '.join(comparison.terms_only_a[:4]) or '–'}; only {b.name} about "
               f"{', '.join(comparison.terms_only_b[:4]) or '–'}.")
    columns = list(comparison.metrics[0].keys()) if comparison.metrics else ["metric"]
    rows = [[metric.get(column) for column in columns] for metric in comparison.metrics]
    return ToolOutcome(facts, summary, [TableData(f"Segment {a.id} vs {b.id}", columns, rows)],
                       reproduce=[f"segment-agent segments compare {a.id} {b.id}"], rows=len(rows))


def _run_segmentation(root: Path, args: SegmentationArgs) -> ToolOutcome:
    from tools.segments.reading import run_segmentation

    run = run_segmentation(root, k=args.k, seed=args.seed, model=args.model)
    facts = {"run_id": run.run_id, "k": run.k, "k_chosen_by": run.k_chosen_by, "customers": run.customers,
             "segments": [{"id": s.id, "name": s.name, "customers": s.size, "status": s.status}
                          for s in run.segments]}
    summary = (f"Segmented {run.customers:,} customers into **{run.k} segments** ({run.reason}). "
               + "; ".join(f"{s.id} · {s.name} ({s.size:,}, {s.status})" for s in run.segments) + ".")
    command = "segment-agent segment" + (f" --k {args.k}" if args.k else "")
    return ToolOutcome(facts, summary, [_overview_table(run.segments)], reproduce=[command], rows=len(run.segments),
                       warnings=list(run.warnings))


SPECS = [
    ToolSpec("segment_overview", "List the current customer segments (personas) with size, share of customers and "
             "revenue, top categories and the words their customers use, and how K was chosen.", NoArgs,
             _segment_overview),
    ToolSpec("profile_segment", "Full profile of one segment: size, revenue, RFM medians, lifecycle and value mix, "
             "categories and products it buys more than others (lift), distinctive terms, redacted quotes.",
             SegmentArgs, _profile_segment),
    ToolSpec("compare_segments", "Compare two segments side by side: size, revenue, RFM, and the categories, "
             "products and words that differ most.", CompareArgs, _compare_segments),
    ToolSpec("run_segmentation", "Re-run segmentation (embed customer texts, K-means). Slow; only when the user "
             "asks to re-segment. k optional.", SegmentationArgs, _run_segmentation, writes=True),
]
