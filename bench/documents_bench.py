"""How long a consultant waits for a description: the DEMO project's AS-IS and TO-BE DOCX.

    .venv/bin/python bench/documents_bench.py [--runs 5]

Loads the DEMO project (8 process models, 7 interviews, 33 inventory items) into a fresh SQLite
file, then times, as medians over the runs, reading the data from the database and writing each
description: 4 process diagrams and the landscape rendered to PNG, step tables, inventories.
No target is set by the issue; a click on "AS-IS description" should answer within a second or two.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from loyalty_core.db import metadata
from process_models.enums import Variant
from workbench import create_app
from workbench.demo.project import load_demo_project
from workbench.documents.description import build_description
from workbench.documents.service import description_data
from workbench.extensions import db
from workbench.projects.service import get_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "SECRET_KEY": "bench"},
        instance_path=folder / "instance",
    )
    with app.app_context():
        metadata.create_all(db.engine)
        load_demo_project(db.session(), actor="bench")
        db.session.commit()
        project = get_project(db.session(), "DEMO")
        for variant in Variant:
            read, write, size = [], [], 0
            for _ in range(args.runs):
                started = time.perf_counter()
                data = description_data(db.session(), project, variant)
                read.append(time.perf_counter() - started)
                started = time.perf_counter()
                size = len(build_description(data))
                write.append(time.perf_counter() - started)
            total = statistics.median(r + w for r, w in zip(read, write, strict=True))
            print(
                f"{variant.value.upper()} description: read {statistics.median(read) * 1000:.0f} ms, "
                f"write {statistics.median(write) * 1000:.0f} ms, total {total * 1000:.0f} ms "
                f"(median of {args.runs}), {size / 1024:.0f} KiB"
            )


if __name__ == "__main__":
    main()
