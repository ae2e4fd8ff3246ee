"""The brand's voice and rules for campaign copy: ``[brand]`` in the workspace's ``segment-agent.toml``.

Every draft, from the template writer or a model, is checked against these settings (words to avoid,
maximum discount, channel limits, SMS opt-out line), so a marketer changes policy in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.concepts import Tone, tone_of
from tools.errors import UserError

if TYPE_CHECKING:
    from tools.runtime.settings import Settings

BRAND_DEFAULTS: dict[str, Any] = {
    "name": "",
    "voice": "warm",
    "avoid_words": ["cheap", "guarantee", "guaranteed", "risk-free", "act now", "click here", "last chance"],
    "max_discount_percent": 20.0,
    "max_discount_amount": 20.0,
    "sign_off": "",
    "shop_url": "",
    "sms_sender": "",
    "sms_opt_out": "Reply STOP to opt out",
    "email_subject_max": 60,
    "email_preheader_max": 90,
    "sms_max": 160,
    "push_title_max": 50,
    "push_body_max": 120,
}

BRAND_HELP: dict[str, str] = {
    "name": "Shop name used in copy and sign-offs (empty: copy says 'us' / 'the team').",
    "voice": "Default tone of voice: warm, playful or premium (a --tone option overrides it per draft).",
    "avoid_words": "Words and phrases no draft may contain (case-insensitive, whole words).",
    "max_discount_percent": "Highest percentage discount a draft may offer, e.g. 20 for '20% off'.",
    "max_discount_amount": "Highest fixed discount a draft may offer, in the shop's currency, e.g. 20 for '£20 off'.",
    "sign_off": "How emails end (empty: 'The <name> team').",
    "shop_url": "Link for the call to action in emails (empty: no link).",
    "sms_sender": "SMS sender name shown before the message, at most 11 characters (empty: the shop name).",
    "sms_opt_out": "Opt-out line every SMS ends with; it counts towards the SMS length.",
    "email_subject_max": "Maximum email subject length in characters.",
    "email_preheader_max": "Maximum email preheader length in characters.",
    "sms_max": "Maximum SMS length in GSM-7 characters, opt-out line included (UCS-2 messages get 70/160 of it).",
    "push_title_max": "Maximum push notification title length.",
    "push_body_max": "Maximum push notification body length.",
}



@dataclass(frozen=True)
class BrandSettings:
    """Brand rules every draft must respect; build with :func:`load_brand` or ``BrandSettings()``."""

    name: str = BRAND_DEFAULTS["name"]
    voice: str = BRAND_DEFAULTS["voice"]
    avoid_words: tuple[str, ...] = tuple(BRAND_DEFAULTS["avoid_words"])
    max_discount_percent: float = BRAND_DEFAULTS["max_discount_percent"]
    max_discount_amount: float = BRAND_DEFAULTS["max_discount_amount"]
    sign_off: str = BRAND_DEFAULTS["sign_off"]
    shop_url: str = BRAND_DEFAULTS["shop_url"]
    sms_sender: str = BRAND_DEFAULTS["sms_sender"]
    sms_opt_out: str = BRAND_DEFAULTS["sms_opt_out"]
    email_subject_max: int = BRAND_DEFAULTS["email_subject_max"]
    email_preheader_max: int = BRAND_DEFAULTS["email_preheader_max"]
    sms_max: int = BRAND_DEFAULTS["sms_max"]
    push_title_max: int = BRAND_DEFAULTS["push_title_max"]
    push_body_max: int = BRAND_DEFAULTS["push_body_max"]

    @property
    def display_name(self) -> str:
        """The shop as copy names it mid-sentence: its name, or 'us' wording when none is set."""
        return self.name.strip() or "our shop"

    @property
    def signature(self) -> str:
        """The email sign-off line."""
        if self.sign_off.strip():
            return self.sign_off.strip()
        return f"The {self.name.strip()} team" if self.name.strip() else "The team"

    @property
    def sender(self) -> str:
        """SMS sender name (an alphanumeric sender id allows 11 characters)."""
        return (self.sms_sender.strip() or self.name.strip())[:11]

    def voice_for(self, tone: str | None) -> str:
        """The phrase bank to write in: the requested tone, else the brand voice, mapped to a known voice."""
        return (tone_of(tone) or tone_of(self.voice) or Tone.WARM).value


def load_brand(settings: Settings) -> BrandSettings:
    """Brand settings from defaults overridden by ``[brand]`` of the workspace config, checked for sense."""
    values = settings.section("brand", BRAND_DEFAULTS)
    values["avoid_words"] = tuple(str(word) for word in values["avoid_words"])
    brand = BrandSettings(**values)
    _check(brand, settings.path)
    return brand


def _check(brand: BrandSettings, path: Path) -> None:
    """Reject settings no draft could satisfy, naming the key to change."""
    if not 0 <= brand.max_discount_percent <= 100:
        raise UserError(f"max_discount_percent in [brand] of {path} must be between 0 and 100.")
    if brand.max_discount_amount < 0:
        raise UserError(f"max_discount_amount in [brand] of {path} must be 0 or more.")
    for key in ("email_subject_max", "email_preheader_max", "push_title_max", "push_body_max"):
        if getattr(brand, key) < 20:
            raise UserError(f"{key} in [brand] of {path} must be at least 20 characters.")
    if brand.sms_max < 70:
        raise UserError(f"sms_max in [brand] of {path} must be at least 70 characters.")
    if not brand.sms_opt_out.strip():
        raise UserError(f"sms_opt_out in [brand] of {path} must not be empty: marketing SMS need an opt-out line.")
    if len(brand.sms_opt_out) > brand.sms_max // 3:
        raise UserError(
            f"sms_opt_out in [brand] of {path} is {len(brand.sms_opt_out)} characters; keep it under "
            f"{brand.sms_max // 3} so the message has room."
        )
