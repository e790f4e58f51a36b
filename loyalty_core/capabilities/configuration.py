"""What people read about each configuration capability, keyed by the code the schema names.

Which keys switch a capability on is not written here: the schema fields say which capability
they belong to (`x-capabilities`), and the catalogue collects the paths from there. A text
whose code no schema field names stops the catalogue from being built.

Each example is a small configuration fragment, merged into a minimal configuration
(`{"program": ..., "earn": {"base_rate": 5}}`), that switches the capability on; the tests
check that it validates and changes what the engine (or, for ledger rules, the ledger) does.
Russian titles follow the glossary of DESIGN.md (бонусный счёт, начисление, списание баллов).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CapabilityText:
    title: str
    title_ru: str
    description: str
    keywords: tuple[str, ...]
    example: dict[str, Any]


def _promotion(code: str, kind: str, **rest: Any) -> dict[str, Any]:
    """One promotion entry: its code, kind, and the keys given (value, priority, conditions...)."""
    return {"code": code, "kind": kind, **rest}


def _x2(code: str, **conditions: Any) -> dict[str, Any]:
    """A double-points promotion restricted by the given conditions (the condition examples)."""
    return {"promotions": [_promotion(code, "multiplier", multiplier=2, conditions=conditions)]}


TEXTS: dict[str, CapabilityText] = {
    "program.identity": CapabilityText(
        "Programme name and currency",
        "Название программы и валюта",
        "The programme's name shown to people and the ISO 4217 currency its money is in.",
        ("program", "programme", "name", "currency", "rouble", "программа", "название", "валюта", "рубль"),
        {"program": "Свежий рынок — Клуб", "currency": "RUB"},
    ),
    "program.timezone": CapabilityText(
        "Programme time zone",
        "Часовой пояс программы",
        "The IANA time zone in which the dates and weekdays of promotions are read and days are counted "
        "(expiry, the tier window, the return window, how far back an offline receipt may be).",
        ("time zone", "timezone", "local time", "часовой пояс", "местное время", "время"),
        {
            "timezone": "Europe/Kaliningrad",
            "promotions": [
                _promotion("TUESDAY_X2", "multiplier", multiplier=2, conditions={"weekdays": ["tue"]})
            ],
        },
    ),
    "earn.rounding": CapabilityText(
        "Rounding of receipt points",
        "Округление баллов по чеку",
        "How a receipt's points are rounded, once per receipt: floor (default), ceil, half up or half even.",
        (
            "rounding",
            "round",
            "floor",
            "ceil",
            "округление",
            "округлять",
            "в меньшую сторону",
            "в большую сторону",
        ),
        {"rounding": "ceil"},
    ),
    "earn.base_rate": CapabilityText(
        "Base earn rate",
        "Базовый процент начисления",
        "The percent of the paid amount given as points for every category without its own rate.",
        (
            "earn",
            "accrual",
            "base rate",
            "percent",
            "cashback",
            "начисление",
            "начислять",
            "баллы",
            "бонусы",
            "процент",
            "кешбэк",
            "кэшбэк",
            "базовая ставка",
            "покупка",
        ),
        {"earn": {"base_rate": 10}},
    ),
    "earn.category_rates": CapabilityText(
        "Earn rates by category",
        "Начисление по категориям товаров",
        "A category of goods earns at its own percent instead of the base rate.",
        (
            "category",
            "categories",
            "product group",
            "higher rate",
            "fresh",
            "goods",
            "категория",
            "категории товаров",
            "товарная группа",
            "группа товаров",
            "товары",
            "продукты",
            "свежие",
            "повышенные баллы",
            "повышенное начисление",
            "ставка",
        ),
        {"earn": {"category_rates": {"fresh": 10}}},
    ),
    "earn.excluded_categories": CapabilityText(
        "Categories that earn nothing",
        "Категории без начисления",
        "Listed categories (tobacco, alcohol, gift cards) earn no points, whatever a promotion says.",
        (
            "excluded",
            "exclude",
            "no points",
            "tobacco",
            "alcohol",
            "gift card",
            "исключить",
            "исключения",
            "не начислять",
            "без начисления",
            "табак",
            "алкоголь",
            "сигареты",
            "подарочные карты",
        ),
        {"earn": {"excluded_categories": ["tobacco"]}},
    ),
    "tiers.levels": CapabilityText(
        "Tiers with earn multipliers",
        "Уровни участников с множителем",
        "Member tiers reached by money spent in the previous 365 days; each tier multiplies what its members "
        "earn.",
        (
            "tier",
            "level",
            "status",
            "silver",
            "gold",
            "threshold",
            "multiplier",
            "уровень",
            "статус",
            "серебряный",
            "золотой",
            "порог",
            "множитель",
            "привилегии",
        ),
        {
            "tiers": [
                {"code": "base", "name": "Базовый", "threshold": "0.00", "multiplier": 1},
                {"code": "silver", "name": "Серебряный", "threshold": "30000.00", "multiplier": "1.5"},
            ]
        },
    ),
    "redemption.point_value": CapabilityText(
        "Money value of a point",
        "Стоимость балла",
        "How much money one point pays when points are redeemed (1 point = 1.00 by default).",
        (
            "point value",
            "exchange rate",
            "worth",
            "стоимость балла",
            "курс балла",
            "номинал",
            "рубль",
            "равен",
        ),
        {"redemption": {"point_value": "2.00"}},
    ),
    "redemption.max_share": CapabilityText(
        "Share of the check payable with points",
        "Доля чека, оплачиваемая баллами",
        "At most this percent of the check can be paid with points.",
        (
            "share",
            "percent of the check",
            "pay with points",
            "redeem",
            "limit",
            "доля чека",
            "процент чека",
            "оплата баллами",
            "оплатить баллами",
            "списание баллов",
            "не более",
            "чек",
            "ограничение",
            "максимум",
        ),
        {"redemption": {"max_share": 30}},
    ),
    "redemption.min_points": CapabilityText(
        "Minimum points to redeem",
        "Минимальное списание баллов",
        "Below this number of points nothing can be redeemed at once.",
        ("minimum", "threshold", "redeem", "минимум", "минимальное списание", "порог списания", "не менее"),
        {"redemption": {"min_points": 500}},
    ),
    "expiry.days": CapabilityText(
        "Points expire after a period",
        "Сгорание баллов",
        "Points earned on a local day D are valid through the end of local day D + this many days; "
        "the nightly expiry job removes them.",
        (
            "expiry",
            "expire",
            "expiration",
            "validity",
            "burn",
            "year",
            "month",
            "days",
            "period",
            "сгорание",
            "сгорают",
            "сгорать",
            "срок действия",
            "истекает",
            "год",
            "месяц",
            "дней",
            "аннулирование",
        ),
        {"expiry_days": 365},
    ),
    "returns.window": CapabilityText(
        "Return window",
        "Срок возврата",
        "Returns later than this many days after the purchase are refused.",
        ("return", "refund", "window", "days", "возврат", "срок возврата", "дней", "вернуть товар"),
        {"returns": {"window_days": 30}},
    ),
    "returns.negative_balance": CapabilityText(
        "Negative balance after a return",
        "Отрицательный баланс при возврате",
        "When a return reverses points already spent: the member owes them (allow) or they are written off "
        "(clamp).",
        (
            "negative balance",
            "debt",
            "write off",
            "clamp",
            "return",
            "отрицательный баланс",
            "долг",
            "минус",
            "списать",
            "возврат",
            "бонусный счёт",
        ),
        {"returns": {"negative_balance": "clamp"}},
    ),
    "offline.receipts": CapabilityText(
        "Receipts sent late by an offline till",
        "Чеки с кассы, работавшей без связи",
        "A purchase or return may carry the moment it happened (occurred_at), up to this many days "
        "back; it is computed under the version, promotions and tier of that moment.",
        (
            "offline",
            "late",
            "delayed",
            "occurred",
            "no connection",
            "upload",
            "офлайн",
            "оффлайн",
            "без связи",
            "задним числом",
            "отложенная выгрузка",
            "реестр на начисление",
        ),
        {"offline": {"max_age_days": 7}},
    ),
    "promotion.multiplier": CapabilityText(
        "Points multiplier promotion",
        "Акция: множитель баллов",
        "A promotion multiplying the points of the lines it targets (double points, x3).",
        (
            "promotion",
            "campaign",
            "multiplier",
            "double",
            "triple",
            "x2",
            "x3",
            "акция",
            "кампания",
            "множитель",
            "двойные",
            "удвоенные",
            "тройные",
            "умножение",
        ),
        {"promotions": [_promotion("DOUBLE", "multiplier", multiplier=2, name="Двойные баллы")]},
    ),
    "promotion.extra_points": CapabilityText(
        "Extra points promotion",
        "Акция: дополнительные баллы",
        "A promotion adding a fixed number of points once per receipt.",
        (
            "promotion",
            "extra points",
            "bonus points",
            "welcome",
            "fixed",
            "акция",
            "дополнительные баллы",
            "приветственные",
            "фиксированные",
            "подарок",
            "бонус",
        ),
        {"promotions": [_promotion("BONUS_100", "extra_points", points=100, name="Сто баллов в подарок")]},
    ),
    "promotion.category_rate": CapabilityText(
        "Category rate promotion",
        "Акция: особый процент на категорию",
        "A promotion replacing the earn rate of the lines in its categories.",
        (
            "promotion",
            "category",
            "rate",
            "special rate",
            "акция",
            "категория",
            "процент",
            "ставка",
            "товары",
        ),
        {
            "promotions": [
                _promotion(
                    "FRESH_15",
                    "category_rate",
                    rate=15,
                    name="Свежее: 15%",
                    conditions={"categories": ["fresh"]},
                )
            ]
        },
    ),
    "promotion.priority": CapabilityText(
        "Promotion priority",
        "Приоритет акций",
        "Promotions are evaluated highest priority first; a higher category rate wins on the same line.",
        ("priority", "order", "precedence", "приоритет", "порядок", "очередность", "важнее"),
        {
            "promotions": [
                _promotion(
                    "FRESH_10", "category_rate", rate=10, priority=1, conditions={"categories": ["fresh"]}
                ),
                _promotion(
                    "FRESH_20", "category_rate", rate=20, priority=5, conditions={"categories": ["fresh"]}
                ),
            ]
        },
    ),
    "promotion.exclusive": CapabilityText(
        "Exclusive promotion",
        "Эксклюзивная акция",
        "When an exclusive promotion applies, no lower-priority promotion does (promotions do not add up).",
        (
            "exclusive",
            "stacking",
            "combine",
            "not combined",
            "эксклюзивная",
            "не суммируется",
            "не сочетается",
            "суммирование",
            "одновременно",
        ),
        {
            "promotions": [
                _promotion("LAUNCH_X3", "multiplier", multiplier=3, priority=10, exclusive=True),
                _promotion("BONUS_50", "extra_points", points=50, priority=5),
            ]
        },
    ),
    "condition.dates": CapabilityText(
        "Promotion dates",
        "Период действия акции",
        "A promotion runs only between its start and end dates (local dates, inclusive).",
        (
            "date",
            "period",
            "from",
            "until",
            "season",
            "дата",
            "период",
            "с по",
            "сезон",
            "срок акции",
            "месяц",
        ),
        _x2("DECEMBER_X2", date_from="2026-12-01", date_to="2026-12-31"),
    ),
    "condition.weekdays": CapabilityText(
        "Promotion weekdays",
        "Дни недели акции",
        "A promotion runs only on the listed weekdays.",
        (
            "weekday",
            "weekend",
            "monday",
            "saturday",
            "sunday",
            "день недели",
            "выходные",
            "будни",
            "понедельник",
            "суббота",
            "воскресенье",
        ),
        _x2("WEEKEND_X2", weekdays=["sat", "sun"]),
    ),
    "condition.stores": CapabilityText(
        "Promotion stores",
        "Магазины акции",
        "A promotion runs only in the listed stores (a pilot group, a new store).",
        ("store", "shop", "pilot", "location", "магазин", "магазины", "точка", "пилот", "контрольная группа"),
        _x2("PILOT_X2", stores=["R002", "R003"]),
    ),
    "condition.directions": CapabilityText(
        "Promotion directions (retail / wholesale)",
        "Направления акции (розница / опт)",
        "A promotion runs only in stores of the listed directions: retail, wholesale.",
        ("direction", "retail", "wholesale", "направление", "розница", "опт", "оптовые", "розничные"),
        _x2("WHOLESALE_X2", directions=["wholesale"]),
    ),
    "condition.categories": CapabilityText(
        "Promotion categories",
        "Категории товаров акции",
        "A promotion affects only the receipt lines of the listed categories.",
        ("category", "product group", "goods", "категория", "товарная группа", "товары", "продукты"),
        _x2("FRESH_X2", categories=["fresh"]),
    ),
    "condition.min_check": CapabilityText(
        "Minimum check for a promotion",
        "Минимальная сумма чека для акции",
        "A promotion applies only when the check total reaches an amount.",
        (
            "minimum check",
            "basket",
            "check total",
            "spend over",
            "сумма чека",
            "минимальная сумма",
            "чек",
            "покупка от",
            "средний чек",
            "от рублей",
        ),
        {
            "promotions": [
                _promotion("BIG_BASKET", "extra_points", points=200, conditions={"min_check": "5000.00"})
            ]
        },
    ),
    "condition.tiers": CapabilityText(
        "Promotion for member tiers",
        "Акция для уровней участников",
        "A promotion applies only to members of the listed tiers.",
        ("tier", "level", "status", "gold members", "уровень", "статус", "золотой", "для участников уровня"),
        {
            "tiers": [
                {"code": "base", "threshold": "0.00"},
                {"code": "gold", "threshold": "100000.00", "multiplier": "1.5"},
            ],
            **_x2("GOLD_X2", tiers=["gold"]),
        },
    ),
    "condition.birthday": CapabilityText(
        "Birthday promotion",
        "Акция ко дню рождения",
        "A promotion applies within a number of days before or after the member's birthday.",
        (
            "birthday",
            "birth date",
            "birthday points",
            "birthday bonus",
            "день рождения",
            "дата рождения",
            "именинник",
            "именинники",
            "баллы ко дню рождения",
        ),
        _x2("BIRTHDAY_X2", birthday_window_days=3),
    ),
}
