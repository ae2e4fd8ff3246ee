"""Stop words for the languages a shop's texts are written in, so terms and names read as content words.

English alone ("the", "and") is not enough for a German or French shop: "aber die" and "die espressokanne"
would headline a segment. The lists come from the ``stop-words`` package (maintained lists for 30+
languages); English keeps scikit-learn's list, which the term extraction always used. The languages
present are detected on a sample of the texts with the same detector campaigns use.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from tools.campaigns.language import languages_present

PACKAGE_NAMES = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
                 "nl": "dutch", "pt": "portuguese", "sv": "swedish", "da": "danish", "no": "norwegian",
                 "fi": "finnish", "pl": "polish", "cs": "czech", "el": "greek", "tr": "turkish"}
SAMPLE_LINES = 200


@functools.cache
def stop_words(languages: tuple[str, ...] = ("en",)) -> frozenset[str]:
    """The union of the stop-word lists of ``languages`` (ISO codes); English (scikit-learn's list, which
    English shops' terms were always cut with) is always included."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from stop_words import get_stop_words

    words = set(ENGLISH_STOP_WORDS)
    for code in set(languages) - {"en"}:
        if code in PACKAGE_NAMES:
            words |= {w.lower() for w in get_stop_words(PACKAGE_NAMES[code])}
    return frozenset(words)


def stop_words_for(texts: Iterable[str]) -> frozenset[str]:
    """Stop words for the languages present in ``texts`` (a sample of them is read)."""
    return stop_words(tuple(sorted(languages_present(texts, sample=SAMPLE_LINES))))


def stop_words_for_document(document: str) -> frozenset[str]:
    """Stop words for one document of joined texts (a segment's texts joined by newlines)."""
    lines = [line for line in document.splitlines() if line.strip()]
    step = max(1, len(lines) // SAMPLE_LINES)
    return stop_words_for(lines[::step])
