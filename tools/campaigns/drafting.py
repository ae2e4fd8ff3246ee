"""``draft_campaign``: evidence -> writer -> validator -> one repair -> template fallback (DESIGN.md §10).

With no model, the template writer drafts everything. With a model, each of its drafts is validated; an
invalid one goes back once with the list of problems, and if the repair still fails it is replaced by a
template draft and a warning says why. Nothing invalid is ever returned: the last step re-checks all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, field_validator, model_validator

from tools.behaviour.customers import AudienceFilter
from tools.campaigns.brand import BrandSettings, load_brand
from tools.campaigns.copy_checks import find_discounts, sms_length
from tools.campaigns.copy_evidence import CopyEvidence, build_evidence
from tools.campaigns.copy_validator import (
    CopyRules,
    NameLookup,
    Offer,
    describe_violations,
    validate_draft,
)
from tools.campaigns.copywriter import LlmCopywriter, TextWriter
from tools.campaigns.drafts import Draft
from tools.campaigns.offers import check_offer
from tools.campaigns.target_group import target_group
from tools.campaigns.template_copywriter import CopyBrief, TemplateCopywriter
from tools.concepts import Channel, Goal, Length, Tone, choices, tone_of
from tools.errors import UserError
from tools.results import ToolResult

if TYPE_CHECKING:
    import duckdb

    from tools.runtime.shop import Shop

CATALOGUE_LIMIT = 50_000
# Words people use as a "tone" that really ask for another length: a Length, or a step from the current one.
LENGTH_WORDS: dict[str, Length | str] = {"shorter": "shorter", "short": Length.SHORT, "brief": Length.SHORT,
                                         "concise": Length.SHORT, "punchy": Length.SHORT, "longer": "longer",
                                         "long": Length.LONG, "detailed": Length.LONG}
WITH_CO_PURCHASES = {Goal.CROSS_SELL, Goal.UPSELL, Goal.WELCOME}
NAME_CACHE_LIMIT = 1_000_000


class CampaignRequest(BaseModel):
    """Arguments of ``draft_campaign``: who to write for, on which channel, for which goal."""

    segment: str | None = Field(None, description="Segment id or slug (from segment_overview) to write for.")
    audience: AudienceFilter | None = Field(None, description="Audience filters, e.g. lifecycle=['lapsing'], "
                                                              "value_tier=['high']; combine with segment or not.")
    channel: Channel = Field(Channel.EMAIL, description=f"{choices(Channel)}.")
    goal: Goal = Field(Goal.WINBACK, description=f"{choices(Goal)}.")
    offer: str | None = Field(None, description="Offer to include, e.g. '15% off', '£10 off', 'free delivery'; "
                                                "omit for no offer. Must be within the brand's maximum discount.")
    tone: Tone | None = Field(None, description=f"Tone of voice: {choices(Tone)} (default: the brand's).")
    length: Length = Field(Length.STANDARD, description=f"Draft length: {choices(Length)}.")
    variants: int = Field(3, ge=1, le=5, description="How many distinct drafts to write (1-5).")

    @model_validator(mode="before")
    @classmethod
    def _length_words_act_on_length(cls, values: Any) -> Any:
        """"shorter", "brief", "longer" asked as a tone change the length, not the voice."""
        if isinstance(values, dict) and isinstance(values.get("tone"), str):
            wanted = values["tone"].strip().lower()
            if wanted in LENGTH_WORDS:
                current = Length(values.get("length") or Length.STANDARD)
                step = LENGTH_WORDS[wanted]
                values = {**values, "tone": None,
                          "length": step if isinstance(step, Length) else getattr(current, step)()}
        return values

    @field_validator("tone", mode="before")
    @classmethod
    def _tone_words(cls, value: Any) -> Any:
        """"friendly", "luxury" and the like name one of the tones."""
        return tone_of(value) or value if isinstance(value, str) else value


@dataclass
class CampaignResult(ToolResult):
    """Validated drafts for one audience, the evidence they could use, and any warnings."""

    audience: str
    customers: int
    channel: str
    goal: str
    offer: str | None
    writer: str
    drafts: list[Draft]
    evidence: list[str]
    warnings: list[str] = field(default_factory=list)
    length: str = Length.STANDARD.value
    language: dict[str, Any] = field(default_factory=dict)
    complaint_heavy: bool = False

    def facts(self) -> dict[str, Any]:
        return {"audience": self.audience, "customers": self.customers, "channel": self.channel, "goal": self.goal,
                "offer": self.offer, "length": self.length, "variants": len(self.drafts), "evidence": self.evidence,
                "language": self.language.get("name", "English"), "complaint_heavy": self.complaint_heavy,
                "drafts": [{k: v for k, v in d.text_fields().items() if v} for d in self.drafts]}

    def draft_texts(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in {"channel": d.channel.value, **_fields(d)}.items() if v not in ("", None, [])}
                for d in self.drafts]

    def row_count(self) -> int:
        return len(self.drafts)


def _fields(draft: Draft) -> dict[str, Any]:
    return {"subject": draft.subject, "preheader": draft.preheader, "title": draft.title, "body": draft.body,
            "html": draft.html, "writer": draft.writer, "angle": draft.angle, "characters": draft.characters,
            "facts_used": draft.facts_used}


def draft_campaign(shop: Shop, request: CampaignRequest) -> CampaignResult:
    """Draft campaign copy (email, SMS or push) for a segment or an audience, for a goal.

    Use this for "draft a win-back email for lapsing VIPs" or "write an SMS for segment 2 with 10% off".
    Drafts rest only on aggregate evidence (the group's top categories and products by lift, its lifecycle
    and value mix) and the brand rules; every draft passes the channel limits, the brand's maximum discount
    and words to avoid, and contains no customer data, invented products, prices or placeholders.
    Each draft lists the facts it used. The shop's text-writing model writes them when one is provided,
    else the built-in template copywriter.
    """
    brand = load_brand(shop.settings)
    offer = checked_offer(request.offer, brand)
    writer = shop.providers.writer
    with shop.reading() as con, target_group(shop, request.segment, request.audience) as group:
        evidence = build_evidence(con, group, brand, with_pairings=request.goal in WITH_CO_PURCHASES)
        language = evidence.language.code if evidence.language and writer is not None else "en"
        rules = build_rules(con, evidence, offer, language)
        brief = CopyBrief(request.channel, request.goal, offer, request.tone, request.variants, request.length,
                          evidence.language.name if evidence.language else "English")
        drafts, warnings = write_drafts(evidence, brief, rules, writer, shop.root)
    drafts = [replace(draft.with_facts(facts_used(draft, evidence, offer)), characters=characters(draft, brand))
              for draft in drafts]
    used = "llm" if any(d.writer == "llm" for d in drafts) else "template"
    notes = _audience_notes(evidence, drafts, writer is not None)
    return CampaignResult(group.label, group.size, request.channel.value, request.goal.value, offer.text if offer
                          else None, used, drafts, evidence.facts(), [*group.warnings, *warnings, *notes],
                          request.length.value, evidence.language.to_json() if evidence.language else {},
                          evidence.is_complaint_heavy)


def _audience_notes(evidence: CopyEvidence, drafts: list[Draft], has_model: bool) -> list[str]:
    """What the marketer must know about the audience: its language (and whether the drafts are in it)
    and that complaint-heavy audiences get service-led copy."""
    notes = []
    language = evidence.language
    if language is not None and not language.is_english:
        english = [i + 1 for i, d in enumerate(drafts) if d.writer == "template"]
        if not has_model:
            notes.append(f"This audience mostly reads {language.describe()}, but the built-in writer drafts in "
                         f"English only; configure a model ([llm] in segment-agent.toml or OPENAI_BASE_URL) to get "
                         f"drafts in {language.name}.")
        elif english:
            notes.append(f"This audience mostly reads {language.name}; variant(s) {', '.join(map(str, english))} "
                         "came from the built-in writer and are in English.")
    if language is not None and language.is_mixed:
        notes.append(f"This audience is mixed: {language.describe()}; consider one campaign per country "
                     "(--country).")
    if evidence.is_complaint_heavy and evidence.sentiment is not None:
        notes.append(f"{evidence.sentiment.negative_share:.0%} of this audience's texts read as complaints, so the "
                     "drafts lead with service and help rather than a cheerful sale.")
    return notes


def characters(draft: Draft, brand: BrandSettings) -> str:
    """How much of each channel limit the draft uses, e.g. "132/160 GSM-7 characters incl. opt-out line"."""
    if draft.channel == Channel.SMS:
        length = sms_length(draft.body, brand.sms_max)
        return f"{length.units}/{length.limit} {length.encoding} characters incl. opt-out line"
    if draft.channel == Channel.PUSH:
        return f"title {len(draft.title)}/{brand.push_title_max}, body {len(draft.body)}/{brand.push_body_max} " \
               "characters"
    return f"subject {len(draft.subject)}/{brand.email_subject_max}, preheader {len(draft.preheader)}/" \
           f"{brand.email_preheader_max} characters, body {len(draft.body.split())} words"


def write_drafts(evidence: CopyEvidence, brief: CopyBrief, rules: CopyRules, writer: TextWriter | None = None,
                 workspace_root: Path | None = None) -> tuple[list[Draft], list[str]]:
    """The pipeline without database work: model drafts checked, repaired once, else template drafts."""
    templates = TemplateCopywriter()
    if writer is None:
        return templates.write(evidence, brief, rules), []
    llm = LlmCopywriter(writer, workspace_root)
    try:
        proposed = llm.write(evidence, brief)
    except UserError:
        raise
    except Exception as exc:  # any failure of an external model means: fall back, say why
        return templates.write(evidence, brief, rules), [
            f"The text-writing model failed ({type(exc).__name__}: {exc}); all drafts come from the template writer."]
    warnings = [] if proposed else ["The model's reply held no drafts in the expected JSON format; "
                                    "all drafts come from the template writer."]
    drafts = []
    for index in range(brief.variants):
        draft, warning = _checked_llm_draft(llm, evidence, brief, rules, proposed, index)
        if draft is None:
            draft = templates.write_variant(evidence, brief, rules, index)
            warnings += [warning] if warning and proposed else []
        drafts.append(draft)
    return _final_check(drafts, rules), warnings


def _checked_llm_draft(llm: LlmCopywriter, evidence: CopyEvidence, brief: CopyBrief, rules: CopyRules,
                       proposed: list[Draft], index: int) -> tuple[Draft | None, str]:
    """The model's variant ``index`` if valid as is or after one repair; else None and why."""
    label = f"Variant {index + 1}"
    if index >= len(proposed):
        return None, f"{label}: the model returned only {len(proposed)} drafts; used a template draft."
    problems = validate_draft(proposed[index], rules)
    if not problems:
        return proposed[index], ""
    try:
        repaired = llm.repair(evidence, brief, proposed[index], problems)
    except Exception as exc:  # a failed repair call is handled like a failed repair
        return None, f"{label}: the model's draft broke the rules ({describe_violations(problems)}) and the " \
                     f"repair call failed ({type(exc).__name__}); used a template draft."
    still = validate_draft(repaired, rules)
    if not still:
        return replace(repaired, angle=repaired.angle or proposed[index].angle), ""
    return None, (f"{label}: the model's draft broke the rules ({describe_violations(problems)}) and its repair "
                  f"still did ({describe_violations(still)}); used a template draft.")


def _final_check(drafts: list[Draft], rules: CopyRules) -> list[Draft]:
    for draft in drafts:
        problems = validate_draft(draft, rules)
        if problems:
            raise AssertionError(f"an invalid {draft.writer} draft reached the output: {describe_violations(problems)}")
    return drafts


def checked_offer(text: str | None, brand: BrandSettings) -> Offer | None:
    """The requested offer, parsed, refused with a clear sentence when the brand could never send it."""
    return check_offer(text, brand)


def build_rules(con: duckdb.DuckDBPyConnection, evidence: CopyEvidence, offer: Offer | None,
                language: str = "en") -> CopyRules:
    """Validator rules for this campaign: evidence names and prices, the shop's catalogue, customer names."""
    catalogue = {str(row[0]) for row in con.execute(
        "SELECT DISTINCT item FROM (SELECT product_name AS item FROM orders UNION ALL "
        "SELECT category FROM orders) WHERE item LIKE '% %' LIMIT ?", [CATALOGUE_LIMIT]).fetchall()}
    has_names = con.execute("SELECT count(name) FROM customers").fetchone()[0] > 0
    lookup = _customer_name_lookup(con) if has_names else (lambda candidates: set())
    return CopyRules(evidence.brand, offer, evidence.names(), evidence.prices(), catalogue, lookup, language)


def _customer_name_lookup(con: duckdb.DuckDBPyConnection) -> NameLookup:
    """Which candidate phrases are real customers' names. Names are normalised like the validator's n-grams
    and loaded once on first use (held in memory only for this campaign); huge tables are queried per call."""
    normalised = "trim(regexp_replace(lower(name), '[^\\pL\\pN]+', ' ', 'g'))"
    cache: dict[str, frozenset[str] | None] = {}

    def lookup(candidates: set[str]) -> set[str]:
        if not candidates:
            return set()
        if cache.get("names") is not None:
            return candidates & cache["names"]  # type: ignore[operator]
        if "names" not in cache:
            count = con.execute("SELECT count(DISTINCT name) FROM customers").fetchone()[0]
            cache["names"] = frozenset(row[0] for row in con.execute(
                f"SELECT DISTINCT {normalised} FROM customers WHERE name LIKE '% %'").fetchall()) \
                if count <= NAME_CACHE_LIMIT else None
            if cache["names"] is not None:
                return candidates & cache["names"]
        rows = con.execute(f"SELECT DISTINCT {normalised} AS n FROM customers WHERE list_contains(?, {normalised})",
                           [sorted(candidates)]).fetchall()
        return {row[0] for row in rows}
    return lookup


def facts_used(draft: Draft, evidence: CopyEvidence, offer: Offer | None) -> list[str]:
    """The evidence a draft rests on: the audience, each product or category it names, and the offer."""
    text = draft.all_text()
    facts = evidence.facts_in(text)
    if offer and (find_discounts(text) or offer.text.lower() in text.lower()):
        facts.append(f"offer: {offer.text}")
    return facts
