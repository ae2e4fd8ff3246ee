"""The questions an analyst asks after the headline one (issue 12): breakdowns, the right sort, lapsing VIPs,
themes, segments by name or meaning, any KPI period, and follow-ups that do what was asked.

Same shape as tests/test_planner.py: a question, the tool a reasonable analyst would call, and the arguments that
matter (``ABSENT``: must not be there). None of these phrasings is in that file.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_planner import ABSENT, SHOP, _assert_plan

from agent.planner import Context, plan
from agent.planner.vocabulary import MeaningMatcher, SegmentRef, ShopVocabulary

BREAKDOWNS = [
    ("which country has the most lapsing customers?", {"by": "country", "lifecycle": ["lapsing"],
                                                       "sort_by": "customers"}),
    ("which segment has the highest average order value?", {"by": "segment", "sort_by": "aov"}),
    ("lifecycle mix per country", {"by": "country", "lifecycle": ABSENT}),
    ("customers by country", {"by": "country", "sort_by": "customers"}),
    ("revenue by country", {"by": "country", "sort_by": "revenue"}),
    ("break down our vips by country", {"by": "country", "value_tier": ["high"]}),
    ("which market has the most new customers", {"by": "country", "lifecycle": ["new"]}),
    ("in which country do we have the most churned customers", {"by": "country", "lifecycle": ["lapsed"]}),
    ("which countries have the lowest aov", {"by": "country", "sort_by": "aov", "ascending": True}),
    ("aov per segment", {"by": "segment", "sort_by": "aov"}),
    ("lapsing vips per segment", {"by": "segment", "lifecycle": ["lapsing"], "value_tier": ["high"]}),
    ("which persona has the most lapsed customers", {"by": "segment", "lifecycle": ["lapsed"]}),
    ("what share of each segment is lapsing", {"by": "segment", "sort_by": "lapsing_share", "lifecycle": ABSENT}),
    ("which segment is most at risk", {"by": "segment", "sort_by": "lapsing_share"}),
    ("churn rate by country", {"by": "country", "sort_by": "lapsing_share"}),
    ("which segment has the biggest share of vips", {"by": "segment", "sort_by": "high_value_share",
                                                     "value_tier": ABSENT}),
    ("share of high-value customers per country", {"by": "country", "sort_by": "high_value_share"}),
    ("revenue per customer by segment", {"by": "segment", "sort_by": "revenue_per_customer"}),
    ("which country has the highest revenue per customer", {"by": "country", "sort_by": "revenue_per_customer"}),
    ("customers by lifecycle stage", {"by": "lifecycle"}),
    ("lifecycle breakdown of our vips", {"by": "lifecycle", "value_tier": ["high"]}),
    ("what's the lifecycle split in germany", {"by": "lifecycle", "country": "Germany"}),
    ("how are french customers spread across lifecycle stages", {"by": "lifecycle", "country": "France"}),
    ("value tier breakdown", {"by": "value_tier"}),
    ("customers per value tier in the uk", {"by": "value_tier", "country": "United Kingdom"}),
    ("which tier brings in the most revenue", {"by": "value_tier", "sort_by": "revenue"}),
    ("revenue by category", {"by": "category", "sort_by": "revenue"}),
    ("which categories do lapsed customers buy", {"by": "category", "lifecycle": ["lapsed"]}),
    ("top categories for new customers", {"by": "category", "lifecycle": ["new"]}),
    ("aov by product category", {"by": "category", "sort_by": "aov"}),
    ("top 5 countries by revenue", {"by": "country", "sort_by": "revenue", "limit": 5}),
    ("where are our lapsed vips from", {"by": "country", "lifecycle": ["lapsed"], "value_tier": ["high"]}),
    ("where do most of our customers live", {"by": "country"}),
    ("which country has the highest share of new customers", {"by": "country", "sort_by": "share_of_group",
                                                              "lifecycle": ["new"]}),
    ("repeat buyers by country", {"by": "country", "min_orders": 2}),
    ("customers who spent over £500 by segment", {"by": "segment", "min_spend": 500}),
    ("lapsing customers in each segment", {"by": "segment", "lifecycle": ["lapsing"]}),
    ("which segment has the fewest lapsing customers", {"by": "segment", "lifecycle": ["lapsing"],
                                                        "ascending": True}),
    ("vips in the home cooks segment by country", {"by": "country", "segment": "2", "value_tier": ["high"]}),
    ("country breakdown of customers who bought running shoes", {"by": "country", "category": "Running Shoes"}),
]

BUY_AGAIN = [
    ("which customers are likely to buy again in the next 90 days?", {"sort_by": "buy_again_score"}),
    ("who will buy again soon", {"sort_by": "buy_again_score"}),
    ("customers likely to order again", {"sort_by": "buy_again_score"}),
    ("lapsing customers with the best chance of coming back", {"sort_by": "buy_again_score",
                                                               "lifecycle": ["lapsing"]}),
    ("rank vips by buy-again probability", {"sort_by": "buy_again_score", "value_tier": ["high"]}),
    ("top 25 customers by probability of buying in the next 3 months", {"sort_by": "buy_again_score",
                                                                        "limit": 25}),
    ("who is likely to purchase again", {"sort_by": "buy_again_score"}),
    ("customers in france likely to reorder", {"sort_by": "buy_again_score", "country": "France"}),
    ("which new customers are likely to come back", {"sort_by": "buy_again_score", "lifecycle": ["new"]}),
    ("customers who will order again in the next 90 days", {"sort_by": "buy_again_score"}),
    ("what are the odds of each customer buying again", {"sort_by": "buy_again_score"}),
    ("list customers most likely to buy again soon", {"sort_by": "buy_again_score"}),
]

LAPSING_VIPS = [
    ("which of my best customers haven't ordered in a while?", {"value_tier": ["high"],
                                                               "lifecycle": ["lapsing", "lapsed"]}),
    ("show me big spenders who haven't bought in a while", {"value_tier": ["high"],
                                                           "lifecycle": ["lapsing", "lapsed"]}),
    ("vips we haven't seen for a while", {"value_tier": ["high"], "lifecycle": ["lapsing", "lapsed"]}),
    ("top customers who have not shopped for ages", {"value_tier": ["high"], "lifecycle": ["lapsing", "lapsed"]}),
    ("high-value customers who haven't ordered recently", {"value_tier": ["high"],
                                                          "lifecycle": ["lapsing", "lapsed"]}),
    ("customers who haven't been back in a while", {"lifecycle": ["lapsing", "lapsed"], "value_tier": ABSENT}),
    ("who bought more than 10 times but not in the last 90 days?", {"min_orders": 11, "min_days_since_order": 90,
                                                                   "max_days_since_order": ABSENT}),
    ("customers with 5+ orders but not in the last 2 months", {"min_orders": 5, "min_days_since_order": 60,
                                                              "max_days_since_order": ABSENT}),
    ("regular buyers who ordered at least 3 times, not within the past 30 days",
     {"min_orders": 3, "min_days_since_order": 30, "max_days_since_order": ABSENT}),
    ("customers that might churn soon with high lifetime value", {"lifecycle": ["lapsing"], "value_tier": ["high"]}),
    ("high ltv customers at risk", {"lifecycle": ["lapsing"], "value_tier": ["high"]}),
    ("customers with high lifetime value who are slipping away", {"lifecycle": ["lapsing"], "value_tier": ["high"]}),
    ("our most valuable customers who are about to churn", {"lifecycle": ["lapsing"], "value_tier": ["high"]}),
    ("high clv customers in germany who have gone quiet", {"lifecycle": ["lapsing"], "value_tier": ["high"],
                                                          "country": "Germany"}),
]

THEMES = [
    ("what do lapsed customers complain about?", {"lifecycle": ["lapsed"], "focus": "complaints"}),
    ("what are our vips complaining about", {"value_tier": ["high"], "focus": "complaints"}),
    ("complaints from customers in france", {"country": "France", "focus": "complaints"}),
    ("what problems do at-risk customers mention", {"lifecycle": ["lapsing"], "focus": "complaints"}),
    ("main issues raised by new customers", {"lifecycle": ["new"], "focus": "complaints"}),
    ("why are churned customers unhappy", {"lifecycle": ["lapsed"], "focus": "complaints"}),
    ("what frustrates our big spenders", {"value_tier": ["high"], "focus": "complaints"}),
    ("pain points of customers who bought cookware", {"category": "Cookware", "focus": "complaints"}),
    ("what do the home cooks complain about", {"segment": "2", "focus": "complaints"}),
    ("negative feedback from the yoga segment", {"segment": "3", "focus": "complaints"}),
    ("what do vips love about us", {"value_tier": ["high"], "focus": "praise"}),
    ("positive reviews from active customers", {"lifecycle": ["active"], "focus": "praise"}),
    ("what do lapsing customers say in their reviews", {"lifecycle": ["lapsing"], "focus": ABSENT}),
    ("themes in feedback from german customers", {"country": "Germany", "focus": ABSENT}),
    ("what are dormant customers saying", {"lifecycle": ["lapsed"]}),
    ("review themes", {"focus": ABSENT}),
    ("voice of the customer for one-time buyers", {"max_orders": 1}),
    ("what do customers who spent over £300 write about", {"min_spend": 300}),
    ("complaints", {"focus": "complaints"}),
    ("customer complaints this quarter", {"focus": "complaints"}),
]

SEGMENT_REFERENCES = [
    ("how is the yoga segment different from the runners?", "compare_segments", {"segments": ["3", "1"]}),
    ("tell me about the christmas segment", "profile_segment", {"segment": "4"}),
    ("describe the cookware segment", "profile_segment", {"segment": "2"}),
    ("what is the meditation group like", "profile_segment", {"segment": "3"}),
    ("the marathon crowd vs the kitchen crowd", "compare_segments", {"segments": ["1", "2"]}),
    ("profile of the segment about recipes", "profile_segment", {"segment": "2"}),
    ("compare the gifts persona with the trail persona", "compare_segments", {"segments": ["4", "1"]}),
    ("who are the wellness people", "profile_segment", {"segment": "3"}),
    ("lapsing customers in the presents segment", "find_customers", {"segment": "4", "lifecycle": ["lapsing"]}),
    ("draft a win-back email for the trail segment", "draft_campaign", {"segment": "1", "goal": "winback"}),
    ("what should we recommend to the cooking crowd", "recommend_products", {"segment": "2"}),
    ("export the yoga segment", "export_audience", {"segment": "3"}),
]

KPIS = [
    ("what's our repeat purchase rate?", {"period": "month"}),
    ("repeat rate last quarter", {"period": "quarter", "window": "last_full"}),
    ("week over week revenue", {"period": "week", "window": ABSENT}),
    ("last 7 days vs the 7 before", {"period": 7}),
    ("this month vs last month", {"period": "month", "window": "to_date", "comparison": ABSENT}),
    ("revenue this month vs the same month last year", {"period": "month", "window": "to_date",
                                                        "comparison": "same_period_last_year"}),
    ("sales last month compared with last year", {"period": "month", "window": "last_full",
                                                  "comparison": "same_period_last_year"}),
    ("kpis for the last full week", {"period": "week", "window": "last_full"}),
    ("how did we do last year", {"period": "year", "window": "last_full"}),
    ("revenue year to date", {"period": "year", "window": "to_date"}),
    ("ytd sales vs last year", {"period": "year", "window": "to_date", "comparison": "same_period_last_year"}),
    ("how many orders so far this week", {"period": "week", "window": "to_date"}),
    ("month over month revenue", {"period": "month"}),
    ("quarterly kpis", {"period": "quarter"}),
    ("revenue yoy", {"comparison": "same_period_last_year"}),
    ("kpis for november 2011", {"period": "month", "window": "last_full", "end": "2011-11-30"}),
    ("kpis for the week ending 2011-12-09", {"period": 7, "end": "2011-12-09"}),
    ("revenue in the 30 days up to 2011-12-09", {"period": 30, "end": "2011-12-09"}),
    ("how many active customers did we have in the last 30 days?", {"period": 30}),
    ("how many new customers did we get this month", {"period": "month", "window": "to_date"}),
    ("aov over the past month", {"period": 30}),
    ("retention rate this year", {"period": "year"}),
    ("what's our returning customer rate", {}),
    ("net revenue the previous quarter", {"period": "quarter", "window": "last_full"}),
    ("compare this week with the same week last year", {"period": "week", "window": "to_date",
                                                         "comparison": "same_period_last_year"}),
    ("orders in the last 28 days vs the 28 days before", {"period": 28}),
]

OTHER_SINGLE = [
    ("top 10 customers by lifetime spend", "find_customers", {"sort_by": "monetary", "limit": 10}),
    ("customers who last ordered between 30 and 60 days ago", "find_customers",
     {"min_days_since_order": 30, "max_days_since_order": 60}),
    ("which customers in germany are lapsing", "find_customers", {"country": "Germany", "lifecycle": ["lapsing"]}),
    ("what's changed since the last refresh", "whats_changed", {}),
    ("how many customers are in each segment?", "segment_overview", {}),
    ("which segment is biggest", "segment_overview", {}),
]


@pytest.mark.parametrize(("question", "args"), BREAKDOWNS, ids=[c[0][:60] for c in BREAKDOWNS])
def test_group_questions_become_a_breakdown(question: str, args: dict[str, Any]) -> None:
    _assert_plan(plan(question, SHOP), "breakdown", args)


@pytest.mark.parametrize(("question", "args"), BUY_AGAIN, ids=[c[0][:60] for c in BUY_AGAIN])
def test_likely_to_buy_again_sorts_by_the_buy_again_score(question: str, args: dict[str, Any]) -> None:
    _assert_plan(plan(question, SHOP), "find_customers", args)


@pytest.mark.parametrize(("question", "args"), LAPSING_VIPS, ids=[c[0][:60] for c in LAPSING_VIPS])
def test_best_customers_who_stopped_are_lapsing_or_lapsed(question: str, args: dict[str, Any]) -> None:
    _assert_plan(plan(question, SHOP), "find_customers", args)


@pytest.mark.parametrize(("question", "args"), THEMES, ids=[c[0][:60] for c in THEMES])
def test_what_an_audience_writes_becomes_themes(question: str, args: dict[str, Any]) -> None:
    _assert_plan(plan(question, SHOP), "themes", args)


@pytest.mark.parametrize(("question", "tool", "args"), SEGMENT_REFERENCES, ids=[c[0][:60] for c in SEGMENT_REFERENCES])
def test_segments_by_name_and_terms(question: str, tool: str, args: dict[str, Any]) -> None:
    _assert_plan(plan(question, SHOP), tool, args)


@pytest.mark.parametrize(("question", "args"), KPIS, ids=[c[0][:60] for c in KPIS])
def test_any_kpi_period(question: str, args: dict[str, Any]) -> None:
    _assert_plan(plan(question, SHOP), "kpi_summary", args)


@pytest.mark.parametrize(("question", "tool", "args"), OTHER_SINGLE, ids=[c[0][:60] for c in OTHER_SINGLE])
def test_neighbouring_questions_keep_their_tools(question: str, tool: str, args: dict[str, Any]) -> None:
    _assert_plan(plan(question, SHOP), tool, args)


# --- segments by name on a shop like the sample shop: a word in one name beats the same word in another's
# categories, and an explicit "the X segment" may use words that are reserved elsewhere ("price")
SAMPLE_LIKE = ShopVocabulary(
    countries=["Germany", "United Kingdom"],
    categories=["Pets", "Running", "Home & Garden", "Beauty & Wellness"],
    segments=[
        SegmentRef(2, "running-marathon", "Running · marathon", ("running", "marathon", "trail", "Running"),
                   ("Running",)),
        SegmentRef(3, "pets-dog", "Pets · dog", ("dog", "cat", "pets", "food", "Pets", "Home & Garden"),
                   ("Pets", "Home & Garden")),
        SegmentRef(6, "baby-toddler-nursery-runs", "Baby & Toddler · nursery runs",
                   ("toddler", "baby", "nursery runs", "safe"), ()),
        SegmentRef(7, "price-discount", "Price & discount",
                   ("price", "discount", "pack", "offer", "Beauty & Wellness", "Home & Garden", "Pets"),
                   ("Beauty & Wellness", "Home & Garden", "Pets")),
    ],
)

SAMPLE_REFERENCES = [
    ("how is the Pets segment different from the runners?", "compare_segments", {"segments": ["3", "2"]}),
    ("tell me about the price-sensitive segment", "profile_segment", {"segment": "7"}),
    ("describe the discount segment", "profile_segment", {"segment": "7"}),
    ("who are the runners", "profile_segment", {"segment": "2"}),
    ("what do the toddler parents buy", "profile_segment", {"segment": "6"}),
    ("compare the nursery segment with the pets segment", "compare_segments", {"segments": ["6", "3"]}),
]


@pytest.mark.parametrize(("question", "tool", "args"), SAMPLE_REFERENCES, ids=[c[0][:60] for c in SAMPLE_REFERENCES])
def test_segment_names_win_over_shared_categories(question: str, tool: str, args: dict[str, Any]) -> None:
    _assert_plan(plan(question, SAMPLE_LIKE), tool, args)


class _TopicEncoder:
    """Two topic axes: money words and pet words; anything else points nowhere in particular."""

    AXES = ({"thrifty", "frugal", "price", "discount", "offer", "deal", "sale", "bargain"},
            {"dog", "cat", "pets", "puppy", "kitten", "canine", "food"})
    calls = 0

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        type(self).calls += 1
        rows = []
        for text in texts:
            words = set(text.lower().replace(",", " ").replace(":", " ").split())
            rows.append([len(words & axis) for axis in self.AXES] + [0.05])
        return np.asarray(rows, dtype=float)


def _with_meaning(vocabulary: ShopVocabulary) -> ShopVocabulary:
    encoder = _TopicEncoder()
    return ShopVocabulary(vocabulary.countries, vocabulary.categories, vocabulary.segments,
                          segment_meaning=MeaningMatcher(lambda: encoder, vocabulary.segments))


def test_a_reference_no_word_explains_is_matched_by_meaning_and_says_so() -> None:
    vocabulary = _with_meaning(SAMPLE_LIKE)
    result = plan("tell me about the thrifty segment", vocabulary)
    _assert_plan(result, "profile_segment", {"segment": "7"})
    assert any("thrifty" in note and "meaning" in note for note in result.notes)
    _assert_plan(plan("how are the canine people different from the thrifty crowd", vocabulary),
                 "compare_segments", {"segments": ["3", "7"]})


def test_segment_vectors_are_embedded_once_per_session() -> None:
    vocabulary = _with_meaning(SAMPLE_LIKE)
    before = _TopicEncoder.calls
    for _ in range(3):
        plan("tell me about the frugal segment", vocabulary)
    plan("tell me about the kitten segment", vocabulary)
    assert _TopicEncoder.calls - before == 3  # the descriptions once, then one per distinct phrase


@pytest.mark.parametrize("question", ["tell me about the astronaut segment", "compare the astronaut group with "
                                      "segment 2", "describe the fashionistas crowd"])
def test_an_explicit_reference_that_matches_nothing_lists_the_segments(question: str) -> None:
    result = plan(question, _with_meaning(SAMPLE_LIKE))
    assert result.calls == [] and result.status == "refused"
    assert "No segment matches" in result.refusal and "7 Price & discount" in result.refusal


def test_a_segment_number_that_does_not_exist_says_which_ones_do() -> None:
    result = plan("describe segment 0", SAMPLE_LIKE)
    assert result.calls == [] and result.status == "refused"
    assert "no segment 0" in result.refusal and "2 Running · marathon" in result.refusal


# --- follow-ups
FOLLOW_UPS = [
    (["who are the lapsing customers in the UK", "export them", "what about Germany?"], "find_customers",
     {"lifecycle": ["lapsing"], "country": "Germany"}),
    (["export lapsed vips as csv", "only those in france"], "find_customers",
     {"lifecycle": ["lapsed"], "value_tier": ["high"], "country": "France"}),
    (["export lapsed vips as csv", "now the lapsing ones"], "find_customers", {"lifecycle": ["lapsing"]}),
    (["export lapsed vips as csv", "draft an email for them"], "draft_campaign",
     {"audience": {"lifecycle": ["lapsed"], "value_tier": ["high"]}}),
    (["export lapsed vips as csv", "export them as json"], "export_audience", {"format": "json"}),
    (["which country has the most lapsing customers", "now by segment"], "breakdown",
     {"by": "segment", "lifecycle": ["lapsing"]}),
    (["revenue by country", "sort by aov"], "breakdown", {"by": "country", "sort_by": "aov"}),
    (["lapsing vips by country", "only those in the home cooks segment"], "breakdown",
     {"by": "country", "segment": "2", "value_tier": ["high"]}),
    (["show me lapsed vips", "what do they complain about"], "themes",
     {"lifecycle": ["lapsed"], "value_tier": ["high"], "focus": "complaints"}),
    (["what do lapsed customers complain about", "what about the vips"], "themes",
     {"value_tier": ["high"], "focus": "complaints"}),
    (["show me lapsed vips", "break them down by country"], "breakdown",
     {"by": "country", "lifecycle": ["lapsed"], "value_tier": ["high"]}),
    (["how are we doing this month", "and vs last year?"], "kpi_summary",
     {"comparison": "same_period_last_year"}),
    (["write a win-back email for lapsed customers", "make it shorter", "shorter still"], "draft_campaign",
     {"length": "short"}),
]


@pytest.mark.parametrize(("turns", "tool", "args"), FOLLOW_UPS, ids=[" > ".join(c[0]) for c in FOLLOW_UPS])
def test_follow_ups_do_what_was_asked(turns: list[str], tool: str, args: dict[str, Any]) -> None:
    context = Context()
    for question in turns[:-1]:
        earlier = plan(question, SHOP, context)
        assert earlier.calls, f"{question!r} was refused: {earlier.refusal}"
        context.remember(earlier)
    _assert_plan(plan(turns[-1], SHOP, context), tool, args)


def _after_a_list(rows: list[str], kind: str = "customer") -> Context:
    context = Context()
    context.remember(plan("show me lapsing customers", SHOP))
    context.remember_rows(kind, rows)
    return context


ROW_REFERENCES = [
    ("why is the first one lapsing?", "C00042"),
    ("explain the second customer", "12346"),
    ("tell me about number 3", "17850"),
    ("what about the last one", "17850"),
    ("why is the top customer on the list lapsing", "C00042"),
]


@pytest.mark.parametrize(("question", "customer"), ROW_REFERENCES, ids=[c[0] for c in ROW_REFERENCES])
def test_the_first_one_means_the_first_row_of_the_last_table(question: str, customer: str) -> None:
    result = plan(question, SHOP, _after_a_list(["C00042", "12346", "17850"]))
    _assert_plan(result, "explain_customer", {"customer_id": customer})


def test_a_row_past_the_end_of_the_table_says_how_many_rows_there_are() -> None:
    result = plan("why is the fifth one lapsing?", SHOP, _after_a_list(["C00042", "12346"]))
    assert result.calls == [] and "2 rows" in result.refusal


def test_after_a_draft_the_last_one_is_not_a_customer() -> None:
    context = _after_a_list(["C00042", "12346"])
    context.remember(plan("draft an email for them", SHOP, context))
    _assert_plan(plan("make the last one shorter", SHOP, context), "draft_campaign", {"length": "short"})


def test_after_a_segment_table_the_second_one_is_its_second_row() -> None:
    _assert_plan(plan("tell me about the second one", SHOP, _after_a_list(["4", "1", "3"], "segment")),
                 "profile_segment", {"segment": "1"})


@pytest.mark.parametrize(("question", "language"), [
    ("write it in German", "German"), ("translate it into french", "French"), ("now in spanish please", "Spanish"),
    ("can I have a german version", "German")])
def test_asking_for_another_language_says_drafts_are_english_only(question: str, language: str) -> None:
    context = Context()
    context.remember(plan("write a win-back email for lapsed customers", SHOP))
    result = plan(question, SHOP, context)
    assert result.calls == [] and result.status == "refused"
    assert "English only" in result.refusal and f"drafts in {language}" in result.refusal


def test_german_customers_are_an_audience_not_a_language() -> None:
    _assert_plan(plan("write an email to german customers", SHOP), "draft_campaign",
                 {"audience": {"country": "Germany"}})


STATUSES = [
    ("delete all customers", "refused"),
    ("customers in Japan", "refused"),
    ("tell me about segment 9", "refused"),
    ("asdf qwerty", "not_understood"),
    ("", "not_understood"),
    ("explain the customer", "not_understood"),
    ("compare segment 2", "not_understood"),
    ("thanks!", "answered"),
    ("what can you do?", "answered"),
]


@pytest.mark.parametrize(("question", "status"), STATUSES, ids=[c[0] or "empty" for c in STATUSES])
def test_every_refusal_says_whether_it_was_refused_or_not_understood(question: str, status: str) -> None:
    result = plan(question, SHOP)
    assert result.calls == [] and result.status == status


WITH_PRODUCTS = ShopVocabulary(countries=SAMPLE_LIKE.countries, categories=SAMPLE_LIKE.categories,
                               segments=SAMPLE_LIKE.segments,
                               products=["Travel System Pram", "Cast Iron Skillet 26cm", "Dog Lead"])


@pytest.mark.parametrize(("question", "product"), [
    ("what should I cross-sell to people who bought the Travel System Pram?", "Travel System Pram"),
    ("what should we recommend to buyers of the cast iron skillet", "Cast Iron Skillet 26cm"),
    ("what else would customers who purchased a travel system pram like?", "Travel System Pram"),
    ("what do people who bought the Travel System Pram also buy?", "Travel System Pram"),
    ("what goes with the travel system pram", "Travel System Pram"),
    ("what pairs well with a cast iron skillet?", "Cast Iron Skillet 26cm"),
])
def test_a_product_named_after_a_purchase_targets_its_buyers_not_a_look_alike_segment(question: str,
                                                                                       product: str) -> None:
    result = plan(question, WITH_PRODUCTS)
    assert [(c.tool, c.args.get("product"), c.args.get("segment")) for c in result.calls] == [
        ("recommend_products", product, None)]


@pytest.mark.parametrize(("question", "tool", "audience"), [
    ("who bought the dog lead?", "find_customers", {"product": "Dog Lead"}),
    ("lapsing customers who bought the travel system pram", "find_customers",
     {"product": "Travel System Pram", "lifecycle": ["lapsing"]}),
    ("email people who bought the cast iron skillet", "draft_campaign", {"product": "Cast Iron Skillet 26cm"}),
    ("export buyers of the dog lead", "export_audience", {"product": "Dog Lead"}),
])
def test_a_named_product_filters_the_audience_to_its_buyers(question: str, tool: str, audience: dict) -> None:
    (call,) = plan(question, WITH_PRODUCTS).calls
    given = call.args.get("audience", call.args)
    assert call.tool == tool and "segment" not in call.args
    assert {key: given.get(key) for key in audience} == audience
