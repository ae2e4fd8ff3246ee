"""The copy validator: channel limits, brand policy, evidence grounding and PII, on hand-written drafts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.campaigns.brand import BrandSettings
from tools.campaigns.copy_checks import GSM7_BASIC, GSM7_EXTENSION, find_discounts, sms_length
from tools.campaigns.copy_validator import CopyRules, parse_offer, validate_draft
from tools.campaigns.drafts import Draft
from tools.concepts import Channel

BRAND = BrandSettings(name="Northwind", avoid_words=("cheap", "risk-free"), max_discount_percent=20,
                      max_discount_amount=15, shop_url="https://northwind.example")
EVIDENCE_NAMES = ["Trail Running", "Trail Running Jacket", "Merino Hiking Socks"]


def rules(offer: str | None = None, customers: set[str] | None = None) -> CopyRules:
    known = customers or set()
    return CopyRules(BRAND, parse_offer(offer), EVIDENCE_NAMES, {120.0}, {"Chef Knife Set", "Home & Kitchen"},
                     lambda candidates: candidates & known)


def email(subject: str = "Your trail favourites are waiting", preheader: str = "A quick hello from Northwind.",
          body: str = "Hi there,\n\nThe Trail Running Jacket is a favourite with customers like you.\n\nThe Northwind "
                      "team") -> Draft:
    return Draft(Channel.EMAIL, body, subject=subject, preheader=preheader)


def sms(message: str) -> Draft:
    return Draft(Channel.SMS, message)


def rule_names(draft: Draft, offer: str | None = None, customers: set[str] | None = None) -> set[str]:
    return {v.rule for v in validate_draft(draft, rules(offer, customers))}


def test_a_clean_email_passes():
    assert validate_draft(email(), rules()) == []


def test_subject_over_sixty_characters_is_flagged_with_its_length():
    subject = "Your trail favourites are waiting for you, and so are we, friend"
    problems = validate_draft(email(subject=subject), rules())
    assert [p.message for p in problems] == [f"subject is {len(subject)} characters; the limit is 60."]


def test_preheader_and_push_limits():
    assert "too_long" in rule_names(email(preheader="y" * 91))
    assert "too_long" in rule_names(Draft(Channel.PUSH, "ok", title="t" * 51))
    assert "too_long" in rule_names(Draft(Channel.PUSH, "b" * 121, title="Hello"))


def test_sms_counts_gsm7_extension_characters_twice():
    plain = "a" * 136 + " Reply STOP to opt out"  # 158 characters
    assert sms_length(plain).units == 158 and rule_names(sms(plain)) == set()
    with_euro = "€" + "a" * 135 + " Reply STOP to opt out"  # 158 characters, 159 units
    assert sms_length(with_euro).units == 159
    with_braces = "{}" + "a" * 134 + " Reply STOP to opt out"
    assert sms_length(with_braces).units == 160


def test_one_emoji_or_curly_quote_makes_the_sms_ucs2_with_70_characters():
    message = "We’ve missed you, come back soon. Reply STOP to opt out"
    assert sms_length(message).encoding == "UCS-2"
    assert rule_names(sms(message)) == set()  # 55 characters: still fits
    long_message = "We’ve missed you! Your trail favourites are right where you left them. Reply STOP to opt out"
    problems = validate_draft(sms(long_message), rules())
    assert any("UCS-2" in p.message and "70" in p.message for p in problems)


def test_emoji_count_as_two_ucs2_units():
    assert sms_length("🎉").units == 2


def test_sms_without_the_opt_out_line_is_flagged():
    assert "opt_out" in rule_names(sms("We've missed you!"))


@pytest.mark.parametrize("text", ["Take 60% off everything", "Save £30 today", "Half price on all jackets",
                                  "sixty percent off"])
def test_discounts_above_the_brand_maximum_are_flagged(text):
    assert "discount" in rule_names(email(body=f"Hi there,\n\n{text}."), offer="15% off")


def test_the_requested_offer_is_allowed_and_any_other_is_invented():
    assert rule_names(email(body="Hi there,\n\nEnjoy 15% off your next order."), offer="15% off") == set()
    assert "invented_offer" in rule_names(email(body="Hi there,\n\nEnjoy 10% off your next order."), offer="15% off")
    assert "invented_offer" in rule_names(email(body="Hi there,\n\nEnjoy 10% off your next order."))
    assert "invented_offer" in rule_names(email(body="Hi there,\n\nFree delivery on us."))


def test_a_percentage_that_is_not_a_discount_is_fine():
    assert rule_names(email(body="Hi there,\n\nOur socks are 100% merino.")) == set()


def test_avoided_words_are_flagged_whole_word_and_hyphen_insensitive():
    assert "avoided_word" in rule_names(email(body="Hi there,\n\nIt's risk free."))
    assert "avoided_word" in rule_names(email(subject="Cheap thrills"))
    assert rule_names(email(body="Hi there,\n\nCheapside is a street.")) == set()


def test_contact_details_and_real_customer_names_are_pii():
    assert "pii" in rule_names(email(body="Hi there,\n\nWrite to anna.schmidt@example.com."))
    assert "pii" in rule_names(email(body="Hi there,\n\nCall +49 151 5550001 today."))
    problems = validate_draft(email(body="Hi there,\n\nanna schmidt loves the Trail Running Jacket."),
                              rules(customers={"anna schmidt"}))
    assert any(p.rule == "pii" and "anna schmidt" in p.message for p in problems)


def test_prices_must_come_from_the_evidence():
    assert rule_names(email(body="Hi there,\n\nThe Trail Running Jacket is €120.")) == set()
    assert "price" in rule_names(email(body="Hi there,\n\nThe Trail Running Jacket is now €99."))


@pytest.mark.parametrize("placeholder", ["{name}", "{{first_name}}", "[PRODUCT]", "<insert product here>",
                                         "*|FNAME|*", "%FIRSTNAME%", "Lorem ipsum"])
def test_leftover_placeholders_are_flagged(placeholder):
    assert "placeholder" in rule_names(email(body=f"Hi there,\n\nYou will love {placeholder}."))


def test_invented_products_and_other_catalogue_items_are_flagged():
    assert "unknown_name" in rule_names(email(body="Hi there,\n\nMeet the Quantum Hoverboard."))
    assert "unknown_name" in rule_names(email(subject="Quantum Hoverboard is here"))
    assert "other_product" in rule_names(email(body="Hi there,\n\nTry our chef knife set."))


def test_evidence_names_brand_and_calendar_words_are_allowed_capitalised():
    body = "Hi there,\n\nThis Christmas, the Trail Running Jacket from Northwind is a favourite.\n\nThe Northwind team"
    assert rule_names(email(body=body)) == set()


def test_only_the_shop_link_is_allowed():
    assert rule_names(email(body="Hi there,\n\nVisit the shop: https://northwind.example/sale")) == set()
    assert "link" in rule_names(email(body="Hi there,\n\nVisit https://evil.example/win"))


def test_offer_parsing():
    assert parse_offer("15% off").kind == "percent" and parse_offer("15% off").value == 15
    assert parse_offer("£10 off").kind == "amount" and parse_offer("£10 off").value == 10
    assert parse_offer("free delivery").kind == "free"
    assert parse_offer("15%").value == 15
    assert parse_offer("a tote bag with every order").kind == "other"
    assert parse_offer("  ") is None


gsm_text = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=200)


@given(gsm_text)
def test_gsm7_length_is_characters_plus_one_per_extension_character(text):
    length = sms_length(text)
    assert length.encoding == "GSM-7"
    assert length.units == len(text) + sum(c in GSM7_EXTENSION for c in text)


@given(gsm_text, st.sampled_from(["🎉", "’", "“", "—", "…", "😀"]))
def test_any_non_gsm_character_switches_to_ucs2(text, odd):
    assert sms_length(text + odd).encoding == "UCS-2"
    assert sms_length(text + odd).limit == 70


@given(st.integers(min_value=21, max_value=999), st.sampled_from(["{}% off", "save {}%", "{} percent off",
                                                                   "up to {}% off", "{}% discount"]))
def test_every_way_of_writing_a_large_percentage_is_caught(value, pattern):
    found = find_discounts("Today only: " + pattern.format(value) + " on everything")
    assert any(d.kind == "percent" and d.value == value for d in found)
    assert "discount" in rule_names(email(body="Hi there,\n\n" + pattern.format(value) + " today."), offer="15% off")
