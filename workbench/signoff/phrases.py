"""Translating the sign-off's phrases into a chosen language (documents and programme rules are
made in RU and EN whatever the page's language).

Phrases are gettext msgids (English) looked up under `force_locale(lang)`; until the shared
Russian catalogue (workbench/translations/ru) holds them, `phrases_ru.yaml` gives their Russian.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from flask_babel import force_locale, gettext

LANGUAGES = ("ru", "en")


@functools.cache
def russian() -> dict[str, str]:
    """The Russian of every msgid of the sign-off that the shared catalogue may not have yet."""
    return dict(yaml.safe_load((Path(__file__).parent / "phrases_ru.yaml").read_text(encoding="utf-8")))


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def translate(msgid: str, lang: str, **values: Any) -> str:
    """`msgid` in `lang`, with %(name)s placeholders filled from `values`."""
    with force_locale(lang):
        text = gettext(msgid)
    if lang == "ru" and text == msgid:  # the shared catalogue does not have it (yet)
        text = russian().get(msgid, msgid)
    return text % values if values else text
