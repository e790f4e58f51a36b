Feature: Rule 3 - line rates and excluded categories
  A line earns at its category's rate when one is configured, else at the base rate; a line of
  an excluded category earns nothing (rate 0), and no promotion lifts an exclusion.

  Reference programme (basic.yaml): base rate 5%; dairy 7%; fresh 10%; tobacco and gift_cards
  excluded.

  Background:
    Given the programme configuration "basic.yaml"
    And a member with a balance of 1000 points

  Scenario: Category rates, and the base rate for any other category
    100.00 x 7% = 7 (dairy), 100.00 x 10% = 10 (fresh), 100.00 x 5% = 5 (household: no rate of
    its own, so the base rate): 22 points.
    Given the basket:
      | sku    | category  | quantity | amount |
      | MILK   | dairy     | 1        | 100.00 |
      | APPLES | fresh     | 1        | 100.00 |
      | SOAP   | household | 1        | 100.00 |
    When the member buys the basket
    Then line 1 earns at 7%
    And line 2 earns at 10%
    And line 3 earns at 5%
    And the lines earn 7, 10, 5 points
    And the receipt earns 22 points

  Scenario: An excluded category earns nothing, yet it takes its share of the redemption
    The check is 500.00 + 100.00 = 600.00: at most 300 points. 300.00 split 500:100 -> 250.00 on
    the cigarettes and 50.00 on the bread. Earn bases 250.00 (at 0%) and 50.00 x 5% = 2.5, floor 2.
    Balance 1000 - 300 + 2 = 702.
    Given the basket:
      | sku   | category | quantity | amount |
      | CIGS  | tobacco  | 1        | 500.00 |
      | BREAD | bakery   | 1        | 100.00 |
    When the member buys the basket redeeming 300 points
    Then line 1 pays 250.00 with points
    And line 2 pays 50.00 with points
    And line 1 earns at 0%
    And the lines earn 0, 2 points
    And the receipt earns 2 points
    And the balance is 702

  Scenario: A receipt of excluded goods only earns nothing
    Given the basket:
      | sku  | category   | quantity | amount  |
      | GIFT | gift_cards | 2        | 1000.00 |
    When the member buys the basket
    Then the receipt earns 0 points
    And the balance is 1000

  Scenario: No promotion lifts an exclusion
    ALL2X doubles every line, and TOBACCO10 would give tobacco 10%: the exclusion still wins.
    Cigarettes: 500.00 x 0% x 2 = 0; bread: 100.00 x 5% x 2 = 10. 10 points.
    Given the programme configuration:
      """yaml
      program: Exclusions are absolute
      timezone: Europe/Moscow
      earn: {base_rate: 5, excluded_categories: [tobacco]}
      promotions:
        - {code: ALL2X, kind: multiplier, multiplier: 2, priority: 10}
        - {code: TOBACCO10, kind: category_rate, rate: 10, priority: 5, conditions: {categories: [tobacco]}}
      """
    And the basket:
      | sku   | category | quantity | amount |
      | CIGS  | tobacco  | 1        | 500.00 |
      | BREAD | bakery   | 1        | 100.00 |
    When the member buys the basket
    Then promotion ALL2X is applied
    And line 1 earns at 0%
    And line 1 has a multiplier of 2
    And the lines earn 0, 10 points
    And the receipt earns 10 points
