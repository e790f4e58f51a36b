"""What the core does out of the box, each bound to the code that does it.

A declaration names its POS API operations (by operationId of the OpenAPI document the API
serves) and/or the functions that implement it. The functions are imported here, so a
declaration cannot outlive its code; operations are checked against the document when the
catalogue is built, both ways (an operation with no capability is an error too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loyalty_core.api.openapi import openapi_document
from loyalty_core.config import service as config_service
from loyalty_core.engine import calculate, max_redeemable, plan_return
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.phone import normalise_phone
from loyalty_core.stores import service as store_service

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class StandardDeclaration:
    code: str
    title: str
    title_ru: str
    description: str
    keywords: tuple[str, ...]
    operations: tuple[str, ...] = ()  # operationIds of the POS API
    functions: tuple[Callable[..., Any], ...] = ()


def api_operations() -> dict[str, str]:
    """operationId -> "METHOD /path (operationId)" of every operation of the POS API document."""
    document = openapi_document()
    # The paths are relative to the server the document declares ("/api/v1").
    base = document["servers"][0]["url"].rstrip("/")
    found: dict[str, str] = {}
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is not None:
                op_id = operation["operationId"]
                found[op_id] = f"{method.upper()} {base}{path} ({op_id})"
    return found


DECLARATIONS: tuple[StandardDeclaration, ...] = (
    StandardDeclaration(
        "pos.enrol",
        "Enrol a member at the till",
        "Регистрация участника на кассе",
        "Enrols a member by phone at the POS; the phone is normalised to E.164 and a duplicate phone "
        "is refused (409 naming the member); a virtual card number is issued at once.",
        (
            "enrol",
            "enroll",
            "register",
            "registration",
            "sign up",
            "join",
            "phone",
            "mobile",
            "E.164",
            "duplicate",
            "регистрация",
            "зарегистрировать",
            "регистрировать",
            "вступление",
            "вступить",
            "анкета",
            "участник",
            "телефон",
            "номер телефона",
            "мобильный",
            "касса",
            "дубль",
            "дубликат",
            "виртуальная карта",
        ),
        operations=("enrollMember",),
        functions=(ledger.enroll, normalise_phone),
    ),
    StandardDeclaration(
        "pos.lookup",
        "Find a member by card or phone",
        "Поиск участника по карте или телефону",
        "Finds a member at the till by card number or by phone.",
        (
            "lookup",
            "find",
            "search",
            "identify",
            "card",
            "phone",
            "scan",
            "найти",
            "поиск",
            "идентификация",
            "опознать",
            "карта",
            "номер карты",
            "телефон",
            "сканировать",
            "предъявить",
        ),
        operations=("lookupMember",),
        functions=(ledger.find_member,),
    ),
    StandardDeclaration(
        "pos.member",
        "Member balance and tier",
        "Баланс бонусного счёта и уровень",
        "Reads a member: masked phone, cards, points balance, tier and the spend of the last 365 days.",
        (
            "balance",
            "account",
            "points balance",
            "tier",
            "member card",
            "баланс",
            "бонусный счёт",
            "счёт",
            "остаток баллов",
            "сколько баллов",
            "уровень",
        ),
        operations=("getMember",),
        functions=(ledger.get_member, ledger.balance_of),
    ),
    StandardDeclaration(
        "pos.history",
        "Member transaction history",
        "История операций участника",
        "Lists a member's purchases, returns, redemptions and expiries, newest first.",
        (
            "history",
            "transactions",
            "statement",
            "operations",
            "история",
            "операции",
            "выписка",
            "движение баллов",
        ),
        operations=("memberTransactions",),
        functions=(ledger.history,),
    ),
    StandardDeclaration(
        "pos.quote",
        "Quote a purchase without side effects",
        "Расчёт покупки без проведения",
        "Tells the till what a basket would earn, how many points may be redeemed and which promotions "
        "apply and why, changing nothing.",
        (
            "quote",
            "preview",
            "calculate",
            "estimate",
            "how many points",
            "reasons",
            "расчет",
            "рассчитать",
            "предварительный",
            "сколько баллов",
            "начислится",
            "причины",
            "примененные акции",
        ),
        operations=("quotePurchase",),
        functions=(ledger.quote, calculate),
    ),
    StandardDeclaration(
        "pos.commit",
        "Commit a purchase exactly once",
        "Проведение покупки ровно один раз",
        "Commits a purchase with its earn and redemption under an Idempotency-Key: a retry replays the "
        "first answer, another body with the same key is refused, nothing is applied twice.",
        (
            "commit",
            "purchase",
            "receipt",
            "idempotent",
            "retry",
            "exactly once",
            "offline",
            "провести",
            "покупка",
            "чек",
            "повтор",
            "повторная отправка",
            "идемпотентность",
            "дважды",
            "сбой связи",
        ),
        operations=("commitPurchase",),
        functions=(ledger.commit_purchase,),
    ),
    StandardDeclaration(
        "pos.return",
        "Returns reverse points in proportion",
        "Возврат товара со сторнированием баллов",
        "A return of some or all of a line reverses the points it earned and gives back the points it "
        "redeemed, in proportion to the quantity; repeated partial returns never drift.",
        (
            "return",
            "refund",
            "partial return",
            "reverse",
            "proportion",
            "возврат",
            "вернуть",
            "частичный",
            "сторно",
            "сторнирование",
            "пропорционально",
            "возврат баллов",
        ),
        operations=("returnLines",),
        functions=(ledger.commit_return, plan_return),
    ),
    StandardDeclaration(
        "pos.openapi",
        "POS API OpenAPI document",
        "Описание API для кассы (OpenAPI)",
        "The POS integration contract as an OpenAPI 3.1 document at /api/v1/openapi.json; errors are "
        "RFC 9457 problem documents.",
        (
            "api",
            "openapi",
            "swagger",
            "integration",
            "contract",
            "pos",
            "интеграция",
            "интеграция с кассой",
            "описание api",
            "кассовое по",
            "протокол",
        ),
        operations=("openapiDocument",),
        functions=(openapi_document,),
    ),
    StandardDeclaration(
        "engine.redemption_first",
        "Redemption first, spread over the lines",
        "Сначала списание баллов, по строкам чека",
        "Points paid are decided before earn, capped by the balance and the programme's limits, and "
        "their value is spread over the lines in proportion to their amounts.",
        (
            "redeem",
            "redemption",
            "pay with points",
            "spend points",
            "списание",
            "списание баллов",
            "списать",
            "оплата баллами",
            "оплатить баллами",
            "потратить баллы",
            "скидка баллами",
        ),
        functions=(max_redeemable, calculate),
    ),
    StandardDeclaration(
        "engine.no_earn_on_redeemed",
        "No earn on the part paid with points",
        "Без начисления на часть, оплаченную баллами",
        "Points are earned only on what was paid with money, never on the part of a line paid with points.",
        (
            "no earn",
            "paid with points",
            "earn base",
            "не начислять",
            "оплаченную баллами",
            "база начисления",
            "начисление на оплату баллами",
        ),
        functions=(calculate,),
    ),
    StandardDeclaration(
        "ledger.expiry_fifo",
        "Expiry job, soonest-expiring points spent first",
        "Сгорание баллов, первыми списываются ближайшие к сгоранию",
        "The expiry job removes points past their date and is safe to run twice; redemptions consume "
        "the points closest to expiry first.",
        ("expiry", "expire", "fifo", "burn", "job", "сгорание", "сгорают", "очередность списания", "ночной"),
        functions=(ledger.expire_points,),
    ),
    StandardDeclaration(
        "ledger.tier_by_spend",
        "Tier by the last 365 days' spend",
        "Уровень по сумме покупок за 365 дней",
        "A member's tier follows the money paid in the previous 365 days, net of returns, evaluated "
        "before each purchase.",
        (
            "tier",
            "spend",
            "365 days",
            "year",
            "upgrade",
            "downgrade",
            "уровень",
            "сумма покупок",
            "за год",
            "повышение уровня",
            "понижение уровня",
        ),
        functions=(ledger.spend_365,),
    ),
    StandardDeclaration(
        "config.versions",
        "Approved configuration versions per store",
        "Утверждённые версии настроек по магазинам",
        "A configuration is a draft until approved, then immutable; each store runs one approved version, "
        "switched on its next request, and every transaction records the version it ran under.",
        (
            "version",
            "approve",
            "sign off",
            "store",
            "rollout",
            "switch",
            "версия",
            "утвердить",
            "согласование",
            "настройки",
            "магазин",
            "переключение",
            "тиражирование",
        ),
        functions=(config_service.approve, store_service.assign_version),
    ),
)
