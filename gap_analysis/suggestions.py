"""Which capabilities of the loyalty core a requirement text speaks of: plain word matching.

A text and each capability (its titles in both languages, keywords, description and code) are
read as sets of word stems: lower case, ё as е, stop words dropped, a light stemmer that strips
common Russian endings (keeping at least 4 letters) and English plural/-ing/-ed. A stem matches
a capability's stem when equal, or when one is a prefix of the other (short stems only when
the rest is an ending's length), so «начислять» meets «начисление» and «чека» meets «чек».

The score of a capability is the share of the text's words it matches, each word weighted by
how rare it is in the catalogue (a word every capability uses, «баллы», tells little) and by
where it matched (keywords and titles count fully, the description half). Words the catalogue
never uses count against every capability, so a text about something the core does not do
scores low everywhere. This is a first pass for a consultant to confirm, not a classifier.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from loyalty_core.capabilities import Capability, catalogue

# Below this a match is noise: one common word shared with a long description.
DEFAULT_THRESHOLD = 0.3
KEYWORD_WEIGHT = 1.0
TITLE_WEIGHT = 1.0
CODE_WEIGHT = 0.6
DESCRIPTION_WEIGHT = 0.5
PREFIX_FACTOR = 0.9  # a prefix match is a little less sure than an equal stem
# The share of the score that says how much of a capability's own title the text names: of two
# capabilities sharing as many words with a text, the one the text calls by name comes first.
TITLE_SHARE = 0.2

STOP_WORDS = frozenset(
    [
        "и",
        "в",
        "во",
        "не",
        "на",
        "по",
        "с",
        "со",
        "за",
        "к",
        "ко",
        "от",
        "до",
        "из",
        "у",
        "о",
        "об",
        "обо",
        "для",
        "при",
        "без",
        "через",
        "над",
        "под",
        "про",
        "что",
        "чтобы",
        "как",
        "а",
        "но",
        "или",
        "либо",
        "ли",
        "же",
        "бы",
        "это",
        "этот",
        "эта",
        "эти",
        "то",
        "та",
        "те",
        "тот",
        "все",
        "всё",
        "весь",
        "вся",
        "его",
        "ее",
        "её",
        "их",
        "он",
        "она",
        "оно",
        "они",
        "мы",
        "вы",
        "я",
        "ты",
        "быть",
        "был",
        "была",
        "были",
        "будет",
        "будут",
        "есть",
        "более",
        "менее",
        "чем",
        "также",
        "так",
        "уже",
        "еще",
        "ещё",
        "только",
        "каждый",
        "каждого",
        "свой",
        "своих",
        "который",
        "которая",
        "которые",
        "которых",
        "если",
        "когда",
        "где",
        "там",
        "тут",
        "нет",
        "да",
        "можно",
        "нужно",
        "необходимо",
        "должен",
        "должна",
        "должно",
        "должны",
        "требуется",
        "система",
        "системы",
        "системе",
        "систему",
        "возможность",
        "чтоб",
        "его",
        "ему",
        "ней",
        "них",
        "себя",
        "сам",
        "сама",
        "само",
        "после",
        "перед",
        "между",
        "раз",
        "the",
        "a",
        "an",
        "of",
        "on",
        "in",
        "to",
        "for",
        "and",
        "or",
        "with",
        "by",
        "at",
        "is",
        "are",
        "be",
        "been",
        "being",
        "must",
        "should",
        "shall",
        "can",
        "could",
        "may",
        "will",
        "would",
        "from",
        "as",
        "it",
        "its",
        "that",
        "this",
        "these",
        "those",
        "not",
        "no",
        "per",
        "each",
        "all",
        "any",
        "when",
        "than",
        "more",
        "less",
        "up",
        "s",
        "system",
        "able",
        "also",
        "into",
        "onto",
        "our",
        "their",
        "there",
        "which",
        "who",
        "whom",
        "whose",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "over",
        "under",
        "after",
        "before",
        "above",
        "below",
        "about",
    ]
)

_RU_ENDINGS = tuple(
    sorted(
        [
            "ировать",
            "ывать",
            "ивать",
            "ования",
            "ование",
            "ениями",
            "ениях",
            "ения",
            "ение",
            "ости",
            "ость",
            "ами",
            "ями",
            "ого",
            "его",
            "ому",
            "ему",
            "ыми",
            "ими",
            "ать",
            "ять",
            "ить",
            "еть",
            "уть",
            "ться",
            "тся",
            "ишь",
            "ешь",
            "ет",
            "ют",
            "ут",
            "ит",
            "ат",
            "ят",
            "ов",
            "ев",
            "ей",
            "ой",
            "ый",
            "ий",
            "ая",
            "яя",
            "ое",
            "ее",
            "ые",
            "ие",
            "ых",
            "их",
            "ым",
            "им",
            "ам",
            "ям",
            "ях",
            "ах",
            "ом",
            "ем",
            "ую",
            "юю",
            "а",
            "я",
            "ы",
            "и",
            "у",
            "ю",
            "е",
            "о",
            "ь",
            "й",
        ],
        key=len,
        reverse=True,
    )
)
_WORD = re.compile(r"[0-9a-zа-я]+")
_CYRILLIC = re.compile(r"[а-я]")


@dataclass(frozen=True)
class CapabilitySuggestion:
    """A capability a text may speak of, with how sure (0..1) and the text's words that matched."""

    capability: Capability
    score: float
    matched: tuple[str, ...]


def normalise(text: str) -> str:
    """Lower case, ё as е, a percent sign as the word (requirements write «50% чека»)."""
    return text.lower().replace("ё", "е").replace("%", " процент ")


def words(text: str) -> list[str]:
    """The words of a text that carry meaning: no stop words, no single letters, no bare numbers
    (a figure is a parameter of a requirement, not what it is about)."""
    return [
        w for w in _WORD.findall(normalise(text)) if len(w) > 1 and w not in STOP_WORDS and not w.isdigit()
    ]


def stem(word: str) -> str:
    """A light stem: one common Russian ending stripped (the stem keeps 4 letters or more), or an
    English plural, -ing or -ed."""
    if _CYRILLIC.search(word):
        for ending in _RU_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                return word[: -len(ending)]
        return word
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _match_factor(a: str, b: str) -> float:
    """1 for equal stems, PREFIX_FACTOR when one starts the other (a short one only when what
    follows is ending-sized), 0 otherwise."""
    if a == b:
        return 1.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and long_.startswith(short) and (len(short) >= 5 or len(long_) - len(short) <= 2):
        return PREFIX_FACTOR
    return 0.0


@dataclass(frozen=True)
class _Index:
    capabilities: tuple[Capability, ...]
    # Per capability: stem -> the weight of the best field it appears in.
    vocab: tuple[dict[str, float], ...]
    # Per capability: the stems of its English title and of its Russian title.
    titles: tuple[tuple[frozenset[str], frozenset[str]], ...]
    idf: dict[str, float]
    unknown_idf: float


def _vocabulary(capability: Capability) -> dict[str, float]:
    weighted: dict[str, float] = {}
    fields: list[tuple[Iterable[str], float]] = [
        (capability.keywords, KEYWORD_WEIGHT),
        ((capability.title, capability.title_ru), TITLE_WEIGHT),
        ((capability.code.replace("_", " ").replace(".", " "),), CODE_WEIGHT),
        ((capability.description,), DESCRIPTION_WEIGHT),
    ]
    for texts, weight in fields:
        for text in texts:
            for word in words(text):
                key = stem(word)
                weighted[key] = max(weighted.get(key, 0.0), weight)
    return weighted


@lru_cache(maxsize=8)
def _index(capabilities: tuple[Capability, ...]) -> _Index:
    vocab = tuple(_vocabulary(c) for c in capabilities)
    titles = tuple(
        (frozenset(stem(w) for w in words(c.title)), frozenset(stem(w) for w in words(c.title_ru)))
        for c in capabilities
    )
    frequency: dict[str, int] = {}
    for words_of_one in vocab:
        for key in words_of_one:
            frequency[key] = frequency.get(key, 0) + 1
    count = max(len(capabilities), 1)
    idf = {key: math.log(1 + count / df) for key, df in frequency.items()}
    return _Index(capabilities, vocab, titles, idf, math.log(1 + count))


def _best_in(vocab: dict[str, float], hits: dict[str, float], idf: dict[str, float]) -> float:
    """The best weighted match of one query stem in one vocabulary (0 when none), from the
    catalogue stems the query stem matches (`hits`: stem -> match factor)."""
    best = 0.0
    for key, factor in hits.items():
        weight = vocab.get(key)
        if weight is not None:
            best = max(best, weight * factor * idf[key])
    return best


def _title_coverage(title: frozenset[str], matched: Collection[str]) -> float:
    """The share of a title's stems that some stem of the text matches (`matched`: every
    catalogue stem the text's stems match; a title's stems are catalogue stems)."""
    if not title:
        return 0.0
    return sum(1 for key in title if key in matched) / len(title)


def suggest_capabilities(
    text: str,
    *,
    limit: int = 5,
    capabilities: Sequence[Capability] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[CapabilitySuggestion]:
    """The capabilities a requirement text most likely speaks of, best first, at most `limit`,
    only those scoring above `threshold` (0..1). Russian and English texts alike."""
    index = _index(tuple(capabilities) if capabilities is not None else catalogue())
    query: dict[str, list[str]] = {}  # stem -> the text's words with that stem, in text order
    for word in words(text):
        query.setdefault(stem(word), []).append(word)
    if not query:
        return []
    # How much each word of the text could weigh: the rarest catalogue stem it meets, or (met
    # by none) as much as the rarest possible, so unknown words count against every capability.
    # Each text stem is compared with each catalogue stem once, here (this runs on every
    # requirement page): hits[stem] holds the catalogue stems it matches and how well.
    hits: dict[str, dict[str, float]] = {
        query_stem: {key: factor for key in index.idf if (factor := _match_factor(query_stem, key))}
        for query_stem in query
    }
    matched_anywhere = set().union(*hits.values())
    potential = {}
    for query_stem, met in hits.items():
        potential[query_stem] = max(index.idf[key] for key in met) if met else index.unknown_idf
    total = sum(potential.values())
    found: list[CapabilitySuggestion] = []
    for capability, vocab, titles in zip(index.capabilities, index.vocab, index.titles, strict=True):
        gained = 0.0
        matched: list[str] = []
        for query_stem, originals in query.items():
            value = _best_in(vocab, hits[query_stem], index.idf)
            if value:
                gained += value
                matched.extend(originals)
        if not matched:
            continue
        named = max(_title_coverage(title, matched_anywhere) for title in titles)
        score = round(min((1 - TITLE_SHARE) * gained / total + TITLE_SHARE * named, 1.0), 4)
        if score > threshold:
            found.append(CapabilitySuggestion(capability, score, tuple(dict.fromkeys(matched))))
    found.sort(key=lambda s: (-s.score, s.capability.code))
    return found[: max(limit, 0)]
