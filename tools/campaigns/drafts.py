"""What a campaign draft is, for every channel and writer, so validators and renderers see one shape."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tools.concepts import Channel


@dataclass(frozen=True)
class Draft:
    """One variant of campaign copy.

    Email uses ``subject``, ``preheader``, ``body`` (plain text) and ``html``; SMS puts the whole message,
    opt-out line included, in ``body``; push uses ``title`` and ``body``. ``facts_used`` lists the evidence
    the copy rests on, ``writer`` says who wrote it ("template" or "llm"), ``angle`` names its approach and
    ``characters`` how much of each channel limit it uses ("132/160 GSM-7 characters incl. opt-out").
    """

    channel: Channel
    body: str
    subject: str = ""
    preheader: str = ""
    html: str = ""
    title: str = ""
    writer: str = "template"
    angle: str = ""
    facts_used: list[str] = field(default_factory=list)
    characters: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel", Channel(self.channel))  # writers may pass "email" as text

    def text_fields(self) -> dict[str, str]:
        """The fields a reader sees on this channel, by name (HTML is derived from ``body``, so left out)."""
        if self.channel == "email":
            return {"subject": self.subject, "preheader": self.preheader, "body": self.body}
        if self.channel == "push":
            return {"title": self.title, "body": self.body}
        return {"body": self.body}

    def all_text(self) -> str:
        """Every visible field joined, for whole-draft checks."""
        return "\n".join(self.text_fields().values())

    def with_facts(self, facts: list[str]) -> Draft:
        """A copy listing ``facts`` as used."""
        return replace(self, facts_used=list(facts))


def render_email_html(subject: str, preheader: str, body: str, link: str = "") -> str:
    """Simple, inline-styled HTML for an email whose plain-text ``body`` was validated.

    HTML is always derived from the checked text (never written by a model), so it can carry nothing the
    validator has not seen. A paragraph ending in ``link`` becomes a button.
    """
    from html import escape

    blocks = []
    for paragraph in (p.strip() for p in body.split("\n\n") if p.strip()):
        if link and paragraph.endswith(link):
            label = paragraph[: -len(link)].strip().rstrip(":").strip() or "Visit the shop"
            blocks.append(f'<p style="margin:24px 0"><a href="{escape(link)}" style="background:#222;color:#fff;'
                          f'padding:12px 20px;border-radius:4px;text-decoration:none">{escape(label)}</a></p>')
        else:
            blocks.append(f'<p style="margin:0 0 16px">{escape(paragraph).replace(chr(10), "<br>")}</p>')
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(subject) + "</title></head>\n"
        '<body style="margin:0;padding:0;background:#f6f6f6">\n'
        f'<div style="display:none;max-height:0;overflow:hidden">{escape(preheader)}</div>\n'
        '<div style="max-width:600px;margin:0 auto;padding:32px 24px;background:#fff;'
        'font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#222">\n'
        + "\n".join(blocks) + "\n</div>\n</body></html>\n"
    )
