"""Make untrusted text inert for each output format: customer-written quotes, segment names built from
customer words, values from the shop's files.

Renderers pass every value they did not write themselves through the function for their format, so a review
saying ``**click here**``, ``<@channel>`` or ``![x](http://…)`` is shown as those characters, never obeyed.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_SLACK_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SLACK_FORMATTING = re.compile(r"([*_~`])")


def escape_markdown(text: str) -> str:
    """``text`` for CommonMark (terminal Markdown, brief .md): every formatting character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def escape_slack(text: str) -> str:
    """``text`` for Slack mrkdwn: &, < and > as entities (no mentions or links), formatting marks neutralised
    with a zero-width joiner so they print as typed."""
    return _SLACK_FORMATTING.sub("\u2060\\1\u2060", str(text).translate(_SLACK_SPECIAL))


def escape_html(text: str) -> str:
    """``text`` for HTML element content and attribute values."""
    return html.escape(str(text), quote=True)
