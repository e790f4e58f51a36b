# language: ru
Функция: Правило 4 — акции по приоритету
  Те же расчёты, что в promotions.feature: эксклюзивная акция вторника останавливает остальные.

  Предыстория:
    Дано конфигурация программы
      """
      program: Promotions
      timezone: Europe/Moscow
      earn: {base_rate: 5}
      promotions:
        - {code: TUESDAY, kind: multiplier, multiplier: 3, priority: 20, exclusive: true, conditions: {weekdays: [tue]}}
        - {code: DAIRY2X, kind: multiplier, multiplier: 2, priority: 10, conditions: {categories: [dairy]}}
        - {code: FRUIT10, kind: category_rate, rate: 10, priority: 5, conditions: {categories: [fruit]}}
        - {code: BIG, kind: extra_points, points: 50, priority: 1, conditions: {min_check: "1000.00"}}
      """
    И участник с 0 баллами
    И корзина
      | sku    | category | quantity | amount |
      | MILK   | dairy    | 1        | 200.00 |
      | APPLES | fruit    | 1        | 300.00 |
      | BREAD  | bread    | 1        | 600.00 |

  Сценарий: Среда — множитель, категорийная ставка и бонус вместе
    Дано в магазине сейчас 2026-03-04 12:00
    Когда участник покупает корзину
    Тогда начислено 130 баллов
    И акция DAIRY2X применена
    И акция TUESDAY не применена: "weekday wed not in tue"

  Сценарий: Вторник — эксклюзивная акция останавливает остальные
    Дано в магазине сейчас 2026-03-03 12:00
    Когда участник покупает корзину
    Тогда начислено 165 баллов
    И акция TUESDAY применена
    И акция DAIRY2X не применена: "stopped by exclusive promotion TUESDAY"
