"""Customer- and file-derived text inside a Markdown summary, made inert.

Segment names come from customers' words, product and category names and customer ids from the shop's
files: a summary that pastes them in raw would turn ``[x](http://…)``, ``![t](http://…?d=emails)``, ``**…**``
or ``<img …>`` into live Markdown in the terminal, a brief or Slack. These values always sit mid-sentence,
so only the characters that make inline markup are escaped (``-``, ``.`` and ``(`` matter only at the start
of a line and stay readable: "T-Light holder (10.5 cm)" is left alone).
"""

from __future__ import annotations

import re

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~#])")


def md(value: object) -> str:
    """``value`` as literal text in a Markdown sentence."""
    return _INLINE_SPECIAL.sub(r"\\\1", str(value))
