"""Compiled catalogues: the `.po` files of the repository become `.mo` files at app start.

Why at app start and not in a build step: the workbench runs from an editable install (`make
install`), from a wheel (`pip install .`) and from a checkout, and only the app start is common
to all three. The `.po` files ship as package data; each is compiled into the instance folder
(writable wherever the secret key is) when its `.mo` is missing or was compiled from other text,
so editing a `.po` and restarting is enough. `.mo` files are never committed.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


@functools.lru_cache(maxsize=8)
def _compile(po_text: bytes, language: str) -> bytes:
    """The `.mo` bytes of one catalogue (cached: every test app of a run compiles it once)."""
    catalog = read_po(io.BytesIO(po_text), locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy translation is a guess: show English
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` in one step: gunicorn workers start together, none may read half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def compile_catalogues(target: Path, source: Path = SOURCE) -> Path:
    """Compile every `<lang>/LC_MESSAGES/messages.po` of `source` into the same tree under
    `target` when stale (a `.sha256` beside each `.mo` names the `.po` text it came from).
    Returns `target`, the directory to give Flask-Babel."""
    for po in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        language = po.parent.parent.name
        text = po.read_bytes()
        digest = hashlib.sha256(text).hexdigest()
        mo = target / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        stamp = mo.with_suffix(".sha256")
        if mo.exists() and stamp.exists() and stamp.read_text() == digest:
            continue
        _write_atomically(mo, _compile(text, language))
        _write_atomically(stamp, digest.encode())
    return target
