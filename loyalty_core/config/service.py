"""Creating, editing, approving and loading configuration versions.

Service functions take a session and flush; the caller (API view, CLI command, workbench
view) owns the transaction and commits it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.config.enums import VersionStatus
from loyalty_core.config.models import ConfigVersion
from loyalty_core.config.schema import ProgramConfig
from loyalty_core.config.validation import load_document, parse_config
from loyalty_core.db import utcnow
from loyalty_core.errors import ConfigurationError, NotFound


def _jsonable(value: Any) -> Any:
    """YAML gives dates and the like; the stored document is plain JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def content_hash(document: dict[str, Any]) -> str:
    """sha256 of the canonical JSON form: equal documents hash equal whatever their key order."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_text(text: str | bytes, *, source: str = "document") -> tuple[dict[str, Any], ProgramConfig]:
    """Parse and validate a YAML/JSON text; ConfigurationError lists every problem."""
    document = _jsonable(load_document(text, source=source))
    config = parse_config(document)
    return document, config


def create_version(
    session: Session,
    label: str,
    text: str | bytes,
    *,
    created_by: str,
    notes: str = "",
    based_on: ConfigVersion | None = None,
) -> ConfigVersion:
    """A new draft version from a configuration text (validated first: nothing stored if bad)."""
    label = label.strip()
    if not label:
        raise ConfigurationError("a version needs a label", field="label")
    if session.scalar(select(ConfigVersion.id).where(ConfigVersion.label == label)) is not None:
        raise ConfigurationError(f"a version labelled {label!r} already exists", field="label")
    raw = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
    document, _ = read_text(text, source=label)
    version = ConfigVersion(
        label=label,
        status=VersionStatus.draft.value,
        document=document,
        source_text=raw,
        content_hash=content_hash(document),
        notes=notes,
        based_on_id=based_on.id if based_on else None,
        created_by=created_by,
    )
    session.add(version)
    session.flush()
    return version


def update_draft(session: Session, version: ConfigVersion, text: str | bytes) -> ConfigVersion:
    """Replace a draft's content; an approved version is refused."""
    if version.is_approved:
        raise ConfigurationError(f"version {version.label} is approved and cannot change; create a new draft")
    document, _ = read_text(text, source=version.label)
    version.document = document
    version.source_text = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
    version.content_hash = content_hash(document)
    session.flush()
    return version


def approve(
    session: Session, version: ConfigVersion, *, approved_by: str, package_hash: str | None = None
) -> ConfigVersion:
    """Freeze a draft: its content hash is recorded and it can no longer change. `package_hash`
    names the signed prototype package that approves it (None: approved outside a package)."""
    if version.is_approved:
        raise ConfigurationError(f"version {version.label} is already approved")
    parse_config(version.document)  # re-validate: the schema may have tightened since the draft
    version.content_hash = content_hash(version.document)
    version.status = VersionStatus.approved.value
    version.approved_at = utcnow()
    version.approved_by = approved_by
    version.approval_package_hash = package_hash
    session.flush()
    return version


def get_version(session: Session, ref: str | int) -> ConfigVersion:
    """A version by label (`v2`) or id."""
    query = select(ConfigVersion)
    if isinstance(ref, int) or str(ref).isdigit():
        version = session.scalar(query.where(ConfigVersion.id == int(ref)))
        if version is None:
            version = session.scalar(query.where(ConfigVersion.label == str(ref)))
    else:
        version = session.scalar(query.where(ConfigVersion.label == ref))
    if version is None:
        raise NotFound(f"no configuration version {ref!r}", field="version")
    return version


def list_versions(session: Session) -> list[ConfigVersion]:
    return list(session.scalars(select(ConfigVersion).order_by(ConfigVersion.id)))


_PARSED: dict[tuple[int, str], ProgramConfig] = {}


def program_config(version: ConfigVersion) -> ProgramConfig:
    """The parsed configuration of a version, cached by (id, content hash).

    Approved versions never change, so the cache is exact; an edited draft gets a new hash.
    """
    key = (version.id, version.content_hash)
    config = _PARSED.get(key)
    if config is None:
        if len(_PARSED) > 256:
            _PARSED.clear()
        config = _PARSED[key] = parse_config(version.document)
    return config
