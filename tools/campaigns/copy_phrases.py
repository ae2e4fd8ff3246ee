"""Lines every campaign shares whatever its angle: greetings, sign-offs, calls to action and offer wording.

Per voice (warm, playful, premium) where the tone matters; the per-goal angles live in ``copy_templates``.
"""

from __future__ import annotations

GREETING = {"warm": ["Hi there,"], "playful": ["Hey there!"], "premium": ["Hello,"]}
CLOSING = {"warm": ["Warm wishes,", "See you soon,", "With thanks,"],
           "playful": ["Speak soon,", "Cheers,", "Catch you later,"],
           "premium": ["Kind regards,", "With best wishes,", "Warm regards,"]}
CTA_LINK = {"warm": "Visit the shop", "playful": "Go on, have a look", "premium": "Explore the collection"}

# Plain lines for when a brand's avoided words rule out every line of an angle (several, with few shared words).
NEUTRAL: dict[str, list[str]] = {
    "greeting": ["Hello,", "Hi,", "Dear customer,"],
    "subject": ["A note from us", "Something for you", "Hello from the team", "Picked for you", "Hello again"],
    "preheader": ["A short note from the team.", "Something we think you'll like.", "Read on for more."],
    "opening": ["We wanted to get in touch.", "Here's a short note from the team.", "Hello from all of us."],
    "evidence": ["We think you'll find something you like.", "There's plenty to discover.", "Have a look around."],
    "cta": ["See you soon.", "Have a look whenever you like.", "Thanks for reading."],
    "sms": ["A note from us: come and see us.", "Hello from the team!", "Have a look around soon."],
    "push_title": ["A note from us", "Something for you", "Hello again"],
    "push_body": ["Have a look around.", "Come and see us.", "Something for you inside."],
}
OFFER_SHORT = {"winback": "Come back for {deal}.", "welcome": "Enjoy {deal}.", "upsell": "Enjoy {deal}.",
               "cross_sell": "Enjoy {deal}.", "loyalty": "Enjoy {deal}, on us."}
OFFER_SENTENCE = {
    "winback": ["To welcome you back, here's {deal}.", "Come back and enjoy {deal}."],
    "welcome": ["To get you started, enjoy {deal}.", "Here's {deal} to start things off."],
    "upsell": ["Make the step up with {deal}.", "Treat yourself with {deal}."],
    "cross_sell": ["Try something new with {deal}.", "Mix things up with {deal}."],
    "loyalty": ["As a thank-you, enjoy {deal}.", "Here's {deal}, just because."],
}
