"""Summaries of segment results: overview, one profile, a comparison, a new segmentation run."""

from __future__ import annotations

from agent.narration.registry import describes
from agent.wording import money, pct
from tools.segments.reading import SegmentComparison, SegmentOverview, SegmentProfile
from tools.segments.segmentation import SegmentationRun


@describes(SegmentOverview)
def overview(result: SegmentOverview) -> str:
    lines = [f"- **{s.id} · {s.name}**: {s.size:,} customers ({pct(s.share)}), {pct(s.revenue_share)} of revenue; "
             f"talks about {', '.join(s.terms[:4]) or '–'}" for s in result.segments]
    return f"**{result.k} segments** over {result.customers:,} customers ({result.reason}).\n\n" + "\n".join(lines)


@describes(SegmentProfile)
def profile(p: SegmentProfile) -> str:
    cats = ", ".join(f"{c['name']} ({c['lift']:.1f}×)" for c in p.top_categories[:3] if "name" in c)
    products = ", ".join(item["name"] for item in p.top_products[:3] if "name" in item)
    text = (f"**Segment {p.id} · {p.name}**: {p.size:,} customers ({pct(p.share)}), {money(p.revenue)} net "
            f"revenue ({pct(p.revenue_share)} of the shop). They buy more {cats or 'of no category in particular'} "
            "than other customers" + (f" — especially {products}" if products else "") + ".")
    if p.terms:
        text += f" They talk about {', '.join(p.terms[:6])}."
    elif p.writers_share == 0:
        text += " No customer in it wrote a review, ticket or chat: it is described by what its customers bought."
    return text


@describes(SegmentComparison)
def comparison(c: SegmentComparison) -> str:
    a, b = c.a, c.b
    return (f"**{a.id} · {a.name}** ({a.size:,} customers, {pct(a.revenue_share)} of revenue) vs "
            f"**{b.id} · {b.name}** ({b.size:,} customers, {pct(b.revenue_share)} of revenue). "
            f"Only {a.name} talks about {', '.join(c.terms_only_a[:4]) or '–'}; only {b.name} about "
            f"{', '.join(c.terms_only_b[:4]) or '–'}.")


@describes(SegmentationRun)
def run(r: SegmentationRun) -> str:
    stats = r.embedding
    return (f"Segmented {r.customers:,} customers into **{r.k} segments** ({r.reason}). "
            + "; ".join(f"{s.id} · {s.name} ({s.size:,}, {s.status})" for s in r.segments) + ". "
            f"Embedded {stats.embedded:,} new texts ({stats.cached:,} from cache).")
