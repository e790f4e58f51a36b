"""How long the gap map's exports and the requirements import take on a large project.

    .venv/bin/python bench/gap_exports_bench.py [--runs 5] [--requirements 2000] [--modifications 500]

Builds a report by hand (no database): 2,000 requirements over 12 process areas with every
classification, Russian titles, descriptions and rationales, 1-3 scenarios each; 500
modifications in dependency chains. Times, as medians over the runs, the DOCX, the XLSX and
the import of that XLSX's Requirements sheet (`read_requirements`). No target is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal

from gap_analysis.enums import Classification, ClassificationStatus, ModificationStatus, Priority, SourceKind
from gap_analysis.export import gap_map_docx, gap_map_xlsx
from gap_analysis.intake import read_requirements
from gap_analysis.records import Coverage, GapMapReport, ModificationRecord, RequirementRecord, ScenarioLabel

AREAS = [
    "Начисление",
    "Списание",
    "Возвраты",
    "Регистрация",
    "Личный кабинет",
    "Акции",
    "Уровни",
    "Сгорание баллов",
    "Опт",
    "Интеграции",
    "Отчётность",
    "Коммуникации",
]


def big_report(requirements: int, modifications: int) -> GapMapReport:
    classifications: list[Classification | None] = [*Classification, None]
    reqs = []
    for n in range(1, requirements + 1):
        classification = classifications[n % len(classifications)]
        refs = (
            (f"MOD-{n % modifications + 1}",) if classification is not None and classification.is_gap else ()
        )
        scenarios = tuple(
            ScenarioLabel(
                f"Функция {n % 40}",
                f"Сценарий {n}.{k}",
                ("passed", "failed", "not_run")[k % 3],
                config_label="v7",
            )
            for k in range(1 + n % 3)
        )
        reqs.append(
            RequirementRecord(
                number=n,
                title=f"Требование {n}: кассир видит баланс участника до оплаты чека",
                priority=list(Priority)[n % 4],
                description="Описание требования из интервью с владельцем процесса. " * 3,
                process_area=AREAS[n % len(AREAS)],
                source_kind=SourceKind.finding,
                source_text=f"Находка {n}",
                classification=classification,
                capability="earn.base_rate" if classification else "",
                config_key="earn.base_rate" if classification is Classification.fit_configuration else "",
                rationale="Согласовано на рабочей встрече; см. протокол." if n % 2 else "",
                owner=("Иванова", "Петров", "Сидорова")[n % 3],
                status=list(ClassificationStatus)[n % 4],
                modifications=refs,
                scenarios=scenarios,
            )
        )
    mods = tuple(
        ModificationRecord(
            number=m,
            title=f"Доработка {m}: загрузка реестра на начисление",
            estimate_days=Decimal(m % 9 + 1) / 2,
            priority=list(Priority)[m % 4],
            status=list(ModificationStatus)[m % 5],
            description="Что меняется в СУЛ и в интерфейсе с учётной системой. " * 2,
            requirements=tuple(f"REQ-{r}" for r in range(m, requirements + 1, modifications)[:4]),
            depends_on=(f"MOD-{m - 1}",) if m % 10 else (),
            on_critical_path=m <= 10,
        )
        for m in range(1, modifications + 1)
    )
    total = sum((m.estimate_days for m in mods), start=Decimal(0))
    return GapMapReport(
        project_key="BIG",
        project_name="Большой проект",
        client="ООО «Сеть»",
        generated_at=dt.datetime.now(dt.UTC),
        requirements=tuple(reqs),
        modifications=mods,
        coverage=Coverage(must_total=requirements // 4, must_covered=requirements // 8),
        total_effort_days=total,
        critical_path=tuple(f"MOD-{m}" for m in range(1, 11)),
        critical_path_days=Decimal("30"),
        timezone="Europe/Moscow",
    )


def timed(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requirements", type=int, default=2000)
    parser.add_argument("--modifications", type=int, default=500)
    args = parser.parse_args()
    report = big_report(args.requirements, args.modifications)
    size = f"{args.requirements:,} requirements, {args.modifications:,} modifications"

    seconds, docx = timed(args.runs, lambda: gap_map_docx(report))
    assert isinstance(docx, bytes)
    print(
        f"DOCX export ({size}): {seconds * 1000:.0f} ms (median of {args.runs}), {len(docx) / 1024:.0f} KiB"
    )

    seconds, xlsx = timed(args.runs, lambda: gap_map_xlsx(report))
    assert isinstance(xlsx, bytes)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
        ratio = max(member.file_size / max(member.compress_size, 1) for member in archive.infolist())
    print(
        f"XLSX export ({size}): {seconds * 1000:.0f} ms (median of {args.runs}), {len(xlsx) / 1024:.0f} KiB, "
        f"unpacks to {unpacked / 1024 / 1024:.1f} MB, highest member compression {ratio:.0f}:1"
    )

    seconds, rows = timed(args.runs, lambda: read_requirements(xlsx, "bench.xlsx"))
    assert isinstance(rows, list) and len(rows) == args.requirements
    print(f"XLSX import ({len(rows):,} rows): {seconds * 1000:.0f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
