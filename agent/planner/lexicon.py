"""Words marketers use, mapped to the product's canonical values. Plain data, easy to extend.

Phrases are matched whole-word and longest first, so "gone quiet" (lapsing) wins over "gone" (lapsed)
and "best customers" never needs "best" on its own (which would also catch "best-selling products").
"""

from __future__ import annotations

from tools.concepts import Channel, Goal, Length, LifecycleStage, Tone, ValueTier

LIFECYCLE_WORDS: dict[str, tuple[str, ...]] = {
    LifecycleStage.NEW: ("new", "first-time", "first time", "newcomers", "newcomer", "newly acquired",
                         "recently acquired", "new joiners", "just joined", "newbies", "newbie", "recent signups",
                         "recently joined", "new starters"),
    LifecycleStage.ACTIVE: ("active", "engaged", "current customers", "regulars", "regular customers", "still buying",
                            "healthy", "actively buying", "loyal customers", "loyal buyers", "loyal shoppers",
                            "loyalists", "loyal ones", "most loyal"),
    LifecycleStage.LAPSING: ("lapsing", "slipping", "slipping away", "at risk", "at-risk", "churning", "drifting",
                             "drifting away", "cooling off", "cooling", "going quiet", "gone quiet",
                             "gone a bit quiet", "fading", "overdue", "about to churn", "about to leave",
                             "falling off", "wavering", "in danger", "losing", "might churn", "likely to churn",
                             "going cold", "getting cold", "disengaging", "worry about", "worried about",
                             "concerned about", "buying less", "ordering less"),
    LifecycleStage.LAPSED: ("lapsed", "churned", "dormant", "inactive", "lost", "gone", "former", "ex-customers",
                            "ex customers", "stopped buying", "stopped ordering", "stopped shopping", "sleeping",
                            "dead", "left us", "no longer buy", "no longer buying", "gone cold", "went cold", "asleep",
                            "departed", "used to buy", "used to shop", "used to order", "but stopped", "have stopped",
                            "has stopped"),
}

VALUE_WORDS: dict[str, tuple[str, ...]] = {
    ValueTier.HIGH: ("vip", "vips", "high-value", "high value", "highest value", "best customers", "best buyers",
                     "best shoppers", "our best", "my best", "top customers", "top buyers", "top spenders",
                     "big spenders", "biggest spenders", "whales", "most valuable", "valuable", "premium customers",
                     "high spenders", "heavy spenders", "top-tier", "top tier", "big-ticket", "high-spending",
                     "high spending", "top-spending", "big spending", "high rollers", "top value", "best clients",
                     "key accounts", "high lifetime value", "highest lifetime value", "high ltv", "high clv",
                     "high-ltv", "high-clv", "big-spending", "best spenders"),
    ValueTier.MID: ("mid-value", "mid value", "middle", "mid tier", "mid-tier", "medium value", "medium-value",
                    "average customers", "mid-spending", "mid spenders"),
    ValueTier.LOW: ("low-value", "low value", "small spenders", "low spenders", "bargain hunters", "lowest value",
                    "low tier", "low-tier", "low-spending", "light spenders", "smallest spenders"),
}

CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    Channel.EMAIL: ("email", "e-mail", "emails", "newsletter", "mail", "mailer", "subject line", "subject lines",
                    "edm"),
    Channel.SMS: ("sms", "text message", "text messages", "txt", "texts", "a text", "mobile message", "text them",
                  "whatsapp"),
    Channel.PUSH: ("push", "push notification", "push notifications", "notification", "notifications",
                   "app notification", "app message", "in-app message"),
}

GOAL_WORDS: dict[str, tuple[str, ...]] = {
    Goal.WINBACK: ("win back", "win-back", "winback", "win them back", "reactivate", "reactivation", "re-engage",
                   "reengage", "re-engagement", "bring them back", "bring back", "come back", "lure back",
                   "we miss you", "miss you", "retain", "retention", "save them", "recover"),
    Goal.WELCOME: ("welcome", "onboard", "onboarding", "first purchase", "introduce", "introduction", "say hello"),
    Goal.UPSELL: ("upsell", "up-sell", "upgrade", "trade up", "premium range", "spend more"),
    Goal.CROSS_SELL: ("cross-sell", "cross sell", "crosssell", "also buy", "complementary", "bundle", "add-on",
                      "add-ons"),
    Goal.LOYALTY: ("loyalty", "thank", "thank-you", "thank you", "reward", "rewards", "appreciation", "vip treatment",
                   "anniversary"),
}

TONE_WORDS: dict[str, tuple[str, ...]] = {
    Tone.PLAYFUL: ("playful", "fun", "funnier", "cheeky", "light-hearted", "witty", "casual", "relaxed",
                   "less formal", "chatty", "upbeat"),
    Tone.WARM: ("warm", "warmer", "heartfelt", "personal", "friendly", "friendlier", "softer", "caring"),
    Tone.PREMIUM: ("premium", "luxurious", "luxury", "elegant", "upmarket", "formal", "more formal",
                   "professional", "refined"),
}

# Absolute lengths ("a short sms") and moves relative to the last draft ("make it shorter").
LENGTH_WORDS: dict[str, tuple[str, ...]] = {
    Length.SHORT: ("short", "concise", "brief", "punchy", "one-liner", "one liner"),
    Length.LONG: ("long", "detailed", "in depth", "in-depth", "longer form"),
}
LENGTH_MOVES: dict[str, tuple[str, ...]] = {
    "shorter": ("shorter", "punchier", "briefer", "snappier", "tighter", "more concise", "less wordy", "trim it",
                "cut it down", "shorten"),
    "longer": ("longer", "more detail", "more detailed", "expand it", "fuller", "lengthen"),
}

# Canonical names as they may appear in a shop's data, and the words people use for them. The first name
# found in the shop's data wins, so "irish" finds "EIRE" in the UCI Online Retail data and "Ireland" elsewhere.
# "US" is recognised only in capitals (see text.normalise), never the pronoun "us".
COUNTRY_ALIASES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("United Kingdom", "UK", "Great Britain"): ("uk", "u.k.", "britain", "great britain", "england", "british",
                                                "united kingdom", "gb", "scotland", "wales"),
    ("USA", "United States", "United States of America", "US"): ("usa", "u.s.a.", "america", "american",
                                                                 "united states", "the states"),
    ("Germany",): ("germany", "german", "deutschland"),
    ("France",): ("france", "french"),
    ("Netherlands", "The Netherlands"): ("netherlands", "dutch", "holland"),
    ("Spain",): ("spain", "spanish"),
    ("EIRE", "Ireland", "Republic of Ireland"): ("ireland", "irish", "eire"),
    ("Australia",): ("australia", "australian", "aussie", "aussies"),
    ("Belgium",): ("belgium", "belgian"),
    ("Italy",): ("italy", "italian"),
    ("Portugal",): ("portugal", "portuguese"),
    ("Switzerland",): ("switzerland", "swiss"),
    ("Sweden",): ("sweden", "swedish"),
    ("Norway",): ("norway", "norwegian"),
    ("Denmark",): ("denmark", "danish"),
    ("Finland",): ("finland", "finnish"),
    ("Austria",): ("austria", "austrian"),
    ("Poland",): ("poland", "polish"),
    ("Canada",): ("canada", "canadian"),
    ("Japan",): ("japan", "japanese"),
    ("Brazil",): ("brazil", "brazilian"),
    ("India",): ("india",),
    ("Singapore",): ("singapore",),
}

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100, "couple": 2,
                "a couple of": 2, "few": 3, "a few": 3, "several": 3}

UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91, "year": 365}

REFUSAL_PATTERNS: dict[str, tuple[str, ...]] = {
    "destructive": (r"\b(delete|drop|erase|wipe|truncate|destroy|purge)\b.*\b(data|customers?|orders?|table|"
                    r"tables|workspace|database|everything|all|records?|history|segments?)\b",
                    r"\bremove (all|every|the)\b.*\b(customers?|orders?|data)\b",
                    r"\bmark (every|all)\b", r"\b(update|alter|insert into)\b.*\b(table|database)\b"),
    "prompt": (r"\b(system|your|hidden|initial) (prompt|instructions)\b",
               r"\b(ignore|disregard|forget) (all |any |your |the )?(previous |prior |above |earlier )?"
               r"(instructions|rules|prompts?)\b",
               r"\b(reveal|show|print|repeat|tell me|output|dump) (me )?(your|the) (instructions|prompt|rules|"
               r"system|configuration|config)", r"\bjailbreak\b", r"\bapi key\b", r"\bpassword\b",
               r"\bdeveloper mode\b"),
    "pii": (r"\b(email addresses|phone numbers|home addresses|personal data|credit cards?)\b.*\b(send|post|share|"
            r"leak|forward|give)\b",
            r"\b(send|post|share|leak|forward|give)\b.*\b(email addresses|phone numbers|home addresses|"
            r"personal data|credit cards?)\b"),
    "off_topic": (r"\bweather\b", r"\bjokes?\b", r"\bpoem\b", r"\bbitcoin\b", r"\bstock price\b", r"\bfootball\b",
                  r"\bcapital of\b", r"\bwrite (me )?(some |a )?(python|code|sql|script|javascript|program)\b",
                  r"\b(python|javascript|sql) (code|script)\b", r"\bmeaning of life\b", r"\bwho won\b",
                  r"\bhoroscope\b", r"\brecipe for\b", r"\btranslate\b"),
}

# What a breakdown groups by, and the words for it ("which market…", "per persona", "by tier").
BREAKDOWN_AXES: dict[str, tuple[str, ...]] = {
    "country": ("country", "countries", "market", "markets", "region", "regions", "nation", "nations",
                "geography", "location", "locations"),
    "segment": ("segment", "segments", "persona", "personas", "cluster", "clusters"),
    "lifecycle": ("lifecycle", "life cycle", "lifecycle stage", "lifecycle stages", "stage", "stages"),
    "value_tier": ("value tier", "value tiers", "tier", "tiers", "value band", "value bands", "value group",
                   "value groups"),
    "category": ("category", "categories", "product category", "product categories", "department", "departments",
                 "product line", "product lines"),
}

# Languages a marketer may ask copy in; the built-in copywriter writes English only.
LANGUAGES = ("german", "french", "spanish", "italian", "dutch", "portuguese", "polish", "swedish", "danish",
             "norwegian", "finnish", "japanese", "chinese", "mandarin", "korean", "arabic", "turkish", "greek",
             "czech", "hungarian", "romanian", "russian", "ukrainian", "hindi", "welsh", "irish gaelic", "catalan")

PLEASANTRIES = ("thanks", "thank you", "thx", "cheers", "great", "ok", "okay", "cool", "nice", "perfect",
                "awesome", "hi", "hello", "hey", "good morning", "ta", "brilliant", "lovely")
