Feature: Rule 4 - promotions by priority, with reasons
  Promotions apply when all their conditions hold, highest priority first; an exclusive one
  stops every lower one. Multipliers multiply line rates, extra points are added once, a
  category rate replaces the rate of its categories.

  Background:
    Given the programme configuration
      """
      program: Promotions
      timezone: Europe/Moscow
      earn: {base_rate: 5}
      promotions:
        - {code: TUESDAY, kind: multiplier, multiplier: 3, priority: 20, exclusive: true, conditions: {weekdays: [tue]}}
        - {code: DAIRY2X, kind: multiplier, multiplier: 2, priority: 10, conditions: {categories: [dairy]}}
        - {code: FRUIT10, kind: category_rate, rate: 10, priority: 5, conditions: {categories: [fruit]}}
        - {code: BIG, kind: extra_points, points: 50, priority: 1, conditions: {min_check: "1000.00"}}
        - {code: BDAY, kind: multiplier, multiplier: 2, priority: 0, conditions: {birthday_window_days: 7, categories: [cake]}}
      """
    And a member with 0 points
    And the basket
      | sku    | category | quantity | amount |
      | MILK   | dairy    | 1        | 200.00 |
      | APPLES | fruit    | 1        | 300.00 |
      | BREAD  | bread    | 1        | 600.00 |

  Scenario: A Wednesday: multiplier, category rate and extra points together
    200 x 5% x 2 = 20; 300 x 10% = 30; 600 x 5% = 30; 80 + 50 extra = 130.
    Given it is 2026-03-04 12:00 in the store's time zone
    When the member buys the basket
    Then the receipt earns 130 points
    And promotion DAIRY2X is applied
    And promotion FRUIT10 is applied
    And promotion BIG is applied
    And promotion TUESDAY is not applied because "weekday wed not in tue"

  Scenario: A Tuesday: the exclusive promotion stops the lower ones
    Everything x3 at the base rate: (200 + 300 + 600) x 5% x 3 = 165; nothing else applies.
    Given it is 2026-03-03 12:00 in the store's time zone
    When the member buys the basket
    Then the receipt earns 165 points
    And promotion TUESDAY is applied
    And promotion DAIRY2X is not applied because "stopped by exclusive promotion TUESDAY"
    And promotion BIG is not applied because "stopped by exclusive promotion TUESDAY"

  Scenario: A birthday offer within its window, and outside it
    Given it is 2026-03-04 12:00 in the store's time zone
    And the member's birthday is 1990-03-20
    When the member buys the basket
    Then promotion BDAY is not applied because "no line in categories cake"
    Given the basket
      | sku  | category | quantity | amount |
      | CAKE | cake     | 1        | 100.00 |
    When the member buys the basket
    Then promotion BDAY is not applied because "birthday 16 days away (window 7)"
    Given the member's birthday is 1990-03-08
    When the member buys the basket
    Then promotion BDAY is applied
    And the receipt earns 10 points
