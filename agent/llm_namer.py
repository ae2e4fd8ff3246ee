"""Segment names from the language model, when one is configured (``Providers.namer``; DESIGN.md §6).

The rule-based namer (:class:`tools.segments.naming.RuleBasedNamer`) builds names from the top category
and term, which reads well for a shop with clear categories ("Running · marathon training") and poorly
for one without (Online Retail gives "Pack & spaceboy"). A model reads the same evidence — terms,
over-bought categories and products, a few redacted quotes fenced as data — and proposes a marketer's
name. Every proposal passes :func:`name_problem` (short, plain, no personal data, grounded in the
evidence); a rejected name, a failed model or a spent deadline gives the rule-based name instead, with a
notice. Requests share the command's deadline and circuit breaker (:class:`agent.runtime.LlmAccess`),
and every prompt and reply goes to the ask log's transcript.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from agent.llm_budget import LlmFailure
from agent.llm_writer import Record, text_of
from tools.campaigns.copywriter import fill_prompt, load_prompt
from tools.privacy.redaction import redact
from tools.segments.naming import MAX_NAME_LENGTH, RuleBasedNamer, SegmentEvidence, SegmentNamer, stem

if TYPE_CHECKING:
    from agent.runtime import LlmAccess

PROMPT_FILE = "segment_name.md"
MAX_WORDS = 6
_WORD = re.compile(r"[^\W\d_]+")
_LABEL_PREFIX = re.compile(r"^\s*(?:segment\s+)?name\s*[:\-–]\s*", re.IGNORECASE)
_STOPWORDS = {"and", "the", "of", "for", "with", "a", "an", "in", "on", "to", "lovers", "fans", "buyers",
              "shoppers", "customers", "people", "enthusiasts", "seekers", "hunters", "collectors", "makers"}


class LlmSegmentNamer:
    """A :class:`~tools.segments.naming.SegmentNamer` that asks the model, validated, with a rule-based fallback."""

    def __init__(self, access: LlmAccess, record: Record | None = None,
                 redact_text: Callable[[str], str] | None = None, notice: Callable[[str], None] | None = None,
                 fallback: SegmentNamer | None = None) -> None:
        self.access = access
        self.record = record or (lambda _prompt, _reply: None)
        self.redact_text = redact_text or (lambda text: text)
        self.notice = notice or (lambda _message: None)
        self.fallback = fallback or RuleBasedNamer()
        self._told_unavailable = False

    def name(self, evidence: SegmentEvidence) -> str:
        """The model's name for the segment if it passes the checks, else the rule-based one."""
        rule_name = self.fallback.name(evidence)
        try:
            prompt = self.redact_text(naming_prompt(evidence))
            model = self.access.model()
            reply = text_of(self.access.call(lambda: model.invoke(prompt)))
        except LlmFailure as failure:
            if not self._told_unavailable:
                self.notice(f"The language model could not name segments ({failure}); using rule-based names.")
                self._told_unavailable = True
            return rule_name
        self.record(prompt, reply)
        proposed = cleaned_name(reply)
        problem = name_problem(proposed, evidence)
        if problem:
            self.notice(f"The model's segment name {proposed[:60]!r} was not used ({problem}); "
                        f"named it {rule_name!r}.")
            return rule_name
        return proposed


def naming_prompt(evidence: SegmentEvidence) -> str:
    """The filled ``prompts/segment_name.md``: aggregates as JSON, quotes fenced as untrusted data."""
    data = {"size": evidence.size, "share_of_customers": round(evidence.share, 4),
            "distinctive_terms": evidence.terms[:12],
            "top_categories": [{"name": c.name, "lift": round(c.lift, 2), "buyer_share": round(c.buyer_share, 3)}
                               for c in evidence.categories[:5]],
            "top_products": [{"name": p.name, "lift": round(p.lift, 2), "buyer_share": round(p.buyer_share, 3)}
                             for p in evidence.products[:8]]}
    quotes = [re.sub(r"</?\s*customer_quotes\s*>|[<>]", " ", quote)[:300] for quote in evidence.quotes[:4]]
    fenced = "<customer_quotes>\n" + json.dumps(quotes, ensure_ascii=False, indent=2) + "\n</customer_quotes>"
    values = {"evidence": json.dumps(data, ensure_ascii=False, indent=2), "quotes": fenced,
              "max_length": str(MAX_NAME_LENGTH)}
    return fill_prompt(load_prompt(PROMPT_FILE), values, PROMPT_FILE)


def cleaned_name(reply: str) -> str:
    """The name in a reply: its first non-empty line, without a "Name:" label, quotes or Markdown."""
    line = next((line for line in reply.strip().splitlines() if line.strip()), "")
    line = _LABEL_PREFIX.sub("", line)
    line = re.sub(r"^[\s#*>\-\d.)]+|[*_`]+", "", line)
    return line.strip().strip("\"'“”‘’.").strip()


def name_problem(name: str, evidence: SegmentEvidence) -> str | None:
    """Why ``name`` cannot be a segment name, or None when it can.

    Short and plain (1–6 words, at most MAX_NAME_LENGTH characters, no digits or brackets), free of
    personal data (redaction would change it), and grounded: at least one of its words shares a stem with
    the segment's terms, categories or products — so an instruction echoed from a quote ("shop is a scam")
    or an invented theme never becomes a name.
    """
    words = _WORD.findall(name)
    if not words:
        return "it is empty"
    if len(name) > MAX_NAME_LENGTH or len(words) > MAX_WORDS:
        return f"it is longer than {MAX_WORDS} words or {MAX_NAME_LENGTH} characters"
    if re.search(r"[\d\[\]{}<>@#|\\/]", name):
        return "it contains digits or symbols"
    if redact(name) != name:
        return "it looks like personal data"
    vocabulary = {stem(word) for text in [*evidence.terms, *(c.name for c in evidence.categories),
                                          *(p.name for p in evidence.products)]
                  for word in _WORD.findall(text.lower())}
    content = {stem(word) for word in (w.lower() for w in words) if word not in _STOPWORDS}
    if not content & vocabulary:
        return "none of its words appear in the segment's terms, categories or products"
    return None
