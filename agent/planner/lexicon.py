"""Words marketers use, mapped to the product's canonical values. Plain data, easy to extend."""

from __future__ import annotations

LIFECYCLE_WORDS: dict[str, tuple[str, ...]] = {
    "lapsing": ("lapsing", "slipping", "slipping away", "at risk", "at-risk", "churning", "drifting", "cooling off",
                "cooling", "going quiet", "gone quiet", "fading", "overdue", "about to churn", "about to leave",
                "falling off", "wavering", "risky", "in danger", "losing"),
    "lapsed": ("lapsed", "churned", "dormant", "inactive", "lost", "gone", "former", "ex-customers", "ex customers",
               "stopped buying", "stopped ordering", "sleeping", "dead", "left us", "no longer buy"),
    "new": ("new", "first-time", "first time", "newcomers", "newly acquired", "recently acquired", "new joiners",
            "just joined", "newbies", "recent signups", "fresh"),
    "active": ("active", "engaged", "current customers", "regulars", "regular", "repeat buyers", "still buying",
               "healthy"),
}

VALUE_WORDS: dict[str, tuple[str, ...]] = {
    "high": ("vip", "vips", "high-value", "high value", "highest value", "best customers", "best", "top customers",
             "top spenders", "big spenders", "biggest spenders", "whales", "most valuable", "valuable", "premium",
             "high spenders", "heavy spenders", "top-tier", "top tier", "big-ticket", "loyal big"),
    "mid": ("mid-value", "mid value", "middle", "mid tier", "mid-tier", "medium value", "average customers"),
    "low": ("low-value", "low value", "small spenders", "low spenders", "bargain", "lowest value", "low tier",
            "low-tier", "cheap"),
}

CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "emails", "newsletter", "mail", "mailer", "subject line"),
    "sms": ("sms", "text message", "text messages", "txt", "texts", "a text", "mobile message"),
    "push": ("push", "push notification", "notification", "app notification", "app message"),
}

GOAL_WORDS: dict[str, tuple[str, ...]] = {
    "winback": ("win back", "win-back", "winback", "win them back", "reactivate", "reactivation", "re-engage",
                "reengage", "bring them back", "bring back", "come back", "lure back", "we miss you", "retain"),
    "welcome": ("welcome", "onboard", "onboarding", "first purchase", "introduce", "introduction"),
    "upsell": ("upsell", "up-sell", "upgrade", "trade up", "premium range"),
    "cross_sell": ("cross-sell", "cross sell", "crosssell", "also buy", "complementary", "bundle", "add-on"),
    "loyalty": ("loyalty", "thank", "thanks", "thank-you", "reward", "appreciation", "vip treatment", "anniversary"),
}

COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "United Kingdom": ("uk", "u.k.", "britain", "great britain", "england", "british", "united kingdom", "gb"),
    "United States": ("us", "u.s.", "usa", "america", "american", "united states", "states"),
    "Germany": ("germany", "german", "deutschland"),
    "France": ("france", "french"),
    "Netherlands": ("netherlands", "dutch", "holland"),
    "Spain": ("spain", "spanish"),
    "Ireland": ("ireland", "irish", "eire"),
    "Australia": ("australia", "australian", "aussie"),
    "EIRE": ("eire",),
}

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                "thirty": 30, "fifty": 50, "hundred": 100, "couple": 2, "few": 3, "several": 3}

UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}

REFUSAL_PATTERNS: dict[str, tuple[str, ...]] = {
    "destructive": (r"\b(delete|drop|erase|wipe|truncate|destroy|purge)\b.*\b(data|customers?|orders?|table|"
                    r"workspace|database|everything|all|records?)\b",
                    r"\bremove (all|every|the)\b.*\b(customers?|orders?|data)\b",
                    r"\bmark (every|all)\b"),
    "prompt": (r"\b(system|your) prompt\b", r"\bignore (all |any )?(previous|prior|above) instructions\b",
               r"\b(reveal|show|print|repeat|tell me) (me )?(your|the) (instructions|prompt|rules|system)",
               r"\bjailbreak\b", r"\bapi key\b", r"\bpassword\b"),
    "pii": (r"\b(email addresses|phone numbers|home addresses|personal data)\b.*\b(send|post|share|leak)\b",),
    "off_topic": (r"\bweather\b", r"\bjoke\b", r"\bpoem\b", r"\bbitcoin\b", r"\bstock price\b", r"\bfootball\b",
                  r"\bcapital of\b", r"\bwrite (me )?(python|code|sql)\b", r"\bmeaning of life\b",
                  r"\bwho won\b", r"\bhoroscope\b"),
}

FOLLOW_UP_REFERENCES = ("them", "those", "these", "that group", "this group", "that audience", "this audience",
                        "that list", "this list", "same customers", "same people", "that segment", "this segment",
                        "the same", "they")
