"""A workbench with a small chain for the rollout pages: v1 live in every open store, v2 approved."""

from __future__ import annotations

from flask import Flask

from loyalty_core.config import service as config_service
from loyalty_core.stores import service as store_service
from rollout import register
from tests.rollout.conftest import REGISTER, V1, V2
from workbench.extensions import db
from workbench.projects.service import create_project


def seed_project(app: Flask, key: str = "DEMO") -> None:
    """The project the pages' plans go into (the role users join it: tests/workbench/conftest.py)."""
    with app.app_context():
        create_project(db.session(), key, f"Chain {key}", actor="test", directions=["retail", "wholesale"])
        db.session.commit()


def seed_chain(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        versions = {}
        for label, text in (("v1", V1), ("v2", V2)):
            version = config_service.create_version(session, label, text, created_by="test")
            config_service.approve(session, version, approved_by="approver")
            versions[label] = version
        register.import_register(session, "stores.csv", REGISTER.encode())
        for store in store_service.list_stores(session):
            if store.status == "open":
                store_service.assign_version(session, store, versions["v1"])
        session.commit()
