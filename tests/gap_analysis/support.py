"""A gap map built by hand for the export and import tests: every classification, unclassified
requirements, Cyrillic text, modifications depending on each other."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gap_analysis.enums import Classification, ClassificationStatus, ModificationStatus, Priority, SourceKind
from gap_analysis.records import (
    Coverage,
    GapMapReport,
    ModificationRecord,
    RequirementRecord,
    ScenarioLabel,
    StepLabel,
)

C = Classification


def sample_report() -> GapMapReport:
    passed = ScenarioLabel("Начисление", "Покупка начисляет баллы", "passed", config_label="v3")
    failed = ScenarioLabel("Списание", "Оплата баллами до 30%", "failed", config_label="v3")
    requirements = (
        RequirementRecord(
            1,
            "Начисление баллов за покупку",
            Priority.must,
            description="5% от суммы чека",
            process_area="Начисление",
            source_kind=SourceKind.finding,
            source_text="Кассир вручную считает баллы",
            classification=C.fit_standard,
            capability="earn.base_rate",
            status=ClassificationStatus.agreed,
            owner="Иванова",
            rationale="Стандартная функция СУЛ",
            scenarios=(passed,),
            steps=(StepLabel("Покупка", "to-be", "Начислить баллы"),),
        ),
        RequirementRecord(
            2,
            "Оплата баллами до 30% чека",
            Priority.must,
            process_area="Списание",
            classification=C.fit_configuration,
            capability="redemption.max_share",
            config_key="redemption.max_share",
            status=ClassificationStatus.proposed,
            scenarios=(failed, passed),
        ),
        RequirementRecord(
            3,
            "Начисление по реестру оптовых клиентов",
            Priority.must,
            process_area="Начисление",
            classification=C.gap_extension,
            modifications=("MOD-1", "MOD-2"),
            status=ClassificationStatus.agreed,
            rationale="Реестр на начисление: пакетный файл",
        ),
        RequirementRecord(
            4,
            "Обмен с 1С: Розница",
            Priority.should,
            process_area="Интеграции",
            classification=C.gap_integration,
            modifications=("MOD-3",),
            status=ClassificationStatus.disputed,
            rationale="Клиент хочет онлайн-обмен",
        ),
        RequirementRecord(
            5,
            "Отчёт «Средний чек участника»",
            Priority.could,
            process_area="Отчётность",
            classification=C.gap_report,
            modifications=("MOD-4",),
        ),
        RequirementRecord(
            6,
            "Ручная корректировка баланса",
            Priority.should,
            process_area="Списание",
            classification=C.workaround,
            rationale="Через служебную операцию в личном кабинете",
        ),
        RequirementRecord(
            7,
            "Коалиционная программа с партнёрами",
            Priority.wont,
            process_area="Партнёры",
            classification=C.out_of_scope,
            status=ClassificationStatus.agreed,
        ),
        RequirementRecord(8, "Уведомления по SMS", Priority.should, process_area="Коммуникации"),
        RequirementRecord(
            9, "Карта в мобильном приложении", Priority.must, description="QR-код на экране\nвторая строка"
        ),
    )
    modifications = (
        ModificationRecord(
            1,
            "Загрузка реестра на начисление",
            Decimal("5.5"),
            Priority.must,
            ModificationStatus.approved,
            description="CSV от оптового отдела",
            requirements=("REQ-3",),
        ),
        ModificationRecord(
            2,
            "Проверка реестра перед проводкой",
            Decimal("3"),
            Priority.must,
            ModificationStatus.proposed,
            requirements=("REQ-3",),
            depends_on=("MOD-1",),
        ),
        ModificationRecord(
            3,
            "Интерфейс с 1С",
            Decimal("8.25"),
            Priority.should,
            ModificationStatus.in_progress,
            requirements=("REQ-4",),
            on_critical_path=True,
        ),
        ModificationRecord(
            4,
            "Отчёт по среднему чеку",
            Decimal("2"),
            Priority.could,
            ModificationStatus.proposed,
            requirements=("REQ-5",),
            depends_on=("MOD-3",),
            on_critical_path=True,
        ),
    )
    return GapMapReport(
        project_key="ROMASHKA",
        project_name="Ромашка",
        client="ООО «Ромашка»",
        generated_at=dt.datetime(2026, 12, 2, 6, 30, tzinfo=dt.UTC),
        requirements=requirements,
        modifications=modifications,
        coverage=Coverage(must_total=4, must_covered=2),
        total_effort_days=Decimal("18.75"),
        critical_path=("MOD-3", "MOD-4"),
        critical_path_days=Decimal("10.25"),
        timezone="Europe/Moscow",
    )
