"""How alike two step names are, in Russian and English: the third stage of the comparison.

A name becomes the set of its words' stems (Snowball, through PyStemmer: Russian for Cyrillic
words, English for Latin ones), without the little words that say nothing of the step
(prepositions, conjunctions, articles). Two names are alike by the Dice coefficient of their
stem sets: 2·|common| / (|a| + |b|). "Выдать деньги покупателю" and "Вернуть деньги покупателю"
share two stems of three each: 0.67.

Stems are cached per word, so comparing two 500-step models stems each word once.
"""

from __future__ import annotations

import re
from functools import cache

import Stemmer

# At or above this, two names of leftover steps are taken for the same step. 0.6 pairs names that
# keep two of three words (or three of five) and refuses those that share one word of two.
NAME_SIMILARITY_THRESHOLD = 0.6

_WORD = re.compile(r"[^\W\d_]+|\d+")
_CYRILLIC = re.compile(r"[а-яё]")

# Words that carry no meaning of their own in a step's name; dropped before comparing, so
# "Fill in the form" and "Fill the form" are the same name.
STOP_WORDS = frozenset(
    {
        # Russian prepositions, conjunctions and particles
        "и", "в", "во", "на", "с", "со", "к", "ко", "по", "о", "об", "от", "до", "из", "за", "для",
        "при", "без", "или", "а", "но", "не", "ли", "же", "то", "у",
        # English articles, prepositions and conjunctions
        "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "by", "with", "at", "from",
        "into", "is",
    }
)  # fmt: skip

_RUSSIAN = Stemmer.Stemmer("russian")
_ENGLISH = Stemmer.Stemmer("english")


@cache
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word, in the language its letters are written in."""
    stemmer = _RUSSIAN if _CYRILLIC.search(word) else _ENGLISH
    return str(stemmer.stemWord(word))


@cache
def name_stems(name: str) -> frozenset[str]:
    """The stems of a name's meaningful words ("ё" read as "е", case folded)."""
    words = _WORD.findall(name.casefold().replace("ё", "е"))
    return frozenset(stem(word) for word in words if word not in STOP_WORDS)


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """2·|a ∩ b| / (|a| + |b|): 1.0 for equal sets, 0.0 when nothing is shared or both are empty."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, 0.0 to 1.0, by their stems."""
    return dice(name_stems(a), name_stems(b))
