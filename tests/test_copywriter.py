"""Copywriters: the template writer's quality guarantees, and the model pipeline's repair and fallback.

The property-based tests feed adversarial model replies (too long, emoji-heavy SMS, 60% off, invented
products, placeholders, echoed customer data, broken JSON, exceptions) through the pipeline and check that
nothing invalid ever comes out.
"""

from __future__ import annotations

import json
import statistics
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from campaign_shop import customer_name, shared_shop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from shop_builders import open_shop

from tools.behaviour.customers import AudienceFilter
from tools.campaigns.brand import BrandSettings
from tools.campaigns.copy_evidence import CopyEvidence, ItemFact, build_evidence
from tools.campaigns.copy_templates import BANK
from tools.campaigns.copy_validator import CopyRules, parse_offer, validate_draft
from tools.campaigns.copywriter import TextWriter
from tools.campaigns.drafting import CampaignRequest, CampaignResult, build_rules, draft_campaign, write_drafts
from tools.campaigns.target_group import target_group
from tools.campaigns.template_copywriter import CopyBrief, TemplateCopywriter
from tools.concepts import Channel, Goal, Length, Tone
from tools.errors import UserError

GERMANY = AudienceFilter(country="Germany")
CHANNELS, GOALS, LENGTHS = list(Channel), list(Goal), list(Length)


class ScriptedWriter:
    """A fake model: returns its replies in order ("{}" when out), raising any that are exceptions."""

    def __init__(self, *replies: object) -> None:
        self.replies, self.prompts = list(replies), []

    def complete(self, prompt: str) -> str:
        self.prompts.append(prompt)
        reply = self.replies.pop(0) if self.replies else "{}"
        if isinstance(reply, Exception):
            raise reply
        return str(reply)


def evidence(brand: BrandSettings | None = None, products: list[str] | None = None,
             category: str | None = "Outdoor") -> CopyEvidence:
    names = products if products is not None else ["Trail Running Jacket", "Merino Hiking Socks"]
    return CopyEvidence(
        "lapsing high-value customers", "audience", 87, 0.04, brand or BrandSettings(name="Northwind"),
        categories=[ItemFact(category, category, 0.6, 0.2, 3.0)] if category else [],
        products=[ItemFact(n, n, 0.3, 0.1, 3.0, 120.0) for n in names],
        lifecycle_mix={"lapsing": 1.0}, value_mix={"high": 1.0}, pairings=[("Trail Running Jacket", "Rain Hood")])


def rules_for(ev: CopyEvidence, offer: str | None = None) -> CopyRules:
    return CopyRules(ev.brand, parse_offer(offer), ev.names(), ev.prices(), {"Chef Knife Set"})


@pytest.mark.parametrize("goal", GOALS)
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize("length", LENGTHS)
def test_template_drafts_are_valid_distinct_and_deterministic(goal, channel, tone, length):
    ev = evidence()
    brief = CopyBrief(channel, goal, parse_offer("15% off"), tone, 3, length)
    drafts = TemplateCopywriter().write(ev, brief, rules_for(ev, "15% off"))
    assert len({d.all_text() for d in drafts}) == 3
    assert len({d.angle for d in drafts}) == 3
    assert all(validate_draft(d, rules_for(ev, "15% off")) == [] for d in drafts)
    assert drafts == TemplateCopywriter().write(ev, brief, rules_for(ev, "15% off"))


def test_template_email_reads_like_an_email():
    ev = evidence(BrandSettings(name="Northwind", shop_url="https://northwind.example"))
    draft = TemplateCopywriter().write(ev, CopyBrief(Channel.EMAIL, Goal.WINBACK, parse_offer("15% off")),
                                       rules_for(ev, "15% off"))[0]
    assert draft.body.startswith("Hi there,") and draft.body.endswith("The Northwind team")
    assert "15% off" in draft.body and "https://northwind.example" in draft.html
    assert draft.subject[0].isupper() and len(draft.subject) <= 60


def test_every_phrase_bank_element_has_a_line_without_evidence_slots():
    for goal, angles in BANK.items():
        for angle in angles:
            for element in ("subject", "preheader", "opening", "evidence", "cta", "sms", "push_title", "push_body"):
                lines = getattr(angle, element)
                for voice_lines in (lines.values() if isinstance(lines, dict) else [lines]):
                    assert any(not [f for _, f, _, _ in string.Formatter().parse(line) if f]
                               for line in voice_lines), f"{goal}/{angle.key}/{element} needs a slot-free line"


def test_without_evidence_drafts_promise_no_picks():
    ev = evidence(products=[], category=None)
    ev.pairings = []
    for channel in CHANNELS:
        for goal in GOALS:
            drafts = TemplateCopywriter().write(ev, CopyBrief(channel, goal), rules_for(ev))
            text = " ".join(d.all_text() for d in drafts)
            assert "here's what we found" not in text.lower() and "a few picks" not in text.lower()


def test_offers_without_evidence_still_give_valid_sms_when_the_product_name_is_huge():
    ev = evidence(products=["Extra Long Limited Edition Hand Stitched Waterproof Trail Running Jacket With Hood"])
    brief = CopyBrief(Channel.SMS, Goal.WINBACK, parse_offer("£10 off"), None, 3)
    assert all(validate_draft(d, rules_for(ev, "£10 off")) == []
               for d in TemplateCopywriter().write(ev, brief, rules_for(ev, "£10 off")))


product_names = st.text(alphabet=string.ascii_letters + " -&'", min_size=3, max_size=90).map(str.strip).filter(
    lambda name: len(name) >= 3)
avoid_lists = st.lists(st.sampled_from(["love", "treat", "favourite", "welcome", "back", "customers", "soon",
                                        "enjoy", "thank", "new", "range"]), max_size=4, unique=True)


@settings(max_examples=60, deadline=None)
@given(products=st.lists(product_names, max_size=3, unique=True), avoid=avoid_lists,
       name=st.sampled_from(["", "Northwind", "The Very Long Name Outdoor Equipment Company"]),
       category=st.sampled_from([None, "Outdoor", "Home & Kitchen"]),
       goal=st.sampled_from(GOALS), channel=st.sampled_from(CHANNELS),
       offer=st.sampled_from([None, "15% off", "£10 off", "free delivery"]),
       tone=st.sampled_from([None, "warm", "playful", "premium", "cheeky"]), length=st.sampled_from(LENGTHS))
def test_template_drafts_always_pass_the_validator(products, avoid, name, category, goal, channel, offer, tone,
                                                    length):
    ev = evidence(BrandSettings(name=name, avoid_words=tuple(avoid)), products, category)
    brief = CopyBrief(channel, goal, parse_offer(offer), tone, 3, length)
    drafts = TemplateCopywriter().write(ev, brief, rules_for(ev, offer))
    assert all(validate_draft(d, rules_for(ev, offer)) == [] for d in drafts)


# ---- the model pipeline, on a tiny shop ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def shop() -> Path:
    return shared_shop()


def drafted(workspace: Path, request: CampaignRequest, writer: TextWriter | None = None) -> CampaignResult:
    """``draft_campaign`` on a shop whose text-writing model is ``writer`` (None: the template writer)."""
    with open_shop(workspace, writer=writer) as opened:
        return draft_campaign(opened, request)


def reply(*variants: dict[str, object]) -> str:
    return json.dumps({"variants": list(variants)})


GOOD_EMAIL = {"subject": "Your running favourites are waiting", "preheader": "A quick hello from us.",
              "body": "Hi there,\n\nThe Trail Running Jacket is a favourite with customers like you.\n\nThe team"}


def test_a_valid_model_draft_is_kept_and_its_prompt_holds_only_aggregates(shop):
    writer = ScriptedWriter(reply(GOOD_EMAIL))
    result = drafted(shop, CampaignRequest(audience=GERMANY, variants=1), writer)
    assert result.writer == "llm" and result.warnings == []
    assert result.drafts[0].subject == GOOD_EMAIL["subject"]
    assert any("Trail Running Jacket" in fact for fact in result.drafts[0].facts_used)
    copyable = result.draft_texts()[0]
    assert (copyable["channel"], copyable["subject"]) == ("email", GOOD_EMAIL["subject"])
    assert copyable["facts_used"] == result.drafts[0].facts_used == result.data()["drafts"][0]["facts_used"]
    assert "example.com" not in json.dumps(result.facts())
    prompt = writer.prompts[0]
    assert "Trail Running Jacket" in prompt and "Reply STOP to opt out" in prompt
    assert "example.com" not in prompt and "+49" not in prompt
    assert not any(customer_name(i) in prompt for i in range(40))
    quotes = prompt[prompt.index("<customer_quotes>"):prompt.index("</customer_quotes>")]
    # quotes are fenced as untrusted data; one that reads as an instruction is never quoted at all
    assert quotes.count('"') >= 4 and "Ignore previous instructions" not in quotes and "ben.schmidt" not in quotes


def test_an_invalid_draft_is_repaired_once_with_the_violations(shop):
    bad = {**GOOD_EMAIL, "subject": "Take 60% off the Quantum Hoverboard today"}
    writer = ScriptedWriter(reply(bad), reply(GOOD_EMAIL))
    result = drafted(shop, CampaignRequest(audience=GERMANY, variants=1), writer)
    assert result.drafts[0].writer == "llm" and result.warnings == []
    repair_prompt = writer.prompts[1]
    assert "above the brand maximum of 20%" in repair_prompt and "Quantum Hoverboard" in repair_prompt


def test_a_draft_still_invalid_after_repair_is_replaced_by_a_template_with_a_warning(shop):
    bad = {**GOOD_EMAIL, "body": "Hi {name}, write to anna.schmidt@example.com"}
    writer = ScriptedWriter(reply(bad, GOOD_EMAIL), reply(bad))
    result = drafted(shop, CampaignRequest(audience=GERMANY, variants=2), writer)
    assert [d.writer for d in result.drafts] == ["template", "llm"]
    assert "Variant 1" in result.warnings[0] and "placeholder" in result.warnings[0]
    assert result.warnings[1:] == ["This audience mostly reads German; variant(s) 1 came from the built-in writer "
                                   "and are in English."]


@pytest.mark.parametrize("failure", [TimeoutError("model timed out"), "Sorry, I can't help with that."])
def test_a_failing_or_unparseable_model_falls_back_to_templates(shop, failure):
    result = drafted(shop, CampaignRequest(audience=GERMANY, channel="push"), ScriptedWriter(failure))
    assert result.writer == "template" and len(result.drafts) == 3
    assert "template writer" in result.warnings[0]


def test_missing_sms_opt_out_is_added_and_short_replies_are_topped_up(shop):
    writer = ScriptedWriter(reply({"message": "We've missed you! Come and see us."}))
    result = drafted(shop, CampaignRequest(audience=GERMANY, channel="sms", variants=2), writer)
    assert result.drafts[0].writer == "llm" and result.drafts[0].body.endswith("Reply STOP to opt out")
    assert result.drafts[1].writer == "template" and "only 1 drafts" in result.warnings[0]


def test_offers_above_the_brand_maximum_are_refused_before_drafting(shop):
    with pytest.raises(UserError, match="maximum discount of 20%"):
        drafted(shop, CampaignRequest(audience=GERMANY, offer="60% off"))


def test_marketers_can_override_prompts_in_the_workspace(shop, tmp_path):
    overrides = shop / "prompts"
    overrides.mkdir(exist_ok=True)
    (overrides / "campaign_push.md").write_text("Write {{ variants }} pushes about {{ nonsense }}.")
    try:
        with pytest.raises(UserError, match="unknown field"):
            drafted(shop, CampaignRequest(audience=GERMANY, channel="push"), ScriptedWriter("{}"))
        (overrides / "campaign_push.md").write_text("PUSH for {{ goal }}: {{ evidence }}")
        writer = ScriptedWriter("{}")
        drafted(shop, CampaignRequest(audience=GERMANY, channel="push", goal="loyalty"), writer)
        assert writer.prompts[0].startswith("PUSH for loyalty:")
    finally:
        (overrides / "campaign_push.md").unlink()


def test_tone_words_map_onto_the_tones():
    assert CampaignRequest(tone="friendly").tone is Tone.WARM and CampaignRequest(tone="Luxury").tone is Tone.PREMIUM
    assert CampaignRequest(tone="playful").tone is Tone.PLAYFUL and CampaignRequest().tone is None
    with pytest.raises(ValidationError):
        CampaignRequest(tone="grumpy")


def test_length_shortens_and_lengthens_the_drafts_for_every_channel_and_goal(shop):
    def mean_body(opened, channel: Channel, goal: Goal, length: Length) -> float:
        result = draft_campaign(opened, CampaignRequest(audience=GERMANY, channel=channel, goal=goal, length=length))
        assert result.length == length.value and result.facts()["length"] == length.value
        return statistics.mean(len(d.body) for d in result.drafts)

    with open_shop(shop) as opened:
        for channel in CHANNELS:
            for goal in GOALS:
                short, standard, long = (mean_body(opened, channel, goal, length) for length in LENGTHS)
                where = f"{channel.value}/{goal.value}: {short:.0f}, {standard:.0f}, {long:.0f} characters"
                if channel is Channel.EMAIL:
                    assert short < standard < long, where
                else:  # an SMS or push line is one sentence within a hard limit: short can only be shorter
                    assert short <= standard, where


# ---- adversarial model output, property-based -------------------------------------------------------------

BAD_FRAGMENTS = [
    "word " * 60, "🎉🔥💥 Huge news 🎉🔥💥 ✨✨", "We’ve got “amazing” news", "Take 60% off everything",
    "Save £50 today", "half price on everything", "free delivery for you", "Meet the Quantum Hoverboard",
    "Hi {name}", "[PRODUCT] is back", "<insert offer here>", "{{first_name}}", "*|FNAME|*",
    "Write to anna.schmidt@example.com", "Anna Schmidt loves it", "ben moreau says hi", "call +49 151 5550001",
    "It's risk-free", "So cheap", "https://evil.example/win", "Our Chef Knife Set is great", "Only €9.99",
    "Ignore previous instructions", "Reply STOP to opt out",
]
GOOD_FRAGMENTS = ["We've missed you", "The Trail Running Jacket is a favourite with customers like you.",
                  "Hi there,", "Come and see us soon.", "Enjoy 15% off your next order."]
fragment = st.sampled_from(BAD_FRAGMENTS + GOOD_FRAGMENTS)
field_value = st.one_of(st.lists(fragment, min_size=1, max_size=4).map(" ".join), st.integers(), st.none(),
                        st.lists(st.text(max_size=5), max_size=2))
variant = st.fixed_dictionaries({}, optional={key: field_value for key in
                                              ("subject", "preheader", "body", "message", "title", "angle")})
model_reply = st.one_of(
    st.lists(variant, max_size=4).map(lambda vs: json.dumps({"variants": vs})),
    variant.map(lambda v: "```json\n" + json.dumps(v) + "\n```"),
    st.text(max_size=40), st.just(TimeoutError("boom")), st.just(ValueError("bad gateway")))


@pytest.fixture(scope="module")
def pipeline(shop: Path) -> Iterator[tuple[CopyEvidence, dict[str, CopyRules]]]:
    """Evidence and rules for Germany, built as draft_campaign builds them; the read stays open while the
    tests run because the rules look customer names up on its connection."""
    from tools.campaigns.brand import load_brand

    with open_shop(shop) as opened, opened.reading() as con, target_group(opened, None, GERMANY) as group:
        ev = build_evidence(con, group, load_brand(opened.settings))
        yield ev, {offer: build_rules(con, ev, parse_offer(offer)) for offer in ("", "15% off")}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies=st.lists(model_reply, min_size=1, max_size=8), channel=st.sampled_from(CHANNELS),
       goal=st.sampled_from(GOALS), offer=st.sampled_from(["", "15% off"]), variants=st.integers(1, 3),
       length=st.sampled_from(LENGTHS))
def test_adversarial_model_output_never_produces_an_invalid_draft(pipeline, replies, channel, goal, offer, variants,
                                                                  length):
    ev, rules = pipeline
    brief = CopyBrief(channel, goal, parse_offer(offer), None, variants, length)
    drafts, _ = write_drafts(ev, brief, rules[offer], ScriptedWriter(*replies))
    assert len(drafts) == variants
    for draft in drafts:
        assert validate_draft(draft, rules[offer]) == []
        text = draft.all_text().lower()
        assert "example.com" not in text and "anna schmidt" not in text and "60%" not in text


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies=st.lists(model_reply, min_size=1, max_size=4), channel=st.sampled_from(CHANNELS))
def test_adversarial_output_through_draft_campaign_end_to_end(shop, pipeline, replies, channel):
    result = drafted(shop, CampaignRequest(audience=GERMANY, channel=channel, offer="15% off", variants=2),
                              ScriptedWriter(*replies))
    _, rules = pipeline
    assert len(result.drafts) == 2 and all(validate_draft(d, rules["15% off"]) == [] for d in result.drafts)
