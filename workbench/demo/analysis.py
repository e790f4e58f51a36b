"""The demo project's analysis content: what the consultants of the loyalty rollout found at
«Свежий рынок» (a grocery chain with retail and wholesale stores) before and after the loyalty
management system (СУЛ) comes in.

Three kinds of plain data, no database and no Flask:

* `demo_processes()` — eight process models, AS-IS and TO-BE of four processes (`PROCESS_KEYS`):
  enrolment at the till, purchase with points accrual, paying with points, returns;
* `INTERVIEWS` — stakeholder interviews with their findings, many pointing at a process step;
* `INVENTORY` — algorithms, forms, reports, systems and integrations, AS-IS and TO-BE.

Each model is written as a table of steps and a table of flows (see `_build`). Ids are stable
and readable: a model's prefix (`enr_asis`, `pur_tobe`...) then the step's own name, so a node is
e.g. ``enr_asis_fill_form``, a lane ``enr_asis_lane_cashier`` and a flow
``enr_asis_flow_start_to_gw_agree``; findings point at steps by these ids.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ProcessModel

__all__ = [
    "INTERVIEWS",
    "INVENTORY",
    "PROCESS_KEYS",
    "DemoFinding",
    "DemoInterview",
    "DemoInventoryItem",
    "demo_processes",
]

PROCESS_KEYS: tuple[str, ...] = ("enrolment", "purchase", "pay_with_points", "returns")

# The IT systems, named once: process steps, system lanes and the inventory use the same names.
POS = "Касса (POS)"
ERP = "ERP 1С"
CORE = "СУЛ"
SMS = "SMS-шлюз"
OLD_CARDS = "Старая карточная система"
EXCEL = "Excel"
CABINET = "Личный кабинет"
MANUAL_WORK = ""

# Node kinds, short, so the step tables read as a process.
START = NodeKind.start_event
END = NodeKind.end_event
USER = NodeKind.user_task
SERVICE = NodeKind.service_task
MANUAL = NodeKind.manual_task
SEND = NodeKind.send_task
RULE = NodeKind.business_rule_task
XOR = NodeKind.exclusive_gateway
AND = NodeKind.parallel_gateway

ROLE = LaneKind.role
SYSTEM = LaneKind.system

# (lane key, lane name, kind)
LaneRow = tuple[str, str, LaneKind]
# (step id, kind, name, lane key, system, description)
StepRow = tuple[str, NodeKind, str, str, str, str]
# (source, target) for a plain flow, (source, target, name, condition) for a conditioned one
FlowRow = tuple[str, str] | tuple[str, str, str, str]


def _build(
    key: str,
    variant: Variant,
    prefix: str,
    name: str,
    documentation: str,
    lanes: Sequence[LaneRow],
    steps: Sequence[StepRow],
    flows: Sequence[FlowRow],
) -> ProcessModel:
    """A model from its tables: ids of lanes, steps and flows get the model's `prefix`."""
    suffix = "AS-IS" if variant is Variant.as_is else "TO-BE"
    model = ProcessModel(
        name=f"{name} ({suffix})",
        variant=variant,
        id=f"Process_{key}_{variant.name}",
        documentation=documentation,
    )
    for lane_key, lane_name, lane_kind in lanes:
        model.add_lane(lane_name, lane_kind, id=f"{prefix}_lane_{lane_key}")
    for step_id, kind, step_name, lane_key, system, description in steps:
        model.add_node(
            kind,
            step_name,
            lane=f"{prefix}_lane_{lane_key}",
            id=f"{prefix}_{step_id}",
            description=description,
            system=system,
        )
    for row in flows:
        source, target, *label = row
        flow_name, condition = label if label else ("", "")
        model.add_flow(
            f"{prefix}_{source}",
            f"{prefix}_{target}",
            name=flow_name,
            condition=condition,
            id=f"{prefix}_flow_{source}_to_{target}",
        )
    return model


# --- enrolment ---------------------------------------------------------------------------------


def _enrolment_as_is() -> ProcessModel:
    return _build(
        "enrolment",
        Variant.as_is,
        "enr_asis",
        "Регистрация участника на кассе",
        "Покупатель заполняет бумажную анкету и сразу получает пластиковую карту со скидкой 5 %; "
        "анкеты бэк-офис набирает в старую карточную систему на следующий день, часть из них теряется.",
        lanes=[
            ("customer", "Покупатель", ROLE),
            ("cashier", "Кассир", ROLE),
            ("backoffice", "Бэк-офис", ROLE),
            ("cards", OLD_CARDS, SYSTEM),
        ],
        steps=[
            (
                "start",
                START,
                "Покупатель просит дисконтную карту",
                "customer",
                MANUAL_WORK,
                "Покупатель на кассе спрашивает, как получить скидочную карту.",
            ),
            (
                "gw_agree",
                XOR,
                "Покупатель готов заполнить анкету?",
                "cashier",
                MANUAL_WORK,
                "Кассир предлагает анкету, и покупатель решает, тратить ли на неё время в очереди.",
            ),
            (
                "give_form",
                MANUAL,
                "Выдать бумажную анкету",
                "cashier",
                MANUAL_WORK,
                "Кассир достаёт из ящика бланк анкеты и ручку.",
            ),
            (
                "fill_form",
                MANUAL,
                "Заполнить анкету",
                "customer",
                MANUAL_WORK,
                "Покупатель от руки пишет ФИО, телефон, дату рождения и подписывает согласие.",
            ),
            (
                "hand_card",
                MANUAL,
                "Выдать пластиковую карту",
                "cashier",
                MANUAL_WORK,
                "Кассир выдаёт карту из пачки и скрепляет анкету с корешком, где напечатан номер карты.",
            ),
            (
                "apply_discount",
                USER,
                "Применить скидку по новой карте",
                "cashier",
                POS,
                "Кассир сканирует новую карту, и касса сразу даёт скидку 5 % на текущую покупку.",
            ),
            (
                "pass_forms",
                MANUAL,
                "Передать анкеты в офис",
                "cashier",
                MANUAL_WORK,
                "В конце смены анкеты за день складывают в конверт и на следующий день отвозят в офис.",
            ),
            (
                "gw_legible",
                XOR,
                "Анкета читается?",
                "backoffice",
                MANUAL_WORK,
                "Оператор бэк-офиса разбирает почерк и проверяет, что телефон записан полностью.",
            ),
            (
                "type_in",
                USER,
                "Набрать анкету в карточной системе",
                "backoffice",
                OLD_CARDS,
                "Оператор вручную вводит данные анкеты и номер карты в старую карточную систему.",
            ),
            (
                "save_owner",
                SERVICE,
                "Сохранить владельца карты",
                "cards",
                OLD_CARDS,
                "Карточная система привязывает номер карты к владельцу и проверяет дубли по номеру карты.",
            ),
            (
                "archive",
                MANUAL,
                "Отложить анкету в архив",
                "backoffice",
                MANUAL_WORK,
                "Нечитаемую анкету кладут в архив, и карта остаётся анонимной.",
            ),
            (
                "join_processed",
                XOR,
                "Обработка анкеты завершена",
                "backoffice",
                MANUAL_WORK,
                "Обе ветки обработки анкеты сходятся здесь.",
            ),
            (
                "end_done",
                END,
                "Анкета в системе или в архиве",
                "backoffice",
                MANUAL_WORK,
                "Анкета введена в систему или отложена, карта уже работает на кассе.",
            ),
            (
                "end_no_card",
                END,
                "Покупка без карты",
                "customer",
                MANUAL_WORK,
                "Покупатель отказался от анкеты и платит без скидки.",
            ),
        ],
        flows=[
            ("start", "gw_agree"),
            ("gw_agree", "give_form", "Согласен", "Покупатель согласен заполнить анкету"),
            ("gw_agree", "end_no_card", "Отказался", "Покупатель отказался заполнять анкету"),
            ("give_form", "fill_form"),
            ("fill_form", "hand_card"),
            ("hand_card", "apply_discount"),
            ("apply_discount", "pass_forms"),
            ("pass_forms", "gw_legible"),
            ("gw_legible", "type_in", "Читается", "Все обязательные поля анкеты разборчивы"),
            ("gw_legible", "archive", "Не читается", "Телефон или ФИО не разобрать"),
            ("type_in", "save_owner"),
            ("save_owner", "join_processed"),
            ("archive", "join_processed"),
            ("join_processed", "end_done"),
        ],
    )


def _enrolment_to_be() -> ProcessModel:
    return _build(
        "enrolment",
        Variant.to_be,
        "enr_tobe",
        "Регистрация участника на кассе",
        "Кассир вводит телефон покупателя на кассе, СУЛ регистрирует участника онлайн после "
        "подтверждения кодом из SMS и выпускает виртуальную карту, которая сразу работает в текущем чеке.",
        lanes=[
            ("customer", "Покупатель", ROLE),
            ("cashier", "Кассир", ROLE),
            ("core", CORE, SYSTEM),
            ("sms", SMS, SYSTEM),
        ],
        steps=[
            (
                "start",
                START,
                "Покупатель хочет стать участником",
                "customer",
                MANUAL_WORK,
                "Покупатель на кассе соглашается вступить в программу лояльности.",
            ),
            (
                "give_phone",
                MANUAL,
                "Назвать телефон и дать согласие",
                "customer",
                MANUAL_WORK,
                "Покупатель называет номер мобильного телефона и устно соглашается с правилами программы.",
            ),
            (
                "enter_phone",
                USER,
                "Ввести телефон на кассе",
                "cashier",
                POS,
                "Кассир вводит номер телефона в форму регистрации на экране кассы.",
            ),
            (
                "lookup",
                SERVICE,
                "Найти участника по телефону",
                "core",
                CORE,
                "Касса вызывает API СУЛ и ищет участника с этим номером телефона.",
            ),
            (
                "gw_member",
                XOR,
                "Телефон уже зарегистрирован?",
                "core",
                CORE,
                "СУЛ отвечает, есть ли уже участник с этим номером.",
            ),
            (
                "send_code",
                SEND,
                "Отправить SMS-код подтверждения",
                "sms",
                SMS,
                "СУЛ через SMS-шлюз отправляет на телефон одноразовый код, подтверждающий номер и согласие.",
            ),
            (
                "enter_code",
                USER,
                "Ввести код из SMS",
                "cashier",
                POS,
                "Покупатель называет код из SMS, кассир вводит его на кассе.",
            ),
            (
                "gw_code",
                XOR,
                "Код верный?",
                "core",
                CORE,
                "СУЛ сверяет введённый код с отправленным и проверяет срок его действия.",
            ),
            (
                "activate",
                SERVICE,
                "Зарегистрировать участника и выпустить виртуальную карту",
                "core",
                CORE,
                "СУЛ создаёт участника базового уровня, сохраняет согласие и выпускает номер виртуальной "
                "карты.",
            ),
            (
                "split_notify",
                AND,
                "Оповестить участника и кассу",
                "core",
                CORE,
                "После регистрации СУЛ одновременно оповещает покупателя и возвращает карту на кассу.",
            ),
            (
                "welcome_sms",
                SEND,
                "Отправить приветственное SMS",
                "sms",
                SMS,
                "Покупатель получает SMS со ссылкой на личный кабинет и номером виртуальной карты.",
            ),
            (
                "attach_card",
                SERVICE,
                "Привязать карту к текущему чеку",
                "cashier",
                POS,
                "Касса подставляет новую виртуальную карту в открытый чек, чтобы начислить баллы за покупку.",
            ),
            (
                "join_notify",
                AND,
                "Участник оповещён",
                "core",
                CORE,
                "Обе параллельные ветки оповещения завершены.",
            ),
            (
                "end_ok",
                END,
                "Покупатель стал участником",
                "cashier",
                MANUAL_WORK,
                "Участник зарегистрирован, и баллы начислятся уже за текущую покупку.",
            ),
            (
                "end_existing",
                END,
                "Найден действующий участник",
                "cashier",
                MANUAL_WORK,
                "Номер уже зарегистрирован, и касса применяет найденную карту участника.",
            ),
            (
                "end_not_confirmed",
                END,
                "Регистрация не подтверждена",
                "cashier",
                MANUAL_WORK,
                "Код не подтверждён, участник не создан, покупка проходит без карты.",
            ),
        ],
        flows=[
            ("start", "give_phone"),
            ("give_phone", "enter_phone"),
            ("enter_phone", "lookup"),
            ("lookup", "gw_member"),
            ("gw_member", "send_code", "Новый номер", "Участник с таким телефоном не найден"),
            ("gw_member", "end_existing", "Уже участник", "Участник с таким телефоном найден"),
            ("send_code", "enter_code"),
            ("enter_code", "gw_code"),
            ("gw_code", "activate", "Код верный", "Код совпал и не просрочен"),
            ("gw_code", "end_not_confirmed", "Код неверный", "Код не совпал или истёк после трёх попыток"),
            ("activate", "split_notify"),
            ("split_notify", "welcome_sms"),
            ("split_notify", "attach_card"),
            ("welcome_sms", "join_notify"),
            ("attach_card", "join_notify"),
            ("join_notify", "end_ok"),
        ],
    )


# --- purchase ----------------------------------------------------------------------------------


def _purchase_as_is() -> ProcessModel:
    return _build(
        "purchase",
        Variant.as_is,
        "pur_asis",
        "Покупка с начислением баллов",
        "Баллов сейчас нет: по дисконтной карте касса сама считает фиксированную скидку 5 %, "
        "а чеки со скидками уходят в ERP 1С файлом раз в сутки ночью.",
        lanes=[
            ("customer", "Покупатель", ROLE),
            ("cashier", "Кассир", ROLE),
            ("pos", POS, SYSTEM),
            ("erp", ERP, SYSTEM),
        ],
        steps=[
            (
                "start",
                START,
                "Покупатель подошёл к кассе",
                "customer",
                MANUAL_WORK,
                "Покупатель выкладывает товары на ленту кассы.",
            ),
            (
                "scan_goods",
                USER,
                "Отсканировать товары",
                "cashier",
                POS,
                "Кассир сканирует штрихкоды товаров, касса формирует чек.",
            ),
            (
                "gw_card",
                XOR,
                "Есть дисконтная карта?",
                "cashier",
                MANUAL_WORK,
                "Кассир спрашивает у покупателя дисконтную карту.",
            ),
            (
                "scan_card",
                USER,
                "Отсканировать дисконтную карту",
                "cashier",
                POS,
                "Кассир сканирует штрихкод пластиковой карты.",
            ),
            (
                "gw_read",
                XOR,
                "Карта считалась?",
                "pos",
                POS,
                "Касса проверяет, что штрихкод прочитан и номер входит в диапазон карт.",
            ),
            (
                "type_number",
                USER,
                "Ввести номер карты вручную",
                "cashier",
                POS,
                "При стёртом штрихкоде кассир набирает номер карты с клавиатуры.",
            ),
            ("join_read", XOR, "Номер карты получен", "pos", POS, "Обе ветки чтения карты сходятся здесь."),
            (
                "calc_discount",
                RULE,
                "Рассчитать скидку 5 %",
                "pos",
                POS,
                "Касса даёт фиксированную скидку 5 % на все позиции, кроме табака и алкоголя, без обращения "
                "к другим системам.",
            ),
            (
                "join_card",
                XOR,
                "Итог чека рассчитан",
                "pos",
                POS,
                "Чеки с картой и без карты сходятся к оплате.",
            ),
            (
                "pay",
                MANUAL,
                "Оплатить покупку",
                "customer",
                MANUAL_WORK,
                "Покупатель платит наличными или банковской картой.",
            ),
            (
                "print_receipt",
                SERVICE,
                "Напечатать чек",
                "pos",
                POS,
                "Касса закрывает чек и печатает его, скидка по карте видна отдельной строкой.",
            ),
            (
                "export_receipts",
                SEND,
                "Выгрузить чеки в ERP 1С",
                "pos",
                POS,
                "Ночью касса выгружает все чеки за день файлом в ERP 1С.",
            ),
            (
                "load_erp",
                SERVICE,
                "Загрузить продажи и скидки",
                "erp",
                ERP,
                "ERP 1С загружает файл чеков и проводит продажи и предоставленные скидки.",
            ),
            (
                "end",
                END,
                "Продажа учтена в ERP",
                "erp",
                ERP,
                "Продажа со скидкой отражена в учёте на следующий день.",
            ),
        ],
        flows=[
            ("start", "scan_goods"),
            ("scan_goods", "gw_card"),
            ("gw_card", "scan_card", "Карта есть", "Покупатель предъявил дисконтную карту"),
            ("gw_card", "join_card", "Карты нет", "Покупатель без дисконтной карты"),
            ("scan_card", "gw_read"),
            ("gw_read", "join_read", "Считалась", "Номер карты прочитан сканером"),
            ("gw_read", "type_number", "Не считалась", "Штрихкод карты повреждён"),
            ("type_number", "join_read"),
            ("join_read", "calc_discount"),
            ("calc_discount", "join_card"),
            ("join_card", "pay"),
            ("pay", "print_receipt"),
            ("print_receipt", "export_receipts"),
            ("export_receipts", "load_erp"),
            ("load_erp", "end"),
        ],
    )


def _purchase_to_be() -> ProcessModel:
    return _build(
        "purchase",
        Variant.to_be,
        "pur_tobe",
        "Покупка с начислением баллов",
        "Касса определяет участника по карте или телефону, получает расчёт баллов от СУЛ и фиксирует "
        "покупку с ключом идемпотентности; без связи с СУЛ чек попадает в реестр на начисление, "
        "который касса отправляет ночью.",
        lanes=[
            ("cashier", "Кассир", ROLE),
            ("pos", POS, SYSTEM),
            ("core", CORE, SYSTEM),
        ],
        steps=[
            (
                "start",
                START,
                "Покупатель подошёл к кассе",
                "cashier",
                MANUAL_WORK,
                "Покупатель выкладывает товары на ленту кассы.",
            ),
            (
                "scan_goods",
                USER,
                "Отсканировать товары",
                "cashier",
                POS,
                "Кассир сканирует штрихкоды товаров, касса формирует чек.",
            ),
            (
                "identify",
                USER,
                "Отсканировать карту или ввести телефон",
                "cashier",
                POS,
                "Кассир сканирует пластиковую или виртуальную карту либо вводит телефон участника.",
            ),
            (
                "gw_online",
                XOR,
                "СУЛ отвечает?",
                "pos",
                POS,
                "Касса отправляет запрос расчёта (quote) в СУЛ и ждёт ответа не дольше двух секунд.",
            ),
            (
                "quote",
                RULE,
                "Рассчитать баллы по уровню и категориям",
                "core",
                CORE,
                "СУЛ считает баллы к начислению по уровню участника и категориям товаров и возвращает их на "
                "кассу.",
            ),
            (
                "mark_offline",
                SERVICE,
                "Перейти в офлайн-режим",
                "pos",
                POS,
                "Касса помечает чек как офлайновый и продолжает продажу без расчёта баллов.",
            ),
            (
                "join_quote",
                XOR,
                "Итог чека готов",
                "cashier",
                POS,
                "Онлайновый и офлайновый чеки сходятся к оплате.",
            ),
            (
                "pay",
                MANUAL,
                "Принять оплату",
                "cashier",
                POS,
                "Кассир принимает оплату наличными или банковской картой.",
            ),
            (
                "gw_mode",
                XOR,
                "Чек рассчитан в СУЛ?",
                "pos",
                POS,
                "Касса смотрит, получен ли для чека расчёт от СУЛ.",
            ),
            (
                "commit",
                SERVICE,
                "Зафиксировать покупку с ключом идемпотентности",
                "core",
                CORE,
                "Касса отправляет commit с ключом идемпотентности, и СУЛ начисляет баллы ровно один раз даже "
                "при повторе запроса.",
            ),
            (
                "print_balance",
                SERVICE,
                "Напечатать чек с балансом баллов",
                "pos",
                POS,
                "Касса печатает в подвале чека начисленные баллы и новый баланс участника.",
            ),
            (
                "end_online",
                END,
                "Баллы начислены онлайн",
                "cashier",
                MANUAL_WORK,
                "Покупатель ушёл с чеком, на котором видны начисленные баллы.",
            ),
            (
                "add_registry",
                SERVICE,
                "Записать чек в реестр на начисление",
                "pos",
                POS,
                "Касса печатает чек с пометкой «баллы будут начислены позже» и сохраняет его в реестр на "
                "начисление.",
            ),
            (
                "send_registry",
                SEND,
                "Отправить реестр на начисление ночью",
                "pos",
                POS,
                "Ночью касса отправляет в СУЛ файл реестра на начисление с офлайновыми чеками.",
            ),
            (
                "accrue_registry",
                SERVICE,
                "Начислить баллы по реестру",
                "core",
                CORE,
                "СУЛ загружает реестр, отбрасывает уже учтённые чеки по ключу идемпотентности и начисляет "
                "баллы.",
            ),
            (
                "end_offline",
                END,
                "Баллы начислены по реестру",
                "core",
                CORE,
                "Баллы за офлайновые чеки начислены на следующее утро.",
            ),
        ],
        flows=[
            ("start", "scan_goods"),
            ("scan_goods", "identify"),
            ("identify", "gw_online"),
            ("gw_online", "quote", "СУЛ отвечает", "Ответ СУЛ получен за две секунды"),
            ("gw_online", "mark_offline", "Нет связи с СУЛ", "Таймаут или ошибка связи с СУЛ"),
            ("quote", "join_quote"),
            ("mark_offline", "join_quote"),
            ("join_quote", "pay"),
            ("pay", "gw_mode"),
            ("gw_mode", "commit", "Расчёт получен", "Для чека есть расчёт СУЛ"),
            ("gw_mode", "add_registry", "Офлайн-чек", "Чек помечен как офлайновый"),
            ("commit", "print_balance"),
            ("print_balance", "end_online"),
            ("add_registry", "send_registry"),
            ("send_registry", "accrue_registry"),
            ("accrue_registry", "end_offline"),
        ],
    )


# --- paying with points ------------------------------------------------------------------------


def _pay_with_points_as_is() -> ProcessModel:
    return _build(
        "pay_with_points",
        Variant.as_is,
        "pwp_asis",
        "Оплата баллами",
        "Оплатить покупку баллами сейчас нельзя; единственный похожий способ — бумажный подарочный "
        "сертификат, который проверяют и гасят вручную по журналу в Excel.",
        lanes=[
            ("customer", "Покупатель", ROLE),
            ("cashier", "Кассир", ROLE),
            ("admin", "Администратор магазина", ROLE),
            ("pos", POS, SYSTEM),
        ],
        steps=[
            (
                "start",
                START,
                "Покупатель хочет оплатить сертификатом",
                "customer",
                MANUAL_WORK,
                "Покупатель на кассе говорит, что заплатит подарочным сертификатом.",
            ),
            (
                "hand_cert",
                MANUAL,
                "Передать сертификат кассиру",
                "customer",
                MANUAL_WORK,
                "Покупатель отдаёт кассиру бумажный сертификат.",
            ),
            (
                "check_cert",
                MANUAL,
                "Проверить номер и срок сертификата",
                "cashier",
                MANUAL_WORK,
                "Кассир сверяет номер и срок действия сертификата с распечаткой журнала выданных "
                "сертификатов.",
            ),
            (
                "gw_valid",
                XOR,
                "Сертификат действителен?",
                "cashier",
                MANUAL_WORK,
                "Кассир решает, принимать ли сертификат.",
            ),
            (
                "gw_amount",
                XOR,
                "Чек больше номинала?",
                "cashier",
                POS,
                "Кассир сравнивает сумму чека с номиналом сертификата.",
            ),
            (
                "pay_extra",
                MANUAL,
                "Доплатить разницу",
                "customer",
                MANUAL_WORK,
                "Покупатель доплачивает разницу деньгами, потому что номинал меньше суммы чека.",
            ),
            ("join_pay", XOR, "Оплата собрана", "cashier", POS, "Ветки с доплатой и без неё сходятся здесь."),
            (
                "close_cert",
                USER,
                "Закрыть чек оплатой сертификатом",
                "cashier",
                POS,
                "Кассир выбирает на кассе вид оплаты «сертификат» и вводит его номер.",
            ),
            (
                "print_receipt",
                SERVICE,
                "Напечатать чек с оплатой сертификатом",
                "pos",
                POS,
                "Касса печатает чек, остаток номинала сгорает и покупателю не возвращается.",
            ),
            (
                "cancel_cert",
                MANUAL,
                "Погасить сертификат",
                "admin",
                MANUAL_WORK,
                "Администратор ставит на сертификат штамп «погашен» и убирает его в сейф.",
            ),
            (
                "log_cert",
                USER,
                "Отметить погашение в журнале",
                "admin",
                EXCEL,
                "Администратор вносит номер и дату погашения в журнал сертификатов в Excel.",
            ),
            (
                "end_paid",
                END,
                "Оплата сертификатом принята",
                "admin",
                MANUAL_WORK,
                "Сертификат погашен и отмечен в журнале.",
            ),
            (
                "refuse",
                MANUAL,
                "Отказать в приёме сертификата",
                "cashier",
                MANUAL_WORK,
                "Кассир возвращает сертификат и объясняет, что он просрочен или не найден в журнале.",
            ),
            (
                "end_refused",
                END,
                "Сертификат не принят",
                "customer",
                MANUAL_WORK,
                "Покупатель платит деньгами или уходит без покупки.",
            ),
        ],
        flows=[
            ("start", "hand_cert"),
            ("hand_cert", "check_cert"),
            ("check_cert", "gw_valid"),
            ("gw_valid", "gw_amount", "Действителен", "Сертификат есть в журнале и не просрочен"),
            ("gw_valid", "refuse", "Недействителен", "Сертификат просрочен, погашен или не найден"),
            ("gw_amount", "pay_extra", "Чек больше номинала", "Сумма чека больше номинала сертификата"),
            ("gw_amount", "join_pay", "Чек в пределах номинала", "Сумма чека не больше номинала сертификата"),
            ("pay_extra", "join_pay"),
            ("join_pay", "close_cert"),
            ("close_cert", "print_receipt"),
            ("print_receipt", "cancel_cert"),
            ("cancel_cert", "log_cert"),
            ("log_cert", "end_paid"),
            ("refuse", "end_refused"),
        ],
    )


def _pay_with_points_to_be() -> ProcessModel:
    return _build(
        "pay_with_points",
        Variant.to_be,
        "pwp_tobe",
        "Оплата баллами",
        "Участник просит оплатить часть покупки баллами: СУЛ проверяет баланс и разрешает списать "
        "не более 50 % чека, крупное списание подтверждается кодом из SMS, затем касса фиксирует покупку.",
        lanes=[
            ("customer", "Покупатель", ROLE),
            ("cashier", "Кассир", ROLE),
            ("core", CORE, SYSTEM),
            ("sms", SMS, SYSTEM),
        ],
        steps=[
            (
                "start",
                START,
                "Покупатель хочет оплатить баллами",
                "customer",
                MANUAL_WORK,
                "Участник после сканирования карты просит списать баллы в оплату покупки.",
            ),
            (
                "ask_points",
                USER,
                "Выбрать оплату баллами",
                "cashier",
                POS,
                "Кассир нажимает на кассе «Оплатить баллами» в открытом чеке участника.",
            ),
            (
                "get_balance",
                SERVICE,
                "Проверить баланс участника",
                "core",
                CORE,
                "СУЛ возвращает доступный к списанию баланс без сгоревших и замороженных баллов.",
            ),
            (
                "gw_balance",
                XOR,
                "Есть баллы к списанию?",
                "core",
                CORE,
                "СУЛ проверяет, что доступный баланс больше нуля.",
            ),
            (
                "calc_max",
                RULE,
                "Рассчитать сумму списания (не более 50 % чека)",
                "core",
                CORE,
                "СУЛ ограничивает списание половиной суммы чека без табака и алкоголя и доступным балансом.",
            ),
            (
                "gw_threshold",
                XOR,
                "Списание больше порога?",
                "core",
                CORE,
                "СУЛ сравнивает сумму списания с порогом, выше которого нужен код из SMS.",
            ),
            (
                "send_code",
                SEND,
                "Отправить SMS-код на списание",
                "sms",
                SMS,
                "СУЛ через SMS-шлюз отправляет участнику одноразовый код подтверждения списания.",
            ),
            (
                "enter_code",
                USER,
                "Ввести код из SMS",
                "cashier",
                POS,
                "Участник называет код, кассир вводит его на кассе, СУЛ проверяет его.",
            ),
            (
                "join_confirmed",
                XOR,
                "Списание подтверждено",
                "core",
                CORE,
                "Ветки с кодом и без кода сходятся здесь.",
            ),
            (
                "pay_rest",
                MANUAL,
                "Оплатить остаток деньгами",
                "customer",
                MANUAL_WORK,
                "Покупатель доплачивает наличными или банковской картой то, что не покрыто баллами.",
            ),
            (
                "commit",
                SERVICE,
                "Зафиксировать списание и начисление",
                "core",
                CORE,
                "Касса отправляет commit с ключом идемпотентности, СУЛ списывает баллы и начисляет баллы за "
                "оплаченную деньгами часть.",
            ),
            (
                "print_receipt",
                SERVICE,
                "Напечатать чек с остатком баллов",
                "cashier",
                POS,
                "Касса печатает чек со списанными, начисленными баллами и остатком баланса.",
            ),
            (
                "end_paid",
                END,
                "Покупка оплачена баллами",
                "customer",
                MANUAL_WORK,
                "Часть покупки оплачена баллами, баланс участника обновлён.",
            ),
            (
                "inform",
                MANUAL,
                "Сообщить, что баллов нет",
                "cashier",
                MANUAL_WORK,
                "Кассир говорит покупателю, что баллов к списанию нет, и предлагает обычную оплату.",
            ),
            (
                "end_no_points",
                END,
                "Оплата без баллов",
                "customer",
                MANUAL_WORK,
                "Покупатель оплачивает покупку деньгами, баллы за неё начислятся как обычно.",
            ),
        ],
        flows=[
            ("start", "ask_points"),
            ("ask_points", "get_balance"),
            ("get_balance", "gw_balance"),
            ("gw_balance", "calc_max", "Баллы есть", "Доступный баланс больше нуля"),
            ("gw_balance", "inform", "Баллов нет", "Доступный баланс равен нулю"),
            ("calc_max", "gw_threshold"),
            ("gw_threshold", "send_code", "Больше порога", "Сумма списания больше 1000 баллов"),
            ("gw_threshold", "join_confirmed", "В пределах порога", "Сумма списания не больше 1000 баллов"),
            ("send_code", "enter_code"),
            ("enter_code", "join_confirmed"),
            ("join_confirmed", "pay_rest"),
            ("pay_rest", "commit"),
            ("commit", "print_receipt"),
            ("print_receipt", "end_paid"),
            ("inform", "end_no_points"),
        ],
    )


# --- returns -----------------------------------------------------------------------------------


def _returns_as_is() -> ProcessModel:
    return _build(
        "returns",
        Variant.as_is,
        "ret_asis",
        "Возврат товара",
        "Возврат оформляют на информационной стойке по заявлению покупателя, дисконтную карту при этом "
        "не учитывают, а бэк-офис потом вручную списывает возврат в ERP 1С.",
        lanes=[
            ("customer", "Покупатель", ROLE),
            ("admin", "Администратор магазина", ROLE),
            ("backoffice", "Бэк-офис", ROLE),
            ("erp", ERP, SYSTEM),
        ],
        steps=[
            (
                "start",
                START,
                "Покупатель пришёл вернуть товар",
                "customer",
                MANUAL_WORK,
                "Покупатель приносит товар на информационную стойку магазина.",
            ),
            (
                "bring_goods",
                MANUAL,
                "Предъявить товар и чек",
                "customer",
                MANUAL_WORK,
                "Покупатель показывает товар, бумажный чек и паспорт администратору.",
            ),
            (
                "write_claim",
                MANUAL,
                "Написать заявление на возврат",
                "customer",
                MANUAL_WORK,
                "Покупатель от руки заполняет бланк заявления на возврат денег.",
            ),
            (
                "inspect",
                MANUAL,
                "Осмотреть товар и проверить чек",
                "admin",
                MANUAL_WORK,
                "Администратор проверяет товар, дату покупки и позицию в бумажном чеке.",
            ),
            (
                "gw_accept",
                XOR,
                "Возврат обоснован?",
                "admin",
                MANUAL_WORK,
                "Администратор решает, принимать ли товар по закону о защите прав потребителей.",
            ),
            (
                "refund",
                USER,
                "Оформить чек возврата на кассе",
                "admin",
                POS,
                "Администратор пробивает чек возврата на сумму из чека, дисконтную карту при этом не "
                "учитывают.",
            ),
            (
                "pay_cash",
                MANUAL,
                "Выдать деньги покупателю",
                "admin",
                MANUAL_WORK,
                "Администратор выдаёт деньги из кассы стойки или возвращает их на банковскую карту.",
            ),
            (
                "pass_docs",
                MANUAL,
                "Передать заявления в бэк-офис",
                "admin",
                MANUAL_WORK,
                "Раз в неделю заявления и копии чеков возврата отправляют в бэк-офис.",
            ),
            (
                "write_off",
                USER,
                "Списать возврат вручную в ERP 1С",
                "backoffice",
                ERP,
                "Бухгалтер бэк-офиса по заявлениям вручную создаёт документы возврата и списания в ERP 1С.",
            ),
            (
                "post",
                SERVICE,
                "Провести документ возврата",
                "erp",
                ERP,
                "ERP 1С проводит возврат по складу и взаиморасчётам.",
            ),
            (
                "end_done",
                END,
                "Возврат учтён",
                "erp",
                ERP,
                "Возврат отражён в учёте через несколько дней после выдачи денег.",
            ),
            (
                "refuse",
                MANUAL,
                "Оформить отказ в возврате",
                "admin",
                MANUAL_WORK,
                "Администратор пишет на заявлении причину отказа и возвращает товар покупателю.",
            ),
            (
                "end_refused",
                END,
                "Возврат не принят",
                "customer",
                MANUAL_WORK,
                "Покупатель уходит с товаром и письменным отказом.",
            ),
        ],
        flows=[
            ("start", "bring_goods"),
            ("bring_goods", "write_claim"),
            ("write_claim", "inspect"),
            ("inspect", "gw_accept"),
            ("gw_accept", "refund", "Возврат принят", "Товар и чек соответствуют условиям возврата"),
            ("gw_accept", "refuse", "Отказ", "Срок возврата истёк или товар не подлежит возврату"),
            ("refund", "pay_cash"),
            ("pay_cash", "pass_docs"),
            ("pass_docs", "write_off"),
            ("write_off", "post"),
            ("post", "end_done"),
            ("refuse", "end_refused"),
        ],
    )


def _returns_to_be() -> ProcessModel:
    return _build(
        "returns",
        Variant.to_be,
        "ret_tobe",
        "Возврат товара",
        "Возврат оформляют на кассе по исходному чеку: для чека участника СУЛ одновременно сторнирует "
        "начисленные баллы и пропорционально восстанавливает списанные, а ERP 1С получает возврат ночью.",
        lanes=[
            ("cashier", "Кассир", ROLE),
            ("pos", POS, SYSTEM),
            ("core", CORE, SYSTEM),
            ("erp", ERP, SYSTEM),
        ],
        steps=[
            (
                "start",
                START,
                "Покупатель вернул товар",
                "cashier",
                MANUAL_WORK,
                "Покупатель приносит товар и чек на кассу возвратов.",
            ),
            (
                "find_receipt",
                USER,
                "Найти исходный чек",
                "cashier",
                POS,
                "Кассир сканирует QR-код чека, и касса находит исходную продажу.",
            ),
            (
                "select_lines",
                USER,
                "Выбрать возвращаемые позиции",
                "cashier",
                POS,
                "Кассир отмечает в исходном чеке возвращаемые позиции и их количество.",
            ),
            (
                "gw_member",
                XOR,
                "Чек участника?",
                "pos",
                POS,
                "Касса проверяет, была ли в исходном чеке карта участника.",
            ),
            (
                "send_return",
                SERVICE,
                "Передать возврат в СУЛ",
                "pos",
                POS,
                "Касса вызывает API возврата СУЛ со ссылкой на исходный чек и ключом идемпотентности.",
            ),
            (
                "split_points",
                AND,
                "Пересчитать баллы",
                "core",
                CORE,
                "СУЛ одновременно пересчитывает начисленные и списанные баллы по возвращённым позициям.",
            ),
            (
                "reverse_accrual",
                RULE,
                "Сторнировать начисленные баллы",
                "core",
                CORE,
                "СУЛ снимает баллы, начисленные за возвращённые позиции, пропорционально их сумме.",
            ),
            (
                "restore_redeemed",
                RULE,
                "Восстановить списанные баллы",
                "core",
                CORE,
                "СУЛ возвращает на счёт баллы, которыми была оплачена возвращённая часть, пропорционально её "
                "доле в чеке.",
            ),
            ("join_points", AND, "Баллы пересчитаны", "core", CORE, "Обе ветки пересчёта баллов завершены."),
            (
                "notify",
                SEND,
                "Отправить SMS о пересчёте баллов",
                "core",
                SMS,
                "СУЛ через SMS-шлюз сообщает участнику новый баланс после возврата.",
            ),
            (
                "join_refund",
                XOR,
                "Готово к выплате",
                "cashier",
                POS,
                "Возвраты по чекам участников и без карты сходятся к выплате.",
            ),
            (
                "refund",
                MANUAL,
                "Вернуть деньги покупателю",
                "cashier",
                POS,
                "Кассир возвращает деньгами только ту часть, что была оплачена деньгами, и печатает чек "
                "возврата.",
            ),
            (
                "load_erp",
                SERVICE,
                "Загрузить чек возврата в ERP 1С",
                "erp",
                ERP,
                "Ночью ERP 1С получает чек возврата с кассы и проводит его автоматически.",
            ),
            (
                "end",
                END,
                "Возврат учтён",
                "erp",
                ERP,
                "Возврат отражён в учёте и в балансе баллов без ручной работы.",
            ),
        ],
        flows=[
            ("start", "find_receipt"),
            ("find_receipt", "select_lines"),
            ("select_lines", "gw_member"),
            ("gw_member", "send_return", "Чек участника", "В исходном чеке есть карта участника"),
            ("gw_member", "join_refund", "Чек без карты", "В исходном чеке нет карты участника"),
            ("send_return", "split_points"),
            ("split_points", "reverse_accrual"),
            ("split_points", "restore_redeemed"),
            ("reverse_accrual", "join_points"),
            ("restore_redeemed", "join_points"),
            ("join_points", "notify"),
            ("notify", "join_refund"),
            ("join_refund", "refund"),
            ("refund", "load_erp"),
            ("load_erp", "end"),
        ],
    )


def demo_processes() -> list[tuple[str, ProcessModel]]:
    """The eight demo models as (process key, model), by `PROCESS_KEYS`, AS-IS before TO-BE.

    Built afresh on each call: a caller may change the models it gets.
    """
    return [
        ("enrolment", _enrolment_as_is()),
        ("enrolment", _enrolment_to_be()),
        ("purchase", _purchase_as_is()),
        ("purchase", _purchase_to_be()),
        ("pay_with_points", _pay_with_points_as_is()),
        ("pay_with_points", _pay_with_points_to_be()),
        ("returns", _returns_as_is()),
        ("returns", _returns_to_be()),
    ]


# --- interviews --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFinding:
    text: str  # Russian, one or two sentences
    kind: str  # one of "pain_point", "need", "fact", "risk"
    process: str | None = None  # a process key of PROCESS_KEYS, e.g. "enrolment"
    variant: str = "as-is"  # which variant's step it points at
    step: str | None = None  # a node id in that model


@dataclass(frozen=True)
class DemoInterview:
    stakeholder: str  # full Russian name
    position: str
    department: str
    held_on: datetime.date
    participants: tuple[str, ...]
    notes: str
    findings: tuple[DemoFinding, ...]


ORLOVA = "А. Орлова (консультант)"
KIM = "Д. Ким (консультант)"

INTERVIEWS: tuple[DemoInterview, ...] = (
    DemoInterview(
        stakeholder="Ковалёв Андрей Викторович",
        position="Коммерческий директор",
        department="Коммерческая дирекция",
        held_on=datetime.date(2026, 9, 8),
        participants=(ORLOVA, KIM, "А. В. Ковалёв"),
        notes=(
            "Коммерческий директор видит программу лояльности как способ перестать раздавать одинаковую "
            "скидку всем держателям карт и платить за реальное изменение поведения: частоту визитов и "
            "средний чек. Дисконтных карт выдано около 400 тысяч, но кто ими пользуется, никто не знает.\n\n"
            "Бюджет программы — не больше 2 % розничной выручки. Пилот — 10 магазинов Москвы с осени, "
            "тиражирование на всю сеть после оценки результатов пилота в первом квартале."
        ),
        findings=(
            DemoFinding(
                "Скидка 5 % по карте одинакова для всех и съедает маржу, не влияя на частоту покупок.",
                "pain_point",
                "purchase",
                "as-is",
                "pur_asis_calc_discount",
            ),
            DemoFinding(
                "Цель программы — средний чек участников на 7 % выше, чем у покупателей без карты, через год "
                "после запуска.",
                "need",
            ),
            DemoFinding(
                "Оплата баллами до 50 % чека может ударить по марже в категориях с низкой наценкой; "
                "нужен список категорий-исключений.",
                "risk",
                "pay_with_points",
                "to-be",
                "pwp_tobe_calc_max",
            ),
        ),
    ),
    DemoInterview(
        stakeholder="Смирнова Елена Павловна",
        position="Директор по рознице",
        department="Дирекция розничной сети",
        held_on=datetime.date(2026, 9, 10),
        participants=(ORLOVA, "Е. П. Смирнова", "Р. Исаев (региональный управляющий)"),
        notes=(
            "В розничной сети 42 магазина у дома, в часы пик очередь на кассах — главная жалоба "
            "покупателей. Бумажные анкеты кассиры не любят: на каждую уходит несколько минут, и очередь "
            "растёт. Часть кассиров просто выдаёт карты без анкет.\n\n"
            "Розница просит, чтобы новая система не останавливала продажи при сбоях связи: магазины в "
            "области регулярно теряют интернет."
        ),
        findings=(
            DemoFinding(
                "Заполнение бумажной анкеты задерживает очередь на 2–3 минуты на каждого нового держателя "
                "карты.",
                "pain_point",
                "enrolment",
                "as-is",
                "enr_asis_fill_form",
            ),
            DemoFinding(
                "Регистрация на кассе должна занимать не больше 30 секунд: телефон и код из SMS, без бумаги.",
                "need",
                "enrolment",
                "to-be",
                "enr_tobe_enter_phone",
            ),
            DemoFinding(
                "При потере связи кассы не должны останавливать продажу; начисление баллов можно догнать "
                "позже.",
                "risk",
                "purchase",
                "to-be",
                "pur_tobe_mark_offline",
            ),
        ),
    ),
    DemoInterview(
        stakeholder="Фёдоров Игорь Николаевич",
        position="Директор оптового направления",
        department="Оптовая дирекция",
        held_on=datetime.date(2026, 9, 15),
        participants=(KIM, "И. Н. Фёдоров"),
        notes=(
            "В 12 оптовых магазинах покупают в основном ИП и небольшие кафе. Для них действует скидка "
            "за объём по порогам суммы чека, дисконтные карты там почти не используют.\n\n"
            "Опт опасается, что баллы сложатся со скидкой за объём и маржа уйдёт в минус; для юрлиц нужен "
            "отдельный уровень программы или исключение из начисления."
        ),
        findings=(
            DemoFinding(
                "В оптовых магазинах действует скидка за объём по порогам суммы чека, карта для неё не "
                "нужна.",
                "fact",
            ),
            DemoFinding(
                "Оптовым покупателям (ИП и юрлицам) нужен отдельный уровень, при котором баллы не "
                "начисляются "
                "поверх скидки за объём.",
                "need",
                "purchase",
                "to-be",
                "pur_tobe_quote",
            ),
            DemoFinding(
                "Если баллы суммируются со скидкой за объём, оптовые чеки станут убыточными.",
                "risk",
            ),
        ),
    ),
    DemoInterview(
        stakeholder="Белова Ольга Сергеевна",
        position="Руководитель отдела маркетинга и CRM",
        department="Маркетинг",
        held_on=datetime.date(2026, 9, 17),
        participants=(ORLOVA, KIM, "О. С. Белова", "Н. Яковлева (CRM-аналитик)"),
        notes=(
            "Маркетинг не может связаться с держателями карт: в старой карточной системе телефоны есть "
            "меньше чем у половины, а согласия на рассылки собраны на бумаге. Отчёт по продажам по картам "
            "приходит раз в неделю и не показывает отдельного покупателя.\n\n"
            "Для оценки пилота маркетинг хочет сравнивать пилотные магазины с контрольной группой и средний "
            "чек участников с покупателями без карты."
        ),
        findings=(
            DemoFinding(
                "Около половины анкет не попадает в карточную систему: почерк не разобрать, телефоны "
                "записаны с ошибками.",
                "pain_point",
                "enrolment",
                "as-is",
                "enr_asis_archive",
            ),
            DemoFinding(
                "Нужны электронное согласие на рассылки и приветственное SMS со ссылкой на личный кабинет.",
                "need",
                "enrolment",
                "to-be",
                "enr_tobe_welcome_sms",
            ),
            DemoFinding(
                "Для оценки пилота нужен отчёт по пилотной и контрольной группам магазинов.",
                "need",
            ),
            DemoFinding(
                "Карточная система передаёт продажи по картам в ERP раз в неделю, поэтому отчёт по картам "
                "всегда устаревший.",
                "fact",
            ),
        ),
    ),
    DemoInterview(
        stakeholder="Григорьев Павел Андреевич",
        position="ИТ-директор",
        department="Дирекция информационных технологий",
        held_on=datetime.date(2026, 9, 22),
        participants=(KIM, "П. А. Григорьев", "С. Титов (архитектор)"),
        notes=(
            "Кассовое ПО — собственная доработка, из касс в ERP 1С чеки уходят файлом раз в сутки ночью, "
            "онлайн-канала из магазинов в центральные системы нет. Каналы связи в области нестабильны.\n\n"
            "ИТ готово дать кассам REST-вызовы к СУЛ при условии таймаутов, повторов с ключом "
            "идемпотентности и офлайн-режима с ночной досылкой реестра."
        ),
        findings=(
            DemoFinding(
                "Кассы выгружают чеки в ERP 1С файлом раз в сутки ночью; онлайн-канала из касс нет.",
                "fact",
                "purchase",
                "as-is",
                "pur_asis_export_receipts",
            ),
            DemoFinding(
                "Повтор commit при обрыве связи может начислить баллы дважды, поэтому каждый запрос должен "
                "нести ключ идемпотентности.",
                "risk",
                "purchase",
                "to-be",
                "pur_tobe_commit",
            ),
            DemoFinding(
                "Реестр на начисление офлайновых чеков должен уходить в СУЛ ночью и проверяться на дубли.",
                "need",
                "purchase",
                "to-be",
                "pur_tobe_send_registry",
            ),
            DemoFinding(
                "SMS-шлюз — внешний сервис с лимитом отправок; его сбой не должен блокировать регистрацию на "
                "кассе.",
                "risk",
                "enrolment",
                "to-be",
                "enr_tobe_send_code",
            ),
        ),
    ),
    DemoInterview(
        stakeholder="Никитина Марина Олеговна",
        position="Администратор магазина (старший кассир)",
        department="Магазин № 17, Ленинский проспект",
        held_on=datetime.date(2026, 9, 29),
        participants=(ORLOVA, "М. О. Никитина", "В. Сорокина (кассир)"),
        notes=(
            "Интервью прошло в магазине, консультант понаблюдал за работой касс в час пик. Возвраты "
            "оформляют на информационной стойке, заявления копятся неделю, а бэк-офис потом звонит в "
            "магазин с вопросами по каждому.\n\n"
            "Подарочные сертификаты проверяют по распечатке журнала, которую обновляют раз в неделю; "
            "были случаи приёма уже погашенных сертификатов."
        ),
        findings=(
            DemoFinding(
                "Возврат по чеку с картой оформляют без учёта скидки, и бэк-офис потом вручную списывает "
                "разницу.",
                "pain_point",
                "returns",
                "as-is",
                "ret_asis_write_off",
            ),
            DemoFinding(
                "Сертификаты проверяют по бумажной распечатке журнала, погашенный или поддельный сертификат "
                "не отличить.",
                "pain_point",
                "pay_with_points",
                "as-is",
                "pwp_asis_check_cert",
            ),
            DemoFinding(
                "Кассиру нужен понятный экран: сколько баллов можно списать в этот чек и сколько останется.",
                "need",
                "pay_with_points",
                "to-be",
                "pwp_tobe_ask_points",
            ),
        ),
    ),
    DemoInterview(
        stakeholder="Лебедева Татьяна Ивановна",
        position="Главный бухгалтер",
        department="Бухгалтерия",
        held_on=datetime.date(2026, 10, 6),
        participants=(KIM, "Т. И. Лебедева", "Г. Пономарёва (заместитель главного бухгалтера)"),
        notes=(
            "Главный бухгалтер напомнила, что начисленные баллы — обязательство перед покупателями: часть "
            "выручки откладывается до списания или сгорания баллов, и аудитор проверит расчёт.\n\n"
            "Бухгалтерии нужен ежедневный остаток обязательств по баллам в ERP 1С с разбивкой по магазинам "
            "и сверка с чеками; погашенные сертификаты сейчас сверяют раз в месяц по журналу в Excel."
        ),
        findings=(
            DemoFinding(
                "Начисленные баллы — обязательство перед покупателями; часть выручки признаётся только при "
                "списании или сгорании баллов.",
                "fact",
            ),
            DemoFinding(
                "СУЛ должна каждую ночь передавать в ERP 1С остаток обязательств по баллам с разбивкой по "
                "магазинам.",
                "need",
            ),
            DemoFinding(
                "Если при возврате не сторнировать начисление и не восстановить списанные баллы, "
                "обязательство разойдётся с чеками.",
                "risk",
                "returns",
                "to-be",
                "ret_tobe_reverse_accrual",
            ),
            DemoFinding(
                "Погашенные сертификаты учитывают по журналу в Excel и сверяют с выручкой раз в месяц.",
                "fact",
                "pay_with_points",
                "as-is",
                "pwp_asis_log_cert",
            ),
        ),
    ),
)


# --- inventory ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoInventoryItem:
    category: str  # "algorithm", "form", "report", "system", "integration"
    variant: str  # "as-is" or "to-be"
    name: str
    description: str
    owner: str = ""  # department or person responsible
    source: str = ""  # integrations only: the system that sends
    target: str = ""  # integrations only: the system that receives
    transport: str = ""  # integrations only: e.g. "REST API", "файловый обмен (CSV)", "SMS"
    frequency: str = ""  # integrations only: e.g. "онлайн", "ежесуточно ночью"


AS_IS = Variant.as_is.value
TO_BE = Variant.to_be.value
IT = "Дирекция ИТ"
MARKETING = "Маркетинг"
RETAIL = "Дирекция розничной сети"
ACCOUNTING = "Бухгалтерия"


def _integration(
    variant: str,
    name: str,
    description: str,
    source: str,
    target: str,
    transport: str,
    frequency: str,
    owner: str = IT,
) -> DemoInventoryItem:
    return DemoInventoryItem(
        "integration", variant, name, description, owner, source, target, transport, frequency
    )


INVENTORY: tuple[DemoInventoryItem, ...] = (
    # AS-IS: algorithms
    DemoInventoryItem(
        "algorithm",
        AS_IS,
        "Скидка 5 % по дисконтной карте",
        "Касса даёт фиксированную скидку 5 % на все позиции, кроме табака и алкоголя, если номер карты "
        "входит в диапазон выпущенных карт.",
        RETAIL,
    ),
    DemoInventoryItem(
        "algorithm",
        AS_IS,
        "Скидка за объём в опте",
        "В оптовых магазинах скидка 3 %, 5 % или 7 % по порогам суммы чека 15, 30 и 60 тысяч рублей, карта "
        "не нужна.",
        "Оптовая дирекция",
    ),
    DemoInventoryItem(
        "algorithm",
        AS_IS,
        "Подарочные сертификаты",
        "Бумажный сертификат номиналом 500–5000 рублей, действует год, гасится целиком, остаток номинала "
        "сгорает.",
        MARKETING,
    ),
    # AS-IS: forms
    DemoInventoryItem(
        "form",
        AS_IS,
        "Бумажная анкета держателя карты",
        "Бланк с ФИО, телефоном, датой рождения и подписью о согласии на обработку данных, заполняется от "
        "руки.",
        MARKETING,
    ),
    DemoInventoryItem(
        "form",
        AS_IS,
        "Заявление на возврат",
        "Бумажное заявление покупателя с паспортными данными и причиной возврата, основание для ручного "
        "списания в ERP 1С.",
        ACCOUNTING,
    ),
    # AS-IS: reports
    DemoInventoryItem(
        "report",
        AS_IS,
        "Отчёт о продажах по дисконтным картам",
        "Еженедельный отчёт старой карточной системы: сумма продаж и скидок по картам в разрезе магазинов.",
        MARKETING,
    ),
    DemoInventoryItem(
        "report",
        AS_IS,
        "Журнал подарочных сертификатов",
        "Таблица Excel с выданными и погашенными сертификатами, сверяется с выручкой раз в месяц.",
        ACCOUNTING,
    ),
    # AS-IS: systems
    DemoInventoryItem(
        "system",
        AS_IS,
        POS,
        "Кассовое ПО собственной доработки: продажи, возвраты и расчёт скидки 5 % по карте.",
        IT,
    ),
    DemoInventoryItem(
        "system",
        AS_IS,
        ERP,
        "Учётная система: товары, склад, продажи, взаиморасчёты и бухгалтерский учёт.",
        IT,
    ),
    DemoInventoryItem(
        "system",
        AS_IS,
        OLD_CARDS,
        "Устаревшая система учёта дисконтных карт и анкет владельцев без API.",
        MARKETING,
    ),
    DemoInventoryItem(
        "system",
        AS_IS,
        EXCEL,
        "Таблицы Excel на общем диске: журнал сертификатов и ручные отчёты маркетинга.",
        ACCOUNTING,
    ),
    # AS-IS: integrations
    _integration(
        AS_IS,
        "Выгрузка чеков из касс в ERP 1С",
        "Каждая касса ночью выгружает файл с чеками и скидками за день, ERP 1С загружает его утром.",
        POS,
        ERP,
        "файловый обмен (CSV)",
        "ежесуточно ночью",
    ),
    _integration(
        AS_IS,
        "Продажи по картам из карточной системы в ERP 1С",
        "Карточная система раз в неделю выгружает продажи и скидки по картам для отчётности.",
        OLD_CARDS,
        ERP,
        "файловый обмен (XML)",
        "еженедельно",
    ),
    # TO-BE: algorithms
    DemoInventoryItem(
        "algorithm",
        TO_BE,
        "Начисление баллов по уровню и категории",
        "Базовый уровень — 1 балл за 20 рублей, «Серебро» — 1,5, «Золото» — 2; на свежие продукты ставка "
        "удваивается, на табак и алкоголь баллы не начисляются.",
        MARKETING,
    ),
    DemoInventoryItem(
        "algorithm",
        TO_BE,
        "Списание баллов не более 50 % чека",
        "Баллами (1 балл = 1 рубль) можно оплатить не более половины чека без табака и алкоголя; списание "
        "больше 1000 баллов подтверждается кодом из SMS.",
        MARKETING,
    ),
    DemoInventoryItem(
        "algorithm",
        TO_BE,
        "Сгорание баллов",
        "Баллы сгорают через 12 месяцев после начисления, если участник за это время ничего не купил; за 14 "
        "дней приходит SMS-напоминание.",
        MARKETING,
    ),
    DemoInventoryItem(
        "algorithm",
        TO_BE,
        "Сторно баллов при возврате",
        "При возврате СУЛ снимает начисленные баллы и восстанавливает списанные пропорционально доле "
        "возвращённых позиций в исходном чеке.",
        ACCOUNTING,
    ),
    # TO-BE: forms
    DemoInventoryItem(
        "form",
        TO_BE,
        "Электронное согласие с подтверждением по SMS",
        "Экран регистрации на кассе: телефон, согласие с правилами и на рассылки, подтверждение одноразовым "
        "кодом из SMS.",
        MARKETING,
    ),
    DemoInventoryItem(
        "form",
        TO_BE,
        "Подвал чека с балансом баллов",
        "Блок в конце чека: начислено и списано баллов за покупку, текущий баланс и ближайшее сгорание.",
        RETAIL,
    ),
    # TO-BE: reports
    DemoInventoryItem(
        "report",
        TO_BE,
        "Отчёт об обязательствах по баллам",
        "Остаток начисленных и не списанных баллов на конец дня по магазинам и ожидаемое сгорание, для учёта "
        "обязательства.",
        ACCOUNTING,
    ),
    DemoInventoryItem(
        "report",
        TO_BE,
        "Отчёт по пилотной группе",
        "Сравнение выручки, числа чеков и участников в пилотных магазинах с контрольной группой по неделям.",
        MARKETING,
    ),
    DemoInventoryItem(
        "report",
        TO_BE,
        "Средний чек участников и не-участников",
        "Средний чек и частота покупок участников программы против покупателей без карты по магазинам и "
        "месяцам.",
        MARKETING,
    ),
    # TO-BE: systems
    DemoInventoryItem(
        "system",
        TO_BE,
        POS,
        "Кассовое ПО с модулем лояльности: идентификация участника, запрос расчёта, commit, офлайн-реестр.",
        IT,
    ),
    DemoInventoryItem(
        "system", TO_BE, ERP, "Учётная система: продажи, возвраты и обязательство по баллам из СУЛ.", IT
    ),
    DemoInventoryItem(
        "system",
        TO_BE,
        CORE,
        "Система управления лояльностью: участники, уровни, правила начисления и списания, журнал баллов, "
        "POS API.",
        MARKETING,
    ),
    DemoInventoryItem(
        "system",
        TO_BE,
        SMS,
        "Внешний сервис отправки SMS: коды подтверждения, приветствия и уведомления о балансе.",
        IT,
    ),
    DemoInventoryItem(
        "system",
        TO_BE,
        CABINET,
        "Веб-кабинет участника: баланс, история покупок, согласия и виртуальная карта.",
        MARKETING,
    ),
    # TO-BE: integrations
    _integration(
        TO_BE,
        "Расчёт и фиксация покупки (quote/commit)",
        "Касса запрашивает у СУЛ расчёт баллов и фиксирует покупку, списание и возврат с ключом "
        "идемпотентности.",
        POS,
        CORE,
        "REST API",
        "онлайн",
    ),
    _integration(
        TO_BE,
        "Реестр на начисление",
        "Касса отправляет в СУЛ файл чеков, проданных без связи с СУЛ, для начисления баллов задним числом.",
        POS,
        CORE,
        "файловый обмен (CSV)",
        "ежесуточно ночью",
    ),
    _integration(
        TO_BE,
        "Отправка SMS участникам",
        "СУЛ отправляет через SMS-шлюз коды подтверждения, приветствия и уведомления о балансе.",
        CORE,
        SMS,
        "SMS",
        "онлайн",
    ),
    _integration(
        TO_BE,
        "Обязательства по баллам в ERP 1С",
        "СУЛ передаёт в ERP 1С начисления, списания, сгорания и остаток обязательства по магазинам за день.",
        CORE,
        ERP,
        "REST API",
        "ежесуточно ночью",
        ACCOUNTING,
    ),
    _integration(
        TO_BE,
        "Личный кабинет участника",
        "Личный кабинет читает баланс и историю из СУЛ и передаёт изменения профиля и согласий.",
        CABINET,
        CORE,
        "REST API",
        "онлайн",
        MARKETING,
    ),
    _integration(
        TO_BE,
        "Выгрузка чеков из касс в ERP 1С",
        "Касса ночью выгружает в ERP 1С чеки продаж и возвратов, как и сейчас, с номером карты участника.",
        POS,
        ERP,
        "файловый обмен (CSV)",
        "ежесуточно ночью",
    ),
)
