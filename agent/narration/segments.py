"""Summaries of segment results: overview, one profile, a comparison, a new segmentation run."""

from __future__ import annotations

from agent.narration.inert import md
from agent.narration.registry import describes
from agent.wording import money, pct
from tools.segments.reading import SegmentComparison, SegmentOverview, SegmentProfile
from tools.segments.segmentation import SegmentationRun
from tools.segments.themes import Themes


@describes(SegmentOverview)
def overview(result: SegmentOverview) -> str:
    lines = [f"- **{s.id} · {md(s.name)}**: {s.size:,} customers ({pct(s.share)}), {pct(s.revenue_share)} of "
             f"revenue; talks about {', '.join(map(md, s.terms[:4])) or '–'}" for s in result.segments]
    return f"**{result.k} segments** over {result.customers:,} customers ({result.reason}).\n\n" + "\n".join(lines)


@describes(SegmentProfile)
def profile(p: SegmentProfile) -> str:
    cats = ", ".join(f"{md(c['name'])} ({c['lift']:.1f}×)" for c in p.top_categories[:3] if "name" in c)
    products = ", ".join(md(item["name"]) for item in p.top_products[:3] if "name" in item)
    text = (f"**Segment {p.id} · {md(p.name)}**: {p.size:,} customers ({pct(p.share)}), {money(p.revenue)} net "
            f"revenue ({pct(p.revenue_share)} of the shop). They buy more {cats or 'of no category in particular'} "
            "than other customers" + (f" — especially {products}" if products else "") + ".")
    if p.terms:
        text += f" They talk about {', '.join(map(md, p.terms[:6]))}."
    elif p.writers_share == 0:
        text += " No customer in it wrote a review, ticket or chat: it is described by what its customers bought."
    return text


@describes(SegmentComparison)
def comparison(c: SegmentComparison) -> str:
    a, b = c.a, c.b
    return (f"**{a.id} · {md(a.name)}** ({a.size:,} customers, {pct(a.revenue_share)} of revenue) vs "
            f"**{b.id} · {md(b.name)}** ({b.size:,} customers, {pct(b.revenue_share)} of revenue). "
            f"Only {md(a.name)} talks about {', '.join(map(md, c.terms_only_a[:4])) or '–'}; only {md(b.name)} about "
            f"{', '.join(map(md, c.terms_only_b[:4])) or '–'}.")


@describes(SegmentationRun)
def run(r: SegmentationRun) -> str:
    stats = r.embedding
    return (f"Segmented {r.customers:,} customers into **{r.k} segments** ({r.reason}). "
            + "; ".join(f"{s.id} · {md(s.name)} ({s.size:,}, {s.status})" for s in r.segments) + ". "
            f"Embedded {stats.embedded:,} new texts ({stats.cached:,} from cache).")


@describes(Themes)
def themes(t: Themes) -> str:
    about = {"complaints": "complain about", "praise": "praise"}.get(t.focus, "write about")
    where = f" in {t.period}" if t.period else ""
    if not t.texts:
        return (f"None of the {t.customers:,} {t.description} wrote a review, ticket or chat{where}"
                + (" in that vein" if t.focus != "all" else "") + ", so there is nothing to read.")
    head = (f"**What {t.description} {about}**: {t.texts:,} texts from {t.writers:,} of the {t.customers:,} "
            f"customers{where}.")
    if not t.terms:
        return head + " No term comes up often enough to call a theme."
    earlier = t.versus == "earlier"
    listed = []
    for term in t.terms[:6]:
        if term.get("lift"):
            lift = f", {term['lift']:.1f}× " + ("as often as before" if earlier else "other customers")
        elif earlier:
            lift = ", new: not in their earlier texts" if t.compared_with.startswith("their") else ""
        else:
            lift = ", only they mention it" if t.compared_with.startswith("other") else ""
        listed.append(f"“{term['term']}” ({pct(term['share'])} of their texts{lift})")
    verb = "Rising or new against their texts before that: " if earlier else "They mention "
    return head + " " + verb + "; ".join(listed) + ". The quotes below are theirs, redacted."
