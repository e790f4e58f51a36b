"""The DEMO project's gap map: 31 requirements across every classification, raised by the
interviews' findings and the TO-BE steps, and the modifications list that closes the gaps.

The content only; `project.py` stores it through the services. Capability codes and keys are
those of `loyalty_core.capabilities`; a test checks each one is in the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ENROLMENT = "Регистрация участника"
PURCHASE = "Покупка и начисление"
PAY = "Оплата баллами"
RETURNS = "Возвраты"
PROMOTIONS = "Акции"
WHOLESALE = "Опт"
REPORTING = "Отчётность"
INTEGRATION = "Интеграции"


@dataclass(frozen=True)
class DemoRequirement:
    number: int
    title: str
    priority: str
    area: str
    description: str = ""
    finding: tuple[int, int] | None = None  # (interview, finding) indexes into analysis.INTERVIEWS
    source_step: tuple[str, str] | None = None  # (process key, TO-BE node id) that raised it
    steps: tuple[tuple[str, str, str], ...] = ()  # (process key, variant, node id) further links
    classification: str | None = None
    capability: str = ""
    config_key: str = ""
    rationale: str = ""
    owner: str = ""
    status: str = "proposed"


@dataclass(frozen=True)
class DemoModification:
    title: str
    days: Decimal
    priority: str
    requirements: tuple[int, ...]
    depends_on: tuple[int, ...] = ()  # MOD numbers (this list's order, from 1)
    description: str = ""
    status: str = "proposed"


ORLOVA = "А. Орлова"
KIM = "Д. Ким"

REQUIREMENTS: tuple[DemoRequirement, ...] = (
    DemoRequirement(
        1,
        "Регистрация участника на кассе по номеру телефона",
        "must",
        ENROLMENT,
        "Кассир вводит телефон покупателя, СУЛ создаёт участника и виртуальную карту; без бумажной анкеты.",
        finding=(1, 1),
        steps=(("enrolment", "to-be", "enr_tobe_activate"),),
        classification="fit_standard",
        capability="pos.enrol",
        owner=ORLOVA,
        status="agreed",
        rationale="POST /members: телефон приводится к E.164, карта выпускается сразу.",
    ),
    DemoRequirement(
        2,
        "Повторная регистрация по тому же телефону отклоняется",
        "must",
        ENROLMENT,
        "Если телефон уже зарегистрирован, касса получает найденного участника, а не дубль.",
        source_step=("enrolment", "enr_tobe_lookup"),
        classification="fit_standard",
        capability="pos.enrol",
        owner=ORLOVA,
        status="agreed",
        rationale="Дубль телефона — ответ 409 с номером существующего участника.",
    ),
    DemoRequirement(
        3,
        "Базовое начисление 3 % от суммы покупки",
        "must",
        PURCHASE,
        "Вместо скидки 5 % всем — баллы 3 % от оплаченной деньгами суммы.",
        finding=(0, 0),
        steps=(("purchase", "to-be", "pur_tobe_quote"),),
        classification="fit_configuration",
        capability="earn.base_rate",
        config_key="earn.base_rate",
        owner=ORLOVA,
        status="agreed",
    ),
    DemoRequirement(
        4,
        "Повышенное начисление 5 % на свежие продукты и выпечку",
        "should",
        PURCHASE,
        steps=(("purchase", "to-be", "pur_tobe_quote"),),
        classification="fit_configuration",
        capability="earn.category_rates",
        config_key="earn.category_rates",
        owner=ORLOVA,
        status="agreed",
    ),
    DemoRequirement(
        5,
        "Не начислять баллы на табак, алкоголь и подарочные карты",
        "must",
        PURCHASE,
        "Закон запрещает стимулировать продажу табака и алкоголя; подарочные карты — не товар.",
        steps=(("purchase", "to-be", "pur_tobe_quote"),),
        classification="fit_configuration",
        capability="earn.excluded_categories",
        config_key="earn.excluded_categories",
        owner=ORLOVA,
        status="agreed",
    ),
    DemoRequirement(
        6,
        "Оплата баллами до 50 % чека",
        "must",
        PAY,
        finding=(0, 2),
        steps=(("pay_with_points", "to-be", "pwp_tobe_calc_max"),),
        classification="fit_configuration",
        capability="redemption.max_share",
        config_key="redemption.max_share",
        owner=KIM,
        status="agreed",
        rationale="В v1 — 30 %, в TO-BE (v2) — 50 %.",
    ),
    DemoRequirement(
        7,
        "Списание не меньше 100 баллов за раз",
        "should",
        PAY,
        steps=(("pay_with_points", "to-be", "pwp_tobe_calc_max"),),
        classification="fit_configuration",
        capability="redemption.min_points",
        config_key="redemption.min_points",
        owner=KIM,
    ),
    DemoRequirement(
        8,
        "Не начислять баллы на часть чека, оплаченную баллами",
        "must",
        PAY,
        steps=(("pay_with_points", "to-be", "pwp_tobe_commit"),),
        classification="fit_standard",
        capability="engine.no_earn_on_redeemed",
        owner=KIM,
        status="agreed",
    ),
    DemoRequirement(
        9,
        "Уровни «Серебряный» и «Золотой» по тратам за 365 дней",
        "should",
        PURCHASE,
        "Серебряный от 30 000 ₽ (x1,25), золотой от 100 000 ₽ (x1,5).",
        steps=(("purchase", "to-be", "pur_tobe_quote"),),
        classification="fit_configuration",
        capability="tiers.levels",
        config_key="tiers[].threshold",
        owner=ORLOVA,
        status="agreed",
    ),
    DemoRequirement(
        10,
        "Баллы сгорают через 365 дней после начисления",
        "must",
        PURCHASE,
        "Обязательство по баллам не должно копиться бесконечно.",
        finding=(6, 0),
        classification="fit_configuration",
        capability="expiry.days",
        config_key="expiry_days",
        owner=KIM,
        status="agreed",
    ),
    DemoRequirement(
        11,
        "Возврат товара сторнирует начисленные баллы пропорционально",
        "must",
        RETURNS,
        finding=(6, 2),
        steps=(
            ("returns", "to-be", "ret_tobe_reverse_accrual"),
            ("returns", "to-be", "ret_tobe_restore_redeemed"),
        ),
        classification="fit_standard",
        capability="pos.return",
        owner=KIM,
        status="agreed",
    ),
    DemoRequirement(
        12,
        "Возврат принимается в течение 30 дней",
        "should",
        RETURNS,
        steps=(("returns", "to-be", "ret_tobe_find_receipt"),),
        classification="fit_configuration",
        capability="returns.window",
        config_key="returns.window_days",
        owner=KIM,
    ),
    DemoRequirement(
        13,
        "Двойные баллы в день рождения (±7 дней)",
        "could",
        PROMOTIONS,
        classification="fit_configuration",
        capability="condition.birthday",
        config_key="promotions[].conditions.birthday_window_days",
        owner=ORLOVA,
    ),
    DemoRequirement(
        14,
        "x2 на свежие продукты в выходные",
        "should",
        PROMOTIONS,
        classification="fit_configuration",
        capability="condition.weekdays",
        config_key="promotions[].conditions.weekdays",
        owner=ORLOVA,
        status="agreed",
    ),
    DemoRequirement(
        15,
        "Опт: 4 % на бакалею при чеке от 15 000 ₽",
        "should",
        WHOLESALE,
        "Клиент просит порог 15 000 ₽; в черновике v2 настроено 20 000 ₽ — сценарий это покажет.",
        finding=(2, 1),
        steps=(("purchase", "to-be", "pur_tobe_quote"),),
        classification="fit_configuration",
        capability="promotion.category_rate",
        config_key="promotions[].rate",
        owner=KIM,
    ),
    DemoRequirement(
        16,
        "Запуск: x3 в пилотных магазинах в декабре, без суммирования с другими акциями",
        "must",
        PROMOTIONS,
        classification="fit_configuration",
        capability="promotion.exclusive",
        config_key="promotions[].exclusive",
        owner=ORLOVA,
        status="agreed",
    ),
    DemoRequirement(
        17,
        "+200 баллов за розничный чек от 5 000 ₽",
        "could",
        PROMOTIONS,
        classification="fit_configuration",
        capability="promotion.extra_points",
        config_key="promotions[].points",
        owner=ORLOVA,
    ),
    DemoRequirement(
        18,
        "Повтор запроса кассы не начисляет баллы дважды",
        "must",
        INTEGRATION,
        finding=(4, 1),
        steps=(("purchase", "to-be", "pur_tobe_commit"),),
        classification="fit_standard",
        capability="pos.commit",
        owner=KIM,
        status="agreed",
    ),
    DemoRequirement(
        19,
        "Реестр на начисление для офлайновых чеков",
        "should",
        INTEGRATION,
        "Касса без связи пишет чеки в реестр; ночью реестр уходит в СУЛ и проверяется на дубли.",
        finding=(4, 2),
        steps=(
            ("purchase", "to-be", "pur_tobe_send_registry"),
            ("purchase", "to-be", "pur_tobe_accrue_registry"),
        ),
        classification="gap_integration",
        owner=KIM,
        rationale="В POS API нет пакетной загрузки реестров.",
    ),
    DemoRequirement(
        20,
        "Личный кабинет участника: баланс и история",
        "should",
        ENROLMENT,
        finding=(3, 1),
        classification="gap_extension",
        owner=ORLOVA,
        rationale="Портала участника в ядре нет, есть только API кассы.",
    ),
    DemoRequirement(
        21,
        "SMS-код подтверждения и приветственное SMS",
        "could",
        ENROLMENT,
        source_step=("enrolment", "enr_tobe_send_code"),
        steps=(("enrolment", "to-be", "enr_tobe_welcome_sms"),),
        classification="gap_integration",
        owner=ORLOVA,
        rationale="Нужен SMS-шлюз с очередью и лимитами.",
    ),
    DemoRequirement(
        22,
        "Ежемесячный отчёт: начислено, списано, сгорело, обязательство",
        "must",
        REPORTING,
        finding=(6, 0),
        classification="gap_report",
        owner=KIM,
        status="agreed",
    ),
    DemoRequirement(
        23,
        "Отчёт по пилотной и контрольной группам магазинов",
        "must",
        REPORTING,
        finding=(3, 2),
        classification="gap_report",
        owner=KIM,
    ),
    DemoRequirement(
        24,
        "Средний чек участников против покупателей без карты",
        "should",
        REPORTING,
        finding=(0, 1),
        classification="gap_report",
        owner=ORLOVA,
    ),
    DemoRequirement(
        25,
        "Коалиционная программа с партнёрами (АЗС, аптеки)",
        "wont",
        PURCHASE,
        classification="out_of_scope",
        owner=ORLOVA,
        status="agreed",
        rationale="Вне первой очереди по решению коммерческого директора.",
    ),
    DemoRequirement(
        26,
        "Регистрация без бумажной анкеты",
        "should",
        ENROLMENT,
        finding=(1, 0),
        steps=(("enrolment", "to-be", "enr_tobe_give_phone"),),
        classification="workaround",
        owner=ORLOVA,
        status="agreed",
        rationale="Согласие даётся устно и подтверждается кодом из SMS; анкеты отменяются приказом по сети.",
    ),
    DemoRequirement(
        27,
        "Перенос 400 тысяч дисконтных карт с накоплениями",
        "must",
        INTEGRATION,
        classification="gap_extension",
        owner=KIM,
        rationale="Нужна загрузка карт и стартовых балансов.",
    ),
    DemoRequirement(
        28,
        "Ночная выгрузка обязательств по баллам в ERP 1С по магазинам",
        "should",
        INTEGRATION,
        finding=(6, 1),
        steps=(("returns", "to-be", "ret_tobe_load_erp"),),
        classification="gap_integration",
        owner=KIM,
    ),
    DemoRequirement(
        29,
        "Кассир видит, сколько баллов можно списать, до оплаты",
        "must",
        PAY,
        finding=(5, 2),
        steps=(("pay_with_points", "to-be", "pwp_tobe_ask_points"),),
        classification="fit_standard",
        capability="pos.quote",
        owner=KIM,
        status="agreed",
    ),
    DemoRequirement(
        30,
        "Баллы округляются вниз один раз на чек",
        "must",
        PURCHASE,
        classification="fit_configuration",
        capability="earn.rounding",
        config_key="rounding",
        owner=KIM,
        status="agreed",
    ),
    DemoRequirement(
        31,
        "Оптовым покупателям — отдельный уровень без баллов поверх скидки за объём",
        "should",
        WHOLESALE,
        finding=(2, 1),
        status="open",
    ),
)

MODIFICATIONS: tuple[DemoModification, ...] = (
    DemoModification(
        "Загрузка реестров на начисление (пакетный API, проверка дублей)",
        Decimal("8.0"),
        "should",
        (19,),
        description="POST /registries: файл реестра, проверка дублей по номеру чека и кассе, отчёт о "
        "загрузке.",
    ),
    DemoModification("Личный кабинет участника (веб)", Decimal("25.0"), "should", (20,), depends_on=(5,)),
    DemoModification("Интеграция с SMS-шлюзом: коды и уведомления", Decimal("6.5"), "could", (21,)),
    DemoModification(
        "Отчёты программы: обязательство, пилот и контрольная группа, средний чек",
        Decimal("12.0"),
        "must",
        (22, 23, 24),
        depends_on=(5,),
    ),
    DemoModification(
        "Миграция дисконтных карт и стартовых балансов", Decimal("10.0"), "must", (27,), status="approved"
    ),
    DemoModification("Выгрузка обязательств в ERP 1С", Decimal("5.0"), "should", (28,), depends_on=(4,)),
)
