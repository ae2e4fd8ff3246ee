"""Campaign copy from a text-writing model, injected as a :class:`TextWriter` (DESIGN.md §2, §10, §11).

The model sees only a prompt built from ``prompts/campaign_<channel>.md`` (marketers edit these; a copy in
the workspace's ``prompts/`` folder wins) filled with the evidence's aggregates, the brand rules and a few
redacted customer quotes fenced off as untrusted data — never customer rows or contact details. Its JSON
reply is parsed leniently; anything malformed becomes an empty draft that the validator then rejects.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from tools.campaigns.copy_evidence import CopyEvidence
from tools.campaigns.copy_validator import Violation
from tools.campaigns.drafts import Draft, render_email_html
from tools.campaigns.template_copywriter import CopyBrief
from tools.errors import UserError

PROMPT_FILES = {"email": "campaign_email.md", "sms": "campaign_sms.md", "push": "campaign_push.md"}
RULES_FILE = "campaign_rules.md"
REPAIR_FILE = "campaign_repair.md"
GOAL_GUIDE = {
    "winback": "win back customers who have stopped buying: acknowledge the gap warmly, remind them what they "
               "liked, give them a reason to return",
    "welcome": "welcome new customers after their first order: thank them, show them where to start",
    "upsell": "move customers up to higher-value items they are likely to enjoy",
    "cross_sell": "suggest items that go with what they already buy",
    "loyalty": "thank loyal customers and make them feel valued",
}
CHANNEL_FIELDS = {"email": ("subject", "preheader", "body"), "sms": ("message",), "push": ("title", "body")}
LENGTH_GUIDE = {
    "short": "short: the fewest words that still make the point (an email body of 30 to 60 words, one idea; "
             "the shortest subject, title and message that work)",
    "standard": "standard: as the channel requirements below say",
    "long": "long: use the upper end of the channel's limits (an email body of 140 to 200 words with one more "
            "paragraph about the products in the evidence)",
}
_SLOT = re.compile(r"\{\{\s*(\w+)\s*\}\}")


class TextWriter(Protocol):
    """Anything that turns a prompt into text: an LLM client in ``agent/``, a fake in tests."""

    def complete(self, prompt: str) -> str:
        """Return the model's reply to ``prompt``."""
        ...


def load_prompt(name: str, workspace_root: Path | None = None) -> str:
    """Prompt template ``name``: the workspace's own ``prompts/<name>`` if present, else the bundled one."""
    if workspace_root is not None and (override := workspace_root / "prompts" / name).is_file():
        return override.read_text(encoding="utf-8")
    for bundled in _bundled_locations(name):
        if bundled.is_file():
            return bundled.read_text(encoding="utf-8")
    raise UserError(f"The prompt template prompts/{name} is missing; restore it from the segment-agent sources.")


def _bundled_locations(name: str) -> list[Any]:
    """The ``prompts`` package data, and the source tree's folder (a stale editable install can make the
    package a namespace that importlib.resources cannot read)."""
    locations: list[Any] = [Path(__file__).resolve().parents[2] / "prompts" / name]
    with contextlib.suppress(ModuleNotFoundError, NotADirectoryError, TypeError):
        locations.append(resources.files("prompts") / name)
    return locations


def fill_prompt(template: str, values: dict[str, str], name: str = "prompt") -> str:
    """Replace ``{{ field }}`` slots; an unknown slot is a marketer's typo, reported with the known ones."""
    unknown = sorted({m.group(1) for m in _SLOT.finditer(template)} - set(values))
    if unknown:
        raise UserError(f"The template {name} uses an unknown field {{{{ {unknown[0]} }}}}; known fields: "
                        f"{', '.join(sorted(values))}.")
    return _SLOT.sub(lambda m: values[m.group(1)], template)


@dataclass
class LlmCopywriter:
    """Drafts and repairs copy through ``writer``; keeps a transcript of every prompt and reply."""

    writer: TextWriter
    workspace_root: Path | None = None
    transcript: list[tuple[str, str]] = field(default_factory=list)

    def write(self, evidence: CopyEvidence, brief: CopyBrief) -> list[Draft]:
        """Ask for ``brief.variants`` drafts in one call; returns what the reply holds (maybe fewer)."""
        values = self._values(evidence, brief)
        name = PROMPT_FILES[brief.channel]
        prompt = fill_prompt(load_prompt(name, self.workspace_root), values, name)
        return parse_drafts(self._ask(prompt), brief.channel, evidence)[: brief.variants]

    def repair(self, evidence: CopyEvidence, brief: CopyBrief, draft: Draft, violations: list[Violation]) -> Draft:
        """Send ``draft`` back with its violations and return the model's corrected version."""
        values = self._values(evidence, brief)
        values["draft"] = json.dumps(_draft_fields(draft), ensure_ascii=False, indent=2)
        values["violations"] = "\n".join(f"- {v.message}" for v in violations)
        prompt = fill_prompt(load_prompt(REPAIR_FILE, self.workspace_root), values, REPAIR_FILE)
        repaired = parse_drafts(self._ask(prompt), brief.channel, evidence)
        return repaired[0] if repaired else Draft(brief.channel, "", writer="llm")

    def _ask(self, prompt: str) -> str:
        reply = self.writer.complete(prompt)
        reply = reply if isinstance(reply, str) else str(reply)
        self.transcript.append((prompt, reply))
        return reply

    def _values(self, evidence: CopyEvidence, brief: CopyBrief) -> dict[str, str]:
        values = prompt_values(evidence, brief)
        values["rules"] = fill_prompt(load_prompt(RULES_FILE, self.workspace_root), values, RULES_FILE)
        return values


def prompt_values(evidence: CopyEvidence, brief: CopyBrief) -> dict[str, str]:
    """Everything a prompt template may use, as text: aggregates and brand rules only."""
    brand = evidence.brand
    offer = (f"\"{brief.offer.text}\" (quote it word for word in every draft, with all its conditions; never "
             "shorten it to the discount alone; no other discount)" if brief.offer
             else "none: do not mention any discount, voucher, free shipping or sale")
    brand_rules = {
        "name": brand.name or "(none: say 'us' or 'our shop')", "voice": brand.voice_for(brief.tone),
        "words_to_avoid": list(brand.avoid_words), "max_discount_percent": brand.max_discount_percent,
        "max_discount_amount": brand.max_discount_amount, "sign_off": brand.signature,
        "shop_url": brand.shop_url or "(none: include no links)", "sms_sender": brand.sender,
        "sms_opt_out_line": brand.sms_opt_out,
    }
    return {
        "channel": brief.channel, "goal": brief.goal, "goal_guide": GOAL_GUIDE[brief.goal], "offer": offer,
        "language": brief.language,
        "tone": brief.tone or brand.voice, "variants": str(brief.variants),
        "length": str(brief.length), "length_guide": LENGTH_GUIDE[brief.length],
        "brand": json.dumps(brand_rules, ensure_ascii=False, indent=2),
        "evidence": json.dumps(evidence.prompt_data(), ensure_ascii=False, indent=2),
        "quotes": _fenced_quotes(evidence.quotes),
        "subject_max": str(brand.email_subject_max), "preheader_max": str(brand.email_preheader_max),
        "sms_max": str(brand.sms_max), "push_title_max": str(brand.push_title_max),
        "push_body_max": str(brand.push_body_max), "opt_out": brand.sms_opt_out, "sign_off": brand.signature,
        "draft": "", "violations": "",
    }


def _fenced_quotes(quotes: list[str]) -> str:
    """Quotes as a JSON list inside <customer_quotes> tags; tag-like text is stripped so none can break out."""
    cleaned = [re.sub(r"</?\s*customer_quotes\s*>|[<>]", " ", quote) for quote in quotes]
    return "<customer_quotes>\n" + json.dumps(cleaned, ensure_ascii=False, indent=2) + "\n</customer_quotes>"


def parse_drafts(reply: str, channel: str, evidence: CopyEvidence) -> list[Draft]:
    """Drafts from a model reply: ``{"variants": [...]}``, a bare list or one object, code fences allowed.

    Unusable replies give no drafts; a variant with missing or non-text fields gives a draft with those
    fields empty, which the validator rejects like any other broken draft."""
    data = _json_payload(reply)
    if isinstance(data, dict):
        data = data.get("variants", data.get("drafts", [data]))
    if not isinstance(data, list):
        return []
    return [_draft(item, channel, evidence) for item in data if isinstance(item, dict)]


def _json_payload(reply: str) -> Any:
    text = re.sub(r"^```(?:json)?\s*|\s*```$", "", reply.strip(), flags=re.IGNORECASE)
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = text.find(opener), text.rfind(closer)
        if 0 <= start < end:
            try:
                return json.loads(text[start:end + 1])
            except json.JSONDecodeError:
                continue
    return None


def _draft(item: dict[str, Any], channel: str, evidence: CopyEvidence) -> Draft:
    def text(key: str) -> str:
        value = item.get(key)
        return value.strip() if isinstance(value, str) else ""

    brand = evidence.brand
    angle = text("angle")
    if channel == "email":
        subject, preheader, body = text("subject"), text("preheader"), text("body")
        html = render_email_html(subject, preheader, body, brand.shop_url.strip())
        return Draft("email", body, subject=subject, preheader=preheader, html=html, writer="llm", angle=angle)
    if channel == "sms":
        return Draft("sms", _with_opt_out(text("message") or text("body"), brand.sms_opt_out), writer="llm",
                     angle=angle)
    return Draft("push", text("body"), title=text("title"), writer="llm", angle=angle)


def _with_opt_out(message: str, opt_out: str) -> str:
    """Models often forget the opt-out line; adding it is safe (the length check still applies)."""
    if not message or opt_out.strip().lower() in message.lower():
        return message
    return f"{message.rstrip()} {opt_out.strip()}"


def _draft_fields(draft: Draft) -> dict[str, str]:
    fields = draft.text_fields()
    return {"message": fields["body"]} if draft.channel == "sms" else fields
