"""Normalise a question: lower case, unify quotes and dashes, and fix typos against the planner's known words."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

MIN_TYPO_LENGTH = 5
TYPO_CUTOFF = 0.8


def normalise(question: str, correct: Callable[[str], str] | None = None) -> str:
    """Lower-case, straight quotes, single spaces, typos fixed; keeps digits, %, £, $, €, + and hyphens.

    ``correct`` maps one word to its spelling fix (see ``Speller``); without it words are kept as typed.
    """
    text = question.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    # "US" in capitals is the country; lower-cased it would be indistinguishable from "show us".
    text = re.sub(r"(?<![\w.])U\.?S\.?(?:A\.?)?(?![\w.])", "usa", text)
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text.lower())
    text = re.sub(r"[^\w\s%£$€'.,\-/?&+:=#<>]", " ", text)
    words = text.split()
    if correct is not None:
        words = [correct(word) for word in words]
    return " ".join(words)


class Speller:
    """Fixes typos ("lapsng", "germny", "custmers") against the words the planner knows.

    A word the planner already knows is never changed, so "shopped" never becomes "stopped" and "refresh"
    never becomes "fresh"; only unknown words of five or more letters are matched, and only to a known word
    with the same first letter (people rarely mistype the first letter; it also keeps the search small).
    """

    def __init__(self, targets: Iterable[str], also_known: Iterable[str] = ()) -> None:
        self.targets = frozenset(word for word in targets if word.isalpha() and len(word) >= 3)
        self.known = self.targets | frozenset(also_known)
        by_letter: dict[str, list[str]] = {}
        for word in sorted(self.targets):
            if len(word) >= MIN_TYPO_LENGTH - 1:
                by_letter.setdefault(word[0], []).append(word)
        self._by_letter = by_letter
        self._fix = lru_cache(maxsize=4096)(self._best_match)

    def __call__(self, word: str) -> str:
        """``word`` with its core (letters between punctuation) corrected, or unchanged."""
        core = word.strip(".,?!:'\"")
        if len(core) < MIN_TYPO_LENGTH or not core.isalpha() or core in self.known:
            return word
        fixed = self._fix(core)
        return word.replace(core, fixed) if fixed else word

    def _best_match(self, core: str) -> str | None:
        candidates = [word for word in self._by_letter.get(core[0], ()) if abs(len(word) - len(core)) <= 2]
        matches = difflib.get_close_matches(core, candidates, n=1, cutoff=TYPO_CUTOFF)
        return matches[0] if matches else None


def words_in(*sources: str) -> set[str]:
    """The alphabetic words in regex sources or phrases, with simple plural/singular forms."""
    words: set[str] = set()
    for source in sources:
        source = re.sub(r"\\[a-zA-Z]", " ", source)  # regex escapes: "\bweather" holds "weather", not "bweather"
        for word in re.findall(r"[a-z]+", source.lower()):
            words.update((word, word + "s", word.removesuffix("s")))
    return {word for word in words if len(word) >= 3}


def contains_phrase(text: str, phrase: str) -> bool:
    """Whole-word phrase match ("new" must not match "renew")."""
    return phrase_pattern(phrase).search(text) is not None


@lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """The compiled whole-word pattern for ``phrase`` (hyphens count as part of a word)."""
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])")


def stem(word: str) -> str:
    """A crude stem so 'runners', 'running' and 'run' meet: enough for matching names, not linguistics."""
    word = word.lower()
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    for suffix in ("ners", "ning", "ers", "ing", "es", "er", "s"):
        if suffix == "es" and not re.search(r"(s|x|z|ch|sh)es$", word):
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) >= 4 and word[-1] == word[-2]:
        word = word[:-1]
    return word
