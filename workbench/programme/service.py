"""Workbench-side steps on the core's configuration and stores: each change goes to the audit log
in the same transaction as the change itself."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loyalty_core.config import service as config_service
from loyalty_core.config.models import ConfigVersion
from loyalty_core.stores import service as store_service
from loyalty_core.stores.models import Store
from workbench.audit import service as audit


def create_version(
    session: Session, label: str, text: str | bytes, *, actor: str, notes: str = ""
) -> ConfigVersion:
    version = config_service.create_version(session, label, text, created_by=actor, notes=notes)
    audit.record(
        session, actor, "config.create", "config_version", version.label, {"hash": version.content_hash}
    )
    return version


def update_draft(session: Session, version: ConfigVersion, text: str | bytes, *, actor: str) -> ConfigVersion:
    config_service.update_draft(session, version, text)
    audit.record(
        session, actor, "config.edit", "config_version", version.label, {"hash": version.content_hash}
    )
    return version


def approve(
    session: Session, version: ConfigVersion, *, actor: str, package_hash: str | None = None
) -> ConfigVersion:
    """Freeze a draft; `package_hash` names the signed prototype package behind the approval
    (None: approved outside a package, which the version's pages then say)."""
    config_service.approve(session, version, approved_by=actor, package_hash=package_hash)
    audit.record(
        session,
        actor,
        "config.approve",
        "config_version",
        version.label,
        {"hash": version.content_hash, "package_hash": package_hash},
    )
    return version


def add_store(
    session: Session, code: str, direction: str, *, actor: str, name: str = "", city: str = ""
) -> tuple[Store, str]:
    store, key = store_service.add_store(session, code, direction, name=name, city=city)
    audit.record(session, actor, "store.add", "store", store.code, {"direction": direction})
    return store, key


def assign(session: Session, store: Store, version: ConfigVersion, *, actor: str) -> Store:
    before = store.active_version.label if store.active_version else None
    store_service.assign_version(session, store, version)
    audit.record(session, actor, "store.assign", "store", store.code, {"from": before, "to": version.label})
    return store


def rotate_key(session: Session, store: Store, *, actor: str) -> str:
    key = store_service.rotate_key(session, store)
    audit.record(session, actor, "store.rotate_key", "store", store.code, {})
    return key


def stores_per_version(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Store.active_version_id, func.count()).group_by(Store.active_version_id)
    ).all()
    return {version_id: count for version_id, count in rows if version_id is not None}
